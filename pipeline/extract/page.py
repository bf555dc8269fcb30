"""One table stretch on one page in, its rows out.

Ruled tables take their rows from the rules that cross them (see `grid`);
borderless ones from labels ("R1.", "R 2."), fresh starts and bold theme
lines (see `rows`). Either way a row that runs across the column edges, or
sits in one merged cell or one fill across the table, is a theme row.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from pipeline.extract.columns import EDGE, ColumnGeom, column_of, crosses
from pipeline.extract.content import PageContent
from pipeline.extract.geometry import SNAP, Line, Rule, Word, split_phrases, verticals_crossing
from pipeline.extract.grid import Separators, nested_boxes, row_separators
from pipeline.extract.header import HEADER_LINES
from pipeline.extract.paint import paint_cells
from pipeline.extract.region import Segment
from pipeline.extract.rows import (
    RowContext,
    band_to_row,
    drop_repeated_headers,
    line_keys,
    lines_to_bands,
    section_like,
    starts_with_label,
    text_rights,
)
from pipeline.extract.synonyms import HeaderMatcher, normalise_header
from pipeline.records import SourceRow, TextLine

_NUMBERED = re.compile(r"^(?:section|part)?\s*\d+(?:\.\d+)*[.:)]?\s", re.IGNORECASE)
STYLE_SIZE = 0.6  # points: lines whose type sizes differ more are set in different styles
TITLE_GAP = 0.8  # font sizes: lines closer than this are one block of text
TITLE_LINES = 2  # a title is a line or two, never a paragraph
TITLE_CHARS = 160
HEADING_SIZE = 1.0  # points: a heading not in bold is set at least this much larger than the body text
TITLE_SENTENCE = 6  # words: a longer line ending in a full stop is a sentence, not a title
SPANNING_FILL = 0.95  # a fill across this share of the table's width, no taller than the row, merges it
MERGED_WALL = 6.0  # points: an inner wall this close to a column edge keeps the columns apart
INNER_WALL = 8.0  # points: a table has inner walls when one at least this long stands at a column edge
DEFAULT_SIZE = 10.0  # points: the text size assumed for a stretch with no lines
LEADING = 1.2  # a line's pitch is this many times its type size


@dataclass(frozen=True)
class LabelRules:
    """The label patterns a page's rows are cut at: any label, and the strong ("R1.") ones."""

    any: Sequence[re.Pattern[str]]
    strong: Sequence[re.Pattern[str]]


def segment_rows(
    seg: Segment, page: int, content: PageContent, matcher: HeaderMatcher, labels: LabelRules
) -> list[SourceRow]:
    """Given one table stretch on one page, return its rows (theme rows and body rows)."""
    columns = seg.columns
    body_lines = drop_repeated_headers(seg.lines, line_keys(seg.header))
    body_words = [w for ln in body_lines for w in ln.words]
    label_col = next((i for i, c in enumerate(columns) if c.field == "label"), None)
    if label_col is None:
        label_col = next((i for i, c in enumerate(columns) if c.field == "recommendation"), 0)
    sizes = [ln.size for ln in body_lines] or [DEFAULT_SIZE]
    ctx = RowContext(
        columns=columns,
        label_col=label_col,
        label_res=labels.any,
        body_bold=sum(w.bold for w in body_words) / len(body_words) if body_words else 0.0,
        pitch=LEADING * statistics.median(sizes),
        timescale_col=next((i for i, c in enumerate(columns) if c.field == "timescale"), None),
    )
    rights = text_rights(body_words, columns, seg.ruled)
    rows: list[SourceRow] = []
    if seg.caption:
        words = [w for ln in seg.caption for w in ln.words]
        top, bottom = min(w.top for w in words), max(w.bottom for w in words)
        rows.append(band_to_row("section", words, columns, rights, page, top, bottom, False))
    nested = nested_boxes(content.rules, columns, seg.top, seg.bottom) if seg.ruled else []
    separators = row_separators(content.rules, columns, seg.top - SNAP, seg.bottom, nested)
    if separators.full:
        rows += _ruled_rows(seg, body_lines, separators, nested, content, matcher, labels, ctx, rights, page)
    else:
        by_label = any(starts_with_label(ln, ctx) for ln in body_lines)
        for part in lines_to_bands(body_lines, ctx, by_label):
            part_words = [w for ln in part.lines for w in ln.words]
            top, bottom = part.lines[0].top, part.lines[-1].bottom
            row = band_to_row(part.kind, part_words, columns, rights, page, top, bottom, False)
            rows.append(replace(row, shares_first=part.shares_first))
    if seg.carried and rows:
        rows[0] = replace(rows[0], first_on_page=True)  # a theme row there stops the carry-on itself
    return [replace(r, table=seg.index) for r in paint_cells(rows, columns, content.fills)]


def _ruled_rows(
    seg: Segment,
    body_lines: Sequence[Line],
    separators: Separators,
    nested: Sequence[tuple[int, float, float, float, float]],
    content: PageContent,
    matcher: HeaderMatcher,
    labels: LabelRules,
    ctx: RowContext,
    rights: Sequence[float],
    page: int,
) -> list[SourceRow]:
    """Given a ruled stretch's body lines and its row rules, return its rows."""
    columns = seg.columns
    rules = content.rules
    edges = sorted({seg.top, *separators.full, seg.bottom})
    edges = [e for e in edges if seg.top - SNAP <= e <= seg.bottom + SNAP]
    has_inner = _has_inner_walls(seg, rules)
    maker = _RowMaker(columns, rights, page, rules, nested)
    rows: list[SourceRow] = []
    for a, b, band in _bands(edges, body_lines):
        band_words = [w for ln in band for w in ln.words]
        if len(band) <= HEADER_LINES and matcher.may_name(band[0].text) and _repeats_header(band_words, seg, matcher):
            continue  # the header printed again inside the body
        text_top, text_bottom = min(ln.top for ln in band), max(ln.bottom for ln in band)
        if _is_theme_band(band, columns, rules, content, has_inner, text_top, text_bottom, a, b, ctx):
            rows.append(band_to_row("section", band_words, columns, rights, page, a, b, False))
            continue
        own = [(y, k) for y, k in separators.partial if a + SNAP < y < b - SNAP]
        if own:  # rules right of merged first cells: several action rows under one recommendation
            k = min(col for _, col in own)
            rows += maker.merged_rows(band_words, [a, *sorted(y for y, _ in own), b], set(range(k)), copy=False)
            continue
        left = [(y, k) for y, k in separators.left if a + SNAP < y < b - SNAP]
        if left:  # rules left of a merged cell on the right: several rows sharing one answer
            k = max(col for _, col in left)
            cuts = [a, *sorted(y for y, _ in left), b]
            rows += maker.merged_rows(band_words, cuts, set(range(k, len(columns))), copy=True)
            continue
        strong = replace(ctx, label_res=labels.strong)
        # A ruled band that still holds several "R"-labelled rows was drawn without row lines;
        # one label part-way down is just a vertically centred first cell.
        if sum(starts_with_label(ln, strong) for ln in band) < 2:
            rows.append(maker.row(band_words, a, b))
            continue
        for sub in lines_to_bands(band, strong, True):
            sub_words = [w for ln in sub.lines for w in ln.words]
            top = a if sub.lines[0] is band[0] else sub.lines[0].top
            rows.append(band_to_row(sub.kind, sub_words, columns, rights, page, top, b, False))
    return rows


def _has_inner_walls(seg: Segment, rules: Sequence[Rule]) -> bool:
    """Whether the stretch has vertical rules between its columns (a fully ruled table, not just a box)."""
    inner = [c.x1 for c in seg.columns[:-1]]
    return any(
        r.vertical
        and r.b - r.a >= INNER_WALL
        and min(r.b, seg.bottom) - max(r.a, seg.top) > 0
        and abs(r.at - x) < MERGED_WALL
        for r in rules
        for x in inner
    )


def _bands(edges: Sequence[float], body_lines: Sequence[Line]) -> list[tuple[float, float, list[Line]]]:
    """Given the row rules' positions and the body lines, return each band between two rules with its lines
    (a line in the first band its middle falls in), leaving out bands with none."""
    assigned: set[int] = set()
    out = []
    for a, b in pairwise(edges):
        band = []
        for n, ln in enumerate(body_lines):
            mid = (ln.top + ln.bottom) / 2
            if n not in assigned and a - 1 < mid < b + 1:
                band.append(ln)
                assigned.add(n)
        if band:
            out.append((a, b, band))
    return out


def _repeats_header(words: Sequence[Word], seg: Segment, matcher: HeaderMatcher) -> bool:
    """Given a band's words, say whether they print the table's header again."""
    columns = seg.columns
    texts = [matcher.cell_text([w for w in words if column_of(w.xmid, columns) == i]) for i in range(len(columns))]
    return tuple(normalise_header(t) for t in texts if t) == tuple(t for t in seg.header.signature() if t)


def _is_theme_band(
    band: Sequence[Line],
    columns: Sequence[ColumnGeom],
    rules: Sequence[Rule],
    content: PageContent,
    has_inner: bool,
    text_top: float,
    text_bottom: float,
    a: float,
    b: float,
    ctx: RowContext,
) -> bool:
    """Given a ruled band, say whether it is a theme row: one merged cell, one fill across, or text across the edges."""
    inner = [c.x1 for c in columns[:-1]]
    if has_inner:
        walls = verticals_crossing(rules, text_top, text_bottom)
        if not any(any(abs(x - w) < MERGED_WALL for w in walls) for x in inner):
            return True
    elif _one_cell_text(band, columns):
        width = columns[-1].x1 - columns[0].x0
        spanning = [f for f in content.fills if f.x1 - f.x0 >= SPANNING_FILL * width]
        if any(
            f.top <= text_top + 1 and f.bottom >= text_bottom - 1 and f.bottom - f.top <= (b - a) + 2 * SNAP
            for f in spanning
        ):
            return True
        if any(crosses(w, columns) for ln in band for w in ln.words):
            return True
    return all(section_like(ln, ctx) for ln in band)


def _one_cell_text(band: Sequence[Line], columns: Sequence[ColumnGeom]) -> bool:
    """Given a band's lines, say whether they read as one cell's text: each line one run of words from the first column."""
    return all(column_of(ln.words[0].xmid, columns) == 0 and len(split_phrases(ln, ())) == 1 for ln in band)


@dataclass(frozen=True)
class _RowMaker:
    """What a ruled stretch's rows are made with: its columns and their wrap margins, the page, its rules and
    the tables nested in its cells."""

    columns: Sequence[ColumnGeom]
    rights: Sequence[float]
    page: int
    rules: Sequence[Rule]
    nested: Sequence[tuple[int, float, float, float, float]]

    def row(self, words: Sequence[Word], top: float, bottom: float, shares_first: bool = False) -> SourceRow:
        """Given a body row's words, return it as a SourceRow, with any table nested in a cell as lines of its own."""
        inside = [box for box in self.nested if box[2] < bottom and box[4] > top]
        rest = [w for w in words if not any(_in_box(w, box) for box in inside)]
        row = band_to_row("body", rest, self.columns, self.rights, self.page, top, bottom, False)
        cells = list(row.cells)
        for box in inside:
            col = box[0]
            lines = nested_table_lines([w for w in words if _in_box(w, box)], box, self.rules)
            cells[col] = replace(cells[col], lines=tuple(sorted((*cells[col].lines, *lines), key=lambda ln: ln.top)))
        return replace(row, cells=tuple(cells), shares_first=shares_first)

    def merged_rows(
        self, words: Sequence[Word], cuts: Sequence[float], merged: set[int], *, copy: bool
    ) -> list[SourceRow]:
        """Given a band's words, where rules cut it into rows and the columns whose cells are merged over all of
        them, return one row per piece. A merged first cell (several actions under one recommendation) goes with
        the first row and the others share it; a merged cell on the right (one answer to several rows) is
        copied to each."""
        shared = [w for w in words if column_of(w.xmid, self.columns) in merged]
        own = [w for w in words if column_of(w.xmid, self.columns) not in merged]
        rows = []
        for n, (a, b) in enumerate(pairwise(cuts)):
            mine = [w for w in own if a - 1 < (w.top + w.bottom) / 2 < b + 1]
            if not mine and (copy or n):
                continue
            if copy or n == 0:
                mine = [*shared, *mine]
            rows.append(self.row(mine, a, b, shares_first=not copy and n > 0))
        return rows


def _in_box(word: Word, box: tuple[int, float, float, float, float]) -> bool:
    _, x0, top, x1, bottom = box
    return x0 - 1 <= word.xmid <= x1 + 1 and top - 1 <= (word.top + word.bottom) / 2 <= bottom + 1


def nested_table_lines(
    words: Sequence[Word], box: tuple[int, float, float, float, float], rules: Sequence[Rule]
) -> list[TextLine]:
    """Given the words of a table nested in a cell, return one line per nested row, its cells joined by " | "."""
    _, x0, top, x1, bottom = box
    walls = sorted(
        {
            round(r.at, 1)
            for r in rules
            if r.vertical and x0 + EDGE < r.at < x1 - EDGE and min(r.b, bottom) - max(r.a, top) > SNAP
        }
    )
    cuts = sorted(
        {
            top,
            bottom,
            *(
                r.at
                for r in rules
                if not r.vertical and top + SNAP < r.at < bottom - SNAP and r.b - r.a > 0.5 * (x1 - x0)
            ),
        }
    )
    out: list[TextLine] = []
    for a, b in pairwise(cuts):
        row_words = [w for w in words if a <= (w.top + w.bottom) / 2 < b]
        if not row_words:
            continue
        bounds = [x0, *walls, x1]
        cells = []
        for left, right in pairwise(bounds):
            mine = sorted((w for w in row_words if left <= w.xmid < right), key=lambda w: (round(w.top), w.x0))
            cells.append(" ".join(w.text for w in mine))
        while cells and not cells[-1]:
            cells.pop()
        text = " | ".join(cells)
        size = statistics.median(w.size for w in row_words)
        out.append(
            TextLine(
                text,
                round(x0, 2),
                round(x1, 2),
                round(min(w.top for w in row_words), 2),
                round(max(w.bottom for w in row_words), 2),
                round(size, 2),
                whole=True,
            )
        )
    return out


def title_above(lines: Sequence[Line], top: float, since: float, body_size: float) -> str:
    """Given a page's lines, the top of the plan table, where earlier content ends and the body text size, return
    the plan's title: the nearest short heading above the table that is not a numbered section ("4. Information
    requests", "Section 1: Seashells."), or "" when none stands there."""
    above = [ln for ln in lines if ln.bottom <= top and ln.top >= since]
    blocks: list[list[Line]] = []
    for ln in above:
        # A block is lines set close together in one style: a heading in bold or larger type is a block of
        # its own, however close the paragraph or the committee's name above it stands.
        if blocks and ln.top - blocks[-1][-1].bottom <= TITLE_GAP * ln.size and _same_style(ln, blocks[-1][-1]):
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
    page_size = statistics.median([ln.size for ln in above] or [body_size])
    for block in reversed(blocks):
        text = " ".join(ln.text for ln in block)
        heading = (
            all(w.bold for ln in block for w in ln.words)
            or min(ln.size for ln in block) >= max(body_size, page_size) + HEADING_SIZE
        )
        if heading and len(block) <= TITLE_LINES and is_title_text(text):
            return text
    return ""


def is_title_text(text: str) -> bool:
    """Given a heading's text, say whether it can be a plan's title: short, not a sentence, and not a numbered
    section ("4. Information requests", "Section 1: Seashells.")."""
    sentence = text.endswith(".") and len(text.split()) > TITLE_SENTENCE
    return not sentence and len(text) <= TITLE_CHARS and not _NUMBERED.match(text)


def _same_style(a: Line, b: Line) -> bool:
    """Given two lines, say whether they are set alike: the same weight and (near enough) the same size."""
    bold_a, bold_b = all(w.bold for w in a.words), all(w.bold for w in b.words)
    return bold_a == bold_b and abs(a.size - b.size) <= STYLE_SIZE
