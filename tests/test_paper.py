"""The committee paper: read back with python-docx, rendered to PDF, and its appendix re-extracted (the closed loop)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from PIL import Image

from pipeline.cli import main
from pipeline.committee import build_paper, close_records
from pipeline.extraction import extract_plan
from pipeline.ingest import ingest_file
from pipeline.matching import squash
from pipeline.store import Store
from pipeline.update_round import make_owner_workbooks
from pipeline.words import summarise
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


def _header_block(doc: Any) -> dict[str, tuple[str, bool]]:
    """The first table's label: (value, every run bold)."""
    out = {}
    for row in doc.tables[0].rows:
        label, value = row.cells
        runs = [r for p in value.paragraphs for r in p.runs if r.text.strip()]
        out[label.text.rstrip(":")] = (value.text, bool(runs) and all(r.bold for r in runs))
    return out


def test_paper_reads_back(store: Store, meta: Path, tmp_path: Path) -> None:
    docx, pdf, notes = build_paper(store, tmp_path / "paper.docx", since="r2", meta_path=meta)
    assert pdf is None and notes == []
    doc = Document(str(docx))
    texts = _texts(doc)
    # the header block: a borderless two-column table, values in bold, as a Kent report opens
    header = _header_block(doc)
    assert header["From"] == ("Roger Gough, Cabinet Member for Business Strategy, Audit and Transformation", True)
    assert header["To"] == ("Scrutiny Committee – 21 January 2016", True)
    assert header["Classification"] == ("Unrestricted", True)
    assert header["Past Pathway of report"] == ("Cabinet Member meeting, December 2015", True)
    borders = doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and {e.get(qn("w:val")) for e in borders} == {"nil"}
    # then the Summary and Recommendation(s), boxed (paragraph borders round both)
    summary = next(p for p in doc.paragraphs if p.text.startswith("Summary: "))
    assert "27 recommendations" in summary.text and "as at 21 January 2016" in summary.text
    assert "7 complete, 16 in progress and 4 not reported" in summary.text
    at = texts.index(summary.text)
    boxed = doc.paragraphs[at : at + 3]
    assert [p.text for p in boxed][1] == "Recommendation(s):"
    assert boxed[2].text.startswith("The Committee is asked to NOTE")
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None for p in boxed)
    # numbered headings (real heading styles, bold and black) and numbered paragraphs on a hanging indent
    h1 = [p.text for p in doc.paragraphs if _style_name(p) == "Heading 1"]
    assert h1 == [
        "1.\tIntroduction",
        "2.\tProgress overview",
        "3.\tChanges since the last report",
        "4.\tItems needing attention",
        "5.\tRecommendations proposed for closure",
        "6.\tBackground documents",
        "7.\tContact details",
        "Appendix A: Updated Action Plan (December 2015)",
    ]
    heading_font = doc.styles["Heading 1"].font
    assert heading_font.bold and heading_font.color.rgb == RGBColor(0, 0, 0)
    intro = next(p for p in doc.paragraphs if p.text.startswith("1.1\t"))
    assert intro.paragraph_format.first_line_indent < 0 < intro.paragraph_format.left_indent
    # exactly the q4 changes, every kind, as sentences
    start, end = texts.index("3.\tChanges since the last report"), texts.index("4.\tItems needing attention")
    changes = texts[start:end]
    moves = [t for t in changes if ": status changed from" in t]
    assert sorted(t.split(":")[0] for t in moves) == ["R1", "R13", "R26", "R9"]
    assert [t for t in changes if ": timescale changed" in t] == [
        "R24: timescale changed from “Early 2015” to “Spring 2016”, 397 days later (now due 31 May 2016)."
    ]
    assert "R19: Commissioning added as an owner." in changes
    progress = changes[changes.index("3.5\tNew progress:") + 1 :]
    assert [t.split(":")[0] for t in progress] == ["R1", "R24"]
    # no empty paragraphs used as spacing (table cells aside)
    assert not [p for p in doc.paragraphs if not p.text.strip() and not p._p.xpath(".//w:drawing")]
    # the chart has alternative text
    pics = doc.inline_shapes
    assert len(pics) == 1 and "Bar chart of recommendations" in pics[0]._inline.docPr.get("descr")
    # document properties
    assert doc.core_properties.title == "Commissioning Select Committee: update on the action plan"
    assert doc.core_properties.author == "Policy and Strategic Relationships"
    assert doc.core_properties.language == "en-GB"
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
    # column widths follow the text: the long prose columns are wider than the status column
    widths = [c.width for c in appendix.columns]
    assert widths[1] > 2 * widths[5] and widths[4] > 2 * widths[2]
    cell_sizes = {r.font.size for row in appendix.rows[1:] for c in row.cells for p in c.paragraphs for r in p.runs}
    assert cell_sizes == {Pt(9)}
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


def test_paper_prose_has_no_machine_words(store: Store, meta: Path, tmp_path: Path) -> None:
    """No ISO date, revision label, file name, field value or "(s)" plural in the body text; counts right-aligned;
    R5 and R27 reported as answered under R4 and R17, not as missing."""
    docx, _, _ = build_paper(store, tmp_path / "paper.docx", meta_path=meta)
    doc = Document(str(docx))
    appendix_at = next(i for i, p in enumerate(doc.paragraphs) if p.text.startswith("Appendix A"))
    body = [p.text for p in doc.paragraphs[:appendix_at]]
    body += [c.text for t in doc.tables[:-1] for row in t.rows for c in row.cells]
    text = "\n".join(body).replace("Recommendation(s):", "")  # the council's own label, as Kent prints it
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not re.search(r"\br\d+\b", text), "a revision label in the prose"
    assert ".pdf" not in text and "(s)" not in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a field value in the prose"
    records = store.records(store.revision(store.resolve_plan(None), None))
    words = {w for r in records for w in re.findall(r"\w+", f"{r.recommendation} {r.progress}")}
    cut = re.findall(r"(\w+)…", text)
    assert cut and all(w in words for w in cut), "a summary cut inside a word"
    assert "R5 is answered under R4" in text and "R27 is answered under R17" in text
    attention = doc.tables[3]
    assert {row.cells[0].text for row in attention.rows[1:]}.isdisjoint({"R5", "R27"})
    counts = doc.tables[1]
    assert all(row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for row in counts.rows[1:])


def test_summaries_end_at_a_sentence_or_word() -> None:
    assert summarise("One two three. Four five six seven eight nine ten.", 30) == "One two three."
    cut = summarise("balancing cost and maximising where appropriate the use of VCSE", 30)
    assert cut == "balancing cost and maximising…"
    assert summarise("short", 30) == "short"


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
    # the appendix takes no more pages than the plan it reprints (kcc-2015q4: 25 pages), the PDF is tagged
    # with its title and language, and its first page opens as a council report does
    source_pages = extract_plan(DATA / "kcc-2015q4.pdf").source.pages
    assert len(appendix_pages) <= source_pages, (len(appendix_pages), source_pages)
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert "Commissioning Select Committee: update on the action plan" in info
    import pdfplumber as plumber

    with plumber.open(pdf) as opened:
        assert opened.doc.catalog.get("Lang") == b"en-GB"
        page_one = opened.pages[0].extract_text() or ""
    order = [page_one.find(s) for s in ("From:", "To:", "Subject:", "Summary:", "Recommendation(s):", "Introduction")]
    assert -1 not in order and order == sorted(order), page_one
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
    closure = texts[texts.index("5.\tRecommendations proposed for closure") : texts.index("6.\tBackground documents")]
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
    assert "R1" not in ids and "R9" not in ids and "R3" in ids
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


def test_the_demo_meta_file_names_every_key_the_code_reads() -> None:
    from pipeline.meta import META_KEYS, load_meta

    path = Path(__file__).parent.parent / "input" / "paper.toml"
    text = path.read_text(encoding="utf-8")
    missing = [k for k in META_KEYS if not re.search(rf"^#?\s*\[?{k}\]?\s*=?", text, re.M)]
    assert not missing, f"input/paper.toml does not show {missing}"
    assert str(load_meta(path)["meeting_date"]) == "2016-01-21"


def test_a_plan_titled_by_its_file_name_is_named_in_plain_words() -> None:
    """A plan with no printed title is named "the action plan", and an update with no revision date by the day
    it was stored: never by its file name or label (as a real Kent paper with no heading above its table)."""
    from pipeline.records import Revision
    from pipeline.words import document_words, printed_title, revision_words

    stem = "full_council__2025-03-13__Appendix 1 - Executive Response"
    rev = Revision(1, stem, "r1", None, stem, f"{stem}.pdf", "0" * 64, 14, (), "2026-12-01T17:00:00", 1, "pdf", False)
    assert printed_title(rev) == "" and document_words(rev) == "Action plan"
    assert revision_words(rev) == "the update stored on 1 December 2026"
    dated = Revision(
        2, stem, "r2", "2015-12-31", "Appendix 1: Updated Action Plan", "x.pdf", "1" * 64, 25, (), "", 2, "pdf", False
    )
    assert printed_title(dated) == "Updated Action Plan" and revision_words(dated) == "the December 2015 update"
