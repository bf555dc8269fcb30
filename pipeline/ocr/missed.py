"""Ink that Tesseract's reading of the whole page left out, found so it can be read again on its own.

Tesseract's page layout analysis drops text it takes for noise: a lone header word in a corner ("Status"),
a short status in an otherwise empty column. Whatever ink no word read covers is grouped into regions, and
each region is read again by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.ocr.tesseract import SeenWord

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]

COVER = 0.3  # type sizes: ink this close to a word read belongs to it (its accents, a stray serif)
SQUARE = 0.25  # type sizes: missed ink is looked at in squares this wide
JOIN = 3  # squares: missed ink this close across (a word's letters, a line's words) is one region
MIN_INK = 0.3  # squared type sizes: a region with less ink than this is a speck, not a word
MIN_HEIGHT = 0.35  # type sizes: a region lower than this is a rule's remains or a speck, not text
MAX_REGIONS = 60  # a page with more regions missed than this is not read again (it is noise)
PAD = 0.5  # type sizes: the paper kept around a region when it is read again


def missed_regions(ink: Mask, seen: Sequence[SeenWord], size: float) -> list[tuple[int, int, int, int]]:
    """Given a page's ink (rules taken out), the words read on it and the usual type size in pixels, return the
    boxes (x0, top, x1, bottom, in pixels) of ink no word covers, big enough to be text."""
    import numpy as np

    height, width = ink.shape
    left = ink.copy()
    margin = round(COVER * size)
    for s in seen:
        left[max(0, s.top - margin) : s.bottom + margin, max(0, s.x0 - margin) : s.x1 + margin] = False
    step = max(1, round(SQUARE * size))
    rows, cols = -(-height // step), -(-width // step)
    padded = np.zeros((rows * step, cols * step), dtype=bool)
    padded[:height, :width] = left
    counts = padded.reshape(rows, step, cols, step).sum(axis=(1, 3), dtype=np.int32)
    regions = _regions(counts > 0)
    out = []
    for r0, c0, r1, c1 in regions:
        ink_in = int(counts[r0:r1, c0:c1].sum())
        if ink_in < MIN_INK * size * size or (r1 - r0) * step < MIN_HEIGHT * size:
            continue
        out.append((c0 * step, r0 * step, min(width, c1 * step), min(height, r1 * step)))
    return out if len(out) <= MAX_REGIONS else []


def _regions(filled: NDArray[np.bool_]) -> list[tuple[int, int, int, int]]:
    """Given a grid of squares with ink, return the boxes (row0, col0, row1, col1) of groups of them, squares up
    to JOIN apart across (and touching down) being one group."""
    rows, cols = filled.shape
    seen = [[False] * cols for _ in range(rows)]
    marked = [[bool(v) for v in row] for row in filled.tolist()]
    out = []
    for r in range(rows):
        for c in range(cols):
            if not marked[r][c] or seen[r][c]:
                continue
            seen[r][c] = True
            stack, box = [(r, c)], [r, c, r + 1, c + 1]
            while stack:
                y, x = stack.pop()
                box = [min(box[0], y), min(box[1], x), max(box[2], y + 1), max(box[3], x + 1)]
                for dy in (-1, 0, 1):
                    for dx in range(-JOIN, JOIN + 1):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < rows and 0 <= nx < cols and marked[ny][nx] and not seen[ny][nx]:
                            seen[ny][nx] = True
                            stack.append((ny, nx))
            out.append((box[0], box[1], box[2], box[3]))
    return out


def crop(ink: Mask, box: tuple[int, int, int, int], size: float) -> tuple[Mask, int, int]:
    """Given a page's ink, a region's box and the type size in pixels, return the region with paper around it,
    and where its top-left corner is on the page."""
    import numpy as np

    pad = round(PAD * size)
    x0, top, x1, bottom = box
    part = ink[top:bottom, x0:x1]
    framed: Mask = np.zeros((part.shape[0] + 2 * pad, part.shape[1] + 2 * pad), dtype=bool)
    framed[pad : pad + part.shape[0], pad : pad + part.shape[1]] = part
    return framed, x0 - pad, top - pad
