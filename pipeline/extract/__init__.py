"""extract: PDF -> SourceDocument. The only stage that imports pdfplumber (and pypdfium2).

Each page is parsed once and closed before the next, so memory stays flat as
plans grow.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTRect
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipeline.errors import DamagedPdfError, EncryptedPdfError, InputError, NoTableError, NoTextLayerError
from pipeline.extract.columns import ColumnGeom
from pipeline.extract.geometry import Rule, Word
from pipeline.extract.header import HeaderMatcher
from pipeline.extract.opening import sha256_of, sniff_pdf
from pipeline.extract.page import layout_page
from pipeline.extract.rows import drop_running_text, infer_label_column
from pipeline.records import Column, Issue, SourceDocument, SourceRow
from pipeline.settings import Settings, load_settings

__all__ = ["read_pdf"]

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)

# pdfminer logs every odd object it meets; the user gets our one-line messages instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}


def _page_content(page: Any) -> tuple[list[Word], list[Rule]]:
    """Given a pdfplumber page, return its words and ruling lines.

    Reads pdfminer's layout objects (``page.layout``) directly rather than
    pdfplumber's per-object dictionaries: the same geometry, in half the time.
    """
    height = float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    chars: list[tuple[float, float, float, float, str, str, float]] = []
    rules: list[Rule] = []

    def edge(vertical: bool, at: float, a: float, b: float) -> None:
        rules.append(Rule(vertical, at, min(a, b), max(a, b)))

    def walk(objects: Any) -> None:
        for obj in objects:
            if isinstance(obj, LTChar):
                if obj.upright:
                    text = _LIGATURES.get(obj.get_text(), obj.get_text())
                    chars.append(
                        (
                            height - obj.y1 + mb_top,
                            obj.x0 + mb_x0,
                            obj.x1 + mb_x0,
                            height - obj.y0 + mb_top,
                            text,
                            obj.fontname,
                            obj.size,
                        )
                    )
            elif isinstance(obj, LTRect):
                x0, x1 = obj.x0 + mb_x0, obj.x1 + mb_x0
                top, bottom = height - obj.y1 + mb_top, height - obj.y0 + mb_top
                if x1 - x0 < 3:
                    edge(True, (x0 + x1) / 2, top, bottom)
                elif bottom - top < 3:
                    edge(False, (top + bottom) / 2, x0, x1)
                else:
                    edge(False, top, x0, x1)
                    edge(False, bottom, x0, x1)
                    edge(True, x0, top, bottom)
                    edge(True, x1, top, bottom)
            elif isinstance(obj, LTCurve):  # lines and paths: keep their straight, axis-aligned segments
                pts = obj.pts or []
                for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                    if abs(ax - bx) < 1:
                        edge(True, (ax + bx) / 2 + mb_x0, height - ay + mb_top, height - by + mb_top)
                    elif abs(ay - by) < 1:
                        edge(False, height - (ay + by) / 2 + mb_top, ax + mb_x0, bx + mb_x0)
            elif isinstance(obj, LTContainer):
                walk(obj)

    walk(page.layout)
    return _chars_to_words(chars), rules


def _chars_to_words(chars: list[tuple[float, float, float, float, str, str, float]]) -> list[Word]:
    """Given chars as (top, x0, x1, bottom, text, font, size), return words: split at spaces, gaps and font changes."""
    chars.sort(key=lambda c: (c[0], c[1]))
    lines: list[list[tuple[float, float, float, float, str, str, float]]] = []
    for c in chars:
        if lines and abs(c[0] - lines[-1][0][0]) <= 1.5:
            lines[-1].append(c)
        else:
            lines.append([c])
    words: list[Word] = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        current: list[tuple[float, float, float, float, str, str, float]] = []
        prev = None
        for c in line:
            if prev is not None and c[4] == prev[4] and abs(c[1] - prev[1]) < 0.5:
                continue  # the same glyph printed twice (fake bold)
            breaks = not c[4].strip() or (
                current
                and (
                    c[1] - current[-1][2] > min(3.0, 0.25 * c[6])
                    or c[5] != current[-1][5]
                    or abs(c[6] - current[-1][6]) > 0.1
                )
            )
            if breaks and current:
                words.append(_word(current))
                current = []
            if c[4].strip():
                current.append(c)
            prev = c
        if current:
            words.append(_word(current))
    return words


def _word(chars: list[tuple[float, float, float, float, str, str, float]]) -> Word:
    font = chars[0][5] or ""
    return Word(
        text="".join(c[4] for c in chars),
        x0=chars[0][1],
        x1=max(c[2] for c in chars),
        top=min(c[0] for c in chars),
        bottom=max(c[3] for c in chars),
        size=chars[0][6],
        bold=bool(_BOLD.search(font)),
    )


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
            f"has no text layer ({pages} page(s) of images, probably a scan): it needs OCR first, e.g. `ocrmypdf in.pdf out.pdf`",
        )
    return NoTableError(path, f"has {pages} page(s) but no text at all: export the plan from its source document again")


def read_pdf(
    path: str | Path,
    password: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_pages: int | None = None,
    max_mb: int | None = None,
) -> SourceDocument:
    """Given a PDF path, return the action-plan table in it as a SourceDocument.

    Raises an InputError subclass for anything that is not a readable plan.
    """
    path = Path(path)
    settings = settings or load_settings()
    name = str(path)
    data = sniff_pdf(path)
    if max_mb is not None and len(data) > max_mb * 1024 * 1024:
        raise InputError(
            name,
            f"is {len(data) // (1024 * 1024)} MB, over the {max_mb} MB limit: raise --max-file-mb if it really is a plan",
        )
    matcher = HeaderMatcher(settings.headers)
    label_res = settings.label_patterns
    strong = tuple(p for p in label_res if p.pattern.startswith("^(?:R"))
    columns: list[ColumnGeom] | None = None
    header_cols: list[Column] = []
    rows: list[SourceRow] = []
    issues: list[Issue] = []
    title = ""
    any_words = False
    margins: dict[tuple[int, str], list[tuple[int, float]]] = {}
    try:
        pdf = pdfplumber.open(io.BytesIO(data), password=password or "")
    except (PdfminerException, MalformedPDFException, PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise _open_error(name, error, password) from None
    except Exception as error:  # pdfminer raises many unrelated types for damaged files
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
        for index in range(n_pages):
            page = None
            try:
                page = pdf.pages[index]
                words, rules = _page_content(page)
                height = float(page.height)
            except Exception as error:  # pdfminer raises many unrelated types for damaged pages
                if _caused_by(error, MemoryError):
                    raise MemoryError from None  # the memory cap was hit: say so, not "damaged"
                raise DamagedPdfError(
                    name,
                    f"page {index + 1} cannot be read ({type(error).__name__}): save a new copy of the PDF and try again",
                ) from None
            finally:
                if page is not None:
                    page.close()
            if progress:
                progress(index + 1, n_pages)
            if not words:
                continue
            any_words = True
            layout = layout_page(index + 1, words, rules, height, matcher, label_res, strong or label_res, columns)
            if layout is None:
                continue
            if columns is None:
                title = layout.title
                header_cols = [Column(c.field, c.header) for c in layout.columns]
            elif layout.header is not None and [c.field for c in layout.columns] != [c.field for c in columns]:
                issues.append(
                    Issue(
                        "warning",
                        f"page {index + 1}: the table's columns change here ({', '.join(c.header for c in layout.columns)})",
                    )
                )
            columns = layout.columns
            rows.extend(layout.rows)
            for top, text in layout.margin_lines:
                margins.setdefault((round(top), text), []).append((index + 1, top))
        metadata_title = str((pdf.metadata or {}).get("Title") or "")
    finally:
        pdf.close()
    if not any_words:
        raise _diagnose_empty(name, data, password)
    if columns is None:
        raise NoTableError(
            name,
            "no action-plan table found (looked for a header row naming columns such as Recommendation, "
            "Proposed actions, Timescale, Owner); if its headers use other words, add them under [headers] in actionplan.toml",
        )
    # Text printed at the same place on most pages is a running header or footer, not part of a row.
    furniture: dict[int, list[float]] = {}
    table_pages = len({r.page for r in rows})
    for seen in margins.values():
        if len(seen) >= 2 and 2 * len(seen) >= table_pages:
            for page_no, top in seen:
                furniture.setdefault(page_no, []).append(top)
    if furniture:
        rows = drop_running_text(rows, furniture)
    unnamed = infer_label_column(
        [c.field for c in header_cols], [c.header for c in header_cols], rows, settings.label_column_patterns
    )
    if unnamed is not None:
        header_cols[unnamed] = Column("label", header_cols[unnamed].header)
    return SourceDocument(
        path=name,
        sha256=sha256_of(data),
        pages=n_pages,
        title=title or metadata_title or path.stem,
        columns=tuple(header_cols),
        rows=tuple(rows),
        issues=tuple(issues),
    )
