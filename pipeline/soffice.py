"""LibreOffice headless, run one way for every conversion: the paper's .docx to PDF (export/pdf.py) and a .doc,
.odt or .rtf plan to .docx (word/).

Each run has a profile of its own (two conversions at once would otherwise fight over the user's), runs in a
process group of its own so a conversion that hangs past its time limit is stopped with every process it
started (soffice.bin and its helpers), and is judged by the file it leaves: soffice exits 0 on failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PACKAGE = "libreoffice-writer-nogui"  # Debian's package with Writer and no desktop


def find_soffice() -> str | None:
    """LibreOffice's command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@dataclass(frozen=True)
class Conversion:
    """What one LibreOffice run left: the file it wrote (None when it wrote nothing), the last line it printed,
    and whether it was stopped at its time limit."""

    made: Path | None
    said: str
    timed_out: bool = False


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process and everything it started (its process group; the process tree on Windows)."""
    try:
        if sys.platform == "win32":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        proc.kill()
    proc.wait()


def start_in_own_group(command: list[str], output: IO[bytes]) -> subprocess.Popen[bytes]:
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


def convert_with_soffice(soffice: str, source: Path, *, target: str, work: Path, timeout: float) -> Conversion:
    """Given LibreOffice's command, a file and a --convert-to target ("docx", or "pdf:writer_pdf_Export:{...}"),
    convert it inside the folder `work` (its profile, log and output go there) and return what was made;
    LibreOffice is stopped, with its helpers, after `timeout` seconds."""
    out_dir = work / "out"
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        str(source),
    ]
    # Its output goes to a file, not a pipe: a helper left running cannot hold a pipe open and stall us.
    log = work / "soffice.log"
    with log.open("wb") as said_to:
        proc = start_in_own_group(command, said_to)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            return Conversion(None, "", timed_out=True)
        except BaseException:
            kill_group(proc)
            raise
    made = out_dir / f"{source.stem}.{target.split(':', 1)[0]}"
    lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    said = lines[-1] if lines else ""
    if not made.exists() or made.stat().st_size == 0:
        return Conversion(None, said)
    return Conversion(made, said)
