"""Plain-text tables and reports for the terminal: issues, revisions, diffs, history."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pipeline import words
from pipeline.export.recordfile import rows_to_csv
from pipeline.history import change_to_jsonable
from pipeline.records import (
    Added,
    Change,
    Diff,
    HistoryRow,
    Issue,
    Merged,
    OwnersChanged,
    ProgressChanged,
    Removed,
    Renumbered,
    Revision,
    Split,
    Status,
    StatusChanged,
    TextChanged,
    Timescale,
    TimescaleChanged,
)
from pipeline.statuses import STATUS_WORDS

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
        lines.append("  ".join(f"{cell:<{w}}" for cell, w in zip(r, widths, strict=False)) + "  " + r[-1])
    return "\n".join(line.rstrip() for line in lines) + "\n"


def counts_to_text(counts: dict[str, int]) -> str:
    """Given status counts, return them as words ("4 complete, 17 in progress")."""
    return ", ".join(f"{n} {STATUS_WORDS.get(v, v)}" for v, n in counts.items() if n)


def revisions_to_table(rows: Sequence[tuple[Revision, dict[str, int]]]) -> str:
    """Given revisions in order with their status counts, return a table."""
    out = [("REVISION", "REVISION DATE", "KIND", "SOURCE", "RECORDS", "STATUSES")]
    for rev, counts in rows:
        kind = rev.kind + (" (draft)" if rev.draft else "")
        out.append((rev.label, rev.as_of or "-", kind, rev.source, str(sum(counts.values())), counts_to_text(counts)))
    return _table(out)


def status_words(status: Status) -> str:
    """Given a status, return it as printed with its value in words ("Delivered [complete]")."""
    return f"{status.text or '(empty)'} [{STATUS_WORDS.get(status.value, status.value)}]"


def timescale_words(timescale: Timescale) -> str:
    """Given a timescale, return it as printed with the end read from it ("March 2016 (due 2016-03-31)")."""
    return f"{timescale.text or '(empty)'} (due {timescale.end or 'not set'})"


def change_sides(c: Change, limit: int = 500) -> tuple[str, str]:
    """Given a change, return its old and new sides in words (a record by its recommendation, cut to `limit`)."""
    if isinstance(c, Added):
        return "", c.record.recommendation[:limit]
    if isinstance(c, Removed):
        return c.record.recommendation[:limit], ""
    if isinstance(c, Renumbered):
        return c.old_id, c.id
    if isinstance(c, Split):
        return c.id, ", ".join(c.new_ids)
    if isinstance(c, Merged):
        return ", ".join(c.old_ids), c.id
    if isinstance(c, StatusChanged):
        return status_words(c.old), status_words(c.new)
    if isinstance(c, TimescaleChanged):
        return timescale_words(c.old), timescale_words(c.new)
    if isinstance(c, OwnersChanged):
        return "; ".join(c.old), "; ".join(c.new)
    return c.old or "", c.new or ""


def change_detail(c: Change) -> str:
    """Given a change, return its detail in words ("days slipped: 61; matched by: text")."""
    return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in c.detail.items() if v not in (None, [], ""))


def sentence_case(text: str) -> str:
    """Given words, return them with the first letter a capital ("in progress" -> "In progress")."""
    return text[:1].upper() + text[1:]


def status_word(value: str) -> str:
    """Given a status value ("in_progress"), return its word in sentence case ("In progress")."""
    return sentence_case(STATUS_WORDS.get(value, value.replace("_", " ")))


def _timescale_sentence(c: TimescaleChanged) -> str:
    from pipeline.meta import long_date

    text = f"Timescale: {words.timescale_words(c.old)} → {words.timescale_words(c.new)}"
    said = [f"now due {long_date(c.new.end)}"] if c.new.end else ["no date can be read from it"]
    if c.days_slipped:
        said.append(words.days_words(c.days_slipped))
    since = c.days_slipped_since_original
    if since and since != c.days_slipped and c.original_end:
        said.append(f"{words.days_words(since)} than first planned ({long_date(c.original_end)})")
    return f"{text} ({'; '.join(said)})"


_FIELD_WORDS = {"recommendation": "Recommendation", "proposed_actions": "Proposed actions", "theme": "Theme"}


def change_sentence(c: Change) -> str:
    """Given a change, return it as a sentence for a sheet ("Owners: added Commissioning",
    "Status: Ongoing → Delivered"); long texts go beside it (`change_texts`)."""
    if isinstance(c, Added):
        said = "Added to the plan"
    elif isinstance(c, Removed):
        said = "No longer in the plan"
    elif isinstance(c, Renumbered):
        said = f"Renumbered: was {c.old_id}"
    elif isinstance(c, Split):
        said = f"Split into {words.and_list(list(c.new_ids))}"
    elif isinstance(c, Merged):
        said = f"Merged from {words.and_list(list(c.old_ids))}"
    elif isinstance(c, StatusChanged):
        said = f"Status: {words.status_words(c.old)} → {words.status_words(c.new)}"
        if c.old.rag != c.new.rag:
            said += f" (RAG rating {c.old.rag or 'none'} → {c.new.rag or 'none'})"
    elif isinstance(c, TimescaleChanged):
        said = _timescale_sentence(c)
    elif isinstance(c, OwnersChanged):
        said = "Owners: " + _owner_words(c)
    elif isinstance(c, ProgressChanged):
        said = "Progress: new text" if c.old.strip() else "Progress: first reported"
    elif c.field == "theme":
        said = f"Theme: {c.old or 'none'} → {c.new or 'none'}"
    else:
        said = f"{_FIELD_WORDS.get(c.field, sentence_case(c.field.replace('_', ' ')))} reworded"
    if getattr(c, "matched_by", "id") == "text":
        said += " (found by its text)"
    return said


def change_texts(c: Change) -> tuple[str, str]:
    """Given a change, return the texts to show beside its sentence: (now, before), each whole; empty where
    the sentence says it all."""
    if isinstance(c, Added):
        return c.record.recommendation, ""
    if isinstance(c, Removed):
        return "", c.record.recommendation
    if isinstance(c, (ProgressChanged, TextChanged)) and not (isinstance(c, TextChanged) and c.field == "theme"):
        return c.new or "", c.old or ""
    return "", ""


def column_sentences(diff: Diff) -> list[str]:
    """Given a diff, return the columns the plan gained or lost as sentences, by their printed headers."""
    headers = {c.field: c.header for c in (*diff.old.columns, *diff.new.columns) if c.header}

    def name(fld: str) -> str:
        return headers.get(fld) or sentence_case(fld.replace("_", " "))

    return [f"Column added: {name(f)}" for f in diff.columns_added] + [
        f"Column removed: {name(f)}" for f in diff.columns_removed
    ]


def diff_to_text(diff: Diff) -> str:
    """Given a diff, return it grouped for a terminal: status, slipped, progress, owners, other, added, removed."""
    lines = [
        f"Changes in plan {diff.old.plan!r} from {diff.old.label} ({diff.old.source}) to {diff.new.label} ({diff.new.source})"
    ]
    if diff.columns_added:
        lines.append(f"Columns added: {', '.join(diff.columns_added)}")
    if diff.columns_removed:
        lines.append(f"Columns removed: {', '.join(diff.columns_removed)}")
    of = diff.changes
    groups: list[tuple[str, list[str]]] = [
        (
            "Status changes",
            [f"  {c.id}: {status_words(c.old)} -> {status_words(c.new)}" for c in of if isinstance(c, StatusChanged)],
        ),
        ("Timescales", [_timescale_line(c) for c in of if isinstance(c, TimescaleChanged)]),
        ("Owners", [f"  {c.id}: " + _owner_words(c) for c in of if isinstance(c, OwnersChanged)]),
        ("New progress", [f"  {c.id}: {c.word_diff}" for c in of if isinstance(c, ProgressChanged)]),
        (
            "Unchanged progress (not complete)",
            [f"  {', '.join(diff.unchanged_progress)}"] if diff.unchanged_progress else [],
        ),
        (
            "Renumbered",
            [f"  {c.old_id} is now {c.id} (text match {c.score})" for c in of if isinstance(c, Renumbered)],
        ),
        ("Split", [f"  {c.id} is now {', '.join(c.new_ids)}" for c in of if isinstance(c, Split)]),
        ("Merged", [f"  {', '.join(c.old_ids)} are now {c.id}" for c in of if isinstance(c, Merged)]),
        (
            "Text changes",
            [f"  {c.id}: {c.field.replace('_', ' ')} changed" for c in of if isinstance(c, TextChanged)],
        ),
        ("Added", [f"  {c.id}: {c.record.recommendation[:90]}" for c in of if isinstance(c, Added)]),
        ("Removed", [f"  {c.id}: {c.record.recommendation[:90]}" for c in of if isinstance(c, Removed)]),
    ]
    for title, items in groups:
        if items:
            lines.append(f"{title}:")
            lines.extend(items)
    if not diff.changes and not diff.columns_added and not diff.columns_removed:
        lines.append("No changes.")
    return "\n".join(lines) + "\n"


def _timescale_line(c: TimescaleChanged) -> str:
    days, since = c.days_slipped, c.days_slipped_since_original
    text = f"  {c.id}: {c.old.text or '(empty)'} -> {c.new.text or '(empty)'}"
    if days:
        text += f" ({'slipped' if days > 0 else 'brought forward'} {abs(days)} days"
        if since is not None and since != days:
            text += f"; {since} days since the original {c.original_end}"
        text += ")"
    return text


def _owner_words(c: OwnersChanged) -> str:
    parts = []
    if c.added:
        parts.append("added " + ", ".join(c.added))
    if c.removed:
        parts.append("removed " + ", ".join(c.removed))
    return "; ".join(parts) or "reworded"


def diff_to_csv(diff: Diff) -> str:
    """Given a diff, return one CSV row per change (objects as JSON), cells defused as in `rows_to_csv`."""
    rows: list[list[str]] = []
    for label in diff.columns_added:
        rows.append([diff.old.label, diff.new.label, "", "column_added", "", label, ""])
    for label in diff.columns_removed:
        rows.append([diff.old.label, diff.new.label, "", "column_removed", label, "", ""])
    for c in diff.changes:
        plain = change_to_jsonable(c)
        cells = [
            json.dumps(v, ensure_ascii=False) if not isinstance(v, str) and v is not None else (v or "")
            for v in (plain["old"], plain["new"])
        ]
        detail = json.dumps(c.detail, ensure_ascii=False) if c.detail else ""
        rows.append([diff.old.label, diff.new.label, c.id, c.change, *cells, detail])
    return rows_to_csv(["old_revision", "new_revision", "id", "change", "old", "new", "detail"], rows)


def history_to_table(rows: Sequence[HistoryRow]) -> str:
    """Given one recommendation's history, return a table, one revision a row."""
    out = [("REVISION", "REVISION DATE", "ID", "STATUS", "TIMESCALE", "DUE", "ORIGINAL DUE", "OWNERS", "PROGRESS")]
    for row in rows:
        rec = row.record
        progress = rec.progress.replace("\n", " ")
        out.append(
            (
                row.revision.label,
                row.revision.as_of or "-",
                rec.id,
                rec.status.text or "(empty)",
                rec.timescale.text or "(empty)",
                rec.timescale.end or "-",
                row.original_due or "-",
                "; ".join(rec.owners),
                progress[:80] + ("…" if len(progress) > 80 else ""),
            )
        )
    return _table(out)
