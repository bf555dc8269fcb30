"""Words, lines and ruling lines on a page: the small value types every layout rule works on."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
SNAP = 2.0  # points: positions closer than this are the same line or rule
MARGIN = 0.12  # the top and bottom 12% of a page, where running headers and footers sit
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Word:
    """One word on a page, as pdfplumber reports it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line: vertical (x fixed, a..b along y) or horizontal (y fixed, a..b along x)."""

    vertical: bool
    at: float
    a: float
    b: float


@dataclass(frozen=True, slots=True)
class Fill:
    """A filled area (cell shading, a highlight): its box and colour. Its edges are not ruling lines."""

    x0: float
    top: float
    x1: float
    bottom: float
    colour: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class GridBox:
    """A ruled grid found on a page by its rules alone: its box and the x of its walls."""

    x0: float
    top: float
    x1: float
    bottom: float
    walls: tuple[float, ...]


class Line:
    """Words that share a baseline across the page, left to right (its extent is worked out once)."""

    __slots__ = ("bottom", "size", "text", "top", "words")

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        self.size = statistics.median(w.size for w in words)
        self.text = " ".join(w.text for w in words)

    def __repr__(self) -> str:
        return f"Line({self.text!r}, top={self.top:.1f})"


def words_to_lines(words: Sequence[Word]) -> list[Line]:
    """Given a page's words, return them grouped into printed lines, top to bottom."""
    groups: list[tuple[list[Word], float, float]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if groups:
            members, top, bottom = groups[-1]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap > 0.5 * min(word.bottom - word.top, bottom - top):
                members.append(word)
                groups[-1] = (members, min(top, word.top), max(bottom, word.bottom))
                continue
        groups.append(([word], word.top, word.bottom))
    return [Line(sorted(members, key=lambda w: w.x0)) for members, _, _ in groups]


def margin_lines(lines: Sequence[Line], height: float) -> list[tuple[float, str]]:
    """Given a page's lines, return (top, text with digits as #) of those in the top or bottom margin."""
    return [
        (ln.top, _DIGITS.sub("#", ln.text))
        for ln in lines
        if ln.bottom < height * MARGIN or ln.top > height * (1 - MARGIN)
    ]


def is_page_furniture(line: Line, height: float) -> bool:
    """Given a line and the page height, say whether it is a page number in a margin."""
    in_margin = line.bottom > height * 0.88 or line.top < height * 0.08
    return in_margin and bool(_PAGE_NUMBER.match(line.text.strip()))


def cluster_positions(values: Sequence[float], snap: float = SNAP) -> list[float]:
    """Given positions, return one representative per cluster of nearby values."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= snap:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def verticals_crossing(rules: Sequence[Rule], top: float, bottom: float) -> list[float]:
    """Given rules and a band of the page, return the x of vertical rules spanning most of it."""
    need = 0.6 * (bottom - top)
    xs = [r.at for r in rules if r.vertical and min(r.b, bottom) - max(r.a, top) >= need]
    return cluster_positions(xs)


def split_phrases(line: Line, walls: Sequence[float]) -> list[list[Word]]:
    """Given a line and vertical rule positions, return runs of words that belong together."""
    phrases: list[list[Word]] = []
    for word in line.words:
        if phrases:
            prev = phrases[-1][-1]
            wall = any(prev.x1 - 1 <= x <= word.x0 + 1 for x in walls)
            if not wall and word.x0 - prev.x1 <= 0.8 * max(word.size, prev.size):
                phrases[-1].append(word)
                continue
        phrases.append([word])
    return phrases
