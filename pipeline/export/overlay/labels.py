"""The words on page images: a tag on each table, header, theme row and record, and a legend per page."""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.export.overlay.marks import (
    EDGE_COLOUR,
    EDGE_WIDTH,
    FONT_SIZE,
    HATCH_COLOUR,
    HEADER_COLOUR,
    HEADER_TINT,
    HEADER_WIDTH,
    LEGEND_ALPHA,
    MARGIN,
    NOTE_COLOUR,
    OTHER_COLOUR,
    PAPER,
    PLAN_COLOUR,
    RECORD_COLOUR,
    RGB,
    ROW_COLOUR,
    ROW_WIDTH,
    SWATCH,
    TABLE_WIDTH,
    TAG_PAD,
    TAG_TRIES,
    TEXT_COLOUR,
    Box,
    PageMarks,
    hatch,
    table_colour,
    table_tag,
    to_pixels,
)

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

    Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.cache
def _font() -> Font:
    """Return DejaVu Sans (shipped with matplotlib: it has every glyph our tags use), else Pillow's own font."""
    from PIL import ImageFont

    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return ImageFont.truetype(str(path), FONT_SIZE)
    return ImageFont.load_default(size=FONT_SIZE)


def draw_tags(image: Image.Image, marks: PageMarks) -> None:
    """Write a tag on each table, header, theme row and record, clear of the tags already placed."""
    from PIL import ImageDraw

    tags = _Tags(ImageDraw.Draw(image), _font(), image.size)
    for table, part in marks.parts:
        x0, y0, _x1, _y1 = to_pixels(part.bbox)
        above = y0 - tags.measure("Ag")[1] - TABLE_WIDTH
        tags.place(table_tag(table), table_colour(table), (x0, above if above >= 0 else y0))
    for _table, part in marks.parts:
        if part.header is not None:
            tags.beside("header", HEADER_COLOUR, to_pixels(part.header), right=True)
    for row in (r for r in marks.rows if r.kind == "section"):
        tags.beside("theme", HATCH_COLOUR, to_pixels(row.bbox), right=True)
    for text, box in marks.records:
        tags.beside(text, RECORD_COLOUR, to_pixels(box))


@dataclass
class _Tags:
    """The tags written on one page image, kept clear of each other."""

    draw: ImageDraw.ImageDraw
    font: Font
    size: tuple[int, int]
    placed: list[Box] = field(default_factory=list)

    def measure(self, text: str) -> tuple[int, int]:
        """Given a tag's text, return its box's width and height in pixels."""
        left, _top, right, _bottom = self.draw.textbbox((0, 0), text, font=self.font)
        return int(right - left) + 2 * TAG_PAD, _text_height(self.draw, self.font) + 2 * TAG_PAD

    def beside(self, text: str, colour: RGB, box: Box, *, right: bool = False) -> None:
        """Tag a box at its top-left (top-right with right=True): in the margin outside it when the tag fits there,
        so it hides none of the printed text, else just inside."""
        width = self.measure(text)[0]
        edge = box[2] if right else box[0]
        outside = edge + TABLE_WIDTH + width <= self.size[0] if right else edge - TABLE_WIDTH - width >= 0
        step = TABLE_WIDTH if right == outside else -TABLE_WIDTH
        self.place(text, colour, (edge + step, box[1]), right=right != outside)

    def place(self, text: str, colour: RGB, at: tuple[int, int], *, right: bool = False) -> None:
        """Draw `text` in a white box bordered in `colour` at `at` (its top-left, or top-right with right=True).

        A tag that would cover one already placed moves sideways past it (away from `at`), else down.
        """
        width, height = self.measure(text)
        page_w, page_h = self.size
        x = at[0] - width if right else at[0]
        x, y = max(0, min(x, page_w - width)), max(0, min(at[1], page_h - height))
        for _ in range(TAG_TRIES):
            hit = next((o for o in self.placed if _overlap((x, y, x + width, y + height), o)), None)
            if hit is None:
                break
            sideways = hit[0] - width - 2 if right else hit[2] + 2
            if 0 <= sideways <= page_w - width:
                x = sideways
            else:
                y = min(hit[3] + 2, page_h - height)
        box = (x, y, x + width, y + height)
        left, top, _r, _b = self.draw.textbbox((0, 0), text, font=self.font)
        self.draw.rectangle(box, fill=PAPER, outline=colour, width=2)
        self.draw.text((x + TAG_PAD - left, y + TAG_PAD - top), text, fill=TEXT_COLOUR, font=self.font)
        self.placed.append(box)


def _text_height(draw: ImageDraw.ImageDraw, font: Font) -> int:
    _left, top, _right, bottom = draw.textbbox((0, 0), "Ag", font=font)
    return int(bottom - top)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend_items(marks: PageMarks) -> list[tuple[str, str]]:
    """Given a page's marks, return (swatch, words) for each kind of mark on it."""
    kinds = {(t.kind, t.used) for t, _p in marks.parts}
    items: list[tuple[str, str]] = []
    if ("plan", True) in kinds:
        items.append(("plan", "plan table, used"))
    if ("plan", False) in kinds:
        items.append(("plan", "plan table, not used"))
    if any(kind == "other" for kind, _used in kinds):
        items.append(("other", "other table"))
    if any(p.header is not None for _t, p in marks.parts):
        items.append(("header", "header"))
    if marks.parts:
        items.append(("edge", "column edge"))
    if any(r.kind == "body" for r in marks.rows):
        items.append(("row", "body row"))
    if any(r.kind == "section" for r in marks.rows):
        items.append(("theme", "theme row (hatched)"))
    if marks.records:
        items.append(("record", "record id (at its top-left)"))
    if not marks.parts:
        items.append(("", "no table seen on this page"))
    return items


def _draw_swatch(image: Image.Image, kind: str, box: Box) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    if kind in ("plan", "other"):
        draw.rectangle(box, outline=PLAN_COLOUR if kind == "plan" else OTHER_COLOUR, width=TABLE_WIDTH)
    elif kind == "header":
        draw.rectangle(box, fill=HEADER_TINT, outline=HEADER_COLOUR, width=HEADER_WIDTH)
    elif kind == "edge":
        draw.line(((x0 + x1) // 2, y0, (x0 + x1) // 2, y1), fill=EDGE_COLOUR, width=EDGE_WIDTH)
    elif kind == "row":
        draw.rectangle(box, outline=ROW_COLOUR, width=ROW_WIDTH)
    elif kind == "theme":
        hatch(image, box, spacing=SWATCH // 3)
    elif kind == "record":
        draw.rectangle(box, fill=PAPER, outline=RECORD_COLOUR, width=2)


def draw_legend(image: Image.Image, marks: PageMarks, caption: str, note: str | None) -> None:
    """Write the note and a legend of the marks on this page in a box along the bottom or the top,
    whichever hides less of the tables."""
    from PIL import Image, ImageDraw

    font = _font()
    draw = ImageDraw.Draw(image)
    line_h = max(_text_height(draw, font), SWATCH) + 2 * TAG_PAD
    limit = image.width - 4 * MARGIN
    lines = _wrap(draw, font, f"no plan read: {note}", limit) if note else []
    entries = [("", caption), *_legend_items(marks)]
    widths = [(SWATCH + TAG_PAD if kind else 0) + int(draw.textlength(words, font=font)) for kind, words in entries]
    rows: list[list[int]] = [[]]  # indexes into entries, one list per line of the legend
    used = 0
    for i, width in enumerate(widths):
        if rows[-1] and used + width > limit:
            rows.append([])
            used = 0
        rows[-1].append(i)
        used += width + 2 * SWATCH
    text_w = max([int(draw.textlength(line, font=font)) for line in lines] + [0])
    flow_w = max(sum(widths[i] + 2 * SWATCH for i in row) - 2 * SWATCH for row in rows)
    box_w = min(max(text_w, flow_w) + 2 * MARGIN, image.width - 2 * MARGIN)
    box_h = (len(lines) + len(rows)) * line_h + 2 * MARGIN
    bottom = (MARGIN, image.height - box_h - MARGIN, MARGIN + box_w, image.height - MARGIN)
    top = (MARGIN, MARGIN, MARGIN + box_w, MARGIN + box_h)
    tables = [to_pixels(p.bbox) for _t, p in marks.parts]
    box = min((bottom, top), key=lambda spot: sum(_overlap_area(spot, t) for t in tables))
    panel = Image.new("RGBA", image.size, (0, 0, 0, 0))
    outline = NOTE_COLOUR if note else TEXT_COLOUR
    ImageDraw.Draw(panel).rectangle(box, fill=(*PAPER, LEGEND_ALPHA), outline=(*outline, 255), width=2)
    image.alpha_composite(panel)
    _left, ascent, _r, _b = draw.textbbox((0, 0), "Ag", font=font)
    y = box[1] + MARGIN
    for line in lines:
        draw.text((box[0] + MARGIN, y + TAG_PAD - ascent), line, fill=TEXT_COLOUR, font=font)
        y += line_h
    for row in rows:
        x = box[0] + MARGIN
        for i in row:
            kind, words = entries[i]
            text_x = x
            if kind:
                swatch_top = y + (line_h - SWATCH) // 2
                _draw_swatch(image, kind, (x, swatch_top, x + SWATCH, swatch_top + SWATCH))
                text_x += SWATCH + TAG_PAD
            draw.text((text_x, y + TAG_PAD - ascent), words, fill=TEXT_COLOUR, font=font)
            x += widths[i] + 2 * SWATCH
        y += line_h


def _overlap_area(a: Box, b: Box) -> int:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def _wrap(draw: ImageDraw.ImageDraw, font: Font, text: str, width: int) -> list[str]:
    """Given text and a width in pixels, return it broken into lines that fit."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
