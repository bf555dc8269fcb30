"""One workbook per owner: their records, context locked, six input columns open, and a hidden marker sheet
(`export.owner_marker`: what the workbook answers, signed with the store's secret).

A workbook over several plans (`write_portfolio_owner_workbook`) has a Plan column and its rows grouped by
plan; its marker records each row's plan and revision, so each row goes back to its own plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.export.cells import BOLD, WRAP, indent_actions, iso_date, put, save_workbook, set_widths, write_rows
from pipeline.export.owner_marker import ID, PlanRows, write_marker_sheet
from pipeline.export.printing import draw_grid, drop_empty_columns, fit_rows, reporting_line, set_page_setup
from pipeline.history import under_parents
from pipeline.meta import long_date
from pipeline.records import Flagged, Issue, Revision
from pipeline.words import and_list, plural

DATA_SHEET = "Updates"
COMPLETED_SHEET = "Completed"  # for reference only: locked, and never read back
HEADER_ROW = 3  # rows 1 and 2 say whose workbook it is, and when and to whom it goes back
# The columns, named once: the writer lays them out, the reader (pipeline.returns) finds them by name.
PLAN = "Plan"  # only in a workbook over several plans: the plan's name as the store knows it
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


def instructions(back: ReturnTo, *, reporting: date, completed: bool, plans: Sequence[str] = ()) -> list[str]:
    """Given where the workbook goes back and the round's reporting date, return the Instructions sheet's lines:
    only what works on the protected sheet (filtering, the open columns), never sorting. `plans` names the
    plans of a workbook over several."""
    lines = [
        "How to fill in this workbook",
        back.request(),
        f"Reporting date: {long_date(reporting)} (the date the plan's progress is reported at).",
        "",
        "1. The sheet 'Updates' lists the recommendations you are responsible for that are not yet complete.",
    ]
    if plans:
        lines[2] = f"Reporting date: {long_date(reporting)} (the date the plans' progress is reported at)."
        lines.append(
            f"   They come from {plural(len(plans), 'action plan')} ({and_list(list(plans))}), grouped by plan: "
            f"the '{PLAN}' column says which plan each row belongs to."
        )
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
        + ("a given status or of one plan)." if plans else "a given status)."),
        f"10. Save the workbook (keep it as .xlsx, keep its name) and send it back to {back.contact()}"
        + (f" by {long_date(back.by)}." if back.by else "."),
        "Please do not delete the hidden sheet or copy the rows into a new workbook: the returned file is matched "
        "to the plan by it.",
    ]
    return lines


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
    back = return_to or ReturnTo()
    name = plan_name or revision.plan
    book = _Book(owner_key, name, as_of, back, [PlanRows(revision, flagged, completed)], portfolio=False)
    footer = f"{name}: updates from {owner_key}, revision {revision.label}"
    return book.write(path, status_choices, footer, signing_key)


def write_portfolio_owner_workbook(
    path: str | Path,
    parts: Sequence[PlanRows],
    owner_key: str,
    *,
    status_choices: Sequence[str],
    as_of: date,
    signing_key: bytes,
    return_to: ReturnTo | None = None,
) -> tuple[Path, list[Issue]]:
    """Write one owner's workbook over several plans: each part's open rows grouped by plan under a Plan column
    (the store's name for the plan), a locked sheet of the complete or closed ones if any part has them, and a
    marker sheet (format 3, signed with the store's secret) recording each row's plan and revision. `as_of` is
    the round's one reporting date. Return where it went and the warnings (text cut to fit a cell)."""
    name = plural(len(parts), "action plan")
    book = _Book(owner_key, name, as_of, return_to or ReturnTo(), list(parts), portfolio=True)
    return book.write(path, status_choices, f"{name}: updates from {owner_key}", signing_key)


_COMPLETED_NOTE = "Nothing is needed from you on these: this sheet is locked, and it is not read back."


@dataclass
class _Book:
    """One owner workbook being laid out: whose, under which name, its reporting date and return, its plans'
    rows, and whether it carries a Plan column (a workbook over several plans)."""

    owner: str
    name: str
    as_of: date
    back: ReturnTo
    parts: list[PlanRows]
    portfolio: bool

    def rows(self, completed: bool = False) -> list[tuple[str, Flagged]]:
        """Every row of the sheet, grouped by plan: (the plan's name, the flagged record)."""
        return [
            (p.revision.plan, f) for p in self.parts for f in under_parents(p.completed if completed else p.flagged)
        ]

    def lead(self) -> tuple[tuple[str, float, Callable[[tuple[str, Flagged]], Any]], ...]:
        """The columns before the inputs: Plan (several plans only), ID, Recommendation."""
        plan = ((PLAN, 14, lambda pr: pr[0]),) if self.portfolio else ()
        return plan + tuple((n, w, lambda pr, value=value: value(pr[1])) for n, w, value in LEAD_COLUMNS)

    def write(
        self, path: str | Path, status_choices: Sequence[str], footer: str, signing_key: bytes | None
    ) -> tuple[Path, list[Issue]]:
        warnings: list[Issue] = []
        wb = Workbook()
        dated = self.parts[0].revision.as_of if len(self.parts) == 1 else None
        line = f"{self.back.request()} " + (
            reporting_line(self.as_of, dated)
            if dated or not self.portfolio
            else f"Reporting date: {long_date(self.as_of)}."
        )
        self._updates_sheet(wb, [f"{self.name}: updates from {self.owner}", line], status_choices, warnings)
        done = self.rows(completed=True)
        if done:
            heading = [f"{self.name}: complete or closed, for reference", _COMPLETED_NOTE]
            self._completed_sheet(wb, heading, done, warnings)
        guide = wb.create_sheet("Instructions")
        plans = [p.revision.plan for p in self.parts] if self.portfolio else []
        lines = instructions(self.back, reporting=self.as_of, completed=bool(done), plans=plans)
        for i, text in enumerate(lines, start=1):
            cell = put(guide, i, 1, text)
            cell.alignment = WRAP
            if i <= 2:
                cell.font = BOLD
        set_widths(guide, [GUIDE_WIDTH])
        for ws in wb.worksheets:
            top = HEADER_ROW if ws.title != guide.title else None
            set_page_setup(ws, footer=footer, title_rows=(top, top) if top else None)
            fit_rows(ws, top or 1)
            if top:
                draw_grid(ws, top)
        write_marker_sheet(wb, self.parts, self.owner, self.as_of, signing_key, portfolio=self.portfolio)
        return save_workbook(wb, path), warnings

    def _updates_sheet(
        self, wb: Workbook, heading: Sequence[str], status_choices: Sequence[str], warnings: list[Issue]
    ) -> None:
        """Sheet Updates: (Plan,) ID and recommendation, the input columns (open, yellow), the context (locked),
        notes."""
        ws = wb.active
        ws.title = DATA_SHEET
        _heading(ws, heading)
        every = self.rows()
        lead = self.lead()
        context = [(n, w) for n, w, _ in CONTEXT_COLUMNS]
        values = [[value(f) for _, _, value in CONTEXT_COLUMNS] for _, f in every]
        context, values = drop_empty_columns(context, values, keep=FINGERPRINTED)
        columns = [(n, w) for n, w, _ in lead] + list(INPUT_COLUMNS) + context + [(NOTES, 14)]
        rows = [
            [value(pr) for _, _, value in lead] + [""] * len(INPUT_COLUMNS) + shown + [""]
            for pr, shown in zip(every, values, strict=True)
        ]
        write_rows(ws, HEADER_ROW, [n for n, _ in columns], rows, warnings)
        set_widths(ws, [w for _, w in columns])
        first_input = len(lead) + 1
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
        ws.freeze_panes = f"{get_column_letter(len(lead))}{HEADER_ROW + 1}"
        indent_actions(ws, [f for _, f in every], first_row=HEADER_ROW + 1, column=len(lead) - 1)
        _protect(ws, len(columns), last_row)

    def _completed_sheet(
        self, wb: Workbook, heading: Sequence[str], done: list[tuple[str, Flagged]], warnings: list[Issue]
    ) -> None:
        """Sheet Completed: the owner's complete or closed rows, context only, every cell locked."""
        ws = wb.create_sheet(COMPLETED_SHEET)
        _heading(ws, heading)
        every = self.lead() + tuple((n, w, lambda pr, value=value: value(pr[1])) for n, w, value in CONTEXT_COLUMNS)
        columns, rows = drop_empty_columns(
            [(n, w) for n, w, _ in every], [[value(pr) for _, _, value in every] for pr in done], keep=(ID,)
        )
        write_rows(ws, HEADER_ROW, [n for n, _ in columns], rows, warnings)
        set_widths(ws, [w for _, w in columns])
        lead = len(self.lead())
        ws.freeze_panes = f"{get_column_letter(lead)}{HEADER_ROW + 1}"
        indent_actions(ws, [f for _, f in done], first_row=HEADER_ROW + 1, column=lead - 1)
        _protect(ws, len(columns), HEADER_ROW + max(len(rows), 1))


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
