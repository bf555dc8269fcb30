"""validate: records -> issues. Pure, and never raises on bad data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pipeline.records import Column, Issue, Record


def check_records(records: Sequence[Record], columns: Sequence[Column]) -> list[Issue]:
    """Given a plan's records and its columns, return the data problems found."""
    issues: list[Issue] = []
    present = {c.field for c in columns}
    if not records:
        issues.append(Issue("error", "the table has a header but no recommendation rows"))
    for field, what in (
        ("status", "status"),
        ("timescale", "timescale"),
        ("owners", "owner"),
        ("progress", "progress"),
    ):
        if field not in present:
            issues.append(Issue("info", f"the plan has no {what} column", None, field))
    counts = Counter(r.id for r in records)
    for ident, n in counts.items():
        if n > 1:
            issues.append(Issue("error", f"id {ident} appears {n} times", ident, "id"))
    numbers = sorted({r.number for r in records if r.number is not None and r.parent is None})
    if numbers:
        missing = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
        if missing:
            issues.append(
                Issue("warning", f"numbering gap: no recommendation {', '.join(map(str, missing))}", None, "number")
            )
    for r in records:
        if not r.recommendation.strip() and "recommendation" in present:
            issues.append(Issue("warning", "empty recommendation", r.id, "recommendation"))
        if "status" in present and not r.status.text.strip():
            issues.append(Issue("warning", "empty status", r.id, "status"))
        if "timescale" in present and not r.timescale.text.strip():
            issues.append(Issue("warning", "empty timescale", r.id, "timescale"))
        if "owners" in present and not r.owners:
            issues.append(Issue("warning", "no owner", r.id, "owners"))
    return issues
