"""Tell what a file is before trusting pdfminer's messages about it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.errors import DamagedPdfError, InputError, NotAPdfError

ZIP = b"PK\x03\x04"  # .docx, .odt (and .xlsx, .pptx)
OLE = b"\xd0\xcf\x11\xe0"  # an old .doc (or .xls), or any encrypted Office file
RTF = b"{\\rtf"
WORD_LIKE = (ZIP, OLE, RTF)  # read by pipeline.word, which tells them apart and says what each is

# First bytes of files people send instead of PDFs, and what to tell them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (ZIP, "is a Word/Excel/zip file, not a PDF: save or export it as PDF first"),
    (OLE, "is an old-style or password-protected Office file, not a PDF: save it as PDF first"),
    (b"\x89PNG", "is a PNG image, not a PDF: it needs OCR (e.g. ocrmypdf) to become a searchable PDF"),
    (b"\xff\xd8\xff", "is a JPEG image, not a PDF: it needs OCR (e.g. ocrmypdf) to become a searchable PDF"),
    (b"II*\x00", "is a TIFF image, not a PDF: it needs OCR (e.g. ocrmypdf) to become a searchable PDF"),
    (b"MM\x00*", "is a TIFF image, not a PDF: it needs OCR (e.g. ocrmypdf) to become a searchable PDF"),
    (RTF, "is an RTF document, not a PDF: save it as PDF first"),
)


def is_word_like(path: Path) -> bool:
    """Given a path, say whether its first bytes are those of a word-processor file (a zip, an OLE file or RTF),
    which is read as a Word plan rather than a PDF (a path that cannot be read is left to the PDF reader's
    messages)."""
    try:
        with path.open("rb") as opened:
            head = opened.read(8)
    except OSError:
        return False
    return head.startswith(WORD_LIKE)


def sniff_pdf(path: Path) -> bytes:
    """Given a path, return its bytes if it looks like a whole PDF; else raise a clear InputError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder, not a PDF file") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read the file ({error.strerror})") from None
    if not data.strip():
        raise NotAPdfError(str(path), "is empty (0 bytes of content): download or export it again")
    head = data[:1024]
    if b"%PDF-" not in head:
        for magic, message in _SIGNATURES:
            if head.startswith(magic):
                raise NotAPdfError(str(path), message)
        lowered = head.lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
            raise NotAPdfError(
                str(path),
                "is a web page (HTML), not a PDF: the download probably failed; open the link and save the PDF itself",
            )
        raise NotAPdfError(str(path), "is not a PDF (no %PDF header): check you have the right file")
    if b"%%EOF" not in data:
        raise DamagedPdfError(str(path), "is truncated (no end-of-file marker): download or copy it again")
    return data


def sha256_of(data: bytes) -> str:
    """Given file bytes, return their SHA-256 as hex."""
    return hashlib.sha256(data).hexdigest()
