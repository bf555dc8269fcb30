"""The committee paper: read back with python-docx, rendered to PDF, and its appendix re-extracted (the closed loop)."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from PIL import Image

from pipeline.cli import main
from pipeline.committee import build_paper, close_records
from pipeline.extraction import extract_plan
from pipeline.ingest import ingest_file
from pipeline.matching import squash
from pipeline.store import Store
from pipeline.update_round import make_owner_workbooks
from tests.conftest import DATA, require_tool

META = """
from = "Roger Gough, Cabinet Member for Business Strategy, Audit and Transformation"
to = "Scrutiny Committee – 21 January 2016"
subject = "Commissioning Select Committee: update on the action plan"
classification = "Unrestricted"
past_pathway = "Cabinet Member meeting, December 2015"
future_pathway = "None"
electoral_divisions = "All"
author = "Policy and Strategic Relationships"
contact = ["Jane Smith, Policy Officer", "jane.smith@example.gov.uk"]
background_documents = ["Commissioning Select Committee report, March 2014"]
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("paper")
    opened = Store(f"sqlite:///{folder / 'store.db'}")
    for name in ("kcc-2014", "kcc-2015", "kcc-2015q4"):
        ingest_file(opened, DATA / f"{name}.pdf")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def meta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("meta") / "paper.toml"
    path.write_text(META, encoding="utf-8")
    return path


def _texts(doc: Any) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _style_name(paragraph: Paragraph) -> str:
    style = paragraph.style
    assert style is not None  # every paragraph of a saved document has a style
    name: str = style.name
    return name


def test_paper_reads_back(store: Store, meta: Path, tmp_path: Path) -> None:
    docx, pdf, notes = build_paper(store, tmp_path / "paper.docx", since="r2", meta_path=meta)
    assert pdf is None and notes == []
    doc = Document(str(docx))
    texts = _texts(doc)
    # header block from the meta file, as at the meeting date
    assert "From: Roger Gough, Cabinet Member for Business Strategy, Audit and Transformation" in texts
    assert "To: Scrutiny Committee – 21 January 2016" in texts
    assert "Classification: Unrestricted" in texts
    assert "Past Pathway of Paper: Cabinet Member meeting, December 2015" in texts
    assert "Progress as at: 2016-01-21" in texts
    summary = texts[texts.index("Summary") + 1]
    assert (
        "27 recommendations" in summary
        and "7 complete" in summary
        and "16 in progress" in summary
        and "4 not reported" in summary
    )
    assert any(t.startswith("The Committee is asked to NOTE") for t in texts)
    # headings are real heading styles, in order
    headings = [(_style_name(p), p.text) for p in doc.paragraphs if _style_name(p).startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Commissioning Select Committee: update on the action plan")
    h1 = [t for s, t in headings if s == "Heading 1"]
    assert h1 == [
        "Summary",
        "Recommendation(s)",
        "1. Introduction",
        "2. Progress overview",
        "3. Changes since the last report",
        "4. Items needing attention",
        "5. Recommendations proposed for closure",
        "6. Background documents",
        "7. Contact details",
        "Appendix A: Appendix 1: Updated Action Plan (December 2015)",
    ]
    levels = [int(s.split()[-1]) if s.startswith("Heading") else 0 for s, _ in headings]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    # exactly the q4 changes
    start, end = texts.index("3. Changes since the last report"), texts.index("4. Items needing attention")
    changes = texts[start:end]
    moves = [t for t in changes if "→" in t and "(due" not in t]
    assert sorted(t.split(":")[0] for t in moves) == ["R1", "R13", "R26", "R9"]
    assert [t for t in changes if "(due" in t] == [
        "R24: Early 2015 (due 2015-04-30) → Spring 2016 (due 2016-05-31): slipped 397 days"
    ]
    progress = changes[changes.index("New progress") + 1 :]
    assert [t.split(":")[0] for t in progress] == ["R1", "R24"]
    # no empty paragraphs used as spacing (table cells aside)
    assert not [p for p in doc.paragraphs if not p.text.strip() and not p._p.xpath(".//w:drawing")]
    # the chart has alternative text
    pics = doc.inline_shapes
    assert len(pics) == 1 and "Bar chart of recommendations" in pics[0]._inline.docPr.get("descr")
    # document properties
    assert doc.core_properties.title == "Commissioning Select Committee: update on the action plan"
    assert doc.core_properties.author == "Policy and Strategic Relationships"
    # appendix: one row per record plus theme rows, header marked to repeat, landscape section
    appendix = doc.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == [
        "Select Committee Recommendation",
        "Proposed Actions",
        "Timescales",
        "Responsible owner",
        "Progress to date",
        "Status",
    ]
    header_props = appendix.rows[0]._tr.trPr
    assert header_props is not None and header_props.find(qn("w:tblHeader")) is not None
    themes = {r.theme for r in store.records(store.revision(store.resolve_plan(None), None))}
    assert len(appendix.rows) == 1 + 27 + len(themes)
    width, height = doc.sections[-1].page_width, doc.sections[-1].page_height
    assert width is not None and height is not None and width > height
    shaded = [
        c
        for row in appendix.rows[1:]
        for c in row.cells
        if c._tc.tcPr is not None and c._tc.tcPr.find(qn("w:shd")) is not None
    ]
    assert shaded and all(c.text.strip() for c in shaded)  # colour only where there is a status word
    footer_xml = doc.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml
    assert any("Cross-references:" in t and "R27 → see R17" in t for t in texts)


def test_pdf_repeats_header_and_appendix_reextracts(store: Store, meta: Path, tmp_path: Path) -> None:
    require_tool("soffice")
    pdftoppm = require_tool("pdftoppm")
    _docx, pdf, _ = build_paper(store, tmp_path / "paper.docx", meta_path=meta, pdf=True)
    assert pdf is not None and pdf.stat().st_size > 10_000
    extraction = extract_plan(pdf)
    stored = {r.id: r for r in store.records(store.revision(store.resolve_plan(None), None))}
    got = {r.id: r for r in extraction.records}
    assert set(got) == set(stored)
    for ident, rec in stored.items():
        back = got[ident]
        assert squash(back.recommendation) == squash(rec.recommendation), ident
        assert squash(back.proposed_actions) == squash(rec.proposed_actions), ident
        assert squash(back.progress) == squash(rec.progress), ident
        assert back.timescale.text == rec.timescale.text and back.status.text == rec.status.text, ident
        assert back.owners == rec.owners and back.theme == rec.theme, ident
    # every appendix page shows the header row: check the text layer and the rendered pixels of each page
    import pdfplumber

    appendix_pages = sorted({p for r in extraction.records for p in r.pages})
    with pdfplumber.open(pdf) as opened:
        for number in appendix_pages:
            words = opened.pages[number - 1].extract_words()
            top = min(w["top"] for w in words if w["text"] == "Proposed")
            assert top < 120, f"page {number}: header not at the top"
    first = appendix_pages[1]
    out = tmp_path / "page"
    subprocess.run([pdftoppm, "-r", "40", "-png", "-f", str(first), "-l", str(first), str(pdf), str(out)], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    darkest = image.getextrema()[0]
    assert isinstance(darkest, int | float) and darkest < 100  # the page is drawn, not blank


def test_template_supplies_styles_and_page_setup(store: Store, tmp_path: Path) -> None:
    template = tmp_path / "council.docx"
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(3.2)
    doc.styles["Normal"].font.name = "Georgia"
    doc.styles["Heading 1"].font.name = "Verdana"
    doc.styles["Heading 1"].font.size = Pt(17)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "navy").save(logo)
    header = section.header.paragraphs[0]
    header.add_run().add_picture(str(logo), width=Cm(3))
    header.add_run(" Kent County Council")
    doc.add_paragraph("Template body text to be replaced")
    doc.save(str(template))
    docx, _, notes = build_paper(store, tmp_path / "paper.docx", template=template, as_of=date(2016, 1, 21))
    out = Document(str(docx))
    margin = out.sections[0].left_margin
    assert margin is not None and abs(margin - Cm(3.2)) < Cm(0.01)
    assert out.styles["Normal"].font.name == "Georgia" and out.styles["Heading 1"].font.size == Pt(17)
    assert "Kent County Council" in out.sections[0].header.paragraphs[0].text
    assert out.sections[0].header._element.xpath(".//pic:pic")
    assert "Template body text to be replaced" not in _texts(out)
    assert notes == []


def test_template_without_a_style_says_so(store: Store, tmp_path: Path) -> None:
    template = tmp_path / "bare.docx"
    doc = Document()
    styles = doc.styles.element
    for style in list(styles):
        if style.get(qn("w:styleId")) in ("TableGrid", "ListBullet"):
            styles.remove(style)
    doc.save(str(template))
    docx, _, notes = build_paper(store, tmp_path / "paper.docx", template=template, as_of=date(2016, 1, 21))
    assert any("'Table Grid'" in n for n in notes) and any("'List Bullet'" in n for n in notes)
    assert Document(str(docx)).tables


def test_closure_leaves_main_sections_and_owner_workbooks(tmp_path: Path, meta: Path) -> None:
    opened = Store(f"sqlite:///{tmp_path / 's.db'}")
    for name in ("kcc-2015", "kcc-2015q4"):
        ingest_file(opened, DATA / f"{name}.pdf")
    close_records(opened, ["R1", "R9"], "Scrutiny Committee, 21 January 2016")
    docx, _, _ = build_paper(opened, tmp_path / "paper.docx", meta_path=meta)
    texts = _texts(Document(str(docx)))
    closure = texts[texts.index("5. Recommendations proposed for closure") : texts.index("6. Background documents")]
    assert not any(t.startswith(("R1:", "R9:")) for t in closure)
    assert any("R1 (Scrutiny Committee, 21 January 2016)" in t for t in closure)
    assert any(t.startswith("Closed by the Committee:") and "R9: closed" in t for t in texts)
    written = list(make_owner_workbooks(opened, tmp_path / "owners").files)
    import openpyxl

    ids = {
        row[0].value
        for _, path in written
        for row in openpyxl.load_workbook(path)["Updates"].iter_rows(min_row=4)
        if row[0].value
    }
    assert "R1" not in ids and "R9" not in ids and "R2" in ids
    opened.close()


def test_cli_report_close_and_errors(store: Store, meta: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["report", "--meta", str(meta), "-o", str(tmp_path / "p.docx"), "--store", store.url])
    assert out.exit_code == 0 and (tmp_path / "p.docx").exists()
    bad_meta = tmp_path / "bad.toml"
    bad_meta.write_text('colour = "blue"\n')
    out = runner.invoke(main, ["report", "--meta", str(bad_meta), "-o", str(tmp_path / "q.docx"), "--store", store.url])
    assert out.exit_code == 2 and "unknown keys colour" in out.stderr and not (tmp_path / "q.docx").exists()
    out = runner.invoke(main, ["close", "R99", "--agreed", "Committee", "--store", store.url])
    assert out.exit_code == 2 and "R99" in out.stderr


def test_pdf_without_libreoffice_is_a_clear_error(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    out = CliRunner().invoke(main, ["report", "--pdf", "-o", str(tmp_path / "p.docx"), "--store", store.url])
    assert out.exit_code == 2 and "libreoffice-writer-nogui" in out.stderr
