"""The portfolio tracker workbook: every plan's records on one sheet with a Plan column, a sheet per plan, the
Summary of plan × status and an About sheet, all flagged as of one reporting date.

The columns, status colours and printing are the master tracker's (`export.tracker`); this file only lays the
plans side by side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.export.cells import BOLD, STATUS_FILLS, put, save_workbook, set_widths, write_rows
from pipeline.export.printing import draw_grid, drop_empty_columns, fit_rows, set_page_setup
from pipeline.export.text import status_word
from pipeline.export.tracker import HEADER_ROW, STATUS, STATUS_PRINTED, TRACKER_COLUMNS
from pipeline.history import under_parents
from pipeline.meta import long_date
from pipeline.records import Flagged, Issue
from pipeline.statuses import STATUS_WORDS

if TYPE_CHECKING:
    from pipeline.records import Portfolio

PLAN = "Plan"
PLAN_WIDTH = 18.0
SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet's name
RESERVED_SHEETS = ("Tracker", "Summary", "About")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def write_portfolio_tracker(path: str | Path, portfolio: Portfolio) -> tuple[Path, list[Issue]]:
    """Lay out every plan of the portfolio in one workbook and save it (atomically); return its path and any
    issues met while writing (text cut to fit a cell)."""
    notes: list[Issue] = []
    wb = Workbook()
    when = long_date(portfolio.as_of)
    lines = [f"Reporting date: {when}. Overdue, slipped and no new progress are as at the reporting date."]
    rows = [(v.plan.name, f) for v in portfolio.plans for f in under_parents(v.flagged)]
    main = wb.active
    main.title = "Tracker"
    _records_sheet(main, "Tracker", f"Every plan: {len(portfolio.plans)} plans", lines, rows, notes)
    _summary_sheet(wb.create_sheet("Summary"), portfolio)
    for view, title in zip(portfolio.plans, sheet_names([v.plan.name for v in portfolio.plans]), strict=True):
        heading = f"{view.plan.name}: revision {view.revision.label}"
        line = f"Reporting date: {when}. Revision date: {long_date(view.revision.as_of) or 'not given'}."
        plan_rows = [(None, f) for f in under_parents(view.flagged)]
        _records_sheet(wb.create_sheet(title), _table_name(title), heading, [line], plan_rows, notes)
    _about_sheet(wb.create_sheet("About"), portfolio, notes)
    footer = f"Every plan, as at {when}"
    for ws in wb.worksheets:
        top = HEADER_ROW if ws.title not in ("Summary", "About") and ws.max_row >= HEADER_ROW else 1
        set_page_setup(ws, footer=footer, title_rows=(top, top))
        fit_rows(ws, top)
        if ws.max_row > top:
            draw_grid(ws, top)
    return save_workbook(wb, path), notes


def sheet_names(plans: Sequence[str]) -> list[str]:
    """Given the plans' names, return a sheet name for each: Excel's characters and length, none the same as
    another or as the workbook's own sheets (a number is added to tell them apart)."""
    taken = {s.lower() for s in RESERVED_SHEETS}
    out = []
    for name in plans:
        base = _NOT_IN_SHEET_NAMES.sub(" ", name).strip(" '")[:SHEET_NAME_LIMIT] or "Plan"
        title, n = base, 1
        while title.lower() in taken:
            n += 1
            title = f"{base[: SHEET_NAME_LIMIT - len(str(n)) - 1]} {n}"
        taken.add(title.lower())
        out.append(title)
    return out


def _table_name(title: str) -> str:
    """An Excel Table's name for a sheet: letters, digits and underscores, starting with a letter."""
    return "Plan_" + re.sub(r"\W", "_", title)


def _records_sheet(
    ws: Worksheet,
    table_name: str,
    heading: str,
    lines: Sequence[str],
    rows_of: Sequence[tuple[str | None, Flagged]],
    notes: list[Issue],
) -> None:
    """One sheet of records as an Excel Table with the tracker's columns, and the Plan first when given."""
    with_plan = any(plan is not None for plan, _ in rows_of)
    put(ws, 1, 1, heading).font = BOLD
    put(ws, 2, 1, " ".join(lines))
    named: list[tuple[str, float]] = [(n, w) for n, w, _ in TRACKER_COLUMNS]
    rows: list[list[Any]] = [[value(f) for _, _, value in TRACKER_COLUMNS] for _, f in rows_of]
    if with_plan:
        named = [(PLAN, PLAN_WIDTH), *named]
        rows = [[plan, *row] for (plan, _), row in zip(rows_of, rows, strict=True)]
    columns, rows = drop_empty_columns(named, rows, keep=(PLAN, "ID", STATUS))
    header = [n for n, _ in columns]
    write_rows(ws, HEADER_ROW, header, rows, notes)
    set_widths(ws, [w for _, w in columns])
    last = HEADER_ROW + max(len(rows), 1)
    table = Table(displayName=table_name, ref=f"A{HEADER_ROW}:{get_column_letter(len(header))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"{get_column_letter(header.index('ID') + 2)}{HEADER_ROW + 1}"
    status_columns = [header.index(n) + 1 for n in (STATUS_PRINTED, STATUS) if n in header]
    for i, (_, f) in enumerate(rows_of, start=HEADER_ROW + 1):
        fill = PatternFill("solid", fgColor=STATUS_FILLS.get(f.status_value, "FFFFFF"))
        for j in status_columns:
            ws.cell(row=i, column=j).fill = fill


def _summary_sheet(ws: Worksheet, portfolio: Portfolio) -> None:
    """Sheet Summary: records by plan and status (statuses no record has left out), with totals."""
    counts = [[v.counts.get(s, 0) for s in STATUS_WORDS] for v in portfolio.plans]
    rows: list[list[Any]] = [[v.plan.name, *c, sum(c)] for v, c in zip(portfolio.plans, counts, strict=True)]
    totals = [sum(c[j] for c in counts) for j in range(len(STATUS_WORDS))]
    rows.append(["Total", *totals, sum(totals)])
    columns = [(PLAN, 40.0), *((status_word(v), 13.0) for v in STATUS_WORDS), ("Total", 10.0)]
    columns, rows = drop_empty_columns(columns, rows, keep=(PLAN, "Total"))
    write_rows(ws, 1, [n for n, _ in columns], rows)
    set_widths(ws, [w for _, w in columns])
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _about_sheet(ws: Worksheet, portfolio: Portfolio, notes: list[Issue]) -> None:
    """Sheet About: the reporting date, each plan's revision and where the workbook came from."""
    now = datetime.now()
    facts: list[list[Any]] = [
        ["Reporting date", f"{long_date(portfolio.as_of)} (the date every plan's flags are worked out at)"],
        ["Store", portfolio.store],
        ["Written", f"{long_date(now.date())} at {now:%H:%M}"],
        ["", ""],
    ]
    for view in portfolio.plans:
        rev = view.revision
        facts.append(
            [view.plan.name, f"revision {rev.label} ({long_date(rev.as_of) or 'date not given'}), from {rev.source}"]
        )
    facts += [["", ""], ["Plan sheets", "Each plan's records are also on a sheet of their own, named after it."]]
    write_rows(ws, 1, ["About this tracker", ""], facts, notes)
    set_widths(ws, [24, 110])
