"""Where the table's rows are: bands of lines cut at labels, fresh starts and theme rows; cells made of lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.extract.columns import ColumnGeom, column_of, crosses
from pipeline.extract.geometry import SNAP, Line, Word, cluster_positions, split_phrases, words_to_lines
from pipeline.extract.header import Header
from pipeline.records import BBox, RowKind, SourceCell, SourceRow, TextLine

FRESH_GAP = 0.45  # font sizes: text in a column after a gap this wide starts afresh (a new paragraph or row)
RUNS_ON = ",-–&/("  # a line ending in a word or one of these runs on: its sentence goes on below
LABEL_SHARE = 0.8  # a column of which this share of cells are labels is the label column


@dataclass
class _Band:
    kind: RowKind
    lines: list[Line]
    shares_first: bool = False


@dataclass
class RowContext:
    """Per-page facts the row rules need."""

    columns: list[ColumnGeom]
    label_col: int
    label_res: Sequence[re.Pattern[str]]
    body_bold: float
    pitch: float
    timescale_col: int | None = None


def label_text(line: Line, ctx: RowContext) -> str:
    """Given a line, return the text it prints in the label (or first) column."""
    return " ".join(w.text for w in line.words if column_of(w.xmid, ctx.columns) == ctx.label_col)


def starts_with_label(line: Line, ctx: RowContext) -> bool:
    """Given a line, say whether its label column starts with a recommendation label."""
    text = label_text(line, ctx)
    return bool(text) and any(p.match(text) for p in ctx.label_res)


def section_like(line: Line, ctx: RowContext) -> bool:
    """Given a line, say whether it looks like a full-width theme heading."""
    home = column_of(line.words[0].x0 + 1, ctx.columns)  # where the line starts, not its first word's middle
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
            if c not in last_bottom or line.top - last_bottom[c] > FRESH_GAP * line.size:
                fresh.add(c)
            last_bottom[c] = line.bottom
        out.append(fresh)
    return out


def _starts_action(line: Line, fresh: set[int], band: _Band | None, ctx: RowContext) -> bool:
    """Given a line, say whether it starts another action row under the same recommendation.

    Its first cell is empty, its timescale and at least one other cell start afresh on it, and
    the row above already has a timescale: a paragraph break inside one cell cannot do that.
    """
    t = ctx.timescale_col
    if t is None or band is None or band.kind != "body" or t not in fresh or len(fresh) < 2:
        return False
    cols = {column_of(w.xmid, ctx.columns) for w in line.words}
    if ctx.label_col in cols:
        return False
    return any(column_of(w.xmid, ctx.columns) == t for ln in band.lines for w in ln.words)


def _label_number(line: Line, ctx: RowContext) -> int | None:
    """Given a line that starts with a label, return the label's (first) number ("R3.1" -> 3), if it has one."""
    text = label_text(line, ctx)
    for p in ctx.label_res:
        found = p.match(text)
        if found and "num" in p.groupindex and found.group("num"):
            digits = re.match(r"\d+", found.group("num"))
            return int(digits.group()) if digits else None
    return None


def _wrapped_on(line: Line, above: Line | None, fresh: set[int], ctx: RowContext, last: int | None) -> bool:
    """Given a line whose label column starts like a label ("2030."), the line above it and the columns starting
    afresh on it, say whether it only carries on the cell above (a borderless table): it follows that cell's text
    at the line pitch, with nothing starting afresh in any column, the text above runs on without ending its
    sentence ("... trees on council land by"), and its number is not the next after the row above's label."""
    if fresh or above is None:
        return False
    text = label_text(above, ctx).rstrip()
    if not text or not (text[-1].isalnum() or text[-1] in RUNS_ON):
        return False
    number = _label_number(line, ctx)
    return last is not None and (number is None or number not in (last, last + 1))


def lines_to_bands(lines: Sequence[Line], ctx: RowContext, by_label: bool) -> list[_Band]:
    """Given a page's body lines, return them cut into rows: by labels, else by aligned fresh starts."""
    bands: list[_Band] = []
    fresh = _fresh_columns(lines, ctx)
    above: Line | None = None  # the last line with text in the label column
    last: int | None = None  # the number of the last label that started a row
    for i, line in enumerate(lines):
        labelled = by_label and starts_with_label(line, ctx) and not _wrapped_on(line, above, fresh[i], ctx, last)
        if labelled:
            last = _label_number(line, ctx)
        if label_text(line, ctx):
            above = line
        start = labelled if by_label else len(fresh[i]) >= 2 and ctx.label_col in fresh[i]
        if not start and _starts_action(line, fresh[i], bands[-1] if bands else None, ctx):
            bands.append(_Band("body", [line], shares_first=True))
            continue
        if not labelled and section_like(line, ctx):
            nxt = next((ln for ln in lines[i + 1 :] if not section_like(ln, ctx)), None)
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
    cells = tuple(SourceCell(cell_lines(ws), round(r, 2)) for ws, r in zip(per_col, rights, strict=True))
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


def drop_running_text(rows: Sequence[SourceRow], furniture: dict[int, list[float]]) -> list[SourceRow]:
    """Given rows and, per page, the tops of running header/footer lines, return the rows without those lines."""
    out: list[SourceRow] = []
    carry_mark = False  # a dropped row that carried its table over passes the mark to the next
    for row in rows:
        tops = furniture.get(row.page, [])
        if tops:
            cells = tuple(
                replace(c, lines=tuple(ln for ln in c.lines if not any(abs(ln.top - t) <= SNAP for t in tops)))
                for c in row.cells
            )
            if not any(c.lines for c in cells):
                carry_mark = carry_mark or row.first_on_page
                continue
            row = replace(row, cells=cells)
        if carry_mark:
            row = replace(row, first_on_page=True)
            carry_mark = False
        out.append(row)
    return out


def infer_label_column(
    fields: Sequence[str], headers: Sequence[str], rows: Sequence[SourceRow], patterns: Sequence[re.Pattern[str]]
) -> int | None:
    """Given the columns and rows, return the index of an unnamed column that holds only labels ("R1", "3."), if any."""
    if "label" in fields:
        return None
    for i, (fld, header) in enumerate(zip(fields, headers, strict=True)):
        if fld != "extra" or header.strip():
            continue
        texts = [" ".join(ln.text for ln in r.cells[i].lines) for r in rows if r.kind == "body" and r.cells[i].lines]
        labels = sum(1 for t in texts if any(p.match(t.strip()) for p in patterns))
        if texts and labels >= LABEL_SHARE * len(texts):
            return i
    return None


def line_keys(header: Header) -> list[list[str]]:
    """Given a header, return each of its printed lines as sorted word texts, to spot it again."""
    words = [*header.over, *(w for g in header.groups for w in g)]
    tops = cluster_positions([w.top for w in words])
    return [sorted(w.text for w in words if abs(w.top - t) <= SNAP) for t in tops]


def drop_repeated_headers(lines: Sequence[Line], keys: Sequence[Sequence[str]]) -> list[Line]:
    """Given body lines and a header's line keys, return them without any repeat of the header (its lines in order)."""

    def key(words: Sequence[Word]) -> list[str]:
        return sorted(w.text for w in words)

    out: list[Line] = []
    i = 0
    while i < len(lines):
        if keys and key(lines[i].words) == list(keys[0]):
            j, k = i + 1, 1
            while j < len(lines) and k < len(keys) and key(lines[j].words) == list(keys[k]):
                j, k = j + 1, k + 1
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out
