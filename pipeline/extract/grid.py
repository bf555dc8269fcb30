"""Ruled tables: how far the grid runs, which rules divide rows, and tables nested inside cells.

Row rules are told from the others by how much of the table they cross: a
rule across every column ends a row; one across the columns right of a merged
first cell ends an action row under one recommendation; one that stays inside
a cell (inset from its walls, or among a nested table's own walls) is part of
that cell's content.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from pipeline.extract.columns import ColumnGeom
from pipeline.extract.geometry import SNAP, GridBox, Line, Rule, cluster_positions
from pipeline.extract.header import HEADER_RULE, Header
from pipeline.extract.synonyms import HeaderMatcher

WALL_SNAP = 4.0  # points: a vertical rule this close to a column edge is that edge's wall
JOIN_GAP = 3.0  # points: collinear pieces of a rule with gaps up to this are one rule
FULL_ROW = 0.85  # a rule across this share of the table's width ends a row
INSET = 2.5  # points: a rule that stops this far short of a column's walls stays inside the cell


@dataclass(frozen=True, slots=True)
class Separators:
    """The rules that divide a ruled table's rows: across the whole table, and right of merged first cells."""

    full: list[float]
    partial: list[tuple[float, int]]  # (y, first column the rule crosses): cells left of it are merged
    left: list[tuple[float, int]] = field(default_factory=list)  # (y, first column it stops short of): merged right


def _merged_runs(pieces: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    runs: list[tuple[float, float]] = []
    for a, b in sorted(pieces):
        if runs and a <= runs[-1][1] + JOIN_GAP:
            runs[-1] = (runs[-1][0], max(runs[-1][1], b))
        else:
            runs.append((a, b))
    return runs


def wall_runs(rules: Sequence[Rule], x: float, snap: float = WALL_SNAP) -> list[tuple[float, float]]:
    """Given rules and an x position, return the vertical stretches (top, bottom) drawn at that x."""
    return _merged_runs([(r.a, r.b) for r in rules if r.vertical and abs(r.at - x) <= snap])


def grid_bottom(rules: Sequence[Rule], edges: Sequence[float], start: float) -> float | None:
    """Given rules, a table's column edges and a y inside the table, return where its walls stop."""
    ends = []
    for x in edges:
        for top, bottom in wall_runs(rules, x):
            if top - JOIN_GAP <= start <= bottom + JOIN_GAP:
                ends.append(bottom)
    return max(ends) if ends else None


def grid_top(rules: Sequence[Rule], edges: Sequence[float], before: float, snap: float = WALL_SNAP) -> float | None:
    """Given rules, column edges and a y, return the top of the walls that start above it (a table carried over)."""
    tops = []
    for x in edges:
        runs = [r for r in wall_runs(rules, x, snap) if r[0] <= before + JOIN_GAP and r[1] > before]
        if runs:
            tops.append(min(r[0] for r in runs))
    return min(tops) if len(tops) * 2 >= len(edges) and len(tops) >= 2 else None


def nested_walls(rules: Sequence[Rule], column: ColumnGeom, top: float, bottom: float) -> list[Rule]:
    """Given rules and one column's stretch, return the vertical rules standing inside it (a nested table's)."""
    return [
        r
        for r in rules
        if r.vertical
        and column.x0 + WALL_SNAP < r.at < column.x1 - WALL_SNAP
        and min(r.b, bottom) - max(r.a, top) > SNAP
    ]


def nested_boxes(
    rules: Sequence[Rule], columns: Sequence[ColumnGeom], top: float, bottom: float
) -> list[tuple[int, float, float, float, float]]:
    """Given rules and a table's stretch, return the boxes (column, x0, top, x1, bottom) of tables nested in cells."""
    boxes = []
    for i, col in enumerate(columns):
        inner = nested_walls(rules, col, top, bottom)
        if not inner:
            continue
        for a, b in _merged_runs([(r.a, r.b) for r in inner]):
            across = [
                r
                for r in rules
                if not r.vertical
                and a - JOIN_GAP <= r.at <= b + JOIN_GAP
                and col.x0 - SNAP <= r.a
                and r.b <= col.x1 + SNAP
            ]
            x0 = min([r.a for r in across] or [min(r.at for r in inner)])
            x1 = max([r.b for r in across] or [max(r.at for r in inner)])
            boxes.append((i, x0, a, x1, b))
    return boxes


def row_separators(
    rules: Sequence[Rule],
    columns: Sequence[ColumnGeom],
    top: float,
    bottom: float,
    nested: Sequence[tuple[int, float, float, float, float]] = (),
) -> Separators:
    """Given rules and a ruled table's stretch, return the rules that divide its rows."""
    x0, x1 = columns[0].x0, columns[-1].x1
    pieces: dict[float, list[tuple[float, float]]] = {}
    key = float("-inf")
    across = sorted((r for r in rules if not r.vertical and top - SNAP <= r.at <= bottom + SNAP), key=lambda r: r.at)
    for r in across:
        if any(
            bx0 - SNAP <= r.a and r.b <= bx1 + SNAP and bt - SNAP <= r.at <= bb + SNAP for _, bx0, bt, bx1, bb in nested
        ):
            continue  # a nested table's own rule
        if r.at - key > SNAP:
            key = r.at  # rules this close together are one rule drawn in pieces
        pieces.setdefault(key, []).append((max(r.a, x0 - SNAP), min(r.b, x1 + SNAP)))
    full: list[float] = []
    partial: list[tuple[float, int]] = []
    left: list[tuple[float, int]] = []
    for y, spans in pieces.items():
        runs = _merged_runs(spans)
        covered = sum(b - a for a, b in runs if b > a)
        if covered >= FULL_ROW * (x1 - x0) and _crosses(runs, columns[0]):
            full.append(y)
            continue
        for k in range(1, len(columns)):
            if any(a <= columns[k].x0 + INSET and b >= x1 - INSET for a, b in runs) and not _crosses(
                runs, columns[k - 1]
            ):
                partial.append((y, k))
                break
        else:
            for k in range(len(columns) - 1, 0, -1):
                if any(a <= x0 + INSET and b >= columns[k - 1].x1 - INSET for a, b in runs) and not _crosses(
                    runs, columns[k]
                ):
                    left.append((y, k))
                    break
    return Separators(sorted(full), sorted(partial), sorted(left))


def _crosses(runs: Sequence[tuple[float, float]], column: ColumnGeom) -> bool:
    """Given a rule's pieces, say whether they cross a column from wall to wall."""
    return any(a <= column.x0 + INSET and b >= column.x1 - INSET for a, b in runs)


def find_grids(rules: Sequence[Rule], min_width: float) -> list[GridBox]:
    """Given a page's rules, return the grids they draw: connected rules with two columns and a row or more."""
    verticals = [r for r in rules if r.vertical and r.b - r.a > JOIN_GAP]
    horizontals = [r for r in rules if not r.vertical and r.b - r.a > JOIN_GAP]
    if len(verticals) < 3 or len(horizontals) < 2:
        return []
    parent = list(range(len(verticals) + len(horizontals)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    horizontals.sort(key=lambda h: h.at)
    ys = [h.at for h in horizontals]
    for i, v in enumerate(verticals):
        # Only the horizontals whose y the vertical spans can touch it.
        for j in range(bisect_left(ys, v.a - JOIN_GAP), bisect_right(ys, v.b + JOIN_GAP)):
            h = horizontals[j]
            if h.a - JOIN_GAP <= v.at <= h.b + JOIN_GAP:
                parent[root(i)] = root(len(verticals) + j)
    groups: dict[int, list[Rule]] = {}
    for i, r in enumerate([*verticals, *horizontals]):
        groups.setdefault(root(i), []).append(r)
    boxes = []
    for members in groups.values():
        vs = [r for r in members if r.vertical]
        hs = [r for r in members if not r.vertical]
        walls = cluster_positions([r.at for r in vs])
        if len(walls) < 3 or len(hs) < 2:
            continue
        x0, x1 = min(r.a for r in hs), max(r.b for r in hs)
        if x1 - x0 < min_width:
            continue
        boxes.append(GridBox(x0, min(r.a for r in vs), x1, max(r.b for r in vs), tuple(walls)))
    return sorted(boxes, key=lambda b: (b.top, b.x0))


def grid_header(lines: Sequence[Line], box: GridBox, rules: Sequence[Rule], matcher: HeaderMatcher) -> Header | None:
    """Given a ruled grid on a page, return its first row as the header of an "other" table (None if it is empty)."""
    need = HEADER_RULE * (box.x1 - box.x0)
    cuts = sorted(
        r.at for r in rules if not r.vertical and r.at > box.top + 2 and min(r.b, box.x1) - max(r.a, box.x0) >= need
    )
    bottom = cuts[0] if cuts else box.bottom
    picked = [
        (i, [w for w in ln.words if box.x0 <= w.xmid <= box.x1])
        for i, ln in enumerate(lines)
        if ln.top >= box.top - 1 and ln.bottom <= bottom + 1
    ]
    picked = [(i, ws) for i, ws in picked if ws]
    if not picked:
        return None
    walls = list(box.walls)
    groups = [[w for _, ws in picked for w in ws if a <= w.xmid < b] for a, b in pairwise(walls)]
    groups = [g for g in groups if g]
    texts = [matcher.cell_text(g) for g in groups]
    words = [w for g in groups for w in g]
    return Header(
        groups,
        texts,
        [matcher.match(t) for t in texts],
        min(w.top for w in words),
        max(w.bottom for w in words),
        picked[0][0],
        picked[-1][0],
        "other",
        "a ruled table whose header names no plan columns",
    )
