"""The master tracker workbook: Tracker, Changes, Summary (with a chart), Issues, About.

Every sheet prints landscape on A4, one page wide, its header row on every page (pipeline.export.printing);
every value is a word or a date a reader can use: no status values, markup or Python lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from pipeline.export.cells import (
    BOLD,
    STATUS_FILLS,
    indent_actions,
    iso_date,
    put,
    save_workbook,
    set_widths,
    write_rows,
)
from pipeline.export.printing import (
    draw_grid,
    drop_empty_columns,
    fit_rows,
    footer_of,
    reporting_line,
    set_page_setup,
)
from pipeline.export.text import change_sentence, change_texts, column_sentences, sentence_case, status_word
from pipeline.history import under_parents
from pipeline.meta import long_date
from pipeline.records import Diff, Flagged, Issue, Revision, ThemeCounts
from pipeline.statuses import STATUS_WORDS
from pipeline.words import KIND_WORDS

HEADER_ROW = 3  # on Tracker and Changes: rows 1 and 2 say what the sheet is and when
STATUS = "Status"
STATUS_PRINTED = "Status (as printed)"


def _yes(flag: Any) -> str:
    return "Yes" if bool(flag) else "No"


# Each column: header, width (characters) and the value it shows for a record.
TRACKER_COLUMNS: tuple[tuple[str, float, Callable[[Flagged], Any]], ...] = (
    ("ID", 6, lambda r: r.id),
    ("Theme", 14, lambda r: r.theme or ""),
    ("Recommendation", 30, lambda r: r.recommendation),
    ("Proposed actions", 40, lambda r: r.proposed_actions),
    ("Owners", 14, lambda r: "; ".join(r.owners)),
    ("Timescale (as printed)", 11, lambda r: r.timescale),
    ("Due date", 10.5, lambda r: iso_date(r.due)),
    ("How the date was read", 16, lambda r: r.rule or ("could not be read" if r.timescale else "")),
    (STATUS_PRINTED, 11, lambda r: r.status),
    (STATUS, 11, lambda r: status_word(r.status_value)),
    ("RAG rating", 7, lambda r: r.rag or ""),
    ("Overdue", 8, lambda r: _yes(r.overdue)),
    ("Slipped", 8, lambda r: _yes(r.slipped)),
    ("No new progress", 9, lambda r: _yes(r.stale)),
    ("Ongoing", 8, lambda r: _yes(r.ongoing)),
    ("Progress to date", 50, lambda r: r.progress),
    ("Last changed in", 8, lambda r: r.changed_in),
    ("Source pages", 7, lambda r: ", ".join(str(p) for p in r.pages)),
)
# What each status word means, for the About sheet.
STATUS_MEANINGS = {
    "complete": "the plan reports it done (delivered, complete, achieved)",
    "partly_complete": "some of it is done",
    "in_progress": "under way (ongoing, on track, in progress)",
    "not_started": "not yet begun",
    "not_reported": "the plan gives no status for it",
    "unknown": "a status the tracker cannot read: see the Issues sheet",
}


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
    plan_name: str | None = None,
) -> tuple[Path, list[Issue]]:
    """Write the master tracker for one revision, its flags worked out at the reporting date `as_of`, the
    plan called `plan_name` (default: its stored name); return its path and any issues met while writing."""
    notes: list[Issue] = []
    wb = Workbook()
    flagged = under_parents(flagged)
    name = plan_name or revision.plan
    footer = footer_of(name, revision.label, revision.as_of)
    _tracker_sheet(wb, revision, flagged, as_of, name, notes)
    _changes_sheet(wb, changes, notes)
    _summary_sheet(wb, summary)
    _issues_sheet(wb, issues, notes)
    _about_sheet(wb, revision, flagged, as_of, store, name, notes)
    for ws in wb.worksheets:
        top = HEADER_ROW if ws.title in ("Tracker", "Changes") and ws.max_row >= HEADER_ROW else 1
        set_page_setup(ws, footer=footer, title_rows=(top, top))
        fit_rows(ws, top)
        if ws.max_row > top:
            draw_grid(ws, top)
    descriptions = [
        f"Bar chart of recommendations by status for each theme, revision {revision.label}: " + _chart_words(summary)
    ]
    return save_workbook(wb, path, descriptions), notes


def _tracker_sheet(
    wb: Workbook, revision: Revision, flagged: Sequence[Flagged], as_of: date, name: str, notes: list[Issue]
) -> None:
    """Sheet Tracker: one Excel Table, a row a record, status colours repeating the status word."""
    ws = wb.active
    ws.title = "Tracker"
    put(ws, 1, 1, f"{name}: revision {revision.label}").font = BOLD
    put(
        ws,
        2,
        1,
        reporting_line(as_of, revision.as_of) + " Overdue, slipped and no new progress are as at the reporting date.",
    )
    rows = [[value(r) for _, _, value in TRACKER_COLUMNS] for r in flagged]
    columns, rows = drop_empty_columns([(n, w) for n, w, _ in TRACKER_COLUMNS], rows, keep=("ID", STATUS))
    header = [n for n, _ in columns]
    write_rows(ws, HEADER_ROW, header, rows, notes)
    set_widths(ws, [w for _, w in columns])
    last = HEADER_ROW + max(len(rows), 1)
    table = Table(displayName="Tracker", ref=f"A{HEADER_ROW}:{get_column_letter(len(header))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    indent_actions(ws, flagged, first_row=HEADER_ROW + 1)
    status_columns = [header.index(n) + 1 for n in (STATUS_PRINTED, STATUS) if n in header]
    for i, r in enumerate(flagged, start=HEADER_ROW + 1):
        fill = PatternFill("solid", fgColor=STATUS_FILLS.get(r.status_value, "FFFFFF"))
        for j in status_columns:
            ws.cell(row=i, column=j).fill = fill
    words = ",".join(status_word(v) for v in STATUS_WORDS)
    dropdown = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
    dropdown.error, dropdown.prompt = "Choose a status from the list", STATUS
    ws.add_data_validation(dropdown)
    letter = get_column_letter(header.index(STATUS) + 1)
    dropdown.add(f"{letter}{HEADER_ROW + 1}:{letter}{last}")


def _about_sheet(
    wb: Workbook,
    revision: Revision,
    flagged: Sequence[Flagged],
    as_of: date,
    store: str,
    name: str,
    notes: list[Issue],
) -> None:
    """Sheet About: where the tracker came from, the status key, the flags and the timescale rules used."""
    about = wb.create_sheet("About")
    rules = sorted({r.rule for r in flagged if r.rule})
    now = datetime.now()
    facts: list[list[Any]] = [
        ["Plan", name],
        ["Revision", revision.label],
        ["Revision date", long_date(revision.as_of) or "not given"],
        ["Reporting date", f"{long_date(as_of)} (the date the flags are worked out at)"],
        ["Source file", revision.source],
        ["Source SHA-256", revision.sha256],
        ["Made from", KIND_WORDS.get(revision.kind, revision.kind)],
        ["Store", store],
        ["Written", f"{long_date(now.date())} at {now:%H:%M}"],
        ["", ""],
        ["Status key", "The Status column always says the status in words; its colour only repeats it."],
    ]
    facts += [[status_word(value), STATUS_MEANINGS.get(value, "")] for value in STATUS_WORDS]
    facts += [
        ["", ""],
        [
            "Actions",
            "An ID such as R3.1 is one action of recommendation R3: its actions are listed together, indented.",
        ],
        ["Overdue", "The due date has passed and the status is not complete (ongoing items never are)."],
        ["Slipped", "The due date is later than the first one given."],
        ["No new progress", "The same progress text in the last two revisions while not complete."],
        ["Ongoing", "The timescale says the work continues, with no end date."],
    ]
    if rules:
        facts += [["", ""], ["How dates were read", rules[0]]] + [["", rule] for rule in rules[1:]]
    write_rows(about, 1, ["About this tracker", ""], facts, notes)
    set_widths(about, [24, 110])


def _changes_sheet(wb: Workbook, changes: Diff | None, notes: list[Issue]) -> None:
    """Sheet Changes: each change since the revision before as a sentence, with the new and old texts beside it."""
    ws = wb.create_sheet("Changes")
    if changes is None:
        put(ws, 1, 1, "This is the first revision of the plan: there is nothing to compare it with.")
        return
    old, new = changes.old, changes.new
    put(ws, 1, 1, f"Changes from revision {old.label} to revision {new.label}").font = BOLD
    put(
        ws,
        2,
        1,
        f"Revision {old.label}: {long_date(old.as_of) or 'date not given'}; "
        f"revision {new.label}: {long_date(new.as_of) or 'date not given'}.",
    )
    rows: list[list[Any]] = [["", said, "", ""] for said in column_sentences(changes)]
    rows += [[c.id, change_sentence(c), *change_texts(c)] for c in changes.changes]
    if not rows:
        rows = [["", "No changes.", "", ""]]
    write_rows(ws, HEADER_ROW, ["ID", "Change", "Now", "Before"], rows, notes)
    set_widths(ws, [7, 45, 70, 70])
    ws.freeze_panes = f"B{HEADER_ROW + 1}"


def _issues_sheet(wb: Workbook, issues: Sequence[Issue], notes: list[Issue]) -> None:
    """Sheet Issues: what the reading of the plan found wrong, in words."""
    ws = wb.create_sheet("Issues")
    rows = [
        [sentence_case(i.severity), i.record or "", sentence_case((i.field or "").replace("_", " ")), i.message]
        for i in issues
    ]
    columns = [("Severity", 10.0), ("ID", 8.0), ("Field", 16.0), ("Message", 90.0)]
    if rows:
        columns, rows = drop_empty_columns(columns, rows, keep=("Message",))
    else:
        rows = [["", "", "", "No issues found."]]
    write_rows(ws, 1, [n for n, _ in columns], rows, notes)
    set_widths(ws, [w for _, w in columns])


def _summary_sheet(wb: Workbook, summary: Sequence[ThemeCounts]) -> None:
    """Sheet Summary: recommendations by theme and status (statuses no record has left out), and a chart."""
    ws = wb.create_sheet("Summary")
    columns: list[tuple[str, float]] = [("Theme", 40.0)] + [(status_word(v), 13.0) for v in STATUS_WORDS]
    rows: list[list[Any]] = [[t.theme, *(t.counts.get(v, 0) for v in STATUS_WORDS)] for t in summary]
    columns, rows = drop_empty_columns(columns, rows, keep=("Theme",))
    header = [n for n, _ in columns]
    write_rows(ws, 1, header, rows)
    set_widths(ws, [w for _, w in columns])
    body = len(rows) - 1  # without the Total row
    if body < 1 or len(header) < 2:
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


def _chart_words(summary: Sequence[ThemeCounts]) -> str:
    total = summary[-1] if summary else None  # status_by_theme ends with the total
    if total is None or not total.total:
        return "no recommendations."
    return ", ".join(f"{n} {STATUS_WORDS[v]}" for v, n in total.counts.items() if n) + "."
