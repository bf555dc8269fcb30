"""Owner names as printed -> canonical owner keys, and keys -> safe file-name slugs. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip(" .;:,")


def owner_key(name: str, aliases: Mapping[str, str], prefixes: Sequence[str] = ()) -> str:
    """Given an owner as printed, return its canonical key through the alias table (case-insensitive)."""
    clean = _norm(name)
    table = {_norm(k).lower(): v for k, v in aliases.items()}
    if clean.lower() in table:
        return table[clean.lower()]
    for prefix in prefixes:
        if clean.lower().startswith(prefix.lower() + " ") and len(clean) > len(prefix) + 1:
            stripped = clean[len(prefix) + 1 :].strip()
            return table.get(stripped.lower(), stripped[0].upper() + stripped[1:])
    return clean[0].upper() + clean[1:] if clean else clean


def owner_keys(names: Sequence[str], aliases: Mapping[str, str], prefixes: Sequence[str] = ()) -> tuple[str, ...]:
    """Given a record's owners as printed, return their keys, each once, in printed order."""
    return tuple(dict.fromkeys(owner_key(n, aliases, prefixes) for n in names if _norm(n)))


def slug(key: str) -> str:
    """Given an owner key, return a lower-case file-name-safe slug ("Performance and Risk" -> "performance-and-risk")."""
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "owner"
