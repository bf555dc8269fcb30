"""The same plans drawn by another producer, in other layouts, extract to the same cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extraction import extract_plan
from pipeline.records import to_jsonable
from tests.conftest import DATA
from tests.renderings import MIDDLE_ALIGNED, STANDARD, VARIANTS, Variant, render
from tests.scoring import cell_mismatches


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
@pytest.mark.parametrize("name", ["kcc-2015", "kcc-2014"])
def test_rendering_extracts_every_cell(name: str, variant: Variant, tmp_path: Path) -> None:
    pdf = render(DATA / f"{name}.truth.json", tmp_path / f"{name}.pdf", variant)
    extraction = extract_plan(pdf)
    assert cell_mismatches(DATA / f"{name}.truth.json", to_jsonable(extraction)) == []


def test_renamed_columns_map_to_fields(tmp_path: Path) -> None:
    variant = next(v for v in VARIANTS if v.name == "reordered-renamed")
    pdf = render(DATA / "kcc-2015.truth.json", tmp_path / "plan.pdf", variant)
    columns = extract_plan(pdf).source.columns
    assert [(c.field, c.header) for c in columns] == variant.columns


def test_unknown_column_is_kept_as_extra(tmp_path: Path) -> None:
    variant = Variant(
        "with-measure",
        columns=[
            ("recommendation", "Recommendation"),
            ("extra", "Measure"),
            ("proposed_actions", "Proposed Actions"),
            ("timescale", "Timescale"),
            ("owners", "Owner"),
            ("status", "Status"),
            ("progress", "Progress"),
        ],
    )
    pdf = render(DATA / "kcc-2015.truth.json", tmp_path / "plan.pdf", variant)
    extraction = extract_plan(pdf)
    assert ("extra", "Measure") in [(c.field, c.header) for c in extraction.source.columns]
    by_id = {r.id: r for r in extraction.records}
    assert by_id["R7"].extra == {"Measure": "Measure 7: reported quarterly"}
    assert cell_mismatches(DATA / "kcc-2015.truth.json", to_jsonable(extraction)) == []


@pytest.mark.parametrize("ruling", ["grid", "none"])
def test_plan_without_labels_gets_stable_generated_ids(ruling: str, tmp_path: Path) -> None:
    variant = Variant("no-labels", columns=STANDARD, label_style="none", ruling=ruling)
    truth = json.loads((DATA / "kcc-2015.truth.json").read_text(encoding="utf-8"))
    want = [" ".join(r["recommendation"].split()) for r in truth["rows"] if r["kind"] == "recommendation"]
    first = extract_plan(render(DATA / "kcc-2015.truth.json", tmp_path / "a.pdf", variant))
    assert [" ".join(r.recommendation.split()) for r in first.records] == want
    assert all(r.id.startswith("auto-") and r.label == "" for r in first.records)
    assert any(i.severity == "info" and i.field == "id" for i in first.issues)
    other = Variant(
        "times",
        font="Times-Roman",
        bold_font="Times-Bold",
        size=10,
        columns=STANDARD,
        label_style="none",
        ruling=ruling,
    )
    again = extract_plan(render(DATA / "kcc-2015.truth.json", tmp_path / "b.pdf", other))
    assert [r.id for r in again.records] == [r.id for r in first.records]


def test_vertically_centred_cells_split_by_a_page_break(tmp_path: Path) -> None:
    # The label, timescale, owner and status of a centred row can all fall on the
    # second page: the fragment at the foot of the first page belongs to that row.
    pdf = render(DATA / "kcc-2014.truth.json", tmp_path / "plan.pdf", MIDDLE_ALIGNED)
    assert cell_mismatches(DATA / "kcc-2014.truth.json", to_jsonable(extract_plan(pdf))) == []
