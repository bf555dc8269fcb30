"""normalise: SourceDocument -> records. Pure: no I/O, no pdfplumber.

Joins rows that break across pages, applies themes, reads labels into ids
(unique within the revision), gathers several action rows under one
recommendation, reflows wrapped text and splits owner cells into owners.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.cleaning import clean_text
from pipeline.crossrefs import find_cross_refs
from pipeline.normalise.labels import Label, generated_id, parse_label, unique_ids
from pipeline.normalise.owner_cells import split_owners
from pipeline.normalise.painted import painted_issues, painted_status
from pipeline.normalise.text import join_lines, reflow, reflow_parts
from pipeline.owners import owner_keys, unify_keys
from pipeline.records import BBox, Column, Issue, Record, SourceCell, SourceDocument, SourceRow, Status, Timescale
from pipeline.settings import Settings
from pipeline.statuses import parse_status
from pipeline.timescales import parse_timescale

__all__ = [
    "generated_id",
    "interpret",
    "join_lines",
    "parse_label",
    "read_status",
    "read_timescale",
    "reflow",
    "rows_to_records",
    "split_owners",
]

BANNER_WORDS = 4  # a labelled row across the table states a recommendation when it has this many words
LABELLED_SHARE = 0.3  # a plan prints labels when at least this share of its body rows start with one


@dataclass
class _Pending:
    theme: str | None
    label: Label | None
    parts: list[list[SourceCell]]
    bboxes: list[BBox] = field(default_factory=list)
    table: int = 1
    parent: _Pending | None = None  # the first action row of the recommendation this action row sits under
    children: int = 0
    banner: Label | None = None  # a labelled row across the table that states the recommendation this row acts on

    def add(self, row: SourceRow) -> None:
        for i, cell in enumerate(row.cells):
            if cell.lines or cell.fill:  # a cell painted but empty may be a RAG rating
                self.parts[i].append(cell)
        self.bboxes.append(row.bbox)


@dataclass(frozen=True)
class _Layout:
    """What the rows' cells hold: the columns, where labels are printed, and whether the plan prints them."""

    columns: Sequence[Column]
    label_idx: int
    label_column: bool
    has_labels: bool
    settings: Settings

    def label(self, row: SourceRow) -> Label | None:
        return parse_label(_first_text(row.cells[self.label_idx]), self.settings, self.label_column)


def _label_cell_index(columns: Sequence[Column]) -> tuple[int, bool]:
    for i, c in enumerate(columns):
        if c.field == "label":
            return i, True
    for i, c in enumerate(columns):
        if c.field == "recommendation":
            return i, False
    return 0, False


def _first_text(cell: SourceCell) -> str:
    return cell.lines[0].text if cell.lines else ""


def _leads_into(row: SourceRow, nxt: SourceRow | None, layout: _Layout) -> bool:
    """Given a row and the row after it, say whether it is the top part of the next row.

    In a table whose cells are centred vertically, a row split by a page break can
    print its label, timescale, owner and status only in its second part: the first
    part, at the foot of the page, then holds only the long cells.
    """
    if row.first_on_page or nxt is None or not nxt.first_on_page or nxt.kind != "body":
        return False  # a row that starts its page carries on the row before it instead
    if nxt.page != row.page + 1 or nxt.table != row.table:
        return False
    if not layout.has_labels:
        return not row.cells[layout.label_idx].lines and bool(nxt.cells[layout.label_idx].lines)
    if layout.label(nxt) is None:
        return False
    short = [
        i
        for i, c in enumerate(layout.columns)
        if c.field in ("label", "recommendation", "timescale", "owners", "status")
    ]
    return all(not row.cells[i].lines for i in short)


def _continues_text(cell: SourceCell) -> bool:
    """Given the first cell of a row at the top of a page, say whether its text carries on a sentence."""
    text = _first_text(cell)
    return bool(text) and (text[0].islower() or text.startswith(("- ", "– ")))


def _has_labels(rows: Sequence[SourceRow], layout: _Layout) -> bool:
    body = [r for r in rows if r.kind == "body" and any(c.lines for c in r.cells)]
    labelled = sum(1 for r in body if layout.label(r))
    return labelled >= 1 and (labelled >= LABELLED_SHARE * len(body) or (labelled >= 2 and len(body) < 8))


def _group_rows(rows: Sequence[SourceRow], layout: _Layout) -> tuple[list[_Pending], list[Issue]]:
    """Given the plan's rows, return one pending record per printed row (page-break parts joined) and issues."""
    issues: list[Issue] = []
    pending: list[_Pending] = []
    theme: str | None = None
    banner: Label | None = None
    held: SourceRow | None = None  # a page-foot fragment that belongs to the row the next page starts
    table: int | None = None
    width = len(layout.columns)
    for index, row in enumerate(rows):
        new_table = row.table != table and not row.first_on_page
        table = row.table
        if new_table:
            theme, banner = None, None  # a table of its own starts without the theme of the one before
        if row.kind == "section":
            text = " ".join(reflow(c.lines) for c in row.cells if c.lines).strip()
            theme = text or theme
            # "Recommendation 1: The Council should ..." across the table, with its action rows below it.
            stated = parse_label(text, layout.settings) if text else None
            banner = stated if stated is not None and len(stated.rest.split()) >= BANNER_WORDS else None
            continue
        if not any(c.lines for c in row.cells):
            continue  # a blank row is never a record
        label = layout.label(row)
        first_empty = not row.cells[layout.label_idx].lines
        nxt = rows[index + 1] if index + 1 < len(rows) else None
        if label is None and _leads_into(row, nxt, layout):
            held = row
            continue
        if label is None and pending and not new_table:
            continues = row.first_on_page and (
                layout.has_labels or first_empty or _continues_text(row.cells[layout.label_idx])
            )
            if continues:
                pending[-1].add(row)
                continue
            if row.shares_first or (layout.has_labels and first_empty):
                top = pending[-1].parent or pending[-1]
                child = _Pending(
                    top.theme, None, [[] for _ in range(width)], table=row.table, parent=top, banner=banner
                )
                top.children += 1
                child.add(row)
                pending.append(child)
                continue
            if layout.has_labels:
                issues.append(
                    Issue("warning", f"page {row.page}: a row has no label; kept as its own record", None, "label")
                )
        if label is None and not pending and row.first_on_page and layout.has_labels and first_empty:
            issues.append(
                Issue("error", f"page {row.page}: a row fragment before the first recommendation could not be placed")
            )
            continue
        rec = _Pending(theme, label, [[] for _ in range(width)], table=row.table, banner=banner)
        if held is not None:
            rec.add(held)
            held = None
        rec.add(row)
        pending.append(rec)
    return pending, issues


def rows_to_records(doc: SourceDocument, settings: Settings) -> tuple[list[Record], list[Issue]]:
    """Given an extracted document, return its records and the issues met on the way."""
    columns = doc.columns
    label_idx, label_column = _label_cell_index(columns)
    probe = _Layout(columns, label_idx, label_column, True, settings)
    layout = replace(probe, has_labels=_has_labels(doc.rows, probe))
    pending, issues = _group_rows(doc.rows, layout)
    if not layout.has_labels and pending:
        issues.append(
            Issue(
                "info",
                "the plan prints no recommendation labels: ids were generated from each recommendation's text",
                None,
                "id",
            )
        )
    extents = _owner_extents(doc.rows, columns)
    records = [_to_record(p, layout, extents.get(p.table)) for p in pending]
    records = _with_action_ids(records, pending)
    records, id_issues = _unique(records, pending)
    read = [interpret(r, settings) for r in records]
    issues += painted_issues(read, [p.parts for p in pending], [c.field for c in columns])
    canonical = unify_keys([r.owner_keys for r in read])
    return [
        replace(r, owner_keys=tuple(dict.fromkeys(canonical.get(k, k) for k in r.owner_keys))) for r in read
    ], issues + id_issues


def _owner_extents(rows: Sequence[SourceRow], columns: Sequence[Column]) -> dict[int, float]:
    """Given the plan's rows, return per table the right edge owner names wrap at: as far as any reaches on any
    page, or the cell's inner edge where rules draw it (a wide column of short names wraps nowhere)."""
    col = next((i for i, c in enumerate(columns) if c.field == "owners"), None)
    extents: dict[int, float] = {}
    if col is None:
        return extents
    for r in rows:
        cell = r.cells[col]
        if r.kind == "body" and cell.lines:
            reach = max(ln.x1 for ln in cell.lines)
            extents[r.table] = max(extents.get(r.table, 0.0), reach, cell.right)
    return extents


def _with_action_ids(records: list[Record], pending: Sequence[_Pending]) -> list[Record]:
    """Given records and their pending rows, return them with several actions under one recommendation numbered
    R3.1, R3.2 ... (parent R3), sharing the recommendation's text."""
    out = list(records)
    index_of = {id(p): i for i, p in enumerate(pending)}
    counters: dict[int, int] = {}
    for i, p in enumerate(pending):
        top = p.parent or p
        if not top.children:
            continue
        head = out[index_of[id(top)]]
        base = head.id if p.parent is None else _base_id(head.id)
        n = counters.get(id(top), 0) + 1
        counters[id(top)] = n
        if p.parent is None:
            out[i] = replace(head, id=f"{base}.{n}", parent=base)
        else:
            out[i] = replace(
                out[i],
                id=f"{base}.{n}",
                parent=base,
                number=head.number,
                label=head.label,  # the merged first cell prints it for every action row
                theme=head.theme,
                recommendation=out[i].recommendation or head.recommendation,
            )
    return out


def _base_id(ident: str) -> str:
    return ident.rsplit(".", 1)[0] if "." in ident else ident


def _unique(records: list[Record], pending: Sequence[_Pending]) -> tuple[list[Record], list[Issue]]:
    """Given records, return them with ids unique in the revision, and an issue for each repeat."""
    ids = unique_ids([r.id for r in records])
    issues: list[Issue] = []
    first_page: dict[str, int | None] = {}
    for r in records:
        first_page.setdefault(r.id, r.pages[0] if r.pages else None)
    out = []
    for r, new in zip(records, ids, strict=True):
        if new != r.id:
            where = f"page {r.pages[0]}" if r.pages else "later"
            if r.label:
                issues.append(
                    Issue(
                        "error",
                        f"label {r.label!r} is printed twice (page {first_page[r.id]} and {where}): "
                        f"the second row is kept as {new}; correct the plan's numbering",
                        new,
                        "id",
                    )
                )
            else:
                issues.append(
                    Issue(
                        "warning",
                        f"two rows give the id {r.id} (same text); the one on {where} is kept as {new}",
                        new,
                        "id",
                    )
                )
            r = replace(r, id=new)
        out.append(r)
    return out, issues


def read_timescale(text: str, settings: Settings) -> Timescale:
    """Given a timescale as printed, return it with its dates, ongoing flag and the rule used."""
    reading = parse_timescale(text, settings.conventions)
    return Timescale(
        text=text,
        start=reading.start.isoformat() if reading.start else None,
        end=reading.end.isoformat() if reading.end else None,
        ongoing=reading.ongoing,
        rule=reading.rule,
    )


def read_status(text: str, settings: Settings) -> Status:
    """Given a status as printed, return it with its vocabulary value and RAG rating."""
    reading = parse_status(text, settings.statuses, settings.rag_words, settings.rag_values)
    return Status(text=text, value=reading.value, rag=reading.rag)


def _with_rag(status: Status, painted: str | None) -> Status:
    """Given a status read from its words and a RAG rating painted beside it, return it with that rating when
    its words print none."""
    return status if status.rag is not None or not painted else replace(status, rag=painted)


def interpret(record: Record, settings: Settings) -> Record:
    """Given a record with cells as printed, return it with timescale, status, owner keys and cross-references read."""
    texts = (record.recommendation, record.proposed_actions, record.progress, record.timescale.text, record.status.text)
    return replace(
        record,
        timescale=read_timescale(record.timescale.text, settings),
        status=_with_rag(read_status(record.status.text, settings), record.status.rag),
        owner_keys=owner_keys(record.owners, settings.owner_aliases, settings.owner_prefixes),
        cross_refs=find_cross_refs(record.id, texts, settings.id_prefix),
    )


def _printed(text: str) -> str:
    """Given text read from a PDF, return it cleaned of control characters, a tab read as a space."""
    return clean_text(text.replace("\t", " "))


def _to_record(p: _Pending, layout: _Layout, owner_extent: float | None = None) -> Record:
    texts: dict[str, str] = {}
    extra: dict[str, str] = {}
    owners: list[str] = []
    painted: str | None = None  # a RAG rating painted in a column of its own, beside a printed status
    settings = layout.settings
    for i, col in enumerate(layout.columns):
        parts = p.parts[i]
        if col.field == "owners" and "owners" not in texts:
            right = owner_extent or max((ln.x1 for c in parts for ln in c.lines), default=0.0)
            owners = [
                o for o in (_printed(x) for x in split_owners([c.lines for c in parts], right, settings.bullets)) if o
            ]
            texts["owners"] = "\n".join(owners)
            continue
        text = _printed(reflow_parts(parts))
        if col.field in ("status", "extra") and not text:
            text = painted_status(p.parts, i) or ""  # a RAG rating painted, not printed
            painted = painted or (text if col.field == "extra" or "status" in texts else None)
        if i == layout.label_idx and p.label is not None:
            text = "" if layout.label_column else _strip_label(text, p.label)
        if col.field == "extra" or col.field in texts:
            extra[col.header or f"Column {i + 1}"] = text
        else:
            texts[col.field] = text
    recommendation = texts.get("recommendation", "")
    label = p.label
    parent = label.parent if label else None
    if p.banner is not None:
        recommendation = recommendation or p.banner.rest
        parent = parent or (p.banner.id if not label or label.id != p.banner.id else None)
    return Record(
        id=label.id if label else generated_id(recommendation or texts.get("proposed_actions", "")),
        number=label.number if label else None,
        label=label.printed if label else "",
        parent=parent,
        theme=p.theme,
        recommendation=recommendation,
        proposed_actions=texts.get("proposed_actions", ""),
        timescale=Timescale(texts.get("timescale", "")),
        owners=tuple(owners),
        progress=texts.get("progress", ""),
        status=Status(texts.get("status", ""), rag=painted or None),
        pages=tuple(sorted({b.page for b in p.bboxes})),
        bboxes=tuple(p.bboxes),
        extra=extra,
    )


def _strip_label(text: str, label: Label) -> str:
    """Given the first cell's text and its label, return the text without the label."""
    stripped = text.lstrip()
    if stripped.startswith(label.printed):
        return stripped[len(label.printed) :].lstrip()
    return stripped
