"""Write outputs so a failure never leaves a half-written file behind, and only ever over a regular file."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from pipeline.errors import OutputError

_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_target(path: str | Path) -> Path:
    """Given an output path, return it if it is a regular file or a new path; else raise OutputError.

    A symbolic link, folder, device or pipe is never replaced: renaming a file over it would
    silently swap a link for a copy, or a device such as /dev/full for a regular file.
    """
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # a new path (or one we cannot look at: writing it will say why)
        return path
    if stat.S_ISREG(mode):
        return path
    kind = next((words for test, words in _KINDS if test(mode)), "not a regular file")
    raise OutputError(
        str(path), f"is {kind}, not a regular file: refused, nothing was replaced; write to a new file name"
    )


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Given a path and content, write it to a temporary file beside it and rename it into place."""
    path = check_target(path)
    advice = "check the folder exists, can be written to and has space, or write somewhere else"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(str(path), f"cannot write here ({error.strerror}): {advice}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        # mkstemp makes the file private (0600); outputs get the permissions any new file would.
        os.chmod(tmp, 0o666 & ~_umask())
        check_target(path)  # made a link or device while we wrote? still refuse
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(str(path), f"cannot write here ({error.strerror}): {advice}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
