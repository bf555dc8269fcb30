"""What a layout case draws: the case, its entries, sections, columns and look, and the marks of pages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

DATA = Path(__file__).parent.parent / "data"
TEXT: dict[str, Any] = json.loads((DATA / "layouts" / "text.json").read_text(encoding="utf-8"))
PAGE_SIZES: dict[str, tuple[float, float]] = {"portrait": A4, "landscape": landscape(A4)}
MARGIN: float = 15 * mm
FRAME_PADDING = 6  # ReportLab's default padding inside a frame
PARAGRAPH_GAP = 0.6  # space before a cell's second and later paragraphs, in lines
COLUMN_SLACK = 3  # points left of a header word that its column's text may start
FONT, BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class Case:
    """A generated PDF, the extraction a reader would make of it, and what it tests."""

    pdf: Path
    truth: dict[str, Any]
    note: str


# ---------------------------------------------------------------- what is drawn


@dataclass(frozen=True)
class Entry:
    """One record as drawn: the label printed, the id it gives and the text of every cell."""

    label: str
    id: str | None
    recommendation: str
    proposed_actions: str = ""
    timescale: str = ""
    owners: tuple[str, ...] = ()
    progress: str = ""
    status: str = ""
    parent: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    continues: bool = False  # another action of the entry above: it shares that entry's first cell


@dataclass(frozen=True)
class Section:
    """A full-width section row: it gives the records below it their theme and is never a record."""

    text: str


Item = Entry | Section


@dataclass(frozen=True)
class Col:
    """A column: the field it maps to, its header as read, its share of the width and its header as drawn."""

    field: str
    header: str
    weight: float
    drawn: str | None = None  # the header broken over lines ("\n") where the page breaks it


@dataclass(frozen=True)
class Look:
    """How a plan table is drawn: columns, width, fonts, ruling, fills and cell alignment."""

    columns: tuple[Col, ...]
    width: float
    size: float = 8
    ruling: Literal["grid", "rows", "none"] = "grid"  # rows: rules between rows only
    rule: colors.Color = colors.black
    rule_width: float = 0.5
    header_fill: colors.Color | None = None
    header_text: colors.Color = colors.black
    fills: tuple[colors.Color, ...] = ()  # body fills, alternating entry by entry
    section_fill: colors.Color | None = None
    centred: tuple[str, ...] = ()  # fields whose cells are centred vertically
    bullet: str = "•"
    owner_gap: float = 0  # extra space between owner paragraphs
    title_bold: bool = False  # the first paragraph of the first cell (label and title) is bold
    repeat_header: bool = True
    split_rows: bool = False  # ReportLab may leave an empty slice of a split row at a page foot: split on purpose
    merge_first: bool = True  # continuing entries share the first cell by a span (else it is left empty)
    padding: float = 4


def plan_entry(index: int, label: str, ident: str | None, **changes: Any) -> Entry:
    """Given a row of the invented plan text, its label and id, return it as an entry (fields overridable)."""
    row = TEXT["rows"][index]
    cells: dict[str, Any] = {
        "recommendation": row["recommendation"],
        "proposed_actions": row["actions"],
        "timescale": row["timescale"],
        "owners": tuple(row["owners"]),
        "progress": row["progress"],
        "status": row["status"],
    }
    cells.update(changes)
    return Entry(label, ident, **cells)


def frame_width(orientation: str) -> float:
    """The width a table may take on a page of the given orientation."""
    return PAGE_SIZES[orientation][0] - 2 * MARGIN - 2 * FRAME_PADDING


# ---------------------------------------------------------------- marks: the page each row starts on


class Marks:
    """Notes the page on which each of its marks is first drawn."""

    def __init__(self) -> None:
        self.pages: dict[object, int] = {}

    def mark(self, key: object) -> Flowable:
        """Return a zero-size flowable that notes its page under `key` when drawn."""
        return _Mark(self.pages, key)


class _Mark(Flowable):  # type: ignore[misc]  # reportlab has no type stubs, so Flowable is Any
    def __init__(self, pages: dict[object, int], key: object) -> None:
        super().__init__()
        self.pages, self.key = pages, key

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.setdefault(self.key, self.canv.getPageNumber())
