"""Read returned owner workbooks safely. They are untrusted: never modified, never re-saved.

Checks before openpyxl sees a byte: the file's first bytes (openpyxl says "File is
not a zip file" for encrypted workbooks, CSVs, web pages and truncated downloads
alike), the archive's sizes and compression ratios (zip bombs), and macros.
openpyxl parses the XML through defusedxml when it is installed (it is a dependency).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import InputError
from pipeline.export.cells import clean_text
from pipeline.export.owner_workbook import DATA_SHEET, INPUT_COLUMNS, MARKER, META_SHEET
from pipeline.views import context_fingerprint

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000


class WorkbookError(InputError):
    """A returned workbook cannot be used."""


@dataclass(frozen=True)
class ReturnedRow:
    """One row of a returned workbook: its ID, the fingerprint of its context as returned, and the inputs typed."""

    id: str
    sheet_row: int
    context_fingerprint: str
    inputs: dict[str, str]


@dataclass(frozen=True)
class ReturnedWorkbook:
    """A returned owner workbook, read: where it came from, what it says it answers, and its rows."""

    path: str
    sha256: str
    plan: str
    revision: str
    revision_sha256: str
    owner: str
    fingerprints: dict[str, str]
    rows: tuple[ReturnedRow, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def sniff_workbook(path: Path) -> bytes:
    """Given a path, return its bytes if they look like an .xlsx archive; else raise a clear WorkbookError."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise WorkbookError(
                name,
                f"is {size // (1024 * 1024)} MB, larger than a returned workbook should be: check it is the right file",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise WorkbookError(name, "file not found") from None
    except IsADirectoryError:
        raise WorkbookError(name, "is a folder, not a workbook") from None
    except OSError as error:
        raise WorkbookError(name, f"cannot be read ({error.strerror})") from None
    if not data.strip():
        raise WorkbookError(name, "is empty: ask the owner to send the workbook again")
    head = data[:512]
    if head.startswith(b"PK\x03\x04"):
        return data
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError(
            name, "is password-protected or an old .xls file: ask the owner to remove the password and save it as .xlsx"
        )
    if head.startswith(b"%PDF"):
        raise WorkbookError(name, "is a PDF, not the workbook: ask the owner to send the .xlsx file")
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<head")):
        raise WorkbookError(
            name, "is a web page (HTML), not a workbook: ask the owner to save it as an Excel workbook (.xlsx)"
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text) and re.search(r"[,;\t]", text):
        raise WorkbookError(name, "is a CSV text file: ask the owner to save it as an Excel workbook (.xlsx), not CSV")
    if head.startswith(b"PK"):
        raise WorkbookError(name, "is a damaged zip archive: ask the owner to send the workbook again")
    raise WorkbookError(name, "is not an Excel workbook (.xlsx): ask the owner to send the workbook they were given")


def check_archive(name: str, data: bytes) -> None:
    """Given an .xlsx's bytes, refuse truncated archives, zip bombs and macros before parsing anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise WorkbookError(
            name, "is truncated or damaged (not a complete .xlsx): ask the owner to send it again"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise WorkbookError(name, f"holds {len(members)} parts, far more than a workbook: refused as unsafe")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise WorkbookError(name, f"would expand to {total // (1024 * 1024)} MB: refused as a possible zip bomb")
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise WorkbookError(
                name,
                f"part {m.filename} expands {m.file_size // max(m.compress_size, 1)}-fold: refused as a possible zip bomb",
            )
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise WorkbookError(name, "is a zip file but not an Excel workbook (perhaps a Word file): ask for the .xlsx")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise WorkbookError(
            name, "contains macros (.xlsm): refused; ask the owner to save it as a plain .xlsx workbook"
        )


def open_workbook(path: Path) -> tuple[Workbook, str]:
    """Given a returned workbook's path, return it opened (in memory, never re-saved) and its SHA-256."""
    data = sniff_workbook(path)
    check_archive(str(path), data)
    try:
        # Not read_only: that mode trusts the file's dimension tag and silently drops rows when it is wrong.
        wb = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as error:  # openpyxl raises many types for damaged parts
        raise WorkbookError(
            str(path), f"cannot be read as a workbook ({type(error).__name__}): ask the owner to send it again"
        ) from None
    return wb, hashlib.sha256(data).hexdigest()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def _meta(wb: Workbook, name: str) -> tuple[dict[str, str], dict[str, str]]:
    sheet = next((ws for ws in wb.worksheets if ws.title == META_SHEET or _text(ws.cell(1, 1).value) == MARKER), None)
    if sheet is None:
        raise WorkbookError(
            name,
            "is not an actionplan owner workbook (its hidden marker sheet is missing): return the workbook you were sent",
        )
    facts: dict[str, str] = {}
    prints: dict[str, str] = {}
    in_table = False
    for row in sheet.iter_rows(values_only=True):
        key, value = _text(row[0] if row else None), _text(row[1] if len(row) > 1 else None)
        if key == "ID" and value == "fingerprint":
            in_table = True
        elif in_table and key:
            prints[key] = value
        elif key:
            facts[key] = value
    for needed in ("plan", "revision", "owner"):
        if not facts.get(needed):
            raise WorkbookError(name, f"its marker sheet has no {needed}: return the workbook you were sent")
    return facts, prints


def _data_sheet(wb: Workbook) -> tuple[Worksheet, int, dict[str, int], list[str]]:
    """Find the sheet and header row holding ID and the input columns, wherever they were moved."""
    wanted = {n.lower() for n, _ in INPUT_COLUMNS}
    sheets = sorted(wb.worksheets, key=lambda ws: ws.title != DATA_SHEET)
    for ws in sheets:
        if ws.title == META_SHEET:
            continue
        for r in range(1, min(ws.max_row, 15) + 1):
            header = {_text(ws.cell(r, c).value).lower(): c for c in range(1, ws.max_column + 1)}
            if "id" in header and len(wanted & set(header)) >= 2:
                notes = [] if ws.title == DATA_SHEET else [f"data found on sheet {ws.title!r} by its headers"]
                return ws, r, header, notes
    raise WorkbookError("", "has no sheet with the ID and update columns")


def read_return(path: str | Path) -> ReturnedWorkbook:
    """Given a returned owner workbook, return what it says (rows matched later by ID, not position)."""
    path = Path(path)
    wb, sha = open_workbook(path)
    facts, prints = _meta(wb, str(path))
    try:
        ws, header_row, columns, notes = _data_sheet(wb)
    except WorkbookError:
        raise WorkbookError(
            str(path), "has no sheet with the ID and update columns: return the workbook you were sent"
        ) from None
    context_names = ["ID", "Recommendation", "Proposed actions", "Timescale", "Status", "Progress to date"]
    missing = [n for n in context_names if n.lower() not in columns]
    if missing:
        notes.append(f"context columns missing: {', '.join(missing)}")
    rows: list[ReturnedRow] = []
    for r in range(header_row + 1, ws.max_row + 1):
        ident = _text(ws.cell(r, columns["id"]).value)
        if not ident:
            continue
        context = [_text(ws.cell(r, columns[n.lower()]).value) if n.lower() in columns else "" for n in context_names]
        inputs = {
            n: _text(ws.cell(r, columns[n.lower()]).value) if n.lower() in columns else "" for n, _ in INPUT_COLUMNS
        }
        rows.append(ReturnedRow(ident, r, context_fingerprint(context), inputs))
    wb.close()
    return ReturnedWorkbook(
        path=str(path),
        sha256=sha,
        plan=facts["plan"],
        revision=facts["revision"],
        revision_sha256=facts.get("revision_sha256", ""),
        owner=facts["owner"],
        fingerprints=prints,
        rows=tuple(rows),
        notes=tuple(notes),
    )
