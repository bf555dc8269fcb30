"""Drawing plan tables and pages with ReportLab."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from tests.layouts.base import BOLD, FONT, MARGIN, PAGE_SIZES, PARAGRAPH_GAP, Col, Entry, Item, Look, Marks, Section


def styles(size: float, text: colors.Color = colors.black) -> tuple[ParagraphStyle, ParagraphStyle]:
    """Return the body and bold paragraph styles of a table drawn at `size` points."""
    body = ParagraphStyle(f"body-{size}", fontName=FONT, fontSize=size, leading=size * 1.2, textColor=text)
    return body, ParagraphStyle(f"bold-{size}", parent=body, fontName=BOLD)


def _later(style: ParagraphStyle, gap: float | None = None) -> ParagraphStyle:
    space = style.fontSize * PARAGRAPH_GAP if gap is None else gap
    return ParagraphStyle(f"{style.name}-later", parent=style, spaceBefore=space)


def paragraphs(text: str, style: ParagraphStyle, width: float, first: ParagraphStyle | None = None) -> list[Flowable]:
    """Given cell text, return its paragraphs; a run of lines holding " | " is drawn as a small ruled table."""
    out: list[Flowable] = []
    grid: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        if " | " in line:
            grid.append(line.split(" | "))
            continue
        if grid:
            out.append(_nested_table(grid, style, width))
            grid = []
        if line:
            para_style = _later(style) if out else (first or style)
            _check_fits(line, para_style, width)
            out.append(Paragraph(escape(line), para_style))
    return out


def _check_fits(text: str, style: ParagraphStyle, width: float) -> None:
    """Refuse a word wider than its column: ReportLab would split it mid-word, and the truth would not read so."""
    for word in text.split():
        if stringWidth(word, style.fontName, style.fontSize) > width:
            raise ValueError(f"{word!r} is wider than its {width:.0f}pt column")


def _nested_table(grid: list[list[str]], style: ParagraphStyle, width: float) -> Table:
    cells = [[Paragraph(escape(c), style) for c in row] for row in grid]
    first = width / 2  # the first column (a role's name) takes half
    rest = [(width - first) / (len(grid[0]) - 1)] * (len(grid[0]) - 1)
    table = Table(cells, colWidths=[first, *rest], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _cell(entry: Entry, col: Col, look: Look, width: float) -> list[Flowable]:
    body, bold = styles(look.size)
    fields = [c.field for c in look.columns]
    if col.field == "label":
        return [Paragraph(escape(entry.label), body)]
    if col.field == "owners":
        for owner in entry.owners:
            _check_fits(f"{look.bullet} {owner}", body, width)
        return [
            Paragraph(escape(f"{look.bullet} {o}" if look.bullet else o), _later(body, look.owner_gap) if i else body)
            for i, o in enumerate(entry.owners)
        ]
    if col.field == "extra":
        return paragraphs(entry.extra.get(col.header, ""), body, width)
    text = getattr(entry, col.field)
    if col.field != "recommendation":
        return paragraphs(text, body, width)
    if entry.label and "label" not in fields:
        text = f"{entry.label} {text}"
    return paragraphs(text, body, width, first=bold if look.title_bold else None)


def plan_table(items: Sequence[Item], look: Look, marks: Marks, *, offset: int = 0, key: str = "plan") -> Table:
    """Given entries and sections, draw them as a table whose cells mark the page each entry starts on.

    Entries are marked by their index (from `offset`); the header's first cell is marked `key + "-first"`.
    """
    bold = styles(look.size)[1]
    head = styles(look.size, look.header_text)[1]
    n = len(look.columns)
    total = sum(c.weight for c in look.columns)
    widths = [look.width * c.weight / total for c in look.columns]
    header: list[Any] = [Paragraph(escape(c.drawn or c.header).replace("\n", "<br/>"), head) for c in look.columns]
    header[0] = [marks.mark(f"{key}-first"), header[0]]
    data: list[list[Any]] = [header]
    cmds: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), look.padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), look.padding),
    ]
    cmds += [("VALIGN", (i, 1), (i, -1), "MIDDLE") for i, c in enumerate(look.columns) if c.field in look.centred]
    if look.header_fill is not None:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), look.header_fill))
    spans: dict[int, int] = {}  # first row of an entry with several actions -> its last row
    group = shade = 0
    for i, item in enumerate(items, start=offset):
        r = len(data)
        if isinstance(item, Section):
            data.append([Paragraph(escape(item.text), bold), *[""] * (n - 1)])
            cmds.append(("SPAN", (0, r), (-1, r)))
            if look.section_fill is not None:
                cmds.append(("BACKGROUND", (0, r), (-1, r), look.section_fill))
            continue
        cells = [
            [marks.mark(i), *_cell(item, c, look, w - 2 * look.padding)]
            for c, w in zip(look.columns, widths, strict=True)
        ]
        if item.continues:
            cells[0] = [marks.mark(i)]
            if look.merge_first:
                spans[group] = r
        else:
            group = r
            shade += 1
        if look.fills:
            cmds.append(("BACKGROUND", (0, r), (-1, r), look.fills[shade % len(look.fills)]))
        data.append(cells)
    cmds += [("SPAN", (0, first), (0, last)) for first, last in spans.items()]
    if look.ruling == "grid":
        cmds.append(("GRID", (0, 0), (-1, -1), look.rule_width, look.rule))
    elif look.ruling == "rows":
        cmds += [
            ("LINEABOVE", (0, 0), (-1, 0), look.rule_width, look.rule),
            ("LINEBELOW", (0, 0), (-1, -1), look.rule_width, look.rule),
        ]
    return Table(
        data,
        colWidths=widths,
        repeatRows=1 if look.repeat_header else 0,
        splitInRow=1 if look.split_rows else 0,
        style=TableStyle(cmds),
        hAlign="LEFT",
    )


def build(
    pdf: Path,
    story: list[Flowable],
    *,
    title: str,
    first: str = "landscape",
    background: colors.Color | None = None,
) -> None:
    """Lay out a story on A4 pages, starting `first` (NextPageTemplate switches), optionally on a filled page."""

    def template(name: str) -> PageTemplate:
        w, h = PAGE_SIZES[name]

        def paint(canv: Any, doc: Any) -> None:
            if background is not None:
                canv.saveState()
                canv.setFillColor(background)
                canv.rect(0, 0, w, h, stroke=0, fill=1)
                canv.restoreState()

        frame = Frame(MARGIN, MARGIN, w - 2 * MARGIN, h - 2 * MARGIN, id=name)
        return PageTemplate(id=name, frames=[frame], onPage=paint, pagesize=(w, h))

    doc = BaseDocTemplate(str(pdf), pagesize=PAGE_SIZES[first], title=title, author="Kent County Council", invariant=1)
    doc.addPageTemplates([template(first), *(template(n) for n in PAGE_SIZES if n != first)])
    doc.build(story)


def title_paragraph(text: str, size: float = 13) -> Paragraph:
    """The plan's title as printed above its table."""
    return Paragraph(escape(text), ParagraphStyle("title", fontName=BOLD, fontSize=size, leading=size * 1.3))
