"""Commands over the store's revisions: ingest, revisions, diff, history."""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline.cli.base import (
    _issue_words,
    _limits,
    _open_store,
    _store_to_write,
    drafts_option,
    extracts_option,
    limit_options,
    main,
    ocr_option,
    plan_option,
    settings_of,
    store_option,
    where_options,
)
from pipeline.errors import PipelineError
from pipeline.isolation import CAN_CAP_MEMORY

if TYPE_CHECKING:
    from pipeline.ingest import Ingested


def _nonblank_label(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise click.BadParameter("a revision label cannot be empty: give one such as 2016-q1, or leave it out")
    return value


def _a_date(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD", param=param) from None
    return value


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@plan_option
@click.option(
    "--revision",
    "label",
    callback=lambda _ctx, _param, value: _nonblank_label(value),
    help="Label for the new revision (default r1, r2, ... in ingest order).",
)
@click.option(
    "--revision-date",
    metavar="YYYY-MM-DD",
    callback=_a_date,
    help="The date the revision stands at (default: a date printed in its title).",
)
@click.option("--as-of", callback=_a_date, hidden=True, help="The old name of --revision-date.")
@click.option("--replace", is_flag=True, help="Overwrite an existing revision with the same label.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option(
    "--jobs", "-j", type=click.IntRange(1), default=1, show_default=True, help="How many PDFs to read at once."
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Read the files on a Dask cluster: tcp://HOST:8786, or local:N for N worker processes here "
    "(needs the distributed extra; not with --jobs).",
)
@extracts_option
@where_options
@ocr_option
@limit_options
@store_option
@click.pass_context
def ingest(
    ctx: click.Context,
    /,
    files: tuple[Path, ...],
    plan: str | None,
    label: str | None,
    revision_date: str | None,
    as_of: str | None,
    replace: bool,
    password: str | None,
    jobs: int,
    scheduler: str | None,
    pages: frozenset[int] | None,
    tables: tuple[int, ...] | None,
    extracts: Path | None,
    store: str | None,
    ocr: bool,
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
      actionplan ingest plans/*.pdf --jobs 4 --extracts output/
      actionplan ingest plans/*.pdf --scheduler tcp://10.0.0.5:8786 --store postgresql+psycopg://...
      actionplan ingest update.pdf --plan "Appendix 1: Action Plan" --revision 2016-q1 --revision-date 2016-03-31
      actionplan ingest scanned-update.pdf --ocr
    """
    from pipeline.export.extracts import write_extracts
    from pipeline.ingest import ingest_batch
    from pipeline.store import describe_url

    if label and len(files) > 1:
        raise click.UsageError("--revision names one revision: give one FILE with it")
    if scheduler and ctx.get_parameter_source("jobs") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--jobs reads on this machine, --scheduler on a Dask cluster: give one of them")
    if revision_date and as_of and revision_date != as_of:
        raise click.UsageError("--as-of is the old name of --revision-date: give one of them")
    settings = settings_of(ctx)
    limits, isolate = _limits(limit_args)
    opened = _store_to_write(store)
    if isolate and not CAN_CAP_MEMORY:
        click.echo("note: this system cannot cap a process's memory; only the time limit applies", err=True)
    show = sys.stderr.isatty() and len(files) > 1
    bar = click.progressbar(length=len(files), label="Reading PDFs", file=sys.stderr) if show else None
    with bar if bar is not None else contextlib.nullcontext():
        common: dict[str, Any] = {
            "plan": plan,
            "label": label,
            "revision_date": revision_date or as_of,
            "replace": replace,
            "password": password,
            "settings": settings,
            "limits": limits,
            "isolate": isolate,
            "on_extracted": (lambda _p: bar.update(1)) if bar is not None else None,
            "pages": pages,
            "tables": tables,
            "ocr": ocr,
        }
        if scheduler:
            results = _ingest_on_cluster(opened, list(files), scheduler, common)
        else:
            results = ingest_batch(opened, list(files), jobs=jobs, **common)
    failed = [(path, error) for path, error in results if isinstance(error, PipelineError)]
    if len(files) == 1 and failed:
        raise failed[0][1]
    if any(not isinstance(done, PipelineError) and not done.already_stored for _, done in results):
        written = opened()
        if written.created:  # said once, when the store is made; after that the user knows where it is
            click.echo(f"created a new store at {describe_url(written.url)}")
    for path, done in results:
        if not isinstance(done, PipelineError):
            _say_ingested(path, done)
            if extracts is not None:
                files_written = write_extracts(done.extraction, extracts, path.stem)
                click.echo(f"  what was read: {', '.join(str(p) for p in files_written)}")
    if failed:
        click.echo(f"actionplan: {len(failed)} of {len(files)} files could not be ingested:", err=True)
        for path, error in failed:
            click.echo(f"  {path.name}: {error.message}", err=True)
        sys.exit(2 if len(failed) == len(files) else 1)


def _ingest_on_cluster(
    opened: Any, files: list[Path], scheduler: str, options: dict[str, Any]
) -> list[tuple[Path, Ingested | PipelineError]]:
    import importlib.util

    from pipeline.distributed import ingest_distributed

    if importlib.util.find_spec("distributed") is None:
        raise click.UsageError("--scheduler needs Dask: pip install 'actionplan[distributed]' (or --jobs N here)")
    return ingest_distributed(opened, files, scheduler, **options)


def _say_ingested(path: Path, done: Ingested) -> None:
    from pipeline.export.text import counts_to_text
    from pipeline.history import status_counts
    from pipeline.ingest import revision_date_words

    rev = done.revision
    click.echo(f"{path}: {done.plan_note}")
    if done.already_stored:
        return
    if done.new_plan and done.closest is not None:
        again = f"actionplan ingest {shlex.quote(str(path))} --plan {shlex.quote(done.closest.plan)}"
        click.echo(
            f"  to add it to {done.closest.plan!r} instead: "
            f"actionplan remove {rev.label} --plan {shlex.quote(rev.plan)} --yes && {again}"
        )
    records = done.extraction.records
    counts = counts_to_text(status_counts(records))
    click.echo(f"  revision {rev.label} ({revision_date_words(rev)}): {len(records)} records: {counts}")
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
    from pipeline.export.text import revisions_to_table
    from pipeline.history import status_counts
    from pipeline.removal import removals_to_lines

    opened = _open_store(store)
    chosen = opened.resolve_plan(plan)
    found = opened.revisions(chosen, include_drafts=include_drafts)
    by_revision = opened.records_of(found)
    rows = [(rev, status_counts(by_revision[rev.id])) for rev in found]
    click.echo(f"Plan {chosen.name!r}")
    click.echo(revisions_to_table(rows), nl=False)
    removed = removals_to_lines(opened.removals(chosen.name))
    if removed:
        click.echo("Removed:")
        for line in removed:
            click.echo(f"  {line}")


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
    from pipeline.export.text import diff_to_csv, diff_to_text
    from pipeline.history import diff_to_jsonable
    from pipeline.ingest import diff_labels

    opened = _open_store(store)
    result = diff_labels(opened, plan, old, new, include_drafts=include_drafts)
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
    from pipeline.export.text import history_to_table
    from pipeline.history import history_to_jsonable, record_history
    from pipeline.ingest import load_history
    from pipeline.store import describe_url

    opened = _open_store(store)
    chosen = opened.resolve_plan(plan)
    rows = record_history(load_history(opened, chosen, include_drafts=include_drafts), ident)
    if not rows:
        raise PipelineError(
            describe_url(opened.url), f"plan {chosen.name!r} has no recommendation {ident!r} in any revision"
        )
    if fmt == "json":
        click.echo(json.dumps(history_to_jsonable(rows), ensure_ascii=False, indent=2))
    else:
        click.echo(history_to_table(rows), nl=False)
