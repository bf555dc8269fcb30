"""What the extractor reads: text lines, cells, rows, tables and the document, and where each sits on the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.records.plan import BBox, Issue

RowKind = Literal["body", "section"]
TableKind = Literal["plan", "other"]
TitleFrom = Literal["printed", "metadata", "file"]
SourceFormat = Literal["pdf", "docx", "pdf+ocr"]


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line of text inside a cell, with its position on the page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    whole: bool = False  # a line of its own (a row of a table nested in the cell): never joined to its neighbours


@dataclass(frozen=True, slots=True)
class SourceCell:
    """The lines of one cell on one page, the right margin its text wraps at, and the colour it is painted
    (hex "RRGGBB": the cell's shading, or a coloured mark inside it; None when white, grey or not painted)."""

    lines: tuple[TextLine, ...]
    right: float
    fill: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One table row as printed on one page: a section heading or a body row.

    `first_on_page` marks the first row of a table carried over from the page
    before (it may continue that page's last row); `shares_first` marks an
    action row whose first cell is merged with the row above (several actions
    under one recommendation); `table` is the index of the table it belongs to.
    """

    kind: RowKind
    page: int
    bbox: BBox
    cells: tuple[SourceCell, ...]
    first_on_page: bool = False
    shares_first: bool = False
    table: int = 1


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the plan's table, in printed order: the field it maps to and its header."""

    field: str
    header: str


@dataclass(frozen=True, slots=True)
class TablePart:
    """Where one table sits on one page: its box, its header's box (if printed there) and its column edges."""

    page: int
    bbox: BBox
    header: BBox | None
    edges: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One table found in the document: what kind it is and why, its header, columns and pages.

    `used` says whether the plan's records were taken from it.
    """

    index: int
    kind: TableKind
    reason: str
    header: tuple[str, ...]
    columns: tuple[Column, ...]
    pages: tuple[int, ...]
    used: bool = False
    rows: int = 0
    parts: tuple[TablePart, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """What the extractor read from a PDF: the plan table's columns and rows, page by page, and every table seen."""

    path: str
    sha256: str
    pages: int
    title: str
    columns: tuple[Column, ...]
    rows: tuple[SourceRow, ...]
    issues: tuple[Issue, ...] = ()
    tables: tuple[Table, ...] = ()
    title_from: TitleFrom = "printed"
