"""cli: click commands. Each parses its options, calls one library function and echoes. No logic."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pipeline.errors import PipelineError
from pipeline.export.atomic import write_atomic
from pipeline.export.issuetable import issues_to_table
from pipeline.export.recordfile import FORMATS, render_extraction
from pipeline.extraction import extract_plan
from pipeline.records import Extraction
from pipeline.settings import load_settings

PROGRESS_MIN_PAGES = 20


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


def _summary(extraction: Extraction) -> str:
    counts: Counter[str] = Counter(i.severity for i in extraction.issues)
    names = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
    parts = ", ".join(f"{counts[s]} {names[s][counts[s] != 1]}" for s in names if counts[s])
    return f"{extraction.source.path}: {len(extraction.records)} records from {extraction.source.pages} pages" + (
        f"; issues: {parts}" if parts else "; no issues"
    )


@main.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True, help="Output format.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output."
)
@click.option("--password", help="Password for an encrypted PDF.")
@click.pass_context
def extract(ctx: click.Context, file: Path, fmt: str, output: Path | None, password: str | None) -> None:
    """Extract the action-plan table in FILE into records.

    \b
    Examples:
      actionplan extract input/kcc-2015.pdf
      actionplan extract input/kcc-2015.pdf --format csv -o output/kcc-2015.csv
    """
    settings = load_settings(ctx.obj["config"])
    with _page_progress(f"Reading {file.name}") as progress:
        extraction = extract_plan(file, password=password, settings=settings, progress=progress)
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
@click.pass_context
def validate(ctx: click.Context, file: Path, strict: bool, password: str | None) -> None:
    """Check the plan in FILE and print its issues as a table.

    Exit code 0, or 1 under --strict when an error-severity issue exists.

    \b
    Examples:
      actionplan validate input/kcc-2015.pdf
      actionplan validate input/kcc-2015.pdf --strict
    """
    settings = load_settings(ctx.obj["config"])
    with _page_progress(f"Reading {file.name}") as progress:
        extraction = extract_plan(file, password=password, settings=settings, progress=progress)
    if extraction.issues:
        click.echo(issues_to_table(extraction.issues), nl=False)
    click.echo(_summary(extraction))
    if strict and any(i.severity == "error" for i in extraction.issues):
        sys.exit(1)
