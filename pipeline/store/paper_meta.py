"""The meta settings each committee paper was made with, kept per plan (inside the caller's transaction) so the
next paper's form starts from them. Stored as JSON with dates as ISO text; read back with dates as dates."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.meta import META_DATES
from pipeline.store.connection import StoreError
from pipeline.store.schema import paper_metas, plans
from pipeline.store.writes import now


def meta_to_json(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Given meta settings (as `pipeline.meta.check_meta` returns them), return them as plain JSON data."""
    return {str(key): _jsonable(value) for key, value in meta.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return meta_to_json(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def meta_from_json(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Given meta settings as stored, return them as `pipeline.meta.load_meta` would: dates as dates."""
    out = dict(raw)
    for key in set(META_DATES) & set(out):
        # Text that is not a date stays text: the paper's form shows it, and checking it names the key.
        with contextlib.suppress(TypeError, ValueError):
            out[key] = date.fromisoformat(out[key])
    return out


def save_paper_meta(
    conn: Connection, where: str, plan_name: str, meta: Mapping[str, Any], *, revision: str | None
) -> None:
    """Keep the meta settings a plan's paper was made with (for the revision of that label, when given); a
    StoreError naming `where` when there is no such plan."""
    plan_id = conn.execute(sa.select(plans.c.id).where(plans.c.name == plan_name)).scalar()
    if plan_id is None:
        raise StoreError(where, f"has no plan named {plan_name!r}")
    conn.execute(
        sa.insert(paper_metas).values(plan_id=plan_id, revision_label=revision, meta=meta_to_json(meta), saved_at=now())
    )


def last_paper_meta(conn: Connection, plan_name: str) -> dict[str, Any] | None:
    """Return the meta settings of a plan's last paper (None when no paper was made with any, or no such plan)."""
    plan_id = conn.execute(sa.select(plans.c.id).where(plans.c.name == plan_name)).scalar()
    return None if plan_id is None else last_paper_meta_of(conn, plan_id)


def last_paper_meta_of(conn: Connection, plan_id: int) -> dict[str, Any] | None:
    """Return the meta settings of the last paper of the plan of that id (None when none was kept)."""
    row = conn.execute(
        sa.select(paper_metas.c.meta).where(paper_metas.c.plan_id == plan_id).order_by(paper_metas.c.pk.desc()).limit(1)
    ).first()
    return None if row is None else meta_from_json(row.meta)
