"""Word -> PDF with LibreOffice headless: its own profile each run, and the PDF checked (soffice exits 0 on failure)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import OutputError, PipelineError
from pipeline.export.atomic import write_atomic


class MissingToolError(PipelineError):
    """A system program the command needs is not installed."""


def docx_to_pdf(docx: Path, pdf: Path, timeout: float = 300) -> Path:
    """Given a .docx, write its PDF to `pdf` (atomically) and return it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise MissingToolError(
            str(docx),
            "--pdf needs LibreOffice: install it (Debian/Ubuntu: apt-get install libreoffice-writer-nogui), or leave out --pdf",
        )
    with tempfile.TemporaryDirectory(prefix="actionplan-soffice-") as tmp:
        work = Path(tmp)
        profile = (work / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(docx),
        ]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(
                str(pdf),
                f"LibreOffice took longer than {timeout:.0f} s to convert {docx.name}: try again, or open the .docx and save as PDF",
            ) from None
        made = work / "out" / (docx.stem + ".pdf")
        if not made.exists() or made.stat().st_size == 0:
            said = (proc.stderr or proc.stdout).strip().splitlines()
            raise OutputError(
                str(pdf),
                f"LibreOffice did not produce a PDF ({said[-1] if said else 'no message'}): open the .docx and save it as PDF by hand",
            )
        return write_atomic(pdf, made.read_bytes())
