"""ocr: a scanned page -> the words and rules the layout stages read from a text layer, by Tesseract.

    page of images --render (pypdfium2, DPI)--> grey image --find_skew/level--> level image
        --ink_of--> ink --find_rules--> rules (points) + ink without them
        --Tesseract (hOCR)--> words, boxes, confidences --seen_to_words--> Words (points), bullets, bold

`Scanner` is handed to `pipeline.extract.read_pdf` as its `scan`: the extractor calls it for each page with no
words, and lays out what it returns with the same stages as a born-digital page. The scanner keeps every word
it read with its confidence, for `pipeline.ocr.confidence` to rate the records made from them.

numpy, Pillow and pypdfium2 are imported here only when a page is scanned, and Tesseract is a program
(Debian's tesseract-ocr and tesseract-ocr-eng), so the rest of the tool starts without any of them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import DamagedPdfError, EncryptedPdfError, MissingToolError
from pipeline.extract.content import PageContent
from pipeline.extract.geometry import Word
from pipeline.ocr.image import DPI
from pipeline.ocr.tesseract import PACKAGES, SeenWord, find_tesseract

__all__ = ["DPI", "PACKAGES", "SECONDS_PER_PAGE", "MissingToolError", "ScannedWord", "Scanner", "find_tesseract"]

SECONDS_PER_PAGE = 30.0  # with --ocr a file may take this much longer for each of its pages (OCR is slow)
BODY_SIZE = 10.0  # points: the type size assumed on a page where Tesseract read no words at all
READ_AGAIN = 0.5  # a word read again on its own is kept only this sure: left-out ink is often a speck or a mark


@dataclass(frozen=True, slots=True)
class ScannedWord:
    """One word read by OCR: its page (from 1), the word as laid out, and Tesseract's confidence in it, 0-1."""

    page: int
    word: Word
    confidence: float


@dataclass
class Scanner:
    """Reads pages of images by OCR for `read_pdf`; keeps each word it read, with its confidence."""

    path: str
    password: str | None = None
    dpi: int = DPI
    labels: Sequence[re.Pattern[str]] = ()  # a recommendation label's patterns, to mend labels misread
    words: list[ScannedWord] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # the pages read by OCR, from 1
    _pdf: Any = None
    _tesseract: str | None = None

    def check(self) -> None:
        """Raise MissingToolError, naming what to install, unless Tesseract and its English data are there."""
        self._tesseract = self._tesseract or find_tesseract(self.path)

    def __call__(self, index: int, content: PageContent) -> PageContent:
        """Given a page's index (from 0) and what its text layer gave (no words), return the page read by OCR."""
        import numpy as np

        from pipeline.ocr.image import find_skew, ink_of, level, render_page
        from pipeline.ocr.rules import find_rules
        from pipeline.ocr.words import repair_labels, seen_to_words

        tesseract = self._tesseract or find_tesseract(self.path)
        self._tesseract = tesseract
        grey, scale = render_page(self._open(), index, content.width, self.dpi)
        grey = level(grey, find_skew(grey))
        rules, text_ink = find_rules(ink_of(np.asarray(grey)), scale)
        seen = repair_labels(self._read(tesseract, text_ink, round(72 / scale)), self.labels)
        words = seen_to_words(seen, text_ink, scale)
        self.pages.append(index + 1)
        self.words += [ScannedWord(index + 1, w, c) for w, c in words]
        return PageContent([w for w, _ in words], rules, [], content.width, content.height)

    def _read(self, tesseract: str, ink: Any, dpi: int) -> list[SeenWord]:
        """Given a page's ink (rules taken out) and its DPI, return the words Tesseract reads on it: the page
        read whole, then each part with ink it left out read again on its own."""
        import statistics

        from pipeline.ocr.missed import crop, missed_regions
        from pipeline.ocr.tesseract import BLOCK, hocr_to_words, read_hocr, shift

        seen = hocr_to_words(read_hocr(tesseract, _png(ink), dpi, self.path))
        size = statistics.median([s.size for s in seen]) if seen else BODY_SIZE * dpi / 72
        found: list[SeenWord] = []
        for box in missed_regions(ink, seen, size):
            part, dx, dy = crop(ink, box, size)
            again = hocr_to_words(read_hocr(tesseract, _png(part), dpi, self.path, BLOCK))
            found += [shift(w, dx, dy) for w in again if w.confidence >= READ_AGAIN]
        return seen + found

    def _open(self) -> Any:
        import pypdfium2

        if self._pdf is None:
            try:
                self._pdf = pypdfium2.PdfDocument(Path(self.path).read_bytes(), password=self.password or None)
            except pypdfium2.PdfiumError as error:
                if error.err_code == pypdfium2.raw.FPDF_ERR_PASSWORD:
                    raise EncryptedPdfError(self.path, "needs a password to draw its pages for OCR") from None
                raise DamagedPdfError(self.path, f"its pages cannot be drawn for OCR ({error})") from None
        return self._pdf

    def close(self) -> None:
        """Close the PDF opened to draw pages, if one was."""
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


def _png(ink: Any) -> bytes:
    """Given a mask of ink, return it as a black-on-white PNG for Tesseract."""
    import numpy as np
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.where(ink, 0, 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()
