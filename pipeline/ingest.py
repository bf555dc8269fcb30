"""Ingest: one call from a PDF to a stored revision, with the changes against the revision before it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.errors import InputError, PipelineError
from pipeline.extraction import extract_isolated, extract_plan
from pipeline.history import build_history, diff, diff_revisions, first_ends, previous
from pipeline.isolation import Limits
from pipeline.matching import match_records
from pipeline.meta import long_date
from pipeline.records import Diff, Extraction, History, NewRevision, Plan, Record, Revision
from pipeline.records.store import PlanMatch
from pipeline.settings import Settings, default_settings
from pipeline.store import AlreadyStoredError, Store, describe_url
from pipeline.timescales import Conventions, clean_timescale, read_period

# A file joins an existing plan when at least this share of its records match that plan's latest revision.
PLAN_MATCH = 0.5
NO_DATE = "no revision date: give --revision-date"
_TITLE_DATE = re.compile(r"\(([^()]*\b\d{4})\)\s*$")


@dataclass(frozen=True)
class Ingested:
    """What `ingest_file` did: the revision stored (or found), how the plan was chosen, and the changes.
    `new_plan`: the file started a plan; `closest` then says which stored plan it came closest to (None when
    the store held no other plan)."""

    revision: Revision
    extraction: Extraction
    plan_note: str
    already_stored: bool
    diff: Diff | None
    new_plan: bool = False
    closest: PlanMatch | None = None


def revision_date_from_title(title: str) -> str | None:
    """Given a plan title, return the date printed in it ("... (December 2015)" -> 2015-12-31), or None."""
    m = _TITLE_DATE.search(title)
    if not m:
        return None
    period = read_period(clean_timescale(m.group(1)), Conventions())
    return period[1].isoformat() if period else None


def plan_name_from_title(title: str) -> str:
    """Given a plan title, return a plan name: the title without a trailing date."""
    return _TITLE_DATE.sub("", title).strip() or "Action plan"


def parse_revision_date(text: str, path: str) -> str:
    """Given a revision date as written (YYYY-MM-DD), return it as an ISO date, or raise a clear error."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(path, f"revision date {text!r} is not a date: write it as YYYY-MM-DD") from None


def revision_date_words(revision: Revision) -> str:
    """Given a revision, say its revision date ("revision date 31 December 2015"), or that it has none."""
    return f"revision date {long_date(revision.as_of)}" if revision.as_of else NO_DATE


def plan_matches(store: Store, records: Sequence[Record], title: str) -> list[PlanMatch]:
    """Given a file's records and title, return how closely it matches each stored plan, closest first: by the
    share of its recommendations found in the plan's latest revision, then by how alike the titles are."""
    name = plan_name_from_title(title).lower()
    found = []
    for known in store.plans():
        latest = store.revisions(known, include_drafts=True)
        if not latest:
            continue
        old = store.records(latest[-1])
        matched = sum(1 for m in match_records(old, records) if m.old is not None and m.new is not None)
        alike = fuzz.token_sort_ratio(name, known.name.lower()) / 100
        found.append(PlanMatch(known.name, matched / max(len(records), 1), alike))
    return sorted(found, key=lambda m: (-m.share, -m.title, m.plan))


def _match_words(match: PlanMatch | None) -> str:
    if match is None:
        return "the store held no plan yet"
    share = f"{match.share:.0%} of the file's recommendations match it" if match.share else "no recommendation matches"
    return f"closest stored plan: {match.plan!r}, {share}, names {match.title:.0%} alike"


def _choose_plan(store: Store, records: Sequence[Record], title: str) -> tuple[str, str, PlanMatch | None]:
    """Given new records, return (plan name, note, closest plan): the plan they match best, or a new one named
    from the title."""
    matches = plan_matches(store, records, title)
    best = matches[0] if matches else None
    if best is not None and best.share >= PLAN_MATCH:
        note = f"joins plan {best.plan!r} ({best.share:.0%} of its recommendations match the latest revision)"
        return best.plan, note, best
    name = plan_name_from_title(title)
    taken = {p.name for p in store.plans()}
    base, n = name, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    return name, f"starts a new plan {name!r}, named from its title ({_match_words(best)})", best


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    plan: str | None = None,
    label: str | None = None,
    revision_date: str | None = None,
    replace: bool = False,
    password: str | None = None,
    settings: Settings | None = None,
) -> Ingested:
    """Given a plan PDF, extract, check and store it as a revision; return what was stored and what changed."""
    settings = settings or default_settings()
    extraction = extract_plan(path, password=password, settings=settings)
    return ingest_extraction(
        store, extraction, path, plan=plan, label=label, revision_date=revision_date, replace=replace
    )


def ingest_batch(
    store: Store | Callable[[], Store],
    files: Sequence[Path],
    *,
    plan: str | None = None,
    label: str | None = None,
    revision_date: str | None = None,
    replace: bool = False,
    password: str | None = None,
    settings: Settings | None = None,
    jobs: int = 1,
    limits: Limits | None = None,
    isolate: bool = True,
    on_extracted: Callable[[Path], None] | None = None,
    on_page: Callable[[Path, int, int], None] | None = None,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    ocr: bool = False,
) -> list[tuple[Path, Ingested | PipelineError]]:
    """Extract many PDFs (each in its own child process, `jobs` at a time), then store them in the order given.

    A bad file is reported in the result and the batch carries on. `pages` and `tables` restrict where each
    file's plan is looked for (see `extract_plan`). `store` may be a function that opens it, called only when
    a file has been read (so a batch of bad files makes no store). `on_page(file, pages done, pages in the
    file)` is called as each page of a file is read, `on_extracted(file)` once a file is read (or refused);
    with `jobs` above 1 both are called from several threads at once. With `ocr`, pages of images are read by
    OCR (see `extraction.extract_pdf`).
    """
    settings = settings or default_settings()
    limits = limits or Limits()
    if ocr:
        from pipeline.ocr import find_tesseract

        find_tesseract(None)  # one error before any file is read, not one for each

    def extract_one(path: Path) -> Extraction | PipelineError:
        progress = (lambda done, total: on_page(path, done, total)) if on_page is not None else None
        read = extract_isolated if isolate else extract_plan
        try:
            return read(
                path,
                password=password,
                settings=settings,
                limits=limits,
                progress=progress,
                pages=pages,
                tables=tables,
                ocr=ocr,
            )
        except PipelineError as error:
            return error
        finally:
            if on_extracted:
                on_extracted(path)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        extracted = list(pool.map(extract_one, files))
    results: list[tuple[Path, Ingested | PipelineError]] = []
    for path, got in zip(files, extracted, strict=True):
        if isinstance(got, PipelineError):
            results.append((path, got))
            continue
        try:
            target = store if isinstance(store, Store) else store()
            stored = ingest_extraction(
                target, got, path, plan=plan, label=label, revision_date=revision_date, replace=replace
            )
            results.append((path, stored))
        except PipelineError as error:
            results.append((path, error))
    return results


def ingest_extraction(
    store: Store,
    extraction: Extraction,
    path: str | Path,
    *,
    plan: str | None = None,
    label: str | None = None,
    revision_date: str | None = None,
    replace: bool = False,
) -> Ingested:
    """Given a plan already extracted from the PDF at `path`, store it as a revision, with the PDF's bytes (so
    its pages can be drawn later); return what was stored and what changed.
    `revision_date` (YYYY-MM-DD): the date the revision stands at (default: a date printed in its title)."""
    source = extraction.source
    if label is not None and not label.strip():
        raise InputError(str(path), "the revision label is empty: give one such as 2016-q1, or none for r1, r2, …")
    data, not_kept = read_again(path, source.sha256)
    when: str | None
    if revision_date:
        when = parse_revision_date(revision_date, str(path))
    else:  # only a title printed on the page dates a revision; metadata and file names are too often stale
        when = revision_date_from_title(source.title) if source.title_from == "printed" else None
    existing = store.find_sha(source.sha256)
    if existing is not None and (label is None or label == existing.label) and (plan is None or plan == existing.plan):
        note = f"already stored as revision {existing.label} of plan {existing.plan!r}: nothing changed"
        if data is not None and store.keep_source(Path(source.path).name, data):  # stored before PDFs were kept
            note = f"already stored as revision {existing.label} of plan {existing.plan!r}: its PDF is now kept too"
        return Ingested(existing, extraction, note, True, None)
    closest: PlanMatch | None = None
    if plan is None:
        plan_name, note, closest = _choose_plan(store, extraction.records, source.title)
    elif plan in {p.name for p in store.plans()}:
        plan_name, note = plan, f"added to plan {plan!r}"
    else:
        matches = plan_matches(store, extraction.records, source.title)
        closest = matches[0] if matches else None
        plan_name, note = plan, f"starts a new plan {plan!r}, as --plan asks ({_match_words(closest)})"
    new_plan = plan_name not in {p.name for p in store.plans()}
    try:
        new = NewRevision(
            title=source.title,
            source=Path(source.path).name,
            sha256=source.sha256,
            pages=source.pages,
            columns=source.columns,
            records=extraction.records,
            issues=extraction.issues,
            as_of=when,
            kind=source.format,  # "pdf", "docx" or "pdf+ocr": how the revision was read
            source_bytes=data,
        )
        revision = store.add_revision(plan_name, label, new, replace=replace)
    except AlreadyStoredError as stored:
        existing = stored.revision
        note = f"already stored as revision {existing.label} of plan {existing.plan!r}: nothing changed"
        return Ingested(existing, extraction, note, True, None)
    if not new_plan:
        closest = None
    return Ingested(
        revision, extraction, note + not_kept, False, diff_with_previous(store, revision), new_plan, closest
    )


def read_again(path: str | Path, sha256: str) -> tuple[bytes | None, str]:
    """Given the path of a PDF already read and the SHA-256 it was read with, return its bytes to keep in the
    store; or None, and words to add to the note saying why not (it is gone, or changed since it was read)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return None, f"; its PDF was not kept ({error.strerror} when read again), so its pages cannot be shown"
    if hashlib.sha256(data).hexdigest() != sha256:
        return None, "; its PDF was not kept (the file changed after it was read), so its pages cannot be shown"
    return data, ""


def load_history(store: Store, plan: Plan, upto: Revision | None = None, *, include_drafts: bool = False) -> History:
    """Given a plan, return its history: revisions in order (up to and including `upto`) with their records,
    each recommendation followed through them. Two queries, however many revisions."""
    revisions = store.revisions(plan, include_drafts=include_drafts or bool(upto and upto.draft))
    if upto is not None:
        ids = [r.id for r in revisions]
        revisions = revisions[: ids.index(upto.id) + 1] if upto.id in ids else [*revisions, upto]
    by_revision = store.records_of(revisions)
    return build_history(plan, [(r, by_revision[r.id]) for r in revisions])


def history_of(
    store: Store, plan: Plan, upto: Revision | None = None, *, include_drafts: bool = False
) -> list[tuple[Revision, list[Record]]]:
    """Given a plan, return its revisions in order (up to and including `upto`) with their records."""
    found = load_history(store, plan, upto, include_drafts=include_drafts)
    return [(rev, list(recs)) for rev, recs in zip(found.revisions, found.records, strict=True)]


def diff_between(store: Store, plan: Plan, old: Revision, new: Revision, *, include_drafts: bool = False) -> Diff:
    """Given two revisions of a plan, return the changes from old to new (slippage measured from the first end)."""
    found = load_history(store, plan, new, include_drafts=include_drafts)
    if old.id in {r.id for r in found.revisions}:
        return diff(found, old, new)
    return diff_revisions(old, new, store.records(old), found.records_of(new), first_ends(found, new))


def diff_with_previous(store: Store, revision: Revision) -> Diff | None:
    """Given a stored revision, return its changes against the revision before it (None for the first)."""
    plan = store.resolve_plan(revision.plan)
    found = load_history(store, plan, revision, include_drafts=revision.draft)
    before = previous(found, revision)
    return diff(found, before, revision) if before is not None else None


def diff_labels(
    store: Store, plan: str | None, old: str | None = None, new: str | None = None, *, include_drafts: bool = False
) -> Diff:
    """Given revision labels (either may be None: NEW is then the latest, OLD the one before NEW), return the diff."""
    chosen = store.resolve_plan(plan)
    ordered = store.revisions(chosen, include_drafts=include_drafts)
    if len(ordered) < 2 and not (old and new):
        raise PipelineError(
            describe_url(store.url), f"plan {chosen.name!r} has {len(ordered)} revision(s): ingest another to compare"
        )
    new_rev = store.revision(chosen, new, include_drafts) if new else ordered[-1]
    if old:
        old_rev = store.revision(chosen, old, include_drafts)
    else:
        index = [r.id for r in ordered].index(new_rev.id)
        if index == 0:
            raise PipelineError(describe_url(store.url), f"{new_rev.label} is the first revision: name an OLD revision")
        old_rev = ordered[index - 1]
    return diff_between(store, chosen, old_rev, new_rev, include_drafts=include_drafts)
