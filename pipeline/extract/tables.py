"""Every table the pages held, gathered from their stretches, and the choice of which of them is the plan.

A plan may be printed as several tables with the same header (one per
section); the plan is the group of plan tables sharing a column layout with
the most rows, unless the user names tables with `--table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.extract.region import Segment
from pipeline.records import BBox, Column, Issue, SourceRow, Table, TablePart, TitleFrom


@dataclass
class _Gathered:
    index: int
    kind: str
    reason: str
    header: tuple[str, ...]
    columns: tuple[Column, ...]
    title: str = ""
    pages: list[int] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)
    parts: list[TablePart] = field(default_factory=list)


CORE_FIELDS = {"recommendation", "proposed_actions", "progress"}


class TableGatherer:
    """Collect each table's rows and where it sits, stretch by stretch, page by page."""

    def __init__(self) -> None:
        self._tables: dict[int, _Gathered] = {}

    def add(self, seg: Segment, rows: Sequence[SourceRow], page: int, title: str = "") -> None:
        """Given one stretch of a table on a page and its rows, add them to that table."""
        found = self._tables.get(seg.index)
        if found is None:
            header = seg.header
            columns = tuple(Column(c.field, c.header) for c in seg.columns)
            found = _Gathered(seg.index, header.kind, header.reason, tuple(header.texts), columns, title)
            self._tables[seg.index] = found
        if page not in found.pages:
            found.pages.append(page)
        found.rows.extend(rows)
        x0, x1 = seg.columns[0].x0, seg.columns[-1].x1
        head = None
        top = seg.top
        if seg.printed_header:
            head = BBox(page, round(x0, 2), round(seg.header.top, 2), round(x1, 2), round(seg.header.bottom, 2))
            top = seg.header.top
        bottom = max((r.bbox.bottom for r in rows), default=seg.bottom) if not seg.ruled else seg.bottom
        edges = (*tuple(round(c.x0, 2) for c in seg.columns), round(x1, 2))
        found.parts.append(
            TablePart(page, BBox(page, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)), head, edges)
        )

    def tables(self) -> list[Table]:
        """Return every table gathered, in the order they began."""
        return [
            Table(
                t.index,
                "plan" if t.kind == "plan" else "other",
                t.reason,
                t.header,
                t.columns,
                tuple(t.pages),
                rows=sum(1 for r in t.rows if r.kind == "body"),
                parts=tuple(t.parts),
            )
            for t in sorted(self._tables.values(), key=lambda t: t.index)
        ]

    def rows_of(self, indexes: Sequence[int]) -> list[SourceRow]:
        """Given table indexes, return their rows in reading order."""
        return [r for i in sorted(indexes) for r in self._tables[i].rows]

    def title_of(self, index: int) -> str:
        """Given a table index, return the heading printed above it ("" if none)."""
        return self._tables[index].title


def choose_plan(tables: Sequence[Table], wanted: Sequence[int] | None = None) -> list[int]:
    """Given every table found (and the ones the user named), return the indexes of the plan's tables."""
    if wanted:
        return [t.index for t in tables if t.index in set(wanted)]
    # Tables whose what-and-how columns agree are one plan, even if one adds an owner or status column.
    groups: dict[tuple[str, ...], list[Table]] = {}
    for t in tables:
        if t.kind == "plan" and t.rows:
            core = tuple(sorted({c.field for c in t.columns} & CORE_FIELDS))
            groups.setdefault(core, []).append(t)
    if not groups:
        return []
    best = max(groups.values(), key=lambda g: (sum(t.rows for t in g), -g[0].index))
    return [t.index for t in best]


def mark_used(tables: Sequence[Table], used: Sequence[int]) -> tuple[Table, ...]:
    """Given the tables and the indexes the plan was taken from, return the tables marked."""
    return tuple(replace(t, used=t.index in set(used)) for t in tables)


def plan_columns(columns: Sequence[Column]) -> tuple[Column, ...]:
    """Given the columns of a table the user named as the plan, return them with a "what" and a "how" column
    assigned when its header names neither (the first two unnamed columns)."""
    fields = {c.field for c in columns}
    if fields & {"recommendation", "proposed_actions"}:
        return tuple(columns)
    out = list(columns)
    wanted = ["recommendation", "proposed_actions"]
    for i, c in enumerate(out):
        if c.field == "extra" and wanted:
            out[i] = Column(wanted.pop(0), c.header)
    return tuple(out)


@dataclass(frozen=True)
class PlanLayout:
    """The plan's columns across all its tables, and where each table's columns go in them."""

    columns: tuple[Column, ...]
    places: dict[int, tuple[int, ...]]  # table index -> the plan column each of its columns fills


def union_columns(tables: Sequence[Table]) -> PlanLayout:
    """Given the plan's tables, return one column list covering them all (the first's, then any the others add)
    and where each table's columns go. Two columns of one table never share a place, so a second owner
    column ("Lead member" beside "Lead officer") is kept."""
    out: list[Column] = []
    places: dict[int, tuple[int, ...]] = {}
    for t in tables:
        taken: set[int] = set()
        mine: list[int] = []
        for c in t.columns:
            k = next((i for i, o in enumerate(out) if i not in taken and _same_column(c, o)), None)
            if k is None:
                out.append(c)
                k = len(out) - 1
            taken.add(k)
            mine.append(k)
        places[t.index] = tuple(mine)
    return PlanLayout(tuple(out), places)


def _same_column(a: Column, b: Column) -> bool:
    return a.field == b.field and (a.field != "extra" or a.header == b.header)


def align_rows(rows: Sequence[SourceRow], places: Sequence[int], width: int) -> list[SourceRow]:
    """Given rows laid out in one table's columns and where those go in the plan's columns, return the rows laid
    out in the plan's columns (a column the table lacks is an empty cell)."""
    if tuple(places) == tuple(range(width)):
        return list(rows)
    out = []
    for row in rows:
        blank = replace(row.cells[0], lines=())
        if row.kind == "section":
            out.append(replace(row, cells=(row.cells[0], *[blank] * (width - 1))))
            continue
        cells = [blank] * width
        for cell, place in zip(row.cells, places, strict=True):
            cells[place] = cell
        out.append(replace(row, cells=tuple(cells)))
    return out


MAX_TITLE_METADATA = 200  # characters: a longer "title" in a document's properties is not one
NO_PLAN = (
    "no action-plan table found (looked for a header naming what is answered, such as Recommendation, "
    "Issue raised or Consultation feedback, and how, such as Proposed actions, Response or Progress)"
)


def choose_title(printed: str, metadata: str, path: Path) -> tuple[str, TitleFrom]:
    """Given the heading printed above the plan, the document's title property and its path, return the title
    and where it came from."""
    if printed:
        return printed, "printed"
    if metadata and len(metadata) <= MAX_TITLE_METADATA:
        return metadata, "metadata"
    return path.stem, "file"


def _where(t: Table) -> str:
    """Where a table is, in words: its pages in a PDF ("page 4", "pages 4-6"); a Word table has none."""
    if not t.pages:
        return f"table {t.index}"
    return f"page {t.pages[0]}" if len(t.pages) == 1 else f"page {t.pages[0]}-{t.pages[-1]}"


def no_plan_message(found: Sequence[Table], *, when_none: str) -> str:
    """The one line said when no table is a plan: what was looked for, what was seen, and what to do."""
    if not found:
        return f"{NO_PLAN}; {when_none}"
    first = found[0]
    seen = f"{len(found)} table(s) seen, none a plan with rows, e.g. {_where(first)}: {' | '.join(first.header)[:80]!r}"
    return f"{NO_PLAN}; {seen}; if one is the plan, pick it with --table N or name its columns under [headers] in actionplan.toml"


def left_out_tables(found: Sequence[Table], chosen: Sequence[int]) -> list[Issue]:
    """Given every table and the plan's, return notes on plan-like tables that were left out."""
    return [
        Issue(
            "info",
            f"table {t.index} ({_where(t) + ': ' if t.pages else ''}{' | '.join(t.header)[:60]}) also looks like a "
            f"plan but has other columns; it was left out (pick it with --table {t.index})",
        )
        for t in found
        if t.kind == "plan" and t.index not in chosen and t.rows
    ]
