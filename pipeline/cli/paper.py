"""The committee paper: report, and closing recommendations the committee agreed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.base import (
    _as_of,
    _open_store,
    drafts_option,
    main,
    plan_option,
    store_option,
)
from pipeline.export.pdf import PDF_TIMEOUT


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("output/committee-paper.docx"),
    show_default=True,
)
@plan_option
@click.option(
    "--all-plans",
    is_flag=True,
    help="A portfolio paper over every plan in the store: a section per plan and one appendix table of the "
    "items needing attention (not with --plan, --revision or --since).",
)
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
@click.option(
    "--pdf-timeout",
    type=click.FloatRange(1),
    default=PDF_TIMEOUT,
    show_default=True,
    help="Seconds LibreOffice may take; then it and every process it started are stopped.",
)
@drafts_option
@store_option
def report(
    output: Path,
    plan: str | None,
    all_plans: bool,
    label: str | None,
    since: str | None,
    as_of: str | None,
    meta: Path | None,
    template: Path | None,
    pdf: bool,
    pdf_timeout: float,
    include_drafts: bool,
    store: str | None,
) -> None:
    """Write the quarterly committee paper (Word, and PDF with --pdf).

    \b
    Examples:
      actionplan report --meta paper.toml --pdf
      actionplan report --pdf --pdf-timeout 600
      actionplan report --since r2 --template council.docx -o output/paper.docx
      actionplan report --all-plans --as-of 2016-01-21 -o output/portfolio.docx
    """
    from pipeline.committee import build_paper

    if all_plans:
        if plan is not None or label is not None or since is not None:
            raise click.UsageError(
                "--all-plans reports every plan at its latest revision: give no --plan, --revision or --since"
            )
        _portfolio_report(
            output,
            as_of=as_of,
            meta=meta,
            template=template,
            include_drafts=include_drafts,
            store=store,
            pdf=pdf,
            pdf_timeout=pdf_timeout,
        )
        return
    opened = _open_store(store)
    show = sys.stderr.isatty()

    def step(what: str) -> None:
        if show:
            click.echo(f"  {what}…", err=True)

    docx, made_pdf, notes = build_paper(
        opened,
        output,
        plan=plan,
        label=label,
        since=since,
        as_of=_as_of(as_of),
        meta_path=meta,
        template=template,
        pdf=pdf,
        include_drafts=include_drafts,
        progress=step,
        pdf_timeout=pdf_timeout,
    )
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {docx}" + (f" and {made_pdf}" if made_pdf else ""))


def _portfolio_report(
    output: Path,
    *,
    as_of: str | None,
    meta: Path | None,
    template: Path | None,
    include_drafts: bool,
    store: str | None,
    pdf: bool,
    pdf_timeout: float,
) -> None:
    from pipeline.meta import load_meta, long_date
    from pipeline.portfolio import build_portfolio_paper, sections

    written = build_portfolio_paper(
        _open_store(store),
        output,
        as_of=_as_of(as_of),
        meta=load_meta(meta),
        template=template,
        include_drafts=include_drafts,
        pdf=pdf,
        pdf_timeout=pdf_timeout,
    )
    for note in written.warnings:
        click.echo(f"note: {note}", err=True)
    views = written.portfolio.plans
    also = f" and {written.pdf}" if written.pdf else ""
    click.echo(f"wrote {written.path}{also} ({len(views)} plans, reporting date {long_date(written.portfolio.as_of)}):")
    for view, section in zip(views, sections(written.portfolio), strict=True):
        click.echo(f"  {view.plan.name}: revision {view.revision.label}, {len(section.attention)} needing attention")


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
    from pipeline.committee import close_records

    opened = _open_store(store)
    chosen, latest = close_records(opened, list(ids), agreed, plan=plan)
    click.echo(f"closed {', '.join(ids)} in plan {chosen.name!r} (as of revision {latest.label}): {agreed}")
