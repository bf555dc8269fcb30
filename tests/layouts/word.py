"""A plan drawn as a Word table and exported to PDF by LibreOffice."""

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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    def set_child(parent: Any, tag: str, **attrs: str) -> None:
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(f"w:{k}"), v)
        parent.append(el)

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
    for column, width in zip(table.columns, widths):
        column.width = width
    for cell, col, width in zip(table.rows[0].cells, WORD_COLUMNS, widths):
        cell.width = width
        cell.paragraphs[0].add_run(col.header).bold = True
    set_child(table.rows[0]._tr.get_or_add_trPr(), "w:tblHeader", val="true")
    for entry in entries:
        row = table.add_row()
        for cell, col, width in zip(row.cells, WORD_COLUMNS, widths):
            cell.width = width
            if col.field == "label":
                texts = [entry.label]
                set_child(cell._tc.get_or_add_tcPr(), "w:vAlign", val="center")
            elif col.field == "owners":
                texts = list(entry.owners)
            else:
                texts = getattr(entry, col.field).split("\n")
            for i, text in enumerate(texts):
                para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                para.paragraph_format.space_before = Pt(4 if i else 0)
                run = para.add_run(text)
                # LibreOffice paints paragraph shading (w:pPr/w:shd) once per paragraph; run shading, line by line
                set_child(run._r.get_or_add_rPr(), "w:shd", val="clear", color="auto", fill=LINE_SHADE)
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
