"""extract: PDF -> SourceDocument. The only stage that imports pdfplumber (and pypdfium2).

Each page is parsed once and closed before the next, so memory stays flat as
plans grow.
"""

from __future__ import annotations

import contextlib
import io
import logging
import statistics
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from pipeline.errors import DamagedPdfError, EncryptedPdfError, InputError, NoTableError, NoTextLayerError
from pipeline.extract.content import PageContent, read_page_content
from pipeline.extract.geometry import SNAP, GridBox, is_page_furniture, margin_lines, words_to_lines
from pipeline.extract.grid import find_grids, grid_header
from pipeline.extract.header import Header, find_headers
from pipeline.extract.opening import sha256_of, sniff_pdf
from pipeline.extract.page import LabelRules, segment_rows, title_above
from pipeline.extract.region import OpenTable, find_segments
from pipeline.extract.rows import drop_running_text, infer_label_column
from pipeline.extract.synonyms import HeaderMatcher
from pipeline.extract.tables import (
    TableGatherer,
    align_rows,
    choose_plan,
    choose_title,
    left_out_tables,
    mark_used,
    no_plan_message,
    plan_columns,
    union_columns,
)
from pipeline.records import Column, Issue, SourceDocument, SourceRow
from pipeline.settings import Settings, default_settings

__all__ = ["PageScanner", "read_pdf"]

PageScanner = Callable[[int, PageContent], PageContent]  # (page index from 0, its content) -> content read another way

GRID_WIDTH = 0.2  # a ruled grid narrower than this share of the page is a box or a form field, not a table
DEFAULT_SIZE = 10.0  # points: the text size assumed for a table stretch with no lines

# pdfminer logs every odd object it meets; the user gets our one-line messages instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Given an exception, say whether `kind` is anywhere in its chain of causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _open_error(path: str, error: BaseException, password: str | None) -> Exception:
    """Given what pdfplumber raised on open, return the error a user can act on."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, PDFPasswordIncorrect):
            if password:
                return EncryptedPdfError(path, "the password given is wrong: check it and try --password again")
            return EncryptedPdfError(path, "is encrypted: give its password with --password")
        if isinstance(cause, PDFEncryptionError):
            return EncryptedPdfError(path, "uses an encryption this tool cannot open: save an unencrypted copy first")
        cause = cause.__cause__ or cause.__context__
    return DamagedPdfError(
        path, "is damaged or not a complete PDF: open it in a PDF reader, save a new copy, and try again"
    )


def _diagnose_empty(path: str, data: bytes, password: str | None) -> Exception:
    """Given a PDF in which pdfplumber found no words, return why: scan, damage, or no text."""
    import pypdfium2  # only a PDF with no words needs it: most reads start without it

    try:
        doc = pypdfium2.PdfDocument(data, password=password or None)
    except pypdfium2.PdfiumError:
        return DamagedPdfError(
            path, "is damaged: no page could be read; open it in a PDF reader, save a new copy, and try again"
        )
    try:
        pages = len(doc)
        images = 0
        for i in range(min(pages, 20)):
            page = doc[i]
            images += sum(1 for _ in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]))
            page.close()
    finally:
        doc.close()
    if pages == 0:
        return DamagedPdfError(path, "has no pages: download or export it again")
    if images:
        return NoTextLayerError(
            path,
            f"has no text layer ({pages} page(s) of images, probably a scan), so its text needs OCR: {_ocr_advice()}",
        )
    return NoTableError(path, f"has {pages} page(s) but no text at all: export the plan from its source document again")


def _ocr_advice() -> str:
    """Say how to read a scan: with --ocr, once Tesseract is installed."""
    import shutil

    if shutil.which("tesseract"):
        return "read it again with --ocr"
    return "read it again with --ocr, after installing Tesseract (apt-get install tesseract-ocr tesseract-ocr-eng)"


def read_pdf(
    path: str | Path,
    *,
    password: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_pages: int | None = None,
    max_mb: int | None = None,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    require_plan: bool = True,
    scan: PageScanner | None = None,
) -> SourceDocument:
    """Given a PDF path, return the action-plan table(s) in it as a SourceDocument, with every table seen.

    `pages` restricts the search to those pages (1-based); `tables` names the tables to take the plan
    from (1-based, as listed in `SourceDocument.tables`) when the automatic choice is wrong.
    Raises an InputError subclass for anything that is not a readable plan; with `require_plan` off, a
    readable document without a plan comes back with no rows, the tables seen and an error issue saying why.
    `scan` reads a page with no words (a page of images) instead, e.g. by OCR (pipeline.ocr), into the same
    words and rules the layout stages take from a text layer.
    """
    path = Path(path)
    settings = settings or default_settings()
    data = sniff_pdf(path)
    if max_mb is not None and len(data) > max_mb * 1024 * 1024:
        raise InputError(
            str(path),
            f"is {len(data) // (1024 * 1024)} MB, over the {max_mb} MB limit: raise --max-file-mb if it really is a plan",
        )
    reading = _read_pages(data, str(path), password, settings, progress, max_pages, pages, scan)
    if not reading.any_words:
        raise _diagnose_empty(str(path), data, password)
    return _plan_document(reading, path, sha256_of(data), settings, tables=tables, require_plan=require_plan)


@dataclass
class _Reading:
    """What the page loop saw: every table gathered, each page's margin lines, the PDF's own title."""

    gathered: TableGatherer
    pages: int
    margins: dict[tuple[int, str], list[tuple[int, float]]] = field(default_factory=dict)
    any_words: bool = False
    metadata_title: str = ""


def _read_pages(
    data: bytes,
    name: str,
    password: str | None,
    settings: Settings,
    progress: Callable[[int, int], None] | None,
    max_pages: int | None,
    pages: Collection[int] | None,
    scan: PageScanner | None = None,
) -> _Reading:
    """Given a PDF's bytes, read its pages one by one (each closed once read) and gather the tables on them."""
    matcher = HeaderMatcher(settings.headers, settings.not_plan)
    labels = LabelRules(settings.label_patterns, settings.strong_label_patterns)
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password=password or "")
    except Exception as error:  # pdfminer raises many unrelated types for damaged or encrypted files
        raise _open_error(name, error, password) from None
    try:
        try:
            n_pages = len(pdf.pages)
        except Exception as error:
            raise _open_error(name, error, password) from None
        if max_pages is not None and n_pages > max_pages:
            raise InputError(
                name,
                f"has {n_pages} pages, over the {max_pages}-page limit: raise --max-pages if it really is one plan",
            )
        wanted = _check_pages(name, pages, n_pages)
        reading = _Reading(TableGatherer(), n_pages)
        state: OpenTable | None = None
        next_index = 1
        for index in range(n_pages):
            if wanted is not None and index + 1 not in wanted:
                state = None  # a table cannot run on across a page left out
                continue
            content = _read_page(pdf, index, name)
            if scan is not None and not content.words:
                content = scan(index, content)
            if progress:
                progress(index + 1, n_pages)
            if not content.words:
                state = None
                continue
            reading.any_words = True
            state, next_index = _page_tables(content, index + 1, matcher, labels, state, next_index, reading)
        reading.metadata_title = _metadatachoose_title(pdf)
        return reading
    finally:
        _close_quietly(pdf)


def _metadatachoose_title(pdf: Any) -> str:
    """Given an open PDF, return the title its metadata gives ("" when none, or when the metadata is damaged)."""
    try:
        return str((pdf.metadata or {}).get("Title") or "").strip()
    except Exception:  # damaged metadata only loses the fallback title
        return ""


def _close_quietly(opened: Any) -> None:
    """Close a PDF or page: pdfplumber may parse what it had not read yet while closing, and a damaged object
    there is no reason to lose what was read (or to hide the error already being raised)."""
    with contextlib.suppress(Exception):
        opened.close()


def _page_tables(
    content: PageContent,
    page: int,
    matcher: HeaderMatcher,
    labels: LabelRules,
    state: OpenTable | None,
    next_index: int,
    reading: _Reading,
) -> tuple[OpenTable | None, int]:
    """Given one page's content and the table open from the page before, gather the page's table stretches and
    return the table left open at its foot and the next free table index."""
    lines = [ln for ln in words_to_lines(content.words) if not is_page_furniture(ln, content.height)]
    boxes = find_grids(content.rules, GRID_WIDTH * content.width)
    headers = find_headers(lines, content.rules, matcher, boxes)
    # A grid whose own header was found lower down (under a caption or a spreadsheet's title rows) is that table.
    grids = [grid_header(lines, box, content.rules, matcher) for box in boxes if not _holds_header(box, headers)]
    others = [h for h in grids if h is not None and not any(_same_row(h, k) for k in headers)]
    segments, state, next_index = find_segments(lines, content, headers, state, next_index, others)
    since = 0.0
    for seg in segments:
        title = ""
        if seg.printed_header and not seg.carried:
            body_size = statistics.median([ln.size for ln in seg.lines] or [DEFAULT_SIZE])
            table_top = min([seg.header.top, *(ln.top for ln in seg.caption)])
            title = title_above(lines, table_top, since, body_size)
        reading.gathered.add(seg, segment_rows(seg, page, content, matcher, labels), page, title)
        since = seg.bottom
    for top, text in margin_lines(lines, content.height):
        reading.margins.setdefault((round(top), text), []).append((page, top))
    return state, next_index


def _plan_document(
    reading: _Reading,
    path: Path,
    sha256: str,
    settings: Settings,
    *,
    tables: Sequence[int] | None,
    require_plan: bool,
) -> SourceDocument:
    """Given every table read, choose the plan's and return the document: its columns, rows, title and tables."""
    name = str(path)
    found = reading.gathered.tables()
    chosen = choose_plan(found, tables)
    if tables and not chosen:
        listed = ", ".join(str(t.index) for t in found) or "none"
        raise NoTableError(
            name, f"has no table {', '.join(map(str, tables))} (tables found: {listed}); see `actionplan inspect`"
        )
    if not chosen:
        if require_plan:
            raise NoTableError(
                name,
                no_plan_message(
                    found, when_none="if its headers use other words, add them under [headers] in actionplan.toml"
                ),
            )
        title, title_from = choose_title("", reading.metadata_title, path)
        return SourceDocument(
            path=name,
            sha256=sha256,
            pages=reading.pages,
            title=title,
            columns=(),
            rows=(),
            issues=(
                Issue(
                    "error",
                    no_plan_message(
                        found, when_none="if its headers use other words, add them under [headers] in actionplan.toml"
                    ),
                ),
            ),
            tables=mark_used(found, []),
            title_from=title_from,
        )
    plan_tables = [t for t in found if t.index in set(chosen)]
    layout = union_columns(plan_tables)
    columns = list(plan_columns(layout.columns) if tables else layout.columns)
    rows: list[SourceRow] = []
    for t in plan_tables:
        rows += align_rows(reading.gathered.rows_of([t.index]), layout.places[t.index], len(columns))
    rows = _drop_furniture(rows, reading.margins)
    unnamed = infer_label_column(
        [c.field for c in columns], [c.header for c in columns], rows, settings.label_column_patterns
    )
    if unnamed is not None:
        columns[unnamed] = Column("label", columns[unnamed].header)
    title, title_from = choose_title(reading.gathered.title_of(plan_tables[0].index), reading.metadata_title, path)
    return SourceDocument(
        path=name,
        sha256=sha256,
        pages=reading.pages,
        title=title,
        columns=tuple(columns),
        rows=tuple(rows),
        issues=tuple(left_out_tables(found, chosen)),
        tables=mark_used(found, chosen),
        title_from=title_from,
    )


def _same_row(a: Header, b: Header) -> bool:
    return a.top <= b.bottom + SNAP and b.top <= a.bottom + SNAP


def _holds_header(box: GridBox, headers: Sequence[Header]) -> bool:
    """Given a ruled grid and the headers found on its page, say whether one of them heads a table in the grid."""
    return any(
        box.top - SNAP <= h.top and h.bottom <= box.bottom + SNAP and h.x0 < box.x1 and box.x0 < h.x1 for h in headers
    )


def _read_page(pdf: Any, index: int, name: str) -> PageContent:
    """Given an open PDF and a page index, return the page's content (the page is closed once read)."""
    page = None
    try:
        page = pdf.pages[index]
        return read_page_content(page)
    except Exception as error:  # pdfminer raises many unrelated types for damaged pages
        if _caused_by(error, MemoryError):
            raise MemoryError from None  # the memory cap was hit: say so, not "damaged"
        raise DamagedPdfError(
            name,
            f"page {index + 1} cannot be read ({type(error).__name__}): save a new copy of the PDF and try again",
        ) from None
    finally:
        if page is not None:
            _close_quietly(page)


def _check_pages(name: str, pages: Collection[int] | None, n_pages: int) -> set[int] | None:
    if not pages:
        return None
    wanted = {p for p in pages if 1 <= p <= n_pages}
    if not wanted:
        raise InputError(name, f"has {n_pages} page(s): none of the pages asked for with --pages is in it")
    return wanted


def _drop_furniture(rows: list[SourceRow], margins: dict[tuple[int, str], list[tuple[int, float]]]) -> list[SourceRow]:
    """Given the plan's rows and the margin lines of every page, drop text printed at the same place on most pages."""
    furniture: dict[int, list[float]] = {}
    plan_pages = {r.page for r in rows}
    for seen in margins.values():
        on_plan = [(p, top) for p, top in seen if p in plan_pages]
        if len(on_plan) >= 2 and 2 * len(on_plan) >= len(plan_pages):
            for page_no, top in on_plan:
                furniture.setdefault(page_no, []).append(top)
    return drop_running_text(rows, furniture) if furniture else rows
