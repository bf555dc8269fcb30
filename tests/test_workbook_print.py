"""Workbooks that print and read as their users would: page setup, row heights, the owner workbook's layout and
protection, the round's dates and contact, plain words; checked with openpyxl and, where it matters, by
printing them with LibreOffice (pdfinfo, pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cli import main
from pipeline.export.printing import MAX_ROW_POINTS, drop_empty_columns, row_points, text_lines
from pipeline.ingest import ingest_extraction
from pipeline.meta import long_date
from pipeline.returns import read_return
from pipeline.store import Store
from pipeline.update_round import collect_returns, make_owner_workbooks, make_tracker
from tests.conftest import DATA, require_tool, shared_extraction

AS_OF = date(2016, 1, 21)
BACK = {"return_by": date(2016, 3, 4), "contact": ("Jane Smith, Policy Officer", "jane.smith@kent.gov.uk")}
INPUTS = ["Progress update", "Proposed status", "Revised timescale", "Reason for new timescale"]
INPUTS += ["Evidence or links", "Comments"]
# A workbook the code of commit 8a0a8a0 handed out, before this layout (see tests/data/stores/README.md).
OLD_WORKBOOK = DATA / "stores" / "owner-8a0a8a0-procurement.xlsx"


@pytest.fixture
def store_two(store_2015: Store) -> Store:
    """The 2015 plan and its December 2015 update: two revisions, so the tracker has changes to show."""
    ingest_extraction(store_2015, shared_extraction("kcc-2015q4"), DATA / "kcc-2015q4.pdf")
    return store_2015


def _owner_books(store: Store, folder: Path, **options: Any) -> dict[str, Path]:
    written = make_owner_workbooks(store, folder, as_of=AS_OF, **BACK, **options)  # type: ignore[arg-type]
    return dict(written.files)


def _header(ws: Worksheet, row: int = 3) -> list[str]:
    return [str(c.value) if c.value is not None else "" for c in ws[row]]


def _texts(ws: Worksheet) -> Iterator[str]:
    for row in ws.iter_rows(values_only=True):
        yield from (v for v in row if isinstance(v, str))


# ---------------------------------------------------------------- page setup, read back with openpyxl


def test_every_sheet_prints_landscape_on_a4_one_page_wide_with_its_header_repeated(
    store_two: Store, tmp_path: Path
) -> None:
    tracker = openpyxl.load_workbook(make_tracker(store_two, tmp_path / "tracker.xlsx", as_of=AS_OF).path)
    owner = openpyxl.load_workbook(_owner_books(store_two, tmp_path / "owners", include_complete=True)["Commissioning"])
    repeated = {"Tracker": "3:3", "Changes": "3:3", "Updates": "3:3", "Completed": "3:3", "Summary": "1:1"}
    repeated |= {"Issues": "1:1", "About": "1:1"}
    plan = store_two.resolve_plan(None).name
    seen = []
    for wb in (tracker, owner):
        for ws in wb.worksheets:
            if ws.sheet_state == "hidden":
                continue
            seen.append(ws.title)
            setup = ws.page_setup
            assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
            assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
            assert (ws.print_title_rows or "").replace("$", "") == repeated.get(ws.title, ""), ws.title
            assert plan in (ws.oddFooter.left.text or "")
            assert "revision r2" in (ws.oddFooter.left.text or "")
            assert ws.oddFooter.right.text == "Page &P of &N"
    assert seen == ["Tracker", "Changes", "Summary", "Issues", "About", "Updates", "Completed", "Instructions"]


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("", 10, 1),
        ("Ongoing", 10, 1),
        ("first line\nsecond line", 40, 2),
        ("word " * 20, 30, 4),  # 100 characters in a column 30 wide
        ("x" * 100, 10, 11),  # one long word, broken
        ("The Commissioning Framework will be refreshed in 2016.", 60, 1),
    ],
)
def test_text_lines_counts_the_lines_a_cell_wraps_to(text: str, width: float, lines: int) -> None:
    assert text_lines(text, width) == lines


def test_rows_are_as_tall_as_their_wrapped_text(store_two: Store, tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(make_tracker(store_two, tmp_path / "tracker.xlsx", as_of=AS_OF).path)["Tracker"]
    header = _header(ws)
    progress, ident = header.index("Progress to date") + 1, header.index("ID") + 1
    heights = {ws.cell(r, ident).value: ws.row_dimensions[r].height for r in range(4, ws.max_row + 1)}
    assert all(h is not None and 15 < h <= MAX_ROW_POINTS for h in heights.values())
    by_length = sorted(range(4, ws.max_row + 1), key=lambda r: len(str(ws.cell(r, progress).value or "")))
    short, longest = by_length[0], by_length[-1]
    assert ws.row_dimensions[longest].height > 2 * (ws.row_dimensions[short].height or 0)
    width = ws.column_dimensions[ws.cell(3, progress).column_letter].width
    cell = ws.cell(longest, progress)
    size = float(cell.font.sz or 11)
    # the longest progress text (some 2,900 characters) needs a taller row than Excel allows at 11 pt:
    # it is set smaller, so that all of it shows
    assert size < 11 and row_points(text_lines(str(cell.value), width, size), size) <= MAX_ROW_POINTS


def test_empty_and_zero_columns_are_left_out() -> None:
    columns = [("ID", 8.0), ("RAG rating", 8.0), ("Count", 8.0), ("Flag", 8.0)]
    kept, rows = drop_empty_columns(columns, [["R1", "", 0, "No"], ["R2", None, 0, "No"]])
    assert [n for n, _ in kept] == ["ID", "Flag"] and rows == [["R1", "No"], ["R2", "No"]]


# ---------------------------------------------------------------- the owner workbook


def test_the_owner_types_right_of_the_recommendation_with_id_and_header_frozen(
    store_2015: Store, tmp_path: Path
) -> None:
    ws = openpyxl.load_workbook(_owner_books(store_2015, tmp_path / "owners")["Commissioning"])["Updates"]
    header = _header(ws)
    first_input = header.index("Progress update") + 1
    assert header[:2] == ["ID", "Recommendation"] and first_input <= 5
    assert header[first_input - 1 : first_input - 1 + len(INPUTS)] == INPUTS
    assert header[-1] == "Your notes" and ws.freeze_panes == "B4"
    last = ws.max_row
    for j, name in enumerate(header, start=1):
        open_cell = name in INPUTS or name == "Your notes"
        assert all(ws.cell(r, j).protection.locked is not open_cell for r in range(4, last + 1)), name


def test_the_owner_workbook_promises_only_what_a_protected_sheet_allows(store_2015: Store, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_owner_books(store_2015, tmp_path / "owners")["Commissioning"])
    ws = wb["Updates"]
    flags = ws.protection  # openpyxl's flags say what is locked: False allows it
    assert flags.sheet and flags.autoFilter is False and flags.sort is True
    assert flags.formatColumns is False and flags.formatRows is False
    assert ws.auto_filter.ref == f"A3:{ws.cell(3, ws.max_column).column_letter}{ws.max_row}"
    guide = " ".join(_texts(wb["Instructions"])).lower()
    assert "filter" in guide and "your notes" in guide and "sort" not in guide


def test_return_by_date_contact_and_reporting_date_are_printed(store_2015: Store, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_owner_books(store_2015, tmp_path / "owners")["Policy"])
    top = str(wb["Updates"]["A2"].value)
    guide = " ".join(_texts(wb["Instructions"]))
    for text in (top, guide):
        assert "by 4 March 2016" in text and "Jane Smith, Policy Officer (jane.smith@kent.gov.uk)" in text
        assert "Reporting date: 21 January 2016" in text
    assert "Revision date: " in top


def test_complete_items_are_left_out_or_listed_on_a_locked_sheet_collect_ignores(
    store_2015: Store, tmp_path: Path
) -> None:
    rev = store_2015.revisions(store_2015.resolve_plan(None))[-1]
    records = [r for r in store_2015.records(rev) if "Commissioning" in r.owner_keys]
    done = [r.id for r in records if r.status.value == "complete"]
    open_ids = [r.id for r in records if r.status.value != "complete"]
    assert done == ["R4", "R22"]
    plain = openpyxl.load_workbook(_owner_books(store_2015, tmp_path / "a")["Commissioning"])
    assert "Completed" not in plain.sheetnames
    assert [r[0] for r in plain["Updates"].iter_rows(min_row=4, values_only=True)] == open_ids
    path = _owner_books(store_2015, tmp_path / "b", include_complete=True)["Commissioning"]
    wb = openpyxl.load_workbook(path)
    sheet = wb["Completed"]
    assert [r[0] for r in sheet.iter_rows(min_row=4, values_only=True)] == done
    assert sheet.protection.sheet and all(c.protection.locked for row in sheet.iter_rows() for c in row)
    assert not {"Progress update", "Proposed status"} & set(_header(sheet))
    assert [r.id for r in read_return(path).rows] == open_ids


def test_collect_reads_a_workbook_of_the_layout_before_and_of_this_one(store_2015: Store, tmp_path: Path) -> None:
    old = tmp_path / "old-procurement.xlsx"
    shutil.copy(OLD_WORKBOOK, old)
    new = _owner_books(store_2015, tmp_path / "owners")["Procurement"]
    for path, evidence, ident in ((old, "Evidence / links", "R13"), (new, "Evidence or links", "R20")):
        wb = openpyxl.load_workbook(path)
        ws = wb["Updates"]
        header = _header(ws)
        assert evidence in header  # each layout spells it its own way
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == ident)
        ws.cell(row, header.index("Progress update") + 1).value = f"Update on {ident}."
        ws.cell(row, header.index(evidence) + 1).value = f"https://example.gov.uk/{ident}"
        wb.save(path)
    assert _header(openpyxl.load_workbook(old)["Updates"])[:3] == ["ID", "Theme", "Recommendation"]
    done = collect_returns(store_2015, [old, new], tmp_path / "report.xlsx", today=AS_OF)
    assert not done.stale and not done.rejected and done.draft is not None
    assert sorted(line.marker.split(" ")[0] for line in done.returns) == ["signed", "unsigned"]
    draft = {r.id: r for r in store_2015.records(done.draft)}
    for ident in ("R13", "R20"):
        (update,) = draft[ident].updates
        assert update.progress == f"Update on {ident}." and update.evidence == f"https://example.gov.uk/{ident}"


# ---------------------------------------------------------------- words and the reporting date


def test_the_tracker_says_everything_in_words(store_two: Store, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(make_tracker(store_two, tmp_path / "tracker.xlsx", as_of=AS_OF).path)
    changes = [str(v) for v in _texts(wb["Changes"])]
    assert "Owners: added Commissioning" in changes
    assert "Status: Ongoing (in progress) → Delivered (complete)" in changes
    assert any(c.startswith("Timescale: “Early 2015” → “Spring 2016” (now due 31 May 2016") for c in changes)
    for ws in wb.worksheets:
        for text in _texts(ws):
            assert not re.search(r"\{\+|\[-|\['|'\]|status value|_(?:complete|progress|started|reported)\b", text), text
        header = _header(ws, 3 if ws.title in ("Tracker", "Changes") else 1)
        for name in filter(None, header):
            words = name.split()
            assert words[0][0].isupper() and all(w.islower() or w in ("ID", "RAG") for w in words[1:]), name
    tracker = wb["Tracker"]
    header = _header(tracker)
    assert {"Due date", "Status", "No new progress"} <= set(header) and "RAG rating" not in header
    statuses = {r[header.index("Status")] for r in tracker.iter_rows(min_row=4, values_only=True)}
    assert statuses == {"Complete", "In progress", "Not reported"}
    summary = wb["Summary"]
    assert _header(summary, 1) == ["Theme", "Complete", "In progress", "Not reported"]  # no all-zero columns


def test_the_reporting_date_comes_from_the_meta_file_and_is_printed(store_two: Store, tmp_path: Path) -> None:
    meta = tmp_path / "paper.toml"
    meta.write_text('plan_name = "Commissioning plan"\nmeeting_date = 2016-01-21\n', encoding="utf-8")
    out = CliRunner().invoke(
        main, ["tracker", "-o", str(tmp_path / "t.xlsx"), "--meta", str(meta), "--store", store_two.url]
    )
    assert out.exit_code == 0, out.output
    assert "reporting date 21 January 2016" in out.stdout
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    revision = store_two.revisions(store_two.resolve_plan(None))[-1]
    assert wb["Tracker"]["A1"].value == "Commissioning plan: revision r2"
    revision_date = long_date(revision.as_of) or "not given"
    assert wb["Tracker"]["A2"].value.startswith(f"Reporting date: 21 January 2016. Revision date: {revision_date}.")
    about = {r[0]: r[1] for r in wb["About"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert about["Reporting date"].startswith("21 January 2016") and about["Revision date"] == revision_date


def test_owner_workbook_options_on_the_command_line(store_2015: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["tracker", "--by-owner", str(tmp_path / "o"), "--as-of", "2016-01-21", "--store", store_2015.url]
    contact = ["--contact", "Jane Smith, Policy Officer <jane.smith@kent.gov.uk>"]
    out = runner.invoke(main, [*args, "--return-by", "2016-03-04", *contact, "--include-complete"])
    assert out.exit_code == 0, out.output
    assert "return by 4 March 2016 to Jane Smith, Policy Officer (jane.smith@kent.gov.uk)" in out.stdout
    assert "Completed" in openpyxl.load_workbook(tmp_path / "o" / "commissioning.xlsx").sheetnames
    for bad, words in (("--return-by", "4/3/16"), ("--contact", "Jane <no email")):
        result = runner.invoke(main, [*args, "--force", bad, words])
        assert result.exit_code == 2 and "Traceback" not in result.output and bad in result.output
    assert '--contact "Jane Smith' in runner.invoke(main, ["tracker", "--help"]).output


# ---------------------------------------------------------------- printed by LibreOffice


def _libreoffice(path: Path, target: str, outdir: Path, profile: Path) -> Path:
    """Convert a workbook with LibreOffice (its own profile); soffice exits 0 even when it writes nothing."""
    soffice = require_tool("soffice")
    outdir.mkdir(exist_ok=True)
    profile_option = f"-env:UserInstallation={profile.as_uri()}"
    subprocess.run(
        [soffice, profile_option, "--headless", "--convert-to", target, "--outdir", str(outdir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    made = outdir / f"{path.stem}.{target.split(':')[0]}"
    assert made.exists(), f"LibreOffice did not convert {path.name}"
    return made


def _pages(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext reads it."""
    pdftotext = require_tool("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    pdfinfo = require_tool("pdfinfo")
    info = subprocess.run([pdfinfo, "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True)
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout)]


def _holds(page: str, header: str) -> bool:
    """Whether a page's text holds every word of a header (a narrow column wraps its header over lines)."""
    return all(word in page.split() for word in header.split())


def test_libreoffice_prints_the_tracker_and_an_owner_workbook_landscape_one_page_wide(
    store_two: Store, tmp_path: Path
) -> None:
    tracker = make_tracker(store_two, tmp_path / "tracker.xlsx", as_of=AS_OF).path
    owner = _owner_books(store_two, tmp_path / "owners", include_complete=True)["Commissioning"]
    profile = tmp_path / "lo-profile"
    for path, middle, first, last in (
        (tracker, "How the date was read", "ID", "Source pages"),
        (owner, "Reason for new timescale", "ID", "Your notes"),
    ):
        pdf = _libreoffice(path, "pdf", tmp_path / "pdf", profile)
        pages, sizes = _pages(pdf), _page_sizes(pdf)
        assert len(sizes) == len(pages) >= 3
        assert all(w > h for w, h in sizes), f"{pdf.name}: a page is not landscape"
        table = [p for p in pages if _holds(p, middle)]  # the pages of the main sheet
        # one page wide: every page of the sheet shows its first and last columns; the header repeats on each
        assert len(table) >= 2 and all(_holds(p, first) and _holds(p, last) for p in table)
        assert all(re.search(rf"Page {i} of {len(pages)}", p) for i, p in enumerate(pages, start=1))
    owner_pages = _pages(tmp_path / "pdf" / "commissioning.pdf")
    assert "4 March 2016" in owner_pages[0] and "jane.smith@kent.gov.uk" in owner_pages[0]
    assert any("How to fill in this workbook" in p and "4 March 2016" in p for p in owner_pages)


def test_libreoffice_keeps_the_protection_it_was_given(store_2015: Store, tmp_path: Path) -> None:
    owner = _owner_books(store_2015, tmp_path / "owners", include_complete=True)["Commissioning"]
    saved = _libreoffice(owner, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", tmp_path / "lo-profile")
    wb = openpyxl.load_workbook(saved)
    ws = wb["Updates"]
    # as LibreOffice understood it: locked, filtering allowed, sorting not
    assert ws.protection.sheet and ws.protection.autoFilter is False and ws.protection.sort is True
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:")
    header = _header(ws)
    assert not ws.cell(4, header.index("Progress update") + 1).protection.locked
    assert ws.cell(4, header.index("Recommendation") + 1).protection.locked
    assert wb["Completed"].protection.sheet
    assert [r.id for r in read_return(saved).rows] == [r.id for r in read_return(owner).rows]
