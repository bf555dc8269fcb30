"""Returned owner workbooks into a draft revision of the plan, and approving the draft."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError
from pipeline.export.collect_report import write_collect_report
from pipeline.normalise import read_status, read_timescale
from pipeline.records import Column, Issue, Plan, Record, Revision, Update
from pipeline.returns import ReturnedWorkbook, WorkbookError, read_return
from pipeline.settings import Settings, load_settings
from pipeline.statuses import parse_status, vocabulary_word
from pipeline.store import ChangedMeanwhileError, Store, describe_url
from pipeline.views import (
    record_fingerprint,
    squash,
)


@dataclass(frozen=True)
class Collected:
    """What one collect run did."""

    draft: Revision | None
    accepted: list[list[Any]]
    rejected: list[list[Any]]
    conflicts: list[list[Any]]
    stale: list[list[Any]]
    chase: list[list[Any]]
    failed: list[str]
    report: Path | None


def _canonical_status(text: str, settings: Settings) -> tuple[str, str] | None:
    """Given a typed status, return (the vocabulary's own words, value), forgiving case and spacing."""
    reading = parse_status(text, settings.statuses, settings.rag_words, settings.rag_values)
    if reading.value in ("unknown", "not_reported"):
        return None
    return vocabulary_word(text, reading.value, settings.statuses), reading.value


def _check_row(
    rec: Record, inputs: dict[str, str], owner: str, source: str, today: str, settings: Settings
) -> tuple[Update, list[tuple[str, str, str]]]:
    """Given a returned row's inputs, return the update they make and the cells rejected (column, value, why)."""
    rejected: list[tuple[str, str, str]] = []
    status = inputs.get("Proposed status", "")
    if status:
        canonical = _canonical_status(status, settings)
        if canonical is None:
            rejected.append(
                (
                    "Proposed status",
                    status,
                    f"not a status in the list ({', '.join(w for ws in settings.statuses.values() for w in ws[:1])})",
                )
            )
            status = ""
        else:
            status = canonical[0]
    timescale = inputs.get("Revised timescale", "")
    reason = inputs.get("Reason for new timescale", "")
    if timescale:
        if read_timescale(timescale, settings).rule is None:
            rejected.append(
                (
                    "Revised timescale",
                    timescale,
                    "cannot be read as a date or period (write e.g. 'March 2016', 'Q3 2016/17', '31/3/16')",
                )
            )
            timescale = ""
        elif not reason:
            rejected.append(("Revised timescale", timescale, "a reason for the new timescale is required"))
            timescale = ""
    update = Update(
        owner=owner,
        date=today,
        progress=inputs.get("Progress update", ""),
        status=status,
        timescale=timescale,
        reason=reason if timescale else "",
        evidence=inputs.get("Evidence / links", ""),
        comments=inputs.get("Comments", ""),
        source=source,
    )
    return update, rejected


def _apply(rec: Record, update: Update, settings: Settings, status: bool = True, timescale: bool = True) -> Record:
    """Given a record and an update, return the record with it applied (status and timescale only when
    not held back by a conflict) and the update kept as proposed."""
    progress = rec.progress
    if update.progress:
        line = f"{update.date} – {update.owner}: {update.progress}"
        progress = f"{progress}\n\n{line}" if progress.strip() else line
    return replace(
        rec,
        progress=progress,
        status=read_status(update.status, settings) if update.status and status else rec.status,
        timescale=read_timescale(update.timescale, settings) if update.timescale and timescale else rec.timescale,
        updates=(*rec.updates, update),
    )


def collect_returns(
    store: Store,
    files: Sequence[Path],
    report: Path,
    label: str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> Collected:
    """Read returned owner workbooks, check every cell, and gather accepted updates into a draft revision."""
    settings = settings or load_settings()
    day = (today or date.today()).isoformat()
    returned: list[ReturnedWorkbook] = []
    failed: list[str] = []
    for path in files:
        try:
            returned.append(read_return(path))
        except PipelineError as error:
            if len(files) == 1:
                raise
            failed.append(str(error))
    if not returned:
        raise WorkbookError(None, f"none of the {len(files)} workbooks could be read: " + " | ".join(failed))
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
    for attempt in range(5):
        # Another collect may write the same draft meanwhile: then start again from its result.
        try:
            new_draft, accepted, rejected, conflicts, stale, chase = _collect_once(
                store, chosen, base, latest, returned, label, settings, day
            )
            break
        except ChangedMeanwhileError:
            if attempt == 4:
                raise
    title = f"Collect report: {chosen.name}, returns against revision {base.label}" + (
        f" -> draft {new_draft.label}" if new_draft else ""
    )
    path = write_collect_report(report, title, accepted, rejected, conflicts, stale, chase)
    return Collected(new_draft, accepted, rejected, conflicts, stale, chase, failed, path)


def _collect_once(
    store: Store,
    chosen: Plan,
    base: Revision,
    latest: Revision,
    returned: Sequence[ReturnedWorkbook],
    label: str | None,
    settings: Settings,
    day: str,
) -> tuple[Revision | None, list[list[Any]], list[list[Any]], list[list[Any]], list[list[Any]], list[list[Any]]]:
    """Check every returned row against the base revision and write the draft (conditionally on it being unchanged)."""
    base_records = {r.id: r for r in store.records(base)}
    draft = store.draft_for(chosen, base)
    current = {r.id: r for r in store.records(draft)} if draft else dict(base_records)
    accepted: list[list[Any]] = []
    rejected: list[list[Any]] = []
    stale: list[list[Any]] = []
    updates: list[tuple[str, Update, str]] = []  # (record id, update, workbook name)
    for wb in returned:
        name = Path(wb.path).name
        source = f"{name}#{wb.sha256[:12]}"
        if wb.revision_sha256 and wb.revision_sha256 != base.sha256:
            stale.append(
                [
                    "",
                    wb.owner,
                    name,
                    f"made from another file than revision {base.label}: send the owner a new workbook",
                ]
            )
            continue
        for row in wb.rows:
            given = any(row.inputs.values())
            rec = base_records.get(row.id)
            if rec is None:
                if given:
                    rejected.append(
                        [
                            row.id,
                            wb.owner,
                            name,
                            "ID",
                            row.id,
                            f"no recommendation {row.id} in revision {base.label}",
                        ]
                    )
                continue
            if not given:
                continue
            if base.id != latest.id and not base.draft:
                stale.append(
                    [
                        row.id,
                        wb.owner,
                        name,
                        f"answers revision {base.label}, but the latest is {latest.label}: send a new workbook",
                    ]
                )
                continue
            expected = record_fingerprint(rec)
            if wb.fingerprints.get(row.id) != expected or row.context_fingerprint != expected:
                stale.append(
                    [
                        row.id,
                        wb.owner,
                        name,
                        "the plan's own text in this row was changed, or the row is from another version: check with the owner",
                    ]
                )
                continue
            if wb.owner not in rec.owner_keys:
                rejected.append([row.id, wb.owner, name, "ID", row.id, f"{wb.owner} is not an owner of {row.id}"])
                continue
            update, bad = _check_row(rec, row.inputs, wb.owner, source, day, settings)
            rejected.extend([row.id, wb.owner, name, col, value, why] for col, value, why in bad)
            updates.append((row.id, update, name))
    previous = {r.id: r.updates for r in store.records(draft)} if draft else {}
    fresh: dict[str, list[tuple[Update, str]]] = defaultdict(list)
    for ident, update, name in updates:
        if any(u.source == update.source and u.owner == update.owner for u in previous.get(ident, ())):
            continue  # this workbook was collected before
        if any((update.progress, update.status, update.timescale, update.evidence, update.comments)):
            fresh[ident].append((update, name))
    # Rebuild the draft from the base and every update so far, so a disagreement is seen whichever run brought it.
    conflicts: list[list[Any]] = []
    ordered: list[Record] = []
    for rec in store.records(base):
        every = [*previous.get(rec.id, ()), *(u for u, _ in fresh.get(rec.id, ()))]
        held = {
            what
            for what in ("status", "timescale")
            if len({squash(getattr(u, what)).lower() for u in every if getattr(u, what)}) > 1
        }
        for what in sorted(held):
            conflicts.extend(
                [rec.id, what, u.owner, getattr(u, what), u.source.split("#")[0]] for u in every if getattr(u, what)
            )
        built = rec
        for u in every:
            built = _apply(built, u, settings, "status" not in held, "timescale" not in held)
        ordered.append(built)
        for u, name in fresh.get(rec.id, ()):
            for what, value, why in (
                ("progress", u.progress, ""),
                ("status", u.status, ""),
                ("timescale", u.timescale, u.reason),
                ("evidence", u.evidence, ""),
                ("comments", u.comments, ""),
            ):
                if value and what not in held:
                    accepted.append([rec.id, u.owner, name, what, value, why])
    current = {r.id: r for r in ordered}
    returned_owners = {wb.owner for wb in returned} | {u.owner for r in current.values() for u in r.updates}
    chase = [
        [key, ", ".join(r.id for r in base_records.values() if key in r.owner_keys), "no workbook returned yet"]
        for key in dict.fromkeys(k for r in base_records.values() for k in r.owner_keys)
        if key not in returned_owners
    ]
    new_draft = None
    if fresh or draft is not None:
        sha = hashlib.sha256("".join(sorted(u.source for r in ordered for u in r.updates)).encode()).hexdigest()
        columns = list(base.columns)
        for fld, header in (("progress", "Progress to date"), ("status", "Status")):
            if fld not in {c.field for c in columns}:
                columns.append(Column(fld, header))
        new_draft = store.add_revision(
            chosen.name,
            label or (draft.label if draft else f"{base.label}-returns"),
            None,
            base.title,
            ", ".join(sorted({Path(wb.path).name for wb in returned} | ({draft.source} if draft else set()))),
            sha,
            base.pages,
            columns,
            ordered,
            [Issue("info", f"owner returns collected against {base.label}; approve to publish")],
            kind="owner-returns",
            replace=draft is not None or label is not None,
            draft=True,
            base=base.label,
            expected=draft.id if draft is not None else 0,
        )
    return new_draft, accepted, rejected, conflicts, stale, chase


def approve_draft(store: Store, label: str, plan: str | None = None) -> Revision:
    """Publish a draft revision of owner returns: from now on it is the latest revision."""
    chosen = store.resolve_plan(plan)
    rev = store.revision(chosen, label, include_drafts=True)
    if not rev.draft:
        raise PipelineError(describe_url(store.url), f"revision {label!r} is already published")
    store.set_draft(rev, False)
    return store.revision(chosen, label)
