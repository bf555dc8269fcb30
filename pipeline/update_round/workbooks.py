"""The round's outputs: the master tracker and one workbook per owner."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import OutputError, PipelineError
from pipeline.export.atomic import check_target
from pipeline.export.owner_marker import PlanRows
from pipeline.export.owner_workbook import ReturnTo, write_owner_workbook, write_portfolio_owner_workbook
from pipeline.export.tracker import write_tracker
from pipeline.history import diff, flags, held_by, owner_keys_of, status_by_theme
from pipeline.ingest import load_history
from pipeline.meta import contact_of, reporting_date
from pipeline.owners import owner_files
from pipeline.records import Issue, Plan, PortfolioWritten, Record, Revision
from pipeline.returns import read_return
from pipeline.settings import Settings, default_settings
from pipeline.store import Store, StoreError, describe_url


def _chosen(store: Store, plan: str | None, label: str | None, include_drafts: bool) -> tuple[Plan, Revision]:
    chosen = store.resolve_plan(plan)
    return chosen, store.revision(chosen, label, include_drafts=include_drafts)


def make_tracker(
    store: Store,
    out: Path,
    *,
    plan: str | None = None,
    label: str | None = None,
    as_of: date | None = None,
    meta: Mapping[str, Any] | None = None,
    include_drafts: bool = False,
) -> TrackerWritten:
    """Write the master tracker for a revision (default: the latest); return where it went and its warnings.

    Its flags are worked out at the round's reporting date: `as_of`, else the meeting date in `meta` (the
    round's meta settings, `pipeline.meta.load_meta`), else today; `meta`'s plan_name names the plan."""
    meta = meta or {}
    chosen, revision = _chosen(store, plan, label, include_drafts)
    as_of = reporting_date(as_of, dict(meta))
    history = load_history(store, chosen, revision, include_drafts=include_drafts)
    flagged = flags(history, as_of)
    changes = diff(history, history.revisions[-2], revision) if len(history.revisions) > 1 else None
    path, warnings = write_tracker(
        out,
        revision,
        flagged=flagged,
        changes=changes,
        summary=status_by_theme(flagged),
        issues=store.issues(revision),
        as_of=as_of,
        store=describe_url(store.url),
        plan_name=meta.get("plan_name"),
    )
    return TrackerWritten(path, revision, tuple(warnings), as_of)


def make_portfolio_tracker(
    store: Store,
    out: Path,
    *,
    as_of: date | None = None,
    meta: Mapping[str, Any] | None = None,
    include_drafts: bool = False,
) -> PortfolioWritten:
    """Write one master tracker over every plan in the store, each at its latest revision (a Plan column, a
    sheet per plan, plan × status), its flags worked out at one reporting date: `as_of`, else the meeting date
    in `meta`, else today; return where it went, the plans it holds and its warnings."""
    from pipeline.export.portfolio_tracker import write_portfolio_tracker
    from pipeline.portfolio import gather_portfolio

    check_target(out)
    portfolio = gather_portfolio(store, as_of=as_of, meta=meta, include_drafts=include_drafts)
    path, cut = write_portfolio_tracker(out, portfolio)
    return PortfolioWritten(path, portfolio, tuple(i.message for i in cut))


def status_choices(settings: Settings) -> list[str]:
    """Given the settings, return the words offered in the owners' status dropdown (the first word of each value)."""
    return [words[0] for value, words in settings.statuses.items() if words and value != "not_reported"]


def has_input(path: Path) -> bool:
    """Given an existing owner workbook, say whether anyone has typed into its input columns (unreadable counts as yes)."""
    try:
        returned = read_return(path)
    except PipelineError:
        return True
    return any(v for row in returned.rows for v in row.inputs.values())


@dataclass(frozen=True)
class TrackerWritten:
    """The master tracker written: where, for which revision, and warnings met (text cut to fit a cell)."""

    path: Path
    revision: Revision
    warnings: tuple[Issue, ...] = ()
    as_of: date | None = None


@dataclass(frozen=True)
class Written:
    """The owner workbooks written: each owner key's file, the revision, warnings met on the way (text cut to
    fit a cell), the reporting date they give and by when and to whom they go back."""

    files: tuple[tuple[str, Path], ...]
    revision: Revision
    warnings: tuple[Issue, ...] = ()
    as_of: date | None = None
    return_to: ReturnTo = field(default_factory=ReturnTo)


@dataclass(frozen=True)
class PortfolioBooks:
    """The owner workbooks over every plan written: each owner key's file, the plans each covers, every plan's
    revision they answer, warnings met on the way, the reporting date and by when and to whom they go back."""

    files: tuple[tuple[str, Path], ...]
    covers: tuple[tuple[str, tuple[str, ...]], ...]
    revisions: tuple[Revision, ...]
    warnings: tuple[Issue, ...] = ()
    as_of: date | None = None
    return_to: ReturnTo = field(default_factory=ReturnTo)


def is_open(record: Record, closed: Collection[str]) -> bool:
    """Whether owners are still asked about a record: not complete, and not agreed closed."""
    return record.status.value != "complete" and record.id not in closed


_CONTACT = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>$")


def parse_contact(text: str) -> tuple[str, str]:
    """Given a contact as typed ("Jane Smith, Policy Officer <jane.smith@kent.gov.uk>", or a name or an email
    address alone), return (name, email); ValueError says what is wrong."""
    text = " ".join(text.split())
    m = _CONTACT.match(text)
    if m:
        return m.group("name").strip(" ,"), m.group("email")
    if "<" in text or ">" in text:
        raise ValueError(f'{text!r} is not a contact: write it as "Name <email@example.gov.uk>"')
    return ("", text) if "@" in text and " " not in text else (text, "")


def return_to_of(
    meta: Mapping[str, Any], *, return_by: date | None = None, contact: tuple[str, str] | None = None
) -> ReturnTo:
    """Given the round's meta settings (`pipeline.meta.load_meta`) and what the command line gave (a date, a
    (name, email) from `parse_contact`), return by when and to whom owners send their workbooks back: the
    command line first, then the meta file."""
    name, email = contact if contact else contact_of(dict(meta))
    by = return_by or meta.get("return_by")
    return ReturnTo(by if isinstance(by, date) else None, name, email)


def make_owner_workbooks(
    store: Store,
    outdir: Path,
    *,
    plan: str | None = None,
    label: str | None = None,
    as_of: date | None = None,
    meta: Mapping[str, Any] | None = None,
    return_by: date | None = None,
    contact: tuple[str, str] | None = None,
    include_complete: bool = False,
    force: bool = False,
    settings: Settings | None = None,
) -> Written:
    """Write one workbook per owner key with open records (not complete, not closed) in a revision, signed
    with the store's key; refuse to overwrite one with input typed in unless `force`.

    The reporting date is `as_of`, else the meeting date in `meta` (`pipeline.meta.load_meta`), else today;
    the return-by date and contact (name, email) are `return_by` and `contact`, else meta's. With
    `include_complete`, each owner's complete or closed records are listed on a locked sheet for reference.
    The owners' status dropdown offers the words of `settings` (default: the built-in ones)."""
    settings = settings or default_settings()
    meta = meta or {}
    chosen, revision = _chosen(store, plan, label, False)
    as_of = reporting_date(as_of, dict(meta))
    back = return_to_of(meta, return_by=return_by, contact=contact)
    closed = store.closures(chosen)  # agreed closed: nothing more to report
    every = flags(load_history(store, chosen, revision), as_of)
    flagged = [f for f in every if is_open(f.record, closed)]
    done = [f for f in every if not is_open(f.record, closed)] if include_complete else []
    keys = owner_keys_of(flagged)
    names = owner_files(keys)
    targets = [(key, outdir / names[key]) for key in keys]
    check_targets(targets, force)
    warnings: list[Issue] = []
    signing_key = store.signing_key()
    with staging_folder(outdir) as staging:
        for key, _ in targets:
            _, cut = write_owner_workbook(
                staging / names[key],
                revision,
                key,
                flagged=held_by(flagged, key),
                status_choices=status_choices(settings),
                as_of=as_of,
                signing_key=signing_key,
                completed=held_by(done, key),
                return_to=back,
                plan_name=meta.get("plan_name"),
            )
            warnings += cut
    return Written(tuple(targets), revision, tuple(warnings), as_of, back)


def check_targets(targets: Sequence[tuple[str, Path]], force: bool) -> None:
    """Given the owner workbooks about to be written, refuse any that is a link, folder or device, and (unless
    `force`) any that already has updates typed in: they are to be collected first."""
    if not force:
        typed = [str(p) for _, p in targets if p.exists() and has_input(p)]
        if typed:
            raise OutputError(
                typed[0],
                f"already has updates typed in ({len(typed)} workbook(s) in all): collect them first, or use --force to overwrite",
            )
    for _, path in targets:
        check_target(path)  # never a link, folder or device in the owners' folder


def make_portfolio_owner_workbooks(
    store: Store,
    outdir: Path,
    *,
    as_of: date | None = None,
    meta: Mapping[str, Any] | None = None,
    return_by: date | None = None,
    contact: tuple[str, str] | None = None,
    include_complete: bool = False,
    force: bool = False,
    settings: Settings | None = None,
) -> PortfolioBooks:
    """Write one workbook per owner key over every plan in the store, each at its latest revision: the owner's
    open records of each plan, grouped by plan, signed with the store's secret and marked row by row with
    their plan and revision so that `collect` sends each row back to its own plan. The reporting date, return
    and `include_complete` are as for `make_owner_workbooks` (meta's plan_name is left out: it names one plan)."""
    settings = settings or default_settings()
    meta = {k: v for k, v in (meta or {}).items() if k != "plan_name"}
    when = reporting_date(as_of, meta)
    back = return_to_of(meta, return_by=return_by, contact=contact)
    known = store.plans()
    if not known:
        raise StoreError(describe_url(store.url), "holds no plans yet: run `actionplan ingest FILE` first")
    shares = []  # each plan's latest revision, its open records and (if asked) its complete or closed ones
    for plan in known:
        revision = store.revision(plan, None)
        closed = store.closures(plan)
        every = flags(load_history(store, plan, revision), when)
        done = [f for f in every if not is_open(f.record, closed)] if include_complete else []
        shares.append((revision, [f for f in every if is_open(f.record, closed)], done))
    keys = list(dict.fromkeys(k for _, flagged, _ in shares for k in owner_keys_of(flagged)))
    names = owner_files(keys)
    targets = [(key, outdir / names[key]) for key in keys]
    check_targets(targets, force)
    warnings: list[Issue] = []
    covers: list[tuple[str, tuple[str, ...]]] = []
    signing_key = store.signing_key()
    with staging_folder(outdir) as staging:
        for key, _ in targets:
            # A plan is in an owner's workbook when they hold an open record of it (its marker lists its rows).
            parts = [PlanRows(r, held_by(f, key), held_by(d, key)) for r, f, d in shares if held_by(f, key)]
            _, cut = write_portfolio_owner_workbook(
                staging / names[key],
                parts,
                key,
                status_choices=status_choices(settings),
                as_of=when,
                signing_key=signing_key,
                return_to=back,
            )
            warnings += cut
            covers.append((key, tuple(p.revision.plan for p in parts)))
    revisions = tuple(r for r, _, _ in shares)
    return PortfolioBooks(tuple(targets), tuple(covers), revisions, tuple(warnings), when, back)


@contextmanager
def staging_folder(outdir: Path) -> Iterator[Path]:
    """Yield a new folder beside `outdir` to write into; when the block ends without an error, move every file
    in it into `outdir` (one rename each), else remove it: the folder gets all the files or none."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}."))
    except OSError as error:
        raise OutputError(str(outdir), f"cannot write here ({error.strerror}): choose another folder") from None
    try:
        yield staging
        for item in staging.iterdir():
            os.replace(item, outdir / item.name)
    except OSError as error:
        raise OutputError(
            str(outdir),
            f"cannot write the workbooks ({error.strerror}); nothing was written: free some space or choose another folder",
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
