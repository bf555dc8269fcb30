"""Find the other recommendations a record points to ("See update to R17", "N/A see R4"). Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable

_REF = re.compile(
    r"(?<![A-Za-z0-9])(?:R\s?|Rec\.?\s*|[Rr]ecommendation\s+|[Rr]ecommendations\s+)(?P<num>\d+(?:\.\d+)?)"
    r"(?:(?P<letter>[a-z])(?![A-Za-z])|\((?P<sub>[a-z]{1,4})\))?(?![\d/])"
)


def find_cross_refs(own_id: str, texts: Iterable[str], id_prefix: str = "R") -> tuple[str, ...]:
    """Given a record's id and its texts, return the ids its text refers to, each once, in order."""
    found: list[str] = []
    for text in texts:
        for m in _REF.finditer(text or ""):
            ident = f"{id_prefix}{m['num']}{m['letter'] or m['sub'] or ''}"  # "1a" and "2(ii)" as labels give them
            if ident != own_id and ident not in found:
                found.append(ident)
    return tuple(found)
