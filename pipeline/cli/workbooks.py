"""The update round: the master tracker and owner workbooks, collect, approve."""

from __future__ import annotations

import shlex
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.base import (
    LazyDefault,
    _as_of,
    _open_store,
    drafts_option,
    main,
    plan_option,
    settings_of,
    store_option,
)
from pipeline.isolation import Limits

if TYPE_CHECKING:
    from pipeline.export.owner_workbook import ReturnTo


def _return_limits() -> Limits:
    from pipeline.returns import RETURN_LIMITS

    return RETURN_LIMITS


def _return_by(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD", ctx, param) from None


def _contact(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, str] | None:
    from pipeline.update_round.workbooks import parse_contact

    if value is None:
        return None
    try:
        return parse_contact(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


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
@click.option(
    "--all-plans",
    is_flag=True,
    help="Every plan in the store, each at its latest revision: one tracker with a Plan column, a sheet per "
    "plan and a summary by plan and status; with --by-owner, one workbook per owner over all their plans "
    "(not with --plan or --revision).",
)
@click.option("--revision", "label", help="Revision label (default: the latest).")
@click.option(
    "--as-of",
    help="Reporting date: the date the overdue, slipped and no-new-progress flags are worked out at, YYYY-MM-DD "
    "(default: the meeting date in --meta, else today).",
)
@click.option(
    "--meta",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The round's meta file (TOML, as for `report`): meeting_date, plan_name, return_by, contact.",
)
@click.option(
    "--return-by",
    callback=_return_by,
    metavar="YYYY-MM-DD",
    help="With --by-owner: the date owners send their workbooks back by (default: return_by in --meta).",
)
@click.option(
    "--contact",
    callback=_contact,
    metavar='"NAME <EMAIL>"',
    help="With --by-owner: who owners send their workbooks back to (default: contact in --meta).",
)
@click.option(
    "--include-complete",
    is_flag=True,
    help="With --by-owner: list each owner's complete or closed items on a locked sheet, for reference.",
)
@drafts_option
@store_option
@click.pass_context
def tracker(
    ctx: click.Context,
    output: Path,
    by_owner: Path | None,
    force: bool,
    plan: str | None,
    all_plans: bool,
    label: str | None,
    as_of: str | None,
    meta: Path | None,
    return_by: date | None,
    contact: tuple[str, str] | None,
    include_complete: bool,
    include_drafts: bool,
    store: str | None,
) -> None:
    """Write the master Excel tracker, or one workbook per owner to fill in (--by-owner).

    Both print landscape on A4, one page wide. Owner workbooks leave out items that are complete or closed,
    and say by when and to whom they go back.

    \b
    Examples:
      actionplan tracker -o output/tracker.xlsx --meta input/paper.toml
      actionplan tracker -o output/tracker.xlsx --as-of 2016-01-15
      actionplan tracker --all-plans -o output/portfolio.xlsx --as-of 2016-01-15
      actionplan tracker --by-owner output/owners --meta input/paper.toml
      actionplan tracker --by-owner output/owners --all-plans --meta input/paper.toml
      actionplan tracker --by-owner output/owners --return-by 2016-03-04 \\
          --contact "Jane Smith, Policy Officer <jane.smith@kent.gov.uk>"
    """
    from pipeline.meta import load_meta, long_date
    from pipeline.update_round import make_owner_workbooks, make_tracker

    if all_plans and (plan is not None or label is not None):
        raise click.UsageError("--all-plans covers every plan at its latest revision: give no --plan or --revision")
    details = load_meta(meta)
    opened = _open_store(store)
    when = _as_of(as_of)
    if all_plans and by_owner is not None:
        from pipeline.update_round.workbooks import make_portfolio_owner_workbooks

        every = make_portfolio_owner_workbooks(
            opened,
            by_owner,
            as_of=when,
            meta=details,
            return_by=return_by,
            contact=contact,
            include_complete=include_complete,
            force=force,
            settings=settings_of(ctx),
        )
        revisions = ", ".join(f"{r.plan} {r.label}" for r in every.revisions)
        click.echo(
            f"wrote {len(every.files)} owner workbooks over {len(every.revisions)} plans ({revisions}) into {by_owner}/:"
        )
        for (key, path), (_, plans) in zip(every.files, every.covers, strict=True):
            click.echo(f"  {key}: {path.name} ({'; '.join(plans)})")
        _say_return(every.as_of, every.return_to)
        for issue in every.warnings:
            click.echo(f"actionplan: warning: {issue.message}", err=True)
        return
    if all_plans:
        from pipeline.update_round.workbooks import make_portfolio_tracker

        portfolio = make_portfolio_tracker(opened, output, as_of=when, meta=details, include_drafts=include_drafts)
        views = portfolio.portfolio.plans
        click.echo(
            f"wrote {portfolio.path} ({len(views)} plans, reporting date {long_date(portfolio.portfolio.as_of)}):"
        )
        for view in views:
            click.echo(f"  {view.plan.name}: revision {view.revision.label}, {len(view.flagged)} records")
        for message in portfolio.warnings:
            click.echo(f"actionplan: warning: {message}", err=True)
        return
    if by_owner is not None:
        books = make_owner_workbooks(
            opened,
            by_owner,
            plan=plan,
            label=label,
            as_of=when,
            meta=details,
            return_by=return_by,
            contact=contact,
            include_complete=include_complete,
            force=force,
            settings=settings_of(ctx),
        )
        click.echo(f"wrote {len(books.files)} owner workbooks for revision {books.revision.label} into {by_owner}/:")
        for key, path in books.files:
            click.echo(f"  {key}: {path.name}")
        _say_return(books.as_of, books.return_to)
        warnings = books.warnings
    else:
        written = make_tracker(
            opened, output, plan=plan, label=label, as_of=when, meta=details, include_drafts=include_drafts
        )
        click.echo(
            f"wrote {written.path} (revision {written.revision.label}, reporting date {long_date(written.as_of)})"
        )
        warnings = written.warnings
    for issue in warnings:
        click.echo(f"actionplan: warning: {issue.message}", err=True)


def _say_return(as_of: date | None, back: ReturnTo) -> None:
    """Say the owner workbooks' reporting date and return, and warn when the return-by date or contact is missing."""
    from pipeline.meta import long_date

    click.echo(
        f"reporting date {long_date(as_of)}; return by {long_date(back.by) or 'not given'}"
        f" to {back.contact() if back.name or back.email else 'no contact given'}"
    )
    if back.by is None or not (back.name or back.email):
        click.echo(
            "actionplan: warning: the workbooks give no return-by date or no contact: "
            "give --return-by and --contact, or return_by and contact in --meta",
            err=True,
        )


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
@click.option(
    "--time-limit",
    type=click.FloatRange(1),
    default=LazyDefault(lambda: _return_limits().seconds),
    show_default=True,
    help="Seconds one returned workbook may take to read.",
)
@click.option(
    "--memory-limit",
    type=click.IntRange(64),
    default=LazyDefault(lambda: _return_limits().memory_mb),
    show_default=True,
    help="MB of memory reading one returned workbook may use (Linux and macOS).",
)
@store_option
@click.pass_context
def collect(
    ctx: click.Context,
    files: tuple[Path, ...],
    label: str | None,
    report: Path,
    time_limit: float,
    memory_limit: int,
    store: str | None,
) -> None:
    """Read owners' returned workbooks (never changing them) into a draft revision, and write a collect report.

    \b
    Example:
      actionplan collect returns/*.xlsx
    """
    from pipeline.update_round import collect_returns
    from pipeline.update_round.collect import MARKER_NOTES

    opened = _open_store(store)
    limits = replace(_return_limits(), seconds=time_limit, memory_mb=memory_limit)
    done = collect_returns(opened, list(files), report, label=label, settings=settings_of(ctx), limits=limits)
    for message in done.failed:
        click.echo(f"actionplan: {message}", err=True)
    for line in done.returns:
        # A workbook whose marker was edited, or handed out unsigned before workbooks were signed, is said on stderr.
        said = f"  {line.workbook} ({line.owner}, {line.marker}): {line.outcome}"
        click.echo(said, err=line.marker != MARKER_NOTES["signed"])
    click.echo(
        f"{len(done.accepted)} updates accepted, {len(done.rejected)} cells rejected, {len(done.conflicts)} conflicting proposals, "
        f"{len(done.stale)} stale rows; {len(done.chase)} owners still to return"
    )
    several = len(opened.plans()) > 1
    for draft in done.drafts:
        command = f"actionplan approve {draft.label}" + (f" --plan {shlex.quote(draft.plan)}" if several else "")
        click.echo(f"draft revision {draft.label} of plan {draft.plan!r} (approve it with: {command})")
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
    from pipeline.update_round import approve_draft

    opened = _open_store(store)
    rev = approve_draft(opened, label, plan)
    click.echo(f"revision {rev.label} of plan {rev.plan!r} is published")
