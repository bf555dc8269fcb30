"""One workbook per owner: their records, context locked, six input columns open, and a hidden marker sheet.

The marker sheet says what the workbook answers (plan, revision, the source's SHA-256, owner) and holds a
fingerprint of each row's context. Given the store's secret, the facts and each fingerprint are signed
(HMAC-SHA256, bound to plan, revision, owner and ID), so a marker edited to pass one owner's updates off
as another's is found out when collected; without one the fingerprints are plain (format 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.cleaning import clean_text
from pipeline.export.cells import BOLD, WRAP, indent_actions, iso_date, put, save_workbook, set_widths, write_rows
from pipeline.history import under_parents
from pipeline.matching import signed_fingerprint
from pipeline.records import Flagged, Issue, Revision

META_SHEET = "_actionplan"
MARKER = "actionplan owner workbook"
FORMAT_VERSION = "1"  # plain fingerprints: workbooks handed out before they were signed
SIGNED_FORMAT_VERSION = "2"
SIGNATURE = "signature"  # the marker fact that holds the signature of the other facts
DATA_SHEET = "Updates"
# The columns, named once: the writer lays them out, the reader (pipeline.returns) finds them by name.
ID = "ID"
RECOMMENDATION = "Recommendation"
PROPOSED_ACTIONS = "Proposed actions"
TIMESCALE = "Timescale"
STATUS = "Status"
PROGRESS_TO_DATE = "Progress to date"
CONTEXT_COLUMNS = (
    (ID, 8),
    ("Theme", 16),
    (RECOMMENDATION, 40),
    (PROPOSED_ACTIONS, 50),
    ("Owners", 18),
    (TIMESCALE, 14),
    ("Due", 12),
    (STATUS, 14),
    (PROGRESS_TO_DATE, 50),
)
# The context a row's fingerprint is of, in its order (see pipeline.matching.record_fingerprint).
FINGERPRINTED = (ID, RECOMMENDATION, PROPOSED_ACTIONS, TIMESCALE, STATUS, PROGRESS_TO_DATE)
PROGRESS_UPDATE = "Progress update"
PROPOSED_STATUS = "Proposed status"
REVISED_TIMESCALE = "Revised timescale"
REASON = "Reason for new timescale"
EVIDENCE = "Evidence / links"
COMMENTS = "Comments"
INPUT_COLUMNS = (
    (PROGRESS_UPDATE, 50),
    (PROPOSED_STATUS, 18),
    (REVISED_TIMESCALE, 16),
    (REASON, 30),
    (EVIDENCE, 30),
    (COMMENTS, 30),
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


def _bound(*parts: str) -> tuple[str, ...]:
    """Each part as the marker sheet gives it back when read (cleaned, trimmed), so both sides sign the same."""
    return tuple(clean_text(p).strip() for p in parts)


def row_print(key: bytes | None, fingerprint: str, *, plan: str, revision: str, owner: str, ident: str) -> str:
    """Given the store's secret (None: unsigned) and a row's fingerprint, return what the marker sheet holds
    for that row: the fingerprint signed and bound to the plan, revision, owner and ID."""
    if key is None:
        return fingerprint
    return signed_fingerprint(key, fingerprint, *_bound(plan, revision, owner, ident))


def marker_signature(key: bytes, *, plan: str, revision: str, revision_sha256: str, owner: str) -> str:
    """Given the store's secret and the marker's facts, return the signature that vouches for them."""
    return signed_fingerprint(key, SIGNED_FORMAT_VERSION, *_bound(plan, revision, revision_sha256, owner))


def write_owner_workbook(
    path: str | Path,
    revision: Revision,
    owner_key: str,
    *,
    flagged: Sequence[Flagged],
    status_choices: Sequence[str],
    as_of: date,
    signing_key: bytes | None = None,
) -> tuple[Path, list[Issue]]:
    """Write one owner's workbook for a revision: their rows, locked context, open inputs, a marker sheet
    (signed with `signing_key`, the store's secret). Return where it went and the warnings (text cut to fit
    a cell: the workbook shows it cut with a marker, the store keeps it whole)."""
    warnings: list[Issue] = []
    wb = Workbook()
    flagged = under_parents(flagged)
    _updates_sheet(
        wb, f"{revision.plan}: updates from {owner_key} on revision {revision.label}", flagged, status_choices, warnings
    )
    guide = wb.create_sheet("Instructions")
    for i, line in enumerate(INSTRUCTIONS, start=1):
        cell = put(guide, i, 1, line)
        cell.alignment = WRAP
        if i == 1:
            cell.font = BOLD
    set_widths(guide, [120])
    _marker_sheet(wb, revision, owner_key, flagged, as_of, signing_key)
    return save_workbook(wb, path), warnings


def _updates_sheet(
    wb: Workbook, title: str, flagged: Sequence[Flagged], status_choices: Sequence[str], warnings: list[Issue]
) -> None:
    """Sheet Updates: the owner's rows, context locked, the input columns open and yellow."""
    ws = wb.active
    ws.title = DATA_SHEET
    put(ws, 1, 1, title).font = BOLD
    header = [n for n, _ in CONTEXT_COLUMNS] + [n for n, _ in INPUT_COLUMNS]
    rows = [
        [r.id, r.theme or "", r.recommendation, r.proposed_actions, list(r.owners), r.timescale, iso_date(r.due)]
        + [r.status, r.progress]
        + [""] * len(INPUT_COLUMNS)
        for r in flagged
    ]
    write_rows(ws, 3, header, rows, warnings)
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
    dropdown.prompt, dropdown.promptTitle = "Choose a status, or leave empty", PROPOSED_STATUS
    ws.add_data_validation(dropdown)
    status_col = ws.cell(row=3, column=first_input + 1).column_letter
    dropdown.add(f"{status_col}4:{status_col}{last_row}")
    ws.freeze_panes = "B4"
    indent_actions(ws, flagged, first_row=4)
    # Protected without a password: nothing is hidden, the lock only prevents accidents.
    ws.protection.sheet = True
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertColumns = False
    ws.protection.insertRows = False


def _marker_sheet(
    wb: Workbook,
    revision: Revision,
    owner_key: str,
    flagged: Sequence[Flagged],
    as_of: date,
    signing_key: bytes | None,
) -> None:
    """The hidden marker sheet: what the workbook answers, signed, and each row's fingerprint."""
    meta = wb.create_sheet(META_SHEET)
    facts = [
        [MARKER, FORMAT_VERSION if signing_key is None else SIGNED_FORMAT_VERSION],
        ["plan", revision.plan],
        ["revision", revision.label],
        ["revision_sha256", revision.sha256],
        ["owner", owner_key],
        ["as_of", as_of.isoformat()],
        ["generated_at", datetime.now().isoformat(timespec="seconds")],
    ]
    bound = {"plan": revision.plan, "revision": revision.label, "owner": owner_key}
    if signing_key is not None:
        facts.append([SIGNATURE, marker_signature(signing_key, revision_sha256=revision.sha256, **bound)])
    for i, (key, value) in enumerate(facts, start=1):
        put(meta, i, 1, key)
        put(meta, i, 2, value)
    put(meta, len(facts) + 2, 1, ID).font = BOLD
    put(meta, len(facts) + 2, 2, "fingerprint").font = BOLD
    for i, r in enumerate(flagged, start=len(facts) + 3):
        put(meta, i, 1, r.id)
        put(meta, i, 2, row_print(signing_key, r.fingerprint, ident=r.id, **bound))
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
