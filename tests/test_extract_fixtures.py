"""Every cell of the four shared fixtures equals its truth.

Each fixture is read once per test process (`shared_extraction`: `extract_plan(path)` with default settings).
"""

from __future__ import annotations

import json

import pytest

from pipeline.records import to_jsonable
from tests.conftest import DATA, shared_extraction
from tests.scoring import cell_mismatches


def test_every_cell_matches_truth(fixture_name: str) -> None:
    extraction = shared_extraction(fixture_name)
    assert cell_mismatches(DATA / f"{fixture_name}.truth.json", to_jsonable(extraction)) == []


def test_title_and_columns_as_printed(fixture_name: str) -> None:
    truth = json.loads((DATA / f"{fixture_name}.truth.json").read_text(encoding="utf-8"))
    source = shared_extraction(fixture_name).source
    assert source.title == truth["title"]
    assert [c.header for c in source.columns] == truth["columns"]


def test_labels_and_numbers(fixture_name: str) -> None:
    truth = json.loads((DATA / f"{fixture_name}.truth.json").read_text(encoding="utf-8"))
    want = [(r["id"], r["number"], r["label"]) for r in truth["rows"] if r["kind"] == "recommendation"]
    got = [(r.id, r.number, r.label) for r in shared_extraction(fixture_name).records]
    assert got == want


def test_owner_cells_split_into_owners() -> None:
    records = {r.id: r for r in shared_extraction("kcc-2015").records}
    assert records["R1"].owners == ("Transformation Team", "Procurement", "Commissioning")
    assert records["R2"].owners == ("Policy with Commissioning and Procurement",)


def test_row_broken_across_pages_is_one_record_with_both_boxes() -> None:
    records = {r.id: r for r in shared_extraction("kcc-2015").records}
    r3 = records["R3"]
    assert r3.pages == (2, 3)
    assert [b.page for b in r3.bboxes] == [2, 3]
    assert all(b.top < b.bottom and b.x0 < b.x1 for b in r3.bboxes)
    # the second half of the split cell is present, joined to the first
    assert "make a distinction between commissioning and the role of" in r3.proposed_actions
    assert len(records) == 27


def test_paragraph_breaks_and_list_items_kept() -> None:
    records = {r.id: r for r in shared_extraction("kcc-2015").records}
    assert "barriers by:\n- introducing reduced" in records["R15"].recommendation
    assert "\n" not in records["R1"].recommendation


def test_empty_cells_stay_empty_and_are_reported() -> None:
    extraction = shared_extraction("kcc-2015")
    records = {r.id: r for r in extraction.records}
    assert records["R8"].timescale.text == ""
    assert {r.id for r in extraction.records if r.status.text == ""} == {"R5", "R13", "R20", "R23", "R27"}
    flagged = {(i.record, i.field) for i in extraction.issues}
    assert ("R8", "timescale") in flagged
    assert ("R13", "status") in flagged


def test_plan_without_status_column_says_so_once() -> None:
    issues = shared_extraction("kcc-2014").issues
    status_issues = [i for i in issues if i.field == "status"]
    assert len(status_issues) == 1 and status_issues[0].severity == "info"


@pytest.mark.parametrize("name", ["kcc-2015", "kcc-2014-borderless"])
def test_no_header_or_fragment_rows(name: str) -> None:
    records = shared_extraction(name).records
    assert all(r.label for r in records)
    assert not any("Select Committee" in r.recommendation for r in records)
