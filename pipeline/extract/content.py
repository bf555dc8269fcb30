"""What is drawn on one page: its words, its ruling lines and its filled areas, read from pdfminer's layout.

A ruling line is anything drawn as a stroke, or a filled shape thin enough to
be a line. A filled area (cell shading, a page background, a highlight painted
behind each line of text) is a `Fill`: its edges are not rules, because Word
and PowerPoint paint shading per cell, per paragraph or per line of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTContainer, LTCurve, LTRect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_rect

from pipeline.extract.geometry import Fill, Rule, Word

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}

THIN = 3.0  # points: a filled shape thinner than this is drawn as a line
BACKGROUND = 0.85  # a fill covering this share of the page is the page's background
SAME_LINE = 1.5  # points: characters whose tops differ by less are on one line
BAND = 32.0  # points: fills are looked up in bands this wide
COVER = 1.0  # points: a rule this far inside a fill painted after it is hidden by it
WORD_GAP = 0.2  # font sizes: a gap between glyphs wider than this is a space, printed or not
TOUCH = 0.5  # points: glyphs closer than this touch
MAX_WORD_GAP = 3.0  # points: a gap this wide is a space at any type size
SIZE_STEP = 0.1  # points: glyphs differing in size by more are set in another size
MARK = 24.0  # points: a filled shape no wider or taller than this is a mark (a RAG dot), its area a fill
DOUBLE_STRIKE = 0.5  # points: the same glyph again this close is printed twice (fake bold), not two letters

_Char = tuple[float, float, float, float, str, str, float]  # top, x0, x1, bottom, text, font, size


@dataclass(frozen=True, slots=True)
class PageContent:
    """One page's words, ruling lines and fills, in points from the top-left corner."""

    words: list[Word]
    rules: list[Rule]
    fills: list[Fill]
    width: float
    height: float


def _colour(value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return (round(float(value), 3),)
    try:
        return tuple(round(float(v), 3) for v in value)
    except (TypeError, ValueError):
        return None


class _Collector(PDFPageAggregator):
    """pdfminer's page aggregator, except that each upright character goes straight into `chars` as
    (x0, y0, x1, y1, text, font, size), in pdfminer's coordinates, instead of becoming an LTChar object:
    the same box LTChar would compute, for a page of 40,000 characters about a fifth of pdfminer's time.
    Lines, rectangles and curves are aggregated as pdfminer does."""

    def __init__(self, rsrcmgr: Any, pageno: int) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.chars: list[tuple[float, float, float, float, str, str, float]] = []

    def render_char(
        self,
        matrix: tuple[float, float, float, float, float, float],
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        adv: float = font.char_width(cid) * fontsize * scaling
        a, b, c, d, e, f = matrix
        if not (a * d * scaling > 0 and b * c <= 0):
            return adv  # not upright (rotated or mirrored text): not read
        vertical = font.is_vertical()
        if vertical:  # as pdfminer's LTChar computes its box
            vx, vy = font.char_disp(cid)
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            box = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font.get_descent() * fontsize
            box = (0, descent + rise, adv, descent + rise + fontsize)
        if b == 0 and c == 0:  # no skew, the usual case: the same sums apply_matrix_rect does, without its calls
            x0, y0, x1, y1 = a * box[0] + e, d * box[1] + f, a * box[2] + e, d * box[3] + f
        else:
            x0, y0, x1, y1 = apply_matrix_rect(matrix, box)
        x0, x1 = min(x0, x1), max(x0, x1)
        y0, y1 = min(y0, y1), max(y0, y1)
        self.chars.append((x0, y0, x1, y1, text, font.fontname, x1 - x0 if vertical else y1 - y0))
        return adv


def read_page_content(page: Any) -> PageContent:
    """Given a pdfplumber page, return its words, ruling lines and fills.

    Runs pdfminer over the page with a device of our own (characters as tuples, see `_Collector`) and reads
    its layout objects directly rather than pdfplumber's per-object dictionaries: the same geometry, in
    less than half the time.
    """
    width, height = float(page.width), float(page.height)
    mb_x0, mb_top = (float(v) for v in page.mediabox[:2])
    device = _Collector(page.pdf.rsrcmgr, page.page_number)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    chars: list[_Char] = []
    for x0, y0, x1, y1, text, font, size in device.chars:
        text = _LIGATURES.get(text, text)
        chars.append((height - y1 + mb_top, x0 + mb_x0, x1 + mb_x0, height - y0 + mb_top, text, font, size))
    rules: list[tuple[int, Rule]] = []  # with the order they were painted in
    fills: list[tuple[int, Fill]] = []

    def edge(vertical: bool, at: float, a: float, b: float) -> None:
        rules.append((len(rules) + len(fills), Rule(vertical, at, min(a, b), max(a, b))))

    def box(x0: float, top: float, x1: float, bottom: float, stroke: bool, fill: bool, colour: Any) -> None:
        thin_x, thin_y = x1 - x0 < THIN, bottom - top < THIN
        if thin_x or thin_y:
            if stroke or fill:
                if thin_x:
                    edge(True, (x0 + x1) / 2, top, bottom)
                else:
                    edge(False, (top + bottom) / 2, x0, x1)
            return
        if stroke:
            edge(False, top, x0, x1)
            edge(False, bottom, x0, x1)
            edge(True, x0, top, bottom)
            edge(True, x1, top, bottom)
        if fill and (x1 - x0) * (bottom - top) < BACKGROUND * width * height:
            fills.append((len(rules) + len(fills), Fill(x0, top, x1, bottom, _colour(colour))))

    def walk(objects: Any) -> None:
        for obj in objects:
            if isinstance(obj, LTRect):
                top, bottom = height - obj.y1 + mb_top, height - obj.y0 + mb_top
                box(obj.x0 + mb_x0, top, obj.x1 + mb_x0, bottom, obj.stroke, obj.fill, obj.non_stroking_color)
            elif isinstance(obj, LTCurve):
                pts = [(x + mb_x0, height - y + mb_top) for x, y in (obj.pts or [])]
                xs, ys = [p[0] for p in pts] or [0.0], [p[1] for p in pts] or [0.0]
                mark = max(xs) - min(xs) <= MARK and max(ys) - min(ys) <= MARK  # a dot, a tick, a small shape
                if obj.fill and not obj.stroke and (mark or _is_rectangle(pts)):
                    box(min(xs), min(ys), max(xs), max(ys), False, True, obj.non_stroking_color)
                    continue
                # Lines and outlines: keep their straight, axis-aligned segments.
                for (ax, ay), (bx, by) in pairwise(pts):
                    if abs(ax - bx) < 1:
                        edge(True, (ax + bx) / 2, ay, by)
                    elif abs(ay - by) < 1:
                        edge(False, (ay + by) / 2, ax, bx)
            elif isinstance(obj, LTContainer):
                walk(obj)

    walk(device.get_result())
    return PageContent(chars_to_words(chars), shown_rules(rules, fills), [f for _, f in fills], width, height)


def shown_rules(rules: list[tuple[int, Rule]], fills: list[tuple[int, Fill]]) -> list[Rule]:
    """Given the rules and fills of a page in the order they were painted, return what of each rule still shows:
    the parts a later fill paints over are covered (a table drawn over the foot of another hides that table's
    last rules). Fills are looked up by position, so a page of thousands of shapes stays quick."""
    if not fills:
        return [r for _, r in rules]
    across: dict[int, list[tuple[int, Fill]]] = {}  # by band of y: fills a horizontal rule there may be under
    down: dict[int, list[tuple[int, Fill]]] = {}  # by band of x: the same for vertical rules
    for order, f in fills:
        for band in range(int(f.top // BAND), int(f.bottom // BAND) + 1):
            across.setdefault(band, []).append((order, f))
        for band in range(int(f.x0 // BAND), int(f.x1 // BAND) + 1):
            down.setdefault(band, []).append((order, f))
    out: list[Rule] = []
    for order, r in rules:
        pieces = [(r.a, r.b)]
        for later, f in (down if r.vertical else across).get(int(r.at // BAND), ()):
            if later > order and pieces:
                pieces = _uncovered(pieces, r, f)
        out.extend(Rule(r.vertical, r.at, a, b) for a, b in pieces)
    return out


def _uncovered(pieces: list[tuple[float, float]], r: Rule, f: Fill) -> list[tuple[float, float]]:
    """Given the visible pieces of a rule and a fill painted after it, return the pieces still visible."""
    if r.vertical:
        inside, lo, hi = f.x0 + COVER < r.at < f.x1 - COVER, f.top, f.bottom
    else:
        inside, lo, hi = f.top + COVER < r.at < f.bottom - COVER, f.x0, f.x1
    if not inside:
        return pieces
    out = []
    for a, b in pieces:
        if hi <= a or lo >= b:
            out.append((a, b))
            continue
        if a < lo - COVER:
            out.append((a, lo))
        if b > hi + COVER:
            out.append((hi, b))
    return out


def _is_rectangle(pts: list[tuple[float, float]]) -> bool:
    """Given a closed path's points, say whether it is an axis-aligned rectangle."""
    if len(pts) not in (4, 5):
        return False
    xs = {round(p[0], 1) for p in pts}
    ys = {round(p[1], 1) for p in pts}
    return len(xs) == 2 and len(ys) == 2


def chars_to_words(chars: list[_Char]) -> list[Word]:
    """Given chars as (top, x0, x1, bottom, text, font, size), return words: split at spaces, gaps and font changes.

    Control characters (a NUL for a glyph the font maps to nothing) are not text: they are dropped from the
    words, but the room the glyph takes keeps its word whole.
    """
    chars.sort(key=lambda c: (c[0], c[1]))
    lines: list[list[_Char]] = []
    for c in chars:
        if lines and abs(c[0] - lines[-1][0][0]) <= SAME_LINE:
            lines[-1].append(c)
        else:
            lines.append([c])
    words: list[Word] = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        current: list[_Char] = []
        prev: _Char | None = None
        for c in line:
            # The same glyph printed again at (nearly) the same place: fake bold or a shadow, not two letters.
            if prev is not None and prev[4] == c[4] and abs(prev[1] - c[1]) < DOUBLE_STRIKE:
                continue
            prev = c
            gap = c[1] - current[-1][2] if current else 0.0
            # A new word after a gap wider than a tight space; a change of font or size only where glyphs do not
            # touch (a dash from another font subset still belongs to its word: "Strategy–").
            breaks = not c[4].strip() or (
                current
                and (
                    gap > min(MAX_WORD_GAP, WORD_GAP * c[6])
                    or (gap > TOUCH and (c[5] != current[-1][5] or abs(c[6] - current[-1][6]) > SIZE_STEP))
                )
            )
            if breaks and current:
                words.append(_word(current))
                current = []
            if c[4].strip():
                current.append(c)
        if current:
            words.append(_word(current))
    return [w for w in words if w.text]


def _word(chars: list[_Char]) -> Word:
    font = chars[0][5] or ""
    return Word(
        text=_CONTROL.sub("", "".join(c[4] for c in chars)),
        x0=chars[0][1],
        x1=max(c[2] for c in chars),
        top=min(c[0] for c in chars),
        bottom=max(c[3] for c in chars),
        size=chars[0][6],
        bold=bool(_BOLD.search(font)),
    )
