"""Word document parts python-docx lacks or leaves plain: styled writing with fallbacks, repeated header
rows (`w:tblHeader`), cell shading (`w:shd`), borders, a PAGE field (`w:fldSimple`), picture alternative text
(`wp:docPr/@descr`), landscape sections, and a fresh A4 document or a template emptied of its body."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

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
from pipeline.export.template import read_template


class Writer:
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
            borders(table)
        mark_header_row(table.rows[0])
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
        for values in rows:
            cells = table.add_row().cells  # type: ignore[no-untyped-call]
            for cell, text in zip(cells, values, strict=True):
                cell.paragraphs[0].add_run(str(text))
        if widths:
            table.autofit = False
            for column, w in zip(table.columns, widths, strict=True):
                column.width = Cm(w)
            for row in table.rows:
                for cell, w in zip(row.cells, widths, strict=True):
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


def borders(table: Table) -> None:
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


def fresh_document(template: Path | None) -> DocumentType:
    """Given a template (or None), return a document to write the paper into: the template's styles,
    sections and headers with its body emptied, or a plain A4 one with Arial and a page number."""
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


def landscape(doc: DocumentType) -> None:
    """Start a new landscape section on a new page."""
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
