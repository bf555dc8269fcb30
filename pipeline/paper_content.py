"""What the quarterly committee paper says, gathered from one plan's history: pure, in plain English.

Dates are UK long dates, revisions are named by their revision date ("the December 2015 update"), every kind
of change the diff finds is reported, and the items needing attention are what a committee acts on: overdue,
slipped, not reported (unless the plan answers it under another recommendation) and no new progress for
`QUIET_REPORTS` reports or more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pipeline.history import status_by_theme, status_counts
from pipeline.meta import long_date
from pipeline.records import (
    Attention,
    ChangeGroup,
    Diff,
    Flagged,
    HeaderLine,
    History,
    PaperContent,
    Record,
    Revision,
)
from pipeline.statuses import STATUS_WORDS
from pipeline.words import (
    CHANGE_GROUPS,
    and_list,
    change_sentence,
    document_words,
    month_year,
    no_progress_words,
    overdue_words,
    plural,
    printed_title,
    revision_words,
    slipped_words,
    summarise,
)

QUIET_REPORTS = 2  # reports in a row with no new progress before a recommendation needs attention
HEADER_LABELS = (
    ("from", "From"),
    ("to", "To"),
    ("subject", "Subject"),
    ("decision_no", "Decision No"),
    ("classification", "Classification"),
    ("past_pathway", "Past Pathway of report"),
    ("future_pathway", "Future Pathway of report"),
    ("electoral_divisions", "Electoral Division"),
)


def plan_name(meta: Mapping[str, Any], revision: Revision) -> str:
    """The plan's name in prose: `plan_name` from the meta file, else its cleaned title, else "action plan"."""
    named = str(meta.get("plan_name") or "").strip()
    if named:
        return named
    title = printed_title(revision).rstrip(".")
    month = month_year(revision.as_of)
    if month:  # "Updated Action Plan (December 2015)" names the plan without its date
        title = title.replace(f"({month})", "").strip()
    return title or "action plan"


def counts_words(counts: Mapping[str, int]) -> str:
    """Given status counts, return them as words ("7 complete, 16 in progress and 4 not reported")."""
    return and_list([f"{n} {STATUS_WORDS.get(v, v)}" for v, n in counts.items() if n])


def gather_paper(
    history: History,
    previous: Revision | None,
    *,
    changes: Diff | None,
    counts_before: Mapping[str, int] | None,
    closed: Mapping[str, str],
    flagged: Sequence[Flagged],
    as_of: date,
    meta: Mapping[str, Any],
) -> PaperContent:
    """Given a plan's history up to the revision reported on, the revision compared with, the changes since
    it, its counts, the closures, the flagged records as of the reporting date and the meta settings, return
    everything the paper says."""
    revision = history.last
    records = history.records[-1]
    name = plan_name(meta, revision)
    the_plan = name if name.lower().startswith("the ") else f"the {name}"
    n = len(records)
    this_update = revision_words(revision)
    before = revision_words(previous) if previous else None
    open_flagged = [f for f in flagged if f.id not in closed]
    by_id = {r.id: r for r in records}
    groups = _change_groups(changes, closed)
    count_now = status_counts(records)
    for_closure = tuple(
        f"{f.id}: {summarise(f.recommendation)} ({f.status})" for f in open_flagged if f.status_value == "complete"
    )
    subject = str(meta.get("subject") or f"{name[:1].upper()}{name[1:]}: progress report")
    summary = _summary(the_plan, n, count_now, as_of, before, groups)
    recommendations = f"The Committee is asked to NOTE the progress made against the recommendations of {the_plan}" + (
        ", and to AGREE whether the recommendations listed in section 5 can be closed." if for_closure else "."
    )
    return PaperContent(
        meta=meta,
        header=_header(meta, subject),
        subject=subject,
        plan_name=name,
        as_of=long_date(as_of),
        this_update=this_update,
        previous_update=before,
        summary=str(meta.get("summary") or summary),
        recommendations=str(meta.get("recommendations") or recommendations),
        introduction=(
            f"This report sets out progress on the {plural(n, 'recommendation')} of {the_plan}, as reported in "
            f"{this_update}.",
            f"Overdue items and items with no new progress are worked out as at {long_date(as_of)}.",
            "The full action plan is attached as Appendix A.",
        ),
        overview=f"Of the {plural(n, 'recommendation')}, {counts_words(count_now)}."
        + (f" The Committee has closed {plural(len(closed), 'recommendation')}." if closed else ""),
        counts_now=count_now,
        counts_before=counts_before,
        theme_counts=status_by_theme(flagged)[:-1],
        chart_title=f"Recommendations by status and theme, {this_update.removeprefix('the ')}",
        changes_intro=(
            f"Compared with {before}:"
            if before
            else "This is the first report on this plan: there is nothing to compare with."
        ),
        changes=groups,
        attention=_attention([f for f in open_flagged if not _answered_under(f, by_id)]),
        answered_elsewhere=_answered_elsewhere(open_flagged, by_id),
        for_closure=for_closure,
        closed=closed,
        background=(
            *(document_words(rev) for rev in history.revisions),
            *(str(b) for b in meta.get("background_documents", [])),
        ),
        contact=_contact(meta),
        appendix_title=f"Appendix A: {printed_title(revision) or 'Action plan'}",
        columns=revision.columns,
        records=records,
    )


def _header(meta: Mapping[str, Any], subject: str) -> tuple[HeaderLine, ...]:
    lines = []
    for key, label in HEADER_LABELS:
        value = subject if key == "subject" else meta.get(key)
        if value:
            lines.append(HeaderLine(label, "\n".join(value) if isinstance(value, list) else str(value)))
    return tuple(lines)


def _contact(meta: Mapping[str, Any]) -> tuple[str, ...]:
    contact = meta.get("contact") or meta.get("author")
    if not contact:
        return ("Contact details: not given (add `contact` to the meta file).",)
    return tuple(contact) if isinstance(contact, list) else (str(contact),)


def _summary(
    the_plan: str,
    n: int,
    counts: Mapping[str, int],
    as_of: date,
    before: str | None,
    groups: Sequence[ChangeGroup],
) -> str:
    """The generated Summary (the meta file may give its own)."""
    text = (
        f"This report sets out progress on the {plural(n, 'recommendation')} of {the_plan} as at "
        f"{long_date(as_of)}: {counts_words(counts)}."
    )
    if before is not None:
        found = {g.title: len(g.sentences) for g in groups}
        parts = [
            plural(found.get("Status changes", 0), "recommendation") + " changed status",
            plural(found.get("Timescales that changed", 0), "timescale") + " changed",
            plural(found.get("New progress", 0), "recommendation") + " reported new progress",
        ]
        if found.get("Owners that changed"):
            parts.append(plural(found["Owners that changed"], "recommendation") + " changed owners")
        text += f" Since {before}, {and_list(parts)}."
    return text


def _change_groups(changes: Diff | None, closed: Mapping[str, str]) -> tuple[ChangeGroup, ...]:
    """Every change of the diff as a sentence, grouped by kind (closed recommendations left out)."""
    if changes is None:
        return ()
    groups = []
    if changes.columns_added or changes.columns_removed:
        said = []
        if changes.columns_added:
            said.append(f"The plan now has the columns {and_list(list(changes.columns_added))}.")
        if changes.columns_removed:
            said.append(f"The plan no longer has the columns {and_list(list(changes.columns_removed))}.")
        groups.append(ChangeGroup("Columns", tuple(said)))
    for title, kinds in CHANGE_GROUPS:
        said = [change_sentence(c) for c in changes.changes if isinstance(c, kinds) and c.id not in closed]
        if said:
            groups.append(ChangeGroup(title, tuple(said)))
    return tuple(groups)


def _attention(open_flagged: Sequence[Flagged]) -> tuple[Attention, ...]:
    """The open recommendations a committee acts on, each with why."""
    out = []
    for f in open_flagged:
        why = []
        if f.overdue:
            why.append("Overdue. " + overdue_words(f.due, f.status_value))
        if f.slipped and f.original_due:
            why.append("Slipped. " + slipped_words(f.original_due, f.due))
        if f.status_value == "not_reported":
            why.append("No status reported.")
        if f.unchanged_for >= QUIET_REPORTS:
            why.append(no_progress_words(f.unchanged_for))
        if why:
            out.append(
                Attention(
                    f.id, summarise(f.recommendation, 160), " ".join(why), and_list(list(f.owners)), long_date(f.due)
                )
            )
    return tuple(out)


def _answered_under(f: Flagged, by_id: Mapping[str, Record]) -> list[str]:
    """The recommendations a record with no status of its own points to ("N/A see R4"): the plan answers it
    there, so it is reported with them, not as missing or overdue."""
    if f.status_value != "not_reported":
        return []
    return [r for r in f.cross_refs if r in by_id]


def _answered_elsewhere(open_flagged: Sequence[Flagged], by_id: Mapping[str, Record]) -> tuple[str, ...]:
    """Recommendations with no status of their own that the plan answers under another: said, not flagged."""
    out = []
    for f in open_flagged:
        refs = _answered_under(f, by_id)
        if refs:
            states = and_list([f"{r} ({STATUS_WORDS.get(by_id[r].status.value, 'not reported')})" for r in refs])
            out.append(f"{f.id} is answered under {states}.")
    return tuple(out)
