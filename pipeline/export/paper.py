"""The committee paper as a Word document (python-docx), in council conventions and accessible.

python-docx has no API for repeated table headers, cell shading, page-number
fields or image alternative text, so the small XML elements are added here
(`w:tblHeader`, `w:shd`, `w:fldSimple`, `wp:docPr/@descr`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from pipeline.errors import InputError
from pipeline.export.atomic import write_atomic
from pipeline.export.cells import STATUS_FILLS
from pipeline.export.chart import status_chart_png, status_chart_words
from pipeline.export.template import read_template
from pipeline.export.text import STATUS_WORDS
from pipeline.records import Column, Record

DEFAULT_STYLES = {
    "title": "Title",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "normal": "Normal",
    "table": "Table Grid",
    "bullet": "List Bullet",
}
HEADER_LABELS = (
    ("from", "From"),
    ("to", "To"),
    ("subject", "Subject"),
    ("decision_no", "Decision No"),
    ("classification", "Classification"),
    ("past_pathway", "Past Pathway of Paper"),
    ("future_pathway", "Future Pathway of Paper"),
    ("electoral_divisions", "Electoral Division"),
)


@dataclass(frozen=True)
class PaperContent:
    """Everything the paper says, worked out beforehand: the exporter only lays it out."""

    meta: dict[str, Any]
    subject: str
    plan: str
    as_of: str
    revision_label: str
    revision_title: str
    previous_label: str | None
    columns: tuple[Column, ...]
    records: tuple[Record, ...]
    closed: dict[str, str]
    summary: str
    recommendations: str
    introduction: tuple[str, ...]
    overview: str
    counts_now: dict[str, int]
    counts_before: dict[str, int] | None
    theme_counts: tuple[tuple[str, dict[str, int]], ...]
    status_moves: tuple[str, ...]
    slipped: tuple[str, ...]
    new_progress: tuple[str, ...]
    attention: tuple[tuple[str, str, str, str], ...]
    for_closure: tuple[str, ...]
    background: tuple[str, ...]
    contact: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


class _Writer:
    """Adds content to a document with the configured style names, falling back (and saying so) when one is missing."""

    def __init__(self, doc: DocumentType, styles: dict[str, str], notes: list[str]) -> None:
        self.doc = doc
        self.notes = notes
        self.styles: dict[str, str | None] = {}
        names = {s.name for s in doc.styles}
        for role, name in styles.items():
            if name in names:
                self.styles[role] = name
            elif role in ("title", "h1", "h2"):
                level = {"title": 0, "h1": 1, "h2": 2}[role]
                style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = doc.styles["Normal"] if "Normal" in names else None
                style.font.bold = True
                style.font.size = Pt({0: 20, 1: 14, 2: 12}[level])
                ppr = style.element.get_or_add_pPr()
                outline = OxmlElement("w:outlineLvl")
                outline.set(qn("w:val"), str(max(level - 1, 0)))
                ppr.append(outline)
                self.styles[role] = name
                notes.append(f"the template has no style {name!r}: a plain bold heading style of that name was added")
            else:
                self.styles[role] = None
                notes.append(f"the template has no style {name!r}: used the document's default instead")

    def heading(self, text: str, role: str = "h1") -> Paragraph:
        return self.doc.add_paragraph(text, style=self.styles[role])

    def para(self, text: str, bold_label: str | None = None) -> Paragraph:
        p = self.doc.add_paragraph(style=self.styles["normal"])
        if bold_label:
            p.add_run(bold_label).bold = True
        p.add_run(text)
        p.paragraph_format.space_before = Pt(6)
        p.paragraph_format.space_after = Pt(6)
        return p

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            style = self.styles["bullet"]
            p = self.doc.add_paragraph(item if style else f"• {item}", style=style)
            p.paragraph_format.space_after = Pt(2)

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float] | None = None
    ) -> Table:
        table: Table = self.doc.add_table(rows=1, cols=len(header))
        if self.styles["table"]:
            table.style = self.doc.styles[self.styles["table"]]
        else:
            _borders(table)
        mark_header_row(table.rows[0])
        for cell, text in zip(table.rows[0].cells, header):
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
        for values in rows:
            cells = table.add_row().cells  # type: ignore[no-untyped-call]
            for cell, text in zip(cells, values):
                cell.paragraphs[0].add_run(str(text))
        if widths:
            table.autofit = False
            for column, w in zip(table.columns, widths):
                column.width = Cm(w)
            for row in table.rows:
                for cell, w in zip(row.cells, widths):
                    cell.width = Cm(w)
        return table


def mark_header_row(row: _Row) -> None:
    """Mark a table row as its header, repeated at the top of every page (w:tblHeader)."""
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def shade(cell: _Cell, fill: str) -> None:
    """Shade a table cell (w:shd): only ever to repeat what its text says."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def add_page_number(paragraph: Paragraph) -> None:
    """Append a PAGE field (w:fldSimple) to a paragraph."""
    paragraph.add_run("Page ")
    field_el = OxmlElement("w:fldSimple")
    field_el.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_el.append(run)
    paragraph._p.append(field_el)


def set_alt_text(doc: DocumentType, description: str, title: str) -> None:
    """Give the last picture added its alternative text (wp:docPr/@descr) and title."""
    doc_pr = doc.inline_shapes[-1]._inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("title", title)


def _fresh_document(template: Path | None) -> DocumentType:
    if template is None:
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.0)
        normal = doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        footer = section.footer.paragraphs[0]
        add_page_number(footer)
        return doc
    try:
        doc = Document(io.BytesIO(read_template(template)))
    except (ValueError, KeyError, SyntaxError, zipfile.BadZipFile, PackageNotFoundError) as error:
        # SyntaxError: lxml's XMLSyntaxError; ValueError: python-docx's "not a Word file" and bad content types.
        raise InputError(
            str(template), f"cannot be read as a Word template ({error}): save it again as .docx"
        ) from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def write_paper(
    path: str | Path, content: PaperContent, template: Path | None = None, styles: dict[str, str] | None = None
) -> tuple[Path, list[str]]:
    """Lay out the committee paper and save it (atomically); return the path and notes about the template."""
    notes = list(content.notes)
    doc = _fresh_document(template)
    w = _Writer(doc, {**DEFAULT_STYLES, **(styles or {})}, notes)
    meta = content.meta
    props = doc.core_properties
    props.title = content.subject
    props.author = str(meta.get("author") or meta.get("from") or "actionplan")
    props.subject = content.plan

    w.heading(content.subject, "title")
    for key, label in HEADER_LABELS:
        value = content.subject if key == "subject" else meta.get(key)
        if value:
            w.para(", ".join(value) if isinstance(value, list) else str(value), f"{label}: ")
    w.para(f"{content.as_of}", "Progress as at: ")
    w.heading("Summary")
    w.para(content.summary)
    w.heading("Recommendation(s)")
    w.para(content.recommendations)

    w.heading("1. Introduction")
    for i, text in enumerate(content.introduction, start=1):
        w.para(text, f"1.{i} ")

    w.heading("2. Progress overview")
    w.para(content.overview, "2.1 ")
    header = ["Status", f"This report ({content.revision_label})"]
    if content.counts_before is not None:
        header.append(f"Previous report ({content.previous_label})")
    rows = []
    for value, word in STATUS_WORDS.items():
        now = content.counts_now.get(value, 0)
        before = content.counts_before.get(value, 0) if content.counts_before is not None else None
        if now or before:
            rows.append([word.capitalize(), str(now)] + ([str(before)] if before is not None else []))
    rows.append(
        ["Total", str(sum(content.counts_now.values()))]
        + ([str(sum(content.counts_before.values()))] if content.counts_before is not None else [])
    )
    w.table(header, rows)
    w.para("The table below gives the same counts for each theme of the plan.", "2.2 ")
    statuses = [v for v in STATUS_WORDS if any(c.get(v) for _, c in content.theme_counts)]
    w.table(
        ["Theme", *(STATUS_WORDS[v].capitalize() for v in statuses), "Total"],
        [[t, *(str(c.get(v, 0)) for v in statuses), str(sum(c.values()))] for t, c in content.theme_counts],
    )
    if content.theme_counts:
        table = pd.DataFrame([c for _, c in content.theme_counts], index=[t for t, _ in content.theme_counts]).reindex(
            columns=statuses, fill_value=0
        )
        png = status_chart_png(table, f"Recommendations by status and theme ({content.revision_label})")
        w.para("The chart shows the same counts.", "2.3 ")
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        set_alt_text(doc, status_chart_words(table), "Recommendations by status and theme")

    w.heading("3. Changes since the last report")
    if content.previous_label is None:
        w.para("This is the first report on this plan: there is no earlier revision to compare with.", "3.1 ")
    else:
        w.para(f"Compared with revision {content.previous_label}:", "3.1 ")
        for title, items, empty in (
            ("Status changes", content.status_moves, "No recommendation changed status."),
            ("Timescales that changed", content.slipped, "No timescale changed."),
            ("New progress", content.new_progress, "No new progress was reported."),
        ):
            w.heading(title, "h2")
            if items:
                w.bullets(items)
            else:
                w.para(empty)

    w.heading("4. Items needing attention")
    if content.attention:
        w.para("Each item below is listed with the reason it needs attention.", "4.1 ")
        w.table(["ID", "Why", "Owners", "Due"], content.attention, [1.6, 8.5, 4.0, 2.4])
    else:
        w.para("No recommendation is overdue, slipped, stale or unreported.", "4.1 ")

    w.heading("5. Recommendations proposed for closure")
    if content.for_closure:
        w.para("These recommendations are reported as complete. The Committee may agree that they are closed:", "5.1 ")
        w.bullets(content.for_closure)
    else:
        w.para("No recommendation is reported as complete and still open.", "5.1 ")
    if content.closed:
        w.para(
            "Already closed by the Committee: " + "; ".join(f"{k} ({v})" for k, v in content.closed.items()) + ".",
            "5.2 ",
        )

    w.heading("6. Background documents")
    w.bullets(content.background)
    w.heading("7. Contact details")
    for line in content.contact:
        w.para(line)

    _appendix(doc, w, content)
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomic(path, buffer.getvalue()), notes


def _landscape(doc: DocumentType) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    # python-docx carries the section break in a new empty paragraph; fold it into the paragraph before.
    breaker = doc.element.body.xpath("./w:p[w:pPr/w:sectPr]")[-1]
    before = breaker.getprevious()
    if (
        before is not None
        and before.tag == qn("w:p")
        and not before.xpath("./w:pPr/w:sectPr")
        and not breaker.xpath(".//w:t")
    ):
        before.get_or_add_pPr().append(breaker.pPr.sectPr)
        breaker.getparent().remove(breaker)
    section.orientation = WD_ORIENT.LANDSCAPE
    if section.page_width < section.page_height:
        section.page_width, section.page_height = section.page_height, section.page_width


def _appendix(doc: DocumentType, w: _Writer, content: PaperContent) -> None:
    """The full plan as a table, in the plan's own columns, header repeated on every page, themes as rows."""
    _landscape(doc)
    w.heading(f"Appendix A: {content.revision_title}")
    columns = [
        c
        for c in content.columns
        if c.field
        in ("label", "recommendation", "proposed_actions", "timescale", "owners", "progress", "status", "extra")
    ]
    table = doc.add_table(rows=1, cols=len(columns))
    if w.styles["table"]:
        table.style = doc.styles[w.styles["table"]]
    else:
        _borders(table)
    mark_header_row(table.rows[0])
    for cell, col in zip(table.rows[0].cells, columns):
        cell.paragraphs[0].add_run(col.header).bold = True
    label_column = any(c.field == "label" for c in columns)
    theme: str | None = None
    for rec in content.records:
        if rec.theme and rec.theme != theme:
            theme = rec.theme
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged.paragraphs[0].add_run(theme).bold = True
        cells = table.add_row().cells
        for cell, col in zip(cells, columns):
            _fill_cell(cell, col, rec, label_column)
    notes = [f"{r.id} → see {', '.join(r.cross_refs)}" for r in content.records if r.cross_refs]
    if notes:
        w.para("; ".join(notes) + ".", "Cross-references: ")
    if content.closed:
        w.para("; ".join(f"{k}: closed ({v})" for k, v in content.closed.items()) + ".", "Closed by the Committee: ")


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
