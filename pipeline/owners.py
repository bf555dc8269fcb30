"""Owner names as printed -> canonical owner keys, and keys -> safe file-name slugs. Pure."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

SLUG_LENGTH = 80  # characters: long enough to tell owners apart, short enough for any file system
HASH_CHARS = 8
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


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


def fold(key: str) -> str:
    """Given an owner key, return the form two spellings of one owner share: "POLICY", "Policy" and the
    full-width "Ｐｏｌｉｃｙ" fold alike; "Policy Team" and "Policy-Team" do not (an alias joins those)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", key)).strip().casefold()


def unify_keys(keys_per_record: Sequence[Sequence[str]]) -> dict[str, str]:
    """Given every record's owner keys, return each spelling's canonical key: of the spellings that fold alike,
    the most used, preferring mixed case to capitals, then the first met."""
    seen: dict[str, dict[str, int]] = {}
    for keys in keys_per_record:
        for key in keys:
            counts = seen.setdefault(fold(key), {})
            counts[key] = counts.get(key, 0) + 1
    canonical: dict[str, str] = {}
    for counts in seen.values():
        order = list(counts)
        best = max(order, key=lambda k: (counts[k], not k.isupper(), -order.index(k)))
        canonical.update({k: best for k in order})
    return canonical


def slug(key: str) -> str:
    """Given an owner key, return a lower-case file-name-safe slug ("Performance and Risk" -> "performance-and-risk").

    Accents are dropped from Latin letters ("Café" -> "cafe"); other scripts keep their letters.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", key))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"[\W_]+", "-", bare.casefold()).strip("-")[:SLUG_LENGTH].strip("-") or "owner"


def owner_files(keys: Sequence[str]) -> dict[str, str]:
    """Given owner keys, return a file name for each, unique by construction: the slug, and a short stable hash
    of the key when two keys share a slug, or the slug is empty or a name Windows reserves (con, nul, com1...)."""
    slugs = {key: slug(key) for key in keys}
    shared = Counter(slugs.values())
    names: dict[str, str] = {}
    for key, base in slugs.items():
        if shared[base] > 1 or base == "owner" or base in _RESERVED:
            base = f"{base}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:HASH_CHARS]}"
        names[key] = f"{base}.xlsx"
    return names
