"""Page images with what the extractor saw drawn over them (`actionplan inspect`).

Tables, headers, column edges, body rows, theme rows and record ids are drawn
in colour (marks.py), and each also carries a written tag or a legend entry
(labels.py), so the picture reads without colour too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import DamagedPdfError
from pipeline.export.atomic import write_atomic
from pipeline.export.overlay.labels import draw_legend, draw_tags
from pipeline.export.overlay.marks import (
    OTHER_COLOUR,
    PLAN_COLOUR,
    SCALE,
    PageMarks,
    draw_marks,
    marks_by_page,
    table_tag,
)
from pipeline.records import Record, SourceDocument

if TYPE_CHECKING:
    import pypdfium2
    from PIL import Image

__all__ = ["OTHER_COLOUR", "PLAN_COLOUR", "SCALE", "draw_overlays", "draw_page", "render_page", "table_tag"]

ProgressFn = Callable[[int, int], None]


def draw_overlays(
    pdf_path: str | Path,
    doc: SourceDocument | None,
    records: Sequence[Record],
    out_dir: str | Path,
    *,
    pages: Collection[int] | None = None,
    password: str | None = None,
    note: str | None = None,
    progress: ProgressFn | None = None,
) -> list[Path]:
    """Given a PDF and what the extractor saw in it, write `page-001.png`... into out_dir and return their paths.

    `pages` (from 1) limits the pages drawn; `note` is written on every page (e.g. why no plan was found).
    A failure removes the images this call wrote, so none is left from a half-finished run.
    """
    import pypdfium2

    out = Path(out_dir)
    marks = marks_by_page(doc, records)
    try:
        pdf = pypdfium2.PdfDocument(str(pdf_path), password=password or None)
    except pypdfium2.PdfiumError:
        raise DamagedPdfError(str(pdf_path), "cannot be rendered: save a new copy of the PDF and try again") from None
    written: list[Path] = []
    try:
        n_pages = len(pdf)
        wanted = sorted(p for p in pages if 1 <= p <= n_pages) if pages else list(range(1, n_pages + 1))
        for done, page_no in enumerate(wanted, 1):
            image = render_page(pdf, page_no)
            image = draw_page(image, marks.get(page_no, PageMarks()), f"page {page_no} of {n_pages}", note)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            written.append(write_atomic(out / f"page-{page_no:03d}.png", buffer.getvalue()))
            if progress:
                progress(done, len(wanted))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        pdf.close()
    return written


def render_page(pdf: pypdfium2.PdfDocument, page_no: int) -> Image.Image:
    """Given an open pypdfium2 document and a page number from 1, return the page as an RGBA image at DPI."""
    page = pdf[page_no - 1]
    try:
        # The extractor measures from the media box: show all of it, whatever the crop box hides.
        page.set_cropbox(*page.get_mediabox())
        image: Image.Image = page.render(scale=SCALE).to_pil().convert("RGBA")
    finally:
        page.close()
    return image


def draw_page(image: Image.Image, marks: PageMarks, caption: str, note: str | None = None) -> Image.Image:
    """Given a rendered page and its marks, return it (as RGB) with the marks, their tags and a legend drawn over."""
    from PIL import Image

    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw_marks(layer, marks)
    image = Image.alpha_composite(image.convert("RGBA"), layer)
    draw_tags(image, marks)
    draw_legend(image, marks, caption, note)
    return image.convert("RGB")
