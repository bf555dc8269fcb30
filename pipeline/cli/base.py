"""The command group and what its commands share: one-line errors, limits, where to look, the store."""

from __future__ import annotations

import functools
import gc
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline.errors import PipelineError
from pipeline.isolation import Limits

if TYPE_CHECKING:
    from pipeline.records import Extraction
    from pipeline.settings import Settings
    from pipeline.store import Store

# Each command imports its stage's libraries (pdfplumber, pandas, SQLAlchemy, openpyxl, python-docx,
# matplotlib) when it runs, so `--help` and `extract` start without them; tests/test_startup.py checks.

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


def settings_of(ctx: click.Context) -> Settings:
    """Given a command's context, return the settings: read once per run from --config, else from
    ./actionplan.toml when there is one, else the defaults. Commands pass them down; the library never
    looks for a config file itself."""
    from pipeline.settings import find_config, load_settings

    root = ctx.find_root()
    if "settings" not in root.obj:
        root.obj["settings"] = load_settings(find_config(root.obj["config"]))
    found: Settings = root.obj["settings"]
    return found


class LazyDefault:
    """An option default read from its stage's module only when a command runs or shows its own help."""

    def __init__(self, get: Callable[[], Any]) -> None:
        self._get = get

    def __call__(self) -> Any:
        return self._get()

    def __str__(self) -> str:
        return str(self._get())


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
    ocr: bool = False,
) -> Extraction:
    """Extract one plan, with a progress bar for long ones: in a child process within the limits, or here."""
    from pipeline.extraction import extract_isolated, extract_plan

    with _page_progress(f"Reading {file.name}") as progress:
        if not isolate:
            return extract_plan(
                file,
                password=password,
                settings=settings,
                progress=progress,
                limits=limits,
                pages=pages,
                tables=tables,
                ocr=ocr,
            )
        # The forked reader's garbage collector then leaves the objects it inherits alone, instead of touching
        # (and so copying) every page of them: about 4% of the command's time on a 25-page plan.
        gc.freeze()
        try:
            return extract_isolated(
                file,
                password=password,
                settings=settings,
                limits=limits,
                progress=progress,
                pages=pages,
                tables=tables,
                ocr=ocr,
            )
        finally:
            gc.unfreeze()


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
    from pipeline.words import plural

    read = "a Word table" if source.format == "docx" else plural(source.pages, "page")
    if source.format == "pdf+ocr":
        read += " by OCR"
    return f"{source.path}: {plural(len(extraction.records), 'record')} from {read}; {_issue_words(extraction)}"


def _open_store(store: str | None, *, create: bool = False) -> Store:
    """Open the store; refuse an in-memory one, which would keep nothing. Only `create` makes a store that is
    not there yet: without it, a missing store is one line naming the path, and nothing is made."""
    from pipeline.store import Store, StoreError, describe_url, is_in_memory, store_url

    url = store_url(store)
    if is_in_memory(url):
        raise StoreError(
            describe_url(url),
            "is an in-memory database: it starts empty and would keep nothing after this command; "
            "give --store a file path or a database URL",
        )
    opened = Store(url, create=create)
    click.get_current_context().call_on_close(opened.close)
    return opened


def _store_to_write(store: str | None) -> Callable[[], Store]:
    """Open the store now when it is there (so a bad --store is refused before any work); else return a function
    that makes it when first called, so a run that has nothing to write makes no store."""
    from pipeline.store import MissingStoreError

    try:
        opened = _open_store(store)
    except MissingStoreError:
        return functools.cache(lambda: _open_store(store, create=True))
    return lambda: opened


# No envvar here: store_url reads $ACTIONPLAN_STORE itself when --store is not given, and naming the variable
# through pipeline.store would load SQLAlchemy for every command (a test keeps this help and store.STORE_ENV in step).
store_option = click.option(
    "--store",
    help="Database: a file path or URL (sqlite:///..., postgresql+psycopg://...). Default: $ACTIONPLAN_STORE, else output/actionplan.db.",
)
plan_option = click.option("--plan", help="Plan name (default: the only plan in the store).")
drafts_option = click.option(
    "--include-drafts", is_flag=True, help="Treat draft revisions (owner returns not yet approved) as revisions."
)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write it as YYYY-MM-DD", param_hint="--as-of") from None


extracts_option = click.option(
    "--extracts",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write what was read from each FILE as NAME.json, NAME.csv and NAME.issues.txt into DIR (from the same read).",
)

# The seconds a page are the default of pipeline.ocr.SECONDS_PER_PAGE, written out so --help loads nothing more.
ocr_option = click.option(
    "--ocr",
    is_flag=True,
    help="Read pages that are only images (a scan) by OCR, with Tesseract: slow (a second or two a page), "
    "so the time limit grows by 30 s a page.",
)
