"""Plain-text tables and reports for the terminal: issues, revisions, diffs, history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.export.recordfile import rows_to_csv
from pipeline.records import Diff, Issue, Revision

_ORDER = {"error": 0, "warning": 1, "info": 2}


def issues_to_table(issues: Sequence[Issue]) -> str:
    """Given issues, return them as an aligned text table, errors first."""
    rows = [("SEVERITY", "RECORD", "FIELD", "MESSAGE")]
    for i in sorted(issues, key=lambda i: _ORDER[i.severity]):
        rows.append((i.severity, i.record or "-", i.field or "-", i.message))
    return _table(rows)


def _table(rows: Sequence[Sequence[str]]) -> str:
    """Given rows of cells (the first a header), return them aligned, the last column left ragged."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(f"{cell:<{w}}" for cell, w in zip(r, widths)) + "  " + r[-1])
    return "\n".join(line.rstrip() for line in lines) + "\n"


STATUS_WORDS = {
    "complete": "complete",
    "partly_complete": "partly complete",
    "in_progress": "in progress",
    "not_started": "not started",
    "not_reported": "not reported",
    "unknown": "unknown",
}


def counts_to_text(counts: dict[str, int]) -> str:
    """Given status counts, return them as words ("4 complete, 17 in progress")."""
    return ", ".join(f"{n} {STATUS_WORDS.get(v, v)}" for v, n in counts.items() if n)


def revisions_to_table(rows: Sequence[tuple[Revision, dict[str, int]]]) -> str:
    """Given revisions in order with their status counts, return a table."""
    out = [("REVISION", "AS OF", "KIND", "SOURCE", "RECORDS", "STATUSES")]
    for rev, counts in rows:
        kind = rev.kind + (" (draft)" if rev.draft else "")
        out.append((rev.label, rev.as_of or "-", kind, rev.source, str(sum(counts.values())), counts_to_text(counts)))
    return _table(out)


def _status_words(value: Any) -> str:
    if isinstance(value, dict):
        text = value.get("text") or "(empty)"
        return f"{text} [{STATUS_WORDS.get(value.get('value', ''), value.get('value'))}]"
    return str(value)


def diff_to_text(diff: Diff) -> str:
    """Given a diff, return it grouped for a terminal: status, slipped, progress, owners, other, added, removed."""
    lines = [
        f"Changes in plan {diff.old.plan!r} from {diff.old.label} ({diff.old.source}) to {diff.new.label} ({diff.new.source})"
    ]
    if diff.columns_added:
        lines.append(f"Columns added: {', '.join(diff.columns_added)}")
    if diff.columns_removed:
        lines.append(f"Columns removed: {', '.join(diff.columns_removed)}")
    groups: list[tuple[str, list[str]]] = [
        (
            "Status changes",
            [
                f"  {c.id}: {_status_words(c.old)} -> {_status_words(c.new)}"
                for c in diff.changes
                if c.change == "status"
            ],
        ),
        (
            "Timescales",
            [_timescale_line(c.id, c.old, c.new, c.detail) for c in diff.changes if c.change == "timescale"],
        ),
        ("Owners", [f"  {c.id}: " + _owner_words(c.detail) for c in diff.changes if c.change == "owners"]),
        (
            "New progress",
            [f"  {c.id}: {c.detail.get('word_diff', '')}" for c in diff.changes if c.change == "progress"],
        ),
        (
            "Unchanged progress (not complete)",
            [f"  {', '.join(diff.unchanged_progress)}"] if diff.unchanged_progress else [],
        ),
        (
            "Renumbered",
            [
                f"  {c.detail['old_id']} is now {c.id} (text match {c.detail['score']})"
                for c in diff.changes
                if c.change == "renumbered"
            ],
        ),
        (
            "Text changes",
            [
                f"  {c.id}: {c.change.replace('_', ' ')} changed"
                for c in diff.changes
                if c.change in ("recommendation", "proposed_actions", "theme")
            ],
        ),
        (
            "Added",
            [f"  {c.id}: {str(c.new.get('recommendation', ''))[:90]}" for c in diff.changes if c.change == "added"],
        ),
        (
            "Removed",
            [f"  {c.id}: {str(c.old.get('recommendation', ''))[:90]}" for c in diff.changes if c.change == "removed"],
        ),
    ]
    for title, items in groups:
        if items:
            lines.append(f"{title}:")
            lines.extend(items)
    if not diff.changes and not diff.columns_added and not diff.columns_removed:
        lines.append("No changes.")
    return "\n".join(lines) + "\n"


def _timescale_line(ident: str, old: Any, new: Any, detail: dict[str, Any]) -> str:
    days = detail.get("days_slipped")
    since = detail.get("days_slipped_since_original")
    text = f"  {ident}: {old.get('text') or '(empty)'} -> {new.get('text') or '(empty)'}"
    if days:
        text += f" ({'slipped' if days > 0 else 'brought forward'} {abs(days)} days"
        if since is not None and since != days:
            text += f"; {since} days since the original {detail.get('original_end')}"
        text += ")"
    return text


def _owner_words(detail: dict[str, Any]) -> str:
    parts = []
    if detail.get("owners_added"):
        parts.append("added " + ", ".join(detail["owners_added"]))
    if detail.get("owners_removed"):
        parts.append("removed " + ", ".join(detail["owners_removed"]))
    return "; ".join(parts)


def diff_to_csv(diff: Diff) -> str:
    """Given a diff, return one CSV row per change (objects as JSON), cells defused as in `rows_to_csv`."""
    rows: list[list[str]] = []
    for label in diff.columns_added:
        rows.append([diff.old.label, diff.new.label, "", "column_added", "", label, ""])
    for label in diff.columns_removed:
        rows.append([diff.old.label, diff.new.label, "", "column_removed", label, "", ""])
    for c in diff.changes:
        cells = [
            json.dumps(v, ensure_ascii=False) if not isinstance(v, str) and v is not None else (v or "")
            for v in (c.old, c.new)
        ]
        detail = json.dumps(c.detail, ensure_ascii=False) if c.detail else ""
        rows.append([diff.old.label, diff.new.label, c.id, c.change, *cells, detail])
    return rows_to_csv(["old_revision", "new_revision", "id", "change", "old", "new", "detail"], rows)


def history_to_table(frame: pd.DataFrame) -> str:
    """Given one recommendation's history, return a table, one revision a row."""
    rows = [("REVISION", "AS OF", "ID", "STATUS", "TIMESCALE", "DUE", "ORIGINAL DUE", "OWNERS", "PROGRESS")]
    for r in frame.itertuples():
        progress = str(r.progress).replace("\n", " ")
        rows.append(
            (
                r.revision,
                r.as_of or "-",
                r.id,
                r.status or "(empty)",
                r.timescale or "(empty)",
                r.due or "-",
                r.original_due or "-",
                r.owners,
                progress[:80] + ("…" if len(progress) > 80 else ""),
            )
        )
    return _table(rows)
