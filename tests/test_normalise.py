"""Reflow, owners and labels: tiny inline cases, one behaviour each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalise import generated_id, join_lines, parse_label, reflow, split_owners
from pipeline.normalise.labels import unique_ids
from pipeline.records import TextLine
from pipeline.settings import load_settings

SETTINGS = load_settings()
BULLETS = SETTINGS.bullets


def lines(*texts: str, gap_after: tuple[int, ...] = (), x1: float | None = None) -> tuple[TextLine, ...]:
    """Lines 12pt apart (11pt text); an index in gap_after adds a blank line's gap after that line."""
    out, top = [], 0.0
    for i, text in enumerate(texts):
        out.append(TextLine(text, 0.0, x1 if x1 is not None else 5.0 * len(text), top, top + 11.0, 11.0))
        top += 12.5 + (12.5 if i in gap_after else 0)
    return tuple(out)


@pytest.mark.parametrize(
    ("texts", "gaps", "want"),
    [
        (("one line",), (), "one line"),
        (("wrapped", "line"), (), "wrapped line"),
        (("sub-", "contracting"), (), "sub-contracting"),
        (("pre-", "market engagement"), (), "pre-market engagement"),
        (("cost –", "benefit"), (), "cost – benefit"),
        (("ends with 2015-", "16"), (), "ends with 2015- 16"),
        (("para one", "para two"), (0,), "para one\npara two"),
        (("barriers by:", "- introducing", "reduced"), (), "barriers by:\n- introducing reduced"),
        (("double  spaced",), (), "double spaced"),
    ],
)
def test_reflow(texts: tuple[str, ...], gaps: tuple[int, ...], want: str) -> None:
    assert reflow(lines(*texts, gap_after=gaps)) == want


@pytest.mark.parametrize(
    ("before", "after", "want"),
    [("a", "b", "a b"), ("", "b", "b"), ("a", "", "a"), ("e-", "learning", "e-learning"), ("-", "x", "- x")],
)
def test_join_lines(before: str, after: str, want: str) -> None:
    assert join_lines(before, after) == want


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        (("\uf0b7 Transformation", "Team", "\uf0b7 Procurement"), ["Transformation Team", "Procurement"]),
        (("• Policy with", "Commissioning", "and Procurement"), ["Policy with Commissioning and Procurement"]),
        (("- Policy", "- Commissioning"), ["Policy", "Commissioning"]),
        (("▪ Policy", "▪ Commissioning"), ["Policy", "Commissioning"]),
        (("(cid:127) Policy", "(cid:127) Procurement"), ["Policy", "Procurement"]),
        (("•Policy", "•Procurement"), ["Policy", "Procurement"]),
        (("• Policy • Procurement",), ["Policy", "Procurement"]),
        (("Procurement; Commissioning",), ["Procurement", "Commissioning"]),
        (("Head of Commissioning",), ["Head of Commissioning"]),
        # Other councils' cells: a spaced slash between two owners; a line ending in a joining mark goes on.
        (("Cllr Jane Smith / Head of Highways",), ["Cllr Jane Smith", "Head of Highways"]),
        (("Policy/Strategy Manager",), ["Policy/Strategy Manager"]),
        (("Cllr Ahmed Patel /", "Road Safety Manager"), ["Cllr Ahmed Patel", "Road Safety Manager"]),
        (("Assistant Director –", "Highways and Transport"), ["Assistant Director – Highways and Transport"]),
    ],
)
def test_split_owners_with_bullets(texts: tuple[str, ...], want: list[str]) -> None:
    assert split_owners([lines(*texts)], right=400.0, bullets=BULLETS) == want


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        # A line ending in a job title's last word, then a capital: another owner, though it would not have fitted.
        (
            ("Licensing Manager", "Environmental Health", "Manager"),
            ["Licensing Manager", "Environmental Health Manager"],
        ),
        (("Head of SEND", "Principal Psychologist"), ["Head of SEND Principal Psychologist"]),  # no title word: wrap
        (("Democratic Services", "Manager"), ["Democratic Services Manager"]),
        (("Member", "Development Officer"), ["Member Development Officer"]),  # a word alone is a title's start
        (("Road Safety Manager and School Travel Officer",), ["Road Safety Manager", "School Travel Officer"]),
        (("Policy with Commissioning and Procurement",), ["Policy with Commissioning and Procurement"]),
    ],
)
def test_owners_of_a_narrow_column_part_at_job_titles(texts: tuple[str, ...], want: list[str]) -> None:
    # Each line nearly fills a narrow column, so none would have fitted on the line above: only the titles tell.
    assert split_owners([lines(*texts, x1=118.0)], right=120.0, bullets=BULLETS) == want


def test_owners_without_bullets_one_per_short_line() -> None:
    # Each line stops well short of the margin, so each is its own owner.
    assert split_owners([lines("Policy", "Procurement", x1=40.0)], right=200.0, bullets=BULLETS) == [
        "Policy",
        "Procurement",
    ]


def test_owners_without_bullets_wrapped_name_joined() -> None:
    # The first line reaches the margin: "Team" did not fit, so it is the same owner.
    assert split_owners([lines("Transformation", "Team", x1=118.0)], right=120.0, bullets=BULLETS) == [
        "Transformation Team"
    ]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("R1.  Support the development", ("R1.", "R1", 1, None, "Support the development")),
        ("R 2. Clarify KCC", ("R 2.", "R2", 2, None, "Clarify KCC")),
        ("Rec 1 Support", ("Rec 1", "R1", 1, None, "Support")),
        ("Recommendation 12: do this", ("Recommendation 12:", "R12", 12, None, "do this")),
        ("3. Define roles", ("3.", "R3", 3, None, "Define roles")),
        ("R3.1 First action", ("R3.1", "R3.1", 3, "R3", "First action")),
        ("R3a First action", ("R3a", "R3a", 3, "R3", "First action")),
        ("6 - Improve data capturing", ("6 -", "R6", 6, None, "Improve data capturing")),
        ("12 – Title", ("12 –", "R12", 12, None, "Title")),
        ("REF 12 Make it so", ("REF 12", "R12", 12, None, "Make it so")),
        ("2015-16 budget", None),
        ("Support the development", None),
        ("2015 was a year", None),
        ("Recommendations from the panel", None),
        ("Rec 2(i) Publish", ("Rec 2(i)", "R2i", 2, "R2", "Publish")),
        ("Rec 2(ii) Publish", ("Rec 2(ii)", "R2ii", 2, "R2", "Publish")),
        ("4 (iii) Report", ("4 (iii)", "R4iii", 4, "R4", "Report")),
        # A year starting a wrapped line is no label, whatever follows it.
        ("2030. This is the target", None),
        ("1999 - a year", None),
    ],
)
def test_parse_label(text: str, want: tuple[object, ...] | None) -> None:
    got = parse_label(text, SETTINGS)
    assert (None if got is None else (got.printed, got.id, got.number, got.parent, got.rest)) == want


@pytest.mark.parametrize(
    ("text", "ident"),
    [("1", "R1"), ("12.", "R12"), ("R4", "R4"), ("SC3", "SC3"), ("3.2", "R3.2"), ("2(ii)", "R2ii"), ("1a", "R1a")],
)
def test_parse_label_in_label_column(text: str, ident: str) -> None:
    got = parse_label(text, SETTINGS, label_column=True)
    assert got is not None and got.id == ident


def test_generated_ids_are_stable_and_distinct() -> None:
    assert generated_id("Do the thing") == generated_id("do  the thing")
    assert generated_id("Do the thing") != generated_id("Do another thing")


# Private-use characters are Symbol-font bullets, shown as "•" (tested above), so they are left out here.
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Co")), max_size=30), min_size=1, max_size=8)
)
def test_reflow_never_raises_and_keeps_every_word(texts: list[str]) -> None:
    out = reflow(lines(*texts))
    joined = "".join("".join(t.split()) for t in texts)
    assert "".join(out.split()) == joined


@pytest.mark.parametrize(
    ("ids", "want"),
    [
        (["R1", "R2", "R2", "R3"], ["R1", "R2", "R2-2", "R3"]),
        (["R2", "R2", "R2"], ["R2", "R2-2", "R2-3"]),
        (["R2", "R2-2", "R2"], ["R2", "R2-2", "R2-3"]),
        (["auto-1a", "auto-1a"], ["auto-1a", "auto-1a-2"]),
    ],
)
def test_unique_ids_suffix_later_repeats(ids: list[str], want: list[str]) -> None:
    assert unique_ids(ids) == want


def test_a_long_word_at_the_margin_then_a_new_word_is_not_one_word() -> None:
    # "...specification/documentation" fills its line; "for low risk" starts a new word, not "documentationfor".
    cell = (
        TextLine("specification/documentation", 0.0, 140.0, 0.0, 11.0, 11.0),
        TextLine("for low risk", 0.0, 60.0, 12.5, 23.5, 11.0),
    )
    assert reflow(cell, right=141.0) == "specification/documentation for low risk"


def test_a_word_broken_at_the_margin_is_joined() -> None:
    cell = (
        TextLine("documen", 0.0, 140.0, 0.0, 11.0, 11.0),
        TextLine("tation of the plan", 0.0, 90.0, 12.5, 23.5, 11.0),
    )
    assert reflow(cell, right=141.0) == "documentation of the plan"


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        (
            ("in place:", "\uf0b7 an additional worker", "\uf0b7 a trusted assessor"),
            "in place:\n• an additional worker\n• a trusted assessor",
        ),
        (("(cid:127) first item", "(cid:127) second"), "• first item\n• second"),
        (("▪ one", "▪ two"), "▪ one\n▪ two"),
    ],
)
def test_bullet_items_are_lines_of_their_own_with_the_bullet_printed(texts: tuple[str, ...], want: str) -> None:
    assert reflow(lines(*texts)) == want


@pytest.mark.parametrize(
    ("first", "second", "want"),
    [
        ("the risk assessment", "s are reviewed", "the risk assessments are reviewed"),
        ("Environment", "al Health Manager", "Environmental Health Manager"),
        ("we will work with", "in the council", "we will work with in the council"),  # "in" starts lines: kept
    ],
)
def test_a_fragment_of_a_letter_or_two_at_the_margin_ends_the_word(first: str, second: str, want: str) -> None:
    """A word and its last letter or two, each a word in the list ("assessment" and "s"), are one word cut at
    the margin; a two-letter word that starts lines of prose ("in") is not taken for a fragment."""
    cell = (TextLine(first, 0.0, 100.0, 0.0, 11.0, 11.0), TextLine(second, 0.0, 80.0, 12.5, 23.5, 11.0))
    assert reflow(cell, right=101.0) == want


def test_a_word_cut_after_other_words_is_joined() -> None:
    # A narrow status column: "In pro" / "gress".
    cell = (TextLine("In pro", 0.0, 30.0, 0.0, 11.0, 11.0), TextLine("gress", 0.0, 26.0, 12.5, 23.5, 11.0))
    assert reflow(cell, right=31.0) == "In progress"


def test_a_nested_table_row_is_a_line_of_its_own() -> None:
    cell = (
        TextLine("Current vacancies are:", 0.0, 100.0, 0.0, 11.0, 11.0),
        TextLine("Role | FTE", 0.0, 100.0, 12.5, 23.5, 11.0, whole=True),
        TextLine("Worker | 1.87", 0.0, 100.0, 25.0, 36.0, 11.0, whole=True),
        TextLine("and more text", 0.0, 60.0, 37.5, 48.5, 11.0),
    )
    assert reflow(cell) == "Current vacancies are:\nRole | FTE\nWorker | 1.87\nand more text"


@pytest.mark.parametrize(
    ("texts", "extent", "want"),
    [
        # The next word would have fitted within the column's text extent: a typed break, two owners.
        (("Head of Policy", "Commissioning"), 200.0, ["Head of Policy", "Commissioning"]),
        # It would not have fitted: a wrap inside one name.
        (("Head of", "Environment"), 60.0, ["Head of Environment"]),
        (("Commercial Ethics", "and Sustainability", "Lead"), 100.0, ["Commercial Ethics and Sustainability Lead"]),
    ],
)
def test_owner_line_breaks_by_the_columns_text_extent(texts: tuple[str, ...], extent: float, want: list[str]) -> None:
    cell = lines(*texts)  # 5 points a character
    assert split_owners([cell], right=extent, bullets=BULLETS) == want


def test_word_list_is_pyspellcheckers_english() -> None:
    """The shipped word list holds exactly pyspellchecker's English words; ACTIONPLAN_REGENERATE=1 rewrites it."""
    import gzip
    import json
    import os
    from importlib import resources

    from pipeline.normalise.text import WORD_LIST

    source = resources.files("spellchecker").joinpath("resources/en.json.gz").read_bytes()
    expected = ("\n".join(sorted(w.lower() for w in json.loads(gzip.decompress(source)))) + "\n").encode()
    shipped = resources.files("pipeline.normalise").joinpath(WORD_LIST)
    if os.environ.get("ACTIONPLAN_REGENERATE"):
        with gzip.GzipFile(str(shipped), "wb", mtime=0) as out:
            out.write(expected)
    assert gzip.decompress(shipped.read_bytes()) == expected
