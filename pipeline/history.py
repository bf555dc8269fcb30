"""history: a plan's revisions -> what the read side shows. Pure: no pandas, no SQL.

`build_history` follows each recommendation through the revisions once (its lineage); the rest are pure
functions of the `History` it returns:

- `diff`: what changed between two of its revisions, as typed changes (see `pipeline.records.changes`).
- `flags`: the records of its last revision with overdue, slipped, stale and last-changed flags.
- `record_history`: one recommendation in every revision, with the reason given when its timescale moved.
- `previous`, `first_ends`, `status_counts`, `status_by_theme`, `owner_keys_of`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pipeline.matching import match_records, record_fingerprint, squash, word_diff
from pipeline.owners import fold
from pipeline.records import (
    Added,
    Change,
    Diff,
    Flagged,
    History,
    HistoryRow,
    Merged,
    OwnersChanged,
    Plan,
    ProgressChanged,
    Record,
    Removed,
    Renumbered,
    Revision,
    Split,
    StatusChanged,
    TextChanged,
    ThemeCounts,
    TimescaleChanged,
    to_jsonable,
)
from pipeline.statuses import VALUES

STALE_AFTER = 2  # revisions: the same progress text this many times running is stale
REASON_COLUMN = "Reason for new timescale"  # a plan's own column for it, when it prints one
_COMPARED = ("recommendation", "proposed_actions", "theme")


def build_history(plan: Plan, entries: Sequence[tuple[Revision, Sequence[Record]]]) -> History:
    """Given a plan's revisions in order with their records, return its history with every lineage found."""
    lines: list[dict[str, Record]] = []
    current: dict[int, int] = {}  # id(record in the revision before) -> lineage index
    previous_records: Sequence[Record] = ()
    for revision, recs in entries:
        nxt: dict[int, int] = {}
        for m in match_records(previous_records, recs):
            if m.new is None:
                continue
            if m.old is not None and id(m.old) in current:
                k = current[id(m.old)]
            else:
                lines.append({})
                k = len(lines) - 1
            lines[k][revision.label] = m.new
            nxt[id(m.new)] = k
        current, previous_records = nxt, recs
    return History(plan, tuple(r for r, _ in entries), tuple(tuple(recs) for _, recs in entries), tuple(lines))


def previous(history: History, revision: Revision) -> Revision | None:
    """Given a revision of the history, return the one before it (None for the first)."""
    ids = [r.id for r in history.revisions]
    index = ids.index(revision.id)
    return history.revisions[index - 1] if index else None


def first_ends(history: History, revision: Revision) -> dict[str, str | None]:
    """Given a revision of the history, return for each of its record ids the end date first given for that
    recommendation in any revision up to it (its lineage's first end)."""
    labels = [r.label for r in history.revisions[: [r.id for r in history.revisions].index(revision.id) + 1]]
    out: dict[str, str | None] = {}
    for line in history.lineages:
        if revision.label in line:
            ends = [line[lab].timescale.end for lab in labels if lab in line and line[lab].timescale.end]
            out[line[revision.label].id] = ends[0] if ends else None
    return out


def diff(history: History, old: Revision, new: Revision) -> Diff:
    """Given two revisions of the history, return what changed from the old to the new (slippage measured
    both from the revision before and from the end first given)."""
    return diff_revisions(old, new, history.records_of(old), history.records_of(new), first_ends(history, new))


def diff_revisions(
    old: Revision,
    new: Revision,
    old_records: Sequence[Record],
    new_records: Sequence[Record],
    original_ends: Mapping[str, str | None] | None = None,
) -> Diff:
    """Given two revisions and their records, return what changed (a column that appeared is said once)."""
    old_fields = {c.field for c in old.columns}
    new_fields = {c.field for c in new.columns}
    added_cols = tuple(f for f in dict.fromkeys(c.field for c in new.columns) if f not in old_fields and f != "extra")
    removed_cols = tuple(f for f in dict.fromkeys(c.field for c in old.columns) if f not in new_fields and f != "extra")
    both = old_fields & new_fields
    ends = original_ends or {}
    changes: list[Change] = []
    unchanged: list[str] = []
    for m in match_records(old_records, new_records):
        if m.new is None and m.old is not None:
            changes.append(Removed(m.old.id, m.old))
        elif m.old is None and m.new is not None:
            changes.append(Added(m.new.id, m.new))
        elif m.old is not None and m.new is not None:
            a, b = m.old, m.new
            if a.id != b.id:
                changes.append(Renumbered(b.id, a.id, round(m.score, 1), m.how))
            changes += _pair_changes(a, b, m.how, both, ends.get(b.id, a.timescale.end))
            same = squash(a.progress) == squash(b.progress)
            if "progress" in both and same and squash(b.progress) and b.status.value != "complete":
                unchanged.append(b.id)
    return Diff(old, new, added_cols, removed_cols, tuple(_splits_and_merges(changes)), tuple(unchanged))


def _pair_changes(a: Record, b: Record, how: str, both: set[str], original: str | None) -> list[Change]:
    """Given one record in the old revision and the one paired with it in the new, how they were paired,
    the fields both revisions print and the end first given, return what changed in the fields both print."""
    changes: list[Change] = []
    for fld in _COMPARED:
        if (fld == "theme" or fld in both) and squash(getattr(a, fld)) != squash(getattr(b, fld)):
            changes.append(TextChanged(b.id, fld, getattr(a, fld), getattr(b, fld), how))  # type: ignore[arg-type]
    if "status" in both and (a.status.value, a.status.rag) != (b.status.value, b.status.rag):
        changes.append(StatusChanged(b.id, a.status, b.status, how))
    if "timescale" in both and squash(a.timescale.text).lower() != squash(b.timescale.text).lower():
        moved = _days(a.timescale.end, b.timescale.end)
        since = _days(original, b.timescale.end)
        changes.append(TimescaleChanged(b.id, a.timescale, b.timescale, moved, since, original, how))
    if "owners" in both and _owner_set(a) != _owner_set(b):  # "POLICY" in one revision is "Policy" in another
        old_keys, new_keys = _owner_set(a), _owner_set(b)
        added = tuple(k for k in b.owner_keys if fold(k) not in old_keys)
        removed = tuple(k for k in a.owner_keys if fold(k) not in new_keys)
        changes.append(OwnersChanged(b.id, a.owner_keys, b.owner_keys, added, removed, how))
    if "progress" in both and squash(a.progress) != squash(b.progress):
        changes.append(ProgressChanged(b.id, a.progress, b.progress, word_diff(a.progress, b.progress), how))
    return changes


def _splits_and_merges(changes: list[Change]) -> list[Change]:
    """Given a diff's changes, return them with a removed recommendation whose added action rows name it as
    their parent (R3 -> R3.1, R3.2) said as one split, and the reverse as one merge."""
    removed = {c.id: c for c in changes if isinstance(c, Removed)}
    added = [c for c in changes if isinstance(c, Added)]
    children: dict[str, list[str]] = {}  # removed id -> the added action rows naming it as parent
    for new_row in added:
        if new_row.record.parent and new_row.record.parent in removed:
            children.setdefault(new_row.record.parent, []).append(new_row.id)
    added_ids = {c.id for c in added}
    gone: dict[str, list[str]] = {}  # added id -> the removed action rows that named it as parent
    for old_row in removed.values():
        if old_row.record.parent and old_row.record.parent in added_ids:
            gone.setdefault(old_row.record.parent, []).append(old_row.id)
    out: list[Change] = []
    folded: set[str] = set()
    for change in changes:
        if isinstance(change, Removed) and change.id in children:
            out.append(Split(change.id, tuple(children[change.id])))
            folded.update(children[change.id])
        elif isinstance(change, Added) and change.id in gone:
            out.append(Merged(change.id, tuple(gone[change.id])))
            folded.update(gone[change.id])
        else:
            out.append(change)
    return [c for c in out if not (isinstance(c, (Added, Removed)) and c.id in folded)]


def _days(a: str | None, b: str | None) -> int | None:
    if a and b:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days
    return None


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


def flags(history: History, as_of: date, stale_after: int = STALE_AFTER) -> tuple[Flagged, ...]:
    """Given a history (its last revision the one wanted) and a date, return that revision's records flagged."""
    if not history.revisions:
        return ()
    last = history.last
    labels = [rev.label for rev in history.revisions]
    by_record = {id(line[last.label]): line for line in history.lineages if last.label in line}
    out = []
    for rec in history.records[-1]:
        line = by_record.get(id(rec), {last.label: rec})
        seen = [line[lab] for lab in labels if lab in line]
        ends = [r.timescale.end for r in seen if r.timescale.end]
        original_end = ends[0] if ends else None
        end = rec.timescale.end
        complete = rec.status.value == "complete"
        recent = labels[-stale_after:]
        stale = (
            not complete
            and stale_after > 1
            and len(labels) >= stale_after
            and all(lab in line for lab in recent)
            and len({squash(line[lab].progress) for lab in recent}) == 1
        )
        unchanged_for = _unchanged_for(line, labels) if not complete else 0
        changed_in = next(lab for lab in labels if lab in line)
        for prev_lab, lab in zip(labels, labels[1:], strict=False):
            if prev_lab in line and lab in line and _differs(line[prev_lab], line[lab]):
                changed_in = lab
        out.append(
            Flagged(
                record=rec,
                original_due=original_end,
                overdue=bool(end and date.fromisoformat(end) < as_of and not complete and not rec.timescale.ongoing),
                slipped=bool(end and original_end and end > original_end),
                stale=stale,
                changed_in=changed_in,
                fingerprint=record_fingerprint(rec),
                unchanged_for=unchanged_for,
            )
        )
    return tuple(out)


def _unchanged_for(line: Mapping[str, Record], labels: Sequence[str]) -> int:
    """Given a record's lineage and the revisions in order, return how many reports in a row (counting back
    from the last) brought no new progress text; a record with no progress text at all counts none."""
    texts = [squash(line[lab].progress) if lab in line else None for lab in labels]
    last = texts[-1]
    if not last:
        return 0
    n = 0
    for before in reversed(texts[:-1]):
        if before != last:
            break
        n += 1
    return n


def record_history(history: History, ident: str) -> tuple[HistoryRow, ...]:
    """Given a history and a record id, return that recommendation in each revision it stands in (its latest
    lineage with that id), with the end first given and the reason for each new timescale."""
    chosen = None
    for line in history.lineages:
        if any(r.id == ident for r in line.values()):
            chosen = line
    if chosen is None:
        return ()
    rows = []
    first_end = None
    earlier: Record | None = None
    for rev in history.revisions:
        rec = chosen.get(rev.label)
        if rec is None:
            continue
        first_end = first_end or rec.timescale.end
        moved = earlier is not None and squash(earlier.timescale.text) != squash(rec.timescale.text)
        rows.append(HistoryRow(rev, rec, first_end, timescale_reason(rec) if moved or earlier is None else ""))
        earlier = rec
    return tuple(rows)


def timescale_reason(rec: Record) -> str:
    """Given a record, return the reason given for its current timescale: the latest owner update that set
    the timescale with a reason (collected from a workbook), else a column of the plan's own for it."""
    for update in reversed(rec.updates):
        if update.timescale and update.reason:
            return update.reason
    return rec.extra.get(REASON_COLUMN, "")


def status_counts(records: Sequence[Record]) -> dict[str, int]:
    """Given records, return how many have each status value, in the vocabulary's order."""
    counts = dict.fromkeys(VALUES, 0)
    for r in records:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    return counts


def status_by_theme(flagged: Sequence[Flagged]) -> tuple[ThemeCounts, ...]:
    """Given flagged records, return how many stand at each status value by theme (themes in order), then
    the total."""
    by_theme: dict[str, dict[str, int]] = {}
    for f in flagged:
        counts = by_theme.setdefault(f.theme or "(no theme)", dict.fromkeys(VALUES, 0))
        counts[f.status_value] = counts.get(f.status_value, 0) + 1
    total = dict.fromkeys(VALUES, 0)
    for counts in by_theme.values():
        for value, n in counts.items():
            total[value] += n
    return (*(ThemeCounts(theme, counts) for theme, counts in by_theme.items()), ThemeCounts("Total", total))


def under_parents(flagged: Sequence[Flagged]) -> tuple[Flagged, ...]:
    """Given flagged records in plan order, return them with the actions of each recommendation (R3.1, R3.2,
    parent R3) listed together where its first action stands, in their own order; the rest stay put."""
    groups: dict[str, list[Flagged]] = {}
    order: list[Flagged | str] = []
    for f in flagged:
        if f.parent is None:
            order.append(f)
            continue
        if f.parent not in groups:
            groups[f.parent] = []
            order.append(f.parent)
        groups[f.parent].append(f)
    return tuple(g for item in order for g in (groups[item] if isinstance(item, str) else [item]))


def owner_keys_of(flagged: Sequence[Flagged]) -> list[str]:
    """Given flagged records, return every owner key in order of first appearance."""
    return list(dict.fromkeys(k for f in flagged for k in f.owner_keys))


def held_by(flagged: Sequence[Flagged], key: str) -> tuple[Flagged, ...]:
    """Given flagged records and an owner key, return the records that owner holds."""
    return tuple(f for f in flagged if key in f.owner_keys)


def history_to_jsonable(rows: Sequence[HistoryRow]) -> list[dict[str, Any]]:
    """Given one recommendation's history, return it as plain data, one dict a revision."""
    return [
        {
            "revision": row.revision.label,
            "as_of": row.revision.as_of,
            "kind": row.revision.kind,
            "id": row.record.id,
            "status": row.record.status.text,
            "status_value": row.record.status.value,
            "timescale": row.record.timescale.text,
            "due": row.record.timescale.end,
            "original_due": row.original_due,
            "reason": row.reason,
            "owners": "; ".join(row.record.owner_keys),
            "progress": row.record.progress,
        }
        for row in rows
    ]


def diff_to_jsonable(found: Diff) -> dict[str, Any]:
    """Given a diff, return `{"old", "new", "columns_added", "columns_removed", "changes", "unchanged_progress"}`
    as plain data: each change as {"id", "change", "old", "new", ...its detail}."""
    return {
        "old": to_jsonable(found.old),
        "new": to_jsonable(found.new),
        "columns_added": list(found.columns_added),
        "columns_removed": list(found.columns_removed),
        "changes": [change_to_jsonable(c) for c in found.changes],
        "unchanged_progress": list(found.unchanged_progress),
    }


def change_to_jsonable(c: Change) -> dict[str, Any]:
    """Given a change, return it as plain data: {"id", "change", "old", "new", ...its detail}."""
    if isinstance(c, Added):
        old, new = None, to_jsonable(c.record)
    elif isinstance(c, Removed):
        old, new = to_jsonable(c.record), None
    elif isinstance(c, Renumbered):
        old, new = c.old_id, c.id
    elif isinstance(c, Split):
        old, new = c.id, list(c.new_ids)
    elif isinstance(c, Merged):
        old, new = list(c.old_ids), c.id
    else:
        old, new = to_jsonable(c.old), to_jsonable(c.new)
    return {"id": c.id, "change": c.change, "old": old, "new": new, **c.detail}
