"""browse: what a screen shows of the store, as typed objects. Pure reads over the library; no SQL, no HTTP.

- `summarise_plans`: each plan with its latest revision, counts by status, overdue and slipped counts.
- `browse_records`: one revision's records, flagged, filtered (status, owner, theme, flag, text) and paged.
- `view_record`: one record: its flags with their reasons, its history, the issues about it.
- `group_changes`: the changes between two revisions as sentences, grouped by kind.
- `round_overview`: the update round of a plan: the revision owners answer, its owners, drafts waiting.

The web app (`pipeline.web`) renders these; a command could print them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pipeline.history import flags, owner_keys_of, record_history, status_counts
from pipeline.ingest import diff_between, load_history
from pipeline.page_images import pdf_revision
from pipeline.records import Diff, Extraction, Flagged, HistoryRow, Issue, Plan, Record, Revision, Source
from pipeline.statuses import VALUES
from pipeline.store import Store, StoreError, describe_url
from pipeline.update_round.workbooks import is_open
from pipeline.words import CHANGE_GROUPS, and_list, change_sentence, no_progress_words, overdue_words, slipped_words

PER_PAGE = 50  # records on one page of a plan's records
# The flags a record can carry, by name, with the word every screen shows for each.
FLAG_WORDS = {"overdue": "Overdue", "slipped": "Slipped", "stale": "No new progress", "closed": "Closed"}


@dataclass(frozen=True)
class PlanSummary:
    """One plan at a glance: its latest published revision, its records' counts by status value, how many are
    overdue and slipped at the reporting date, and the drafts of owner returns waiting for approval."""

    plan: Plan
    latest: Revision | None
    records: int
    counts: Mapping[str, int]
    overdue: int
    slipped: int
    drafts: tuple[Revision, ...] = ()


@dataclass(frozen=True)
class RecordFilter:
    """What a list of records is narrowed to: a status value, an owner key, a theme, a flag name (see
    FLAG_WORDS) and words to find; None (or empty) for any."""

    status: str | None = None
    owner: str | None = None
    theme: str | None = None
    flag: str | None = None
    text: str | None = None

    @property
    def active(self) -> bool:
        return any((self.status, self.owner, self.theme, self.flag, self.text))


@dataclass(frozen=True)
class RecordPage:
    """One page of a revision's records, flagged and filtered, with what the filters can choose from."""

    plan: Plan
    revisions: tuple[Revision, ...]  # every revision of the plan in order, drafts too
    revision: Revision
    as_of: date
    filters: RecordFilter
    rows: tuple[Flagged, ...]
    total: int  # records in the revision
    matched: int  # records the filters keep
    page: int
    pages: int
    statuses: tuple[str, ...]  # the status values of the vocabulary, in order
    owners: tuple[str, ...]
    themes: tuple[str, ...]
    closed: Mapping[str, str] = field(default_factory=dict)
    per_page: int = PER_PAGE

    @property
    def first(self) -> int:
        """The number of the page's first record among those matched, from 1."""
        return (self.page - 1) * self.per_page + 1


@dataclass(frozen=True)
class FlagReason:
    """One flag a record carries (a name from FLAG_WORDS, or "not_reported") and why, in words."""

    flag: str
    word: str
    reason: str


@dataclass(frozen=True)
class RecordView:
    """One record of a revision: flagged, its flags with reasons, its history across revisions, the issues
    found about it when the revision was stored, and where the committee agreed to close it."""

    plan: Plan
    revision: Revision
    flagged: Flagged
    reasons: tuple[FlagReason, ...]
    history: tuple[HistoryRow, ...]
    issues: tuple[Issue, ...]
    closed: str | None
    as_of: date
    source: Revision  # the revision read from the PDF its pages are in (itself, or the one owners answered)
    source_kept: bool  # whether the store keeps that PDF, so its pages can be drawn


@dataclass(frozen=True)
class ChangeLine:
    """One change in words, with the record it is about."""

    id: str
    sentence: str

    @property
    def after_id(self) -> str:
        """The sentence without the record id it starts with ("R1: status changed…" -> "status changed…")."""
        head = f"{self.id}: "
        return self.sentence[len(head) :] if self.id and self.sentence.startswith(head) else self.sentence


@dataclass(frozen=True)
class ChangeSection:
    """The changes of one kind (a heading of `pipeline.words.CHANGE_GROUPS`), in words."""

    title: str
    lines: tuple[ChangeLine, ...]


@dataclass(frozen=True)
class RoundOverview:
    """A plan's update round: the revision owner workbooks are made from, the owners with open records in it,
    and the drafts of owner returns waiting for approval."""

    plan: Plan
    latest: Revision
    owners: tuple[str, ...]
    drafts: tuple[Revision, ...]


def plan_by_id(store: Store, plan_id: int) -> Plan:
    """Given a plan's id, return the plan; StoreError when the store has none with that id."""
    for plan in store.plans():
        if plan.id == plan_id:
            return plan
    raise StoreError(describe_url(store.url), f"has no plan number {plan_id}")


def revision_by_id(store: Store, plan: Plan, revision_id: int | None) -> Revision:
    """Given a plan and a revision id (None: the latest published, else the latest draft), return it, drafts
    included; StoreError when the plan has none with that id."""
    every = store.revisions(plan, include_drafts=True)
    if revision_id is None:
        published = [r for r in every if not r.draft]
        if published or every:
            return (published or every)[-1]
        raise StoreError(describe_url(store.url), f"plan {plan.name!r} has no revisions")
    for rev in every:
        if rev.id == revision_id:
            return rev
    raise StoreError(describe_url(store.url), f"plan {plan.name!r} has no revision number {revision_id}")


def summarise_plans(store: Store, *, as_of: date | None = None) -> list[PlanSummary]:
    """Given the store, return each plan (by name) with its latest published revision and its counts: by
    status, and overdue and slipped as at `as_of` (default today)."""
    when = as_of or date.today()
    out = []
    for plan in store.plans():
        every = store.revisions(plan, include_drafts=True)
        drafts = tuple(r for r in every if r.draft)
        published = [r for r in every if not r.draft]
        if not published:
            out.append(PlanSummary(plan, None, 0, dict.fromkeys(VALUES, 0), 0, 0, drafts))
            continue
        flagged = flags(load_history(store, plan), when)
        records = [f.record for f in flagged]
        out.append(
            PlanSummary(
                plan,
                published[-1],
                len(records),
                status_counts(records),
                sum(f.overdue for f in flagged),
                sum(f.slipped for f in flagged),
                drafts,
            )
        )
    return out


def _matches(f: Flagged, filters: RecordFilter, closed: Mapping[str, str]) -> bool:
    if filters.status and f.status_value != filters.status:
        return False
    if filters.owner and filters.owner not in f.owner_keys:
        return False
    if filters.theme and (f.theme or "") != filters.theme:
        return False
    if filters.flag == "closed" and f.id not in closed:
        return False
    if filters.flag in ("overdue", "slipped", "stale") and not getattr(f, filters.flag):
        return False
    if filters.text:
        words = filters.text.casefold().split()
        haystack = " ".join(
            (
                f.id,
                f.theme or "",
                f.recommendation,
                f.proposed_actions,
                f.progress,
                f.timescale,
                f.status,
                " ".join(f.owners),
                " ".join(f.record.extra.values()),
            )
        ).casefold()
        return all(w in haystack for w in words)
    return True


def browse_records(
    store: Store,
    plan: Plan,
    *,
    revision_id: int | None = None,
    filters: RecordFilter | None = None,
    as_of: date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> RecordPage:
    """Given a plan and a revision id (None: the latest), return one page of its records flagged as at `as_of`
    (default today) and narrowed by `filters`, with the statuses, owners and themes there are to choose from."""
    filters = filters or RecordFilter()
    when = as_of or date.today()
    revision = revision_by_id(store, plan, revision_id)
    every = tuple(store.revisions(plan, include_drafts=True))
    flagged = flags(load_history(store, plan, revision, include_drafts=revision.draft), when)
    closed = store.closures(plan)
    kept = [f for f in flagged if _matches(f, filters, closed)]
    pages = max(1, math.ceil(len(kept) / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return RecordPage(
        plan=plan,
        revisions=every,
        revision=revision,
        as_of=when,
        filters=filters,
        rows=tuple(kept[start : start + per_page]),
        total=len(flagged),
        matched=len(kept),
        page=page,
        pages=pages,
        statuses=VALUES,
        owners=tuple(sorted(owner_keys_of(flagged), key=str.casefold)),
        themes=tuple(dict.fromkeys(f.theme for f in flagged if f.theme)),
        closed=closed,
        per_page=per_page,
    )


def flag_reasons(f: Flagged, closed: str | None = None) -> tuple[FlagReason, ...]:
    """Given a flagged record (and where the committee agreed to close it), return its flags, each with why."""
    out = []
    if closed:
        out.append(FlagReason("closed", FLAG_WORDS["closed"], f"The committee agreed to close it: {closed}."))
    if f.overdue:
        out.append(FlagReason("overdue", FLAG_WORDS["overdue"], overdue_words(f.due, f.status_value)))
    if f.slipped:
        out.append(FlagReason("slipped", FLAG_WORDS["slipped"], slipped_words(f.original_due, f.due)))
    if f.stale:
        out.append(FlagReason("stale", FLAG_WORDS["stale"], no_progress_words(f.unchanged_for)))
    if f.status_value == "not_reported":
        out.append(FlagReason("not_reported", "No status", "The plan gives no status for it."))
    return tuple(out)


def view_record(
    store: Store, plan: Plan, record_id: str, *, revision_id: int | None = None, as_of: date | None = None
) -> RecordView | None:
    """Given a plan, a record id and a revision id (None: the latest), return the record as of `as_of`
    (default today) with its flags' reasons and history; None when the revision has no such record."""
    when = as_of or date.today()
    revision = revision_by_id(store, plan, revision_id)
    history = load_history(store, plan, revision, include_drafts=revision.draft)
    found = next((f for f in flags(history, when) if f.id == record_id), None)
    if found is None:
        return None
    closed = store.closures(plan).get(record_id)
    issues = tuple(i for i in store.issues(revision) if i.record == record_id)
    source = pdf_revision(store, revision)
    kept = store.source_bytes(source.sha256) is not None
    reasons = flag_reasons(found, closed)
    steps = record_history(history, record_id)
    return RecordView(plan, revision, found, reasons, steps, issues, closed, when, source, kept)


def changes_between(store: Store, plan: Plan, *, old_id: int | None, new_id: int | None) -> Diff | None:
    """Given a plan and two revision ids (None: the latest, and the one before the new), return the diff, or
    None when the plan has one revision only."""
    new = revision_by_id(store, plan, new_id)
    if old_id is None:
        every = store.revisions(plan, include_drafts=True)
        ids = [r.id for r in every]
        index = ids.index(new.id)
        if index == 0:
            return None
        old = every[index - 1]
    else:
        old = revision_by_id(store, plan, old_id)
    return diff_between(store, plan, old, new, include_drafts=True)


def group_changes(found: Diff) -> tuple[ChangeSection, ...]:
    """Given a diff, return every change as a sentence, grouped by kind in the paper's order (columns first)."""
    sections = []
    columns = []
    if found.columns_added:
        columns.append(ChangeLine("", f"The plan now has the columns {and_list(list(found.columns_added))}."))
    if found.columns_removed:
        columns.append(ChangeLine("", f"The plan no longer has the columns {and_list(list(found.columns_removed))}."))
    if columns:
        sections.append(ChangeSection("Columns", tuple(columns)))
    for title, kinds in CHANGE_GROUPS:
        lines = tuple(ChangeLine(c.id, change_sentence(c)) for c in found.changes if isinstance(c, kinds))
        if lines:
            sections.append(ChangeSection(title, lines))
    return tuple(sections)


def round_overview(store: Store, plan: Plan, *, as_of: date | None = None) -> RoundOverview:
    """Given a plan, return its update round: the latest published revision, the owners of its open records
    (not complete, not closed) and the drafts of owner returns waiting for approval."""
    latest = store.revision(plan, None)
    closed = store.closures(plan)
    flagged = flags(load_history(store, plan, latest), as_of or date.today())
    owners = owner_keys_of([f for f in flagged if is_open(f.record, closed)])
    drafts = tuple(r for r in store.revisions(plan, include_drafts=True) if r.draft)
    return RoundOverview(plan, latest, tuple(owners), drafts)


def closable(store: Store, plan: Plan) -> tuple[Record, ...]:
    """Given a plan, return the records of its latest published revision the committee could close: complete,
    and not closed yet."""
    latest = store.revision(plan, None)
    closed = store.closures(plan)
    return tuple(r for r in store.records(latest) if r.status.value == "complete" and r.id not in closed)


def revision_extraction(store: Store, revision: Revision) -> Extraction:
    """Given a stored revision, return it as an extraction (its source, records and issues), to write as the
    record files `extract` writes (`pipeline.export.recordfile`)."""
    source = Source(revision.source, revision.sha256, revision.pages, revision.title, revision.columns)
    return Extraction(source, tuple(store.records(revision)), tuple(store.issues(revision)))


def days_slipped(row: HistoryRow) -> int | None:
    """Given one revision of a recommendation's history, return how many days its end stands after the end
    first given (None when either is unknown)."""
    due, first = row.record.timescale.end, row.original_due
    if not due or not first:
        return None
    return (date.fromisoformat(due) - date.fromisoformat(first)).days
