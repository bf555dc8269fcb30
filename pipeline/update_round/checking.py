"""Checking returned rows against the revision they answer: which workbooks are usable (marker, source,
content seen before), and which record each row's update goes to, with what was refused and why."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.meta import long_date
from pipeline.records import Record, Rejected, Revision, Stale, Update
from pipeline.returns import ReturnedWorkbook
from pipeline.settings import Settings
from pipeline.update_round.draft import Run
from pipeline.update_round.returned_rows import check_row, marker_state, route_row, says_anything

EDITED_REASON = "its hidden marker sheet was edited (its signature does not match): not applied; check with the owner"
# One return gathered into a draft, as its source lists it: file name#return id.
_SOURCE_ENTRY = re.compile(r"[^,#]+#[0-9a-f]{12}(?=,|$)")


def collected_before(draft: Revision | None, previous: Iterable[Sequence[Update]]) -> dict[str, str]:
    """Every return gathered in the draft so far, superseded ones too (the draft's source lists each as
    name#return): return id -> where it came from."""
    known = {e.rpartition("#")[2]: f"{e.rpartition('#')[0]} (collected before)" for e in source_entries(draft)}
    for u in (u for ups in previous for u in ups):
        known[u.source.rpartition("#")[2]] = f"{u.source.split('#')[0]} (collected {long_date(u.date)})"
    return known


def source_entries(draft: Revision | None) -> set[str]:
    """The returns a draft's source lists (name#return id); none for a draft made before returns had ids."""
    return {e.strip() for e in _SOURCE_ENTRY.findall(draft.source)} if draft else set()


def record_keys(records: Sequence[Record]) -> list[tuple[str, int]]:
    """Each record's key: its ID and how many records before it had that ID (0 once IDs are unique)."""
    seen: dict[str, int] = defaultdict(int)
    keys = []
    for r in records:
        keys.append((r.id, seen[r.id]))
        seen[r.id] += 1
    return keys


def read_rows(
    returned: Sequence[ReturnedWorkbook],
    base: Revision,
    latest: Revision,
    base_records: Sequence[Record],
    known: dict[str, str],
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
            run.stale.append(Stale("", wb.owner, name, EDITED_REASON))
            run.outcomes[w].append("not applied: the marker sheet was edited")
            continue
        earlier = seen.get((wb.owner, wb.content)) or known.get(wb.content[:12])
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
