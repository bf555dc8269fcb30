"""Commands that read one PDF: extract, validate, inspect."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pipeline.cli.base import (
    _limits,
    _page_progress,
    _read_plan,
    _summary,
    extracts_option,
    limit_options,
    main,
    ocr_option,
    settings_of,
    where_options,
)
from pipeline.export.atomic import check_target, write_atomic
from pipeline.export.recordfile import FORMATS, render_extraction


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True, help="Output format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output."
)
@click.option("--password", help="Password for an encrypted PDF.")
@extracts_option
@where_options
@ocr_option
@limit_options
@click.pass_context
def extract(
    ctx: click.Context,
    /,
    file: Path,
    fmt: str,
    output: Path | None,
    password: str | None,
    extracts: Path | None,
    pages: frozenset[int] | None,
    tables: tuple[int, ...] | None,
    ocr: bool,
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
      actionplan extract input/kcc-2015.pdf --extracts output/   # kcc-2015.json, .csv, .issues.txt
      actionplan extract scanned-plan.pdf --ocr
    """
    settings = settings_of(ctx)
    limits, isolate = _limits(limit_args)
    if output is not None:
        check_target(output)  # refuse a link, folder or device before the PDF is read
    extraction = _read_plan(file, password, settings, limits, isolate, pages=pages, tables=tables, ocr=ocr)
    if extracts is not None:
        from pipeline.export.extracts import write_extracts

        for path in write_extracts(extraction, extracts, file.stem):
            click.echo(f"wrote {path}", err=True)
    if output is not None:
        write_atomic(output, render_extraction(extraction, fmt))
        click.echo(f"wrote {output}", err=True)
    elif extracts is None:  # with --extracts alone the records went to the folder, and standard output stays quiet
        click.echo(render_extraction(extraction, fmt), nl=False)
    click.echo(_summary(extraction), err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 if any error-severity issue is found.")
@click.option("--password", help="Password for an encrypted PDF.")
@where_options
@ocr_option
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
    ocr: bool,
    **limit_args: Any,
) -> None:
    """Check the plan in FILE and print its issues as a table.

    Exit code 0, or 1 under --strict when an error-severity issue exists.

    \b
    Examples:
      actionplan validate input/kcc-2015.pdf
      actionplan validate input/kcc-2015.pdf --strict
      actionplan validate scanned-plan.pdf --ocr
    """
    from pipeline.export.text import issues_to_table

    settings = settings_of(ctx)
    limits, isolate = _limits(limit_args)
    extraction = _read_plan(file, password, settings, limits, isolate, pages=pages, tables=tables, ocr=ocr)
    if extraction.issues:
        click.echo(issues_to_table(extraction.issues), nl=False)
    click.echo(_summary(extraction))
    if strict and any(i.severity == "error" for i in extraction.issues):
        sys.exit(1)


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
    from pipeline.inspection import describe_inspection, inspect_pdf

    settings = settings_of(ctx)
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
