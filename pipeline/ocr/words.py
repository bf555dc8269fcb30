"""Tesseract's words as the layout stages take them: in points, with the type's size, bullets and bold.

A PDF's text layer says which font a word is set in; a scan does not, so bold is measured from the ink (bold
strokes are thicker for the type's size), and a bullet from its shape (a small solid dot, which Tesseract
reads as "e", "°" or "«").
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.extract.geometry import Word
from pipeline.ocr.tesseract import SeenWord

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]

BULLET = "•"
BULLET_SIZE = 0.45  # a bullet is at most this share of the type size, across and down
BULLET_ROUND = 0.7  # and about as wide as tall: the shorter side is at least this share of the longer
BULLET_SOLID = 0.6  # and solid: at least this share of its box is ink (an "e" or "o" is well under)
BULLET_CHARS = 2  # Tesseract reads a bullet as at most this many characters ("«¢")
BULLET_CONFIDENCE = 1.0  # a bullet known by its shape is certain, however Tesseract read it
BOLD_STROKE = 1.3  # a word whose strokes are this much thicker (for its size) than the page's usual is bold
MIN_INK = 12  # pixels: a word with less ink than this is not measured for bold
DOT = 0.08  # type sizes: a word with less ink than a square this wide (a full stop has more) is not there at all
_LOOK_ALIKES = str.maketrans("OoQDlI|SZBG", "00901115286")  # what OCR reads for a digit, in a label
SAME_SIZE = 0.25  # a line whose size is within this share of the page's usual size is set in it: Tesseract
# measures each line's size only roughly ("Recommendation owner" smaller than the line above it)
DESCENT = 0.21  # type sizes: a word's box reaches this far below its baseline, as a PDF's text layer has it


def stroke_width(ink: Mask) -> float:
    """Given the ink of one word, return its strokes' mean width in pixels: twice its ink over its outline
    (a stroke w wide and L long has w * L ink and about 2 * L outline)."""
    import numpy as np

    if int(ink.sum()) < MIN_INK:
        return 0.0
    padded = np.pad(ink, 1)
    inner = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    outline = int(ink.sum() - inner.sum())
    return 2 * float(ink.sum()) / outline if outline else 0.0


def is_bullet(seen: SeenWord, ink: Mask) -> bool:
    """Given a word Tesseract read and the page's ink, say whether it is a bullet: one small, round, solid mark."""
    if len(seen.text) > BULLET_CHARS:
        return False
    w, h = seen.x1 - seen.x0, seen.bottom - seen.top
    if w <= 0 or h <= 0 or max(w, h) > BULLET_SIZE * seen.size or min(w, h) < BULLET_ROUND * max(w, h):
        return False
    box = ink[seen.top : seen.bottom, seen.x0 : seen.x1]
    return bool(box.size) and float(box.mean()) >= BULLET_SOLID


def repair_labels(seen: Sequence[SeenWord], patterns: Sequence[re.Pattern[str]]) -> list[SeenWord]:
    """Given the words read on a page and the patterns of a recommendation label, return them with a label that
    OCR read with a letter for a digit ("RQ." for "R9.", "Rl." for "R1.") mended: only a line's first word (or
    its first two, "R" "Q."), only where the label's patterns match once the look-alikes are digits."""
    out = list(seen)
    for i, s in enumerate(out):
        if not s.first:
            continue
        pair = i + 1 < len(out) and not out[i + 1].first
        for n in (1, 2) if pair else (1,):
            texts = [w.text for w in out[i : i + n]]
            text = " ".join(texts)
            if any(p.match(text) for p in patterns):
                break
            mended = [texts[0][0] + _as_digits(texts[0][1:])] if n == 1 else [texts[0], _as_digits(texts[1])]
            if mended != texts and any(p.match(" ".join(mended)) for p in patterns):
                out[i : i + n] = [replace(w, text=t) for w, t in zip(out[i : i + n], mended, strict=True)]
                break
    return out


def _as_digits(text: str) -> str:
    return text.translate(_LOOK_ALIKES)


def usual_sizes(sizes: Sequence[float]) -> list[float]:
    """Given the size of each word's line, return them with those near the page's usual size set to it."""
    if not sizes:
        return []
    usual = statistics.median(sizes)
    return [usual if abs(size - usual) <= SAME_SIZE * usual else size for size in sizes]


def seen_to_words(seen: Sequence[SeenWord], ink: Mask, scale: float) -> list[tuple[Word, float]]:
    """Given the words Tesseract read on a page, the page's ink (rules taken out) and points per pixel, return
    each as a Word in points with its confidence (a word read where there is no ink, an artefact of Tesseract's
    line finding, is left out)."""
    seen = [s for s in seen if int(ink[s.top : s.bottom, s.x0 : s.x1].sum()) >= (DOT * s.size) ** 2]
    strokes = [stroke_width(ink[s.top : s.bottom, s.x0 : s.x1]) / s.size if s.size else 0.0 for s in seen]
    usual = statistics.median([s for s in strokes if s > 0] or [0.0])
    sizes = usual_sizes([s.size for s in seen])
    out: list[tuple[Word, float]] = []
    for s, stroke, size in zip(seen, strokes, sizes, strict=True):
        bullet = is_bullet(s, ink)
        bottom = s.baseline + DESCENT * size
        word = Word(
            text=BULLET if bullet else s.text,
            x0=s.x0 * scale,
            x1=s.x1 * scale,
            top=(bottom - size) * scale,
            bottom=bottom * scale,
            size=size * scale,
            bold=usual > 0 and stroke >= BOLD_STROKE * usual and not bullet,
        )
        out.append((word, BULLET_CONFIDENCE if bullet else s.confidence))
    return out
