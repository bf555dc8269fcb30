"""What one collect run found, a row each: updates accepted, cells rejected, co-owners' conflicts, stale
rows, owners still to chase, and how each returned workbook was taken. Each is a named tuple: a row of the
collect report as it stands (its last field, the plan, leads the row when one collect answers several plans),
and named fields for code."""

from __future__ import annotations

from typing import NamedTuple


class Accepted(NamedTuple):
    """An owner's update applied to a record (`what`: progress, status, timescale, evidence, comments)."""

    id: str
    owner: str
    workbook: str
    what: str
    value: str
    reason: str = ""  # the reason given for a new timescale
    supersedes: str = ""  # the same owner's earlier update it replaced
    plan: str = ""  # the plan, when one collect answers several


class Rejected(NamedTuple):
    """A returned cell not applied, and why."""

    id: str
    owner: str
    workbook: str
    column: str
    value: str
    why: str
    plan: str = ""  # the plan, when one collect answers several


class Conflict(NamedTuple):
    """One co-owner's proposal where co-owners disagree (neither is applied)."""

    id: str
    what: str
    owner: str
    proposed: str
    workbook: str
    plan: str = ""  # the plan, when one collect answers several


class Stale(NamedTuple):
    """A returned row (or a whole workbook, `id` empty) that answers a plan as it no longer stands."""

    id: str
    owner: str
    workbook: str
    why: str
    plan: str = ""  # the plan, when one collect answers several


class Chase(NamedTuple):
    """An owner with no workbook returned yet, and the records they hold."""

    owner: str
    records: str
    note: str
    plan: str = ""  # the plan, when one collect answers several


class ReturnLine(NamedTuple):
    """How one returned workbook was taken: its owner, return id, marker and outcome."""

    workbook: str
    owner: str
    content: str
    marker: str
    outcome: str
    plan: str = ""  # the plan, when one collect answers several
