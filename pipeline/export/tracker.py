"""The master tracker workbook: Tracker, Changes, Summary (with a chart), Issues, About."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from pipeline.export.cells import (
    BOLD,
    STATUS_FILLS,
    WRAP,
    indent_actions,
    iso_date,
    put,
    save_workbook,
    set_widths,
    write_rows,
)
from pipeline.export.text import change_detail, change_sides
from pipeline.history import under_parents
from pipeline.records import Diff, Flagged, Issue, Revision, ThemeCounts
from pipeline.statuses import STATUS_WORDS

TRACKER_COLUMNS = (
    ("ID", 8),
    ("Theme", 18),
    ("Recommendation", 45),
    ("Proposed actions", 60),
    ("Owners", 22),
    ("Timescale (as printed)", 16),
    ("Due", 12),
    ("Interpretation", 30),
    ("Status (as printed)", 16),
    ("Status (normalised)", 16),
    ("RAG", 9),
    ("Overdue", 9),
    ("Slipped", 9),
    ("Stale", 9),
    ("Ongoing", 9),
    ("Progress to date", 60),
    ("Changed since (revision)", 12),
    ("Pages", 8),
)


def _yes(flag: Any) -> str:
    return "Yes" if bool(flag) else "No"


def write_tracker(
    path: str | Path,
    revision: Revision,
    *,
    flagged: Sequence[Flagged],
    changes: Diff | None,
    summary: Sequence[ThemeCounts],
    issues: Sequence[Issue],
    as_of: date,
    store: str,
) -> tuple[Path, list[Issue]]:
    """Write the master tracker for one revision; return its path and any issues met while writing."""
    notes: list[Issue] = []
    wb = Workbook()
    flagged = under_parents(flagged)
    _tracker_sheet(wb, revision, flagged, as_of, notes)
    _changes_sheet(wb, changes, notes)
    _summary_sheet(wb, summary)
    issues_ws = wb.create_sheet("Issues")
    write_rows(
        issues_ws,
        1,
        ["Severity", "Record", "Field", "Message"],
        [[i.severity, i.record or "", i.field or "", i.message] for i in issues],
        notes,
    )
    set_widths(issues_ws, [10, 10, 14, 90])
    _about_sheet(wb, revision, flagged, as_of, store, notes)
    descriptions = [
        f"Bar chart of recommendations by status for each theme, revision {revision.label}: " + _chart_words(summary)
    ]
    return save_workbook(wb, path, descriptions), notes


def _row(r: Flagged) -> list[Any]:
    return [
        r.id,
        r.theme or "",
        r.recommendation,
        r.proposed_actions,
        list(r.owners),
        r.timescale,
        iso_date(r.due),
        r.rule or ("could not be read" if r.timescale else ""),
        r.status,
        STATUS_WORDS.get(r.status_value, r.status_value),
        r.rag or "",
        _yes(r.overdue),
        _yes(r.slipped),
        _yes(r.stale),
        _yes(r.ongoing),
        r.progress,
        r.changed_in,
        ", ".join(str(p) for p in r.pages),
    ]


def _tracker_sheet(
    wb: Workbook, revision: Revision, flagged: Sequence[Flagged], as_of: date, notes: list[Issue]
) -> None:
    """Sheet Tracker: one Excel Table, a row a record, status colours repeating the status word."""
    ws = wb.active
    ws.title = "Tracker"
    title = f"{revision.plan}: revision {revision.label}" + (f" (as of {revision.as_of})" if revision.as_of else "")
    put(ws, 1, 1, f"{title}. Flags as of {as_of.isoformat()}.").font = BOLD
    rows = [_row(r) for r in flagged]
    write_rows(ws, 3, [name for name, _ in TRACKER_COLUMNS], rows, notes)
    set_widths(ws, [w for _, w in TRACKER_COLUMNS])
    last = 3 + max(len(rows), 1)
    table = Table(displayName="Tracker", ref=f"A3:R{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "B4"
    indent_actions(ws, flagged, first_row=4)
    for i, r in enumerate(flagged, start=4):
        fill = PatternFill("solid", fgColor=STATUS_FILLS.get(r.status_value, "FFFFFF"))
        ws.cell(row=i, column=9).fill = fill
        ws.cell(row=i, column=10).fill = fill
    words = ",".join(STATUS_WORDS.values())
    dropdown = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
    dropdown.error, dropdown.prompt = "Choose a status from the list", "Status (normalised)"
    ws.add_data_validation(dropdown)
    dropdown.add(f"J4:J{last}")


def _about_sheet(
    wb: Workbook, revision: Revision, flagged: Sequence[Flagged], as_of: date, store: str, notes: list[Issue]
) -> None:
    """Sheet About: where the tracker came from, the status key, the flags and the timescale rules used."""
    about = wb.create_sheet("About")
    rules = sorted({r.rule for r in flagged if r.rule})
    facts: list[list[Any]] = [
        ["Plan", revision.plan],
        ["Revision", revision.label],
        ["As of (revision)", revision.as_of or "not printed"],
        ["Flags as of", as_of.isoformat()],
        ["Source file", revision.source],
        ["Source SHA-256", revision.sha256],
        ["Kind", revision.kind],
        ["Store", store],
        ["Generated at", datetime.now().isoformat(timespec="seconds")],
        ["", ""],
        ["Status key", "Status (normalised) is always written as a word; the colour only repeats it."],
        [
            "Actions",
            "An ID such as R3.1 is one action of recommendation R3: its actions are listed together, indented.",
        ],
    ]
    facts += [[word, f"status value {value}"] for value, word in STATUS_WORDS.items()]
    facts += [
        ["", ""],
        ["Flags", "Overdue: the due date has passed and the status is not complete (ongoing items never are)."],
        [
            "",
            "Slipped: the due date is later than the first one given. Stale: the same progress text in the last two revisions while not complete.",
        ],
        ["", ""],
        ["Timescale rules used", ""],
    ]
    facts += [["", rule] for rule in rules]
    write_rows(about, 1, ["About this tracker", ""], facts, notes)
    set_widths(about, [24, 110])


def _changes_sheet(wb: Workbook, changes: Diff | None, notes: list[Issue]) -> None:
    ws = wb.create_sheet("Changes")
    if changes is None:
        put(ws, 1, 1, "This is the first revision of the plan: there is nothing to compare it with.")
        return
    old, new = changes.old, changes.new
    put(ws, 1, 1, f"Changes from {old.label} ({old.source}) to {new.label} ({new.source})").font = BOLD
    rows: list[list[Any]] = [["", "column added", "", c, ""] for c in changes.columns_added]
    rows += [["", "column removed", c, "", ""] for c in changes.columns_removed]
    for c in changes.changes:
        rows.append([c.id, c.change.replace("_", " "), *change_sides(c), change_detail(c)])
    write_rows(ws, 3, ["ID", "Change", "Old", "New", "Detail"], rows, notes)
    set_widths(ws, [8, 16, 50, 50, 50])


def _summary_sheet(wb: Workbook, summary: Sequence[ThemeCounts]) -> None:
    ws = wb.create_sheet("Summary")
    header = ["Theme", *STATUS_WORDS.values()]
    rows = [[t.theme, *(t.counts.get(v, 0) for v in STATUS_WORDS)] for t in summary]
    write_rows(ws, 1, header, rows)
    set_widths(ws, [40, 12, 14, 12, 12, 13, 10])
    body = len(rows) - 1  # without the Total row
    if body < 1:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Recommendations by status and theme"
    chart.y_axis.title = "Recommendations"
    data = Reference(ws, min_col=2, max_col=len(header), min_row=1, max_row=1 + body)
    cats = Reference(ws, min_col=1, min_row=2, max_row=1 + body)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.height, chart.width = 9, 20
    ws.add_chart(chart, f"A{len(rows) + 4}")
    for cell in ws[1]:
        cell.alignment = WRAP


def _chart_words(summary: Sequence[ThemeCounts]) -> str:
    total = summary[-1] if summary else None  # status_by_theme ends with the total
    if total is None or not total.total:
        return "no recommendations."
    return ", ".join(f"{n} {STATUS_WORDS[v]}" for v, n in total.counts.items() if n) + "."
