"""Office files are zip archives: their parts, sizes and macros are checked here before any XML parser reads one.

Returned workbooks (returns.py), the council's paper template (export/template.py) and Word plans
(word/) each bring their own limits and wording; the checks are these.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

BIG_PART = 2**20  # bytes: a part smaller than this may be as compressible as it likes


@dataclass(frozen=True)
class ArchiveLimits:
    """How much one archive may hold: parts, bytes once expanded, and how many times its compressed size a big
    part may expand."""

    parts: int
    expanded: int
    ratio: int = 200


def archive_parts(data: bytes) -> list[zipfile.ZipInfo] | None:
    """Given a file's bytes, return the parts its zip directory lists, or None when it is not a whole zip archive."""
    try:
        return zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None


def bomb_reason(parts: Iterable[zipfile.ZipInfo], limits: ArchiveLimits) -> str | None:
    """Given an archive's parts, return why it is refused as a possible zip bomb (words to follow the file's name),
    or None when it is within the limits."""
    listed = list(parts)
    if len(listed) > limits.parts:
        return f"holds {len(listed)} parts, far more than an Office file: refused as a possible zip bomb"
    total = sum(p.file_size for p in listed)
    if total > limits.expanded:
        return f"would expand to {total // 2**20} MB: refused as a possible zip bomb"
    for p in listed:
        if p.file_size > BIG_PART and p.file_size > limits.ratio * max(p.compress_size, 1):
            return f"part {p.filename} expands {p.file_size // max(p.compress_size, 1)}-fold: refused as a possible zip bomb"
    return None


def has_macros(names: Iterable[str]) -> bool:
    """Given an archive's part names, say whether it carries a macro project (vbaProject.bin)."""
    return any(n.lower().endswith("vbaproject.bin") for n in names)
