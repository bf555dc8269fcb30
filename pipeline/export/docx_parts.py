"""Word document parts python-docx lacks or leaves plain: styled writing with fallbacks, repeated header
rows (`w:tblHeader`), cell shading (`w:shd`), borders, a PAGE field (`w:fldSimple`), picture alternative text
(`wp:docPr/@descr`), landscape sections, and a fresh A4 document or a template emptied of its body."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from pipeline.errors import InputError
from pipeline.export.template import read_template

_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")


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
                paragraph = cell.paragraphs[0]
                paragraph.add_run(str(text))
                if _NUMBER.fullmatch(str(text).strip()):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for cell, column in zip(table.rows[0].cells, zip(*rows, strict=True) if rows else (), strict=False):
            if all(_NUMBER.fullmatch(str(v).strip()) for v in column):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(TABLE_PT)
        if widths:
            set_widths(table, widths)
        if len(table.rows) <= KEEP_TOGETHER_ROWS:
            keep_together(table)
        else:
            rows_do_not_split(table)
        return table

    def numbered(self, number: str, text: str, *, bold_label: str | None = None) -> Paragraph:
        """A numbered paragraph ("1.1", tab, text) on a hanging indent, as council reports number them."""
        p = self.para(text, bold_label)
        first = p.runs[0]._r
        number_run = OxmlElement("w:r")
        number_text = OxmlElement("w:t")
        number_text.text = number
        number_run.append(number_text)
        number_run.append(OxmlElement("w:tab"))
        first.addprevious(number_run)
        hanging(p)
        return p

    def numbered_heading(self, number: str, text: str) -> Paragraph:
        """A section heading ("1.", tab, "Introduction") in the heading style, on the same hanging indent; a
        sub-section's number has no closing full stop ("1.2", as its paragraphs are numbered 1.2.1)."""
        p = self.doc.add_paragraph(style=self.styles["h1"])
        number = number.rstrip(".")
        p.add_run(f"{number if '.' in number else number + '.'}\t{text}")
        hanging(p)
        return p


TABLE_PT = 10  # text in the paper's own tables
KEEP_TOGETHER_ROWS = 20  # a table this short is kept on one page
HANGING_CM = 1.27  # the indent of a numbered paragraph's text, as in Kent's reports
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


def hanging(paragraph: Paragraph, indent_cm: float = HANGING_CM) -> None:
    """Put a paragraph on a hanging indent: its first line (the number) out by `indent_cm`, a tab stop there."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = Cm(indent_cm)
    fmt.first_line_indent = Cm(-indent_cm)
    fmt.tab_stops.add_tab_stop(Cm(indent_cm))


def set_widths(table: Table, widths: Sequence[float]) -> None:
    """Fix a table's column widths (cm), so Word and LibreOffice lay it out as given (w:tblLayout fixed)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, w in zip(table.columns, widths, strict=True):
        column.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(w)


def rows_do_not_split(table: Table) -> None:
    """Keep each row of a table whole on a page (w:cantSplit)."""
    for row in table.rows:
        element = OxmlElement("w:cantSplit")
        element.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(element)


def keep_together(table: Table) -> None:
    """Keep a short table on one page: rows that cannot split, each kept with the next."""
    rows_do_not_split(table)
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def no_borders(table: Table) -> None:
    """Draw a table with no borders (a layout table, such as the paper's header block)."""
    _set_borders(table, "nil")


def boxed_paragraph(paragraph: Paragraph) -> None:
    """Draw a box round a paragraph (w:pBdr); consecutive boxed paragraphs share one box, as the Summary and
    Recommendation(s) of a council report do, with no layout table for a screen reader to announce."""
    ppr = paragraph._p.get_or_add_pPr()
    element = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "8")
        el.set(qn("w:space"), "6")
        el.set(qn("w:color"), "000000")
        element.append(el)
    ppr.append(element)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(0.2)


def _set_borders(table: Table, kind: str, edges: Sequence[str] = _EDGES) -> None:
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    element = OxmlElement("w:tblBorders")
    for edge in _EDGES:
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), kind if edge in edges else "nil")
        if kind != "nil" and edge in edges:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:color"), "000000")
        element.append(el)
    tbl_pr.append(element)


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
    """Draw every border of a table, when the document has no table style to."""
    _set_borders(table, "single")


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
        council_styles(doc)
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


def council_styles(doc: DocumentType, language: str = "en-GB") -> None:
    """Style a fresh document as a council report: Arial 12 pt text, headings in bold black Arial 12 pt
    (still Word's heading styles, so they are real headings), and the document's language."""
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(12)
    for name, size in (("Heading 1", 12), ("Heading 2", 12), ("Title", 14)):
        style = doc.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
        if rfonts is not None:  # Word's heading styles name theme fonts, which win over a font name
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), language)


def landscape(doc: DocumentType) -> Section:
    """Start a new landscape section on a new page, and return it."""
    section: Section = doc.add_section(WD_SECTION.NEW_PAGE)
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
    width, height = section.page_width or Cm(21.0), section.page_height or Cm(29.7)
    if width < height:
        section.page_width, section.page_height = height, width
    return section
