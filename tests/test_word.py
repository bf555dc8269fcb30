"""Word plans: the .docx originals of the sample PDFs give their records cell for cell; Word plans made here (other
columns, merged cells, a label column, a response table, numbered lists) come out row for row; .doc, .odt and
.rtf through LibreOffice; bad Word files are one line and exit 2."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result
from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import _Cell

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.extraction import extract_plan
from pipeline.normalise import generated_id
from pipeline.records import Record
from pipeline.word import read_word
from pipeline.word.paragraphs import format_number
from tests import score_extract
from tests.conftest import DATA, require_tool, shared_extraction
from tests.scoring import cell_mismatches

ROOT = Path(__file__).resolve().parent.parent
ORIGINALS = ["kcc-2015", "kcc-2015q4"]
TEXTS = ("recommendation", "proposed_actions", "progress")
SAME = (
    "id",
    "number",
    "label",
    "theme",
    "parent",
    "timescale",
    "owners",
    "owner_keys",
    "status",
    "extra",
    "cross_refs",
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# --- the Word originals of the sample PDFs ---------------------------------------------------------------


@pytest.mark.parametrize("name", ORIGINALS)
def test_word_original_scores_full_marks(name: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.json"
    result = run("extract", str(DATA / f"{name}.docx"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert cell_mismatches(DATA / f"{name}.truth.json", json.loads(out.read_text(encoding="utf-8"))) == []
    scored = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "score_extract.py"), str(DATA / f"{name}.truth.json"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert scored.returncode == 0 and "cells 189/189 correct (100.0%)" in scored.stdout, scored.stdout


@pytest.mark.parametrize("name", ORIGINALS)
def test_word_and_pdf_of_one_document_give_the_same_records(name: str) -> None:
    word = extract_plan(DATA / f"{name}.docx").records
    pdf = shared_extraction(name).records
    assert [r.id for r in word] == [r.id for r in pdf] and len(word) == 27
    for w, p in zip(word, pdf, strict=True):
        for field in SAME:
            assert getattr(w, field) == getattr(p, field), (w.id, field)
        for field in TEXTS:
            # White space aside: Word keeps a paragraph break the PDF cannot see (R6 starts a paragraph at a full
            # line) and "pre- market" as typed, which the PDF reads as a word broken at the line's end.
            assert score_extract.norm(getattr(w, field)) == score_extract.norm(getattr(p, field)), (w.id, field)


def test_a_word_record_has_its_table_row_and_no_pages() -> None:
    extraction = extract_plan(DATA / "kcc-2015.docx")
    source = extraction.source
    assert (source.format, source.pages, source.title, source.title_from) == (
        "docx",
        0,
        "Appendix 1: Updated Action Plan",
        "printed",
    )
    assert source.sha256 == __import__("hashlib").sha256((DATA / "kcc-2015.docx").read_bytes()).hexdigest()
    assert [t.pages for t in source.tables] == [()] and source.tables[0].used
    rows = {r.id: r.table_row for r in extraction.records}
    assert rows["R1"] == 2 and rows["R2"] == 4 and rows["R3"] == 5  # row 0 the header, 1 and 3 theme rows
    assert all(r.pages == () and r.bboxes == () for r in extraction.records)
    assert not [i for i in extraction.issues if i.severity == "error"]


def test_ingesting_the_word_file_then_its_pdf_changes_nothing(tmp_path: Path) -> None:
    from pipeline.ingest import ingest_file
    from pipeline.store import Store

    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    first = ingest_file(store, DATA / "kcc-2015.docx")
    second = ingest_file(store, DATA / "kcc-2015.pdf")
    assert first.revision.kind == "docx" and second.revision.kind == "pdf"
    assert second.revision.plan == first.revision.plan and second.revision.label == "r2"
    assert second.diff is not None and second.diff.changes == ()
    assert second.diff.columns_added == () and second.diff.columns_removed == ()


# --- Word plans made here ---------------------------------------------------------------------------------


def _fill(cell: _Cell, text: str, *, style: str | None = None, bold: bool = False) -> None:
    """Put text in a cell, one paragraph a line ("|" within a line is a line break inside the paragraph)."""
    for p in list(cell.paragraphs)[1:]:
        p._element.getparent().remove(p._element)
    first = cell.paragraphs[0]
    for r in list(first.runs):
        r._element.getparent().remove(r._element)
    for i, line in enumerate(text.split("\n") if text else []):
        p = first if i == 0 else cell.add_paragraph()
        if style:
            p.style = style
        for j, piece in enumerate(line.split("|")):
            if j:
                p.runs[-1].add_break(WD_BREAK.LINE)
            p.add_run(piece).bold = bold


def _table(doc: Document, header: list[str], rows: list[list[str]], *, repeat: bool = True) -> Any:
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _fill(cell, text, bold=True)
    if repeat:
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for row, texts in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            _fill(cell, text)
    return table


def _across(table: Any, row: int, text: str) -> None:
    """Make a row one cell across the table, holding a theme."""
    cells = table.rows[row].cells
    merged = cells[0].merge(cells[-1])
    _fill(merged, text)


def _down(table: Any, col: int, first: int, last: int, text: str) -> None:
    """Merge a column's cells from row `first` to `last` (w:vMerge) and put text in the merged cell."""
    merged = table.cell(first, col).merge(table.cell(last, col))
    _fill(merged, text)


def _restarted_list(doc: Document) -> str:
    """Add a list instance of Word's "List Number" numbering that starts again at 1; return its numId."""
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num_id = str(100 + len(numbering.findall(qn("w:num"))))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    return num_id


def _number(cell: _Cell, num_id: str) -> None:
    """Number every paragraph of a cell in the given list."""
    for p in cell.paragraphs:
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
        )


@dataclass(frozen=True)
class Row:
    """What one record must read as."""

    id: str
    theme: str | None
    recommendation: str
    proposed_actions: str
    timescale: str
    owners: tuple[str, ...]
    progress: str
    status: str
    parent: str | None = None
    table_row: int | None = None


def _as_rows(records: tuple[Record, ...]) -> list[Row]:
    return [
        Row(
            r.id,
            r.theme,
            r.recommendation,
            r.proposed_actions,
            r.timescale.text,
            r.owners,
            r.progress,
            r.status.text,
            r.parent,
            r.table_row,
        )
        for r in records
    ]


def _repairs_plan(path: Path) -> list[Row]:
    """A label column ("Ref"), other names and order, themes across the table, a recommendation and its label
    merged down over three action rows, paragraphs and a line break in cells; a risk table before it."""
    doc = docx.Document()
    doc.add_heading("Risks", level=2)
    _table(
        doc,
        ["Risk", "Likelihood", "Mitigating actions", "Owner"],
        [["Contractor fails", "Low", "Two suppliers", "Procurement"]],
    )
    doc.add_heading("Housing Repairs Scrutiny Review: Action Plan", level=1)
    doc.add_paragraph("The review's recommendations and the actions agreed.")
    header = ["Ref", "Recommendation", "Agreed actions", "Lead officer", "Target date", "Progress update", "RAG status"]
    body = [
        [""] * 7,
        ["1", "Publish repair timescales online.", "Add timescales to the website.", "Head of Repairs", "June 2025", "Published in May.", "Green"],
        ["", "", "Stock vans with common parts.", "Fleet Manager", "March 2025", "Vans stocked.", "Green"],
        ["", "", "Train operatives in diagnosis.", "Training Lead", "September 2025", "Two courses run.", "Amber"],
        ["", "", "Report the fix rate quarterly.", "Performance Team", "Quarterly", "", "Not started"],
        [""] * 7,
        [
            "3",
            "Text tenants before each visit.\n(Agreed by Cabinet.)",
            "Procure a texting service.|Link it to the repairs system.",
            "Customer Services\nICT",
            "December 2025",
            "Supplier chosen.\nContract signed in April.",
            "Amber",
        ],
    ]  # fmt: skip
    table = _table(doc, header, body)
    _across(table, 1, "Theme 1: Responsive repairs")
    _down(table, 0, 3, 5, "2")
    _down(table, 1, 3, 5, "Improve first-time fix rates.")
    _across(table, 6, "Theme 2: Communication")
    nested = table.cell(2, 5).add_table(rows=2, cols=2)  # a small table inside a progress cell
    for cell, text in zip(
        [*nested.rows[0].cells, *nested.rows[1].cells], ["Quarter", "Jobs", "Q1", "120"], strict=True
    ):
        _fill(cell, text)
    doc.save(str(path))
    fix = "Improve first-time fix rates."
    return [
        Row("R1", "Theme 1: Responsive repairs", "Publish repair timescales online.", "Add timescales to the website.",
            "June 2025", ("Head of Repairs",), "Published in May.\nQuarter | Jobs\nQ1 | 120", "Green", None, 2),
        Row("R2.1", "Theme 1: Responsive repairs", fix, "Stock vans with common parts.", "March 2025",
            ("Fleet Manager",), "Vans stocked.", "Green", "R2", 3),
        Row("R2.2", "Theme 1: Responsive repairs", fix, "Train operatives in diagnosis.", "September 2025",
            ("Training Lead",), "Two courses run.", "Amber", "R2", 4),
        Row("R2.3", "Theme 1: Responsive repairs", fix, "Report the fix rate quarterly.", "Quarterly",
            ("Performance Team",), "", "Not started", "R2", 5),
        Row("R3", "Theme 2: Communication", "Text tenants before each visit.\n(Agreed by Cabinet.)",
            "Procure a texting service.\nLink it to the repairs system.", "December 2025", ("Customer Services", "ICT"),
            "Supplier chosen.\nContract signed in April.", "Amber", None, 7),
    ]  # fmt: skip


def _response_plan(path: Path) -> list[Row]:
    """A two-column response table ("Issue raised | Response") under a merged caption row, its title a bold
    paragraph, numbered and bulleted lists in the responses, the header typed again part-way down; no labels."""
    doc = docx.Document()
    doc.add_paragraph().add_run("Executive response to consultation feedback").bold = True
    body = [
        ["Parents asked for longer opening hours.", "We will open until 6pm.\nFirst on Mondays.\nThen every weekday."],
        ["Issue raised", "Response"],
        ["Some families cannot reach the centre.", "Outreach sessions:\nIn libraries\nIn schools"],
        ["Staff were praised.", "Thank you."],
    ]
    table = _table(doc, ["Issue raised", "Response"], body)
    caption = table.rows[0]._tr.addprevious  # a merged caption row above the header
    row = parse_xml(
        f'<w:tr {nsdecls("w")}><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>'
        "<w:p><w:r><w:t>Seashells Children's Centre</w:t></w:r></w:p></w:tc></w:tr>"
    )
    caption(row)
    numbered = table.rows[2].cells[1]  # rows: caption, header, then the body
    listed = _restarted_list(doc)
    for p in list(numbered.paragraphs)[1:]:
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{listed}"/></w:numPr>')
        )
    for p in list(table.rows[4].cells[1].paragraphs)[1:]:
        p.style = "List Bullet"
    doc.save(str(path))
    bullet = _bullet(doc)
    theme = "Seashells Children's Centre"
    return [
        Row(generated_id("Parents asked for longer opening hours."), theme, "Parents asked for longer opening hours.",
            "We will open until 6pm.\n1. First on Mondays.\n2. Then every weekday.", "", (), "", "", None, 2),
        Row(generated_id("Some families cannot reach the centre."), theme, "Some families cannot reach the centre.",
            f"Outreach sessions:\n{bullet} In libraries\n{bullet} In schools", "", (), "", "", None, 4),
        Row(generated_id("Staff were praised."), theme, "Staff were praised.", "Thank you.", "", (), "", "", None, 5),
    ]  # fmt: skip


def _bullet(doc: Document) -> str:
    """The bullet Word's "List Bullet" style prints, as normalise shows it."""
    numbering = doc.part.numbering_part.element
    num_id = doc.styles["List Bullet"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(num_id).abstractNumId.val
    found = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="0"]/w:lvlText/@w:val')
    text = str(found[0])
    return "•" if text and text[0] >= "\ue000" else text


def _reversed_plan(path: Path) -> list[Row]:
    """Columns in another order under other names, labels ("Rec 1") in the recommendation cell at the right, bold
    theme rows in the first cell alone, owners as a bulleted list, a tracked deletion and insertion."""
    doc = docx.Document()
    doc.core_properties.title = "Governance review"
    doc.add_paragraph("Appendix B sets out the responses.")
    header = ["Status", "Update", "Owner(s)", "Deadline", "Action(s)", "Recommendation"]
    body = [
        ["Governance", "", "", "", "", ""],
        ["Complete", "Done.", "Chief Executive\nMonitoring Officer", "31 March 2026", "Adopt a new constitution.", "Rec 1 Review the constitution."],
        ["In progress", "Drafting.", "Head of Legal", "2026/27", "Consult members.", "Rec 2 Refresh member training."],
        ["Finance", "", "", "", "", ""],
        ["Not started", "", "Section 151 Officer", "Ongoing", "Publish a medium-term plan.", "Rec 3 Set a balanced budget."],
    ]  # fmt: skip
    table = _table(doc, header, body, repeat=False)
    for row in (1, 4):
        _fill(table.cell(row, 0), body[row - 1][0], bold=True)
    for p in table.cell(2, 2).paragraphs:
        p.style = "List Bullet"
    _down(table, 1, 2, 3, "Both under way.")  # one update shared by two rows: each row has it
    p = table.cell(3, 5).paragraphs[0]
    p._p.append(
        parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="A"><w:r><w:delText> (old)</w:delText></w:r></w:del>')
    )
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="A"><w:r><w:t> Yearly.</w:t></w:r></w:ins>'))
    doc.save(str(path))
    return [
        Row("R1", "Governance", "Review the constitution.", "Adopt a new constitution.", "31 March 2026",
            ("Chief Executive", "Monitoring Officer"), "Both under way.", "Complete", None, 2),
        Row("R2", "Governance", "Refresh member training. Yearly.", "Consult members.", "2026/27",
            ("Head of Legal",), "Both under way.", "In progress", None, 3),
        Row("R3", "Finance", "Set a balanced budget.", "Publish a medium-term plan.", "Ongoing",
            ("Section 151 Officer",), "", "Not started", None, 5),
    ]  # fmt: skip


PLANS: dict[str, Callable[[Path], list[Row]]] = {
    "label column, merged action rows": _repairs_plan,
    "response table, lists": _response_plan,
    "reversed columns, bold themes": _reversed_plan,
}


@pytest.mark.parametrize("kind", sorted(PLANS))
def test_a_word_plan_made_here_comes_out_row_for_row(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    want = PLANS[kind](path)
    extraction = extract_plan(path)
    assert _as_rows(extraction.records) == want
    assert extraction.source.format == "docx"


def test_titles_come_from_the_heading_above_the_table_else_bold_else_the_properties(tmp_path: Path) -> None:
    titles = []
    for make in (_repairs_plan, _response_plan, _reversed_plan):
        make(tmp_path / "plan.docx")
        source = extract_plan(tmp_path / "plan.docx").source
        titles.append((source.title, source.title_from))
    assert titles == [
        ("Housing Repairs Scrutiny Review: Action Plan", "printed"),
        ("Executive response to consultation feedback", "printed"),
        ("Governance review", "metadata"),
    ]


def test_the_risk_table_is_listed_and_left_out(tmp_path: Path) -> None:
    _repairs_plan(tmp_path / "plan.docx")
    tables = extract_plan(tmp_path / "plan.docx").source.tables
    assert [(t.index, t.kind, t.used) for t in tables] == [(1, "other", False), (2, "plan", True)]
    assert "a column 'likelihood', which plans do not have" in tables[0].reason
    assert [c.field for c in tables[1].columns] == [
        "label",
        "recommendation",
        "proposed_actions",
        "owners",
        "timescale",
        "progress",
        "status",
    ]


def test_the_table_option_picks_a_word_table(tmp_path: Path) -> None:
    _repairs_plan(tmp_path / "plan.docx")
    with pytest.raises(InputError, match=r"has no table 3 \(tables found: 1, 2\)"):
        read_word(tmp_path / "plan.docx", tables=[3])
    assert len(read_word(tmp_path / "plan.docx", tables=[2]).rows) == 7


RUNS = {
    "tab and symbol": ('<w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:tab/><w:t>Policy</w:t></w:r>', ["\uf0b7 Policy"]),
    "line break": ("<w:r><w:t>One</w:t><w:br/><w:t>Two</w:t></w:r>", ["One", "Two"]),
    "hyperlink": (
        '<w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink><w:r><w:t>the site</w:t></w:r></w:hyperlink>',
        ["See the site"],
    ),
    "field code left out": (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>',
        ["7"],
    ),
    "tracked changes": (
        '<w:r><w:t>Kept</w:t></w:r><w:del w:id="1" w:author="A"><w:r><w:delText> gone</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve"> added</w:t></w:r></w:ins>',
        ["Kept added"],
    ),
    "no-break hyphen": ("<w:r><w:t>e</w:t><w:noBreakHyphen/><w:t>learning</w:t></w:r>", ["e-learning"]),
    "spacing collapsed": ('<w:r><w:t xml:space="preserve">  R1.   Support  </w:t></w:r>', ["R1. Support"]),
    "text box left out": (
        '<w:r><w:t>Cell</w:t></w:r><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
        'markup-compatibility/2006"><mc:Fallback><w:pict><w:t>box</w:t></w:pict></mc:Fallback></mc:AlternateContent></w:r>',
        ["Cell"],
    ),
}


@pytest.mark.parametrize("kind", sorted(RUNS))
def test_a_paragraph_reads_as_it_prints(kind: str) -> None:
    from pipeline.word.paragraphs import Numbering, ParagraphReader, Styles

    runs, lines = RUNS[kind]
    styles = Styles(None)
    reader = ParagraphReader(styles, Numbering(None, styles))
    assert list(reader.read(parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>")).lines) == lines


@pytest.mark.parametrize(
    ("n", "fmt", "printed"),
    [
        (3, "decimal", "3"),
        (1, "lowerLetter", "a"),
        (27, "upperLetter", "AA"),
        (4, "lowerRoman", "iv"),
        (1994, "upperRoman", "MCMXCIV"),
        (7, "decimalZero", "07"),
        (12, "ordinal", "12th"),
        (22, "ordinal", "22nd"),
    ],
)
def test_list_numbers_print_as_word_prints_them(n: int, fmt: str, printed: str) -> None:
    assert format_number(n, fmt) == printed


# --- .doc, .odt and .rtf through LibreOffice -------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2015 original saved by LibreOffice as .odt, .doc and .rtf."""
    soffice = require_tool("soffice")
    folder = tmp_path_factory.mktemp("converted")
    out = {}
    for kind in ("odt", "doc", "rtf"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                kind,
                "--outdir",
                str(folder),
                str(DATA / "kcc-2015.docx"),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        out[kind] = folder / f"kcc-2015.{kind}"
    return out


@pytest.mark.parametrize("kind", ["odt", "doc", "rtf"])
def test_other_word_processor_files_are_read_through_libreoffice(
    kind: str, converted: dict[str, Path], tmp_path: Path
) -> None:
    given = tmp_path / "plan.bin"  # told apart by its bytes, not its name
    shutil.copy(converted[kind], given)
    out = tmp_path / "out.json"
    result = run("extract", str(given), "-o", str(out))
    assert result.exit_code == 0, result.output
    read = json.loads(out.read_text(encoding="utf-8"))
    assert cell_mismatches(DATA / "kcc-2015.truth.json", read) == []
    assert read["source"]["format"] == "docx" and read["source"]["path"] == str(given)
    assert read["source"]["sha256"] == __import__("hashlib").sha256(given.read_bytes()).hexdigest()


def test_without_libreoffice_an_odt_names_the_package(
    converted: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run("extract", str(converted["odt"]))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and str(converted["odt"]) in lines[0] and "apt-get install libreoffice-writer-nogui" in lines[0]
    )


# --- bad Word files ---------------------------------------------------------------------------------------


def _ole(path: Path, streams: dict[str, bytes]) -> None:
    """Write a minimal OLE compound file (version 3, 512-byte sectors) holding the given streams, each padded to
    4096 bytes so it lives in ordinary sectors: enough for a reader to list them."""
    sector = 512
    datas = [s.ljust(4096, b"\0") for s in streams.values()]
    counts = [len(d) // sector for d in datas]
    fat_at, dir_at = 0, 1
    first = 2
    starts = []
    for c in counts:
        starts.append(first)
        first += c
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    for s, c in zip(starts, counts, strict=True):
        fat += [s + k + 1 for k in range(c - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IIH", start, size, 0)
            + b"\0" * 2
        )

    names = list(streams)
    entries = [entry("Root Entry", 5, 1, 0xFFFFFFFF, 0xFFFFFFFE, 0)]
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        nxt = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries.append(entry(name, 2, 0xFFFFFFFF, nxt, starts[i], len(data)))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_at, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<I", fat_at)
        + struct.pack("<I", 0xFFFFFFFF) * 108
    )
    path.write_bytes(header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(datas))


def _zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("word/document.xml", "w") as part:
        for _ in range(8):
            part.write(b" " * 2**20)


def _macros(path: Path) -> None:
    good = (DATA / "kcc-2015.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/vbaProject.bin", b"macro")


def _doc_flags(flags: int) -> bytes:
    return struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0, 0, flags)


BAD_WORD: dict[str, tuple[Callable[[Path], object], str]] = {
    "not a zip": (lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 300), "damaged Word document"),
    "truncated": (lambda p: p.write_bytes((DATA / "kcc-2015.docx").read_bytes()[:5000]), "damaged Word document"),
    "zip bomb": (_bomb, "zip bomb"),
    "macros": (_macros, "contains macros"),
    "encrypted docx": (
        lambda p: _ole(p, {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"}),
        "is password-protected (encrypted)",
    ),
    "encrypted doc": (lambda p: _ole(p, {"WordDocument": _doc_flags(0x0100)}), "password-protected .doc"),
    "old workbook": (lambda p: _ole(p, {"Workbook": b"x"}), "old Excel workbook"),
    "damaged ole": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "damaged Office file"),
    "workbook": (lambda p: _zip(p, {"xl/workbook.xml": b"<workbook/>"}), "Excel workbook"),
    "bad xml": (
        lambda p: _zip(p, {"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}),
        "cannot be read as a Word document",
    ),
    "no table": (lambda p: docx.Document().save(str(p)), "no action-plan table found"),
}


@pytest.mark.parametrize("kind", sorted(BAD_WORD))
@pytest.mark.parametrize("isolation", [[], ["--no-isolation"]], ids=["isolated", "in-process"])
def test_a_bad_word_file_is_one_line_and_exit_2(kind: str, isolation: list[str], tmp_path: Path) -> None:
    make, words = BAD_WORD[kind]
    bad = tmp_path / f"{kind.replace(' ', '-')}.docx"
    make(bad)
    out = tmp_path / "out.json"
    result = run("extract", str(bad), "-o", str(out), *isolation)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and words in lines[0] and "unexpected" not in lines[0]
    assert not out.exists()


def test_the_minimal_ole_files_are_read_as_ole(tmp_path: Path) -> None:
    import olefile

    _ole(tmp_path / "x.bin", {"EncryptionInfo": b"a", "EncryptedPackage": b"b"})
    ole = olefile.OleFileIO(str(tmp_path / "x.bin"))
    assert sorted(ole.listdir()) == [["EncryptedPackage"], ["EncryptionInfo"]]
    ole.close()


def test_a_zip_bomb_is_refused_before_python_docx_sees_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*_args: Any) -> Any:
        raise AssertionError("python-docx was given a zip bomb")

    monkeypatch.setattr("docx.Document", parse)
    _bomb(tmp_path / "bomb.docx")
    with pytest.raises(InputError, match="zip bomb"):
        read_word(tmp_path / "bomb.docx")


@pytest.mark.parametrize("command", ["validate", "ingest"])
def test_validate_and_ingest_read_word_too(command: str, tmp_path: Path) -> None:
    args = [command, str(DATA / "kcc-2015.docx")]
    if command == "ingest":
        args += ["--store", str(tmp_path / "store.db")]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "27 records" in result.output


def test_pages_mean_nothing_in_a_word_file() -> None:
    result = run("extract", str(DATA / "kcc-2015.docx"), "--pages", "2-3")
    assert result.exit_code == 2 and "has no pages to look in" in result.stderr


def test_the_web_upload_takes_a_word_file(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from pipeline.web import create_app
    from tests.webapp import LOCAL, csrf_of, store_of

    app = create_app(str(tmp_path / "new.db"))
    with TestClient(app, base_url=LOCAL) as client:
        token = csrf_of(client, "/upload")
        data = (DATA / "kcc-2015.docx").read_bytes()
        response = client.post("/upload", data={"csrf_token": token}, files={"files": ("kcc-2015.docx", data, "x")})
        assert response.status_code == 200 and "This is the plan’s first revision." in response.text
        store = store_of(client)
        revision = store.revisions(store.plans()[0])[0]
        assert (revision.source, revision.kind) == ("kcc-2015.docx", "docx")
        assert len(store.records(revision)) == 27
