"""A plan's history as the read side uses it: revisions in order with their records, each recommendation
followed through them, and the flags of one revision as of a date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.records.plan import Record
from pipeline.records.store import Plan, Revision


@dataclass(frozen=True, slots=True)
class History:
    """A plan's revisions in order (up to the one wanted) with their records, and its lineages: each
    recommendation followed through the revisions (revision label -> that revision's record), matched by id,
    then by text, so renumbered and reworded ones stay one lineage."""

    plan: Plan
    revisions: tuple[Revision, ...]
    records: tuple[tuple[Record, ...], ...]  # one tuple per revision, in the same order
    lineages: tuple[Mapping[str, Record], ...]

    @property
    def last(self) -> Revision:
        return self.revisions[-1]

    def records_of(self, revision: Revision) -> tuple[Record, ...]:
        """Given one of the history's revisions, return its records."""
        return self.records[[r.id for r in self.revisions].index(revision.id)]


@dataclass(frozen=True, slots=True)
class Flagged:
    """One record of a revision with its flags as of a date: overdue (its end passed, not complete, not
    ongoing), slipped (its end later than the end first given), stale (the same progress in the last
    revisions while not complete), the revision where it last changed, and its workbook fingerprint."""

    record: Record
    original_due: str | None
    overdue: bool
    slipped: bool
    stale: bool
    changed_in: str
    fingerprint: str
    unchanged_for: int = 0  # reports in a row (revisions since) that brought no new progress text

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def parent(self) -> str | None:
        return self.record.parent

    @property
    def theme(self) -> str | None:
        return self.record.theme

    @property
    def recommendation(self) -> str:
        return self.record.recommendation

    @property
    def proposed_actions(self) -> str:
        return self.record.proposed_actions

    @property
    def owners(self) -> tuple[str, ...]:
        return self.record.owners

    @property
    def owner_keys(self) -> tuple[str, ...]:
        return self.record.owner_keys

    @property
    def timescale(self) -> str:
        return self.record.timescale.text

    @property
    def due(self) -> str | None:
        return self.record.timescale.end

    @property
    def rule(self) -> str | None:
        return self.record.timescale.rule

    @property
    def ongoing(self) -> bool:
        return self.record.timescale.ongoing

    @property
    def status(self) -> str:
        return self.record.status.text

    @property
    def status_value(self) -> str:
        return self.record.status.value

    @property
    def rag(self) -> str | None:
        return self.record.status.rag

    @property
    def progress(self) -> str:
        return self.record.progress

    @property
    def pages(self) -> tuple[int, ...]:
        return self.record.pages

    @property
    def cross_refs(self) -> tuple[str, ...]:
        return self.record.cross_refs


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One recommendation in one revision: its status, timescale (with the end first given and, when the
    timescale changed, the reason given for it), owners and progress."""

    revision: Revision
    record: Record
    original_due: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ThemeCounts:
    """How many records of one theme stand at each status value (in the status vocabulary's order)."""

    theme: str
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())
