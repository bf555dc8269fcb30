"""One call from a PDF path to checked records: extract, normalise, validate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.extract import read_pdf
from pipeline.normalise import rows_to_records
from pipeline.records import Extraction, Source
from pipeline.settings import Settings, load_settings
from pipeline.validate import check_records


def extract_plan(
    path: str | Path,
    password: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Extraction:
    """Given a plan PDF, return its records and issues (raises InputError for unusable files)."""
    settings = settings or load_settings()
    doc = read_pdf(path, password=password, settings=settings, progress=progress)
    records, issues = rows_to_records(doc, settings)
    source = Source(doc.path, doc.sha256, doc.pages, doc.title, doc.columns)
    all_issues = (*doc.issues, *issues, *check_records(records, doc.columns))
    return Extraction(source, tuple(records), tuple(all_issues))
