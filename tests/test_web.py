"""The web app (`actionplan serve`) over HTTP, with Starlette's TestClient and a real SQLite store: every page,
uploads, the owner round, the paper, downloads, and the command that serves it. The defences are in
tests/test_web_security.py."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from pipeline.web import create_app
from tests.conftest import DATA, require_tool
from tests.webapp import LOCAL, PLAN, built, copy_store, csrf_of, make_store, reader, store_of, writer

__all__ = ["built", "reader", "writer"]  # fixtures


PAGES = [
    "/",
    "/plans/1",
    "/plans/1?status=complete&flag=overdue&q=contract",
    "/plans/1?revision=1",
    "/plans/1/records/R24",
    "/plans/1/records/R1?revision=2",
    "/plans/1/changes",
    "/plans/1/changes?old=1&new=3",
    "/upload",
    "/plans/1/round",
    "/plans/1/paper",
    "/plans/1/downloads",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders(reader: TestClient, page: str) -> None:
    response = reader.get(page)
    assert response.status_code == 200, response.text
    text = response.text
    assert '<html lang="en-GB">' in text
    assert text.count("<h1") == 1
    assert '<main id="main"' in text and 'href="#main"' in text
    assert "<script>" not in text and " on" + "click=" not in text  # no inline script anywhere


def test_the_changes_page_lists_the_eight_changes_between_r2_and_r3(reader: TestClient) -> None:
    text = reader.get("/plans/1/changes?old=2&new=3").text
    assert "8 changes" in text
    sections = dict(re.findall(r'<h3 id="group-\w+">([^<]+?) \((\d+)\)</h3>', text))
    assert sections == {
        "Status changes": "4",
        "Timescales that changed": "1",
        "Owners that changed": "1",
        "New progress": "2",
        "No new progress": "19",
    }
    groups = re.split(r"<h3 ", text)
    status = next(g for g in groups if "Status changes" in g)
    assert re.findall(r"</span>(R\d+)</a>", status) == ["R1", "R9", "R13", "R26"]
    assert re.findall(r"</span>(R\d+)</a>", next(g for g in groups if "Timescales that" in g)) == ["R24"]
    assert re.findall(r"</span>(R\d+)</a>", next(g for g in groups if "Owners that" in g)) == ["R19"]
    assert re.findall(r"</span>(R\d+)</a>", next(g for g in groups if "New progress" in g)) == ["R1", "R24"]
    assert "397 days later" in status or "397 days later" in text


def test_the_record_page_shows_the_slip_its_history_and_its_page(reader: TestClient) -> None:
    text = reader.get("/plans/1/records/R24").text
    assert "Slipped" in text and "First due 30 April 2015, now due 31 May 2016." in text
    assert text.count('<th scope="row"><a href="/plans/1/records/R24?revision=') == 3  # r1, r2, r3
    images = re.findall(r'<img src="([^"]+)"', text)
    assert images, "no page image"
    png = reader.get(images[0].replace("&amp;", "&"))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_the_plan_page_filters_and_pages(reader: TestClient) -> None:
    complete = reader.get("/plans/1?status=complete").text
    assert "7 records match, of 27." in complete
    assert re.findall(r'records/(R\d+)\?revision=3">', complete) == ["R1", "R2", "R4", "R9", "R16", "R22", "R26"]
    found = reader.get("/plans/1?q=kent+COMPACT").text
    assert "1 record matches, of 27." in found and "records/R5?" in found
    bad = reader.get("/plans/1?status=%3Cscript%3E&flag=nonsense")
    assert bad.status_code == 200 and "27 records." in bad.text


def test_a_bad_upload_gets_the_cli_one_line_reason(built: dict[str, Path], tmp_path: Path) -> None:
    app = create_app(copy_store(built, "two", tmp_path))
    with TestClient(app, base_url=LOCAL) as client:
        token = csrf_of(client, "/upload")
        files = [
            ("files", ("minutes.pdf", b"<!doctype html><html><body>Not found</body></html>", "application/pdf")),
            ("files", ("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "application/pdf")),
            ("files", ("../../etc/passwd", b"root:x:0:0", "application/pdf")),
        ]
        response = client.post("/upload", data={"csrf_token": token}, files=files)
    assert response.status_code == 200
    text = response.text
    assert "is a web page (HTML), not a PDF" in text
    assert "is a PNG image, not a PDF: it needs OCR" in text
    assert "is not a PDF (no %PDF header)" in text
    assert "3 files could not be read." in text
    assert "../../etc/passwd" not in text and "passwd" in text  # named by its last part only
    assert "/tmp/" not in text and "actionplan-web-" not in text  # never where it was saved


def test_an_upload_of_the_2015_q4_update_makes_r3(built: dict[str, Path], tmp_path: Path) -> None:
    app = create_app(copy_store(built, "two", tmp_path))
    with TestClient(app, base_url=LOCAL) as client:
        token = csrf_of(client, "/upload")
        pdf = (DATA / "kcc-2015q4.pdf").read_bytes()
        response = client.post(
            "/upload", data={"csrf_token": token}, files={"files": ("kcc-2015q4.pdf", pdf, "application/pdf")}
        )
        assert response.status_code == 200, response.text
        text = response.text
        assert "r3 of Appendix 1: Action Plan" in text and "31 December 2015" in text
        assert "Status changes (4)" in text and "R24: timescale changed" in text
        store = store_of(client)
        revisions = store.revisions(store.resolve_plan(PLAN))
        assert [r.label for r in revisions] == ["r1", "r2", "r3"]
        assert revisions[-1].source == "kcc-2015q4.pdf"
        assert store.source_bytes(revisions[-1].sha256) == pdf


def test_an_upload_with_javascript_reports_pages_read_then_the_result(built: dict[str, Path], tmp_path: Path) -> None:
    app = create_app(copy_store(built, "two", tmp_path))
    with TestClient(app, base_url=LOCAL) as client:
        token = csrf_of(client, "/upload")
        pdf = (DATA / "kcc-2015q4.pdf").read_bytes()
        started = client.post(
            "/upload",
            data={"csrf_token": token},
            files={"files": ("kcc-2015q4.pdf", pdf, "application/pdf")},
            headers={"accept": "application/json"},
        )
        assert started.status_code == 202
        job = started.json()
        deadline = time.monotonic() + 120
        progress = client.get(job["progress"]).json()
        while not progress["finished"] and time.monotonic() < deadline:
            time.sleep(0.1)
            progress = client.get(job["progress"]).json()
        assert progress["finished"]
        [file] = progress["files"]
        assert file["name"] == "kcc-2015q4.pdf" and file["state"] == "read"
        assert file["pages"] == 25 and file["pages_done"] == 25
        result = client.get(job["result"])
        assert result.status_code == 200 and "r3 of Appendix 1: Action Plan" in result.text


def test_two_uploads_at_once_keep_both(tmp_path: Path) -> None:
    url = str(make_store(tmp_path / "one.db", ["kcc-2014"]))
    app = create_app(url)
    with TestClient(app, base_url=LOCAL) as client:
        token = csrf_of(client, "/upload")
        jobs = []
        for name in ["kcc-2015", "kcc-2015q4"]:
            pdf = (DATA / f"{name}.pdf").read_bytes()
            started = client.post(
                "/upload",
                data={"csrf_token": token},
                files={"files": (f"{name}.pdf", pdf, "application/pdf")},
                headers={"accept": "application/json"},
            )
            assert started.status_code == 202
            jobs.append(started.json())
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not all(client.get(j["progress"]).json()["finished"] for j in jobs):
            time.sleep(0.1)
        for job in jobs:
            assert "Not stored" not in client.get(job["result"]).text
        store = store_of(client)
        stored = store.revisions(store.resolve_plan(PLAN))
        assert sorted(r.source for r in stored) == ["kcc-2014.pdf", "kcc-2015.pdf", "kcc-2015q4.pdf"]
        assert len({r.label for r in stored}) == 3


def test_a_store_not_there_yet_is_made_by_the_first_upload_only(tmp_path: Path) -> None:
    where = tmp_path / "new.db"
    app = create_app(str(where))
    with TestClient(app, base_url=LOCAL) as client:
        assert "There are no plans here yet." in client.get("/").text
        assert client.get("/plans/1").status_code == 404
        assert not where.exists()
        token = csrf_of(client, "/upload")
        pdf = (DATA / "kcc-2015.pdf").read_bytes()
        response = client.post("/upload", data={"csrf_token": token}, files={"files": ("kcc-2015.pdf", pdf, "x")})
        assert "This is the plan’s first revision." in response.text
    assert where.exists()


def test_owner_workbooks_download_as_one_zip_or_one_owner(reader: TestClient, tmp_path: Path) -> None:
    response = reader.get(
        "/plans/1/round/workbooks?return_by=2016-01-08&contact=Jane+Smith+%3Cjane%40example.gov.uk%3E"
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="owner-workbooks-r3.zip"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert len(names) == 5 and all(n.endswith(".xlsx") for n in names)
        for name in names:
            book = openpyxl.load_workbook(io.BytesIO(archive.read(name)))
            assert "Updates" in book.sheetnames
    one = reader.get("/plans/1/round/workbooks?owner=Procurement")
    assert one.status_code == 200 and one.content.startswith(b"PK")
    assert reader.get("/plans/1/round/workbooks?owner=Nobody").status_code == 404
    bad = reader.get("/plans/1/round/workbooks?contact=%3Cjust+brackets%3E")
    assert bad.status_code == 400 and "is not a contact" in bad.text


def _fill(data: bytes, answers: dict[str, dict[str, str]]) -> bytes:
    """Type answers into an owner workbook by record ID, as an owner would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Updates"]
    header = {sheet.cell(3, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(4, sheet.max_row + 1):
        for column, value in answers.get(str(sheet.cell(row, 1).value), {}).items():
            sheet.cell(row, header[column]).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_returned_workbooks_are_collected_then_approved(writer: TestClient) -> None:
    book = writer.get("/plans/1/round/workbooks?owner=Procurement").content
    filled = _fill(book, {"R24": {"Progress update": "The contracts register is now published."}})
    token = csrf_of(writer, "/plans/1/round")
    files = [
        ("returns", ("procurement.xlsx", filled, "application/octet-stream")),
        ("returns", ("notes.xlsx", b"id,progress\nR1,done\n", "application/octet-stream")),
    ]
    response = writer.post("/plans/1/round/collect", data={"csrf_token": token}, files=files)
    assert response.status_code == 200, response.text
    text = response.text
    assert "1 update accepted" in text and "4 owners still to return" in text
    assert "notes.xlsx: is a CSV text file" in text  # the bad one's reason, named as sent
    assert "The contracts register is now published." in text
    report = re.search(r'href="(/plans/1/round/reports/[^"]+)"', text)
    assert report and writer.get(report.group(1)).content.startswith(b"PK")
    draft = re.search(r'name="revision" value="(\d+)"', text)
    assert draft
    approved = writer.post(
        "/plans/1/round/approve", data={"csrf_token": token, "revision": draft.group(1)}, follow_redirects=False
    )
    assert approved.status_code == 303
    assert "is published" in writer.get(approved.headers["location"]).text
    store = store_of(writer)
    latest = store.revision(store.resolve_plan(PLAN), None)
    assert latest.kind == "owner-returns" and not latest.draft


def test_two_collects_at_once_keep_both_owners_updates(writer: TestClient) -> None:
    """Two officers send back two owners' workbooks at the same moment: the draft keeps both updates."""
    answers = {
        "Procurement": ("R24", "Procurement: the register is published."),
        "Commissioning": ("R19", "Commissioning: the new owner has met the team."),
    }
    filled = {}
    for owner, (ident, text) in answers.items():
        book = writer.get(f"/plans/1/round/workbooks?owner={owner}").content
        filled[owner] = _fill(book, {ident: {"Progress update": text}})
    token = csrf_of(writer, "/plans/1/round")
    start = threading.Barrier(len(filled))
    said: dict[str, str] = {}

    def send(owner: str) -> None:
        start.wait()
        files = [("returns", (f"{owner.lower()}.xlsx", filled[owner], "application/octet-stream"))]
        response = writer.post("/plans/1/round/collect", data={"csrf_token": token}, files=files)
        said[owner] = f"{response.status_code} {response.text}"

    threads = [threading.Thread(target=send, args=(owner,)) for owner in filled]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert all(text.startswith("200 ") for text in said.values()), said
    store = store_of(writer)
    plan = store.resolve_plan(PLAN)
    draft = next(r for r in store.revisions(plan, include_drafts=True) if r.draft)
    progress = {r.id: r.progress for r in store.records(draft)}
    for ident, text in answers.values():
        assert text in progress[ident], ident


def test_the_paper_form_returns_a_docx_and_is_filled_in_next_time(writer: TestClient) -> None:
    import docx

    token = csrf_of(writer, "/plans/1/paper")
    form = {
        "csrf_token": token,
        "format": "docx",
        "plan_name": "Commissioning Select Committee action plan",
        "to": "Scrutiny Committee – 21 January 2016",
        "meeting_date": "2016-01-21",
        "contact": "Policy Officer\npolicy@example.gov.uk",
    }
    response = writer.post("/plans/1/paper", data=form)
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    paper = docx.Document(io.BytesIO(response.content))
    words = "\n".join(p.text for p in paper.paragraphs)
    assert "Commissioning Select Committee action plan" in words
    again = writer.get("/plans/1/paper").text
    assert 'value="2016-01-21"' in again and "Policy Officer\npolicy@example.gov.uk</textarea>" in again
    bad = writer.post("/plans/1/paper", data={**form, "meeting_date": "21/01/2016"})
    assert bad.status_code == 400 and "meeting_date" in bad.text and "is not a date" in bad.text


def test_the_paper_form_takes_a_council_template_and_refuses_a_bad_one(writer: TestClient) -> None:
    import docx
    from docx.shared import Cm

    council = docx.Document()
    council.sections[0].left_margin = Cm(3.2)
    council.sections[0].header.paragraphs[0].text = "Kent County Council"
    sent = io.BytesIO()
    council.save(sent)
    token = csrf_of(writer, "/plans/1/paper")
    form = {"csrf_token": token, "format": "docx"}
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = writer.post("/plans/1/paper", data=form, files={"template": ("council.docx", sent.getvalue(), kind)})
    assert response.status_code == 200, response.text[:2000]
    paper = docx.Document(io.BytesIO(response.content))
    margin = paper.sections[0].left_margin
    assert margin is not None and abs(margin - Cm(3.2)) < Cm(0.01)  # Word keeps twips
    assert paper.sections[0].header.paragraphs[0].text == "Kent County Council"
    bad = writer.post("/plans/1/paper", data=form, files={"template": ("council.docx", b"%PDF-1.4 not word", kind)})
    assert bad.status_code == 400 and "is a PDF, not a Word .docx template" in bad.text and "/tmp" not in bad.text


def test_the_paper_comes_as_pdf_too(writer: TestClient) -> None:
    require_tool("soffice")
    token = csrf_of(writer, "/plans/1/paper")
    response = writer.post("/plans/1/paper", data={"csrf_token": token, "format": "pdf", "meeting_date": "2016-01-21"})
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_closing_recommendations_records_the_agreement(writer: TestClient) -> None:
    token = csrf_of(writer, "/plans/1/paper")
    data = {"csrf_token": token, "ids": ["R1", "R9"], "agreed": "Scrutiny Committee, 21 January 2016"}
    closed = writer.post("/plans/1/close", data=data, follow_redirects=False)
    assert closed.status_code == 303
    assert "Closed: R1, R9." in writer.get(closed.headers["location"]).text
    unknown = writer.post("/plans/1/close", data={**data, "ids": ["R99"]})
    assert unknown.status_code == 400 and "no recommendation R99" in unknown.text
    store = store_of(writer)
    assert set(store.closures(store.resolve_plan(PLAN))) == {"R1", "R9"}


def test_downloads_give_the_tracker_and_the_records(reader: TestClient) -> None:
    tracker = reader.get("/plans/1/downloads/tracker?revision=3&as_of=2016-01-21")
    assert tracker.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(tracker.content))
    assert "Tracker" in book.sheetnames
    csv = reader.get("/plans/1/downloads/records?revision=3&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) > 27 and csv.text.startswith("id,")
    data = json.loads(reader.get("/plans/1/downloads/records?format=json").content)
    assert len(data["records"]) == 27 and data["source"]["path"] == "kcc-2015q4.pdf"


def test_serve_prints_its_address_and_serves(built: dict[str, Path], tmp_path: Path) -> None:
    store = copy_store(built, "three", tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(DATA.parent.parent), os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "pipeline", "serve", "--store", store, "--port", "0", "--no-browser"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.fullmatch(r"serving on (http://127\.0\.0\.1:(\d+)/)\n", line)
        assert found, line + (server.stderr.read() if server.poll() is not None and server.stderr else "")
        with urllib.request.urlopen(found.group(1), timeout=10) as page:
            assert page.status == 200 and PLAN in page.read().decode("utf-8")
    finally:
        server.terminate()
        server.communicate(timeout=20)  # and close its pipes


def test_an_upload_still_being_read_says_so(reader: TestClient, tmp_path: Path) -> None:
    app = reader.app
    assert isinstance(app, Starlette)
    job = app.state.web.jobs.new([("kcc-2015.pdf", tmp_path / "kcc-2015.pdf")])
    job.page_read(tmp_path / "kcc-2015.pdf", 3, 13)
    page = reader.get(f"/upload/jobs/{job.id}")
    assert page.status_code == 200 and "kcc-2015.pdf: page 3 of 13 read" in page.text
    assert reader.get(f"/upload/jobs/{job.id}/progress").json()["files"][0]["pages_done"] == 3
