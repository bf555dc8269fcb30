"""Draw the small PDFs of tests/test_edges.py with ReportLab: plan tables, prose, headings and a vector map."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11)
HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=9, leading=11)
TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=14, leading=17)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceAfter=6)

PLAN_HEADER = ("Recommendation", "Proposed actions", "Lead officer", "Timescale")
PROSE = (
    "The council has considered the financial implications of the recommendations above and concludes "
    "that they can be met within the existing budget envelope for the coming year. "
) * 3

# The split-row plan is drawn on a canvas: ReportLab's Table will not break one row across a page.
PAGE_HEIGHT = A4[1]
RULE_XS = (60, 220, 420, 500, 560)
LINE_STEP = 11
ROW_PAD = 6


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """Given text (ReportLab markup), return a paragraph in that style."""
    return Paragraph(text, style)


def plan_rows(numbers: Sequence[int], *, with_member: bool = False) -> list[list[str]]:
    """Given recommendation numbers, return plain plan rows (recommendation, action, officer[, member], timescale)."""
    rows = []
    for i in numbers:
        member = [f"Member {i}"] if with_member else []
        rows.append([f"R{i}. Improve thing {i} for residents", f"Do action {i}", f"Officer {i}", *member, "March 2025"])
    return rows


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ruled: bool = True,
    widths: Sequence[float] | None = None,
    style: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """Given a header and rows (strings or flowables), return a table with a bold header repeated on each page."""
    data = [[para(h, HEAD) for h in header]]
    data += [[para(c) if isinstance(c, str) else c for c in row] for row in rows]
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), *style]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands))


def build(path: Path, flow: Sequence[Any]) -> Path:
    """Lay the flowables out on A4 pages at `path` and return it."""
    SimpleDocTemplate(str(path), pagesize=A4).build(list(flow))
    return path


def draw_split_row_plan(path: Path, *, caption: str | None) -> Path:
    """Draw a ruled plan whose third row breaks across pages 1-2, with `caption` above page 2's repeated header.

    Row R3's actions run "Action line 1 of a long one" to 29 on page 1 and "action line 30 carried over" to 33
    on page 2; R4 and R5 follow it there.
    """
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, PAGE_HEIGHT - 130, "Libraries Review: Action Plan")
    long_row = [[f"Action line {k} of a long one" for k in range(1, 30)], ["Officer 3"], ["March 2025"]]
    _draw_ruled_rows(c, 150, [*_split_rows((1, 2)), [["R3. Improve thing 3", "for residents"], *long_row]])
    c.showPage()
    if caption:
        c.setFont("Helvetica-Bold", 11)
        c.drawString(60, PAGE_HEIGHT - 125, caption)
    carried = [[], [f"action line {k} carried over" for k in range(30, 34)], [], []]
    _draw_ruled_rows(c, 140, [carried, *_split_rows((4, 5))])
    c.showPage()
    c.save()
    return path


def _split_rows(numbers: Sequence[int]) -> list[list[list[str]]]:
    return [
        [[f"R{i}. Improve thing {i}", "for residents"], [f"Do action {i}"], [f"Officer {i}"], ["March 2025"]]
        for i in numbers
    ]


def _draw_ruled_rows(c: canvas.Canvas, top: float, rows: Sequence[Sequence[Sequence[str]]]) -> None:
    """Draw the plan header and rows (cells as lists of lines) from `top` down, ruled between rows and columns."""
    y = top
    c.line(RULE_XS[0], PAGE_HEIGHT - y, RULE_XS[-1], PAGE_HEIGHT - y)
    for k, row in enumerate([[[h] for h in PLAN_HEADER], *rows]):
        c.setFont("Helvetica-Bold" if k == 0 else "Helvetica", 9)
        for x, cell in zip(RULE_XS[:-1], row, strict=True):  # each cell starts at its column's left rule
            for i, text in enumerate(cell):
                c.drawString(x + 3, PAGE_HEIGHT - (y + LINE_STEP * (i + 1)), text)
        y += LINE_STEP * max(len(cell) for cell in row) + ROW_PAD
        c.line(RULE_XS[0], PAGE_HEIGHT - y, RULE_XS[-1], PAGE_HEIGHT - y)
    for x in RULE_XS:
        c.line(x, PAGE_HEIGHT - top, x, PAGE_HEIGHT - y)


def draw_map_page(path: Path, *, squares: int, strokes: int, seed: int = 1) -> Path:
    """Draw one page like a vector map: a caption, `strokes` short level strokes and `squares` small grey squares."""
    rng = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 9)
    c.drawString(72, 800, "Appendix: map of library catchments")
    for i in range(strokes):
        x, y, length = rng.uniform(50, 540), rng.uniform(100, 750), rng.uniform(2, 20)
        if i % 2:
            c.line(x, y, x + length, y)
        else:
            c.line(x, y, x, y + length)
    c.setFillGray(0.6)
    for _ in range(squares):
        c.rect(rng.uniform(50, 540), rng.uniform(100, 750), 4, 4, stroke=0, fill=1)
    c.showPage()
    c.save()
    return path
