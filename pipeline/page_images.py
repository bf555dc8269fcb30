"""Page images: one page of the PDF a revision was read from, as a PNG, with boxes (a record's cells) outlined.

The PDF comes from the store (`Store.source_bytes`) and is untrusted, so pdfium draws it in a child process
within time and memory limits (`pipeline.isolation`): a hostile file cannot hang or crash the caller. Each page
is drawn once per scale and kept in `cache_dir`, named by the file's SHA-256, the page and the scale; boxes are
drawn on a copy. Boxes are in PDF points from the page's top-left corner, as the extractor measures them
(`BBox`), and the whole media box is drawn, as the extractor measures from it.

Errors (besides the store's and isolation's own):
 InputError
  ├── NoSourceError     the store keeps no copy of the PDF (revisions stored before schema version 7)
  └── NoPageError       the PDF has no such page
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import DamagedPdfError, EncryptedPdfError, InputError, OutputError
from pipeline.isolation import Limits, run_isolated
from pipeline.records import BBox, Revision

if TYPE_CHECKING:
    from pipeline.store import Store

BOX_COLOUR = (0xD4, 0x35, 0x1C)  # #d4351c: 4.5:1 against a white page
BOX_WIDTH = 3  # pixels, drawn inside the box
RENDER_LIMITS = Limits(seconds=30.0, memory_mb=1024)
MAX_PIXELS = 40_000_000  # a page larger than this when drawn is refused: a hostile page size, not a plan
ORIGIN_KEY = "actionplan-origin"  # PNG text: the point (x, top) the image's top-left corner shows
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_BASES = 50  # owner returns collected against owner returns, at most this deep


class NoSourceError(InputError):
    """The store keeps no copy of the PDF the revision was read from."""


class NoPageError(InputError):
    """The PDF has no page of that number."""


def page_image(
    store: Store,
    revision: Revision,
    page: int,
    *,
    boxes: Sequence[BBox] = (),
    cache_dir: Path,
    scale: float = 1.5,
    limits: Limits = RENDER_LIMITS,
) -> bytes:
    """Given a stored revision and a page number (from 1), return that page of its PDF as a PNG, `scale` pixels
    per point, with each of `boxes` on that page outlined (boxes on other pages are left out, so a record's
    `bboxes` can be given whole). A revision of owner returns shows the PDF it was collected against."""
    if not scale > 0:
        raise ValueError(f"scale must be above 0, not {scale}")
    read = pdf_revision(store, revision)
    if not 1 <= page <= read.pages:
        raise NoPageError(read.source, f"has no page {page}: its pages are 1 to {read.pages}")
    if not _SHA256.fullmatch(read.sha256):  # it names a file in the cache
        raise NoSourceError(read.source, f"revision {read.label} has no SHA-256 of a PDF, so no PDF is kept")
    cached = Path(cache_dir) / f"{read.sha256}-{page}-{scale:g}.png"
    try:
        plain = cached.read_bytes()
    except FileNotFoundError:
        data = store.source_bytes(read.sha256)
        if data is None:
            raise NoSourceError(
                read.source,
                f"the store keeps no copy of the PDF revision {read.label} was read from (none is kept for revisions "
                "stored before actionplan kept them): ingest the same file again to keep it",
            ) from None
        plain = run_isolated(read.source, render_page, (data, page, scale, read.source), limits=limits)
        _write_cache(cached, plain)
    shown = [b for b in boxes if b.page == page]
    return draw_boxes(plain, shown, scale=scale) if shown else plain


def pdf_revision(store: Store, revision: Revision) -> Revision:
    """Given a revision, return the revision whose PDF its records were read from: itself, or for owner returns
    the revision they were collected against (whose records they copy, boxes and all)."""
    found = revision
    for _ in range(MAX_BASES):
        if found.kind != "owner-returns" or found.base is None:  # read from its own file (PDF, Word, scan)
            return found
        found = store.revision(store.resolve_plan(found.plan), found.base, include_drafts=True)
    raise NoSourceError(revision.source, f"revision {revision.label} is built on too many others to find its PDF")


def render_page(data: bytes, page: int, scale: float, name: str) -> bytes:
    """Given a PDF's bytes, draw one page (from 1), `scale` pixels per point, and return it as a PNG that
    records, as text, the point its top-left corner shows. Run it in a child process: the PDF is untrusted."""
    import pypdfium2
    from PIL.PngImagePlugin import PngInfo

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if error.err_code == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise EncryptedPdfError(name, "needs a password, so its pages cannot be drawn") from None
        raise DamagedPdfError(name, f"cannot be drawn ({error}): the stored PDF is damaged") from None
    try:
        if not 1 <= page <= len(pdf):
            raise NoPageError(name, f"has no page {page}: its pages are 1 to {len(pdf)}")
        sheet = pdf[page - 1]
        left, bottom, right, top = sheet.get_mediabox()
        if (right - left) * (top - bottom) * scale * scale > MAX_PIXELS:
            raise InputError(name, f"page {page} is too large to draw ({right - left:.0f} × {top - bottom:.0f} points)")
        sheet.set_cropbox(left, bottom, right, top)  # the extractor measures from the media box: show all of it
        try:
            image = sheet.render(scale=scale).to_pil().convert("RGB")
        except pypdfium2.PdfiumError as error:
            raise DamagedPdfError(name, f"page {page} cannot be drawn ({error})") from None
    finally:
        pdf.close()
    info = PngInfo()
    # The extractor's top is measured down from the media box's height above y = 0, so a box starting at y = b
    # shows its top edge at -b.
    info.add_text(ORIGIN_KEY, f"{left:g},{-bottom:g}")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def draw_boxes(png: bytes, boxes: Sequence[BBox], *, scale: float) -> bytes:
    """Given a page drawn by `render_page` and boxes on it (PDF points from the top-left), return a copy with
    each box outlined, BOX_WIDTH pixels wide inside its edge, in BOX_COLOUR."""
    from PIL import Image, ImageDraw

    with Image.open(io.BytesIO(png)) as opened:
        image = opened.convert("RGB")
        origin = opened.info.get(ORIGIN_KEY, "0,0")
    x_origin, top_origin = (float(v) for v in str(origin).split(","))
    draw = ImageDraw.Draw(image)
    for box in boxes:
        xs = sorted(round((x - x_origin) * scale) for x in (box.x0, box.x1))
        ys = sorted(round((y - top_origin) * scale) for y in (box.top, box.bottom))
        draw.rectangle((xs[0], ys[0], xs[1], ys[1]), outline=BOX_COLOUR, width=BOX_WIDTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _write_cache(path: Path, png: bytes) -> None:
    """Keep a drawn page in the cache, written whole (another request may be reading it)."""
    from pipeline.export.atomic import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(str(path.parent), f"cannot make the page-image cache folder ({error.strerror})") from None
    write_atomic(path, png)
