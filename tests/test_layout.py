"""Header matching and page geometry on hand-made words."""

from __future__ import annotations

import pytest

from pipeline.extract.columns import columns_from_header
from pipeline.extract.geometry import Rule, Word, row_separators, words_to_lines
from pipeline.extract.header import HeaderMatcher, find_header, is_header, normalise_header
from pipeline.settings import load_settings

MATCHER = HeaderMatcher(load_settings().headers)


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
    ],
)
def test_header_synonyms(text: str, field: str) -> None:
    match = MATCHER.match(text)
    assert match is not None and match.field == field


@pytest.mark.parametrize(
    "text", ["Appendix 1: Updated Action Plan", "Commissioning Landscape", "KCC is striving to be an excellent", ""]
)
def test_non_headers(text: str) -> None:
    assert MATCHER.match(text) is None


def test_normalise_header() -> None:
    assert normalise_header(" Timescale(s) ") == "timescales"
    assert normalise_header("Ref.\nNo.") == "ref no"


def test_is_header_needs_three_fields_and_a_main_one() -> None:
    m = MATCHER.match
    assert is_header([m("Recommendation"), m("Owner"), m("Status")])
    assert not is_header([m("Owner"), m("Status"), m("Deadline")])
    assert not is_header([m("Recommendation"), m("Owner")])


def w(text: str, x0: float, top: float, bold: bool = True, size: float = 11.0) -> Word:
    return Word(text, x0, x0 + 6.0 * len(text), top, top + size, size, bold)


def test_header_wrapped_over_two_lines_in_any_order() -> None:
    words = [
        w("Owner", 50, 50),
        w("Select", 150, 50),
        w("Committee", 190, 50),
        w("Status", 400, 50),
        w("Recommendation", 150, 62),
        w("Policy", 50, 90, bold=False),
        w("Do", 150, 90, bold=False),
        w("Ongoing", 400, 90, bold=False),
    ]
    header = find_header(words_to_lines(words), [], MATCHER)
    assert header is not None
    assert header.texts() == ["Owner", "Select Committee Recommendation", "Status"]
    assert header.last_line == 1


def test_borderless_columns_split_in_the_gutter() -> None:
    words = [w("Recommendation", 50, 50), w("Owner", 300, 50), w("Status", 450, 50)]
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
    assert [c.field for c in columns] == ["recommendation", "owners", "status"]
    assert 164 < columns[0].x1 <= 300 and 336 < columns[1].x1 <= 450


def test_ruled_columns_come_from_the_rules() -> None:
    words = [w("Recommendation", 55, 50), w("Owner", 305, 50), w("Status", 455, 50)]
    walls = [Rule(True, x, 45, 200) for x in (50, 300, 450, 560)]
    header = find_header(words_to_lines(words), walls, MATCHER)
    assert header is not None
    columns, ruled = columns_from_header(header, [], [50, 300, 450, 560])
    assert ruled and [(c.x0, c.x1) for c in columns] == [(50, 300), (300, 450), (450, 560)]


def test_short_rules_are_not_row_separators() -> None:
    rules = [Rule(False, 100, 50, 560), Rule(False, 150, 60, 90), Rule(False, 200, 50, 300), Rule(False, 200, 300, 560)]
    assert row_separators(rules, 50, 560, 40, 300) == [100, 200]
