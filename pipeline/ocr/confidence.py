"""How sure OCR was of each record: a confidence per cell from Tesseract's word confidences, and warnings.

Pure: given the records, the document they were made from and the words read, it finds each record's source
rows by their boxes, each cell's words by its lines' boxes, and rates the cell by its words, longer words
counting for more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.ocr import ScannedWord
from pipeline.records import Issue, Record, SourceDocument, TextLine

LOW_CONFIDENCE = 0.8  # a cell read with less confidence than this is a warning: check it against the page
NEAR = 1.0  # points: a word belongs to a line of a cell when its middle is within the line's box, this loose
PLACES = 3  # confidences are given to this many decimal places


def _inside(scanned: ScannedWord, line: TextLine) -> bool:
    w = scanned.word
    ymid = (w.top + w.bottom) / 2
    return line.x0 - NEAR <= w.xmid <= line.x1 + NEAR and line.top - NEAR <= ymid <= line.bottom + NEAR


def cell_confidence(words: Sequence[ScannedWord]) -> float | None:
    """Given the words of a cell, return how sure OCR was of it: their confidences, weighted by length."""
    total = sum(len(s.word.text) for s in words)
    if not total:
        return None
    return round(sum(s.confidence * len(s.word.text) for s in words) / total, PLACES)


def rate_records(
    records: Sequence[Record], doc: SourceDocument, words: Sequence[ScannedWord]
) -> tuple[list[Record], list[Issue]]:
    """Given records made from a document read (in part) by OCR, that document and the words OCR read, return
    the records with their confidence (the lowest of their cells) and each cell's, and a warning for each cell
    read with less than LOW_CONFIDENCE. A record printed on pages with a text layer has no confidence."""
    rows = {row.bbox: row for row in doc.rows}
    on_page: dict[int, list[ScannedWord]] = {}
    for s in words:
        on_page.setdefault(s.page, []).append(s)
    out: list[Record] = []
    issues: list[Issue] = []
    for record in records:
        found: dict[str, list[ScannedWord]] = {}
        pages: dict[str, int] = {}
        for box in record.bboxes:
            row = rows.get(box)
            if row is None or row.page not in on_page:
                continue
            for column, cell in zip(doc.columns, row.cells, strict=False):
                key = column.header if column.field == "extra" else column.field
                seen = [s for s in on_page[row.page] if any(_inside(s, line) for line in cell.lines)]
                if seen:
                    found.setdefault(key, []).extend(seen)
                    pages.setdefault(key, row.page)
        rated = {key: c for key, ws in found.items() if (c := cell_confidence(ws)) is not None}
        if not rated:
            out.append(record)
            continue
        out.append(replace(record, confidence=min(rated.values()), cell_confidence=rated))
        for key, c in rated.items():
            if c < LOW_CONFIDENCE:
                message = f"low OCR confidence in {key} ({c:.2f}): check it against page {pages[key]}"
                issues.append(Issue("warning", message, record.id, key))
    return out, issues
