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
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from pipeline.errors import DamagedPdfError, EncryptedPdfError, NoTableError, NoTextLayerError
from pipeline.extract.header import HeaderMatcher
from pipeline.extract.layout import ColumnGeom, Rule, Word, layout_page
from pipeline.extract.opening import sha256_of, sniff_pdf
from pipeline.records import Column, Issue, SourceDocument, SourceRow
from pipeline.settings import Settings, load_settings

__all__ = ["read_pdf"]

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)

# pdfminer logs every odd object it meets; the user gets our one-line messages instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _words(page: Any) -> list[Word]:
    raw = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    return [
        Word(
            text=w["text"],
            x0=float(w["x0"]),
            x1=float(w["x1"]),
            top=float(w["top"]),
            bottom=float(w["bottom"]),
            size=float(w["size"]),
            bold=bool(_BOLD.search(w["fontname"] or "")),
        )
        for w in raw
        if w["text"].strip()
    ]


def _rules(page: Any) -> list[Rule]:
    if not (page.objects.get("line") or page.objects.get("rect") or page.objects.get("curve")):
        return []
    rules: list[Rule] = []
    for e in page.edges:
        if e["orientation"] == "v":
            rules.append(Rule(True, float(e["x0"]), float(e["top"]), float(e["bottom"])))
        elif e["orientation"] == "h":
            rules.append(Rule(False, float(e["top"]), float(e["x0"]), float(e["x1"])))
    return rules


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
    return DamagedPdfError(path, "is damaged or not a complete PDF: open it in a PDF reader, save a new copy, and try again")


def _diagnose_empty(path: str, data: bytes, password: str | None) -> Exception:
    """Given a PDF in which pdfplumber found no words, return why: scan, damage, or no text."""
    try:
        doc = pypdfium2.PdfDocument(data, password=password or None)
    except pypdfium2.PdfiumError:
        return DamagedPdfError(path, "is damaged: no page could be read; open it in a PDF reader, save a new copy, and try again")
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
            path, f"has no text layer ({pages} page(s) of images, probably a scan): it needs OCR first, e.g. `ocrmypdf in.pdf out.pdf`"
        )
    return NoTableError(path, f"has {pages} page(s) but no text at all: export the plan from its source document again")


def read_pdf(
    path: str | Path,
    password: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SourceDocument:
    """Given a PDF path, return the action-plan table in it as a SourceDocument.

    Raises an InputError subclass for anything that is not a readable plan.
    """
    path = Path(path)
    settings = settings or load_settings()
    name = str(path)
    data = sniff_pdf(path)
    matcher = HeaderMatcher(settings.headers)
    label_res = settings.label_patterns
    strong = tuple(p for p in label_res if p.pattern.startswith("^(?:R"))
    columns: list[ColumnGeom] | None = None
    header_cols: list[Column] = []
    rows: list[SourceRow] = []
    issues: list[Issue] = []
    title = ""
    any_words = False
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
        for index in range(n_pages):
            page = None
            try:
                page = pdf.pages[index]
                words = _words(page)
                rules = _rules(page) if words else []
                height = float(page.height)
            except Exception as error:  # pdfminer raises many unrelated types for damaged pages
                raise DamagedPdfError(name, f"page {index + 1} cannot be read ({type(error).__name__}): save a new copy of the PDF and try again") from None
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
                issues.append(Issue("warning", f"page {index + 1}: the table's columns change here ({', '.join(c.header for c in layout.columns)})"))
            columns = layout.columns
            rows.extend(layout.rows)
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
    return SourceDocument(
        path=name,
        sha256=sha256_of(data),
        pages=n_pages,
        title=title or metadata_title or path.stem,
        columns=tuple(header_cols),
        rows=tuple(rows),
        issues=tuple(issues),
    )
