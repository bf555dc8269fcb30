"""One call from a PDF path to checked records: extract, normalise, validate."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from pipeline.extract import read_pdf
from pipeline.isolation import Limits, run_isolated
from pipeline.normalise import rows_to_records
from pipeline.records import Extraction, Source, SourceDocument
from pipeline.settings import Settings, default_settings
from pipeline.validate import check_records


def extract_plan(
    path: str | Path,
    *,
    password: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits | None = None,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
) -> Extraction:
    """Given a plan PDF, return its records and issues (raises InputError for unusable files).

    `pages` limits the search to those pages; `tables` names the tables the plan is taken from.
    """
    settings = settings or default_settings()
    limits = limits or Limits()
    doc = read_pdf(
        path,
        password=password,
        settings=settings,
        progress=progress,
        max_pages=limits.max_pages,
        max_mb=limits.max_file_mb,
        pages=pages,
        tables=tables,
    )
    records, issues = rows_to_records(doc, settings)
    source = source_of(doc)
    all_issues = (*doc.issues, *issues, *check_records(records, doc.columns))
    return Extraction(source, tuple(records), tuple(all_issues))


def source_of(doc: SourceDocument) -> Source:
    """Given an extracted document, return the part of it an extraction reports: file, title, columns, tables."""
    return Source(doc.path, doc.sha256, doc.pages, doc.title, doc.columns, doc.tables, doc.title_from)


def extract_isolated(
    path: str | Path,
    *,
    password: str | None = None,
    settings: Settings | None = None,
    limits: Limits | None = None,
    progress: Callable[[int, int], None] | None = None,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
) -> Extraction:
    """Like `extract_plan`, but in a child process within time and memory limits, so no file can hang or crash us."""
    limits = limits or Limits()
    kwargs = {
        "password": password,
        "settings": settings or default_settings(),
        "limits": limits,
        "pages": pages,
        "tables": tables,
    }
    extraction: Extraction = run_isolated(str(path), extract_plan, (Path(path),), kwargs, limits, progress)
    return extraction
