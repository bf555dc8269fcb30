"""A status painted, not printed: a RAG column whose cells are coloured (or hold a coloured mark) with no word.

The plans are the 2015 truth drawn again with ReportLab, each status painted its RAG colour instead of printed
(delivered Blue, partly Amber, ongoing Green); and a Word plan made here with shaded status cells."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.extract.paint import hex_colour
from pipeline.extraction import extract_plan
from pipeline.statuses import rag_of_colour
from tests.conftest import DATA
from tests.renderings import STANDARD, Variant, painted_colour, render

TRUTH = DATA / "kcc-2015.truth.json"


def _expected() -> dict[str, str]:
    """Each recommendation's label number and the RAG word its status is painted as ("" when unpainted)."""
    rows = json.loads(TRUTH.read_text(encoding="utf-8"))["rows"]
    return {f"R{r['number']}": painted_colour(r.get("status") or "") for r in rows if r["kind"] != "section"}


@pytest.mark.parametrize(
    "variant",
    [
        Variant("painted-cells", columns=STANDARD, paint_status="cell"),
        Variant("painted-dots", columns=STANDARD, paint_status="dot"),
        Variant("painted-cmyk-banded", columns=STANDARD, paint_status="cell", cmyk=True, band="DEEAF6"),
        Variant("painted-borderless", columns=STANDARD, paint_status="cell", ruling="none"),
    ],
    ids=lambda v: v.name,
)
def test_a_painted_status_is_read_as_its_rag_word(variant: Variant, tmp_path: Path) -> None:
    pdf = render(TRUTH, tmp_path / f"{variant.name}.pdf", variant)
    extraction = extract_plan(pdf)
    expected = _expected()
    got = {r.id: r.status for r in extraction.records}
    assert set(got) == set(expected)
    assert {i: s.text for i, s in got.items()} == expected
    values = {"Blue": "complete", "Green": "in_progress", "Amber": "in_progress", "": "not_reported"}
    assert all(got[i].value == values[word] and got[i].rag == (word or None) for i, word in expected.items())
    noted = {i.record for i in extraction.issues if "read from the colour of its cell" in i.message}
    assert noted == {i for i, word in expected.items() if word}


def test_row_shading_is_not_a_rating(tmp_path: Path) -> None:
    """Every other row shaded a blue strong enough to be a colour, no status printed: nothing reads as Blue."""
    variant = Variant("banded-unpainted", columns=STANDARD, paint_status="cell", band="9DC3E6")
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    for row in truth["rows"]:
        row["status"] = ""  # nothing painted, nothing printed: only the band
    path = tmp_path / "truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    records = extract_plan(render(path, tmp_path / "banded.pdf", variant)).records
    assert len(records) == 27 and all(r.status.text == "" and r.status.value == "not_reported" for r in records)


def _shade(cell: docx.table._Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def test_a_word_plan_with_shaded_status_cells(tmp_path: Path) -> None:
    doc = docx.Document()
    doc.add_heading("Libraries Action Plan", level=1)
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Ref", "Recommendation", "Lead officer", "RAG"], strict=True):
        cell.text = text
    painted = {"R1": "00B050", "R2": "FFC000", "R3": "C00000", "R4": "", "R5": "BDD7EE"}
    for i, (ident, fill) in enumerate(painted.items(), start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = ident, f"Recommendation {i} of the plan.", "Head of Libraries"
        if ident == "R5":  # the whole row shaded: a band, not a rating
            for cell in cells:
                _shade(cell, fill)
        elif fill:
            _shade(cells[3], fill)
    path = tmp_path / "libraries.docx"
    doc.save(str(path))
    extraction = extract_plan(path)
    assert [(r.id, r.status.text) for r in extraction.records] == [
        ("R1", "Green"),
        ("R2", "Amber"),
        ("R3", "Red"),
        ("R4", ""),
        ("R5", ""),
    ]
    assert sum("read from the colour of its cell" in i.message for i in extraction.issues) == 3


@pytest.mark.parametrize(
    ("colour", "word"),
    [
        ("FF0000", "Red"),
        ("C00000", "Red"),
        ("FFC7CE", "Red"),
        ("FFC000", "Amber"),
        ("FFFF00", "Amber"),
        ("FFEB9C", "Amber"),
        ("00B050", "Green"),
        ("92D050", "Green"),
        ("C6EFCE", "Green"),
        ("0070C0", "Blue"),
        ("FFFFFF", None),
        ("D9D9D9", None),
        ("DEEAF6", None),
        ("000000", None),
        ("7030A0", None),
        ("zz", None),
    ],
)
def test_rag_of_colour(colour: str, word: str | None) -> None:
    assert rag_of_colour(colour) == word


def test_hex_colour_of_pdf_fills() -> None:
    assert hex_colour((0.0, 0.69, 0.314)) == "00B050"
    assert hex_colour((1.0, 0.0, 1.0, 0.0)) == "00FF00"  # CMYK: no cyan and full yellow is green
    assert hex_colour((0.5,)) is None and hex_colour((0.9, 0.9, 0.9)) is None and hex_colour(None) is None


def test_a_painted_rag_column_beside_a_printed_status(tmp_path: Path) -> None:
    """ "Status" printed and "RAG" painted: the status keeps its words, takes the painted rating, and the RAG
    column keeps its colour word."""
    doc = docx.Document()
    table = doc.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["No.", "Recommendation", "Lead officer", "Status", "RAG"], strict=True):
        cell.text = text
    rows = [
        ("R1", "On track", "00B050"),
        ("R2", "Complete", "0070C0"),
        ("R3", "Off track", "FF0000"),
        ("R4", "Amber", ""),
    ]
    for ident, status, fill in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = ident, f"Do {ident}.", "Head of Service", status
        if fill:
            _shade(cells[4], fill)
    path = tmp_path / "status-and-rag.docx"
    doc.save(str(path))
    records = extract_plan(path).records
    assert [(r.id, r.status.text, r.status.rag, r.extra) for r in records] == [
        ("R1", "On track", "Green", {"RAG": "Green"}),
        ("R2", "Complete", "Blue", {"RAG": "Blue"}),
        ("R3", "Off track", "Red", {"RAG": "Red"}),
        ("R4", "Amber", "Amber", {"RAG": ""}),
    ]


def test_word_theme_rows_marked_only_by_shading(tmp_path: Path) -> None:
    """A theme row in plain type, its text in the first cell and the whole row shaded: a theme, not a record;
    a zebra band across half the rows marks nothing."""
    doc = docx.Document()
    table = doc.add_table(rows=1, cols=4)
    for cell, header in zip(table.rows[0].cells, ["No.", "Recommendation", "Lead officer", "Status"], strict=True):
        cell.text = header
    body = [("Roads", None), ("R1", "Resurface the A38."), ("R2", "Fix potholes."), ("R3", "Grit routes.")]
    body += [("Libraries", None), ("R4", "Open on Sundays."), ("R5", "Lend e-books."), ("R6", "Extend hours.")]
    for i, (first, text) in enumerate(body):
        cells = table.add_row().cells
        cells[0].text = first
        if text is None:
            for cell in cells:
                _shade(cell, "D9E2F3")
            continue
        cells[1].text, cells[2].text, cells[3].text = text, "Head of Service", "Ongoing"
        if i % 2:
            for cell in cells:
                _shade(cell, "F2F2F2")  # a zebra band
    path = tmp_path / "themes.docx"
    doc.save(str(path))
    records = extract_plan(path).records
    assert [(r.id, r.theme) for r in records] == [
        ("R1", "Roads"),
        ("R2", "Roads"),
        ("R3", "Roads"),
        ("R4", "Libraries"),
        ("R5", "Libraries"),
        ("R6", "Libraries"),
    ]
