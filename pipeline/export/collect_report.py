"""The collect report: accepted updates, rejected cells with reasons, conflicts, stale rows, the chase list,
and the returns read (each workbook's owner, marker and what became of it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

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
    owner's earlier one says which (Supersedes), and sheet Returns says how each workbook was taken. When the
    lines name their plans (a collect over several plans), each sheet starts with a Plan column."""
    several = any(line.plan for lines in (accepted, rejected, conflicts, stale, chase, returns) for line in lines)

    def shaped(header: Sequence[str], lines: Sequence[NamedTuple], widths: Sequence[float]) -> tuple[Any, ...]:
        """The sheet's header, rows and widths: the plan first when there are several, else left out."""
        if several:
            return ["Plan", *header], [[line[-1], *line[:-1]] for line in lines], [18, *widths]
        return list(header), [list(line[:-1]) for line in lines], list(widths)

    wb = Workbook()
    ws = wb.active
    ws.title = "Accepted"
    put(ws, 1, 1, title).font = BOLD
    header, rows, widths = shaped(
        ACCEPTED_HEADER, [a._replace(what=sentence_case(a.what)) for a in accepted], [8, 22, 28, 14, 60, 40, 60]
    )
    write_rows(ws, 3, header, rows)
    set_widths(ws, widths)
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
    for name, names, lines, sizes in sheets:
        sheet = wb.create_sheet(name)
        header, rows, widths = shaped(names, lines, sizes)
        write_rows(sheet, 1, header, rows)
        set_widths(sheet, widths)
    for sheet in wb.worksheets:
        top = 3 if sheet.title == "Accepted" else 1
        set_page_setup(sheet, footer=title, title_rows=(top, top))
        fit_rows(sheet, top)
        draw_grid(sheet, top)
    return save_workbook(wb, path)
