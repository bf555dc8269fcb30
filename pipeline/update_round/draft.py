"""Building the draft of owner returns: each base record with every owner's latest update applied (co-owners
who disagree held as a conflict), and the draft revision that holds them; `Run` gathers what a collect run
found on the way."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.matching import squash
from pipeline.records import (
    Accepted,
    Chase,
    Column,
    Conflict,
    Issue,
    NewRevision,
    Record,
    Rejected,
    Revision,
    Stale,
    Update,
)
from pipeline.settings import Settings
from pipeline.update_round.returned_rows import apply_update, described, same_update


@dataclass
class Run:
    """The lists one pass over the returns fills in."""

    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)
    chase: list[Chase] = field(default_factory=list)
    outcomes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    markers: dict[int, str] = field(default_factory=dict)


def latest_per_owner(updates: Sequence[Update]) -> list[Update]:
    """Given a record's updates in the order collected, return each owner's last one (in that order)."""
    last = {u.owner: i for i, u in enumerate(updates)}
    return [u for i, u in enumerate(updates) if last[u.owner] == i]


def rebuild(
    rec: Record,
    before: Sequence[Update],
    fresh: Sequence[tuple[Update, int]],
    names: Sequence[str],
    run: Run,
    settings: Settings,
) -> Record:
    """Given a base record, the updates collected on it before and the fresh ones (with their workbook),
    return it with each owner's latest update applied; co-owners who disagree are a conflict, neither
    applied. What was accepted, superseded and conflicting goes into `run`."""
    every = latest_per_owner(before)
    landed: dict[str, tuple[Update, int, Update | None]] = {}  # owner -> (update, workbook, what it replaced)
    for update, w in fresh:
        mine = next((u for u in every if u.owner == update.owner), None)
        if mine is not None and same_update(mine, update):
            continue  # said before: counted once
        if update.owner in landed:
            run.outcomes[landed[update.owner][1]].append(f"superseded by {names[w]} on {rec.id}")
        if mine is not None:
            run.outcomes[w].append(f"supersedes {mine.source.split('#')[0]} on {rec.id}")
        every = [u for u in every if u.owner != update.owner] + [update]
        landed[update.owner] = (update, w, mine)
    held = {
        what
        for what in ("status", "timescale")
        if len({squash(getattr(u, what)).lower() for u in every if getattr(u, what)}) > 1
    }
    for what in sorted(held):
        run.conflicts.extend(
            Conflict(rec.id, what, u.owner, getattr(u, what), u.source.split("#")[0]) for u in every if getattr(u, what)
        )
    built = rec
    for u in every:
        built = apply_update(built, u, settings, "status" not in held, "timescale" not in held)
    for update, w, replaced in landed.values():
        count = 0
        for what, value, why in (
            ("progress", update.progress, ""),
            ("status", update.status, ""),
            ("timescale", update.timescale, update.reason),
            ("evidence", update.evidence, ""),
            ("comments", update.comments, ""),
        ):
            if value and what not in held:
                count += 1
                supersedes = described(replaced) if replaced is not None else ""
                run.accepted.append(Accepted(rec.id, update.owner, names[w], what, value, why, supersedes))
        if count:
            run.outcomes[w].append(f"{rec.id}: {count} accepted")
    return built


def draft_of(base: Revision, ordered: Sequence[Record], sources: set[str]) -> NewRevision:
    """The draft revision to store: the base's, with the rebuilt records and a progress and a status column."""
    sha = hashlib.sha256("".join(sorted(u.source for r in ordered for u in r.updates)).encode()).hexdigest()
    columns = list(base.columns)
    for fld, header in (("progress", "Progress to date"), ("status", "Status")):
        if fld not in {c.field for c in columns}:
            columns.append(Column(fld, header))
    return NewRevision(
        title=base.title,
        source=", ".join(sorted(sources)),
        sha256=sha,
        pages=base.pages,
        columns=columns,
        records=ordered,
        issues=[Issue("info", f"owner returns collected against {base.label}; approve to publish")],
        kind="owner-returns",
    )
