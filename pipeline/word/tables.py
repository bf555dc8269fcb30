"""A Word table in, its header, columns and rows out, as the PDF extractor gives them (see pipeline.extract).

The header is the first row whose cells name plan fields (header.py's matching by meaning, through the
configured synonyms); rows above it are captions, read as themes. Cells are placed in the header's
columns by where they start on the table's grid, so a cell spanning columns (`w:gridSpan`) lands once.
A row of one cell across the table, or of bold text alone in its first cell, is a theme row. A cell merged
with the one above (`w:vMerge`) is empty when it is the first (several action rows under one
recommendation: `shares_first`, as a PDF's merged first cell) and a copy of the one above elsewhere (one
answer shared by several rows, as the PDF path copies it). The header printed again in the body is skipped.

A Word row has no page and no place on one: each paragraph is a line of its own (`whole`), and the row's
box carries its index in the table (`top`), which the records take as `table_row`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from docx.oxml.ns import qn

from pipeline.extract.header import classify, prefer_one
from pipeline.extract.synonyms import HeaderMatch, HeaderMatcher, normalise_header
from pipeline.records import BBox, Column, RowKind, SourceCell, SourceRow, Table, TableKind, TextLine
from pipeline.word.paragraphs import Paragraph, ParagraphReader

LEAD_ROWS = 3  # the header is among a table's first rows (under at most two caption rows)
NO_MARGIN = 1e6  # a Word cell wraps at no printed edge: no line of it is a word cut at the margin
CELL_SEP = " | "  # between the cells of a table nested in a cell, as the PDF path joins them
BOLD_SHARE = 0.5  # a table whose body is mostly bold has no bold theme rows
W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_CONTAINERS = frozenset([qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo")])


@dataclass(frozen=True)
class GridCell:
    """One cell of a Word row: the grid columns it covers, whether it carries on the cell above (`w:vMerge`),
    its paragraphs (a nested table's rows as paragraphs of their own)."""

    start: int
    span: int
    continues: bool
    paragraphs: tuple[Paragraph, ...]
    fill: str | None = None  # the cell's shading (`w:shd/@w:fill`, hex), when it has one

    @property
    def end(self) -> int:
        return self.start + self.span

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class GridRow:
    """One row of a Word table: its index in the table (from 0), its cells, and whether it is marked to repeat
    as the header (`w:tblHeader`)."""

    index: int
    cells: tuple[GridCell, ...]
    repeats: bool = False


@dataclass(frozen=True)
class WordTable:
    """One table read from a Word document: what kind it is and its rows in the header's columns."""

    table: Table
    rows: tuple[SourceRow, ...]


def children(element: Any) -> list[Any]:
    """Given a body, cell or content control, return its paragraphs and tables in order, content controls opened."""
    out: list[Any] = []
    for child in element:
        if child.tag in (W_P, W_TBL):
            out.append(child)
        elif child.tag in _CONTAINERS:
            out.extend(children(child))
    return out


def _rows_of(tbl: Any) -> list[Any]:
    out: list[Any] = []
    for child in tbl:
        if child.tag == W_TR:
            out.append(child)
        elif child.tag in _CONTAINERS:
            out.extend(_rows_of(child))
    return out


def _cells_of(tr: Any) -> list[Any]:
    out: list[Any] = []
    for child in tr:
        if child.tag == W_TC:
            out.append(child)
        elif child.tag in _CONTAINERS:
            out.extend(_cells_of(child))
    return out


def _int_attr(element: Any | None, default: int) -> int:
    if element is None:
        return default
    try:
        return max(1, int(element.get(qn("w:val"), default)))
    except ValueError:
        return default


def read_grid(tbl: Any, reader: ParagraphReader) -> list[GridRow]:
    """Given a `w:tbl` element, return its rows with their cells placed on the table's grid."""
    rows: list[GridRow] = []
    for index, tr in enumerate(_rows_of(tbl)):
        trpr = tr.find(qn("w:trPr"))
        before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
        column = _int_attr(before, 0) if before is not None else 0
        repeats = trpr is not None and trpr.find(qn("w:tblHeader")) is not None
        cells = []
        for tc in _cells_of(tr):
            tcpr = tc.find(qn("w:tcPr"))
            span = _int_attr(tcpr.find(qn("w:gridSpan")) if tcpr is not None else None, 1)
            merge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            continues = merge is not None and merge.get(qn("w:val"), "continue") != "restart"
            cells.append(GridCell(column, span, continues, _cell_paragraphs(tc, reader), _shading(tc, tcpr)))
            column += span
        rows.append(GridRow(index, tuple(cells), repeats))
    return rows


_HEX = re.compile(r"[0-9A-Fa-f]{6}")


def _shading(tc: Any, tcpr: Any | None) -> str | None:
    """Given a `w:tc` and its properties, return the colour it is shaded (hex): the cell's own shading, else
    that of all its paragraphs when they share one; None when it has none (or "auto")."""
    found = tcpr.find(qn("w:shd")) if tcpr is not None else None
    if found is not None and _HEX.fullmatch(found.get(qn("w:fill"), "") or ""):
        return str(found.get(qn("w:fill"))).upper()
    fills = set()
    for p in tc.iter(W_P):
        shd = p.find(f"{qn('w:pPr')}/{qn('w:shd')}")
        fill = shd.get(qn("w:fill"), "") if shd is not None else ""
        fills.add(fill.upper() if _HEX.fullmatch(fill or "") else None)
    return fills.pop() if len(fills) == 1 else None


def _cell_paragraphs(tc: Any, reader: ParagraphReader) -> tuple[Paragraph, ...]:
    """Given a `w:tc`, return its paragraphs in order, each row of a table nested in it as one of its own."""
    out: list[Paragraph] = []
    for child in children(tc):
        if child.tag == W_P:
            out.append(reader.read(child))
            continue
        for row in read_grid(child, reader):
            texts = [c.text for c in row.cells if not c.continues]
            while texts and not texts[-1]:
                texts.pop()
            if texts:
                out.append(Paragraph((CELL_SEP.join(texts),)))
    return tuple(p for p in out if p.lines)


@dataclass(frozen=True)
class _Header:
    rows: int  # rows from the table's top down to the header's last
    first: int  # the header's first row
    bounds: tuple[tuple[int, int], ...]  # each column's grid columns
    texts: tuple[str, ...]
    kind: TableKind
    reason: str
    fields: tuple[str, ...]


def _columns_of(rows: Sequence[GridRow]) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """Given the rows of a header, return its columns (the finest split of the grid any of its rows makes) and
    each column's text, read down the rows ("Progress" over "Q1")."""
    edges = sorted({e for r in rows for c in r.cells for e in (c.start, c.end)})
    bounds = tuple(zip(edges, edges[1:], strict=False))
    texts = []
    for a, b in bounds:
        parts = [c.text for r in rows for c in r.cells if c.start <= a and b <= c.end and not c.continues]
        texts.append(" ".join(p for p in parts if p))
    kept = [
        (bd, t) for bd, t in zip(bounds, texts, strict=True) if any(c.start <= bd[0] < c.end for c in rows[0].cells)
    ]
    return tuple(bd for bd, _ in kept), tuple(t for _, t in kept)


def _classify(texts: Sequence[str], matcher: HeaderMatcher) -> tuple[TableKind | None, str, list[HeaderMatch | None]]:
    matches = [matcher.match(t) if t else None for t in texts]
    named = [(t, m) for t, m in zip(texts, matches, strict=True) if t]
    kind, reason = classify([t for t, _ in named], [m for _, m in named], matcher)
    return kind, reason, matches


def find_header(rows: Sequence[GridRow], matcher: HeaderMatcher) -> _Header | None:
    """Given a table's rows, return its header: the first of its lead rows whose cells name plan fields (with the
    rows under it marked to repeat with it), or None when none does."""
    for first, row in enumerate(rows[:LEAD_ROWS]):
        if len([c for c in row.cells if c.text]) < 2:
            continue
        tries = [[row]]
        if row.repeats:
            more = [row]
            for later in rows[first + 1 :]:
                if not later.repeats:
                    break
                more.append(later)
            if len(more) > 1:
                tries.insert(0, more)
        for used in tries:
            bounds, texts = _columns_of(used)
            kind, reason, matches = _classify(texts, matcher)
            if kind is not None:
                fields = tuple(prefer_one(texts, matches))
                return _Header(first + len(used), first, bounds, texts, kind, reason, fields)
    return None


def _column_at(start: int, bounds: Sequence[tuple[int, int]]) -> int:
    for i, (a, b) in enumerate(bounds):
        if a <= start < b:
            return i
    return 0 if bounds and start < bounds[0][0] else len(bounds) - 1


def _lines(paragraphs: Sequence[Paragraph]) -> tuple[TextLine, ...]:
    """Given a cell's paragraphs, return its lines: each printed line a whole one, placed by its order."""
    out: list[TextLine] = []
    for p in paragraphs:
        for text in p.lines:
            n = len(out)
            out.append(TextLine(text, 0.0, float(len(text)), float(n), float(n + 1), p.size, p.bold, whole=True))
    return tuple(out)


def _cell(lines: Sequence[TextLine], fill: str | None = None) -> SourceCell:
    return SourceCell(tuple(lines), NO_MARGIN, fill)


def _banded(row: GridRow) -> str | None:
    """The one colour every cell of a row is shaded, or None when its cells differ or are not shaded."""
    fills = {c.fill for c in row.cells}
    return fills.pop() if len(fills) == 1 else None


def _is_theme(
    row: GridRow,
    bounds: Sequence[tuple[int, int]],
    mostly_bold: bool,
    labels: Sequence[re.Pattern[str]],
    rare_bands: Collection[str] = (),
) -> bool:
    """Given a body row, say whether it is a theme row: its text in one cell across columns, or alone in the
    first column (not a recommendation's label) and set in bold in a table whose body is not bold, or shaded
    across the row in a colour few body rows have (`rare_bands`)."""
    filled = [c for c in row.cells if c.text and not c.continues]
    if len(filled) != 1 or len(bounds) < 2:
        return False
    cell = filled[0]
    covers = [i for i, (a, b) in enumerate(bounds) if cell.start <= a and b <= cell.end]
    if len(covers) >= 2 and _column_at(cell.start, bounds) == 0:
        return True
    alone = _column_at(cell.start, bounds) == 0 and len(cell.paragraphs) == 1
    labelled = any(p.match(cell.text) for p in labels)
    marked = (not mostly_bold and cell.paragraphs[0].bold) or _banded(row) in rare_bands
    return alone and marked and not labelled


def _signature(texts: Sequence[str]) -> tuple[str, ...]:
    return tuple(n for n in (normalise_header(t) for t in texts) if n)


def grid_to_rows(
    rows: Sequence[GridRow], header: _Header, table: int, labels: Sequence[re.Pattern[str]] = ()
) -> list[SourceRow]:
    """Given a table's rows and its header, return its caption and body rows in the header's columns."""
    bounds = header.bounds
    width = len(bounds)
    body = rows[header.rows :]
    paragraphs = [p for r in body for c in r.cells for p in c.paragraphs]
    mostly_bold = bool(paragraphs) and sum(p.bold for p in paragraphs) > BOLD_SHARE * len(paragraphs)
    bands = Counter(band for r in body if (band := _banded(r)) is not None)
    rare_bands = {band for band, n in bands.items() if n * 3 < len(body)}  # shading that marks a few rows out
    signature = _signature(header.texts)
    out: list[SourceRow] = []
    for row in rows[: header.first]:  # captions over the header: themes, as a PDF's merged caption row
        text = [p for c in row.cells for p in c.paragraphs]
        if text:
            out.append(_row("section", [_cell(_lines(text))] + [_cell(())] * (width - 1), row.index, table))
    above: dict[int, tuple[TextLine, ...]] = {}  # per grid column, the lines of the cell a merge started with
    for row in body:
        if not any(c.text for c in row.cells):
            continue
        placed: list[list[TextLine]] = [[] for _ in bounds]
        painted: list[str | None] = [None for _ in bounds]
        for c in row.cells:
            if not c.continues:
                placed[_column_at(c.start, bounds)].extend(_lines(c.paragraphs))
            painted[_column_at(c.start, bounds)] = painted[_column_at(c.start, bounds)] or c.fill
        if _signature([" ".join(ln.text for ln in cell) for cell in placed]) == signature:
            continue  # the header typed again in the body
        if _is_theme(row, bounds, mostly_bold, labels, rare_bands):
            texts = [p for c in row.cells for p in c.paragraphs]
            out.append(_row("section", [_cell(_lines(texts))] + [_cell(())] * (width - 1), row.index, table))
            above.clear()
            continue
        leading = _leading_merges(row)
        for c in row.cells:
            if not c.continues:
                above[c.start] = _lines(c.paragraphs)
            elif c.start not in leading:
                placed[_column_at(c.start, bounds)].extend(above.get(c.start, ()))
        cells = [_cell(_renumbered(lines), fill) for lines, fill in zip(placed, painted, strict=True)]
        out.append(_row("body", cells, row.index, table, shares_first=bool(leading)))
    return out


def _leading_merges(row: GridRow) -> set[int]:
    """Given a body row, return where its leading merged cells start: those merged with the row above before any
    text of its own (the recommendation several action rows share; empty cells such as a blank label between)."""
    out: set[int] = set()
    for c in sorted(row.cells, key=lambda c: c.start):
        if c.continues:
            out.add(c.start)
        elif c.text:
            break
    return out


def _renumbered(lines: Sequence[TextLine]) -> tuple[TextLine, ...]:
    return tuple(replace(ln, top=float(i), bottom=float(i + 1)) for i, ln in enumerate(lines))


def _row(
    kind: RowKind, cells: Sequence[SourceCell], index: int, table: int, *, shares_first: bool = False
) -> SourceRow:
    # No page (0) and no place on one: the box's top is the row's index in its table.
    box = BBox(0, 0.0, float(index), float(len(cells)), float(index + 1))
    return SourceRow(kind, 0, box, tuple(cells), shares_first=shares_first, table=table)


def read_table(
    tbl: Any, index: int, reader: ParagraphReader, matcher: HeaderMatcher, labels: Sequence[re.Pattern[str]] = ()
) -> WordTable:
    """Given a `w:tbl` element and its number in the document, return it read: a plan's or another table
    (`labels`: the strong label patterns, which a bold first cell starting with one is a record, not a theme)."""
    rows = read_grid(tbl, reader)
    header = find_header(rows, matcher)
    if header is None:
        first = next((r for r in rows if any(c.text for c in r.cells)), None)
        texts = tuple(c.text for c in first.cells if not c.continues) if first else ()
        columns = tuple(Column("extra", t) for t in texts)
        found = Table(index, "other", "its first rows name no plan columns", texts, columns, ())
        return WordTable(found, ())
    columns = tuple(Column(f, t) for f, t in zip(header.fields, header.texts, strict=True))
    body = grid_to_rows(rows, header, index, labels)
    count = sum(1 for r in body if r.kind == "body")
    found = Table(index, header.kind, header.reason, header.texts, columns, (), rows=count)
    return WordTable(found, tuple(body))


def body_size(paragraphs: Sequence[Paragraph]) -> float:
    """Given paragraphs, return the type size most of their text is set in (the median paragraph's)."""
    sizes = [p.size for p in paragraphs if p.lines]
    return statistics.median(sizes) if sizes else 0.0
