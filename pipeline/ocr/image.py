"""A scanned page as an image: drawn from the PDF, levelled, and split into ink and paper.

numpy and Pillow only: a page is a 2-D array of grey levels, and ink is a mask of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from PIL import Image

    Mask = NDArray[np.bool_]

DPI = 300  # pixels per inch a page is drawn at for Tesseract, whose models are trained near this
MAX_PIXELS = 60_000_000  # a page drawn larger than this (A0 at 300 dpi is 140 million) is drawn at a lower DPI
MAX_SKEW = 5.0  # degrees: a page is looked at for a tilt up to this either way
SKEW_STEP = 0.1  # degrees: the first search for the tilt goes in steps this small ...
FINE_STEP = 0.01  # degrees: ... and the second, around the best of the first, in steps this small
MIN_SKEW = 0.05  # degrees: a tilt smaller than this is left alone
SKEW_WIDTH = 1600  # pixels: the page is shrunk to this width to measure its tilt
DARK = 0.5  # a page whose Otsu threshold is under this share of white is taken at this share instead


def render_page(pdf: Any, index: int, width: float, dpi: int = DPI) -> tuple[Image.Image, float]:
    """Given an open pypdfium2 document, a page index and the page's width in points, return the page drawn in
    grey and the points per pixel of the drawing."""
    page = pdf[index]
    try:
        w, h = page.get_size()
        scale = dpi / 72
        if w * h * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (w * h)) ** 0.5
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        page.close()
    return image, width / image.width


def ink_of(grey: NDArray[np.uint8]) -> Mask:
    """Given a page in grey levels, return where the ink is: darker than Otsu's threshold, so light shading
    behind text is paper."""
    import numpy as np

    counts = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(counts)
    mass = np.cumsum(counts * levels)
    total, total_mass = weight[-1], mass[-1]
    below, above = weight, total - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mass * below - total * mass) ** 2 / (below * above)
    between[~np.isfinite(between)] = 0.0
    threshold = max(int(np.argmax(between)), round(255 * DARK))
    mask: Mask = grey <= threshold
    return mask


def find_skew(grey: Image.Image) -> float:
    """Given a page, return the angle in degrees (anticlockwise) that levels its lines of text and rules: the one
    whose ink piles up into the fewest, fullest rows."""
    import numpy as np
    from PIL import Image

    shrink = min(1.0, SKEW_WIDTH / grey.width)
    small = grey.resize((max(1, round(grey.width * shrink)), max(1, round(grey.height * shrink))), Image.Resampling.BOX)
    ys, columns = np.nonzero(ink_of(np.asarray(small)))
    if len(columns) == 0:
        return 0.0
    xs = columns - small.width / 2

    def score(angle: float) -> tuple[float, float]:
        # Each pixel counts in the two rows it falls between, by how near it is to each: a smooth score.
        rows = ys - xs * np.tan(np.radians(angle))
        rows -= rows.min()
        below = np.floor(rows).astype(np.int64)
        part = rows - below
        counts = np.bincount(below, weights=1 - part, minlength=below.max() + 2)
        counts += np.bincount(below + 1, weights=part, minlength=below.max() + 2)
        return float(np.dot(counts, counts)), -abs(angle)  # on a tie, the smaller turn

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + SKEW_STEP / 2, SKEW_STEP)
    best = float(max(coarse, key=score))
    fine = np.arange(best - SKEW_STEP, best + SKEW_STEP + FINE_STEP / 2, FINE_STEP)
    best = float(max(fine, key=score))
    # Lines running down to the right are a page turned clockwise: turning it back is anticlockwise, positive.
    return best if abs(best) >= MIN_SKEW else 0.0


def level(grey: Image.Image, angle: float) -> Image.Image:
    """Given a page and the angle that levels it, return it turned about its centre, the corners filled white."""
    from PIL import Image

    if not angle:
        return grey
    return grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
