"""views: a plan's history as pandas tables, for looking at it across revisions (an analyst's notebook, the
tests). The read side's own model is `pipeline.history`; nothing that writes an output takes these frames.

- `flags_frame`: the records of one revision with their flags, one row each.
- `history_frame`: one recommendation across every revision.
- `owner_frame`: the rows of a flags frame one owner holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from pipeline.history import build_history, diff_to_jsonable, flags, history_to_jsonable, record_history, status_counts
from pipeline.matching import match_records, squash
from pipeline.records import History, Plan, Record, Revision

__all__ = [
    "diff_to_jsonable",
    "flags_frame",
    "history_frame",
    "match_records",
    "owner_frame",
    "squash",
    "status_counts",
]


def _history(entries: Sequence[tuple[Revision, Sequence[Record]]]) -> History:
    plan = Plan(0, entries[-1][0].plan) if entries else Plan(0, "")
    return build_history(plan, entries)


def flags_frame(entries: Sequence[tuple[Revision, Sequence[Record]]], as_of: date) -> pd.DataFrame:
    """Given revisions up to the one wanted (last) with their records, return its records and flags as a table."""
    if not entries:
        return pd.DataFrame()
    rows = [
        {
            "id": f.id,
            "theme": f.theme,
            "recommendation": f.recommendation,
            "proposed_actions": f.proposed_actions,
            "owners": list(f.owners),
            "owner_keys": list(f.owner_keys),
            "timescale": f.timescale,
            "start": f.record.timescale.start,
            "due": f.due,
            "rule": f.rule,
            "status": f.status,
            "status_value": f.status_value,
            "rag": f.rag,
            "progress": f.progress,
            "cross_refs": list(f.cross_refs),
            "pages": list(f.pages),
            "original_due": f.original_due,
            "overdue": f.overdue,
            "slipped": f.slipped,
            "stale": f.stale,
            "ongoing": f.ongoing,
            "changed_in": f.changed_in,
            "fingerprint": f.fingerprint,
        }
        for f in flags(_history(entries), as_of)
    ]
    return pd.DataFrame(rows, dtype=object)


def history_frame(entries: Sequence[tuple[Revision, Sequence[Record]]], ident: str) -> pd.DataFrame:
    """Given every revision with its records and an id, return that recommendation in each revision as a table."""
    return pd.DataFrame(history_to_jsonable(record_history(_history(entries), ident)), dtype=object)


def owner_frame(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Given a flags frame and an owner key, return the rows that owner holds."""
    if frame.empty:
        return frame
    return frame[frame["owner_keys"].apply(lambda keys: key in keys)].reset_index(drop=True)
