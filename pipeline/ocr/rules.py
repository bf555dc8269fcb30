"""A table's ruling lines found in a page image: long straight runs of ink, across and down.

A run of ink longer than any letter, in one row (or column) of pixels, is part of a rule; runs in neighbouring
rows that overlap are one rule, as thick as the rows it spans. What is found is removed from the image before
Tesseract reads it, so a cell's border is never read as a letter ("|", "_").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.extract.geometry import Rule

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]

MIN_RULE = 24.0  # points: ink running straight for this long is a ruling line, not a letter or a word
MAX_THICKNESS = 4.0  # points: a straight band of ink thicker than this is a filled bar, not a rule
JOIN_GAP = 3.0  # points: pieces of one scanned rule broken by a gap up to this long are one rule
SAME_RULE = 2.0  # points: pieces whose positions differ by less are on one rule
ERASE_MARGIN = 2  # pixels: so much of the paper either side of a rule is also cleaned, for its grey edges


@dataclass
class _Stroke:
    """Runs of ink in consecutive rows of pixels that overlap: one rule (or a bar) as drawn."""

    first: int
    last: int
    start: int
    end: int


def _long_runs(ink: Mask, length: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Given a mask and a length in pixels, return the rows, starts and ends of the runs along each row at least
    that long."""
    import numpy as np

    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)  # row by row, each run's end follows its start
    keep = ends - starts >= length
    return rows[keep], starts[keep], ends[keep]


def _strokes(rows: NDArray[np.intp], starts: NDArray[np.intp], ends: NDArray[np.intp]) -> list[_Stroke]:
    """Given long runs row by row, return them joined into strokes: a run joins a stroke that reached the row
    above and overlaps it."""
    strokes: list[_Stroke] = []
    open_: list[_Stroke] = []
    for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
        open_ = [s for s in open_ if s.last >= row - 1]
        for s in open_:
            if s.last == row - 1 and start < s.end and end > s.start:
                s.last, s.start, s.end = row, min(s.start, start), max(s.end, end)
                break
        else:
            stroke = _Stroke(row, row, start, end)
            strokes.append(stroke)
            open_.append(stroke)
    return strokes


def _rules_along(ink: Mask, vertical: bool, scale: float) -> tuple[list[Rule], list[_Stroke]]:
    """Given a page's ink (transposed for vertical rules) and points per pixel, return the rules in points and
    the strokes they were drawn with (in the mask's pixels)."""
    rows, starts, ends = _long_runs(ink, max(1, round(MIN_RULE / scale)))
    strokes = [s for s in _strokes(rows, starts, ends) if (s.last - s.first + 1) * scale <= MAX_THICKNESS]
    rules = [Rule(vertical, (s.first + s.last + 1) / 2 * scale, s.start * scale, s.end * scale) for s in strokes]
    return join_pieces(rules), strokes


def join_pieces(rules: list[Rule]) -> list[Rule]:
    """Given rules of one direction, return them with the pieces of one rule joined: pieces at about the same
    position (a thick line is drawn as several) that overlap or leave a small gap."""
    lines: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r.at):
        if lines and r.at - lines[-1][-1].at < SAME_RULE:
            lines[-1].append(r)
        else:
            lines.append([r])
    out: list[Rule] = []
    for pieces in lines:
        spans: list[list[Rule]] = []
        for r in sorted(pieces, key=lambda r: r.a):
            if spans and r.a - max(p.b for p in spans[-1]) <= JOIN_GAP:
                spans[-1].append(r)
            else:
                spans.append([r])
        for span in spans:
            length = sum(p.b - p.a for p in span)
            at = sum(p.at * (p.b - p.a) for p in span) / length if length else span[0].at
            out.append(Rule(span[0].vertical, at, min(p.a for p in span), max(p.b for p in span)))
    return out


def find_rules(ink: Mask, scale: float) -> tuple[list[Rule], Mask]:
    """Given a page's ink and points per pixel, return its ruling lines (in points from the top-left) and the
    ink with them taken out."""
    across, across_strokes = _rules_along(ink, False, scale)
    down, down_strokes = _rules_along(ink.T, True, scale)
    text = ink.copy()
    m = ERASE_MARGIN
    for s in across_strokes:
        text[max(0, s.first - m) : s.last + 1 + m, s.start : s.end] = False
    for s in down_strokes:
        text[s.start : s.end, max(0, s.first - m) : s.last + 1 + m] = False
    return across + down, text
