"""Plans drawn as Word tables and exported to PDF by LibreOffice, and the means of writing such documents."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.layouts.base import Case, Col, Entry, plan_entry
from tests.layouts.truth import first_pages, records_truth, truth

# ---------------------------------------------------------------- 2. Word paragraph shading via LibreOffice


WORD_COLUMNS = (
    Col("label", "REF", 0.7),
    Col("recommendation", "Recommendation", 2.4),
    Col("proposed_actions", "Actions", 2.6),
    Col("owners", "Lead officer", 1.7),
    Col("timescale", "Timescale", 1.3),
    Col("progress", "Progress", 2.4),
    Col("status", "Status", 1.1),
)
LINE_SHADE = "DEEAF6"


def make_word_line_shading(out_dir: Path) -> Case:
    """A Word table with black borders whose body text is shaded line by line, exported by LibreOffice."""
    entries = [plan_entry(i, str(i + 1), f"R{i + 1}") for i in range(12)]
    title = "Libraries, Registration and Archives: Review Action Plan"
    docx = out_dir / "word_line_shading.docx"
    _write_docx(docx, entries, title)
    pdf = convert_to_pdf(docx, out_dir)
    pages = first_pages(pdf, [e.recommendation for e in entries], between=("Recommendation", "Actions"))
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        last = len(doc.pages)
    return Case(
        pdf,
        truth(title, WORD_COLUMNS, records_truth(entries, pages, WORD_COLUMNS), [(1, last, "plan")]),
        "Word table exported by LibreOffice: black cell borders, each body text line painted on its own filled "
        "rectangle (run shading, since LibreOffice paints w:pPr/w:shd once per paragraph), REF centred in tall rows",
    )


def _write_docx(path: Path, entries: Sequence[Entry], title: str) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    doc.core_properties.title = title
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10)
    normal.paragraph_format.space_after = Pt(0)
    heading = doc.add_paragraph().add_run(title)
    heading.bold, heading.font.size = True, Pt(14)
    table = doc.add_table(rows=1, cols=len(WORD_COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    total = sum(c.weight for c in WORD_COLUMNS)
    widths = [Mm(267 * c.weight / total) for c in WORD_COLUMNS]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, col, width in zip(table.rows[0].cells, WORD_COLUMNS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(col.header).bold = True
    table.rows[0]._tr.get_or_add_trPr().append(word_element("w:tblHeader", val="true"))
    for entry in entries:
        row = table.add_row()
        for cell, col, width in zip(row.cells, WORD_COLUMNS, widths, strict=True):
            cell.width = width
            if col.field == "label":
                texts = [entry.label]
                cell._tc.get_or_add_tcPr().append(word_element("w:vAlign", val="center"))
            elif col.field == "owners":
                texts = list(entry.owners)
            else:
                texts = getattr(entry, col.field).split("\n")
            for i, text in enumerate(texts):
                para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                para.paragraph_format.space_before = Pt(4 if i else 0)
                run = para.add_run(text)
                # LibreOffice paints paragraph shading (w:pPr/w:shd) once per paragraph; run shading, line by line
                run._r.get_or_add_rPr().append(word_element("w:shd", val="clear", color="auto", fill=LINE_SHADE))
    doc.save(str(path))


def convert_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert a .docx to PDF with LibreOffice in a profile of its own; raise if no PDF comes out."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("soffice is not installed")
    profile = Path(tempfile.mkdtemp(prefix="lo-"))
    try:
        done = subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / f"{docx.stem}.pdf"
    if not pdf.exists():  # soffice exits 0 even when it converts nothing
        raise RuntimeError(f"soffice made no PDF of {docx.name}: {done.stdout} {done.stderr}".strip())
    return pdf


# ---------------------------------------------------------------- writing Word documents (python-docx)


def word_element(tag: str, **attrs: str) -> Any:
    """A WordprocessingML element `tag` ("w:shd") with its attributes, each in the w: namespace."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def new_document(title: str, *, landscape: bool = False, margin: float = 20, size: float = 10) -> Any:
    """An A4 document titled `title`, margins in mm, its text Arial at `size` points with no space after."""
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    doc.core_properties.title = title
    section = doc.sections[0]
    turn_page(section, landscape=landscape)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(size)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def turn_page(section: Any, *, landscape: bool) -> None:
    """Make a document section's pages A4 landscape or portrait."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))


def add_text(
    doc: Any, text: str, *, size: float | None = None, bold: bool = False, before: float = 0, after: float = 0
) -> Any:
    """Add a paragraph of one run, `before` and `after` points apart from its neighbours; return it."""
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def write_cell(
    cell: Any, text: str | Sequence[str], *, bold: bool = False, colour: str = "", gap: float = 3, before: float = 0
) -> None:
    """Write paragraphs (a list, or text split at line breaks) into an empty cell, `gap` points apart and the first
    `before` points down; a paragraph starting "* " is a bullet."""
    from docx.shared import Pt, RGBColor

    for i, line in enumerate(text.split("\n") if isinstance(text, str) else text):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if line.startswith("* "):
            line = line[2:]
            paragraph.style = "List Bullet"
        paragraph.paragraph_format.space_before = Pt(gap if i else before)
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold = bold
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)


def shade(cell: Any, fill: str) -> None:
    """Fill a cell with a colour ("RRGGBB")."""
    cell._tc.get_or_add_tcPr().append(word_element("w:shd", val="clear", color="auto", fill=fill))


def add_table(doc: Any, headers: Sequence[str], *, fill: str = "", colour: str = "", rule: str = "grid") -> Any:
    """Add a table of one bold header row, repeated on each page; return it.

    `rule` is "grid" (Word's Table Grid), "none" (no borders at all) or the colour ("RRGGBB") of thin rules.
    """
    table = doc.add_table(rows=1, cols=len(headers))
    if rule == "grid":
        table.style = "Table Grid"
    else:
        borders = word_element("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            attrs = {"val": "nil"} if rule == "none" else {"val": "single", "sz": "4", "space": "0", "color": rule}
            borders.append(word_element(f"w:{edge}", **attrs))
        table._tbl.tblPr.append(borders)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        write_cell(cell, header, bold=True, colour=colour)
        if fill:
            shade(cell, fill)
    table.rows[0]._tr.get_or_add_trPr().append(word_element("w:tblHeader", val="true"))
    return table


def set_widths(table: Any, widths: Sequence[float]) -> None:
    """Fix a table's column widths, in mm."""
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def export(doc: Any, out_dir: Path, name: str) -> Path:
    """Save a document as `name`.docx and return the PDF LibreOffice makes of it."""
    docx = out_dir / f"{name}.docx"
    doc.save(str(docx))
    return convert_to_pdf(docx, out_dir)
