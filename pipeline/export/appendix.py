"""The paper's appendix: the full plan as a table in the plan's own columns, its header repeated on every
page, themes as rows across the table, and the actions of one recommendation (R3.1, R3.2 with parent R3)
under it: the cells they share (its label, its text) merged down over them as the plan printed them."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

from pipeline.export.cells import STATUS_FILLS
from pipeline.export.docx_parts import Writer, borders, landscape, mark_header_row, set_widths, shade
from pipeline.records import Column, Record

MARGIN_CM = 1.5  # left and right, on the landscape appendix pages
TEXT_PT = 9  # the smallest size we print a plan at
MIN_CM = 1.3  # the narrowest column
MAX_SHARE = 0.45  # no column takes more of the table's width than this
WIDTH_STEPS_CM = (1.0, 0.25)  # how much width the search moves between columns at a time
CM_PER_CHAR = 0.17  # the width of an average character of Arial at 9 pt
PAD_CM = 0.4  # a cell's left and right margins
SPLIT_ROW_CHARS = 2500  # a row holding more text than this may run over a page break
HEADER_FILL = "D9D9D9"  # the header row, light grey: black text on it keeps a contrast well over 4.5:1
SHARED = ("label", "recommendation")  # what the actions of one recommendation print once between them
FIELDS = ("label", "recommendation", "proposed_actions", "timescale", "owners", "progress", "status", "extra")


def write_appendix(
    doc: DocumentType,
    w: Writer,
    *,
    title: str,
    columns: Sequence[Column],
    records: Sequence[Record],
    closed: Mapping[str, str],
) -> None:
    """Given the plan's columns and records, add the appendix in a landscape section of its own."""
    section = landscape(doc)
    section.left_margin = section.right_margin = Cm(MARGIN_CM)
    w.heading(title)
    shown = [c for c in columns if c.field in FIELDS]
    table = doc.add_table(rows=1, cols=len(shown))
    if w.styles["table"]:
        table.style = doc.styles[w.styles["table"]]
    else:
        borders(table)
    mark_header_row(table.rows[0])
    for cell, col in zip(table.rows[0].cells, shown, strict=True):
        cell.paragraphs[0].add_run(col.header).bold = True
        shade(cell, HEADER_FILL)
    label_column = any(c.field == "label" for c in shown)
    theme: str | None = None
    placed: list[tuple[int, Record]] = []  # (table row, record)
    for rec in records:
        if rec.theme and rec.theme != theme:
            theme = rec.theme
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged.paragraphs[0].add_run(theme).bold = True
            merged.paragraphs[0].paragraph_format.keep_with_next = True  # a theme is never last on its page
        row = table.add_row()
        placed.append((len(table.rows) - 1, rec))
        for cell, col in zip(row.cells, shown, strict=True):
            if not _continues(placed, col, label_column):
                _fill_cell(cell, col, rec, label_column)
    _merge_shared(table, shown, placed, label_column)
    _keep_actions_together(table, placed)
    width = ((section.page_width or Cm(29.7)) - 2 * Cm(MARGIN_CM)) / Cm(1)
    set_widths(table, column_widths([_column_texts(col, records, label_column) for col in shown], width))
    rows_do_not_split_short(table)
    small_text(table)
    notes = [f"{r.id} → see {', '.join(r.cross_refs)}" for r in records if r.cross_refs]
    if notes:
        w.para("; ".join(notes) + ".", "Cross-references: ")
    if closed:
        w.para("; ".join(f"{k}: closed ({v})" for k, v in closed.items()) + ".", "Closed by the Committee: ")


def column_widths(texts: Sequence[Sequence[str]], width: float) -> list[float]:
    """Given each column's texts (header first, then one per row) and the table's width (cm), return the
    column widths that make the table shortest: each at least its longest word and `MIN_CM`, at most
    `MAX_SHARE` of the table, found by moving width between columns while the estimated height falls."""
    cells = [[[len(p) for p in t.split("\n") if p.strip()] or [0] for t in column] for column in texts]
    floor = [min(max(MIN_CM, _longest_word(column) * CM_PER_CHAR + PAD_CM), width * MAX_SHARE) for column in texts]
    need = [sum(len(t) for t in column) + 1 for column in texts]
    spare = width - sum(floor)
    widths = [f + spare * n / sum(need) for f, n in zip(floor, need, strict=True)]
    height = _height(cells, widths)
    for step in WIDTH_STEPS_CM:
        improved = True
        while improved:
            improved = False
            for i, j in itertools.permutations(range(len(widths)), 2):
                if widths[i] - step < floor[i] or widths[j] + step > width * MAX_SHARE:
                    continue
                trial = list(widths)
                trial[i] -= step
                trial[j] += step
                h = _height(cells, trial)
                if h < height:
                    widths, height, improved = trial, h, True
    return [round(w, 2) for w in widths]


def _longest_word(column: Sequence[str]) -> int:
    return max((len(word) for text in column for word in text.split()), default=0)


def _height(cells: Sequence[Sequence[Sequence[int]]], widths: Sequence[float]) -> int:
    """The table's height in lines, estimated: each row as tall as its tallest cell."""
    per_line = [max((w - PAD_CM) / CM_PER_CHAR, 1.0) for w in widths]
    rows = zip(*cells, strict=True)
    return sum(
        max(sum(-(-n // int(chars)) or 1 for n in cell) for cell, chars in zip(row, per_line, strict=True))
        for row in rows
    )


def _column_texts(col: Column, records: Sequence[Record], label_column: bool) -> list[str]:
    """The header and every cell of one column, as the appendix prints them."""
    texts = [col.header]
    for rec in records:
        if col.field == "label":
            texts.append(rec.label)
        elif col.field == "recommendation":
            texts.append(rec.recommendation if label_column or not rec.label else f"{rec.label}  {rec.recommendation}")
        elif col.field == "owners":
            texts.append(" ".join(f"• {o}" for o in rec.owners))
        elif col.field == "timescale":
            texts.append(rec.timescale.text)
        elif col.field == "status":
            texts.append(rec.status.text)
        elif col.field in ("proposed_actions", "progress"):
            texts.append(str(getattr(rec, col.field)))
        else:
            texts.append(rec.extra.get(col.header, ""))
    return texts


def rows_do_not_split_short(table: Table) -> None:
    """Keep rows of the appendix whole on a page unless a row is longer than a page could hold."""
    for row in table.rows:
        if sum(len(c.text) for c in row.cells) < SPLIT_ROW_CHARS:
            element = OxmlElement("w:cantSplit")
            element.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(element)


def small_text(table: Table) -> None:
    """Set the appendix table's text at `TEXT_PT`, so the plan takes no more pages than the source did."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(2)
                for run in paragraph.runs:
                    run.font.size = Pt(TEXT_PT)


def _keep_actions_together(table: Table, placed: Sequence[tuple[int, Record]]) -> None:
    """Keep the action rows of one recommendation on one page: a merged cell broken over a page reads, on
    the next page, like a row continued, and an officer loses which recommendation the action answers."""
    for (row, rec), (_, after) in itertools.pairwise(placed):
        if rec.parent is not None and rec.parent == after.parent:
            for cell in table.rows[row].cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


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
