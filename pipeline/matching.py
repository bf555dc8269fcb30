"""matching: which record of one revision is which of the next, and what an owner workbook fingerprints. Pure.

Records are paired by id where their text agrees, then one-to-one by recommendation text (token-sort
ratio), so relabelled and renumbered plans still join.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from pipeline.records import Record

# Two recommendations are the same one when their text is at least this similar (0-100).
TEXT_MATCH = 85
# Under the same id, text this similar is the same recommendation reworded.
SAME_ID_MATCH = 60


def squash(text: str | None) -> str:
    """Given text, return it as compared: white space collapsed, and no space after a word-hyphen
    ("pre- market" = "pre-market": where a line broke is not a change)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    return re.sub(r"(?<=[A-Za-z])- (?=[a-z])", "-", text)


def _similarity(a: Record, b: Record) -> float:
    x, y = squash(a.recommendation).lower(), squash(b.recommendation).lower()
    if not x and not y:
        x, y = squash(a.proposed_actions).lower(), squash(b.proposed_actions).lower()
    if not x and not y:
        return 100.0
    return float(fuzz.token_sort_ratio(x, y))


def _split_or_merged(a: Record, b: Record) -> bool:
    """Whether b is an action of recommendation a (R3 -> R3.1) or the reverse: the same text, but a split or
    a merge, not one record renumbered."""
    return b.parent == a.id or a.parent == b.id


@dataclass(frozen=True)
class Match:
    """A record of the old revision paired with one of the new (either may be None), and how."""

    old: Record | None
    new: Record | None
    how: str  # "id", "text", "added", "removed"
    score: float


def match_records(old: Sequence[Record], new: Sequence[Record], threshold: float = TEXT_MATCH) -> list[Match]:
    """Given two revisions' records, pair them: by id where the text agrees, then one-to-one by text (never a
    recommendation with one of its own actions: that is a split or a merge)."""
    first_old: dict[str, int] = {}
    for i, r in enumerate(old):
        first_old.setdefault(r.id, i)
    matches: list[Match] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    seen_new: set[str] = set()
    for j, b in enumerate(new):
        if b.id in seen_new or b.id not in first_old:
            continue  # an id printed twice joins once, as its first copy
        seen_new.add(b.id)
        i = first_old[b.id]
        score = _similarity(old[i], b)
        if score >= SAME_ID_MATCH:
            matches.append(Match(old[i], b, "id", score))
            used_old.add(i)
            used_new.add(j)
    left = [i for i in range(len(old)) if i not in used_old]
    right = [j for j in range(len(new)) if j not in used_new]
    scored = sorted(
        ((_similarity(old[i], new[j]), i, j) for i in left for j in right), key=lambda t: (-t[0], t[1], t[2])
    )
    for score, i, j in scored:
        if score < threshold:
            break
        if i in used_old or j in used_new or _split_or_merged(old[i], new[j]):
            continue
        matches.append(Match(old[i], new[j], "text", score))
        used_old.add(i)
        used_new.add(j)
    matches += [Match(old[i], None, "removed", 0.0) for i in range(len(old)) if i not in used_old]
    matches += [Match(None, new[j], "added", 0.0) for j in range(len(new)) if j not in used_new]
    order = {id(r): k for k, r in enumerate(new)}
    return sorted(
        matches, key=lambda m: (order.get(id(m.new), len(new)) if m.new else len(new), m.old.id if m.old else "")
    )


def word_diff(old: str, new: str) -> str:
    """Given two texts, return a word-level diff: [-removed words-] {+added words+}."""
    a, b = squash(old).split(), squash(new).split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            words = a[i1:i2]
            out.append(" ".join(words) if len(words) <= 6 else f"{' '.join(words[:3])} … {' '.join(words[-3:])}")
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def context_fingerprint(values: Sequence[Any]) -> str:
    """Given a row's context (id, recommendation, actions, timescale, status, progress), return its fingerprint."""
    text = "\x1f".join(squash(str(v or "")) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def record_fingerprint(rec: Record, shown: Callable[[str], str] | None = None) -> str:
    """Given a record, return the fingerprint of the context an owner workbook shows for it: of the stored
    (full) texts, or with `shown`, of each text as a workbook cell holds it (cleaned, cut to fit)."""
    values = [rec.id, rec.recommendation, rec.proposed_actions, rec.timescale.text, rec.status.text, rec.progress]
    return context_fingerprint([shown(v or "") for v in values] if shown else values)


def signed_fingerprint(key: bytes, fingerprint: str, *bound: str) -> str:
    """Given the store's secret, a fingerprint and what it is bound to (plan, revision, owner, ID), return
    their HMAC-SHA256: only a holder of the secret can make one, so an edited marker sheet is found out."""
    message = "\x1f".join((fingerprint, *bound)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
