"""The quarterly committee paper: gather what it says from the store and views, then write .docx (and .pdf)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError
from pipeline.export.atomic import check_target
from pipeline.export.paper import PaperContent, write_paper
from pipeline.export.pdf import PDF_TIMEOUT, docx_to_pdf
from pipeline.export.template import read_template
from pipeline.export.text import counts_to_text
from pipeline.history import diff, diff_revisions, first_ends, flags, status_by_theme, status_counts
from pipeline.history import previous as previous_revision
from pipeline.ingest import load_history
from pipeline.matching import squash
from pipeline.meta import load_meta, reporting_date
from pipeline.records import (
    Diff,
    Flagged,
    History,
    Plan,
    ProgressChanged,
    Record,
    Revision,
    Status,
    StatusChanged,
    Timescale,
    TimescaleChanged,
)
from pipeline.statuses import STATUS_WORDS
from pipeline.store import Store, describe_url


def _added_text(old: str, new: str) -> str:
    old_s, new_s = squash(old), squash(new)
    added = new_s[len(old_s) :].strip() if old_s and new_s.startswith(old_s) else new_s
    return added if len(added) <= 400 else added[:397] + "…"


def _long(text: str, limit: int = 110) -> str:
    text = squash(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _Changes:
    """Section 3 of the paper: status moves, timescales that changed, new progress (closed ones left out)."""

    moves: tuple[str, ...] = ()
    slipped: tuple[str, ...] = ()
    progress: tuple[str, ...] = ()


def _changes(diff: Diff | None, closed: Mapping[str, str]) -> _Changes:
    if diff is None:
        return _Changes()
    moves, slipped, progress = [], [], []
    for c in diff.changes:
        if c.id in closed:
            continue
        if isinstance(c, StatusChanged):
            moves.append(f"{c.id}: {_status(c.old)} → {_status(c.new)}")
        elif isinstance(c, TimescaleChanged):
            days = c.days_slipped
            how = (
                f"slipped {days} days"
                if days and days > 0
                else (f"brought forward {-days} days" if days else "reworded")
            )
            slipped.append(f"{c.id}: {_timescale(c.old)} → {_timescale(c.new)}: {how}")
        elif isinstance(c, ProgressChanged):
            progress.append(f"{c.id}: {_added_text(c.old, c.new)}")
    return _Changes(tuple(moves), tuple(slipped), tuple(progress))


def _status(status: Status) -> str:
    return f"{status.text or '(no status)'} ({STATUS_WORDS[status.value]})"


def _timescale(timescale: Timescale) -> str:
    return f"{timescale.text or '(none)'} (due {timescale.end or 'not set'})"


def _attention(open_records: Sequence[Flagged]) -> tuple[tuple[str, str, str, str], ...]:
    """Section 4: each open record that is overdue, slipped, stale or unreported, with why."""
    out = []
    for r in open_records:
        why = []
        if r.overdue:
            why.append(f"overdue: due {r.due}, status {r.status or '(none)'}")
        if r.slipped:
            why.append(f"slipped: first due {r.original_due}, now {r.due}")
        if r.stale:
            why.append("progress text unchanged since the last report")
        if r.status_value == "not_reported":
            why.append("no status reported")
        if why:
            out.append((r.id, "; ".join(why), ", ".join(r.owner_keys), r.due or ""))
    return tuple(out)


def paper_content(
    store: Store,
    history: History,
    previous: Revision | None,
    *,
    as_of: date,
    meta: dict[str, Any],
) -> PaperContent:
    """Given a plan's history up to the revision reported on, the one to compare it with, the date flags are
    worked out for and the meta settings, return everything the paper says."""
    plan, revision = history.plan, history.last
    records = history.records[-1]
    closed = store.closures(plan)
    flagged = flags(history, as_of)
    open_records = [f for f in flagged if f.id not in closed]
    counts_now = status_counts(records)
    diff = _diff(store, history, previous)
    counts_before = status_counts(_records_of(store, history, previous)) if previous else None
    changes = _changes(diff, closed)
    for_closure = tuple(
        f"{r.id}: {_long(r.recommendation)} ({r.status})" for r in open_records if r.status_value == "complete"
    )
    n = len(records)
    counts_words = counts_to_text(counts_now)
    summary, recommendations = _summary(plan, n, counts_words, as_of, previous, changes, bool(for_closure))
    background = (
        *(f"{rev.source} ({rev.label})" for rev in history.revisions),
        *(str(b) for b in meta.get("background_documents", [])),
    )
    contact = (
        meta.get("contact") or meta.get("author") or "Contact details: not given (add `contact` to the meta file)."
    )
    return PaperContent(
        meta=meta,
        subject=str(meta.get("subject") or f"{plan.name}: progress report"),
        plan=plan.name,
        as_of=as_of.isoformat(),
        revision_label=revision.label,
        revision_title=revision.title,
        previous_label=previous.label if previous else None,
        columns=revision.columns,
        records=records,
        closed=closed,
        summary=str(meta.get("summary") or summary),
        recommendations=str(meta.get("recommendations") or recommendations),
        introduction=(
            f"This report sets out progress on the {n} recommendations of the {plan.name}, using revision {revision.label} "
            f"of the action plan ({revision.source}).",
            f"Overdue and stale items are worked out as at {as_of.isoformat()}, so the paper can be rebuilt exactly.",
            "The full action plan is attached as Appendix A.",
        ),
        overview=f"Of the {n} recommendations, {counts_words}."
        + (f" {len(closed)} have been closed by the Committee." if closed else ""),
        counts_now=counts_now,
        counts_before=counts_before,
        theme_counts=status_by_theme(flagged)[:-1],
        status_moves=changes.moves,
        slipped=changes.slipped,
        new_progress=changes.progress,
        attention=_attention(open_records),
        for_closure=for_closure,
        background=background,
        contact=tuple(contact if isinstance(contact, list) else [str(contact)]),
    )


def _summary(
    plan: Plan,
    n: int,
    counts_words: str,
    as_of: date,
    previous: Revision | None,
    changes: _Changes,
    for_closure: bool,
) -> tuple[str, str]:
    """The generated Summary and Recommendation(s) (the meta file may give its own)."""
    since = ""
    if previous is not None:
        since = (
            f" Since the last report ({previous.label}) {len(changes.moves)} recommendation(s) changed status, "
            f"{len(changes.slipped)} timescale(s) changed and {len(changes.progress)} have new progress."
        )
    summary = (
        f"This paper reports progress on the {n} recommendations of the {plan.name}, "
        f"as at {as_of.strftime('%d %B %Y').lstrip('0')}: {counts_words}.{since}"
    )
    recommendations = (
        f"The Committee is asked to NOTE the progress made against the recommendations of the {plan.name}"
        + (", and to AGREE whether the recommendations listed in section 5 can be closed." if for_closure else ".")
    )
    return summary, recommendations


def _diff(store: Store, history: History, previous: Revision | None) -> Diff | None:
    """The changes since `previous`: from the history when it is one of its revisions, else read for it."""
    if previous is None:
        return None
    if previous.id in {r.id for r in history.revisions}:
        return diff(history, previous, history.last)
    return diff_revisions(
        previous, history.last, store.records(previous), history.records[-1], first_ends(history, history.last)
    )


def _records_of(store: Store, history: History, revision: Revision) -> Sequence[Record]:
    if revision.id in {r.id for r in history.revisions}:
        return history.records_of(revision)
    return store.records(revision)


def build_paper(
    store: Store,
    out: Path,
    *,
    plan: str | None = None,
    label: str | None = None,
    since: str | None = None,
    as_of: date | None = None,
    meta_path: Path | None = None,
    template: Path | None = None,
    pdf: bool = False,
    include_drafts: bool = False,
    progress: Callable[[str], None] | None = None,
    pdf_timeout: float = PDF_TIMEOUT,
) -> tuple[Path, Path | None, list[str]]:
    """Write the committee paper for a revision; return the .docx, the .pdf (if asked for) and notes.

    Every input is checked and both outputs are known to be writable paths before anything is written.
    """
    say = progress or (lambda _step: None)
    meta = load_meta(meta_path)
    if template is not None:
        read_template(template)
    check_target(out)
    if pdf:
        check_target(out.with_suffix(".pdf"))
    chosen = store.resolve_plan(plan)
    revision = store.revision(chosen, label, include_drafts=include_drafts)
    history = load_history(store, chosen, revision, include_drafts=include_drafts)
    before = store.revision(chosen, since, include_drafts=include_drafts) if since is not None else None
    previous = before or previous_revision(history, revision)
    when = reporting_date(as_of, meta)
    say("gathering")
    content = paper_content(store, history, previous, as_of=when, meta=meta)
    say("writing the Word document")
    try:
        docx, notes = write_paper(out, content, template, meta.get("styles"))
    except (KeyError, ValueError) as error:
        raise PipelineError(str(template or out), f"cannot lay out the paper ({error})") from None
    made_pdf = None
    if pdf:
        say("converting to PDF with LibreOffice")
        made_pdf = docx_to_pdf(docx, docx.with_suffix(".pdf"), timeout=pdf_timeout)
    return docx, made_pdf, notes


def close_records(store: Store, ids: list[str], agreed: str, *, plan: str | None = None) -> tuple[Plan, Revision]:
    """Record that the committee agreed these recommendations are closed (every id must be in the latest revision)."""
    chosen = store.resolve_plan(plan)
    latest = store.revision(chosen, None)
    known = {r.id for r in store.records(latest)}
    missing = [i for i in ids if i not in known]
    if missing:
        raise PipelineError(
            describe_url(store.url), f"no recommendation {', '.join(missing)} in revision {latest.label}: check the ids"
        )
    store.close_records(chosen, ids, agreed, latest)
    return chosen, latest
