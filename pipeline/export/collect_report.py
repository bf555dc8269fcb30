"""The collect report: accepted updates, rejected cells with reasons, conflicts, stale rows, the chase list,
and the returns read (each workbook's owner, marker and what became of it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from pipeline.export.cells import BOLD, put, save_workbook, set_widths, write_rows
from pipeline.export.printing import draw_grid, fit_rows, set_page_setup
from pipeline.export.text import sentence_case
from pipeline.records import Accepted, Chase, Conflict, Rejected, ReturnLine, Stale

ACCEPTED_HEADER = ("ID", "Owner", "Workbook", "What", "Value", "Reason", "Supersedes")
RETURNS_HEADER = ("Workbook", "Owner", "Return", "Marker", "Outcome")


def write_collect_report(
    path: str | Path,
    title: str,
    *,
    accepted: Sequence[Accepted],
    rejected: Sequence[Rejected],
    conflicts: Sequence[Conflict],
    stale: Sequence[Stale],
    chase: Sequence[Chase],
    returns: Sequence[ReturnLine] = (),
) -> Path:
    """Write the report of one collect run, one sheet per list; an accepted update that replaced the same
    owner's earlier one says which (Supersedes), and sheet Returns says how each workbook was taken."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Accepted"
    put(ws, 1, 1, title).font = BOLD
    write_rows(ws, 3, list(ACCEPTED_HEADER), [a._replace(what=sentence_case(a.what)) for a in accepted])
    set_widths(ws, [8, 22, 28, 14, 60, 40, 60])
    sheets = (
        ("Rejected", ["ID", "Owner", "Workbook", "Column", "Value", "Why rejected"], rejected, [8, 22, 28, 22, 40, 60]),
        (
            "Conflicts",
            ["ID", "What", "Owner", "Proposed", "Workbook"],
            [c._replace(what=sentence_case(c.what)) for c in conflicts],
            [8, 14, 22, 40, 28],
        ),
        ("Stale", ["ID", "Owner", "Workbook", "Why"], stale, [8, 22, 28, 80]),
        ("Chase list", ["Owner", "Records", "Note"], chase, [30, 30, 60]),
        ("Returns", list(RETURNS_HEADER), returns, [28, 22, 14, 40, 80]),
    )
    for name, header, rows, widths in sheets:
        sheet = wb.create_sheet(name)
        write_rows(sheet, 1, header, rows)
        set_widths(sheet, widths)
    for sheet in wb.worksheets:
        top = 3 if sheet.title == "Accepted" else 1
        set_page_setup(sheet, footer=title, title_rows=(top, top))
        fit_rows(sheet, top)
        draw_grid(sheet, top)
    return save_workbook(wb, path)
