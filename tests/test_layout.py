"""Header matching and page geometry on hand-made words."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pipeline.extract.columns import ColumnGeom, columns_from_header
from pipeline.extract.content import shown_rules
from pipeline.extract.geometry import Fill, Line, Rule, Word, words_to_lines
from pipeline.extract.grid import row_separators
from pipeline.extract.header import Header, classify, find_headers
from pipeline.extract.page import nested_table_lines, title_above
from pipeline.extract.synonyms import HeaderMatcher, normalise_header
from pipeline.settings import load_settings

SETTINGS = load_settings()
MATCHER = HeaderMatcher(SETTINGS.headers, SETTINGS.not_plan)


def find_header(lines: Sequence[Line], rules: Sequence[Rule], matcher: HeaderMatcher) -> Header | None:
    found = find_headers(lines, rules, matcher)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Select Committee Recommendation", "recommendation"),
        ("Recommendation", "recommendation"),
        ("Issue raised", "recommendation"),
        ("Proposed Actions", "proposed_actions"),
        ("Action(s)", "proposed_actions"),
        ("What we will do", "proposed_actions"),
        ("What we have committed to", "proposed_actions"),
        ("Timescales", "timescale"),
        ("Timescale", "timescale"),
        ("Deadline", "timescale"),
        ("Target date", "timescale"),
        ("Due date", "timescale"),
        ("By when", "timescale"),
        ("Responsible owner", "owners"),
        ("Lead officer", "owners"),
        ("Led by", "owners"),
        ("Lead", "owners"),
        ("Owner", "owners"),
        ("Progress to date", "progress"),
        ("Progress", "progress"),
        ("Update", "progress"),
        ("Comments", "progress"),
        ("Status", "status"),
        ("RAG", "status"),
        ("RAG status", "status"),
        ("Ref", "label"),
        ("Ref No", "label"),
        ("No.", "label"),
        ("Rec", "label"),
        ("  PROGRESS   TO DATE ", "progress"),
        ("Proposed actions and milestones", "proposed_actions"),
        ("Consultation Feedback", "recommendation"),
        ("Draft KCC Response", "proposed_actions"),
        ("Strategies / plans in place to deliver", "progress"),
        ("Strategy / plan / Service in place to deliver", "progress"),
        ("What we have committed to (up until end of 2024)", "proposed_actions"),
        ("REF", "label"),
    ],
)
def test_header_synonyms(text: str, field: str) -> None:
    match = MATCHER.match(text)
    assert match is not None and match.field == field


@pytest.mark.parametrize(
    "text",
    [
        "Appendix 1: Updated Action Plan",
        "Commissioning Landscape",
        "KCC is striving to be an excellent",
        "",
        "for each action.",
        "Centre Responses",
    ],
)
def test_non_headers(text: str) -> None:
    assert MATCHER.match(text) is None


def test_normalise_header() -> None:
    assert normalise_header(" Timescale(s) ") == "timescales"
    assert normalise_header("Ref.\nNo.") == "ref no"


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        (["Recommendation", "Owner", "Status"], "plan"),
        (["Owner", "Status", "Deadline"], "other"),
        (["Recommendation", "Owner"], "other"),
        (["Recommendation", "Proposed actions", "Timescale"], "plan"),
        (["Issue raised", "Response"], "plan"),
        (["Consultation Feedback", "Draft KCC Response"], "plan"),
        (["What we have committed to", "Strategies / plans in place to deliver"], "plan"),
        (["Question", "Response"], ""),
        (["Question Number", "Question", "Answer"], ""),
        (["Risk title", "Likelihood", "Mitigating actions", "Owner"], "other"),
        (["Objectively Verifiable Indicators", "Timescale", "Progress"], "other"),
        (["Term", "Definition"], ""),
    ],
)
def test_a_header_heads_a_plan_by_the_meaning_of_its_columns(cells: list[str], kind: str) -> None:
    got, why = classify(cells, [MATCHER.match(c) for c in cells], MATCHER)
    assert got == (kind or None)
    assert bool(why) == bool(kind)


def w(text: str, x0: float, top: float, bold: bool = True, size: float = 11.0) -> Word:
    return Word(text, x0, x0 + 6.0 * len(text), top, top + size, size, bold)


def test_header_wrapped_over_two_lines_in_any_order() -> None:
    words = [
        w("Owner", 50, 50),
        w("Select", 150, 50),
        w("Committee", 190, 50),
        w("Actions", 300, 50),
        w("Status", 400, 50),
        w("Recommendation", 150, 62),
        w("Policy", 50, 90, bold=False),
        w("Do", 150, 90, bold=False),
        w("Ongoing", 400, 90, bold=False),
    ]
    header = find_header(words_to_lines(words), [], MATCHER)
    assert header is not None
    assert header.texts == ["Owner", "Select Committee Recommendation", "Actions", "Status"]
    assert header.last_line == 1


def test_borderless_columns_split_in_the_gutter() -> None:
    words = [w("Recommendation", 50, 50), w("Response", 300, 50), w("Status", 450, 50)]
    header = find_header(words_to_lines(words), [], MATCHER)
    assert header is not None
    body = [
        w("long", 50, 80, False),
        w("recommendation", 80, 80, False),
        w("Policy", 300, 80, False),
        w("Ongoing", 450, 80, False),
    ]
    columns, ruled = columns_from_header(header, body, [])
    assert not ruled
    assert [c.field for c in columns] == ["recommendation", "proposed_actions", "status"]
    assert 164 < columns[0].x1 <= 300 and 336 < columns[1].x1 <= 450


def test_ruled_columns_come_from_the_rules() -> None:
    words = [w("Recommendation", 55, 50), w("Response", 305, 50), w("Status", 455, 50)]
    walls = [Rule(True, x, 45, 200) for x in (50, 300, 450, 560)]
    header = find_header(words_to_lines(words), walls, MATCHER)
    assert header is not None
    columns, ruled = columns_from_header(header, [], [50, 300, 450, 560])
    assert ruled and [(c.x0, c.x1) for c in columns] == [(50, 300), (300, 450), (450, 560)]


def test_a_page_frame_is_not_a_column() -> None:
    words = [w("Recommendation", 55, 50), w("Response", 305, 50)]
    walls = [10.0, 50.0, 300.0, 560.0, 585.0]  # the page's frame at 10 and 585
    header = find_header(words_to_lines(words), [Rule(True, x, 5, 800) for x in walls], MATCHER)
    assert header is not None
    columns, _ = columns_from_header(header, [w("text", 60, 80, False)], walls)
    assert [(c.x0, c.x1) for c in columns] == [(50, 300), (300, 560)]


COLUMNS = [
    ColumnGeom("recommendation", "", 50, 200),
    ColumnGeom("proposed_actions", "", 200, 400),
    ColumnGeom("owners", "", 400, 560),
]


def test_row_rules_across_the_table_merged_first_cells_and_nested_tables() -> None:
    rules = [
        Rule(False, 100, 50, 560),  # a row ends
        Rule(False, 150, 200, 560),  # an action row ends beside a merged first cell
        Rule(False, 170, 210, 390),  # inside one cell, inset from its walls: a nested table's
        Rule(False, 200, 50, 300),  # two pieces that together cross the table
        Rule(False, 200, 300, 560),
        Rule(False, 250, 50, 200),  # a row ends in the first column only: cells on the right are merged
    ]
    got = row_separators(rules, COLUMNS, 40, 300)
    assert got.full == [100, 200]
    assert got.partial == [(150, 1)]
    assert got.left == [(250, 1)]


def test_a_rule_under_a_later_fill_is_hidden() -> None:
    rules = [Rule(False, 211, 12, 937), Rule(True, 215, 95, 212), Rule(False, 95, 12, 937)]
    shown = shown_rules(list(enumerate(rules)), [(len(rules), Fill(13, 192, 937, 337))])  # the fill painted last
    assert Rule(False, 211, 12, 937) not in shown
    assert Rule(True, 215, 95, 192) in shown
    assert Rule(False, 95, 12, 937) in shown


def test_a_nested_table_becomes_one_line_per_row() -> None:
    words = [
        w("Role", 210, 110, size=9),
        w("FTE", 300, 110, size=9),
        w("Support", 210, 125, size=9),
        w("worker", 210, 135, size=9),
        w("1.87", 300, 125, size=9),
    ]
    rules = [Rule(True, 290, 105, 150), Rule(False, 122, 205, 390)]
    lines = nested_table_lines(words, (1, 205, 105, 390, 150), rules)
    assert [ln.text for ln in lines] == ["Role | FTE", "Support worker | 1.87"]
    assert all(ln.whole for ln in lines)


def test_title_is_the_nearest_unnumbered_heading_above_the_table() -> None:
    lines = words_to_lines(
        [
            w("CONSULTATION", 50, 20),
            w("RESPONSES", 150, 20),
            w("Some", 50, 50, bold=False),
            w("prose.", 90, 50, bold=False),
            w("Section", 50, 80),
            w("1:", 110, 80),
            w("Seashells.", 130, 80),
        ]
    )
    assert title_above(lines, 100, 0, 11) == "CONSULTATION RESPONSES"
    assert title_above(lines[1:], 100, 0, 11) == ""
