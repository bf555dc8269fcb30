"""Removing a revision or a whole plan from the store: what goes, said in words, and the removal itself.

A revision goes with everything built on it: drafts of owner returns collected against it (and returns approved
from them), and the closures recorded against it. Removing a plan's last revision removes the plan. Each removal
is one transaction and is logged in the store (`Store.removals`), so nothing is lost silently.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence

from pipeline.errors import PipelineError
from pipeline.meta import long_date
from pipeline.records import Revision
from pipeline.records.store import LoggedRemoval, Removal
from pipeline.store import Store, describe_url


def find_removal(store: Store, label: str | None = None, *, plan: str | None = None) -> Removal:
    """Given a revision label (None: the whole plan named by `plan`), return what removing it would take.
    A plan or revision that is not stored is a one-line error listing what is."""
    if label is None and plan is None:
        raise PipelineError(describe_url(store.url), "say what to remove: a REVISION, or --plan NAME for a whole plan")
    return store.removal(store.resolve_plan(plan), label)


def remove_from_store(
    store: Store,
    label: str | None = None,
    *,
    plan: str | None = None,
    confirm: Callable[[Removal], bool] | None = None,
) -> tuple[Removal, bool]:
    """Given a revision label (None: the whole plan named by `plan`), find what removing it takes, ask
    `confirm` (when given) and remove it all in one transaction; return the removal and whether it was done."""
    found = find_removal(store, label, plan=plan)
    if confirm is not None and not confirm(found):
        return found, False
    store.remove(found)
    return found, True


def _revision_words(rev: Revision, records: int) -> str:
    what = "draft" if rev.draft else "revision"
    built = f", owner returns collected against {rev.base}" if rev.base else ""
    dated = f", revision date {long_date(rev.as_of)}" if rev.as_of else ""
    return f"{what} {rev.label} ({rev.source}{built}{dated}): {_count(records, 'record')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def removal_to_lines(removal: Removal) -> list[str]:
    """Given a removal, return what it takes, one line each: revisions, closures and the plan."""
    lines = [_revision_words(r, removal.records[r.id]) for r in removal.revisions]
    lines += [
        f"the closure of {c.record_id} recorded against {c.revision} (agreed: {c.agreed})" for c in removal.closures
    ]
    if removal.plan_removed:
        lines.append(f"the plan {removal.plan.name!r} itself: it keeps no other revision")
    return lines


def removal_heading(removal: Removal) -> str:
    """Given a removal, return the line that introduces it ("Removing revision r2 of plan 'X' takes:")."""
    what = f"revision {removal.label} of plan" if removal.label else "plan"
    return f"Removing {what} {removal.plan.name!r} takes from the store:"


def removed_to_lines(removal: Removal, where: str) -> list[str]:
    """Given a removal done, return the lines that say so: what went from `where`, the dependants by name, and
    how to record again a closure that went with it."""
    lines = [f"removed from {where}:", *(f"  {line}" for line in removal_to_lines(removal))]
    built_on = [r.label for r in removal.revisions if removal.label and r.label != removal.label]
    if built_on:
        were = "was" if len(built_on) == 1 else "were"
        lines.append(f"{', '.join(built_on)} {were} built on {removal.label}, so went with it")
    if removal.closures and not removal.plan_removed:
        lines.append("to record a closure again: " + _close_commands(removal))
    lines.append("logged in the store's removals table")
    return lines


def _close_commands(removal: Removal) -> str:
    plan = f" --plan {shlex.quote(removal.plan.name)}"
    return " && ".join(
        f"actionplan close {shlex.quote(c.record_id)} --agreed {shlex.quote(c.agreed)}{plan}" for c in removal.closures
    )


def removals_to_lines(logged: Sequence[LoggedRemoval]) -> list[str]:
    """Given lines of the removals log, return them as words: what went, when."""
    out = []
    for entry in logged:
        when = long_date(entry.removed_at[:10])
        if entry.kind == "revision":
            source = entry.held.get("source", "")
            out.append(f"{entry.label} ({source}, {_count(int(entry.held.get('records', 0)), 'record')}) on {when}")
        elif entry.kind == "closure":
            out.append(f"closure of {entry.label} (agreed: {entry.held.get('agreed', '')}) on {when}")
        else:
            out.append(f"plan {entry.plan!r} on {when}")
    return out
