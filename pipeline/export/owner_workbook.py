"""One workbook per owner: their records, context locked, six input columns open, and a hidden marker sheet.

The marker sheet says what the workbook answers (plan, revision, the source's SHA-256, owner) and holds a
fingerprint of each row's context. Given the store's secret, the facts and each fingerprint are signed
(HMAC-SHA256, bound to plan, revision, owner and ID), so a marker edited to pass one owner's updates off
as another's is found out when collected; without one the fingerprints are plain (format 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cleaning import clean_text
from pipeline.export.cells import BOLD, WRAP, indent_actions, iso_date, put, save_workbook, set_widths, write_rows
from pipeline.export.printing import draw_grid, drop_empty_columns, fit_rows, reporting_line, set_page_setup
from pipeline.history import under_parents
from pipeline.matching import signed_fingerprint
from pipeline.meta import long_date
from pipeline.records import Flagged, Issue, Revision

META_SHEET = "_actionplan"
MARKER = "actionplan owner workbook"
FORMAT_VERSION = "1"  # plain fingerprints: workbooks handed out before they were signed
SIGNED_FORMAT_VERSION = "2"
SIGNATURE = "signature"  # the marker fact that holds the signature of the other facts
DATA_SHEET = "Updates"
COMPLETED_SHEET = "Completed"  # for reference only: locked, and never read back
HEADER_ROW = 3  # rows 1 and 2 say whose workbook it is, and when and to whom it goes back
# The columns, named once: the writer lays them out, the reader (pipeline.returns) finds them by name.
ID = "ID"
RECOMMENDATION = "Recommendation"
PROPOSED_ACTIONS = "Proposed actions"
TIMESCALE = "Timescale"
STATUS = "Status"
PROGRESS_TO_DATE = "Progress to date"
DUE = "Due date"
OWNERS = "Owners"
THEME = "Theme"
# The context a row's fingerprint is of, in its order (see pipeline.matching.record_fingerprint).
FINGERPRINTED = (ID, RECOMMENDATION, PROPOSED_ACTIONS, TIMESCALE, STATUS, PROGRESS_TO_DATE)
PROGRESS_UPDATE = "Progress update"
PROPOSED_STATUS = "Proposed status"
REVISED_TIMESCALE = "Revised timescale"
REASON = "Reason for new timescale"
EVIDENCE = "Evidence or links"
COMMENTS = "Comments"
INPUT_COLUMNS = (
    (PROGRESS_UPDATE, 34),
    (PROPOSED_STATUS, 12),
    (REVISED_TIMESCALE, 12),
    (REASON, 15),
    (EVIDENCE, 15),
    (COMMENTS, 15),
)
NOTES = "Your notes"  # open like the inputs, but never read back
# Earlier spellings of a header, as workbooks already handed out have them; the reader accepts both.
OLD_SPELLINGS = {EVIDENCE: ("Evidence / links",), DUE: ("Due",)}
# The columns before the inputs, and the context after them: header, width, value for a record.
LEAD_COLUMNS: tuple[tuple[str, float, Callable[[Flagged], Any]], ...] = (
    (ID, 6, lambda r: r.id),
    (RECOMMENDATION, 30, lambda r: r.recommendation),
)
CONTEXT_COLUMNS: tuple[tuple[str, float, Callable[[Flagged], Any]], ...] = (
    (STATUS, 11, lambda r: r.status),
    (TIMESCALE, 11, lambda r: r.timescale),
    (DUE, 10.5, lambda r: iso_date(r.due)),
    (PROGRESS_TO_DATE, 44, lambda r: r.progress),
    (PROPOSED_ACTIONS, 34, lambda r: r.proposed_actions),
    (OWNERS, 13, lambda r: "; ".join(r.owners)),
    (THEME, 14, lambda r: r.theme or ""),
)
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
NOTES_FILL = PatternFill("solid", fgColor="E2EFDA")
# The Instructions' one column: narrower than a landscape A4 page, since LibreOffice does not shrink a sheet
# of a single column to fit the page.
GUIDE_WIDTH = 100


@dataclass(frozen=True)
class ReturnTo:
    """Where and by when an owner sends the workbook back: the return-by date and the contact's name and
    email address (each may be missing)."""

    by: date | None = None
    name: str = ""
    email: str = ""

    def contact(self) -> str:
        """The contact in words: "Name (email)", the one given, or "the person who sent it to you"."""
        if self.name and self.email:
            return f"{self.name} ({self.email})"
        return self.name or self.email or "the person who sent it to you"

    def request(self) -> str:
        """The line that asks for the workbook back."""
        by = f" by {long_date(self.by)}" if self.by else ""
        return f"Please return this workbook{by} to {self.contact()}."


def instructions(back: ReturnTo, *, reporting: date, completed: bool) -> list[str]:
    """Given where the workbook goes back and the round's reporting date, return the Instructions sheet's lines:
    only what works on the protected sheet (filtering, the open columns), never sorting."""
    lines = [
        "How to fill in this workbook",
        back.request(),
        f"Reporting date: {long_date(reporting)} (the date the plan's progress is reported at).",
        "",
        "1. The sheet 'Updates' lists the recommendations you are responsible for that are not yet complete.",
    ]
    if completed:
        lines.append(
            "   Those already complete or closed are on the sheet 'Completed', for reference: nothing is needed there."
        )
    lines += [
        "2. Type your update in the yellow columns, just to the right of the recommendation. Leave a column empty "
        "if you have nothing to add.",
        "3. The white columns are the plan as it stands; they are locked so that the plan is not changed by accident.",
        "4. Progress update: what has happened since the last update, in plain words.",
        "5. Proposed status: choose from the list (for example Delivered, Ongoing).",
        "6. Revised timescale: only if the date has to change, written the way the plan writes dates "
        "(for example 'March 2016', 'Autumn 2016', 'Q3 2016/17', '31/3/16'). Then say why in 'Reason for new "
        "timescale': a reason is required.",
        f"7. {EVIDENCE}: documents or web pages that show the progress. Comments: anything else for "
        f"{back.name or 'the officer who collects the updates'}.",
        f"8. '{NOTES}' (the green column at the far right) is for your own notes: it is not read back into the plan.",
        "9. To see only some rows, use the filter arrows in the header row (for example, only the rows with "
        "a given status).",
        f"10. Save the workbook (keep it as .xlsx, keep its name) and send it back to {back.contact()}"
        + (f" by {long_date(back.by)}." if back.by else "."),
        "Please do not delete the hidden sheet or copy the rows into a new workbook: the returned file is matched "
        "to the plan by it.",
    ]
    return lines


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
    completed: Sequence[Flagged] = (),
    return_to: ReturnTo | None = None,
    plan_name: str | None = None,
) -> tuple[Path, list[Issue]]:
    """Write one owner's workbook for a revision: their open rows (`flagged`) with the input columns right of
    the recommendation, locked context, a marker sheet (signed with `signing_key`, the store's secret), and,
    given `completed` rows, a locked sheet of them for reference. `as_of` is the round's reporting date;
    `return_to` says by when and to whom it goes back. Return where it went and the warnings (text cut to fit
    a cell: the workbook shows it cut with a marker, the store keeps it whole)."""
    warnings: list[Issue] = []
    back = return_to or ReturnTo()
    name = plan_name or revision.plan
    wb = Workbook()
    flagged = under_parents(flagged)
    heading = [f"{name}: updates from {owner_key}", _round_line(back, as_of, revision)]
    _updates_sheet(wb, heading, flagged, status_choices, warnings)
    if completed:
        _completed_sheet(wb, [f"{name}: complete or closed, for reference", _COMPLETED_NOTE], completed, warnings)
    guide = wb.create_sheet("Instructions")
    for i, line in enumerate(instructions(back, reporting=as_of, completed=bool(completed)), start=1):
        cell = put(guide, i, 1, line)
        cell.alignment = WRAP
        if i <= 2:
            cell.font = BOLD
    set_widths(guide, [GUIDE_WIDTH])
    footer = f"{name}: updates from {owner_key}, revision {revision.label}"
    for ws in wb.worksheets:
        top = HEADER_ROW if ws.title != guide.title else None
        set_page_setup(ws, footer=footer, title_rows=(top, top) if top else None)
        fit_rows(ws, top or 1)
        if top:
            draw_grid(ws, top)
    _marker_sheet(wb, revision, owner_key, flagged, as_of, signing_key)
    return save_workbook(wb, path), warnings


_COMPLETED_NOTE = "Nothing is needed from you on these: this sheet is locked, and it is not read back."


def _round_line(back: ReturnTo, reporting: date, revision: Revision) -> str:
    return f"{back.request()} {reporting_line(reporting, revision.as_of)}"


def _heading(ws: Worksheet, lines: Sequence[str]) -> None:
    for i, line in enumerate(lines, start=1):
        put(ws, i, 1, line).font = BOLD


def _protect(ws: Worksheet, last_column: int, last_row: int) -> None:
    """Lock the sheet without a password (nothing is hidden: the lock only prevents accidents), with filter
    arrows on the header row that still work. openpyxl's flags say what is locked: False allows it."""
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last_column)}{last_row}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # filtering allowed
    ws.protection.sort = True  # sorting locked: Excel refuses to sort locked cells anyway
    ws.protection.formatColumns = False  # widths may change
    ws.protection.formatRows = False  # heights may change


def _updates_sheet(
    wb: Workbook,
    heading: Sequence[str],
    flagged: Sequence[Flagged],
    status_choices: Sequence[str],
    warnings: list[Issue],
) -> None:
    """Sheet Updates: ID and recommendation, the input columns (open, yellow), the context (locked), notes."""
    ws = wb.active
    ws.title = DATA_SHEET
    _heading(ws, heading)
    context = [(n, w) for n, w, _ in CONTEXT_COLUMNS]
    values = [[value(r) for _, _, value in CONTEXT_COLUMNS] for r in flagged]
    context, values = drop_empty_columns(context, values, keep=FINGERPRINTED)
    columns = [(n, w) for n, w, _ in LEAD_COLUMNS] + list(INPUT_COLUMNS) + context + [(NOTES, 14)]
    rows = [
        [value(r) for _, _, value in LEAD_COLUMNS] + [""] * len(INPUT_COLUMNS) + shown + [""]
        for r, shown in zip(flagged, values, strict=True)
    ]
    write_rows(ws, HEADER_ROW, [n for n, _ in columns], rows, warnings)
    set_widths(ws, [w for _, w in columns])
    first_input = len(LEAD_COLUMNS) + 1
    open_columns = {j: INPUT_FILL for j in range(first_input, first_input + len(INPUT_COLUMNS))}
    open_columns[len(columns)] = NOTES_FILL
    last_row = HEADER_ROW + max(len(rows), 1)
    for j, fill in open_columns.items():
        ws.cell(row=HEADER_ROW, column=j).fill = fill
        for i in range(HEADER_ROW + 1, last_row + 1):
            cell = ws.cell(row=i, column=j)
            cell.protection = Protection(locked=False)
            cell.fill = fill
            cell.alignment = WRAP
    choices = ",".join(status_choices)
    dropdown = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=False)
    dropdown.prompt, dropdown.promptTitle = "Choose a status, or leave empty", PROPOSED_STATUS
    ws.add_data_validation(dropdown)
    status_col = get_column_letter(first_input + 1)
    dropdown.add(f"{status_col}{HEADER_ROW + 1}:{status_col}{last_row}")
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    indent_actions(ws, flagged, first_row=HEADER_ROW + 1)
    _protect(ws, len(columns), last_row)


def _completed_sheet(wb: Workbook, heading: Sequence[str], completed: Sequence[Flagged], warnings: list[Issue]) -> None:
    """Sheet Completed: the owner's complete or closed rows, context only, every cell locked."""
    ws = wb.create_sheet(COMPLETED_SHEET)
    _heading(ws, heading)
    completed = under_parents(completed)
    every = LEAD_COLUMNS + CONTEXT_COLUMNS
    columns, rows = drop_empty_columns(
        [(n, w) for n, w, _ in every], [[value(r) for _, _, value in every] for r in completed], keep=(ID,)
    )
    write_rows(ws, HEADER_ROW, [n for n, _ in columns], rows, warnings)
    set_widths(ws, [w for _, w in columns])
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    indent_actions(ws, completed, first_row=HEADER_ROW + 1)
    _protect(ws, len(columns), HEADER_ROW + max(len(rows), 1))


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
