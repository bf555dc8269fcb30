"""Page geometry: words and ruling lines in, the action-plan table's header, columns and rows out.

Pure functions over small value types, so every rule can be tested with a few
hand-made words. Ruled tables take columns and rows from their lines; borderless
ones take columns from the header's words and the white space between columns,
and rows from the labels ("R1.", "R 2.") and bold theme lines.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.extract.header import HeaderMatch, HeaderMatcher, header_score, is_header
from pipeline.records import BBox, RowKind, SourceCell, SourceRow, TextLine

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_SNAP = 2.0  # points: positions closer than this are the same line or rule
_MARGIN = 0.12  # the top and bottom 12% of a page, where running headers and footers sit
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

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line: vertical (x fixed, a..b along y) or horizontal (y fixed, a..b along x)."""

    vertical: bool
    at: float
    a: float
    b: float


@dataclass
class Line:
    """Words that share a baseline across the page, left to right."""

    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True, slots=True)
class ColumnGeom:
    """One table column on one page: what it holds and its left and right boundaries."""

    field: str
    header: str
    x0: float
    x1: float
    head_x0: float = 0.0  # where the header's own words sit, to find gutters again on pages without it
    head_x1: float = 0.0


@dataclass
class Header:
    """A header row found on a page: its cells (groups of words) and their matches."""

    groups: list[list[Word]]
    matches: list[HeaderMatch | None]
    top: float
    bottom: float
    first_line: int
    last_line: int

    def texts(self) -> list[str]:
        return [group_text(g) for g in self.groups]


@dataclass
class PageLayout:
    """What one page contributed: its header (if printed), columns and rows."""

    columns: list[ColumnGeom]
    rows: list[SourceRow]
    header: Header | None = None
    title: str = ""
    ruled: bool = False
    margin_lines: list[tuple[float, str]] = field(default_factory=list)


# ---------------------------------------------------------------- words and lines


def words_to_lines(words: Sequence[Word]) -> list[Line]:
    """Given a page's words, return them grouped into printed lines, top to bottom."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            last = lines[-1]
            overlap = min(last.bottom, word.bottom) - max(last.top, word.top)
            if overlap > 0.5 * min(word.bottom - word.top, last.bottom - last.top):
                last.words.append(word)
                continue
        lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def group_text(words: Sequence[Word]) -> str:
    """Given words of one header cell (maybe over several lines), return its text."""
    ordered = sorted(words, key=lambda w: (round(w.top), w.x0))
    return " ".join(w.text for w in ordered)


def margin_lines(lines: Sequence[Line], height: float) -> list[tuple[float, str]]:
    """Given a page's lines, return (top, text with digits as #) of those in the top or bottom margin."""
    return [
        (ln.top, _DIGITS.sub("#", ln.text))
        for ln in lines
        if ln.bottom < height * _MARGIN or ln.top > height * (1 - _MARGIN)
    ]


def drop_running_text(rows: Sequence[SourceRow], furniture: dict[int, list[float]]) -> list[SourceRow]:
    """Given rows and, per page, the tops of running header/footer lines, return the rows without those lines."""
    out: list[SourceRow] = []
    seen_pages: set[int] = set()
    for row in rows:
        tops = furniture.get(row.page, [])
        if tops:
            cells = tuple(
                replace(c, lines=tuple(ln for ln in c.lines if not any(abs(ln.top - t) <= _SNAP for t in tops)))
                for c in row.cells
            )
            if not any(c.lines for c in cells):
                continue
            row = replace(row, cells=cells)
        first = row.page not in seen_pages
        seen_pages.add(row.page)
        out.append(replace(row, first_on_page=first))
    return out


def is_page_furniture(line: Line, height: float) -> bool:
    """Given a line and the page height, say whether it is a page number in a margin."""
    in_margin = line.bottom > height * 0.88 or line.top < height * 0.08
    return in_margin and bool(_PAGE_NUMBER.match(line.text.strip()))


# ---------------------------------------------------------------- rules


def cluster_positions(values: Sequence[float], snap: float = _SNAP) -> list[float]:
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


def row_separators(rules: Sequence[Rule], x0: float, x1: float, top: float, bottom: float) -> list[float]:
    """Given rules and the table's extent, return the y of horizontal rules that separate rows."""
    width = x1 - x0
    spans: dict[float, float] = {}
    for r in rules:
        if r.vertical or not (top - _SNAP <= r.at <= bottom + _SNAP):
            continue
        covered = min(r.b, x1) - max(r.a, x0)
        if covered <= 0:
            continue
        key = next((k for k in spans if abs(k - r.at) <= _SNAP), r.at)
        spans[key] = spans.get(key, 0.0) + covered
    return sorted(y for y, covered in spans.items() if covered >= 0.4 * width)


# ---------------------------------------------------------------- header


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


def _rematch(phrases: list[list[Word]], matcher: HeaderMatcher) -> list[list[Word]]:
    """Given phrases of one header line, join neighbours that only name a field together, and
    split any phrase that names no field into two that both do."""

    def named(ws: Sequence[Word]) -> bool:
        return matcher.match(group_text(ws)) is not None

    joined: list[list[Word]] = []
    for phrase in phrases:
        if joined and not named(joined[-1]) and not named(phrase) and named(joined[-1] + phrase):
            joined[-1] = joined[-1] + phrase
        else:
            joined.append(list(phrase))
    out: list[list[Word]] = []
    for phrase in joined:
        if len(phrase) > 1 and not named(phrase):
            for cut in range(1, len(phrase)):
                left, right = phrase[:cut], phrase[cut:]
                if named(left) and named(right):
                    out.extend([left, right])
                    break
            else:
                out.append(phrase)
        else:
            out.append(phrase)
    return out


def _add_line(groups: list[list[Word]], phrases: list[list[Word]]) -> list[list[Word]] | None:
    """Given header groups and the phrases of the next line, return the groups with them added."""
    out = [list(g) for g in groups]
    for phrase in phrases:
        px0, px1 = min(w.x0 for w in phrase), max(w.x1 for w in phrase)
        hits = [i for i, g in enumerate(out) if min(px1, max(w.x1 for w in g)) - max(px0, min(w.x0 for w in g)) > -1.0]
        if len(hits) > 1:
            return None
        if hits:
            out[hits[0]].extend(phrase)
        else:
            out.append(list(phrase))
    out.sort(key=lambda g: min(w.x0 for w in g))
    return out


def find_header(lines: Sequence[Line], rules: Sequence[Rule], matcher: HeaderMatcher, start: int = 0) -> Header | None:
    """Given a page's lines, return the first action-plan header row at or after line `start`."""
    for k in range(start, len(lines)):
        line = lines[k]
        walls = verticals_crossing(rules, line.top, line.bottom)
        groups = _rematch(split_phrases(line, walls), matcher)
        matches = [matcher.match(group_text(g)) for g in groups]
        score = header_score(matches)
        if score[0] < 1:
            continue
        last = k
        for j in range(k + 1, min(k + 3, len(lines))):
            nxt = lines[j]
            if nxt.top - lines[j - 1].bottom > 0.8 * nxt.size:
                break
            walls = verticals_crossing(rules, nxt.top, nxt.bottom)
            extended = _add_line(groups, split_phrases(nxt, walls))
            if extended is None:
                break
            new_matches = [matcher.match(group_text(g)) for g in extended]
            new_score = header_score(new_matches)
            if new_score <= score or sum(m is None for m in new_matches) > sum(m is None for m in matches):
                break
            groups, matches, score, last = extended, new_matches, new_score, j
        if is_header(matches):
            top = min(w.top for g in groups for w in g)
            bottom = max(w.bottom for g in groups for w in g)
            return Header(groups, matches, top, bottom, k, last)
    return None


def drop_repeated_headers(lines: Sequence[Line], header: Header) -> list[Line]:
    """Given body lines, return them without any repeat of the header row (its first line and those after)."""

    def key(words: Sequence[Word]) -> list[str]:
        return sorted(w.text for w in words)

    words = [w for g in header.groups for w in g]
    tops = cluster_positions([w.top for w in words])
    header_lines = [key([w for w in words if abs(w.top - t) <= _SNAP]) for t in tops]
    out: list[Line] = []
    i = 0
    while i < len(lines):
        if key(lines[i].words) == header_lines[0]:
            j, k = i + 1, 1
            while j < len(lines) and k < len(header_lines) and key(lines[j].words) == header_lines[k]:
                j, k = j + 1, k + 1
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


# ---------------------------------------------------------------- columns


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


def columns_from_header(header: Header, body: Sequence[Word], walls: Sequence[float]) -> tuple[list[ColumnGeom], bool]:
    """Given a header, the body's words and vertical rules in the header, return columns and ruled-ness."""
    spans = [(min(w.x0 for w in g), max(w.x1 for w in g)) for g in header.groups]
    texts = header.texts()
    fields = [m.field if m else "extra" for m in header.matches]
    if len(walls) >= 2:
        columns: list[ColumnGeom] = []
        for left, right in zip(walls, walls[1:]):
            inside = [i for i, (a, b) in enumerate(spans) if left - 1 <= (a + b) / 2 <= right + 1]
            text = " ".join(texts[i] for i in inside)
            fld = next((fields[i] for i in inside if fields[i] != "extra"), "extra")
            columns.append(ColumnGeom(fld, text, left, right))
        if any(c.field != "extra" for c in columns):
            return columns, True
    bounds = borderless_bounds(spans, body)
    return [
        ColumnGeom(f, t, x0, x1, h0, h1) for f, t, x0, x1, (h0, h1) in zip(fields, texts, bounds, bounds[1:], spans)
    ], False


def borderless_bounds(spans: Sequence[tuple[float, float]], body: Sequence[Word]) -> list[float]:
    """Given the header words' x-spans and a page's body words, return column boundaries at the gutters."""
    left_edge = min(min(w.x0 for w in body), spans[0][0]) - 1 if body else spans[0][0] - 1
    right_edge = max(max(w.x1 for w in body), spans[-1][1]) + 1 if body else spans[-1][1] + 1
    bounds = [left_edge]
    for (_, a1), (b0, _) in zip(spans, spans[1:]):
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
    return any(word.x0 < c.x1 - 2 and word.x1 > c.x1 + 2 for c in columns[:-1])


# ---------------------------------------------------------------- rows


@dataclass
class _Band:
    kind: RowKind
    lines: list[Line]


@dataclass
class RowContext:
    """Per-page facts the row rules need."""

    columns: list[ColumnGeom]
    label_col: int
    label_res: Sequence[re.Pattern[str]]
    body_bold: float
    pitch: float


def label_text(line: Line, ctx: RowContext) -> str:
    """Given a line, return the text it prints in the label (or first) column."""
    return " ".join(w.text for w in line.words if column_of(w.xmid, ctx.columns) == ctx.label_col)


def starts_with_label(line: Line, ctx: RowContext) -> bool:
    """Given a line, say whether its label column starts with a recommendation label."""
    text = label_text(line, ctx)
    return bool(text) and any(p.match(text) for p in ctx.label_res)


def _section_like(line: Line, ctx: RowContext) -> bool:
    """Given a line, say whether it looks like a full-width theme heading."""
    home = column_of(line.words[0].xmid, ctx.columns)
    if home not in (0, ctx.label_col):
        return False
    if any(crosses(w, ctx.columns) for w in line.words):
        return True
    # One unbroken phrase may run on past its column's edge ("... market and build capacity").
    one_phrase = len(split_phrases(line, ())) == 1
    if not one_phrase and any(column_of(w.xmid, ctx.columns) != home for w in line.words):
        return False
    return all(w.bold for w in line.words) and ctx.body_bold < 0.5


def _fresh_columns(lines: Sequence[Line], ctx: RowContext) -> list[set[int]]:
    """Given body lines, return for each the columns whose text starts afresh on it."""
    last_bottom: dict[int, float] = {}
    out: list[set[int]] = []
    for line in lines:
        fresh: set[int] = set()
        cols = {column_of(w.xmid, ctx.columns) for w in line.words}
        for c in cols:
            if c not in last_bottom or line.top - last_bottom[c] > 0.45 * line.size:
                fresh.add(c)
            last_bottom[c] = line.bottom
        out.append(fresh)
    return out


def lines_to_bands(lines: Sequence[Line], ctx: RowContext, by_label: bool) -> list[_Band]:
    """Given a page's body lines, return them cut into rows: by labels, else by aligned fresh starts."""
    bands: list[_Band] = []
    fresh = _fresh_columns(lines, ctx)
    for i, line in enumerate(lines):
        labelled = by_label and starts_with_label(line, ctx)
        start = labelled if by_label else len(fresh[i]) >= 2 and ctx.label_col in fresh[i]
        if not labelled and _section_like(line, ctx):
            nxt = next((ln for ln in lines[i + 1 :] if not _section_like(ln, ctx)), None)
            if nxt is None or (starts_with_label(nxt, ctx) if by_label else True):
                if bands and bands[-1].kind == "section" and line.top - bands[-1].lines[-1].bottom < ctx.pitch:
                    bands[-1].lines.append(line)
                else:
                    bands.append(_Band("section", [line]))
                continue
        if start or not bands or bands[-1].kind == "section":
            bands.append(_Band("body", [line]))
        else:
            bands[-1].lines.append(line)
    return bands


def cell_lines(words: Sequence[Word]) -> tuple[TextLine, ...]:
    """Given the words of one cell, return its printed lines."""
    out: list[TextLine] = []
    for line in words_to_lines(words):
        ws = line.words
        out.append(
            TextLine(
                text=" ".join(w.text for w in ws),
                x0=round(ws[0].x0, 2),
                x1=round(ws[-1].x1, 2),
                top=round(line.top, 2),
                bottom=round(line.bottom, 2),
                size=round(line.size, 2),
                bold=all(w.bold for w in ws),
            )
        )
    return tuple(out)


def band_to_row(
    kind: RowKind,
    words: Sequence[Word],
    columns: Sequence[ColumnGeom],
    rights: Sequence[float],
    page: int,
    top: float,
    bottom: float,
    first: bool,
) -> SourceRow:
    """Given a band's words and the page's columns, return one SourceRow."""
    per_col: list[list[Word]] = [[] for _ in columns]
    if kind == "section":
        per_col[0] = list(words)
    else:
        for w in words:
            per_col[column_of(w.xmid, columns)].append(w)
    cells = tuple(SourceCell(cell_lines(ws), round(r, 2)) for ws, r in zip(per_col, rights))
    bbox = BBox(page, round(columns[0].x0, 2), round(top, 2), round(columns[-1].x1, 2), round(bottom, 2))
    return SourceRow(kind, page, bbox, cells, first)


def text_rights(words: Sequence[Word], columns: Sequence[ColumnGeom], ruled: bool) -> list[float]:
    """Given body words, return the x each column's text wraps at."""
    rights: list[float] = []
    for i, col in enumerate(columns):
        mine = [w for w in words if column_of(w.xmid, columns) == i]
        if not mine:
            rights.append(col.x1)
        elif ruled:
            pad = max(0.0, min(w.x0 for w in mine) - col.x0)
            rights.append(max(col.x1 - pad, max(w.x1 for w in mine)))
        else:
            rights.append(max(w.x1 for w in mine))
    return rights


def layout_page(
    page: int,
    words: Sequence[Word],
    rules: Sequence[Rule],
    height: float,
    matcher: HeaderMatcher,
    label_res: Sequence[re.Pattern[str]],
    strong_label_res: Sequence[re.Pattern[str]],
    previous: Sequence[ColumnGeom] | None,
) -> PageLayout | None:
    """Given one page's words and rules, return its part of the table (None if it has none)."""
    lines = [ln for ln in words_to_lines(words) if not is_page_furniture(ln, height)]
    if not lines:
        return None
    header = find_header(lines, rules, matcher)
    title = ""
    if header is not None:
        head_walls = verticals_crossing(rules, header.top, header.bottom)
        below = [w for ln in lines[header.last_line + 1 :] for w in ln.words]
        columns, ruled = columns_from_header(header, below, head_walls)
        if previous is None:
            # First page of the table: what stands above the header is the title, not rows.
            above = lines[: header.first_line]
            if above:
                biggest = max(ln.size for ln in above)
                title = " ".join(ln.text for ln in above if ln.size >= biggest - 0.5)
            body_from, body_top = header.last_line + 1, header.bottom
        else:
            # A later page: rows may stand above a header printed part-way down.
            body_from, body_top = 0, 0.0
    elif previous:
        columns = list(previous)
        body_from, body_top = 0, 0.0
        table_walls = verticals_crossing(rules, lines[0].top, lines[-1].bottom)
        ruled = len(table_walls) >= 2
        if ruled and len(table_walls) == len(columns) + 1:
            columns = [replace(c, x0=a, x1=b) for c, a, b in zip(columns, table_walls, table_walls[1:])]
        elif not ruled and all(c.head_x1 > c.head_x0 for c in columns):
            # No header on this page: find this page's own gutters between the last header's words.
            page_words = [w for ln in lines for w in ln.words]
            bounds = borderless_bounds([(c.head_x0, c.head_x1) for c in columns], page_words)
            columns = [replace(c, x0=a, x1=b) for c, a, b in zip(columns, bounds, bounds[1:])]
    else:
        return None

    x0, x1 = columns[0].x0, columns[-1].x1
    body_bottom = height
    if ruled:
        bottoms = [r.b for r in rules if r.vertical and x0 - _SNAP <= r.at <= x1 + _SNAP and r.b > body_top]
        if bottoms:
            body_bottom = max(bottoms)
        if body_from == 0:
            tops = [r.a for r in rules if r.vertical and x0 - _SNAP <= r.at <= x1 + _SNAP]
            body_top = min(tops) if tops else 0.0
    body_lines: list[Line] = []
    for ln in lines[body_from:]:
        ws = [w for w in ln.words if w.ymid > body_top and w.ymid < body_bottom + 1]
        if ruled:
            ws = [w for w in ws if x0 - _SNAP <= w.xmid <= x1 + _SNAP]
        if ws:
            body_lines.append(Line(ws))
    if header is not None:
        body_lines = drop_repeated_headers(body_lines, header)
    body_words = [w for ln in body_lines for w in ln.words]
    label_col = next((i for i, c in enumerate(columns) if c.field == "label"), None)
    if label_col is None:
        label_col = next((i for i, c in enumerate(columns) if c.field == "recommendation"), 0)
    sizes = [ln.size for ln in body_lines] or [10.0]
    ctx = RowContext(
        columns=columns,
        label_col=label_col,
        label_res=label_res,
        body_bold=sum(w.bold for w in body_words) / len(body_words) if body_words else 0.0,
        pitch=1.2 * statistics.median(sizes),
    )
    rights = text_rights(body_words, columns, ruled)
    rows: list[SourceRow] = []

    separators = row_separators(rules, x0, x1, body_top - _SNAP, body_bottom) if ruled else []
    if ruled and separators:
        cuts = {body_top, *separators, body_bottom}
        if header is not None:
            cuts.add(header.bottom + 0.5)  # some producers draw no rule under the header
        edges = sorted(cuts)
        edges = [e for e in edges if e >= body_top - _SNAP]
        inner = [c.x1 for c in columns[:-1]]
        has_inner = verticals_crossing(rules, body_top, body_bottom)
        for a, b in zip(edges, edges[1:]):
            band = [ln for ln in body_lines if a - 1 < (ln.top + ln.bottom) / 2 < b + 1]
            if not band:
                continue
            text_top, text_bottom = min(ln.top for ln in band), max(ln.bottom for ln in band)
            walls = verticals_crossing(rules, text_top, text_bottom)
            merged = bool(has_inner) and not any(any(abs(x - w) < 3 for w in walls) for x in inner)
            band_words = [w for ln in band for w in ln.words]
            texts = [
                group_text([w for w in band_words if column_of(w.xmid, columns) == i]) for i in range(len(columns))
            ]
            if sum(1 for t in texts if matcher.match(t)) >= 3:
                continue  # a header row repeated inside the body
            if merged or all(_section_like(ln, ctx) for ln in band):
                rows.append(band_to_row("section", band_words, columns, rights, page, a, b, not rows))
                continue
            # A ruled band that still holds several "R"-labelled rows was drawn without row lines.
            for sub in lines_to_bands(band, replace(ctx, label_res=strong_label_res), True):
                sub_words = [w for ln in sub.lines for w in ln.words]
                top = a if sub.lines[0] is band[0] else sub.lines[0].top
                rows.append(band_to_row(sub.kind, sub_words, columns, rights, page, top, b, not rows))
    else:
        by_label = any(starts_with_label(ln, ctx) for ln in body_lines)
        for part in lines_to_bands(body_lines, ctx, by_label):
            part_words = [w for ln in part.lines for w in ln.words]
            top, bottom = part.lines[0].top, part.lines[-1].bottom
            rows.append(band_to_row(part.kind, part_words, columns, rights, page, top, bottom, not rows))
    return PageLayout(columns, rows, header, title, ruled, margin_lines(lines, height))
