"""Where each table runs on a page: from its header, or from the page top when carried over, to where its structure stops.

A ruled table runs as far as its walls do. A borderless one runs while its
lines keep to its columns: text that runs across the column edges ends it,
unless it is a theme row (bold, or one phrase in the first column) with
table rows after it. A different header always ends the table above it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from pipeline.extract.columns import EDGE, ColumnGeom, borderless_bounds, columns_from_header, crosses
from pipeline.extract.content import PageContent
from pipeline.extract.geometry import MARGIN, Line, split_phrases, verticals_crossing
from pipeline.extract.grid import grid_bottom, grid_top
from pipeline.extract.header import CELL_GAP, Header

HEADING_GAP = 1.5  # a line this much further from the text above than from the text below heads what follows
PROSE_GAP = 2.5  # line pitches: text across the columns after a gap this wide is past the table
CAPTION_LINES = 3  # a merged row above a header longer than this is not its caption
CAPTION_WORDS = 12  # nor is a line longer than this
HEADER_CLEARANCE = 0.5  # points: a table's body starts just below its header's text
CAPTION_ROOM = 4.0  # points: walls starting at least this far above a header enclose a caption row
DEFAULT_PITCH = 12.0  # points: the line pitch assumed for a stretch of one line
RESUME_SNAP = 6.0  # points: a grid lower down whose walls stand this close to a table's edges carries it on
WIDTH_CHANGE = 0.05  # a page this much wider or narrower than the last cannot carry the same table on


@dataclass
class OpenTable:
    """A table still running at the foot of a page, which the next page may carry on."""

    index: int
    header: Header
    columns: list[ColumnGeom]
    ruled: bool
    width: float


@dataclass
class Segment:
    """One table's stretch on one page: its header (if printed here), columns and body lines."""

    index: int
    header: Header
    columns: list[ColumnGeom]
    ruled: bool
    lines: list[Line]
    top: float
    bottom: float
    carried: bool  # carries on the table from the previous page
    printed_header: bool
    caption: list[Line]  # a merged row printed above the header inside the table's box
    open_at_end: bool


def edges_of(columns: Sequence[ColumnGeom]) -> list[float]:
    """Given columns, return their edges left to right."""
    return [c.x0 for c in columns] + [columns[-1].x1]


def in_margin(line: Line, height: float) -> bool:
    """Given a line and the page height, say whether it sits in the top or bottom margin band."""
    return line.bottom < height * MARGIN or line.top > height * (1 - MARGIN)


def crosses_columns(line: Line, columns: Sequence[ColumnGeom]) -> bool:
    """Given a line and columns, say whether its text runs across a column edge: a word straddles it, or the
    words either side of it stand no further apart than words in a sentence (a gutter is wider)."""
    if any(crosses(w, columns) for w in line.words):
        return True
    words = line.words
    for col in columns[:-1]:
        edge = col.x1
        if any(w.x0 < edge < w.x1 for w in words):
            return True
        left = [w for w in words if w.x1 <= edge]
        right = [w for w in words if w.x0 >= edge]
        if left and right and right[0].x0 - left[-1].x1 < CELL_GAP * line.size:
            return True
    return False


def _theme_like(line: Line, columns: Sequence[ColumnGeom]) -> bool:
    """Given a line that crosses the columns, say whether it could be a theme row rather than prose."""
    return all(w.bold for w in line.words) or (len(split_phrases(line, ())) == 1 and len(line.words) <= 12)


def prose_end(lines: Sequence[Line], columns: Sequence[ColumnGeom], height: float, *, from_top: bool = False) -> int:
    """Given a borderless table's body lines, return the index of the first line past the table (len if none).
    `from_top` says the lines start at the top of a page the table is carried onto."""
    if not lines:
        return 0
    pitch = _pitch(lines)
    for i, line in enumerate(lines):
        if in_margin(line, height) or not crosses_columns(line, columns):
            continue
        nxt_fits = _next_fits(lines[i + 1 :], columns, height)
        if nxt_fits and _theme_like(line, columns):
            continue
        gap = line.top - lines[i - 1].bottom if i else 0.0
        if nxt_fits and gap <= PROSE_GAP * pitch:
            continue  # one line that runs over a column edge, inside the table
        return _back_over_headings(lines, i, pitch, from_top=from_top)
    return len(lines)


def _next_fits(lines: Sequence[Line], columns: Sequence[ColumnGeom], height: float) -> bool:
    """Given the lines after one, say whether the table goes on below it: the next line keeps to the columns
    (a line in the margin that does not may be a running footer, so look past it)."""
    for line in lines:
        if not crosses_columns(line, columns):
            return True
        if not in_margin(line, height):
            return False
    return False


def _back_over_headings(lines: Sequence[Line], end: int, pitch: float, *, from_top: bool) -> int:
    """Given the index where prose starts, move it back over a heading that belongs to the prose below
    (at the top of a page carried over, nothing stands above the first line)."""
    while end > 0:
        above = lines[end - 1].top - lines[end - 2].bottom if end > 1 else (float("inf") if from_top else 0.0)
        below = lines[end].top - lines[end - 1].bottom
        if above > max(pitch, HEADING_GAP * below):
            end -= 1
        else:
            break
    return end


def _pitch(lines: Sequence[Line]) -> float:
    gaps = [b.top - a.top for a, b in pairwise(lines) if b.top > a.top]
    return statistics.median(gaps) if gaps else DEFAULT_PITCH


def _only_caption_above(lines: Sequence[Line], y: float, height: float) -> bool:
    """Given a page's lines and the top of a header, say whether only running text or a short caption
    ("Action plan (continued)") stands above it: then the header carries the table on."""
    above = [ln for ln in lines if ln.bottom <= y and not in_margin(ln, height)]
    return len(above) <= CAPTION_LINES and all(len(ln.words) <= CAPTION_WORDS for ln in above)


def _has_own_caption(lines: Sequence[Line], content: PageContent, header: Header) -> bool:
    """Given a header, say whether a merged caption row above it in its own box opens a table of its own."""
    walls = verticals_crossing(content.rules, _walls_top(header), header.bottom)
    columns, ruled = columns_from_header(header, [], walls, content.rules)
    return ruled and bool(_caption(lines[: header.first_line], content, columns, header))


def _only_margin_above(lines: Sequence[Line], y: float, since: float, height: float) -> bool:
    return all(in_margin(ln, height) for ln in lines if since <= ln.top and ln.bottom <= y)


def _stretch(
    index: int,
    header: Header,
    columns: list[ColumnGeom],
    ruled: bool,
    lines: Sequence[Line],
    content: PageContent,
    top: float,
    limit: float,
    *,
    carried: bool,
    printed: bool,
) -> Segment | None:
    """Given a table's columns and where its body starts, return its stretch down to where it stops."""
    x0, x1 = columns[0].x0, columns[-1].x1
    below = [ln for ln in lines if ln.top >= top - 1 and ln.bottom <= limit + 1]
    bottom = limit
    if ruled:
        walls_end = grid_bottom(content.rules, edges_of(columns), top + 1)
        if walls_end is not None:
            bottom = min(limit, walls_end)
        body = [ln for ln in below if (ln.top + ln.bottom) / 2 < bottom]
        inside = [[w for w in ln.words if x0 - EDGE <= w.xmid <= x1 + EDGE] for ln in body]
        body = [ln if len(ws) == len(ln.words) else Line(ws) for ln, ws in zip(body, inside, strict=True) if ws]
        after = [ln for ln in below if ln.top > bottom and not in_margin(ln, content.height)]
    else:
        end = prose_end(below, columns, content.height, from_top=carried and top <= 0.0)
        body = list(below[:end])
        if end < len(below):
            bottom = below[end].top - 0.5
        after = [ln for ln in below[end:] if not in_margin(ln, content.height)]
    if not body and not printed:
        return None
    return Segment(index, header, columns, ruled, body, top, bottom, carried, printed, [], open_at_end=not after)


def _carry_over(state: OpenTable, lines: Sequence[Line], content: PageContent, limit: float) -> Segment | None:
    """Given the table open at the foot of the last page, return its stretch at the top of this one, if it goes on."""
    if abs(content.width - state.width) > WIDTH_CHANGE * state.width:
        return None  # the page turned: not the same table
    body = [ln for ln in lines if not in_margin(ln, content.height) and ln.bottom <= limit + 1]
    if not body:
        return None
    columns = state.columns
    if state.ruled:
        edges = edges_of(columns)
        top = grid_top(content.rules, edges, body[0].top)
        if top is None or not _only_margin_above(lines, top, 0.0, content.height):
            return None
        walls = verticals_crossing(content.rules, top, min(limit, grid_bottom(content.rules, edges, top + 1) or limit))
        columns = _moved(columns, walls)
        return _stretch(
            state.index, state.header, columns, True, lines, content, top, limit, carried=True, printed=False
        )
    if all(c.head_x1 > c.head_x0 for c in columns):
        page_words = [w for ln in body for w in ln.words]
        bounds = borderless_bounds([(c.head_x0, c.head_x1) for c in columns], page_words)
        columns = [replace(c, x0=a, x1=b) for c, (a, b) in zip(columns, pairwise(bounds), strict=True)]
    if prose_end(body[:3], columns, content.height, from_top=True) == 0:
        return None
    return _stretch(state.index, state.header, columns, False, lines, content, 0.0, limit, carried=True, printed=False)


def _resume_below(seg: Segment, lines: Sequence[Line], content: PageContent, limit: float) -> Segment | None:
    """Given a ruled table's stretch that stops part-way down a page, return its next stretch when the same columns
    are drawn again below it with only empty space between (a table split in two on one slide)."""
    below = [ln for ln in lines if ln.top > seg.bottom and ln.bottom <= limit + 1 and not in_margin(ln, content.height)]
    if not below:
        return None
    edges = edges_of(seg.columns)
    top = grid_top(content.rules, edges, below[0].top, snap=RESUME_SNAP)
    if top is None or top < seg.bottom - 1:
        return None
    walls = verticals_crossing(content.rules, below[0].top, below[0].bottom)
    columns = _moved(seg.columns, [w for w in walls if edges[0] - RESUME_SNAP <= w <= edges[-1] + RESUME_SNAP])
    return _stretch(seg.index, seg.header, columns, True, lines, content, top, limit, carried=False, printed=False)


def _moved(columns: Sequence[ColumnGeom], walls: Sequence[float]) -> list[ColumnGeom]:
    """Given a table's columns and this page's walls, return the columns moved onto the walls when they agree."""
    if len(walls) == len(columns) + 1:
        return [replace(c, x0=a, x1=b) for c, (a, b) in zip(columns, pairwise(walls), strict=True)]
    return list(columns)


def _caption(lines: Sequence[Line], content: PageContent, columns: Sequence[ColumnGeom], header: Header) -> list[Line]:
    """Given a ruled table's header, return the lines of a merged caption row printed above it in the same box."""
    top = grid_top(content.rules, edges_of(columns), header.top)
    if top is None or top > header.top - CAPTION_ROOM:
        return []
    caption = [ln for ln in lines if ln.top > top and ln.bottom < header.top - 0.5]
    inner = [c.x1 for c in columns[:-1]]
    if not caption or len(caption) > CAPTION_LINES:
        return []
    walls = verticals_crossing(content.rules, caption[0].top, caption[-1].bottom)
    if any(abs(w - x) < EDGE + 1 for w in walls for x in inner):
        return []  # cells side by side above the header: rows of another table, not a caption
    return caption


def find_segments(
    lines: Sequence[Line],
    content: PageContent,
    headers: Sequence[Header],
    state: OpenTable | None,
    next_index: int,
    grid_headers: Sequence[Header] = (),
) -> tuple[list[Segment], OpenTable | None, int]:
    """Given a page's lines and headers and the table open from the last page, return the page's table stretches,
    the table left open at its foot, and the next free table index. `grid_headers` are the first rows of ruled
    grids whose headers name nothing: those no other stretch covers become tables of their own ("other")."""
    page = _Page(lines, content, next_index)
    headers = _real_headers(headers, state)
    first = headers[0] if headers else None
    repeats_at_top = (
        state is not None
        and first is not None
        and first.layout() == state.header.layout()
        and _only_caption_above(lines, first.top, content.height)
        and not _has_own_caption(lines, content, first)
    )
    if state is not None and not repeats_at_top:
        seg = _carry_over(state, lines, content, first.top if first else content.height)
        if seg is not None:
            page.add(seg)
        state = state if seg is not None and seg.open_at_end else None
    for n, header in enumerate(headers):
        if header.top < page.consumed - 1:
            continue  # printed again inside the table above it: that table runs on through it
        # The same header printed again further down does not stop this table; only a different one does.
        later = [h for h in headers[n + 1 :] if h.layout() != header.layout()]
        limit = later[0].top - HEADER_CLEARANCE if later else content.height
        carry = state if n == 0 and repeats_at_top else None
        state = _header_stretches(page, header, limit, carry)
    for header in grid_headers:
        if not any(_overlaps(header, seg) for seg in page.segments):  # else part of a table already found
            _header_stretches(page, header, content.height, None)
    if not page.segments:
        state = None
    page.segments.sort(key=lambda seg: seg.top)
    return page.segments, state, page.next_index


def _real_headers(headers: Sequence[Header], state: OpenTable | None) -> list[Header]:
    """Given the header-like lines of a page, return those that are headers: inside a table whose header is
    bold, a line in the body's plain type that merely uses header words ("Recommendation tracking across
    directorates | Actions agreed | … | Lead officer") is one of its rows, not another table's header."""
    out: list[Header] = []
    running = state.header if state is not None else None
    for header in headers:
        if running is not None and running.bold and not header.bold and header.layout() != running.layout():
            continue
        out.append(header)
        running = header
    return out


@dataclass
class _Page:
    """The stretches found on one page so far, how far down they reach, and the next free table index."""

    lines: Sequence[Line]
    content: PageContent
    next_index: int
    segments: list[Segment] = field(default_factory=list)
    consumed: float = 0.0

    def add(self, seg: Segment) -> None:
        self.segments.append(seg)
        self.consumed = seg.bottom

    def new_index(self) -> int:
        self.next_index += 1
        return self.next_index - 1


def _header_stretches(page: _Page, header: Header, limit: float, carry: OpenTable | None) -> OpenTable | None:
    """Given a header on a page (and the table it carries on, if it repeats that table's header at the top),
    add the table's stretches below it and return the table left open at the page's foot, if any."""
    content, lines = page.content, page.lines
    index = carry.index if carry is not None else page.new_index()
    body_lines = [ln for ln in lines[header.last_line + 1 :] if ln.bottom <= limit + 1]
    walls = verticals_crossing(content.rules, _walls_top(header), header.bottom)
    columns, ruled = columns_from_header(header, [w for ln in body_lines for w in ln.words], walls, content.rules)
    if carry is not None and len(columns) != len(carry.columns):
        # The header printed again over a page whose first column happens to be empty: keep the table's columns.
        columns, ruled = _moved(carry.columns, walls), carry.ruled
    top = header.bottom + HEADER_CLEARANCE
    seg = _stretch(
        index, header, columns, ruled, body_lines, content, top, limit, carried=carry is not None, printed=True
    )
    if seg is None:
        return None
    if ruled and carry is None:
        seg.caption = _caption(lines[: header.first_line], content, columns, header)
    page.add(seg)
    while seg.ruled and not seg.open_at_end:
        # The table may go on in a second grid lower down the page, after a gap, without its header.
        resumed = _resume_below(seg, lines, content, limit)
        if resumed is None:
            break
        seg = resumed
        page.add(seg)
    return OpenTable(index, header, seg.columns, ruled, content.width) if seg.open_at_end else None


def _walls_top(header: Header) -> float:
    """Given a header, return where the walls that divide its columns start: under cells over several columns,
    at its row of sub-headers."""
    return header.sub_top if header.sub_top is not None else header.top


def _overlaps(header: Header, seg: Segment) -> bool:
    top = min([seg.top, *(ln.top for ln in seg.caption)] + ([seg.header.top] if seg.printed_header else []))
    across = min(header.x1, seg.columns[-1].x1) - max(header.x0, seg.columns[0].x0) > 0
    return across and top - EDGE <= header.bottom and header.top <= seg.bottom + EDGE
