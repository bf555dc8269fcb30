"""Edge cases of where a plan table starts, runs and stops, each drawn small with ReportLab: regressions from review."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.platypus import PageBreak, Spacer

from pipeline.cli import main
from pipeline.errors import NoTableError
from pipeline.extraction import extract_plan
from pipeline.records import to_jsonable
from tests.conftest import DATA
from tests.edges_draw import (
    HEAD,
    HEADING,
    PLAN_HEADER,
    PROSE,
    TITLE,
    build,
    draw_map_page,
    draw_split_row_plan,
    para,
    plan_rows,
    table,
)
from tests.renderings import STANDARD, Variant, render
from tests.scoring import cell_mismatches

COMMITTEE_NOTE = (
    "Members are asked to note the contents of this report and the progress that has been made since the last "
    "meeting of the committee in September. Officers will continue to work with partners across the county to deliver "
    "the priorities set out in the strategy, and a further update will be brought to the committee in the spring, "
    "including the outcome of the public consultation on the draft library strategy and the proposed changes to "
    "opening hours at rural branches."
)


def test_table_option_on_other_table_keeps_its_text(tmp_path: Path) -> None:
    rows = [[f"Topic {i} about the library service", f"We will do thing {i} next year", f"Comment {i}"] for i in (1, 2)]
    pdf = build(tmp_path / "other.pdf", [para("Libraries review", TITLE), table(("Topic", "Notes", "Comment"), rows)])
    result = CliRunner().invoke(main, ["extract", str(pdf), "--table", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    records = json.loads(result.stdout)["records"]
    assert [(r["recommendation"], r["proposed_actions"]) for r in records] == [tuple(row[:2]) for row in rows]
    assert all(r["id"].strip() for r in records)


def test_second_column_of_one_field_is_kept_in_extra(tmp_path: Path) -> None:
    header = ("Recommendation", "Proposed actions", "Lead officer", "Lead member", "Timescale")
    rows = plan_rows((1, 2), with_member=True)
    pdf = build(tmp_path / "dup.pdf", [para("Action plan", TITLE), table(header, rows)])
    records = extract_plan(pdf).records
    assert [(r.owners, r.extra.get("Lead member")) for r in records] == [
        (("Officer 1",), "Member 1"),
        (("Officer 2",), "Member 2"),
    ]


def test_continued_caption_does_not_split_the_table(tmp_path: Path) -> None:
    pdf = draw_split_row_plan(tmp_path / "continued.pdf", caption="Action plan (continued)")
    records = {r.id: r for r in extract_plan(pdf).records}
    assert list(records) == ["R1", "R2", "R3", "R4", "R5"]
    split = records["R3"]
    assert split.pages == (1, 2)
    assert split.proposed_actions.startswith("Action line 1 of a long one")
    assert split.proposed_actions.endswith("action line 33 carried over")


def test_heading_atop_next_page_ends_borderless_plan(tmp_path: Path) -> None:
    flow = [
        para("Libraries Review: Action Plan", TITLE),
        Spacer(1, 12),
        table(PLAN_HEADER, plan_rows(range(1, 6)), ruled=False),
        PageBreak(),
        para("5. Finance", HEADING),
        para(PROSE),
    ]
    extraction = extract_plan(build(tmp_path / "borderless.pdf", flow))
    assert [(r.id, r.pages) for r in extraction.records] == [(f"R{i}", (1,)) for i in range(1, 6)]
    assert [i.message for i in extraction.issues if i.severity == "error"] == []


@pytest.mark.parametrize("prose", [PROSE, COMMITTEE_NOTE], ids=["repeated-sentence", "committee-note"])
def test_header_followed_by_prose_is_no_table(tmp_path: Path, prose: str) -> None:
    pdf = build(tmp_path / "prose.pdf", [table(("Recommendation", "Response"), [], ruled=False), para(prose)])
    with pytest.raises(NoTableError, match="no action-plan table found"):
        extract_plan(pdf)


def test_larger_title_above_header_is_title_not_header(tmp_path: Path) -> None:
    pdf = build(tmp_path / "title.pdf", [para("Action Plan", TITLE), table(PLAN_HEADER, plan_rows(range(1, 5)))])
    source = extract_plan(pdf).source
    assert (source.title, source.title_from) == ("Action Plan", "printed")
    assert source.columns[0].header == "Recommendation"


def _owner_rows(owners: list[str]) -> list[list[str]]:
    return [[f"R{i}. Improve thing {i}", f"Do action {i}", o, "March 2025"] for i, o in enumerate(owners, 1)]


def test_owners_on_separate_lines_of_wide_column_stay_separate(tmp_path: Path) -> None:
    rows = _owner_rows(["Director of Law<br/>Head of Finance", "Corporate Director of Finance<br/>Head of Libraries"])
    pdf = build(
        tmp_path / "wide.pdf", [para("Action Plan", TITLE), table(PLAN_HEADER, rows, widths=[150, 150, 200, 70])]
    )
    assert [r.owners for r in extract_plan(pdf).records] == [
        ("Director of Law", "Head of Finance"),
        ("Corporate Director of Finance", "Head of Libraries"),
    ]


def test_long_owner_wrapping_in_narrow_column_is_one_owner(tmp_path: Path) -> None:
    name = "Corporate Director of Growth, Environment and Transport"
    rows = _owner_rows([name])
    pdf = build(
        tmp_path / "narrow.pdf", [para("Action Plan", TITLE), table(PLAN_HEADER, rows, widths=[170, 170, 90, 70])]
    )
    assert [r.owners for r in extract_plan(pdf).records] == [(name,)]


def test_second_table_after_heading_does_not_inherit_theme(tmp_path: Path) -> None:
    themed = [[para("A HEALTHY START", HEAD), "", "", ""], *plan_rows((1, 2))]
    flow = [
        para("Libraries Review: Action Plan", TITLE),
        table(PLAN_HEADER, themed, style=[("SPAN", (0, 1), (-1, 1))]),
        PageBreak(),
        para("Older people", HEADING),
        para("This part of the plan covers the services for older residents of the county and their carers."),
        table(PLAN_HEADER, plan_rows((3, 4))),
    ]
    records = extract_plan(build(tmp_path / "themes.pdf", flow)).records
    assert [(r.id, r.theme, r.pages) for r in records] == [
        ("R1", "A HEALTHY START", (1,)),
        ("R2", "A HEALTHY START", (1,)),
        ("R3", None, (2,)),
        ("R4", None, (2,)),
    ]


def test_page_of_many_small_shapes_is_refused_cleanly(tmp_path: Path) -> None:
    pdf = draw_map_page(tmp_path / "map.pdf", squares=3000, strokes=3000)
    with pytest.raises(NoTableError, match="no action-plan table found"):
        extract_plan(pdf)


def _header_like_truth(tmp_path: Path) -> Path:
    """kcc-2015's truth with row R3 made of header words, and R4's owner cell just "owner"."""
    truth = json.loads((DATA / "kcc-2015.truth.json").read_text(encoding="utf-8"))
    for row in truth["rows"]:
        if row.get("id") == "R3":
            row.update(
                recommendation="Recommendation tracking across directorates",
                proposed_actions="Actions agreed",
                timescales="2015/16",
                owners=["Lead officer"],
                owner_cell="Lead officer",
                progress="Progress report",
                status="Green",
            )
        if row.get("id") == "R4":
            row.update(owners=["owner"], owner_cell="owner")
    path = tmp_path / "header-like.truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    return path


@pytest.mark.parametrize("ruling", ["grid", "none"])
def test_a_row_made_of_header_words_is_kept(tmp_path: Path, ruling: str) -> None:
    truth = _header_like_truth(tmp_path)
    pdf = render(truth, tmp_path / "plan.pdf", Variant("header-like", columns=STANDARD, ruling=ruling))
    assert cell_mismatches(truth, to_jsonable(extract_plan(pdf))) == []
