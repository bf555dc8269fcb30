"""The paper's appendix: the full plan as a table in the plan's own columns, its header repeated on every
page, themes as rows across the table, and the actions of one recommendation (R3.1, R3.2 with parent R3)
under it: the cells they share (its label, its text) merged down over them as the plan printed them."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocumentType
from docx.table import Table, _Cell

from pipeline.export.cells import STATUS_FILLS
from pipeline.export.docx_parts import Writer, borders, landscape, mark_header_row, shade
from pipeline.records import Column, Record

SHARED = ("label", "recommendation")  # what the actions of one recommendation print once between them
FIELDS = ("label", "recommendation", "proposed_actions", "timescale", "owners", "progress", "status", "extra")


def write_appendix(
    doc: DocumentType,
    w: Writer,
    *,
    title: str,
    columns: Sequence[Column],
    records: Sequence[Record],
    closed: dict[str, str],
) -> None:
    """Given the plan's columns and records, add the appendix in a landscape section of its own."""
    landscape(doc)
    w.heading(f"Appendix A: {title}")
    shown = [c for c in columns if c.field in FIELDS]
    table = doc.add_table(rows=1, cols=len(shown))
    if w.styles["table"]:
        table.style = doc.styles[w.styles["table"]]
    else:
        borders(table)
    mark_header_row(table.rows[0])
    for cell, col in zip(table.rows[0].cells, shown, strict=True):
        cell.paragraphs[0].add_run(col.header).bold = True
    label_column = any(c.field == "label" for c in shown)
    theme: str | None = None
    placed: list[tuple[int, Record]] = []  # (table row, record)
    for rec in records:
        if rec.theme and rec.theme != theme:
            theme = rec.theme
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged.paragraphs[0].add_run(theme).bold = True
        row = table.add_row()
        placed.append((len(table.rows) - 1, rec))
        for cell, col in zip(row.cells, shown, strict=True):
            if not _continues(placed, col, label_column):
                _fill_cell(cell, col, rec, label_column)
    _merge_shared(table, shown, placed, label_column)
    notes = [f"{r.id} → see {', '.join(r.cross_refs)}" for r in records if r.cross_refs]
    if notes:
        w.para("; ".join(notes) + ".", "Cross-references: ")
    if closed:
        w.para("; ".join(f"{k}: closed ({v})" for k, v in closed.items()) + ".", "Closed by the Committee: ")


def _shared_text(rec: Record, col: Column, label_column: bool) -> str | None:
    """What an action row prints in a column its recommendation's other actions may share (None: not shared)."""
    if rec.parent is None or col.field not in SHARED:
        return None
    if col.field == "label":
        return rec.label
    return rec.recommendation if label_column or not rec.label else f"{rec.label}  {rec.recommendation}"


def _continues(placed: Sequence[tuple[int, Record]], col: Column, label_column: bool) -> bool:
    """Whether the last record placed prints the same shared cell as the one just above it (same parent)."""
    if len(placed) < 2:
        return False
    (row_above, above), (row, rec) = placed[-2], placed[-1]
    text = _shared_text(rec, col, label_column)
    return (
        text is not None
        and row_above == row - 1
        and above.parent == rec.parent
        and _shared_text(above, col, label_column) == text
    )


def _merge_shared(
    table: Table, shown: Sequence[Column], placed: Sequence[tuple[int, Record]], label_column: bool
) -> None:
    """Merge each shared cell down over the action rows that print it once (w:vMerge)."""
    for j, col in enumerate(shown):
        start = 0
        for k in range(1, len(placed) + 1):
            if k < len(placed) and _continues(placed[: k + 1], col, label_column):
                continue
            if k - 1 > start:
                table.cell(placed[start][0], j).merge(table.cell(placed[k - 1][0], j))
            start = k


def _paragraphs(cell: _Cell, lines: Sequence[str]) -> None:
    first = True
    for line in lines:
        if first:
            cell.paragraphs[0].add_run(line)
            first = False
        else:
            cell.add_paragraph(line)


def _fill_cell(cell: _Cell, col: Column, rec: Record, label_column: bool) -> None:
    if col.field == "label":
        _paragraphs(cell, [rec.label])
    elif col.field == "recommendation":
        text = rec.recommendation if label_column or not rec.label else f"{rec.label}  {rec.recommendation}"
        _paragraphs(cell, [p for p in text.split("\n") if p.strip()])
    elif col.field == "owners":
        _paragraphs(cell, [f"• {o}" for o in rec.owners])
    elif col.field == "timescale":
        _paragraphs(cell, [rec.timescale.text])
    elif col.field == "status":
        _paragraphs(cell, [rec.status.text])
        if rec.status.text:
            shade(cell, STATUS_FILLS.get(rec.status.value, "FFFFFF"))
    elif col.field in ("proposed_actions", "progress"):
        _paragraphs(cell, [p for p in str(getattr(rec, col.field)).split("\n") if p.strip()])
    else:
        _paragraphs(cell, [p for p in rec.extra.get(col.header, "").split("\n") if p.strip()])
