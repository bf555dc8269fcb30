"""How our sheets print and show their text: landscape A4, one page wide, the header rows on every page, a
footer with the plan, the revision and the page number, and row heights worked out from the wrapped text.

Neither Excel nor LibreOffice sizes a row to its wrapped text when opening a file written by openpyxl, so
each row's height is estimated here: `text_lines` counts the lines a text wraps to in a column of a given
width, `row_points` turns the tallest cell of a row into a height. The estimate errs on the tall side:
LibreOffice often shows Calibri in a wider font, and a row too short hides the end of its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import date
from typing import Any

from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# Type and row metrics: points, and widths in units of a column's width (the width of the digit 0).
BASE_SIZE = 11.0  # the workbook's body type size (Calibri 11)
LINE_POINTS = 15.0  # one line of 11 pt text, as Excel spaces it (LibreOffice needs less)
ROW_PADDING_POINTS = 3.0  # room above and below a cell's text
LINE_FILL = 0.95  # the share of a column's width a line of text may fill (the cell's margins take the rest)
DEFAULT_WIDTH = 8.43  # Excel's width of a column that sets none
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows
# How wide a character is, in widths of the digit 0: alike in Calibri and in DejaVu Sans, the font LibreOffice
# shows instead where Calibri is missing. Measured from the demo's texts wrapped by LibreOffice: with these,
# no cell needed more lines than estimated, and the estimate was 14% over on average.
NARROW_CHARS, NARROW_WIDTH = frozenset(" .,;:'’!|iljIJ"), 0.5
SLIM_CHARS, SLIM_WIDTH = frozenset('ftr-()[]/"'), 0.62
WIDE_CHARS, WIDE_WIDTH = frozenset("mwMW"), 1.4
CAPITAL_WIDTH, OTHER_WIDTH = 1.1, 0.95
# Smaller type, tried in turn, for a cell whose text would need a taller row than Excel allows.
SMALLER_SIZES = (10.0, 9.0, 8.0, 7.0)
# Page: margins in inches; the footer in a smaller type.
MARGINS = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.25, footer=0.3)
FOOTER_SIZE = 8
MAX_FOOTER_TEXT = 120  # Excel refuses a header or footer longer than 255 characters, codes included
RULE = Side(style="thin", color="A6A6A6")
GRID = Border(left=RULE, right=RULE, top=RULE, bottom=RULE)


def char_width(ch: str) -> float:
    """Given a character, return its width in widths of the digit 0 (an estimate, alike for our fonts)."""
    if ch in NARROW_CHARS:
        return NARROW_WIDTH
    if ch in SLIM_CHARS:
        return SLIM_WIDTH
    if ch in WIDE_CHARS:
        return WIDE_WIDTH
    return CAPITAL_WIDTH if ch.isupper() else OTHER_WIDTH


def text_lines(text: str, width: float, size: float = BASE_SIZE) -> int:
    """Given a cell's text, its column's width (characters) and type size, return how many lines it wraps to:
    words are laid on lines as a spreadsheet wraps them, a word longer than a line broken."""
    room = max(width * LINE_FILL * BASE_SIZE / size, 1.0)
    space = char_width(" ")
    lines = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0.0
        for word in paragraph.split(" "):
            size_of = sum(char_width(ch) for ch in word)
            if used and used + space + size_of <= room:
                used += space + size_of
            elif used:
                count, used = count + 1, size_of
            else:
                used = size_of
            while used > room:
                count, used = count + 1, used - room
        lines += count
    return lines


def row_points(lines: int, size: float = BASE_SIZE) -> float:
    """Given a number of lines of text in a type size, return the row height (points) that shows them all."""
    return lines * LINE_POINTS * size / BASE_SIZE + ROW_PADDING_POINTS


def _width(ws: Worksheet, column: int) -> float:
    dimension = ws.column_dimensions.get(get_column_letter(column))
    return float(dimension.width) if dimension is not None and dimension.width else DEFAULT_WIDTH


def _cell_points(cell: Any, width: float) -> float:
    """The height one cell's text needs; a text taller than Excel's tallest row is set in smaller type."""
    if cell.value is None or cell.value == "":
        return 0.0
    if not (cell.alignment is not None and cell.alignment.wrap_text) or not isinstance(cell.value, str):
        return row_points(1, float(cell.font.sz or BASE_SIZE) if cell.font is not None else BASE_SIZE)
    size = float(cell.font.sz or BASE_SIZE) if cell.font is not None else BASE_SIZE
    points = row_points(text_lines(cell.value, width, size), size)
    for smaller in SMALLER_SIZES:
        if points <= MAX_ROW_POINTS or smaller >= size:
            continue
        font = copy(cell.font)
        font.sz = smaller
        cell.font = font
        size, points = smaller, row_points(text_lines(cell.value, width, smaller), smaller)
    return points


def fit_rows(ws: Worksheet, first_row: int = 1, last_row: int | None = None) -> None:
    """Set each row's height, from `first_row` to `last_row` (default: the last), to show its wrapped text."""
    widths = [_width(ws, c) for c in range(1, ws.max_column + 1)]
    for r in range(first_row, (last_row or ws.max_row) + 1):
        tallest = max((_cell_points(ws.cell(r, c), widths[c - 1]) for c in range(1, ws.max_column + 1)), default=0.0)
        if tallest:
            ws.row_dimensions[r].height = round(min(tallest, MAX_ROW_POINTS), 1)


def _footer_text(text: str) -> str:
    """Text for a header or footer: its ampersands doubled (a single & starts a code), and cut to fit."""
    text = " ".join(text.split())
    if len(text) > MAX_FOOTER_TEXT:
        text = text[: MAX_FOOTER_TEXT - 1].rstrip() + "…"
    return text.replace("&", "&&")


def set_page_setup(ws: Worksheet, *, footer: str, title_rows: tuple[int, int] | None = None) -> None:
    """Make a sheet print landscape on A4, one page wide (as many pages down as it needs), with rows
    `title_rows` (first, last) repeated at the top of every page, and a footer saying `footer`
    (the plan and revision) on the left and "Page N of M" on the right."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = copy(MARGINS)
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.oddFooter.left.text = _footer_text(footer)
    ws.oddFooter.left.size = FOOTER_SIZE
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = FOOTER_SIZE


def draw_grid(ws: Worksheet, first_row: int, last_row: int | None = None, last_column: int | None = None) -> None:
    """Rule thin lines round every cell of a table (its header row first), so it prints as a grid: the
    sheet's own grid lines would print round the title lines and the chart too."""
    for row in ws.iter_rows(min_row=first_row, max_row=last_row or ws.max_row, max_col=last_column or ws.max_column):
        for cell in row:
            cell.border = GRID


def footer_of(plan: str, revision_label: str, revision_date: str | None) -> str:
    """Given a plan's name and a revision's label and date (ISO, or None), return the footer's words."""
    from pipeline.meta import long_date

    when = f" ({long_date(revision_date)})" if revision_date else ""
    return f"{plan}: revision {revision_label}{when}"


def is_empty(value: Any) -> bool:
    """Whether a cell value says nothing: None, empty text or the number 0 (a Yes/No or False says something)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def drop_empty_columns(
    columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[Any]], *, keep: Sequence[str] = ()
) -> tuple[list[tuple[str, float]], list[list[Any]]]:
    """Given columns (header, width) and rows, return both without the columns every row leaves empty or
    zero (those named in `keep` stay). With no rows at all, every column stays."""
    if not rows:
        return list(columns), [list(r) for r in rows]
    kept = [j for j, (name, _) in enumerate(columns) if name in keep or not all(is_empty(row[j]) for row in rows)]
    return [columns[j] for j in kept], [[row[j] for j in kept] for row in rows]


def reporting_line(reporting: date, revision_date: str | None) -> str:
    """Given the round's reporting date and a revision's date (ISO, or None), return the line that says both."""
    from pipeline.meta import long_date

    return f"Reporting date: {long_date(reporting)}. Revision date: {long_date(revision_date) or 'not given'}."
