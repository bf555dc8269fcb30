"""Writing cells safely with openpyxl: text stays text, control characters go, nothing is silently cut.

Every workbook we write goes through `put` and `save_workbook`; every text read back from a returned
workbook goes through `clean_text`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cleaning import clean_text as clean_text  # re-exported: the workbook reader cleans with it too
from pipeline.export.atomic import write_atomic
from pipeline.records import Issue

MAX_CELL = 32767
# Ends a text cut to fit one cell; the full text stays in the store (and so in the tracker's source).
CUT_MARKER = " … [cut: full text in the tracker/store]"
# NUL, the other C0 controls but tab, line feed and carriage return, DEL and the C1 controls.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is written as text, never a formula
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(name="Calibri", sz=11, bold=True)  # the body font, bold (a font without a name prints in a serif)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")

# Fills only reinforce the status word, which is always written.
STATUS_FILLS = {
    "complete": "C6EFCE",
    "partly_complete": "E2EFDA",
    "in_progress": "FFEB9C",
    "not_started": "FCE4D6",
    "not_reported": "EDEDED",
    "unknown": "F8CBAD",
}


def iso_date(value: str | None) -> date | None:
    """Given an ISO date string (or None), return a date for a real date cell."""
    return date.fromisoformat(value) if value else None


def cell_text(text: str) -> str:
    """Given text, return it as one cell holds it: cleaned, and cut to Excel's limit with a visible marker."""
    text = clean_text(text)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - len(CUT_MARKER)] + CUT_MARKER


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    issues: list[Issue] | None = None,
    where: str = "",
    record: str | None = None,
) -> Cell:
    """Write one value: text is cleaned and stored as text (never a formula); over-long text is cut with an issue."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = cell_text(value)
        size = len(clean_text(value))
        if size > MAX_CELL and issues is not None:
            issues.append(
                Issue(
                    "warning",
                    f"{where or f'{ws.title}!{cell.coordinate}'}: text of {size:,} characters cut to Excel's "
                    f"limit of {MAX_CELL:,} (the cell says so; the store keeps the full text)",
                    record,
                    where or None,
                )
            )
        cell.value = text
        if text.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    elif isinstance(value, (list, tuple)):
        return put(ws, row, col, "; ".join(str(v) for v in value), issues, where, record)
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        cell.value = value
    return cell


def write_rows(
    ws: Worksheet, top: int, header: Sequence[str], rows: Sequence[Sequence[Any]], issues: list[Issue] | None = None
) -> None:
    """Write a header row (bold, shaded) and data rows below it, wrapped and top-aligned; a cut text's issue
    names the column and the row's first value (its ID)."""
    for j, name in enumerate(header, start=1):
        cell = put(ws, top, j, name)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    for i, values in enumerate(rows, start=top + 1):
        first = str(values[0]) if values else ""
        for j, value in enumerate(values, start=1):
            where = f"{ws.title}, {header[j - 1] if j <= len(header) else f'column {j}'} of {first or f'row {i}'}"
            put(ws, i, j, value, issues, where, first or None).alignment = WRAP


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Set column widths (in characters), first column first."""
    from openpyxl.utils import get_column_letter

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def add_alt_text(xlsx: bytes, descriptions: Sequence[str]) -> bytes:
    """Given a saved workbook and one description per chart (in order), return it with the charts' alt text set.

    openpyxl cannot set a chart's alternative text, so the drawing XML gets its `descr` here.
    """
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    remaining = list(descriptions)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/drawings/drawing") and item.filename.endswith(".xml") and remaining:
                text = data.decode("utf-8")

                def describe(m: re.Match[str]) -> str:
                    if not remaining:
                        return m.group(0)
                    descr = remaining.pop(0).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
                    return f'{m.group(1)} descr="{descr}"{m.group(2)}'

                text = re.sub(r'(<(?:xdr:)?cNvPr id="\d+" name="Chart[^"]*")(\s*/?>)', describe, text)
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def save_workbook(wb: Workbook, path: str | Path, chart_descriptions: Sequence[str] = ()) -> Path:
    """Save a workbook to a temporary file beside `path` and rename it into place."""
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if chart_descriptions:
        data = add_alt_text(data, chart_descriptions)
    return write_atomic(path, data)


def indent_actions(ws: Worksheet, records: Sequence[Any], first_row: int, column: int = 1) -> None:
    """Indent the ID cell of each action of a recommendation (a record with a parent, R3.1 under R3), so the
    actions read as listed under it; `records` are the rows from `first_row` on, each with `parent`."""
    for i, rec in enumerate(records, start=first_row):
        if rec.parent is not None:
            ws.cell(row=i, column=column).alignment = Alignment(wrap_text=True, vertical="top", indent=1)
