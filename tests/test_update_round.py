"""Trackers and the owner update round, end to end with real workbooks (written, filled, re-read)."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import OutputError, PipelineError
from pipeline.export.cells import MAX_CELL, put
from pipeline.ingest import diff_between, ingest_file
from pipeline.records import Issue
from pipeline.returns import read_return
from pipeline.statuses import STATUS_WORDS
from pipeline.store import Store
from pipeline.update_round import approve_draft, collect_returns, make_owner_workbooks, make_tracker
from tests.conftest import DATA, KCC_OWNER_KEYS, require_tool

AS_OF = date(2016, 1, 15)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path / 'store.db'}")
    ingest_file(opened, DATA / "kcc-2015.pdf")
    yield opened
    opened.close()


def test_master_tracker_reads_back(store: Store, tmp_path: Path) -> None:
    done = make_tracker(store, tmp_path / "tracker.xlsx", as_of=AS_OF)
    path, rev = done.path, done.revision
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tracker", "Changes", "Summary", "Issues", "About"]
    ws = wb["Tracker"]
    header = [c.value for c in ws[3]]
    assert header[:3] == ["ID", "Theme", "Recommendation"] and "Status" in header and "Overdue" in header
    assert "RAG rating" not in header  # no record has one: an empty column is left out
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=4) if row[0].value]
    records = store.records(rev)
    assert len(rows) == 27 == len(records)
    for row, rec in zip(rows, records, strict=True):
        assert row["ID"] == rec.id
        assert row["Recommendation"] == rec.recommendation
        assert row["Proposed actions"] == rec.proposed_actions
        assert row["Progress to date"] == (rec.progress or None)
        assert row["Status (as printed)"] == (rec.status.text or None)
        assert row["Status"] == STATUS_WORDS[rec.status.value].capitalize()
        assert row["Owners"] == "; ".join(rec.owners)
        assert row["Overdue"] in ("Yes", "No")
    assert ws.tables["Tracker"].ref == f"A3:{ws.cell(3, len(header)).column_letter}30"
    assert ws.freeze_panes == "B4"
    assert not ws.merged_cells.ranges
    by_id = {r["ID"]: r for r in rows}
    assert by_id["R3"]["Overdue"] == "Yes" and by_id["R4"]["Ongoing"] == "Yes"
    assert by_id["R1"]["Due date"] == datetime(2015, 4, 30)  # a date cell ("Early 2015" ends in April), not text
    status_letter = ws.cell(4, header.index("Status") + 1).column_letter
    assert any(dv.sqref and f"{status_letter}4" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    summary = wb["Summary"]
    assert summary._charts and summary["A1"].value == "Theme"
    drawing = zipfile.ZipFile(path).read("xl/drawings/drawing1.xml").decode()
    assert 'descr="Bar chart of recommendations' in drawing
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows(min_row=2) if r[0].value}
    assert about["Source file"] == "kcc-2015.pdf" and len(about["Source SHA-256"]) == 64


def test_owner_workbooks_hold_exactly_their_records(store: Store, tmp_path: Path) -> None:
    books = make_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF)
    written, rev = list(books.files), books.revision
    keys = {k for k, _ in written}
    # R2, the only record of "Policy with Commissioning and Procurement", is complete: nothing to ask them
    assert keys == KCC_OWNER_KEYS - {"Policy with Commissioning and Procurement"}
    records = store.records(rev)
    for key, path in written:
        wb = openpyxl.load_workbook(path)
        ws = wb["Updates"]
        ids = [row[0].value for row in ws.iter_rows(min_row=4) if row[0].value]
        assert ids == [r.id for r in records if key in r.owner_keys and r.status.value != "complete"]
        header = [c.value for c in ws[3]]
        first_input = ws.cell(4, header.index("Progress update") + 1)
        assert ws.protection.sheet and ws["A4"].protection.locked and not first_input.protection.locked
        assert wb["_actionplan"].sheet_state == "hidden"
        assert "Instructions" in wb.sheetnames
        assert path.name == key.lower().replace(" ", "-") + ".xlsx"


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    notes: list[Issue] = []
    for i, text in enumerate(
        [
            '=HYPERLINK("http://evil")',
            "+44 1622",
            "- visits to",
            "@SUM(A1)",
            "bell\x07 and\x00 nul",
            "x" * (MAX_CELL + 10),
        ],
        start=1,
    ):
        put(ws, i, 1, text, notes)
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [back.cell(i, 1).data_type for i in range(1, 5)] == ["s"] * 4
    assert back["A1"].value == '=HYPERLINK("http://evil")'
    assert back["A5"].value == "bell and nul"
    assert len(back["A6"].value) == MAX_CELL and len(notes) == 1
    sheet_xml = zipfile.ZipFile(tmp_path / "t.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def _fill(path: Path, answers: dict[str, dict[str, str]], insert_column: bool = False, sort_desc: bool = False) -> None:
    """Type answers into an owner workbook as an owner would (by ID), then save it as Excel would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Updates"]
    if insert_column:
        ws.insert_cols(2)
        ws.cell(3, 2).value = "My notes"
    header = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    rows = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    for r in rows:
        for column, value in answers.get(ws.cell(r, 1).value, {}).items():
            ws.cell(r, header[column]).value = value
    if sort_desc:
        values = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in rows]
        values.sort(key=lambda v: int(str(v[0])[1:]), reverse=True)
        for r, vals in zip(rows, values, strict=True):
            for c, v in enumerate(vals, start=1):
                ws.cell(r, c).value = v
    wb.save(path)


def _via_libreoffice(path: Path, tmp_path: Path) -> None:
    soffice = require_tool("soffice")
    out = tmp_path / "lo-out"
    out.mkdir()
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = out / path.name
    assert converted.exists(), "LibreOffice did not write the workbook"
    shutil.move(converted, path)


def test_round_trip(store: Store, tmp_path: Path) -> None:
    books = make_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF)
    written, base = list(books.files), books.revision
    paths = dict(written)
    records = {r.id: r for r in store.records(base)}
    procurement = [
        i
        for i, r in records.items()
        if "Procurement" in r.owner_keys
        and "Commissioning" not in r.owner_keys
        and i not in ("R4", "R11", "R12", "R15", "R20", "R24")
    ]
    _fill(
        paths["Procurement"],
        {
            "R11": {"Proposed status": "delivered"},
            "R20": {"Progress update": '=HYPERLINK("https://example.org/report","Contract management report")'},
            "R24": {
                "Revised timescale": "31/3/16",
                "Reason for new timescale": "Waiting for the new e-procurement portal",
            },
            procurement[0]: {"Proposed status": "complete", "Progress update": "All contracts now published."},
            "R12": {"Revised timescale": "when the portal allows", "Reason for new timescale": "portal"},
            "R15": {"Revised timescale": "Q1 2016/17"},
        },
    )
    _fill(
        paths["Commissioning"],
        {"R11": {"Proposed status": "On going"}, "R5": {"Progress update": "Compact refreshed with VCSE partners."}},
        insert_column=True,
        sort_desc=True,
    )
    _fill(paths["Policy"], {"R6": {"Progress update": "Outcomes framework adopted.\tSee the Cabinet paper."}})
    _via_libreoffice(paths["Policy"], tmp_path)
    wb = openpyxl.load_workbook(paths["Transformation Team"])
    ws = wb["Updates"]
    header = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(4, header["Recommendation"]).value = "A recommendation reworded by its owner"
    ws.cell(4, header["Progress update"]).value = "We did it"
    wb.save(paths["Transformation Team"])
    returned = [paths[k] for k in ("Procurement", "Commissioning", "Policy", "Transformation Team")]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returned}

    done = collect_returns(store, returned, tmp_path / "report.xlsx", today=date(2016, 1, 20))

    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returned} == before
    assert (
        done.draft is not None
        and done.draft.draft
        and done.draft.kind == "owner-returns"
        and done.draft.base == base.label
    )
    draft = {r.id: r for r in store.records(done.draft)}
    # a formula typed by an owner is a rejected cell, never stored as its source
    assert "HYPERLINK" not in draft["R20"].progress and "2016-01-20 – Procurement:" not in draft["R20"].progress
    assert draft["R24"].timescale.text == "31/3/16" and draft["R24"].timescale.end == "2016-03-31"
    assert draft["R24"].updates[-1].reason == "Waiting for the new e-procurement portal"
    assert draft[procurement[0]].status.text == "Complete" and draft[procurement[0]].status.value == "complete"
    assert draft["R5"].progress.endswith("Compact refreshed with VCSE partners.")
    assert "Outcomes framework adopted." in draft["R6"].progress
    # co-owners disagree on R11: reported, neither applied
    assert draft["R11"].status == records["R11"].status
    assert {(c[0], c[1], c[2]) for c in done.conflicts} == {
        ("R11", "status", "Procurement"),
        ("R11", "status", "Commissioning"),
    }
    # the owner who edited locked text is stale, not applied
    assert [s[0] for s in done.stale] == ["R1"] and "We did it" not in draft["R1"].progress
    rejected = {(r[0], r[3]) for r in done.rejected}
    assert rejected == {("R12", "Revised timescale"), ("R15", "Revised timescale"), ("R20", "Progress update")}
    chase = {c[0] for c in done.chase}
    assert chase == {"Performance and Risk"}  # the owner whose only record is complete got no workbook
    report = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert report.sheetnames == ["Accepted", "Rejected", "Conflicts", "Stale", "Chase list", "Returns"]
    assert report["Accepted"]["A4"].value and report["Accepted"].cell(4, 1).data_type == "s"
    hyperlink = [c for c in report["Rejected"]["E"] if c.value and str(c.value).startswith("=HYPERLINK")]
    assert hyperlink and hyperlink[0].data_type == "s"

    # a second run adds to the same draft, and the same workbook is not applied twice
    _fill(
        paths["Performance and Risk"],
        {
            next(i for i, r in records.items() if "Performance and Risk" in r.owner_keys): {
                "Progress update": "Dashboard live."
            }
        },
    )
    again = collect_returns(
        store, [paths["Performance and Risk"], paths["Procurement"]], tmp_path / "report2.xlsx", today=date(2016, 1, 21)
    )
    assert again.draft is not None and again.draft.label == done.draft.label
    draft2 = {r.id: r for r in store.records(again.draft)}
    assert draft2[procurement[0]].progress.count("All contracts now published.") == 1
    assert any("Dashboard live." in r.progress for r in draft2.values())
    assert "Performance and Risk" not in {c[0] for c in again.chase}

    # nothing published yet: diff and tracker still see the PDF revision as latest
    assert [r.label for r in store.revisions(store.resolve_plan(None))] == [base.label]
    published = approve_draft(store, again.draft.label)
    plan = store.resolve_plan(None)
    assert store.revisions(plan)[-1].label == published.label
    diff = diff_between(store, plan, base, published)
    got = {(c.id, c.change) for c in diff.changes}
    expected = {
        ("R24", "timescale"),
        (procurement[0], "status"),
        (procurement[0], "progress"),
        ("R5", "progress"),
        ("R6", "progress"),
    }
    expected |= {(i, "progress") for i, r in draft2.items() if "Dashboard live." in r.progress}
    assert got == expected


def test_refuses_to_overwrite_typed_workbooks_unless_forced(store: Store, tmp_path: Path) -> None:
    written = list(make_owner_workbooks(store, tmp_path / "owners").files)
    _fill(dict(written)["Policy"], {"R6": {"Comments": "typed"}})
    with pytest.raises(OutputError, match="--force"):
        make_owner_workbooks(store, tmp_path / "owners")
    make_owner_workbooks(store, tmp_path / "owners", force=True)
    assert read_return(dict(written)["Policy"]).rows[0].inputs["Comments"] == ""


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (400 * 1024 * 1024))


def _macro_workbook(path: Path, good: Path) -> None:
    data = io.BytesIO(good.read_bytes())
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"macro")


BAD_RETURNS: dict[str, tuple[Callable[[Path, Path], object], str]] = {
    "csv": (lambda p, g: p.write_text("ID,Progress update\nR1,done\n"), "CSV"),
    "html": (lambda p, g: p.write_text("<html><body>Outlook preview</body></html>"), "web page"),
    "encrypted": (lambda p, g: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "password"),
    "truncated": (lambda p, g: p.write_bytes(g.read_bytes()[:2000]), "truncated"),
    "empty": (lambda p, g: p.write_bytes(b""), "empty"),
    "macros": (_macro_workbook, "macros"),
    "bomb": (lambda p, g: _zip_bomb(p), "zip bomb"),
    "foreign": (lambda p, g: openpyxl.Workbook().save(p), "marker sheet"),
}


@pytest.mark.parametrize("kind", sorted(BAD_RETURNS))
def test_bad_returned_workbooks_are_refused_in_one_line(kind: str, store: Store, tmp_path: Path) -> None:
    written = list(make_owner_workbooks(store, tmp_path / "owners").files)
    good = dict(written)["Policy"]
    bad = tmp_path / f"{kind}.xlsx"
    make, words = BAD_RETURNS[kind]
    make(bad, good)
    with pytest.raises(PipelineError, match=words):
        read_return(bad)
    result = CliRunner().invoke(main, ["collect", str(bad), "--store", store.url, "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1  # the error, in one line
    assert str(bad) in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_cli_tracker_collect_approve(store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        main, ["tracker", "-o", str(tmp_path / "t.xlsx"), "--as-of", "2016-01-15", "--store", store.url]
    )
    assert out.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    out = runner.invoke(main, ["tracker", "--by-owner", str(tmp_path / "o"), "--store", store.url])
    assert out.exit_code == 0 and "5 owner workbooks" in out.stdout
    _fill(tmp_path / "o" / "policy.xlsx", {"R6": {"Proposed status": "delivered"}})
    out = runner.invoke(
        main, ["collect", str(tmp_path / "o" / "policy.xlsx"), "-o", str(tmp_path / "rep.xlsx"), "--store", store.url]
    )
    assert out.exit_code == 0 and "1 updates accepted" in out.stdout and "r1-returns" in out.stdout
    out = runner.invoke(main, ["approve", "r1-returns", "--store", store.url])
    assert out.exit_code == 0
    out = runner.invoke(main, ["diff", "--format", "json", "--store", store.url])
    import json

    changes = json.loads(out.stdout)["changes"]
    assert [(c["id"], c["change"], c["new"]["text"]) for c in changes] == [("R6", "status", "Delivered")]
    bad = runner.invoke(main, ["tracker", "--as-of", "15/01/2016", "--store", store.url])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
