"""The steps of removing a revision or a plan, inside the caller's transaction: finding what goes (the revisions
built on it and the closures recorded against them too), and deleting it with a line in the removals log each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.records import Plan, Revision
from pipeline.records.store import Closure, LoggedRemoval, Removal
from pipeline.store.connection import StoreError
from pipeline.store.paper_meta import last_paper_meta_of, meta_to_json
from pipeline.store.rows import _revision, order_revisions
from pipeline.store.schema import closures, issues, paper_metas, plans, records, removals, revisions
from pipeline.store.writes import drop_unused_sources, now


def find_removal(conn: Connection, where: str, plan: Plan, label: str | None) -> Removal:
    """Given a plan and a revision label (None: the whole plan), return what removing it takes; a StoreError
    naming `where` and listing the revisions when the plan has no such revision."""
    stored = [_revision(r, plan.name) for r in conn.execute(sa.select(revisions).where(revisions.c.plan_id == plan.id))]
    if label is None:
        going = order_revisions(stored)
    else:
        asked = next((r for r in stored if r.label == label), None)
        if asked is None:
            listed = ", ".join(r.label for r in order_revisions(stored)) or "none"
            raise StoreError(where, f"plan {plan.name!r} has no revision {label!r} (revisions: {listed})")
        going = [asked, *_built_on(asked, stored)]
    labels = {r.label for r in going}
    plan_removed = len(going) == len(stored)
    kept = conn.execute(
        sa.select(closures).where(closures.c.plan_id == plan.id).order_by(closures.c.record_id, closures.c.pk)
    ).all()
    counted = conn.execute(
        sa.select(records.c.revision_id, sa.func.count())
        .where(records.c.revision_id.in_([r.id for r in going]))
        .group_by(records.c.revision_id)
    ).all()
    return Removal(
        plan=plan,
        label=label,
        revisions=tuple(going),
        records={r.id: 0 for r in going} | {int(rid): int(n) for rid, n in counted},
        closures=tuple(
            Closure(c.record_id, c.agreed, c.revision_label, c.closed_at)
            for c in kept
            if plan_removed or c.revision_label in labels
        ),
        plan_removed=plan_removed,
    )


def _built_on(asked: Revision, stored: Sequence[Revision]) -> list[Revision]:
    """Given a revision, return the revisions built on it, directly or through another (owner returns collected
    against it, a draft or approved), in store order."""
    found: list[Revision] = []
    bases = {asked.label}
    while True:
        more = [r for r in stored if r.base in bases and r not in found and r != asked]
        if not more:
            return sorted(found, key=lambda r: r.seq)
        found.extend(more)
        bases |= {r.label for r in more}


def delete_removal(conn: Connection, removal: Removal) -> None:
    """Delete what `removal` lists (records, issues, revisions, closures, and the plan with its papers' meta
    when it goes), and the kept PDFs no revision left was read from; log each plan, revision and closure removed."""
    ids = [r.id for r in removal.revisions]
    when = now()
    log: list[dict[str, Any]] = [
        {
            "removed_at": when,
            "plan": removal.plan.name,
            "kind": "revision",
            "label": r.label,
            "held": {
                "source": r.source,
                "sha256": r.sha256,
                "title": r.title,
                "revision_date": r.as_of,
                "kind": r.kind,
                "draft": r.draft,
                "base": r.base,
                "records": removal.records[r.id],
                "ingested_at": r.ingested_at,
            },
        }
        for r in removal.revisions
    ]
    log += [
        {
            "removed_at": when,
            "plan": removal.plan.name,
            "kind": "closure",
            "label": c.record_id,
            "held": {"agreed": c.agreed, "revision": c.revision, "closed_at": c.closed_at},
        }
        for c in removal.closures
    ]
    conn.execute(sa.delete(records).where(records.c.revision_id.in_(ids)))
    conn.execute(sa.delete(issues).where(issues.c.revision_id.in_(ids)))
    conn.execute(sa.delete(revisions).where(revisions.c.id.in_(ids)))
    drop_unused_sources(conn, [r.sha256 for r in removal.revisions])
    for c in removal.closures:
        conn.execute(
            sa.delete(closures).where(closures.c.plan_id == removal.plan.id, closures.c.record_id == c.record_id)
        )
    if removal.plan_removed:
        created = conn.execute(sa.select(plans.c.created_at).where(plans.c.id == removal.plan.id)).scalar()
        held: dict[str, Any] = {"created_at": created, "revisions": len(ids)}
        paper = last_paper_meta_of(conn, removal.plan.id)
        if paper is not None:
            held["paper_meta"] = meta_to_json(paper)
        conn.execute(sa.delete(paper_metas).where(paper_metas.c.plan_id == removal.plan.id))
        conn.execute(sa.delete(plans).where(plans.c.id == removal.plan.id))
        log.append({"removed_at": when, "plan": removal.plan.name, "kind": "plan", "label": None, "held": held})
    conn.execute(sa.insert(removals), log)


def read_removals(conn: Connection, plan_name: str | None) -> list[LoggedRemoval]:
    """Return the removals log, oldest first (only one plan's lines when `plan_name` is given)."""
    query = sa.select(removals).order_by(removals.c.pk)
    if plan_name is not None:
        query = query.where(removals.c.plan == plan_name)
    return [LoggedRemoval(r.removed_at, r.plan, r.kind, r.label, dict(r.held)) for r in conn.execute(query)]
