"""Header and status words other councils print, end to end through a Word plan made here: an "Objective" or
"Commitment" column is the recommendation, an "Implemented?" column of ticks and crosses is the status."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from pipeline.extraction import extract_plan


@pytest.mark.parametrize("asked", ["Objective", "Our commitments"])
@pytest.mark.parametrize("done", ["Implemented?", "Completed? (Y/N)", "Percentage complete"])
def test_other_councils_headers(asked: str, done: str, tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_heading("Climate Action Plan", level=1)
    marks = {"Implemented?": ("✓", "✗"), "Completed? (Y/N)": ("Y", "N"), "Percentage complete": ("100%", "40%")}[done]
    table = doc.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["No.", asked, "Action", "Lead officer", done], strict=True):
        cell.text = text
    for i, mark in enumerate(marks, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(i), f"Cut energy use in council building {i}."
        cells[2].text, cells[3].text, cells[4].text = "Fit LED lighting.", "Head of Estates", mark
    path = tmp_path / "climate.docx"
    doc.save(str(path))
    records = extract_plan(path).records
    assert [(r.id, r.recommendation, r.status.text) for r in records] == [
        ("R1", "Cut energy use in council building 1.", marks[0]),
        ("R2", "Cut energy use in council building 2.", marks[1]),
    ]
    second = "in_progress" if done == "Percentage complete" else "not_started"
    assert [r.status.value for r in records] == ["complete", second]
    assert all(r.extra == {} for r in records)
