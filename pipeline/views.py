"""views: revisions -> named tables (pandas). Pure: the store hands in records, views join and flag them.

- `match_records`: which record of one revision is which of the next (by id, then by text).
- `diff_revisions`: what changed between two revisions, field by field.
- `lineages`: each recommendation followed through every revision, even when renumbered.
- `flags_frame`: the records of one revision with overdue, slipped, stale and ongoing flags.
- `history_frame`: one recommendation across every revision.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from rapidfuzz import fuzz

from pipeline.owners import fold
from pipeline.records import Change, Diff, Record, Revision, to_jsonable

# Two recommendations are the same one when their text is at least this similar (0-100).
TEXT_MATCH = 85
# Under the same id, text this similar is the same recommendation reworded.
SAME_ID_MATCH = 60
STATUS_ORDER = ("complete", "partly_complete", "in_progress", "not_started", "not_reported", "unknown")
_COMPARED = ("recommendation", "proposed_actions", "theme")


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


@dataclass(frozen=True)
class Match:
    """A record of the old revision paired with one of the new (either may be None), and how."""

    old: Record | None
    new: Record | None
    how: str  # "id", "text", "added", "removed"
    score: float


def match_records(old: Sequence[Record], new: Sequence[Record], threshold: float = TEXT_MATCH) -> list[Match]:
    """Given two revisions' records, pair them: by id where the text agrees, then one-to-one by text."""
    old_ids = pd.DataFrame({"id": [r.id for r in old], "old_pos": range(len(old))}).drop_duplicates("id")
    new_ids = pd.DataFrame({"id": [r.id for r in new], "new_pos": range(len(new))}).drop_duplicates("id")
    joined = old_ids.merge(new_ids, on="id", how="inner")
    matches: list[Match] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, row in joined.iterrows():
        a, b = old[int(row.old_pos)], new[int(row.new_pos)]
        score = _similarity(a, b)
        if score >= SAME_ID_MATCH:
            matches.append(Match(a, b, "id", score))
            used_old.add(int(row.old_pos))
            used_new.add(int(row.new_pos))
    left = [i for i in range(len(old)) if i not in used_old]
    right = [j for j in range(len(new)) if j not in used_new]
    scored = sorted(
        ((_similarity(old[i], new[j]), i, j) for i in left for j in right), key=lambda t: (-t[0], t[1], t[2])
    )
    for score, i, j in scored:
        if score < threshold:
            break
        if i in used_old or j in used_new:
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


def _days(a: str | None, b: str | None) -> int | None:
    if a and b:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days
    return None


def diff_revisions(
    old: Revision,
    new: Revision,
    old_records: Sequence[Record],
    new_records: Sequence[Record],
    original_ends: dict[str, str | None] | None = None,
) -> Diff:
    """Given two revisions and their records, return what changed (a column that appeared is said once)."""
    old_fields = {c.field for c in old.columns}
    new_fields = {c.field for c in new.columns}
    added_cols = tuple(f for f in dict.fromkeys(c.field for c in new.columns) if f not in old_fields and f != "extra")
    removed_cols = tuple(f for f in dict.fromkeys(c.field for c in old.columns) if f not in new_fields and f != "extra")
    both = old_fields & new_fields
    original_ends = original_ends or {}
    changes: list[Change] = []
    unchanged: list[str] = []
    for m in match_records(old_records, new_records):
        if m.new is None and m.old is not None:
            changes.append(Change(m.old.id, "removed", to_jsonable(m.old), None))
            continue
        if m.old is None and m.new is not None:
            changes.append(Change(m.new.id, "added", None, to_jsonable(m.new)))
            continue
        a, b = m.old, m.new
        assert a is not None and b is not None
        if a.id != b.id:
            changes.append(
                Change(
                    b.id, "renumbered", a.id, b.id, {"old_id": a.id, "score": round(m.score, 1), "matched_by": m.how}
                )
            )
        matched = {"matched_by": m.how} if m.how != "id" else {}
        for fld in _COMPARED:
            if (fld == "theme" or fld in both) and squash(getattr(a, fld)) != squash(getattr(b, fld)):
                changes.append(Change(b.id, fld, getattr(a, fld), getattr(b, fld), dict(matched)))
        if "status" in both and (a.status.value, a.status.rag) != (b.status.value, b.status.rag):
            changes.append(Change(b.id, "status", to_jsonable(a.status), to_jsonable(b.status), dict(matched)))
        if "timescale" in both and squash(a.timescale.text).lower() != squash(b.timescale.text).lower():
            detail: dict[str, Any] = {"days_slipped": _days(a.timescale.end, b.timescale.end), **matched}
            original = original_ends.get(b.id, a.timescale.end)
            detail["days_slipped_since_original"] = _days(original, b.timescale.end)
            detail["original_end"] = original
            changes.append(Change(b.id, "timescale", to_jsonable(a.timescale), to_jsonable(b.timescale), detail))
        if "owners" in both and _owner_set(a) != _owner_set(b):  # "POLICY" in one revision is "Policy" in another
            old_keys, new_keys = _owner_set(a), _owner_set(b)
            detail = {
                "owners_added": [k for k in b.owner_keys if fold(k) not in old_keys],
                "owners_removed": [k for k in a.owner_keys if fold(k) not in new_keys],
                **matched,
            }
            changes.append(Change(b.id, "owners", list(a.owner_keys), list(b.owner_keys), detail))
        if "progress" in both and squash(a.progress) != squash(b.progress):
            changes.append(
                Change(
                    b.id,
                    "progress",
                    a.progress,
                    b.progress,
                    {"word_diff": word_diff(a.progress, b.progress), **matched},
                )
            )
        elif "progress" in both and squash(b.progress) and b.status.value != "complete":
            unchanged.append(b.id)
    return Diff(old, new, added_cols, removed_cols, tuple(changes), tuple(unchanged))


def diff_to_jsonable(diff: Diff) -> dict[str, Any]:
    """Given a diff, return `{"old", "new", "columns_added", "columns_removed", "changes"}` as plain data."""
    return {
        "old": to_jsonable(diff.old),
        "new": to_jsonable(diff.new),
        "columns_added": list(diff.columns_added),
        "columns_removed": list(diff.columns_removed),
        "changes": [{"id": c.id, "change": c.change, "old": c.old, "new": c.new, **c.detail} for c in diff.changes],
        "unchanged_progress": list(diff.unchanged_progress),
    }


# ------------------------------------------------------------------ across revisions


def lineages(history: Sequence[tuple[Revision, Sequence[Record]]]) -> list[dict[str, Record]]:
    """Given revisions in order with their records, return each recommendation as {revision label: record}."""
    lines: list[dict[str, Record]] = []
    current: dict[int, int] = {}  # id(record in previous revision) -> lineage index
    previous: Sequence[Record] = ()
    for revision, recs in history:
        nxt: dict[int, int] = {}
        for m in match_records(previous, recs):
            if m.new is None:
                continue
            if m.old is not None and id(m.old) in current:
                k = current[id(m.old)]
            else:
                lines.append({})
                k = len(lines) - 1
            lines[k][revision.label] = m.new
            nxt[id(m.new)] = k
        current, previous = nxt, recs
    return lines


def status_counts(records: Sequence[Record]) -> dict[str, int]:
    """Given records, return how many have each status value, in a fixed order."""
    counts = {v: 0 for v in STATUS_ORDER}
    for r in records:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    return counts


def flags_frame(
    history: Sequence[tuple[Revision, Sequence[Record]]], as_of: date, stale_after: int = 2
) -> pd.DataFrame:
    """Given revisions up to the one wanted (last), return its records with their flags as of a date.

    overdue: the current timescale ended before `as_of` and the status is not complete (ongoing never is);
    slipped: the current end is later than the end first given; stale: the same progress text in the
    last `stale_after` revisions while not complete; changed_in: the revision where it last changed.
    """
    if not history:
        return pd.DataFrame()
    last_rev, last_records = history[-1]
    labels = [rev.label for rev, _ in history]
    by_record = {id(line[last_rev.label]): line for line in lineages(history) if last_rev.label in line}
    rows = []
    for rec in last_records:
        line = by_record.get(id(rec), {last_rev.label: rec})
        seen = [line[lab] for lab in labels if lab in line]
        ends = [r.timescale.end for r in seen if r.timescale.end]
        original_end = ends[0] if ends else None
        end = rec.timescale.end
        complete = rec.status.value == "complete"
        recent = [line[lab] for lab in labels[-stale_after:] if lab in line]
        progress_texts = {squash(r.progress) for r in recent}
        stale = (
            not complete
            and len(recent) == stale_after
            and stale_after > 1
            and len(progress_texts) == 1
            and all(lab in line for lab in labels[-stale_after:])
        )
        changed_in = labels[labels.index(next(lab for lab in labels if lab in line))]
        for prev_lab, lab in zip(labels, labels[1:]):
            if prev_lab in line and lab in line and _differs(line[prev_lab], line[lab]):
                changed_in = lab
        rows.append(
            {
                "id": rec.id,
                "theme": rec.theme,
                "recommendation": rec.recommendation,
                "proposed_actions": rec.proposed_actions,
                "owners": list(rec.owners),
                "owner_keys": list(rec.owner_keys),
                "timescale": rec.timescale.text,
                "start": rec.timescale.start,
                "due": end,
                "rule": rec.timescale.rule,
                "status": rec.status.text,
                "status_value": rec.status.value,
                "rag": rec.status.rag,
                "progress": rec.progress,
                "cross_refs": list(rec.cross_refs),
                "pages": list(rec.pages),
                "original_due": original_end,
                "overdue": bool(end and date.fromisoformat(end) < as_of and not complete and not rec.timescale.ongoing),
                "slipped": bool(end and original_end and end > original_end),
                "stale": bool(stale),
                "ongoing": rec.timescale.ongoing,
                "changed_in": changed_in,
                "fingerprint": record_fingerprint(rec),
            }
        )
    return pd.DataFrame(rows, dtype=object)


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


def _owner_set(rec: Record) -> set[str]:
    return {fold(k) for k in rec.owner_keys}


def _differs(a: Record, b: Record) -> bool:
    return (
        squash(a.progress) != squash(b.progress)
        or (a.status.value, a.status.rag) != (b.status.value, b.status.rag)
        or squash(a.timescale.text) != squash(b.timescale.text)
        or _owner_set(a) != _owner_set(b)
        or squash(a.proposed_actions) != squash(b.proposed_actions)
        or squash(a.recommendation) != squash(b.recommendation)
    )


def history_frame(history: Sequence[tuple[Revision, Sequence[Record]]], ident: str) -> pd.DataFrame:
    """Given every revision with its records and an id, return that recommendation in each revision."""
    chosen = None
    for line in lineages(history):
        if any(r.id == ident for r in line.values()):
            chosen = line
    if chosen is None:
        return pd.DataFrame()
    rows = []
    first_end = None
    for rev, _ in history:
        rec = chosen.get(rev.label)
        if rec is None:
            continue
        first_end = first_end or rec.timescale.end
        rows.append(
            {
                "revision": rev.label,
                "as_of": rev.as_of,
                "kind": rev.kind,
                "id": rec.id,
                "status": rec.status.text,
                "status_value": rec.status.value,
                "timescale": rec.timescale.text,
                "due": rec.timescale.end,
                "original_due": first_end,
                "reason": rec.extra.get("Reason for new timescale", ""),
                "owners": "; ".join(rec.owner_keys),
                "progress": rec.progress,
            }
        )
    return pd.DataFrame(rows, dtype=object)


def status_by_theme(frame: pd.DataFrame) -> pd.DataFrame:
    """Given a flags frame, return counts of each status value (columns) by theme (rows), with totals."""
    if frame.empty:
        return pd.DataFrame(columns=list(STATUS_ORDER))
    themes = frame["theme"].fillna("(no theme)").astype(str)
    table = pd.crosstab(pd.Categorical(themes, categories=list(dict.fromkeys(themes))), frame["status_value"])
    table = table.reindex(columns=list(STATUS_ORDER), fill_value=0)
    table.index.name = "theme"
    table.loc["Total"] = table.sum()
    return table.astype(int)


def owner_frame(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Given a flags frame and an owner key, return the records that owner holds."""
    if frame.empty:
        return frame
    return frame[frame["owner_keys"].apply(lambda keys: key in keys)].reset_index(drop=True)


def owner_keys_of(frame: pd.DataFrame) -> list[str]:
    """Given a flags frame, return every owner key, in order of first appearance."""
    seen: dict[str, None] = {}
    for keys in frame.get("owner_keys", []):
        for key in keys:
            seen.setdefault(key, None)
    return list(seen)
