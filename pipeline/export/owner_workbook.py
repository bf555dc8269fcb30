"""One workbook per owner: their records, context locked, six input columns open, and a hidden marker sheet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.export.cells import BOLD, WRAP, iso_date, put, save_workbook, set_widths, write_rows
from pipeline.records import Revision

META_SHEET = "_actionplan"
MARKER = "actionplan owner workbook"
FORMAT_VERSION = "1"
DATA_SHEET = "Updates"
CONTEXT_COLUMNS = (
    ("ID", 8),
    ("Theme", 16),
    ("Recommendation", 40),
    ("Proposed actions", 50),
    ("Owners", 18),
    ("Timescale", 14),
    ("Due", 12),
    ("Status", 14),
    ("Progress to date", 50),
)
INPUT_COLUMNS = (
    ("Progress update", 50),
    ("Proposed status", 18),
    ("Revised timescale", 16),
    ("Reason for new timescale", 30),
    ("Evidence / links", 30),
    ("Comments", 30),
)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INSTRUCTIONS = [
    "How to fill in this workbook",
    "1. The sheet 'Updates' lists the recommendations you are responsible for.",
    "2. The grey columns are the plan as it stands; they are locked so that the plan is not changed by accident.",
    "3. Type your update in the yellow columns on the right. Leave a column empty if you have nothing to add.",
    "4. Progress update: what has happened since the last update, in plain words.",
    "5. Proposed status: choose from the list (for example Delivered, Ongoing).",
    "6. Revised timescale: only if the date has to change, written the way the plan writes dates "
    "(for example 'March 2016', 'Autumn 2016', 'Q3 2016/17', '31/3/16'). Then say why in 'Reason for new timescale': a reason is required.",
    "7. Evidence / links: documents or web pages that show the progress. Comments: anything else for the policy officer.",
    "8. Save the workbook (keep it as .xlsx, keep its name) and send it back to the policy officer.",
    "You may sort the rows or add a column of your own notes: updates are matched by ID, not by position.",
    "Please do not delete the hidden sheet or copy the rows into a new workbook: the returned file is matched to the plan by it.",
]


def write_owner_workbook(
    path: str | Path,
    revision: Revision,
    owner_key: str,
    frame: pd.DataFrame,
    status_choices: Sequence[str],
    as_of: date,
) -> Path:
    """Write one owner's workbook for a revision: their rows, locked context, open inputs, a marker sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    put(ws, 1, 1, f"{revision.plan}: updates from {owner_key} on revision {revision.label}").font = BOLD
    header = [n for n, _ in CONTEXT_COLUMNS] + [n for n, _ in INPUT_COLUMNS]
    rows = []
    for r in frame.itertuples():
        rows.append(
            [
                r.id,
                r.theme or "",
                r.recommendation,
                r.proposed_actions,
                list(r.owners),
                r.timescale,
                iso_date(r.due),
                r.status,
                r.progress,
            ]
            + [""] * len(INPUT_COLUMNS)
        )
    write_rows(ws, 3, header, rows)
    set_widths(ws, [w for _, w in CONTEXT_COLUMNS] + [w for _, w in INPUT_COLUMNS])
    first_input = len(CONTEXT_COLUMNS) + 1
    last_row = 3 + max(len(rows), 1)
    for i in range(4, last_row + 1):
        for j in range(first_input, first_input + len(INPUT_COLUMNS)):
            cell = ws.cell(row=i, column=j)
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
            cell.alignment = WRAP
    for j in range(first_input, first_input + len(INPUT_COLUMNS)):
        ws.cell(row=3, column=j).fill = INPUT_FILL
    choices = ",".join(status_choices)
    dropdown = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=False)
    dropdown.prompt, dropdown.promptTitle = "Choose a status, or leave empty", "Proposed status"
    ws.add_data_validation(dropdown)
    status_col = ws.cell(row=3, column=first_input + 1).column_letter
    dropdown.add(f"{status_col}4:{status_col}{last_row}")
    ws.freeze_panes = "B4"
    # Protected without a password: nothing is hidden, the lock only prevents accidents.
    ws.protection.sheet = True
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertColumns = False
    ws.protection.insertRows = False

    guide = wb.create_sheet("Instructions")
    for i, line in enumerate(INSTRUCTIONS, start=1):
        cell = put(guide, i, 1, line)
        cell.alignment = WRAP
        if i == 1:
            cell.font = BOLD
    set_widths(guide, [120])

    meta = wb.create_sheet(META_SHEET)
    facts = [
        [MARKER, FORMAT_VERSION],
        ["plan", revision.plan],
        ["revision", revision.label],
        ["revision_sha256", revision.sha256],
        ["owner", owner_key],
        ["as_of", as_of.isoformat()],
        ["generated_at", datetime.now().isoformat(timespec="seconds")],
    ]
    for i, (key, value) in enumerate(facts, start=1):
        put(meta, i, 1, key)
        put(meta, i, 2, value)
    put(meta, len(facts) + 2, 1, "ID").font = BOLD
    put(meta, len(facts) + 2, 2, "fingerprint").font = BOLD
    for i, r in enumerate(frame.itertuples(), start=len(facts) + 3):
        put(meta, i, 1, r.id)
        put(meta, i, 2, r.fingerprint)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    return save_workbook(wb, path)
