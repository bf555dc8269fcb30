"""The quarterly committee paper: gather what it says from the store and views, then write .docx (and .pdf)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, PipelineError
from pipeline.export.atomic import check_target
from pipeline.export.paper import write_paper
from pipeline.export.pdf import PDF_TIMEOUT, docx_to_pdf
from pipeline.export.template import read_template
from pipeline.history import diff, diff_revisions, first_ends, flags, status_counts
from pipeline.history import previous as previous_revision
from pipeline.ingest import load_history
from pipeline.meta import check_meta, load_meta, reporting_date
from pipeline.paper_content import gather_paper
from pipeline.records import Diff, History, PaperContent, Plan, Record, Revision
from pipeline.store import Store, describe_url


def paper_content(
    store: Store,
    history: History,
    previous: Revision | None,
    *,
    as_of: date,
    meta: dict[str, Any],
) -> PaperContent:
    """Given a plan's history up to the revision reported on, the one to compare it with, the reporting date
    and the meta settings, return everything the paper says."""
    return gather_paper(
        history,
        previous,
        changes=_diff(store, history, previous),
        counts_before=status_counts(_records_of(store, history, previous)) if previous else None,
        closed=store.closures(history.plan),
        flagged=flags(history, as_of),
        as_of=as_of,
        meta=meta,
    )


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
    meta: Mapping[str, Any] | None = None,
    template: Path | None = None,
    pdf: bool = False,
    include_drafts: bool = False,
    progress: Callable[[str], None] | None = None,
    pdf_timeout: float = PDF_TIMEOUT,
) -> tuple[Path, Path | None, list[str]]:
    """Write the committee paper for a revision; return the .docx, the .pdf (if asked for) and notes.

    The meta settings come from a meta file (`meta_path`) or as they are (`meta`, e.g. a form's values, checked
    as a file's are: `pipeline.meta.check_meta`); either is kept in the store with the plan once the paper is
    written, so the next paper can start from it (`Store.last_paper_meta`). Every input is checked and both
    outputs are known to be writable paths before anything is written.
    """
    say = progress or (lambda _step: None)
    if meta_path is not None and meta is not None:
        raise ConfigError(str(meta_path), "give the paper's meta settings as a file or as values, not both")
    given = meta_path is not None or meta is not None
    settings = load_meta(meta_path) if meta is None else check_meta(meta, "the paper's meta settings")
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
    when = reporting_date(as_of, settings)
    say("gathering")
    content = paper_content(store, history, previous, as_of=when, meta=settings)
    say("writing the Word document")
    try:
        docx, notes = write_paper(out, content, template, settings.get("styles"))
    except (KeyError, ValueError) as error:
        raise PipelineError(str(template or out), f"cannot lay out the paper ({error})") from None
    if given:
        store.save_paper_meta(chosen.name, settings, revision=revision.label)
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
