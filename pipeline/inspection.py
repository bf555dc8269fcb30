"""One call from a PDF to page images of what the extractor saw in it: read, normalise, draw.

Both steps run in a child process within the limits (as `extract` does), since
rendering a hostile page can hang or crash pdfium just as reading one can.
When no plan is found, the pages are still drawn, with the tables seen and why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from pipeline.export.overlay import draw_overlays
from pipeline.extract import read_pdf
from pipeline.isolation import Limits, run_isolated
from pipeline.normalise import rows_to_records
from pipeline.records import Record, SourceDocument, Table
from pipeline.settings import Settings, default_settings

ProgressFn = Callable[[int, int], None]
ProgressBar = Callable[[str], AbstractContextManager[ProgressFn]]


@dataclass(frozen=True, slots=True)
class Seen:
    """What the extractor saw in a PDF: the document (None if no table at all), its records, and why there is no plan."""

    doc: SourceDocument | None
    records: tuple[Record, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Inspection:
    """What `inspect_pdf` drew: the images written, the tables seen, how many records, and why there is no plan."""

    path: str
    images: tuple[Path, ...]
    tables: tuple[Table, ...]
    records: int
    note: str | None = None


def inspect_pdf(
    path: str | Path,
    out_dir: str | Path,
    *,
    password: str | None = None,
    settings: Settings | None = None,
    limits: Limits | None = None,
    isolate: bool = True,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    progress: ProgressBar | None = None,
) -> Inspection:
    """Given a PDF and a folder, write one PNG per page (those in `pages`, else all) showing what was read.

    `progress`, given a label, opens a context yielding a (done, total) callback: once for reading, once for drawing.
    Raises an InputError subclass for a file that cannot be read, as `extract` does.
    """
    settings = settings or default_settings()
    limits = limits or Limits()
    name = Path(path).name
    bar: ProgressBar = progress or (lambda _label: nullcontext(lambda _done, _total: None))
    with bar(f"Reading {name}") as reading:
        read_args = {"password": password, "settings": settings, "limits": limits, "pages": pages, "tables": tables}
        if isolate:
            seen: Seen = run_isolated(str(path), read_seen, (Path(path),), read_args, limits, reading)
        else:
            seen = read_seen(
                Path(path),
                password=password,
                settings=settings,
                limits=limits,
                pages=pages,
                tables=tables,
                progress=reading,
            )
    with bar(f"Drawing {name}") as drawing:
        args = (Path(path), seen.doc, seen.records, Path(out_dir))
        if isolate:
            draw_args = {"pages": pages, "password": password, "note": seen.note}
            images: list[Path] = run_isolated(str(path), draw_overlays, args, draw_args, limits, drawing)
        else:
            images = draw_overlays(*args, pages=pages, password=password, note=seen.note, progress=drawing)
    found = seen.doc.tables if seen.doc is not None else ()
    return Inspection(str(path), tuple(images), found, len(seen.records), seen.note)


def read_seen(
    path: Path,
    *,
    password: str | None,
    settings: Settings,
    limits: Limits,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    progress: ProgressFn | None = None,
) -> Seen:
    """Given a PDF, return what the extractor saw: the plan and its records, or, with no plan, every table seen."""
    doc = read_pdf(
        path,
        password=password,
        settings=settings,
        progress=progress,
        max_pages=limits.max_pages,
        max_mb=limits.max_file_mb,
        pages=pages,
        tables=tables,
        require_plan=False,
    )
    if not any(t.used for t in doc.tables):
        note = doc.issues[0].message if doc.issues else "no action-plan table found"
        return Seen(doc if doc.tables else None, (), note)
    records, _issues = rows_to_records(doc, settings)
    return Seen(doc, tuple(records), None)


def describe_inspection(done: Inspection) -> str:
    """Given an inspection, return its one-line summary."""
    pages = f"{len(done.images)} page image{'s' if len(done.images) != 1 else ''}"
    tables = f"{len(done.tables)} table{'s' if len(done.tables) != 1 else ''} seen"
    if done.note is not None:
        return f"{done.path}: wrote {pages}; {tables}; no plan read (the note on each page says why)"
    used = [str(t.index) for t in done.tables if t.used]
    source = f"table{'s' if len(used) != 1 else ''} {', '.join(used)}"
    return f"{done.path}: wrote {pages}; {tables}; {done.records} records from {source}"
