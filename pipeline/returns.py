"""Read returned owner workbooks safely. They are untrusted: never modified, never re-saved.

The file is checked before openpyxl sees a byte (`pipeline.returned_file`: what it is, zip bombs, macros, how
far its cells reach). openpyxl parses the XML through defusedxml when it is installed (it is a dependency).
`read_return_isolated` reads in a child process with a time limit and a memory cap, as PDFs are read.

What an owner typed is read as text: a formula is never read as its source (it is
returned apart, to be rejected), a date by its number format ("mmm-yy" is the month,
"dd/mm/yyyy" the day), and every text is cleaned of NUL and control characters.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cleaning import clean_text
from pipeline.errors import InputError
from pipeline.export.owner_marker import ID, MARKER, META_SHEET, PORTFOLIO_FORMAT_VERSION, SIGNATURE
from pipeline.export.owner_workbook import (
    COMPLETED_SHEET,
    DATA_SHEET,
    FINGERPRINTED,
    INPUT_COLUMNS,
    OLD_SPELLINGS,
    PLAN,
)
from pipeline.isolation import LimitError, Limits, run_isolated
from pipeline.matching import context_fingerprint, squash
from pipeline.returned_file import WorkbookError as WorkbookError  # raised by every reader of returns
from pipeline.returned_file import open_workbook

# Time and memory for reading one returned workbook in its child process.
RETURN_LIMITS = Limits(seconds=60.0, memory_mb=512)


@dataclass(frozen=True)
class ReturnedRow:
    """One row of a returned workbook: its ID, the fingerprint of its context as returned, the inputs typed
    (as text) and the input cells that held a formula (column -> the formula, never used as a value)."""

    id: str
    sheet_row: int
    context_fingerprint: str
    inputs: dict[str, str]
    formulas: dict[str, str] = field(default_factory=dict)
    plan: str = ""  # its Plan cell, in a workbook over several plans


@dataclass(frozen=True)
class MarkerPart:
    """One plan a workbook over several plans answers, as its marker sheet says: the plan, the revision and
    its source's SHA-256, and the fingerprint of each of the plan's rows by ID."""

    plan: str
    revision: str
    revision_sha256: str
    fingerprints: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ReturnedWorkbook:
    """A returned owner workbook, read: where it came from, what it says it answers (with the marker's
    signature, empty when unsigned), its rows, and `content`: what identifies the return whatever the
    file is called or however it was saved (owner, plan, revision, and each answered row's ID and inputs)."""

    path: str
    sha256: str
    plan: str
    revision: str
    revision_sha256: str
    owner: str
    fingerprints: dict[str, tuple[str, ...]]
    rows: tuple[ReturnedRow, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    signature: str = ""
    content: str = ""
    version: str = ""
    parts: tuple[MarkerPart, ...] = ()  # a workbook over several plans: every plan its marker vouches for


def date_text(value: date, number_format: str = "") -> str:
    """Given a date from a cell and its number format, return it as the owner saw it: a format without a
    day ("mmm-yy", "mmmm yyyy": Excel's reading of "March 2016") gives the month, a year alone the year,
    anything else the day (dd/mm/yyyy)."""
    shown = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format or "").lower()
    if "d" not in shown and "y" in shown:
        return value.strftime("%B %Y") if "m" in shown else value.strftime("%Y")
    return value.strftime("%d/%m/%Y")


def _text(value: Any, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return date_text(value, number_format)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def _formula(cell: Cell) -> str:
    """Given a cell, return the formula it holds (as typed, cleaned), or "" when it holds a value."""
    if cell.data_type != "f":
        return ""
    return clean_text(str(getattr(cell.value, "text", cell.value) or "")).strip() or "="


def _meta(wb: Workbook, name: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]], tuple[MarkerPart, ...]]:
    """The marker sheet's facts, each row's fingerprint by ID and, for a workbook over several plans (whose
    fingerprint rows also say plan, revision and source), the plans it answers with their fingerprints."""
    sheet = next((ws for ws in wb.worksheets if ws.title == META_SHEET or _text(ws.cell(1, 1).value) == MARKER), None)
    if sheet is None:
        raise WorkbookError(
            name,
            "is not an actionplan owner workbook (its hidden marker sheet is missing): return the workbook you were sent",
        )
    facts: dict[str, str] = {}
    prints: dict[str, tuple[str, ...]] = {}
    answers: dict[tuple[str, str, str], dict[str, tuple[str, ...]]] = {}
    in_table = False
    for row in sheet.iter_rows(values_only=True):
        cells = [_text(row[i]) if i < len(row) else "" for i in range(5)]
        key, value = cells[0], cells[1]
        if key == ID and value == "fingerprint":
            in_table = True
        elif in_table and key:
            prints[key] = (*prints.get(key, ()), value)  # an ID printed twice: a revision stored before ids were unique
            if any(cells[2:]):
                found = answers.setdefault((cells[2], cells[3], cells[4]), {})
                found[key] = (*found.get(key, ()), value)
        elif key:
            facts[key] = value
    several = facts.get(MARKER) == PORTFOLIO_FORMAT_VERSION
    for needed in ("owner",) if several else ("plan", "revision", "owner"):
        if not facts.get(needed):
            raise WorkbookError(name, f"its marker sheet has no {needed}: return the workbook you were sent")
    if not several:
        return facts, prints, ()
    if not answers or any(not plan or not revision for plan, revision, _ in answers):
        raise WorkbookError(name, "its marker sheet does not say each row's plan: return the workbook you were sent")
    plans = [p for p, _, _ in answers]
    if len(set(plans)) < len(plans):  # never written so: the marker was edited
        raise WorkbookError(
            name, "its marker sheet was edited (a plan is listed twice): return the workbook you were sent"
        )
    parts = tuple(MarkerPart(p, r, sha, found) for (p, r, sha), found in answers.items())
    return facts, {}, parts


# A header as written by any version (lower case) -> the name it has now (lower case).
_SPELLINGS = {old.lower(): new.lower() for new, olds in OLD_SPELLINGS.items() for old in olds}


def _header_name(value: Any) -> str:
    """A header cell's column name as the reader knows it: lower case, an earlier spelling read as today's."""
    text = " ".join(_text(value).split()).lower()
    return _SPELLINGS.get(text, text)


def _data_sheet(wb: Workbook) -> tuple[Worksheet, int, dict[str, int], list[str]]:
    """Find the sheet and header row holding ID and the input columns, wherever they were moved (the sheet of
    completed rows, for reference only, is never read)."""
    wanted = {n.lower() for n, _ in INPUT_COLUMNS}
    sheets = sorted(wb.worksheets, key=lambda ws: ws.title != DATA_SHEET)
    for ws in sheets:
        if ws.title in (META_SHEET, COMPLETED_SHEET):
            continue
        for r in range(1, min(ws.max_row, 15) + 1):
            header = {_header_name(ws.cell(r, c).value): c for c in range(1, ws.max_column + 1)}
            if "id" in header and len(wanted & set(header)) >= 2:
                notes = [] if ws.title == DATA_SHEET else [f"data found on sheet {ws.title!r} by its headers"]
                return ws, r, header, notes
    raise WorkbookError("", "has no sheet with the ID and update columns")


def _content(owner: str, plan: str, revision: str, rows: Sequence[ReturnedRow]) -> str:
    """What identifies a return: its owner, plan and revision, and each answered row's ID, inputs and formulas."""
    answered = sorted(
        (r.id, *(squash(r.inputs[n]) for n, _ in INPUT_COLUMNS), *sorted(r.formulas.items()))
        for r in rows
        if any(r.inputs.values()) or r.formulas
    )
    text = repr([owner, plan, revision, answered])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def by_plan(wb: ReturnedWorkbook) -> tuple[list[ReturnedWorkbook], list[ReturnedRow]]:
    """Given a returned workbook, return it as one return per plan it answers (a workbook of one plan as it is;
    one over several plans split by each row's Plan cell, each part with its own plan, revision, fingerprints
    and content) and the rows whose Plan cell names no plan the marker vouches for."""
    if not wb.parts:
        return [wb], []
    views = []
    for part in wb.parts:
        rows = tuple(r for r in wb.rows if r.plan == part.plan)
        views.append(
            replace(
                wb,
                plan=part.plan,
                revision=part.revision,
                revision_sha256=part.revision_sha256,
                fingerprints=part.fingerprints,
                rows=rows,
                content=_content(wb.owner, part.plan, part.revision, rows),
            )
        )
    known = {p.plan for p in wb.parts}
    return views, [r for r in wb.rows if r.plan not in known]


def read_return(path: str | Path) -> ReturnedWorkbook:
    """Given a returned owner workbook, return what it says (rows matched later by ID, not position)."""
    path = Path(path)
    wb, sha = open_workbook(path)
    facts, prints, parts = _meta(wb, str(path))
    try:
        ws, header_row, columns, notes = _data_sheet(wb)
    except WorkbookError:
        raise WorkbookError(
            str(path), "has no sheet with the ID and update columns: return the workbook you were sent"
        ) from None
    missing = [n for n in FINGERPRINTED if n.lower() not in columns]
    if missing:
        notes.append(f"context columns missing: {', '.join(missing)}")
    rows: list[ReturnedRow] = []
    for r in range(header_row + 1, ws.max_row + 1):
        ident = _text(ws.cell(r, columns["id"]).value)
        if not ident:
            continue
        context = [_text(ws.cell(r, columns[n.lower()]).value) if n.lower() in columns else "" for n in FINGERPRINTED]
        inputs: dict[str, str] = {}
        formulas: dict[str, str] = {}
        for name, _ in INPUT_COLUMNS:
            cell = ws.cell(r, columns[name.lower()]) if name.lower() in columns else None
            formula = _formula(cell) if cell is not None else ""
            if formula:
                formulas[name] = formula
            inputs[name] = _text(cell.value, cell.number_format) if cell is not None and not formula else ""
        plan = _text(ws.cell(r, columns[PLAN.lower()]).value) if parts and PLAN.lower() in columns else ""
        rows.append(ReturnedRow(ident, r, context_fingerprint(context), inputs, formulas, plan))
    wb.close()
    whole = "" if parts else facts["plan"]
    return ReturnedWorkbook(
        path=str(path),
        sha256=sha,
        plan=whole,
        revision=facts.get("revision", ""),
        revision_sha256=facts.get("revision_sha256", ""),
        owner=facts["owner"],
        fingerprints=prints,
        rows=tuple(rows),
        notes=tuple(notes),
        signature=facts.get(SIGNATURE, ""),
        content=_content(facts["owner"], whole, facts.get("revision", ""), rows),
        version=facts.get(MARKER, ""),
        parts=parts,
    )


def read_return_isolated(path: str | Path, limits: Limits = RETURN_LIMITS) -> ReturnedWorkbook:
    """Given a returned owner workbook, read it in a child process within the time and memory limits."""
    name = str(path)
    try:
        result = run_isolated(name, read_return, (Path(path),), limits=limits)
    except WorkbookError:
        raise
    except LimitError as error:
        allowed = f"{limits.memory_mb} MB of memory" if "memory" in error.message else f"{limits.seconds:.0f} s"
        raise WorkbookError(
            name,
            f"needed more than {allowed} to read and was stopped: refused as unsafe; ask the owner to send it again",
        ) from None
    except InputError:
        # The reader ended without a word: a crash, or memory ran out where it could not even say so.
        raise WorkbookError(
            name,
            f"stopped the workbook reader (damaged or hostile, or needing more than {limits.memory_mb} MB of memory): "
            "refused as unsafe; ask the owner to send it again",
        ) from None
    assert isinstance(result, ReturnedWorkbook)
    return result
