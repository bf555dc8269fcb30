"""NUL and other control characters never get past extraction: the store, the tracker and the paper all take the text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from pipeline.cleaning import clean_text
from pipeline.committee import build_paper
from pipeline.extract import read_pdf
from pipeline.extract.content import chars_to_words
from pipeline.normalise import rows_to_records
from pipeline.records import NewRevision, SourceDocument, SourceRow
from pipeline.settings import load_settings
from pipeline.store import Store
from pipeline.update_round import make_tracker
from tests.conftest import DATA

NUL_TEXT = "Prog\x00ress\x07 is\tgood"


def test_a_nul_glyph_is_not_part_of_a_word() -> None:
    chars = [(10.0, 10.0 + 5 * i, 15.0 + 5 * i, 20.0, ch, "Helvetica", 10.0) for i, ch in enumerate("ab\x00c")]
    assert [w.text for w in chars_to_words(chars)] == ["abc"]


@pytest.mark.parametrize(
    ("text", "want"),
    [("Prog\x00ress", "Progress"), ("one\ntwo", "one\ntwo"), ("bell\x07", "bell"), ("plain", "plain")],
)
def test_clean_text(text: str, want: str) -> None:
    assert clean_text(text) == want


def _with_nul(doc: SourceDocument) -> SourceDocument:
    """The document with NUL and control characters typed into the first body row's cells."""
    rows = list(doc.rows)
    k = next(i for i, r in enumerate(rows) if r.kind == "body")
    row: SourceRow = rows[k]
    cells = tuple(
        replace(c, lines=tuple(replace(ln, text=ln.text + " " + NUL_TEXT) for ln in c.lines)) for c in row.cells
    )
    rows[k] = replace(row, cells=cells)
    return replace(doc, rows=tuple(rows))


def test_text_with_nul_goes_through_the_store_the_tracker_and_the_paper(tmp_path: Path, url: str) -> None:
    settings = load_settings()
    doc = _with_nul(read_pdf(DATA / "kcc-2014.pdf", settings=settings))
    records, _ = rows_to_records(doc, settings)
    texts = [r.recommendation for r in records] + [o for r in records for o in r.owners]
    assert all("\x00" not in t and "\x07" not in t for t in texts)
    assert "Progress is good" in records[0].recommendation
    store = Store(url)  # SQLite, and PostgreSQL (which refuses a NUL outright)
    store.add_revision("Plan", "r1", NewRevision(doc.title, "plan.pdf", doc.sha256, doc.pages, doc.columns, records))
    path = make_tracker(store, tmp_path / "tracker.xlsx").path
    book = openpyxl.load_workbook(path)
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    book.close()
    assert any(isinstance(v, str) and "Progress is good" in v for v in cells)
    docx, _, _ = build_paper(store, tmp_path / "paper.docx")
    assert any(
        "Progress is good" in cell.text for t in Document(str(docx)).tables for row in t.rows for cell in row.cells
    )
    store.close()
