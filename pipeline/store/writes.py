"""The steps of storing a revision, inside the caller's transaction: choosing its label (checking the same
file is not stored already and that no other run changed it meanwhile) and inserting it with its records
and issues."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.records import NewRevision, Record
from pipeline.store.connection import AlreadyStoredError, ChangedMeanwhileError, StoreError, describe_url
from pipeline.store.rows import _record_row, _revision
from pipeline.store.schema import issues, records, revisions, sources

Written = TypeVar("Written")


def retry_on_conflict(write: Callable[..., Written]) -> Callable[..., Written]:
    """Retry a write that lost a race (a unique label, plan name or file taken a moment before by another run)."""

    @functools.wraps(write)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Written:
        for attempt in range(6):
            try:
                return write(self, *args, **kwargs)
            except sa.exc.IntegrityError:
                time.sleep(0.05 * (attempt + 1))
        raise StoreError(describe_url(self.url), "another run kept writing the same revision: try again")

    return wrapper


def now() -> str:
    """Return the time now (UTC) as stored: ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id(result: Any) -> int:
    """Given an insert's result, return the id it gave the new row."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def free_label(
    conn: Connection,
    where: str,
    plan_id: int,
    plan_name: str,
    label: str | None,
    sha256: str,
    *,
    replace: bool,
    expected: int | None,
) -> str:
    """Given the plan and the label asked for (None: the next free "rN"), return the label to store the
    revision under, having removed the revision it replaces. The same file (`sha256`) stored already is
    AlreadyStoredError; a revision changed meanwhile (`expected`) is ChangedMeanwhileError; a label taken
    without `replace` is a StoreError naming `where`."""
    same = conn.execute(
        sa.select(revisions).where(revisions.c.plan_id == plan_id, revisions.c.sha256 == sha256)
    ).first()
    if same is not None and not (replace and same.label == label):
        raise AlreadyStoredError(_revision(same, plan_name))
    taken = {r.label: r for r in conn.execute(sa.select(revisions).where(revisions.c.plan_id == plan_id))}
    if expected is not None and label is not None and (taken[label].id if label in taken else 0) != expected:
        raise ChangedMeanwhileError(where, f"revision {label!r} was changed by another run meanwhile")
    if label is None:
        n = len(taken) + 1
        while f"r{n}" in taken:
            n += 1
        return f"r{n}"
    if label in taken:
        if not replace:
            raise StoreError(
                where,
                f"plan {plan_name!r} already has a revision {label!r} from {taken[label].source}: "
                "use another --revision label, or --replace to overwrite it",
            )
        conn.execute(sa.delete(records).where(records.c.revision_id == taken[label].id))
        conn.execute(sa.delete(issues).where(issues.c.revision_id == taken[label].id))
        conn.execute(sa.delete(revisions).where(revisions.c.id == taken[label].id))
        if taken[label].sha256 != sha256:
            drop_unused_sources(conn, [taken[label].sha256])
    return label


def insert_revision(
    conn: Connection,
    plan_id: int,
    label: str,
    new: NewRevision,
    *,
    draft: bool,
    base: str | None,
    add_records: Callable[[Connection, int, Sequence[Record]], None],
) -> int:
    """Insert a revision of the plan under `label`, last in its order, with its records (by `add_records`)
    and issues; return its id."""
    seq = (
        conn.execute(sa.select(sa.func.max(revisions.c.seq)).where(revisions.c.plan_id == plan_id)).scalar() or 0
    ) + 1
    values = {
        "plan_id": plan_id,
        "label": label,
        "as_of": new.as_of,
        "title": new.title,
        "source": new.source,
        "sha256": new.sha256,
        "pages": new.pages,
        "columns": [{"field": c.field, "header": c.header} for c in new.columns],
        "ingested_at": now(),
        "seq": seq,
        "kind": new.kind,
        "draft": draft,
        "base_label": base,
    }
    revision_id = new_id(conn.execute(sa.insert(revisions).values(**values)))
    add_records(conn, revision_id, new.records)
    if new.issues:
        rows = [
            {
                "revision_id": revision_id,
                "severity": i.severity,
                "record": i.record,
                "field": i.field,
                "message": i.message,
            }
            for i in new.issues
        ]
        conn.execute(sa.insert(issues), rows)
    return revision_id


def insert_records(conn: Connection, revision_id: int, new_records: Sequence[Record]) -> None:
    """Insert a revision's records in their printed order."""
    if new_records:
        conn.execute(sa.insert(records), [_record_row(revision_id, i, r) for i, r in enumerate(new_records)])


def drop_unused_sources(conn: Connection, shas: Sequence[str]) -> None:
    """Drop the kept files of these SHA-256s that no stored revision was read from any more."""
    if not shas:
        return
    used = sa.select(revisions.c.id).where(revisions.c.sha256 == sources.c.sha256).exists()
    conn.execute(sa.delete(sources).where(sources.c.sha256.in_(sorted(set(shas))), ~used))
