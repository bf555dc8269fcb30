"""word: a Word plan -> SourceDocument, the same intermediate the PDF extractor gives, so normalise and validate
do the rest unchanged. Reads .docx with python-docx; .doc, .odt and .rtf are converted to .docx by LibreOffice
first (opening.py).

A Word document has no pages: its SourceDocument has `pages` 0 and its tables none; each paragraph of a cell
is a line of its own, and each row's box carries the row's index in its table, which `word_records` turns
into `Record.table_row` (taking away the page and the box, which a Word table does not have).
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, NoTableError
from pipeline.extract.opening import sha256_of
from pipeline.extract.page import HEADING_SIZE, is_title_text
from pipeline.extract.rows import infer_label_column
from pipeline.extract.synonyms import HeaderMatcher
from pipeline.extract.tables import (
    align_rows,
    choose_plan,
    choose_title,
    left_out_tables,
    mark_used,
    no_plan_message,
    plan_columns,
    union_columns,
)
from pipeline.records import Column, Issue, Record, SourceDocument, SourceRow
from pipeline.settings import Settings, default_settings
from pipeline.word.opening import CONVERT_SHARE, CONVERT_TIMEOUT, read_word_bytes
from pipeline.word.paragraphs import Numbering, Paragraph, ParagraphReader, Styles
from pipeline.word.tables import W_P, WordTable, body_size, children, read_table

__all__ = ["CONVERT_SHARE", "read_word", "word_records"]

_NO_PAGE = re.compile(r"\bpage 0\b")


@dataclass
class _Read:
    """Every table of the document in order, the paragraphs printed above each (since the table before), and all
    paragraphs read."""

    tables: list[WordTable]
    above: list[list[Paragraph]]
    paragraphs: list[Paragraph]


def read_word(
    path: str | Path,
    *,
    settings: Settings | None = None,
    tables: Sequence[int] | None = None,
    pages: Collection[int] | None = None,
    max_mb: int | None = None,
    timeout: float = CONVERT_TIMEOUT,
) -> SourceDocument:
    """Given a Word plan (.docx, or a .doc, .odt or .rtf LibreOffice can convert), return its action-plan
    table(s) as a SourceDocument, with every table seen. `tables` names the tables to take the plan from
    (1-based, in document order); `timeout` bounds a LibreOffice conversion. Raises an InputError subclass for
    anything that is not a readable plan."""
    path = Path(path)
    name = str(path)
    settings = settings or default_settings()
    if pages:
        raise InputError(
            name, "is a Word document, which has no pages to look in: leave out --pages (--table N picks a table)"
        )
    got = read_word_bytes(path, max_mb=max_mb, timeout=timeout)
    document = _open(name, got.docx)
    read = _read_body(document, settings)
    return _plan_document(read, path, sha256_of(got.data), _metadata_title(document), settings, tables)


def _open(name: str, data: bytes) -> Any:
    """Given checked .docx bytes, return python-docx's document, or raise one line saying it cannot be read."""
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many types for damaged parts
        raise InputError(
            name,
            f"cannot be read as a Word document ({type(error).__name__}): open it in Word and save it again as a "
            "Word Document (.docx), or export it as PDF",
        ) from None


def _metadata_title(document: Any) -> str:
    try:
        return str(document.core_properties.title or "").strip()
    except Exception:  # damaged properties only lose the fallback title
        return ""


def _read_body(document: Any, settings: Settings) -> _Read:
    """Given a document, read its paragraphs and tables in order (list numbering counts on as it goes)."""
    styles = Styles(document.styles.element)
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering = None
    reader = ParagraphReader(styles, Numbering(numbering, styles))
    matcher = HeaderMatcher(settings.headers, settings.not_plan)
    read = _Read([], [], [])
    since: list[Paragraph] = []
    for block in children(document.element.body):
        if block.tag == W_P:
            paragraph = reader.read(block)
            since.append(paragraph)
            read.paragraphs.append(paragraph)
            continue
        found = read_table(block, len(read.tables) + 1, reader, matcher, settings.strong_label_patterns)
        read.tables.append(found)
        read.above.append(since)
        read.paragraphs.extend(line_paragraphs(found.rows))
        since = []
    return read


def line_paragraphs(rows: Sequence[SourceRow]) -> list[Paragraph]:
    """Given rows read from a table, return their lines as paragraphs (for the size of the body text)."""
    return [Paragraph((ln.text,), ln.bold, ln.size) for r in rows for c in r.cells for ln in c.lines]


def title_above(paragraphs: Sequence[Paragraph], body: float) -> str:
    """Given the paragraphs between the table before (or the document's start) and a table, and the body text
    size, return the nearest heading among them that can be a title: a heading style, bold, or larger type."""
    for p in reversed(paragraphs):
        heading = p.heading or p.bold or p.size >= body + HEADING_SIZE
        if p.lines and heading and is_title_text(p.text):
            return p.text
    return ""


def _plan_document(
    read: _Read, path: Path, sha256: str, metadata: str, settings: Settings, tables: Sequence[int] | None
) -> SourceDocument:
    """Given every table read, choose the plan's and return the document: its columns, rows, title and tables."""
    name = str(path)
    found = [t.table for t in read.tables]
    chosen = choose_plan(found, tables)
    if tables and not chosen:
        listed = ", ".join(str(t.index) for t in found) or "none"
        raise NoTableError(name, f"has no table {', '.join(map(str, tables))} (tables found: {listed})")
    if not chosen:
        raise NoTableError(
            name,
            no_plan_message(
                found, when_none="the document has no tables; if the plan is set out another way, export it as PDF"
            ),
        )
    plan_tables = [t for t in found if t.index in set(chosen)]
    layout = union_columns(plan_tables)
    columns = list(plan_columns(layout.columns) if tables else layout.columns)
    rows: list[SourceRow] = []
    for t in plan_tables:
        rows += align_rows(read.tables[t.index - 1].rows, layout.places[t.index], len(columns))
    unnamed = infer_label_column(
        [c.field for c in columns], [c.header for c in columns], rows, settings.label_column_patterns
    )
    if unnamed is not None:
        columns[unnamed] = Column("label", columns[unnamed].header)
    printed = title_above(read.above[plan_tables[0].index - 1], body_size(read.paragraphs))
    title, title_from = choose_title(printed, metadata, path)
    return SourceDocument(
        path=name,
        sha256=sha256,
        pages=0,
        title=title,
        columns=tuple(columns),
        rows=tuple(rows),
        issues=tuple(left_out_tables(found, chosen)),
        tables=mark_used(found, chosen),
        title_from=title_from,
    )


def word_records(records: Sequence[Record], issues: Sequence[Issue]) -> tuple[list[Record], list[Issue]]:
    """Given the records and issues normalise made of a Word plan, return them as a Word table gives them: each
    record with its row in the table (`table_row`), no pages and no boxes; issues speaking of the table, not
    of a page 0."""
    out = [replace(r, table_row=int(r.bboxes[0].top) if r.bboxes else None, pages=(), bboxes=()) for r in records]
    said = [replace(i, message=_NO_PAGE.sub("the Word table", i.message)) for i in issues]
    return out, said
