"""Issues as a plain-text table for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.records import Issue

_ORDER = {"error": 0, "warning": 1, "info": 2}


def issues_to_table(issues: Sequence[Issue]) -> str:
    """Given issues, return them as an aligned text table, errors first."""
    rows = [("SEVERITY", "RECORD", "FIELD", "MESSAGE")]
    for i in sorted(issues, key=lambda i: _ORDER[i.severity]):
        rows.append((i.severity, i.record or "-", i.field or "-", i.message))
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    return "".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}\n" for r in rows)
