"""A returned workbook's file, checked before openpyxl sees a byte, then opened (in memory, never re-saved).

Returned workbooks are untrusted. openpyxl says "File is not a zip file" for encrypted workbooks, CSVs, web
pages and truncated downloads alike, so the first bytes are read for what the file is; then the archive's
sizes and compression ratios (zip bombs), macros, and how far each sheet's cells reach (one cell at row
1,048,576 makes every row up to it cost time and memory), each refused with one line that says what to do.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.workbook import Workbook

from pipeline.archives import ArchiveLimits, archive_parts, bomb_reason, has_macros
from pipeline.errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024
RETURN_ARCHIVE = ArchiveLimits(parts=5000, expanded=300 * 1024 * 1024)
# How far a returned workbook's cells may reach, on any sheet; an owner workbook uses a few hundred rows.
MAX_RETURN_ROWS = 10_000
MAX_RETURN_COLUMNS = 100
MAX_RETURN_CELLS = 200_000
_SCAN_CHUNK = 1024 * 1024
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]{0,3})(\d+)["']""")


class WorkbookError(InputError):
    """A returned workbook cannot be used."""


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
    members = archive_parts(data)
    if members is None:
        raise WorkbookError(name, "is truncated or damaged (not a complete .xlsx): ask the owner to send it again")
    bomb = bomb_reason(members, RETURN_ARCHIVE)
    if bomb is not None:
        raise WorkbookError(name, bomb)
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise WorkbookError(name, "is a zip file but not an Excel workbook (perhaps a Word file): ask for the .xlsx")
    if has_macros(names):
        raise WorkbookError(
            name, "contains macros (.xlsm): refused; ask the owner to save it as a plain .xlsx workbook"
        )


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _too_far(name: str, rows: int, columns: int, cells: int) -> WorkbookError | None:
    limits = f"a returned workbook may use at most {MAX_RETURN_ROWS:,} rows and {MAX_RETURN_COLUMNS} columns"
    fix = "delete the far cells (Ctrl+End finds the last one) and send it again"
    if rows > MAX_RETURN_ROWS:
        return WorkbookError(name, f"has cells down to row {rows:,} ({limits}): refused; {fix}")
    if columns > MAX_RETURN_COLUMNS:
        return WorkbookError(name, f"has cells across to column {columns:,} ({limits}): refused; {fix}")
    if cells > MAX_RETURN_CELLS:
        return WorkbookError(name, f"has {cells:,} cells (at most {MAX_RETURN_CELLS:,} are read): refused; {fix}")
    return None


def check_extent(name: str, data: bytes) -> None:
    """Given an .xlsx's bytes, refuse it if any sheet's cells reach past the row or column limit, scanning the
    sheets' XML as a stream (no dimension tag is trusted, and no cell is built) before openpyxl parses it."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    for member in archive.infolist():
        if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
            continue
        rows = columns = cells = row = column = 0
        carried = b""
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(_SCAN_CHUNK)
                text = carried + chunk
                end = len(text) if not chunk else text.rfind(b">") + 1
                for tag in _TAG.finditer(text, 0, end):
                    ref = _REF.search(tag.group(2))
                    if tag.group(1) == b"row":
                        row, column = (int(ref.group(2)) if ref else row + 1), 0
                    else:
                        cells += 1
                        column = _column_number(ref.group(1)) if ref and ref.group(1) else column + 1
                        row = max(row, int(ref.group(2))) if ref else row
                    rows, columns = max(rows, row), max(columns, column)
                refused = _too_far(name, rows, columns, cells)
                if refused is not None:
                    raise refused
                if not chunk:
                    break
                carried = text[end:]


def open_workbook(path: Path) -> tuple[Workbook, str]:
    """Given a returned workbook's path, return it opened (in memory, never re-saved) and its SHA-256."""
    data = sniff_workbook(path)
    check_archive(str(path), data)
    check_extent(str(path), data)
    try:
        # Not read_only: that mode trusts the file's dimension tag and silently drops rows when it is wrong.
        wb = openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as error:  # openpyxl raises many types for damaged parts
        raise WorkbookError(
            str(path), f"cannot be read as a workbook ({type(error).__name__}): ask the owner to send it again"
        ) from None
    for ws in wb.worksheets:  # the same limits, as openpyxl counts (rows without a number, say)
        refused = _too_far(str(path), ws.max_row, ws.max_column, 0)
        if refused is not None:
            raise refused
    return wb, hashlib.sha256(data).hexdigest()
