"""Labels and ids: the label a row prints, the id it gives, and one scheme that keeps ids unique in a revision."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.settings import Settings

_SUB_LETTER = re.compile(r"^(?P<main>\d+)(?P<letter>[a-z]{1,4})$")  # 3a, and 2ii from "2(ii)"
# A bare number this large is a year or an amount starting a wrapped line ("2030."), never a recommendation.
MAX_BARE_NUMBER = 1000


@dataclass(frozen=True)
class Label:
    """A recommendation label as printed and the id it gives."""

    printed: str
    id: str
    number: int | None
    parent: str | None
    rest: str


def parse_label(text: str, settings: Settings, label_column: bool = False) -> Label | None:
    """Given the start of a cell, return the label printed there ("R1.", "R 2.", "Rec 1", "1.", "6 - Title"), or None."""
    text = text.strip()
    patterns = settings.label_column_patterns if label_column else settings.label_patterns
    for pattern in patterns:
        m = pattern.match(text)
        if not m:
            continue
        num = m.group("num") + (m.groupdict().get("sub") or "")
        printed = m.group(0).strip()
        prefix = settings.id_prefix
        if num[0].isdigit():
            ident = f"{prefix}{num}"
            lettered = _SUB_LETTER.match(num)
            if lettered:
                number: int | None = int(lettered.group("main"))
                parent: str | None = f"{prefix}{lettered.group('main')}"
            else:
                parts = num.split(".")
                number = int(parts[0])
                parent = f"{prefix}{parts[0]}" if len(parts) > 1 else None
        else:
            ident, number, parent = num, None, None
        if number is not None and number >= MAX_BARE_NUMBER and not re.search(r"[A-Za-z]", printed):
            continue
        return Label(printed, ident, number, parent, text[m.end() :].strip())
    return None


def generated_id(recommendation: str) -> str:
    """Given a recommendation's text, return a stable id for a plan that prints none."""
    norm = " ".join(recommendation.lower().split())
    return "auto-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]


def unique_ids(ids: Sequence[str]) -> list[str]:
    """Given ids in reading order, return them with the second and later of each repeat given the next free
    suffix ("R2" twice -> "R2", "R2-2")."""
    taken = Counter(ids)
    seen: Counter[str] = Counter()
    out: list[str] = []
    used: set[str] = set()
    for ident in ids:
        seen[ident] += 1
        if seen[ident] == 1:
            out.append(ident)
            used.add(ident)
            continue
        n = seen[ident]
        while f"{ident}-{n}" in used or f"{ident}-{n}" in taken:
            n += 1
        out.append(f"{ident}-{n}")
        used.add(out[-1])
    return out
