"""Word -> PDF with LibreOffice headless (run as every conversion is: see soffice.py), the PDF tagged."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.errors import MissingToolError, OutputError
from pipeline.export.atomic import write_atomic
from pipeline.soffice import PACKAGE, convert_with_soffice, find_soffice

__all__ = ["PDF_TIMEOUT", "TAGGED_PDF", "MissingToolError", "docx_to_pdf", "find_soffice"]

# LibreOffice's Writer PDF export with tagging on (PDF/UA structure: headings, tables, alternative text), as
# the public-sector accessibility regulations expect; the title and language come from the document.
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
PDF_TIMEOUT = 300.0  # seconds LibreOffice may take to convert the paper


def docx_to_pdf(docx: Path, pdf: Path, timeout: float = PDF_TIMEOUT) -> Path:
    """Given a .docx, write its PDF to `pdf` (atomically) and return it; stop LibreOffice after `timeout` seconds."""
    soffice = find_soffice()
    if soffice is None:
        raise MissingToolError(
            str(docx),
            f"--pdf needs LibreOffice: install it (Debian/Ubuntu: apt-get install {PACKAGE}), or leave out --pdf",
        )
    with tempfile.TemporaryDirectory(prefix="actionplan-soffice-") as tmp:
        done = convert_with_soffice(soffice, docx, target=TAGGED_PDF, work=Path(tmp), timeout=timeout)
        if done.timed_out:
            raise OutputError(
                str(pdf),
                f"LibreOffice took longer than {timeout:g} s to convert {docx.name} and was stopped: "
                "try again with a longer --pdf-timeout, or open the .docx and save it as PDF",
            )
        if done.made is None:
            raise OutputError(
                str(pdf),
                f"LibreOffice did not produce a PDF ({done.said or 'no message'}): open the .docx and save it as PDF by hand",
            )
        return write_atomic(pdf, done.made.read_bytes())
