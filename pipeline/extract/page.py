"""One page in, its part of the action-plan table out: header, columns and rows.

Ruled tables take columns and rows from their lines; borderless ones take columns
from the header's words and the white space between columns, and rows from the
labels ("R1.", "R 2.") and bold theme lines.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.extract.columns import ColumnGeom, borderless_bounds, column_of, columns_from_header
from pipeline.extract.geometry import (
    SNAP,
    Line,
    Rule,
    Word,
    group_text,
    is_page_furniture,
    margin_lines,
    row_separators,
    verticals_crossing,
    words_to_lines,
)
from pipeline.extract.header import Header, HeaderMatcher, drop_repeated_headers, find_header
from pipeline.extract.rows import RowContext, band_to_row, lines_to_bands, section_like, starts_with_label, text_rights
from pipeline.records import SourceRow


@dataclass
class PageLayout:
    """What one page contributed: its header (if printed), columns and rows."""

    columns: list[ColumnGeom]
    rows: list[SourceRow]
    header: Header | None = None
    title: str = ""
    ruled: bool = False
    margin_lines: list[tuple[float, str]] = field(default_factory=list)


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
        bottoms = [r.b for r in rules if r.vertical and x0 - SNAP <= r.at <= x1 + SNAP and r.b > body_top]
        if bottoms:
            body_bottom = max(bottoms)
        if body_from == 0:
            tops = [r.a for r in rules if r.vertical and x0 - SNAP <= r.at <= x1 + SNAP]
            body_top = min(tops) if tops else 0.0
    body_lines: list[Line] = []
    for ln in lines[body_from:]:
        ws = [w for w in ln.words if w.ymid > body_top and w.ymid < body_bottom + 1]
        if ruled:
            ws = [w for w in ws if x0 - SNAP <= w.xmid <= x1 + SNAP]
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

    separators = row_separators(rules, x0, x1, body_top - SNAP, body_bottom) if ruled else []
    if ruled and separators:
        cuts = {body_top, *separators, body_bottom}
        if header is not None:
            cuts.add(header.bottom + 0.5)  # some producers draw no rule under the header
        edges = sorted(cuts)
        edges = [e for e in edges if e >= body_top - SNAP]
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
            if merged or all(section_like(ln, ctx) for ln in band):
                rows.append(band_to_row("section", band_words, columns, rights, page, a, b, not rows))
                continue
            # A ruled band that still holds several "R"-labelled rows was drawn without row lines;
            # one label part-way down is just a vertically centred first cell.
            strong = replace(ctx, label_res=strong_label_res)
            if sum(starts_with_label(ln, strong) for ln in band) < 2:
                rows.append(band_to_row("body", band_words, columns, rights, page, a, b, not rows))
                continue
            for sub in lines_to_bands(band, strong, True):
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
