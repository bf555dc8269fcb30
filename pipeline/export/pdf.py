"""Word -> PDF with LibreOffice headless: its own profile each run, and the PDF checked (soffice exits 0 on failure).

soffice runs in a process group of its own, so a conversion that hangs past the time limit is stopped
with every process it started (soffice.bin and its helpers), not just the launcher.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from pipeline.errors import OutputError, PipelineError
from pipeline.export.atomic import write_atomic

# LibreOffice's Writer PDF export with tagging on (PDF/UA structure: headings, tables, alternative text), as
# the public-sector accessibility regulations expect; the title and language come from the document.
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
PDF_TIMEOUT = 300.0  # seconds LibreOffice may take to convert the paper


class MissingToolError(PipelineError):
    """A system program the command needs is not installed."""


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process and everything it started (its process group; the process tree on Windows)."""
    try:
        if sys.platform == "win32":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        proc.kill()
    proc.wait()


def _start_in_own_group(command: list[str], output: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start a command in a new process group (a new session on POSIX), its output going to `output`."""
    if sys.platform == "win32":
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
        )
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=output, start_new_session=True)


def find_soffice() -> str | None:
    """LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, pdf: Path, timeout: float = PDF_TIMEOUT) -> Path:
    """Given a .docx, write its PDF to `pdf` (atomically) and return it; stop LibreOffice after `timeout` seconds."""
    soffice = find_soffice()
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
            TAGGED_PDF,
            "--outdir",
            str(work / "out"),
            str(docx),
        ]
        # Its output goes to a file, not a pipe: a helper left running cannot hold a pipe open and stall us.
        log = work / "soffice.log"
        with log.open("wb") as said_to:
            proc = _start_in_own_group(command, said_to)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                raise OutputError(
                    str(pdf),
                    f"LibreOffice took longer than {timeout:g} s to convert {docx.name} and was stopped: "
                    "try again with a longer --pdf-timeout, or open the .docx and save it as PDF",
                ) from None
            except BaseException:
                _kill_group(proc)
                raise
        made = work / "out" / (docx.stem + ".pdf")
        if not made.exists() or made.stat().st_size == 0:
            said = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise OutputError(
                str(pdf),
                f"LibreOffice did not produce a PDF ({said[-1] if said else 'no message'}): open the .docx and save it as PDF by hand",
            )
        return write_atomic(pdf, made.read_bytes())
