"""One call from a plan's path (a PDF, or a Word document: pipeline.word) to checked records: extract, normalise,
validate."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.extract import read_pdf
from pipeline.extract.opening import is_word_like
from pipeline.isolation import Limits, run_isolated
from pipeline.normalise import rows_to_records
from pipeline.records import Extraction, Source, SourceDocument
from pipeline.settings import Settings, default_settings


def extract_plan(
    path: str | Path,
    *,
    password: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits | None = None,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    checked: bool = True,
    ocr: bool = False,
) -> Extraction:
    """Given a plan PDF or Word document, return its records and issues (raises InputError for unusable files).

    `pages` limits the search to those pages; `tables` names the tables the plan is taken from.
    `checked=False` leaves out the checks against the schema (`with_checks` adds them). With `ocr`, pages of
    images are read by OCR (see `extract_pdf`).
    """
    settings = settings or default_settings()
    limits = limits or Limits()
    if is_word_like(Path(path)):
        extraction = extract_word(path, settings=settings, limits=limits, pages=pages, tables=tables)
    else:
        extraction = extract_pdf(
            path,
            password=password,
            settings=settings,
            progress=progress,
            limits=limits,
            pages=pages,
            tables=tables,
            ocr=ocr,
        )
    return with_checks(extraction) if checked else extraction


def extract_pdf(
    path: str | Path,
    *,
    password: str | None = None,
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    ocr: bool = False,
) -> Extraction:
    """Given a plan PDF, return its records and issues. With `ocr`, each page without a text layer (a scan) is
    read by OCR (Tesseract) and laid out as any other; each record read so carries its confidence, and a cell
    read with low confidence is a warning. Raises MissingToolError when OCR is asked for and Tesseract is not
    installed."""
    scanner = None
    if ocr:
        from pipeline.ocr import Scanner

        scanner = Scanner(str(path), password, labels=settings.strong_label_patterns)
        scanner.check()
    try:
        doc = read_pdf(
            path,
            password=password,
            settings=settings,
            progress=progress,
            max_pages=limits.max_pages,
            max_mb=limits.max_file_mb,
            pages=pages,
            tables=tables,
            scan=scanner,
        )
    finally:
        if scanner is not None:
            scanner.close()
    records, issues = rows_to_records(doc, settings)
    if scanner is None or not scanner.pages:  # every page had a text layer: read as any PDF is
        return Extraction(source_of(doc), tuple(records), (*doc.issues, *issues))
    from pipeline.ocr.confidence import rate_records

    rated, low = rate_records(records, doc, scanner.words)
    return Extraction(replace(source_of(doc), format="pdf+ocr"), tuple(rated), (*doc.issues, *issues, *low))


def extract_word(
    path: str | Path,
    *,
    settings: Settings,
    limits: Limits,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
) -> Extraction:
    """Given a Word plan (.docx, or a .doc, .odt or .rtf LibreOffice converts), return its records and issues,
    each record with its row in the table instead of pages and boxes."""
    from pipeline.word import CONVERT_SHARE, read_word, word_records  # python-docx: only for a Word file

    doc = read_word(
        path,
        settings=settings,
        tables=tables,
        pages=pages,
        max_mb=limits.max_file_mb,
        timeout=CONVERT_SHARE * limits.seconds,  # LibreOffice stops before the isolated read's time is up
    )
    records, issues = word_records(*rows_to_records(doc, settings))
    return Extraction(replace(source_of(doc), format="docx"), tuple(records), (*doc.issues, *issues))


def with_checks(extraction: Extraction) -> Extraction:
    """Given an extraction read without its checks, return it with the data problems found added to its issues."""
    from pipeline.validate import check_records  # jsonschema: loaded while an isolated read runs

    found = check_records(extraction.records, extraction.source.columns)
    return replace(extraction, issues=(*extraction.issues, *found))


def _ready_to_check() -> None:
    """Load the validator (jsonschema and the compiled record schema) before the read it checks is back."""
    from pipeline.validate import record_validator

    record_validator()


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
    ocr: bool = False,
) -> Extraction:
    """Like `extract_plan`, but in a child process within time and memory limits, so no file can hang or crash us.

    With `ocr` the time limit grows by `pipeline.ocr.SECONDS_PER_PAGE` for each page (OCR is slow)."""
    limits = limits or Limits()
    if ocr:
        from pipeline.ocr import SECONDS_PER_PAGE

        limits = replace(limits, seconds_per_page=max(limits.seconds_per_page, SECONDS_PER_PAGE))
    kwargs: dict[str, object] = {
        "password": password,
        "settings": settings or default_settings(),
        "limits": limits,
        "pages": pages,
        "tables": tables,
        "checked": False,  # checked here, with the validator loaded while the child reads
        "ocr": ocr,
    }
    read: Extraction = run_isolated(
        str(path), extract_plan, (Path(path),), kwargs, limits, progress, while_waiting=_ready_to_check
    )
    return with_checks(read)
