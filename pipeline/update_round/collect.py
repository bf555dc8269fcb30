"""Returned owner workbooks into a draft revision of the plan, and approving the draft.

Each workbook is read in a child process within time and memory limits. A return is known by its
content (owner, and each answered row's ID and inputs), not its file: a renamed or re-saved copy adds
nothing, and an owner's later return (a later run, then later on the command line) supersedes their
earlier update on each record it answers. Co-owners who disagree are a conflict: neither is applied.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from pipeline.errors import PipelineError
from pipeline.export.collect_report import write_collect_report
from pipeline.isolation import Limits
from pipeline.records import (
    Accepted,
    Chase,
    Conflict,
    Plan,
    Record,
    Rejected,
    ReturnLine,
    Revision,
    Stale,
    Update,
)
from pipeline.returns import RETURN_LIMITS, ReturnedWorkbook, WorkbookError, by_plan, read_return_isolated
from pipeline.settings import Settings, default_settings
from pipeline.store import ChangedMeanwhileError, Store, describe_url
from pipeline.update_round.checking import EDITED_REASON, collected_before, read_rows, record_keys, source_entries
from pipeline.update_round.draft import Run, draft_of, rebuild
from pipeline.update_round.returned_rows import marker_state
from pipeline.update_round.workbooks import is_open
from pipeline.words import and_list

MARKER_NOTES = {
    "signed": "signed",
    "unsigned": "unsigned (handed out before workbooks were signed: its marker cannot be checked)",
    "edited": "edited (its signature does not match)",
}
ORPHAN_REASON = (
    "names no plan this workbook was made for (its locked Plan cell was changed): not applied; check with the owner"
)


@dataclass(frozen=True)
class Collected:
    """What one collect run did: the draft (when the returns answer one plan), the report's lists, one line per
    workbook read (`returns`: workbook, owner, return, marker, outcome) and every draft written or kept, one a
    plan (`drafts`). When the returns answer several plans, each line of the lists names its plan."""

    draft: Revision | None
    accepted: list[Accepted]
    rejected: list[Rejected]
    conflicts: list[Conflict]
    stale: list[Stale]
    chase: list[Chase]
    failed: list[str]
    report: Path | None
    returns: list[ReturnLine] = field(default_factory=list)
    drafts: tuple[Revision, ...] = ()


@dataclass(frozen=True)
class _Target:
    """One plan the returns answer: the plan, the revision its rows answer, its latest, and its returns."""

    plan: Plan
    base: Revision
    latest: Revision
    returned: list[ReturnedWorkbook]


def collect_returns(
    store: Store,
    files: Sequence[Path],
    report: Path,
    *,
    label: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
    limits: Limits = RETURN_LIMITS,
) -> Collected:
    """Read returned owner workbooks (each in a child process within `limits`), check every cell, and gather
    accepted updates into a draft revision of each plan they answer: a workbook over several plans (or
    workbooks of different plans) send each row to its own plan's draft, to approve plan by plan."""
    settings = settings or default_settings()
    day = (today or date.today()).isoformat()
    returned, failed = _read_all(files, limits)
    key = store.signing_key()
    groups: dict[str, list[ReturnedWorkbook]] = defaultdict(list)
    orphans: list[Rejected] = []
    edited: list[ReturnedWorkbook] = []  # over several plans, an edited marker says nothing of which plans
    for wb in returned:
        if wb.parts and marker_state(wb, key) == "edited":
            edited.append(wb)
            continue
        views, strays = by_plan(wb)
        for view in views:
            groups[view.plan].append(view)
        name = Path(wb.path).name
        orphans += [
            Rejected(r.id, wb.owner, name, "Plan", r.plan, ORPHAN_REASON)
            for r in strays
            if any(r.inputs.values()) or r.formulas
        ]
    targets = [_target(store, plan, group, label) for plan, group in groups.items()]  # every check before writing
    done = [(t, *_collect_plan(store, t, label, settings, day, key)) for t in targets]
    # Workbooks over every plan make a round over every plan: its chase list covers the plans none answers yet.
    unanswered = _unanswered(store, set(groups)) if any(wb.parts for wb in returned) else []
    several = len(done) + len({c.plan for c in unanswered}) > 1

    def each(pick: Callable[[Run, list[ReturnLine]], Sequence[_Row]]) -> list[_Row]:
        """One list of every plan's run, each line naming its plan when there are several."""
        return [_of_plan(i, t.plan.name) if several else i for t, _, run, lines in done for i in pick(run, lines)]

    accepted, conflicts = each(lambda run, _: run.accepted), each(lambda run, _: run.conflicts)
    rejected = each(lambda run, _: run.rejected) + orphans
    stale, chase, returns = each(lambda run, _: run.stale), each(lambda run, _: run.chase), each(lambda _, lines: lines)
    chase += unanswered
    for wb in edited:
        name = Path(wb.path).name
        stale.append(Stale("", wb.owner, name, EDITED_REASON))
        returns.append(
            ReturnLine(
                name, wb.owner, wb.content[:12], MARKER_NOTES["edited"], "not applied: the marker sheet was edited"
            )
        )
    path = write_collect_report(
        report,
        _title(done),
        accepted=accepted,
        rejected=rejected,
        conflicts=conflicts,
        stale=stale,
        chase=chase,
        returns=returns,
    )
    drafts = tuple(d for _, d, _, _ in done if d is not None)
    draft = done[0][1] if len(done) == 1 else None
    return Collected(draft, accepted, rejected, conflicts, stale, chase, failed, path, returns, drafts)


_Row = TypeVar("_Row", Accepted, Rejected, Conflict, Stale, Chase, ReturnLine)


def _of_plan(item: _Row, plan: str) -> _Row:
    return item._replace(plan=plan)


def _title(done: Sequence[tuple[_Target, Revision | None, Run, list[ReturnLine]]]) -> str:
    """The collect report's title: the plan, the revision its returns answer and the draft; or each plan's."""
    each = [(t.plan.name, t.base.label, f", gathered in draft revision {d.label}" if d else "") for t, d, _, _ in done]
    if not each:
        return "Collect report: no usable returns"
    if len(each) == 1:
        name, base, draft = each[0]
        return f"Collect report: {name}, returns against revision {base}{draft}"
    return "Collect report: returns for " + and_list(
        [f"{name} (against revision {base}{draft})" for name, base, draft in each]
    )


def _target(store: Store, plan_name: str, group: list[ReturnedWorkbook], label: str | None) -> _Target:
    """Given one plan's returns, return the plan and the revision they answer; refuse returns of several
    revisions of one plan, or a draft label that is a published revision."""
    bases = sorted({wb.revision for wb in group})
    if len(bases) > 1:
        raise PipelineError(
            None,
            f"the workbooks answer different revisions of plan {plan_name!r} ({', '.join(bases)}): "
            "collect each set separately",
        )
    chosen = store.resolve_plan(plan_name)
    base = store.revision(chosen, bases[0], include_drafts=True)
    if label is not None and any(r.label == label and not r.draft for r in store.revisions(chosen)):
        raise PipelineError(
            describe_url(store.url),
            f"revision {label!r} of plan {plan_name!r} is a published revision: choose another --revision label "
            "for the draft",
        )
    return _Target(chosen, base, store.revisions(chosen)[-1], group)


def _collect_plan(
    store: Store, target: _Target, label: str | None, settings: Settings, day: str, key: bytes
) -> tuple[Revision | None, Run, list[ReturnLine]]:
    """Gather one plan's returns into its draft; return the draft, what the run found and a line per return."""
    for attempt in range(5):
        # Another collect may write the same draft meanwhile: then start again from its result.
        try:
            new_draft, run = _collect_once(store, target, label, settings, day, key)
            break
        except ChangedMeanwhileError:
            if attempt == 4:
                raise
    lines = [
        ReturnLine(
            Path(wb.path).name,
            wb.owner,
            wb.content[:12],
            MARKER_NOTES[run.markers.get(i, "unsigned")],
            "; ".join(run.outcomes[i]) or "nothing to apply",
        )
        for i, wb in enumerate(target.returned)
    ]
    return new_draft, run, lines


def _read_all(files: Sequence[Path], limits: Limits) -> tuple[list[ReturnedWorkbook], list[str]]:
    """Read each returned workbook in a child process; return those read and what was wrong with the rest
    (one unreadable workbook of one given is its error; none readable of several is one error for all)."""
    returned: list[ReturnedWorkbook] = []
    failed: list[str] = []
    for path in files:
        try:
            returned.append(read_return_isolated(path, limits))
        except PipelineError as error:
            if len(files) == 1:
                raise
            failed.append(str(error))
    if not returned:
        raise WorkbookError(None, f"none of the {len(files)} workbooks could be read: " + " | ".join(failed))
    return returned, failed


def chase_list(store: Store, plan: Plan, records: Sequence[Record], returned: set[str]) -> list[Chase]:
    """Given a plan, the records of the revision its workbooks answer and the owners who have returned one,
    return the owners still to chase, each with the records their workbook asked about (neither complete nor
    closed)."""
    closed = store.closures(plan)
    asked = [r for r in records if is_open(r, closed)]
    return [
        Chase(k, ", ".join(r.id for r in asked if k in r.owner_keys), "no workbook returned yet")
        for k in dict.fromkeys(k for r in asked for k in r.owner_keys)
        if k not in returned
    ]


def _unanswered(store: Store, answered: set[str]) -> list[Chase]:
    """In a round over every plan, the owners to chase in each plan no returned workbook answers yet (at its
    latest revision; owners whose updates an earlier collect gathered into its draft count as returned)."""
    chase = []
    for plan in store.plans():
        if plan.name in answered:
            continue
        base = store.revision(plan, None)
        draft = store.draft_for(plan, base)
        owners = {u.owner for r in (store.records(draft) if draft else []) for u in r.updates}
        chase += [c._replace(plan=plan.name) for c in chase_list(store, plan, store.records(base), owners)]
    return chase


def _collect_once(
    store: Store, target: _Target, label: str | None, settings: Settings, day: str, key: bytes
) -> tuple[Revision | None, Run]:
    """Check every returned row against the base revision and write the draft (conditionally on it being unchanged)."""
    chosen, base, returned = target.plan, target.base, target.returned
    run = Run()
    base_records = store.records(base)
    keys = record_keys(base_records)
    draft = store.draft_for(chosen, base)
    draft_records = store.records(draft) if draft else []
    previous = {k: r.updates for k, r in zip(record_keys(draft_records), draft_records, strict=True)}
    known = collected_before(draft, previous.values())
    fresh: dict[int, list[tuple[Update, int]]] = defaultdict(list)
    for pos, update, w in read_rows(returned, base, target.latest, base_records, known, run, settings, day, key):
        fresh[pos].append((update, w))
    names = [Path(wb.path).name for wb in returned]
    # Rebuild the draft from the base and every update so far, so a disagreement is seen whichever run brought it.
    ordered = [
        rebuild(rec, previous.get(keys[pos], ()), fresh.get(pos, ()), names, run, settings)
        for pos, rec in enumerate(base_records)
    ]
    returned_owners = {wb.owner for w, wb in enumerate(returned) if run.markers.get(w) != "edited"}
    returned_owners |= {u.owner for r in ordered for u in r.updates}
    run.chase = chase_list(store, chosen, base_records, returned_owners)
    if not fresh and draft is None:
        return None, run
    sources = source_entries(draft) | {u.source for ups in fresh.values() for u, _ in ups}
    new_draft = store.add_revision(
        chosen.name,
        label or (draft.label if draft else f"{base.label}-returns"),
        draft_of(base, ordered, sources),
        replace=draft is not None or label is not None,
        draft=True,
        base=base.label,
        expected=draft.id if draft is not None else 0,
    )
    return new_draft, run


def approve_draft(store: Store, label: str, plan: str | None = None) -> Revision:
    """Publish a draft revision of owner returns: from now on it is the latest revision."""
    chosen = store.resolve_plan(plan)
    rev = store.revision(chosen, label, include_drafts=True)
    if not rev.draft:
        raise PipelineError(describe_url(store.url), f"revision {label!r} is already published")
    store.set_draft(rev, False)
    return store.revision(chosen, label)
