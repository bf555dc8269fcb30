"""cli: click commands. Each parses its options, calls one library function and echoes. No logic."""

from __future__ import annotations

import contextlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from pipeline.committee import build_paper, close_records
from pipeline.errors import PipelineError
from pipeline.export.atomic import write_atomic
from pipeline.export.recordfile import FORMATS, render_extraction
from pipeline.export.text import (
    counts_to_text,
    diff_to_csv,
    diff_to_text,
    history_to_table,
    issues_to_table,
    revisions_to_table,
)
from pipeline.extraction import extract_isolated, extract_plan
from pipeline.ingest import Ingested, diff_labels, history_of, ingest_batch
from pipeline.inspection import describe_inspection, inspect_pdf
from pipeline.isolation import CAN_CAP_MEMORY, Limits
from pipeline.records import Extraction, to_jsonable
from pipeline.settings import load_settings
from pipeline.store import STORE_ENV, Store, describe_url, store_url
from pipeline.update_round import approve_draft, collect_returns, make_owner_workbooks, make_tracker
from pipeline.views import diff_to_jsonable, history_frame, status_counts

PROGRESS_MIN_PAGES = 20
PAGE_CAP = 100_000  # no PDF we read has more pages (--max-pages stops far sooner)


class Group(click.Group):
    """A click group that turns PipelineError into one line on stderr and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except PipelineError as error:
            if debug:
                raise
            click.echo(f"actionplan: {error}", err=True)
            sys.exit(error.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("actionplan: interrupted; nothing was written", err=True)
            sys.exit(130)
        except Exception as error:
            if debug:
                raise
            click.echo(
                f"actionplan: unexpected error ({type(error).__name__}: {error}); nothing was written. "
                "Run again with --debug and report the output.",
                err=True,
            )
            sys.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", type=click.Path(dir_okay=False), help="Settings file (TOML). Default: ./actionplan.toml if present."
)
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.version_option(package_name="actionplan")
@click.pass_context
def main(ctx: click.Context, config: str | None, debug: bool) -> None:
    """Turn council action-plan PDFs into records, trackers and committee papers.

    \b
    Example:
      actionplan extract input/kcc-2015.pdf --format json -o output/kcc-2015.json
    """
    ctx.obj = {"config": config, "debug": debug}


def limit_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options that bound how much one PDF may take."""
    options = [
        click.option(
            "--no-isolation", is_flag=True, help="Read PDFs in this process (no time or memory limit; for debugging)."
        ),
        click.option(
            "--max-file-mb",
            type=click.IntRange(1),
            default=Limits.max_file_mb,
            show_default=True,
            help="Refuse PDFs larger than this.",
        ),
        click.option(
            "--max-pages",
            type=click.IntRange(1),
            default=Limits.max_pages,
            show_default=True,
            help="Refuse PDFs with more pages.",
        ),
        click.option(
            "--memory-limit",
            type=click.IntRange(64),
            default=Limits.memory_mb,
            show_default=True,
            help="MB of memory one PDF may use (Linux and macOS).",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(1),
            default=Limits.seconds,
            show_default=True,
            help="Seconds one PDF may take.",
        ),
    ]
    for option in options:
        func = option(func)
    return func


def _limits(kwargs: dict[str, Any]) -> tuple[Limits, bool]:
    limits = Limits(
        seconds=kwargs.pop("time_limit"),
        memory_mb=kwargs.pop("memory_limit"),
        max_pages=kwargs.pop("max_pages"),
        max_file_mb=kwargs.pop("max_file_mb"),
    )
    return limits, not kwargs.pop("no_isolation")


def _pages(ctx: click.Context, param: click.Parameter, value: str | None) -> frozenset[int] | None:
    """Parse --pages: "12-20", "3" or "1-4,9" into page numbers from 1."""
    if value is None:
        return None
    pages: set[int] = set()
    try:
        for part in value.replace(" ", "").split(","):
            first, _, last = part.partition("-")
            lo, hi = int(first), int(last or first)
            if lo < 1 or hi < lo:
                raise ValueError(part)
            pages.update(range(lo, min(hi, PAGE_CAP) + 1))  # "12-99999999" means "from 12 on"
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a page range such as 12-20 or 1-4,9") from None
    return frozenset(pages)


def _tables(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...] | None:
    """Parse --table: "2" or "2,3", numbered from 1 as source.tables lists them."""
    if value is None:
        return None
    try:
        tables = tuple(int(v) for v in value.replace(" ", "").split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a table number such as 2 or 2,3") from None
    if any(t < 1 for t in tables):
        raise click.BadParameter("tables are numbered from 1")
    return tables


def where_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say where in a document the plan is."""
    func = click.option(
        "--table",
        "tables",
        metavar="N",
        callback=_tables,
        help="Take the plan from table N (or N,M), as numbered in the output's source.tables.",
    )(func)
    return click.option(
        "--pages", metavar="PAGES", callback=_pages, help="Look for the plan only on these pages, e.g. 12-20 or 3,5-7."
    )(func)


def _read_plan(
    file: Path,
    password: str | None,
    settings: Any,
    limits: Limits,
    isolate: bool,
    *,
    pages: frozenset[int] | None = None,
    tables: tuple[int, ...] | None = None,
) -> Extraction:
    """Extract one plan, with a progress bar for long ones: in a child process within the limits, or here."""
    with _page_progress(f"Reading {file.name}") as progress:
        if isolate:
            return extract_isolated(
                file, password=password, settings=settings, limits=limits, progress=progress, pages=pages, tables=tables
            )
        return extract_plan(
            file, password=password, settings=settings, progress=progress, limits=limits, pages=pages, tables=tables
        )


@contextmanager
def _page_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a progress callback that draws a bar on stderr for long plans on a terminal."""
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if total < PROGRESS_MIN_PAGES or not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _issue_words(extraction: Extraction) -> str:
    counts: Counter[str] = Counter(i.severity for i in extraction.issues)
    names = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
    parts = ", ".join(f"{counts[s]} {names[s][counts[s] != 1]}" for s in names if counts[s])
    return f"issues: {parts}" if parts else "no issues"


def _summary(extraction: Extraction) -> str:
    source = extraction.source
    return f"{source.path}: {len(extraction.records)} records from {source.pages} pages; {_issue_words(extraction)}"


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True, help="Output format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output."
)
@click.option("--password", help="Password for an encrypted PDF.")
@where_options
@limit_options
@click.pass_context
def extract(
    ctx: click.Context,
    /,
    file: Path,
    fmt: str,
    output: Path | None,
    password: str | None,
    pages: frozenset[int] | None,
    tables: tuple[int, ...] | None,
    **limit_args: Any,
) -> None:
    """Extract the action-plan table in FILE into records.

    The output's source.tables lists every table seen, with its kind (plan or
    other) and why; --table picks others when the choice is wrong.

    \b
    Examples:
      actionplan extract input/kcc-2015.pdf
      actionplan extract input/kcc-2015.pdf --format csv -o output/kcc-2015.csv
      actionplan extract committee-report.pdf --pages 12-20 --table 2
    """
    settings = load_settings(ctx.obj["config"])
    limits, isolate = _limits(limit_args)
    extraction = _read_plan(file, password, settings, limits, isolate, pages=pages, tables=tables)
    text = render_extraction(extraction, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    click.echo(_summary(extraction), err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 if any error-severity issue is found.")
@click.option("--password", help="Password for an encrypted PDF.")
@where_options
@limit_options
@click.pass_context
def validate(
    ctx: click.Context,
    /,
    file: Path,
    strict: bool,
    password: str | None,
    pages: frozenset[int] | None,
    tables: tuple[int, ...] | None,
    **limit_args: Any,
) -> None:
    """Check the plan in FILE and print its issues as a table.

    Exit code 0, or 1 under --strict when an error-severity issue exists.

    \b
    Examples:
      actionplan validate input/kcc-2015.pdf
      actionplan validate input/kcc-2015.pdf --strict
    """
    settings = load_settings(ctx.obj["config"])
    limits, isolate = _limits(limit_args)
    extraction = _read_plan(file, password, settings, limits, isolate, pages=pages, tables=tables)
    if extraction.issues:
        click.echo(issues_to_table(extraction.issues), nl=False)
    click.echo(_summary(extraction))
    if strict and any(i.severity == "error" for i in extraction.issues):
        sys.exit(1)


def _open_store(store: str | None) -> Store:
    """Open the store and say where it is (on stderr)."""
    url = store_url(store)
    opened = Store(url)
    click.get_current_context().call_on_close(opened.close)
    click.echo(f"store: {describe_url(url)}", err=True)
    return opened


store_option = click.option(
    "--store",
    envvar=STORE_ENV,
    help=f"Database: a file path or URL (sqlite:///..., postgresql+psycopg://...). Default: ${STORE_ENV}, else output/actionplan.db.",
)
plan_option = click.option("--plan", help="Plan name (default: the only plan in the store).")
drafts_option = click.option(
    "--include-drafts", is_flag=True, help="Treat draft revisions (owner returns not yet approved) as revisions."
)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@plan_option
@click.option("--revision", "label", help="Label for the new revision (default r1, r2, ... in ingest order).")
@click.option("--as-of", help="The date the revision stands at, YYYY-MM-DD (default: a date printed in its title).")
@click.option("--replace", is_flag=True, help="Overwrite an existing revision with the same label.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option(
    "--jobs", "-j", type=click.IntRange(1), default=1, show_default=True, help="How many PDFs to read at once."
)
@where_options
@limit_options
@store_option
@click.pass_context
def ingest(
    ctx: click.Context,
    /,
    files: tuple[Path, ...],
    plan: str | None,
    label: str | None,
    as_of: str | None,
    replace: bool,
    password: str | None,
    jobs: int,
    pages: frozenset[int] | None,
    tables: tuple[int, ...] | None,
    store: str | None,
    **limit_args: Any,
) -> None:
    """Extract, check and store each FILE as a new revision of its plan.

    A file joins the stored plan whose recommendations it matches, or starts a
    new plan named from its title. Re-ingesting the same file changes nothing.
    Each PDF is read in a process of its own within the limits; a bad file is
    reported and the rest go on (exit 1 if some failed, 2 if none could be ingested).

    \b
    Examples:
      actionplan ingest input/kcc-2014.pdf input/kcc-2015.pdf input/kcc-2015q4.pdf
      actionplan ingest plans/*.pdf --jobs 4
      actionplan ingest update.pdf --plan "Appendix 1: Action Plan" --revision 2016-q1 --as-of 2016-03-31
    """
    if label and len(files) > 1:
        raise click.UsageError("--revision names one revision: give one FILE with it")
    settings = load_settings(ctx.obj["config"])
    limits, isolate = _limits(limit_args)
    opened = _open_store(store)
    if isolate and not CAN_CAP_MEMORY:
        click.echo("note: this system cannot cap a process's memory; only the time limit applies", err=True)
    show = sys.stderr.isatty() and len(files) > 1
    bar = click.progressbar(length=len(files), label="Reading PDFs", file=sys.stderr) if show else None
    with bar if bar is not None else contextlib.nullcontext():
        results = ingest_batch(
            opened,
            list(files),
            plan,
            label,
            as_of,
            replace,
            password,
            settings,
            jobs,
            limits,
            isolate,
            on_extracted=(lambda _p: bar.update(1)) if bar is not None else None,
            pages=pages,
            tables=tables,
        )
    failed = [(path, error) for path, error in results if isinstance(error, PipelineError)]
    if len(files) == 1 and failed:
        raise failed[0][1]
    for path, done in results:
        if not isinstance(done, PipelineError):
            _say_ingested(path, done)
    if failed:
        click.echo(f"actionplan: {len(failed)} of {len(files)} files could not be ingested:", err=True)
        for path, error in failed:
            click.echo(f"  {path.name}: {error.message}", err=True)
        sys.exit(2 if len(failed) == len(files) else 1)


def _say_ingested(path: Path, done: Ingested) -> None:
    rev = done.revision
    click.echo(f"{path}: {done.plan_note}")
    if done.already_stored:
        return
    records = done.extraction.records
    click.echo(
        f"  revision {rev.label} (as of {rev.as_of or 'unknown'}): {len(records)} records: {counts_to_text(status_counts(records))}"
    )
    click.echo("  " + _issue_words(done.extraction))
    if done.diff is None:
        click.echo("  first revision of this plan")
    else:
        kinds = Counter(c.change for c in done.diff.changes)
        said = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items()) or "no record changes"
        cols = f"; columns added: {', '.join(done.diff.columns_added)}" if done.diff.columns_added else ""
        click.echo(f"  changes since {done.diff.old.label}: {said}{cols}")


@main.command()
@plan_option
@drafts_option
@store_option
def revisions(plan: str | None, include_drafts: bool, store: str | None) -> None:
    """List a plan's revisions in order, with counts per status.

    \b
    Example:
      actionplan revisions --plan "Appendix 1: Action Plan"
    """
    opened = _open_store(store)
    chosen = opened.resolve_plan(plan)
    rows = [
        (rev, status_counts(opened.records(rev))) for rev in opened.revisions(chosen, include_drafts=include_drafts)
    ]
    click.echo(f"Plan {chosen.name!r}")
    click.echo(revisions_to_table(rows), nl=False)


@main.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@plan_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@drafts_option
@store_option
def diff(old: str | None, new: str | None, plan: str | None, fmt: str, include_drafts: bool, store: str | None) -> None:
    """Show what changed between two revisions (default: the last two).

    \b
    Examples:
      actionplan diff
      actionplan diff r1 r2 --format json
    """
    opened = _open_store(store)
    result = diff_labels(opened, plan, old, new, include_drafts)
    if fmt == "json":
        click.echo(json.dumps(diff_to_jsonable(result), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(diff_to_csv(result), nl=False)
    else:
        click.echo(diff_to_text(result), nl=False)


@main.command()
@click.argument("ident", metavar="ID")
@plan_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@drafts_option
@store_option
def history(ident: str, plan: str | None, fmt: str, include_drafts: bool, store: str | None) -> None:
    """Show one recommendation across every revision: status, timescale (original and revised), owners, progress.

    \b
    Example:
      actionplan history R24
    """
    opened = _open_store(store)
    chosen = opened.resolve_plan(plan)
    frame = history_frame(history_of(opened, chosen, include_drafts=include_drafts), ident)
    if frame.empty:
        raise PipelineError(
            describe_url(opened.url), f"plan {chosen.name!r} has no recommendation {ident!r} in any revision"
        )
    if fmt == "json":
        click.echo(json.dumps(to_jsonable(frame.to_dict(orient="records")), ensure_ascii=False, indent=2))
    else:
        click.echo(history_to_table(frame), nl=False)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD", param_hint="--as-of") from None


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("output/tracker.xlsx"),
    show_default=True,
)
@click.option(
    "--by-owner",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one workbook per owner into this folder instead.",
)
@click.option("--force", is_flag=True, help="With --by-owner: overwrite workbooks that already have updates typed in.")
@plan_option
@click.option("--revision", "label", help="Revision label (default: the latest).")
@click.option("--as-of", help="Date the overdue/stale flags are worked out for, YYYY-MM-DD (default: today).")
@drafts_option
@store_option
@click.pass_context
def tracker(
    ctx: click.Context,
    output: Path,
    by_owner: Path | None,
    force: bool,
    plan: str | None,
    label: str | None,
    as_of: str | None,
    include_drafts: bool,
    store: str | None,
) -> None:
    """Write the master Excel tracker, or one workbook per owner to fill in (--by-owner).

    \b
    Examples:
      actionplan tracker -o output/tracker.xlsx --as-of 2016-01-15
      actionplan tracker --by-owner output/owners
    """
    opened = _open_store(store)
    when = _as_of(as_of)
    if by_owner is not None:
        written, rev = make_owner_workbooks(
            opened, by_owner, plan, label, when, force, load_settings(ctx.obj["config"])
        )
        click.echo(f"wrote {len(written)} owner workbooks for revision {rev.label} into {by_owner}/")
        for key, path in written:
            click.echo(f"  {key}: {path.name}")
        return
    path, rev = make_tracker(opened, output, plan, label, when, include_drafts)
    click.echo(f"wrote {path} (revision {rev.label})")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--revision", "label", help="Label of the draft revision to gather returns in (default: BASE-returns).")
@click.option(
    "-o",
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("output/collect-report.xlsx"),
    show_default=True,
)
@store_option
@click.pass_context
def collect(ctx: click.Context, files: tuple[Path, ...], label: str | None, report: Path, store: str | None) -> None:
    """Read owners' returned workbooks (never changing them) into a draft revision, and write a collect report.

    \b
    Example:
      actionplan collect returns/*.xlsx
    """
    opened = _open_store(store)
    done = collect_returns(opened, list(files), report, label, load_settings(ctx.obj["config"]))
    for message in done.failed:
        click.echo(f"actionplan: {message}", err=True)
    click.echo(
        f"{len(done.accepted)} updates accepted, {len(done.rejected)} cells rejected, {len(done.conflicts)} conflicting proposals, "
        f"{len(done.stale)} stale rows; {len(done.chase)} owners still to return"
    )
    if done.draft is not None:
        click.echo(f"draft revision {done.draft.label} (approve it with: actionplan approve {done.draft.label})")
    click.echo(f"report: {done.report}")
    if done.failed:
        sys.exit(1)


@main.command()
@click.argument("label", metavar="REVISION")
@plan_option
@store_option
def approve(label: str, plan: str | None, store: str | None) -> None:
    """Publish a draft revision of owner returns, so diff, tracker and report use it.

    \b
    Example:
      actionplan approve r3-returns
    """
    opened = _open_store(store)
    rev = approve_draft(opened, label, plan)
    click.echo(f"revision {rev.label} of plan {rev.plan!r} is published")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("output/committee-paper.docx"),
    show_default=True,
)
@plan_option
@click.option("--revision", "label", help="Revision to report on (default: the latest).")
@click.option("--since", help="Revision to compare with (default: the one before).")
@click.option(
    "--as-of", help="Date the paper reports as at, YYYY-MM-DD (default: the meeting date in --meta, else today)."
)
@click.option(
    "--meta",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Paper details (TOML): from, to, subject, classification, contact...",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A council .docx whose page setup, header/footer and styles to use.",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF (needs LibreOffice).")
@drafts_option
@store_option
def report(
    output: Path,
    plan: str | None,
    label: str | None,
    since: str | None,
    as_of: str | None,
    meta: Path | None,
    template: Path | None,
    pdf: bool,
    include_drafts: bool,
    store: str | None,
) -> None:
    """Write the quarterly committee paper (Word, and PDF with --pdf).

    \b
    Examples:
      actionplan report --meta paper.toml --pdf
      actionplan report --since r2 --template council.docx -o output/paper.docx
    """
    opened = _open_store(store)
    show = sys.stderr.isatty()

    def step(what: str) -> None:
        if show:
            click.echo(f"  {what}…", err=True)

    docx, made_pdf, notes = build_paper(
        opened, output, plan, label, since, _as_of(as_of), meta, template, pdf, include_drafts, step
    )
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {docx}" + (f" and {made_pdf}" if made_pdf else ""))


@main.command(name="close")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option(
    "--agreed", required=True, help='Where and when the committee agreed, e.g. "Scrutiny Committee, 21 January 2016".'
)
@plan_option
@store_option
def close_command(ids: tuple[str, ...], agreed: str, plan: str | None, store: str | None) -> None:
    """Record that the committee agreed these recommendations are complete and closed.

    Closed recommendations leave the main sections of later papers (the appendix
    lists them as closed) and leave owners' workbooks.

    \b
    Example:
      actionplan close R1 R9 --agreed "Scrutiny Committee, 21 January 2016"
    """
    opened = _open_store(store)
    chosen, latest = close_records(opened, list(ids), agreed, plan)
    click.echo(f"closed {', '.join(ids)} in plan {chosen.name!r} (as of revision {latest.label}): {agreed}")


@main.command(name="inspect")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write page-001.png, page-002.png... into (made if missing).",
)
@click.option("--password", help="Password for an encrypted PDF.")
@where_options
@limit_options
@click.pass_context
def inspect_command(
    ctx: click.Context,
    /,
    file: Path,
    out_dir: Path,
    password: str | None,
    pages: frozenset[int] | None,
    tables: tuple[int, ...] | None,
    **limit_args: Any,
) -> None:
    """Draw what the extractor saw over each page of FILE: one PNG per page, to see why a layout failed.

    Each table is outlined (plan tables blue, others vermilion) and tagged with
    its number, kind and why; headers are green, column edges purple lines,
    body rows orange boxes, theme rows hatched yellow, and each record's id is
    written at its top-left. A legend on each page names what is drawn.
    With --pages only those pages are read and drawn.

    \b
    Examples:
      actionplan inspect input/kcc-2015.pdf -o output/inspect
      actionplan inspect committee-report.pdf --pages 12-20 --table 2 -o output/inspect
    """
    settings = load_settings(ctx.obj["config"])
    limits, isolate = _limits(limit_args)
    done = inspect_pdf(
        file,
        out_dir,
        password=password,
        settings=settings,
        limits=limits,
        isolate=isolate,
        pages=pages,
        tables=tables,
        progress=_page_progress,
    )
    for image in done.images:
        click.echo(str(image))
    click.echo(describe_inspection(done))
