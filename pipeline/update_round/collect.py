"""Returned owner workbooks into a draft revision of the plan, and approving the draft.

Each workbook is read in a child process within time and memory limits. A return is known by its
content (owner, and each answered row's ID and inputs), not its file: a renamed or re-saved copy adds
nothing, and an owner's later return (a later run, then later on the command line) supersedes their
earlier update on each record it answers. Co-owners who disagree are a conflict: neither is applied.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.export.collect_report import write_collect_report
from pipeline.isolation import Limits
from pipeline.meta import long_date
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
from pipeline.returns import RETURN_LIMITS, ReturnedWorkbook, WorkbookError, read_return_isolated
from pipeline.settings import Settings, default_settings
from pipeline.store import ChangedMeanwhileError, Store, describe_url
from pipeline.update_round.draft import Run, draft_of, rebuild
from pipeline.update_round.returned_rows import (
    check_row,
    marker_state,
    route_row,
    says_anything,
)
from pipeline.update_round.workbooks import is_open

# One return gathered into a draft, as its source lists it: file name#return id.
_SOURCE_ENTRY = re.compile(r"[^,#]+#[0-9a-f]{12}(?=,|$)")
MARKER_NOTES = {
    "signed": "signed",
    "unsigned": "unsigned (handed out before workbooks were signed: its marker cannot be checked)",
    "edited": "edited (its signature does not match)",
}


@dataclass(frozen=True)
class Collected:
    """What one collect run did: the draft, the report's lists, and one line per workbook read (`returns`:
    workbook, owner, return, marker, outcome)."""

    draft: Revision | None
    accepted: list[Accepted]
    rejected: list[Rejected]
    conflicts: list[Conflict]
    stale: list[Stale]
    chase: list[Chase]
    failed: list[str]
    report: Path | None
    returns: list[ReturnLine] = field(default_factory=list)


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
    """Read returned owner workbooks (each in a child process within `limits`), check every cell, and
    gather accepted updates into a draft revision."""
    settings = settings or default_settings()
    day = (today or date.today()).isoformat()
    returned, failed = _read_all(files, limits)
    bases = {(r.plan, r.revision) for r in returned}
    if len(bases) > 1:
        raise PipelineError(
            None, f"the workbooks answer different plans or revisions ({sorted(bases)}): collect each set separately"
        )
    plan_name, base_label = bases.pop()
    chosen = store.resolve_plan(plan_name)
    base = store.revision(chosen, base_label, include_drafts=True)
    latest = store.revisions(chosen)[-1]
    if label is not None and any(r.label == label and not r.draft for r in store.revisions(chosen)):
        raise PipelineError(
            describe_url(store.url),
            f"revision {label!r} is a published revision: choose another --revision label for the draft",
        )
    key = store.signing_key()
    for attempt in range(5):
        # Another collect may write the same draft meanwhile: then start again from its result.
        try:
            new_draft, run = _collect_once(store, chosen, base, latest, returned, label, settings, day, key)
            break
        except ChangedMeanwhileError:
            if attempt == 4:
                raise
    returns = [
        ReturnLine(
            Path(wb.path).name,
            wb.owner,
            wb.content[:12],
            MARKER_NOTES[run.markers.get(i, "unsigned")],
            "; ".join(run.outcomes[i]) or "nothing to apply",
        )
        for i, wb in enumerate(returned)
    ]
    title = f"Collect report: {chosen.name}, returns against revision {base.label}" + (
        f", gathered in draft revision {new_draft.label}" if new_draft else ""
    )
    path = write_collect_report(
        report,
        title,
        accepted=run.accepted,
        rejected=run.rejected,
        conflicts=run.conflicts,
        stale=run.stale,
        chase=run.chase,
        returns=returns,
    )
    return Collected(new_draft, run.accepted, run.rejected, run.conflicts, run.stale, run.chase, failed, path, returns)


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


def _collected_before(draft: Revision | None, previous: Iterable[Sequence[Update]]) -> dict[str, str]:
    """Every return gathered in the draft so far, superseded ones too (the draft's source lists each as
    name#return): return id -> where it came from."""
    known = {e.rpartition("#")[2]: f"{e.rpartition('#')[0]} (collected before)" for e in _source_entries(draft)}
    for u in (u for ups in previous for u in ups):
        known[u.source.rpartition("#")[2]] = f"{u.source.split('#')[0]} (collected {long_date(u.date)})"
    return known


def _source_entries(draft: Revision | None) -> set[str]:
    """The returns a draft's source lists (name#return id); none for a draft made before returns had ids."""
    return {e.strip() for e in _SOURCE_ENTRY.findall(draft.source)} if draft else set()


def _keys(records: Sequence[Record]) -> list[tuple[str, int]]:
    """Each record's key: its ID and how many records before it had that ID (0 once IDs are unique)."""
    seen: dict[str, int] = defaultdict(int)
    keys = []
    for r in records:
        keys.append((r.id, seen[r.id]))
        seen[r.id] += 1
    return keys


def _read_rows(
    returned: Sequence[ReturnedWorkbook],
    base: Revision,
    latest: Revision,
    base_records: Sequence[Record],
    collected_before: dict[str, str],
    run: Run,
    settings: Settings,
    day: str,
    key: bytes,
) -> list[tuple[int, Update, int]]:
    """Check every returned row; return the updates to apply as (record position, update, workbook index)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for pos, rec in enumerate(base_records):
        positions[rec.id].append(pos)
    seen: dict[tuple[str, str], str] = {}
    updates: list[tuple[int, Update, int]] = []
    for w, wb in enumerate(returned):
        name = Path(wb.path).name
        marker = run.markers[w] = marker_state(wb, key)
        if wb.revision_sha256 and wb.revision_sha256 != base.sha256:
            why = f"made from another file than revision {base.label}: send the owner a new workbook"
            run.stale.append(Stale("", wb.owner, name, why))
            run.outcomes[w].append(f"stale: {why}")
            continue
        if marker == "edited":
            why = "its hidden marker sheet was edited (its signature does not match): not applied; check with the owner"
            run.stale.append(Stale("", wb.owner, name, why))
            run.outcomes[w].append("not applied: the marker sheet was edited")
            continue
        earlier = seen.get((wb.owner, wb.content)) or collected_before.get(wb.content[:12])
        if earlier:
            run.outcomes[w].append(f"same content as {earlier}: adds nothing")
            continue
        seen[(wb.owner, wb.content)] = name
        stale_before, rejected_before = len(run.stale), len(run.rejected)
        where = _Where(base, latest, base_records, positions, key if marker == "signed" else None)
        for pos, update in _workbook_updates(wb, name, where, run, settings, day):
            updates.append((pos, update, w))
        for count, what in (
            (len(run.stale) - stale_before, "stale rows"),
            (len(run.rejected) - rejected_before, "cells rejected"),
        ):
            if count:
                run.outcomes[w].append(f"{count} {what}")
    return updates


@dataclass(frozen=True)
class _Where:
    """What a returned row is checked against: the base revision and its records (positions by ID), the
    latest revision, and the store's secret when the workbook's marker is signed."""

    base: Revision
    latest: Revision
    records: Sequence[Record]
    positions: dict[str, list[int]]
    key: bytes | None


def _workbook_updates(
    wb: ReturnedWorkbook, name: str, where: _Where, run: Run, settings: Settings, day: str
) -> list[tuple[int, Update]]:
    """Given one usable returned workbook, return the updates its rows make as (record position, update);
    rows and cells refused go into `run`."""
    base = where.base
    source = f"{name}#{wb.content[:12]}"
    answered: dict[str, int] = {}
    out: list[tuple[int, Update]] = []
    for row in wb.rows:
        given = any(row.inputs.values()) or bool(row.formulas)
        found = where.positions.get(row.id, [])
        if not found:
            if given:
                why = f"no recommendation {row.id} in revision {base.label}"
                run.rejected.append(Rejected(row.id, wb.owner, name, "ID", row.id, why))
            continue
        if not given:
            continue
        if row.id in answered:
            why = f"ID {row.id} is in this workbook twice: only its row {answered[row.id]} was read"
            run.rejected.append(Rejected(row.id, wb.owner, name, "ID", row.id, why))
            continue
        answered[row.id] = row.sheet_row
        if base.id != where.latest.id and not base.draft:
            why = f"answers revision {base.label}, but the latest is {where.latest.label}: send a new workbook"
            run.stale.append(Stale(row.id, wb.owner, name, why))
            continue
        target, why = route_row(row, [(p, where.records[p]) for p in found], wb, where.key)
        if target is None:
            run.stale.append(Stale(row.id, wb.owner, name, why))
            continue
        if wb.owner not in where.records[target].owner_keys:
            why = f"{wb.owner} is not an owner of {row.id}"
            run.rejected.append(Rejected(row.id, wb.owner, name, "ID", row.id, why))
            continue
        update, bad = check_row(row, wb.owner, source, day, settings)
        run.rejected.extend(Rejected(row.id, wb.owner, name, col, value, why) for col, value, why in bad)
        if says_anything(update):
            out.append((target, update))
    return out


def _collect_once(
    store: Store,
    chosen: Plan,
    base: Revision,
    latest: Revision,
    returned: Sequence[ReturnedWorkbook],
    label: str | None,
    settings: Settings,
    day: str,
    key: bytes,
) -> tuple[Revision | None, Run]:
    """Check every returned row against the base revision and write the draft (conditionally on it being unchanged)."""
    run = Run()
    base_records = store.records(base)
    keys = _keys(base_records)
    draft = store.draft_for(chosen, base)
    draft_records = store.records(draft) if draft else []
    previous = {k: r.updates for k, r in zip(_keys(draft_records), draft_records, strict=True)}
    collected_before = _collected_before(draft, previous.values())
    fresh: dict[int, list[tuple[Update, int]]] = defaultdict(list)
    for pos, update, w in _read_rows(returned, base, latest, base_records, collected_before, run, settings, day, key):
        fresh[pos].append((update, w))
    names = [Path(wb.path).name for wb in returned]
    # Rebuild the draft from the base and every update so far, so a disagreement is seen whichever run brought it.
    ordered = [
        rebuild(rec, previous.get(keys[pos], ()), fresh.get(pos, ()), names, run, settings)
        for pos, rec in enumerate(base_records)
    ]
    returned_owners = {wb.owner for w, wb in enumerate(returned) if run.markers.get(w) != "edited"}
    returned_owners |= {u.owner for r in ordered for u in r.updates}
    # Owners are chased for what their workbooks asked about: records neither complete nor closed.
    closed = store.closures(chosen)
    asked = [r for r in base_records if is_open(r, closed)]
    run.chase = [
        Chase(k, ", ".join(r.id for r in asked if k in r.owner_keys), "no workbook returned yet")
        for k in dict.fromkeys(k for r in asked for k in r.owner_keys)
        if k not in returned_owners
    ]
    if not fresh and draft is None:
        return None, run
    sources = _source_entries(draft) | {u.source for ups in fresh.values() for u, _ in ups}
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
