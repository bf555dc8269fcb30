"""What the extractor saw, as marks on page images: where each goes, in which colour, and the boxes drawn.

Colours are Okabe-Ito's, which stay apart under the common colour-vision deficiencies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.records import BBox, Record, SourceDocument, SourceRow, Table, TablePart

if TYPE_CHECKING:
    from PIL import Image

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]

DPI = 100
SCALE = DPI / 72  # PDF points are 1/72 inch

PLAN_COLOUR: RGB = (0, 114, 178)  # blue
OTHER_COLOUR: RGB = (213, 94, 0)  # vermilion
HEADER_COLOUR: RGB = (0, 158, 115)  # bluish green
HEADER_TINT: RGB = (204, 236, 227)  # the header colour at HEADER_ALPHA over white, for the legend
EDGE_COLOUR: RGB = (204, 121, 167)  # reddish purple
ROW_COLOUR: RGB = (230, 159, 0)  # orange
THEME_COLOUR: RGB = (240, 228, 66)  # yellow
HATCH_COLOUR: RGB = (150, 130, 0)
RECORD_COLOUR: RGB = (0, 0, 0)
NOTE_COLOUR: RGB = (213, 94, 0)
TEXT_COLOUR: RGB = (17, 17, 17)
PAPER: RGB = (255, 255, 255)

TABLE_WIDTH = 3  # pixels
HEADER_WIDTH = 2
EDGE_WIDTH = 2
ROW_WIDTH = 2
ROW_INSET = 3  # so two rows that touch still show two boxes
HEADER_ALPHA = 50
THEME_ALPHA = 60
HATCH_ALPHA = 120
HATCH_SPACING = 14
LEGEND_ALPHA = 235
FONT_SIZE = 13
TAG_PAD = 3
TAG_TRIES = 6  # how many tags one tag may move past to clear them
SWATCH = 14
MARGIN = 6
REASON_CHARS = 60


@dataclass
class PageMarks:
    """What to draw on one page."""

    parts: list[tuple[Table, TablePart]] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)
    records: list[tuple[str, BBox]] = field(default_factory=list)


def marks_by_page(doc: SourceDocument | None, records: Sequence[Record]) -> dict[int, PageMarks]:
    """Given what the extractor saw, return what to draw on each page: table parts, rows and record tags."""
    marks: dict[int, PageMarks] = {}
    if doc is None:
        return marks
    for table in doc.tables:
        for part in table.parts:
            marks.setdefault(part.page, PageMarks()).parts.append((table, part))
    for row in doc.rows:
        marks.setdefault(row.page, PageMarks()).rows.append(row)
    for record in records:
        for i, box in enumerate(record.bboxes):
            marks.setdefault(box.page, PageMarks()).records.append(
                (record.id if i == 0 else f"{record.id} (cont.)", box)
            )
    return marks


def draw_marks(layer: Image.Image, marks: PageMarks) -> None:
    """Draw a page's boxes on a transparent layer: theme hatching, headers, rows, column edges, then table outlines."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(layer)
    for row in marks.rows:
        if row.kind == "section":
            hatch(layer, to_pixels(row.bbox))
    for _table, part in marks.parts:
        if part.header is not None:
            draw.rectangle(
                to_pixels(part.header),
                fill=(*HEADER_COLOUR, HEADER_ALPHA),
                outline=(*HEADER_COLOUR, 255),
                width=HEADER_WIDTH,
            )
    for row in marks.rows:
        if row.kind == "body":
            x0, y0, x1, y1 = to_pixels(row.bbox)
            inset = (x0 + ROW_INSET, y0 + ROW_INSET, x1 - ROW_INSET, y1 - ROW_INSET)
            if inset[2] > inset[0] and inset[3] > inset[1]:
                draw.rectangle(inset, outline=(*ROW_COLOUR, 255), width=ROW_WIDTH)
    for _table, part in marks.parts:
        top, bottom = px(part.bbox.top), px(part.bbox.bottom)
        for x in part.edges:
            draw.line((px(x), top, px(x), bottom), fill=(*EDGE_COLOUR, 255), width=EDGE_WIDTH)
    for table, part in marks.parts:
        draw.rectangle(to_pixels(part.bbox), outline=(*table_colour(table), 255), width=TABLE_WIDTH)


def table_tag(table: Table) -> str:
    """Given a table, return the words written at its top-left: its number, kind, and whether it was used or why not."""
    if table.kind == "plan":
        return f"table {table.index}: plan ({'used' if table.used else 'not used'})"
    reason = table.reason if len(table.reason) <= REASON_CHARS else table.reason[: REASON_CHARS - 1].rstrip() + "…"
    return f"table {table.index}: other — {reason}"


def table_colour(table: Table) -> RGB:
    return PLAN_COLOUR if table.kind == "plan" else OTHER_COLOUR


def px(value: float) -> int:
    return round(value * SCALE)


def to_pixels(box: BBox) -> Box:
    return px(box.x0), px(box.top), px(box.x1), px(box.bottom)


def hatch(layer: Image.Image, box: Box, spacing: int = HATCH_SPACING) -> None:
    """Shade a box in the theme colour with diagonal hatching, so it reads in grey too."""
    from PIL import Image, ImageDraw

    x0, y0 = max(box[0], 0), max(box[1], 0)
    x1, y1 = min(box[2], layer.width), min(box[3], layer.height)
    if x1 <= x0 or y1 <= y0:
        return
    width, height = x1 - x0, y1 - y0
    tile = Image.new("RGBA", (width, height), (*THEME_COLOUR, THEME_ALPHA))
    draw = ImageDraw.Draw(tile)
    for start in range(-height, width, spacing):
        draw.line((start, height, start + height, 0), fill=(*HATCH_COLOUR, HATCH_ALPHA), width=2)
    layer.alpha_composite(tile, (x0, y0))
