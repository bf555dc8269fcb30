"""Rows of the store's tables to and from the record types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pipeline.records import BBox, Column, Record, Revision, Status, Timescale, Update, to_jsonable


def order_revisions(found: Sequence[Revision]) -> list[Revision]:
    """Given revisions in ingest order, return them ordered by as-of date where known, else by ingest order."""
    keyed = []
    last_known = date.min
    for rev in sorted(found, key=lambda r: r.seq):
        when = date.fromisoformat(rev.as_of) if rev.as_of else last_known
        last_known = max(last_known, when)
        keyed.append(((when, rev.seq), rev))
    return [rev for _, rev in sorted(keyed, key=lambda kv: kv[0])]


def _revision(row: Any, plan_name: str) -> Revision:
    return Revision(
        id=row.id,
        plan=plan_name,
        label=row.label,
        as_of=row.as_of,
        title=row.title,
        source=row.source,
        sha256=row.sha256,
        pages=row.pages,
        columns=tuple(Column(c["field"], c["header"]) for c in row.columns),
        ingested_at=row.ingested_at,
        seq=row.seq,
        kind=row.kind,
        draft=bool(row.draft),
        base=row.base_label,
    )


def _record_row(revision_id: int, position: int, r: Record) -> dict[str, Any]:
    return {
        "revision_id": revision_id,
        "position": position,
        "id": r.id,
        "number": r.number,
        "label": r.label,
        "parent": r.parent,
        "theme": r.theme,
        "recommendation": r.recommendation,
        "proposed_actions": r.proposed_actions,
        "timescale_text": r.timescale.text,
        "timescale_start": r.timescale.start,
        "timescale_end": r.timescale.end,
        "timescale_ongoing": r.timescale.ongoing,
        "timescale_rule": r.timescale.rule,
        "owners": list(r.owners),
        "owner_keys": list(r.owner_keys),
        "progress": r.progress,
        "status_text": r.status.text,
        "status_value": r.status.value,
        "status_rag": r.status.rag,
        "cross_refs": list(r.cross_refs),
        "pages": list(r.pages),
        "bboxes": [{"page": b.page, "x0": b.x0, "top": b.top, "x1": b.x1, "bottom": b.bottom} for b in r.bboxes],
        "extra": dict(r.extra),
        "updates": [to_jsonable(u) for u in r.updates],
        "table_row": r.table_row,
        "confidence": r.confidence,
        "cell_confidence": dict(r.cell_confidence),
    }


def _record(row: Any) -> Record:
    return Record(
        id=row.id,
        number=row.number,
        label=row.label,
        parent=row.parent,
        theme=row.theme,
        recommendation=row.recommendation,
        proposed_actions=row.proposed_actions,
        timescale=Timescale(
            row.timescale_text, row.timescale_start, row.timescale_end, bool(row.timescale_ongoing), row.timescale_rule
        ),
        owners=tuple(row.owners),
        owner_keys=tuple(row.owner_keys),
        progress=row.progress,
        status=Status(row.status_text, row.status_value, row.status_rag),
        cross_refs=tuple(row.cross_refs),
        pages=tuple(row.pages),
        bboxes=tuple(BBox(**b) for b in row.bboxes),
        extra=dict(row.extra),
        updates=tuple(Update(**u) for u in (row.updates or [])),
        table_row=row.table_row,
        confidence=row.confidence,
        cell_confidence=dict(row.cell_confidence or {}),
    )
