"""A Word plan's bytes: read, told apart by what they hold (never by the file's name), checked, and converted to
.docx when they are a .doc, .odt or .rtf. Nothing here parses XML: python-docx is given only bytes that passed.

A .docx and an .odt are zip archives (sizes, compression ratios and macros checked as every Office file's
are: archives.py); an old .doc and any encrypted Office file are OLE compound files, told apart by their
streams (`EncryptionInfo` for an encrypted one, `WordDocument` for a .doc).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pipeline.archives import ArchiveLimits, archive_parts, bomb_reason, has_macros
from pipeline.errors import InputError, MissingToolError
from pipeline.extract.opening import OLE, RTF, ZIP
from pipeline.soffice import PACKAGE, convert_with_soffice, find_soffice

WordKind = Literal["docx", "doc", "odt", "rtf"]

WORD_ARCHIVE = ArchiveLimits(parts=5000, expanded=512 * 2**20)
CONVERT_TIMEOUT = 120.0  # seconds LibreOffice may take to turn a .doc, .odt or .rtf into .docx
CONVERT_SHARE = 0.75  # of the read's time limit: LibreOffice is stopped before the read is, so it never outlives it
DOCX_TARGET = "docx:MS Word 2007 XML"
ODT_TYPE = b"application/vnd.oasis.opendocument.text"
SMALL_PART = 4096  # bytes: the most an .odt's mimetype or manifest part is read of
FIB_FLAGS = slice(10, 12)  # where a .doc's WordDocument stream keeps its flags
FIB_ENCRYPTED = 0x0100 | 0x8000  # fEncrypted, fObfuscated: the document needs a password
_SAVE_AS = "open it in Word and save it as a Word Document (.docx), or export it as PDF"


@dataclass(frozen=True)
class WordBytes:
    """A Word plan's file as given (its SHA-256 names the revision), the .docx read from it (the file itself, or
    LibreOffice's conversion of it) and what it was converted from (None for a .docx)."""

    data: bytes
    docx: bytes
    converted_from: WordKind | None = None


def read_word_bytes(path: Path, *, max_mb: int | None = None, timeout: float = CONVERT_TIMEOUT) -> WordBytes:
    """Given the path of a word-processor file, return its bytes and the .docx to read, or raise one clear
    InputError: damaged, a zip bomb, macros, encrypted, not a Word document, LibreOffice missing."""
    name = str(path)
    data = _read(path, max_mb)
    kind = word_kind(name, data)
    if kind == "docx":
        return WordBytes(data, data)
    converted = _to_docx(name, data, kind, timeout)
    if word_kind(name, converted) != "docx":
        raise InputError(name, f"LibreOffice's .docx of it cannot be read: {_SAVE_AS}")
    return WordBytes(data, converted, kind)


def _read(path: Path, max_mb: int | None) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if max_mb is not None and size > max_mb * 2**20:
            raise InputError(
                name, f"is {size // 2**20} MB, over the {max_mb} MB limit: raise --max-file-mb if it really is a plan"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "file not found") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a plan document") from None
    except OSError as error:
        raise InputError(name, f"cannot read the file ({error.strerror})") from None


def word_kind(name: str, data: bytes) -> WordKind:
    """Given a file's bytes, return which word-processor format they hold, once checked; else raise why not."""
    if data.startswith(ZIP):
        return _zip_kind(name, data)
    if data.startswith(OLE):
        return _ole_kind(name, data)
    if data.startswith(RTF):
        return "rtf"
    raise InputError(name, "is neither a PDF nor a Word document: check you have the right file")


def _zip_kind(name: str, data: bytes) -> WordKind:
    """Given a zip archive's bytes, return "docx" or "odt", or raise why it is refused."""
    parts = archive_parts(data)
    if parts is None:
        raise InputError(
            name, f"is a damaged Word document (not a complete zip archive): download it again, or {_SAVE_AS}"
        )
    bomb = bomb_reason(parts, WORD_ARCHIVE)
    if bomb is not None:
        raise InputError(name, bomb)
    names = {p.filename for p in parts}
    if has_macros(names):
        raise InputError(name, "contains macros (a .docm): refused; save it as a plain Word Document (.docx)")
    if "word/document.xml" in names:
        return "docx"
    if _small_part(data, "mimetype").strip() == ODT_TYPE:
        if b"encryption-data" in _small_part(data, "META-INF/manifest.xml", 2**20):
            raise InputError(
                name, f"is password-protected: open it, remove the password and save it again, or {_SAVE_AS}"
            )
        return "odt"
    if "xl/workbook.xml" in names:
        raise InputError(name, "is an Excel workbook, not a plan: give the plan as a PDF or a Word document")
    if "ppt/presentation.xml" in names:
        raise InputError(name, "is a PowerPoint file: export it as PDF and read the PDF")
    raise InputError(name, "is a zip archive, not a plan: give the plan as a PDF or a Word document")


def _small_part(data: bytes, part: str, limit: int = SMALL_PART) -> bytes:
    """Given an archive already checked, return the start of one of its parts (b"" when it has none)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part) as opened:
            return opened.read(limit)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return b""


def _ole_kind(name: str, data: bytes) -> WordKind:
    """Given an OLE compound file's bytes, return "doc" for an old Word document, or raise why it is refused:
    an encrypted Office file of any kind (it holds `EncryptionInfo`), a workbook, a presentation."""
    import olefile  # only an OLE file needs it

    try:
        ole = olefile.OleFileIO(data)
        try:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
            flags = _doc_flags(ole) if "worddocument" in streams else 0
        finally:
            ole.close()
    except Exception:  # olefile raises many types for a damaged directory or stream
        raise InputError(name, f"is a damaged Office file: download it again, or {_SAVE_AS}") from None
    if streams & {"encryptioninfo", "encryptedpackage"}:
        raise InputError(
            name, f"is password-protected (encrypted): open it, remove the password and save it again, or {_SAVE_AS}"
        )
    if "worddocument" in streams:
        if flags & FIB_ENCRYPTED:
            raise InputError(
                name, f"is a password-protected .doc: open it, remove the password and save it again, or {_SAVE_AS}"
            )
        if "macros" in streams:
            raise InputError(name, "is a .doc with macros: refused; save it as a plain Word Document (.docx)")
        return "doc"
    if streams & {"workbook", "book"}:
        raise InputError(name, "is an old Excel workbook (.xls), not a plan: give the plan as a PDF or a Word document")
    if "powerpoint document" in streams:
        raise InputError(name, "is an old PowerPoint file (.ppt): export it as PDF and read the PDF")
    raise InputError(
        name, "is an old-style Office file but not a Word document: give the plan as a PDF or a Word document"
    )


def _doc_flags(ole: Any) -> int:
    """Given an open .doc, return the flags its WordDocument stream starts with (0 when it is too short)."""
    head: bytes = ole.openstream("WordDocument").read(FIB_FLAGS.stop)
    return int.from_bytes(head[FIB_FLAGS], "little") if len(head) >= FIB_FLAGS.stop else 0


def _to_docx(name: str, data: bytes, kind: WordKind, timeout: float) -> bytes:
    """Given a .doc, .odt or .rtf's bytes, return LibreOffice's .docx of them."""
    soffice = find_soffice()
    if soffice is None:
        raise MissingToolError(
            name,
            f"is a .{kind} file, which is read after LibreOffice converts it to .docx: install LibreOffice "
            f"(Debian/Ubuntu: apt-get install {PACKAGE}), or {_SAVE_AS}",
        )
    with tempfile.TemporaryDirectory(prefix="actionplan-word-") as tmp:
        work = Path(tmp)
        source = work / f"plan.{kind}"  # its own name and the right ending: LibreOffice goes by both
        source.write_bytes(data)
        done = convert_with_soffice(soffice, source, target=DOCX_TARGET, work=work, timeout=timeout)
        if done.timed_out:
            raise InputError(
                name,
                f"LibreOffice took longer than {timeout:g} s to convert it to .docx and was stopped: {_SAVE_AS}",
            )
        if done.made is None:
            raise InputError(
                name,
                f"LibreOffice could not convert it to .docx ({done.said or 'no message'}): it may be damaged or "
                f"password-protected; {_SAVE_AS}",
            )
        return done.made.read_bytes()
