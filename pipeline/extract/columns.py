"""Where the table's columns are: from vertical rules when ruled, else from the gutters between headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from pipeline.extract.geometry import Rule, Word
from pipeline.extract.header import Header

SLIVER = 6.0  # points: two walls closer than this are a double rule, not a column
HEADER_REACH = 40.0  # points: the table's horizontal rules lie this close above or below its header
EDGE = 2.0  # points: text this close to a column edge is still inside the column
FRAME_WIDTHS = 3  # a rule longer than this many header widths frames the page, not the table


@dataclass(frozen=True, slots=True)
class ColumnGeom:
    """One table column on one page: what it holds and its left and right boundaries."""

    field: str
    header: str
    x0: float
    x1: float
    head_x0: float = 0.0  # where the header's own words sit, to find gutters again on pages without it
    head_x1: float = 0.0


def _gutter(words: Sequence[Word], lo: float, hi: float) -> float:
    """Given body words and an x interval between two headers, return the emptiest x in it."""
    if hi - lo <= 1.0:
        return (lo + hi) / 2
    step = 0.5
    n = int((hi - lo) / step) + 1
    cover = [0] * n
    for w in words:
        if w.x1 < lo or w.x0 > hi:
            continue
        a = max(0, int((w.x0 - lo) / step))
        b = min(n - 1, int((w.x1 - lo) / step))
        for i in range(a, b + 1):
            cover[i] += 1
    least = min(cover)
    best = (0, 0)
    i = 0
    while i < n:
        if cover[i] == least:
            j = i
            while j + 1 < n and cover[j + 1] == least:
                j += 1
            if j - i >= best[1] - best[0]:
                best = (i, j)
            i = j + 1
        else:
            i += 1
    return lo + step * (best[0] + best[1]) / 2


def columns_from_header(
    header: Header, body: Sequence[Word], walls: Sequence[float], rules: Sequence[Rule] = ()
) -> tuple[list[ColumnGeom], bool]:
    """Given a header, the body's words, the vertical rules crossing the header and the page's rules, return
    columns and ruled-ness."""
    spans = [(min(w.x0 for w in g), max(w.x1 for w in g)) for g in header.groups]
    texts = header.texts
    fields = header.fields()
    ruled_across = [
        r for r in rules if not r.vertical and header.top - HEADER_REACH <= r.at <= header.bottom + HEADER_REACH
    ]
    walls = _table_walls(walls, spans[0][0], spans[-1][1], body, ruled_across)
    if len(walls) >= 2:
        columns: list[ColumnGeom] = []
        for left, right in pairwise(walls):
            if right - left < SLIVER:
                continue
            inside = [i for i, (a, b) in enumerate(spans) if left - 1 <= (a + b) / 2 <= right + 1]
            text = " ".join(texts[i] for i in inside)
            fld = next((fields[i] for i in inside if fields[i] != "extra"), "extra")
            columns.append(ColumnGeom(fld, text, left, right))
        if columns and (any(c.field != "extra" for c in columns) or header.kind == "other"):
            return columns, True
    bounds = borderless_bounds(spans, body)
    return [
        ColumnGeom(f, t, x0, x1, h0, h1)
        for f, t, (x0, x1), (h0, h1) in zip(fields, texts, pairwise(bounds), spans, strict=True)
    ], False


def _table_walls(
    walls: Sequence[float], x0: float, x1: float, body: Sequence[Word], across: Sequence[Rule]
) -> list[float]:
    """Given the vertical rules crossing a header, the header's extent, the body's words and the horizontal rules
    near the header, return the table's own walls: the nearest pair enclosing the header, widened over columns
    that hold body text or that the table's rules run across; a page frame further out is not a column edge."""
    left = sorted((w for w in walls if w <= x0 + 1), reverse=True)
    right = sorted(w for w in walls if w >= x1 - 1)
    if not left or not right:
        return list(walls)

    def holds_text(a: float, b: float) -> bool:
        ruled = any(r.a <= a + EDGE and r.b >= b - EDGE and r.b - r.a < FRAME_WIDTHS * (x1 - x0) for r in across)
        return ruled or any(a < w.xmid < b for w in body)

    lo, hi = left[0], right[0]
    for w in left[1:]:
        if not holds_text(w, lo):
            break
        lo = w
    for w in right[1:]:
        if not holds_text(hi, w):
            break
        hi = w
    return [w for w in walls if lo <= w <= hi]


def borderless_bounds(spans: Sequence[tuple[float, float]], body: Sequence[Word]) -> list[float]:
    """Given the header words' x-spans and a page's body words, return column boundaries at the gutters."""
    left_edge = min(min(w.x0 for w in body), spans[0][0]) - 1 if body else spans[0][0] - 1
    right_edge = max(max(w.x1 for w in body), spans[-1][1]) + 1 if body else spans[-1][1] + 1
    bounds = [left_edge]
    for (_, a1), (b0, _) in pairwise(spans):
        bounds.append(_gutter(body, a1, b0))
    bounds.append(right_edge)
    return bounds


def column_of(x: float, columns: Sequence[ColumnGeom]) -> int:
    """Given an x position, return the index of the column it falls in (nearest at the edges)."""
    for i, col in enumerate(columns):
        if x < col.x1:
            return i
    return len(columns) - 1


def crosses(word: Word, columns: Sequence[ColumnGeom]) -> bool:
    """Given a word, say whether it straddles a boundary between two columns."""
    return any(word.x0 < c.x1 - EDGE and word.x1 > c.x1 + EDGE for c in columns[:-1])
