"""The Every plan page of the web app over HTTP, on the three-plan store: the master tracker, the committee paper
and owner workbooks over every plan, returned workbooks collected into each plan's own draft, and the defences
(CSRF, escaping, one-line errors)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from starlette.testclient import TestClient

from pipeline.export.owner_workbook import HEADER_ROW, PLAN, PROGRESS_UPDATE
from pipeline.records import NewRevision
from pipeline.store import Store
from pipeline.web import create_app
from tests.conftest import require_tool
from tests.portfolio_store import PLANS, build_portfolio_store
from tests.webapp import LOCAL, csrf_of, store_of

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-plan SQLite store, built once; each test's app works on its own copy."""
    tmp = tmp_path_factory.mktemp("web-portfolio")
    build_portfolio_store(tmp).close()
    return tmp / "store.db"


def _copy(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.db"
    shutil.copyfile(built, copy)
    return copy


@pytest.fixture
def client(built: Path, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(_copy(built, tmp_path))), base_url=LOCAL) as opened:
        yield opened


def _plan_ids(client: TestClient) -> dict[str, int]:
    return {p.name: p.id for p in store_of(client).plans()}


def _columns(ws: openpyxl.worksheet.worksheet.Worksheet, row: int) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[row] if c.value}


def _fill(data: bytes, answers: dict[tuple[str, str], str], out: Path) -> Path:
    """Type progress updates into an owner workbook's rows, by (plan, ID), as the owner would; save it."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Updates"]
    columns = _columns(ws, HEADER_ROW)
    found = set()
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        key = (ws.cell(row, columns[PLAN]).value, ws.cell(row, columns["ID"]).value)
        if key in answers:
            ws.cell(row, columns[PROGRESS_UPDATE]).value = answers[key]
            found.add(key)
    assert found == set(answers)
    wb.save(out)
    return out


def _problem(page: str) -> list[str]:
    """The error summaries on a page (one is expected, at the top of the main content)."""
    return re.findall(r'<div class="error-summary" role="alert" tabindex="-1">(.*?)</div>', page, re.S)


def test_the_page_lists_every_plan_and_is_reached_from_the_plans_page(client: TestClient) -> None:
    response = client.get("/portfolio")
    assert response.status_code == 200
    text = response.text
    assert text.count("<h1") == 1 and "<title>Every plan – " in text
    assert "<script>" not in text  # no inline script
    ids = _plan_ids(client)
    for name in PLANS:
        assert f'<a href="/plans/{ids[name]}">{name}</a>' in text
    assert '<a href="/portfolio" aria-current="page">Every plan</a>' in text
    plans_page = client.get("/").text
    assert "For all 3 plans at once" in plans_page and 'href="/portfolio">Every plan</a>.' in plans_page
    # The owner select lists every owner with open recommendations in any plan.
    assert "<option>Policy</option>" in text and "Every owner, as one zip file (" in text
    assert not _problem(text)


def test_the_forms_start_from_what_the_plans_last_papers_agree_on(client: TestClient) -> None:
    store = store_of(client)
    contact = ["Jane Smith", "jane.smith@example.gov.uk"]
    for name in PLANS[:2]:  # the third plan has had no paper: it does not disagree
        store.save_paper_meta(
            name, {"meeting_date": date(2016, 1, 21), "return_by": date(2016, 1, 8), "contact": contact}
        )
    page = client.get("/portfolio").text
    assert page.count('name="as_of" value="2016-01-21"') == 3
    assert 'name="return_by" value="2016-01-08"' in page
    assert 'name="contact" value="Jane Smith &lt;jane.smith@example.gov.uk&gt;"' in page
    store.save_paper_meta(PLANS[2], {"meeting_date": date(2016, 3, 3)})  # a paper for another meeting
    page = client.get("/portfolio").text
    assert page.count(f'name="as_of" value="{date.today().isoformat()}"') == 3
    assert 'name="return_by" value="2016-01-08"' in page


def test_the_tracker_over_every_plan_has_a_plan_column(client: TestClient) -> None:
    response = client.get("/portfolio/tracker?as_of=2016-01-21")
    assert response.status_code == 200
    assert 'filename="tracker-every-plan-2016-01-21.xlsx"' in response.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Tracker"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == PLAN)
    columns = _columns(ws, header_row)
    assert list(columns)[:2] == [PLAN, "ID"]
    plans = {ws.cell(r, columns[PLAN]).value for r in range(header_row + 1, ws.max_row + 1)}
    assert plans == set(PLANS)
    assert all(name in wb.sheetnames for name in PLANS)
    assert client.get("/portfolio/tracker?as_of=21/01/2016").status_code == 400


def test_the_paper_over_every_plan_has_a_section_per_plan(client: TestClient) -> None:
    token = csrf_of(client, "/portfolio")
    form = {"csrf_token": token, "as_of": "2016-01-21", "subject": "Scrutiny: every action plan"}
    response = client.post("/portfolio/paper", data=form)
    assert response.status_code == 200, response.text
    assert 'filename="committee-paper-every-plan-2016-01-21.docx"' in response.headers["content-disposition"]
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "Scrutiny: every action plan"
    sections = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [s.split("\t")[0] for s in sections] == [
        "1.",
        "2.",
        "3.",
        "Appendix A: Items needing attention in every plan",
    ]
    summary = next(p.text for p in doc.paragraphs if p.text.startswith("Summary:"))
    assert "3 action plans" in summary and "21 January 2016" in summary


def test_the_paper_over_every_plan_comes_as_pdf_too(client: TestClient) -> None:
    require_tool("soffice")
    token = csrf_of(client, "/portfolio")
    response = client.post("/portfolio/paper", data={"csrf_token": token, "format": "pdf", "as_of": "2016-01-21"})
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert 'filename="committee-paper-every-plan-2016-01-21.pdf"' in response.headers["content-disposition"]


def test_a_paper_that_cannot_be_written_says_why_on_the_page(client: TestClient) -> None:
    token = csrf_of(client, "/portfolio")
    response = client.post(
        "/portfolio/paper",
        data={"csrf_token": token, "subject": "Kept <as typed>"},
        files={"template": ("council.docx", b"not a Word file", "application/octet-stream")},
    )
    assert response.status_code == 400
    problem = _problem(response.text)
    assert len(problem) == 1 and "Go to the form: Committee paper" in problem[0]
    assert 'value="Kept &lt;as typed&gt;"' in response.text  # the form keeps what was typed


def test_owner_workbooks_over_every_plan(client: TestClient) -> None:
    page = client.get("/portfolio").text
    owners = re.findall(r"<option>([^<]+)</option>", page)
    response = client.get(
        "/portfolio/workbooks?as_of=2016-01-21&return_by=2016-02-05&contact=Jane+Smith+%3Cjane%40example.gov.uk%3E"
    )
    assert response.status_code == 200
    assert 'filename="owner-workbooks-every-plan-2016-01-21.zip"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert len(names) == len(owners) and all(n.endswith(".xlsx") for n in names)
        policy = openpyxl.load_workbook(io.BytesIO(archive.read("policy.xlsx")))
    ws = policy["Updates"]
    assert list(_columns(ws, HEADER_ROW))[:2] == [PLAN, "ID"]
    assert {ws.cell(r, 1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)} == set(PLANS)
    one = client.get("/portfolio/workbooks?owner=Policy")
    assert one.status_code == 200 and 'filename="policy.xlsx"' in one.headers["content-disposition"]
    assert client.get("/portfolio/workbooks?owner=Nobody").status_code == 404
    bad = client.get("/portfolio/workbooks?contact=%3Cjust+brackets%3E")
    assert bad.status_code == 400
    (problem,) = _problem(bad.text)
    assert "&#39;&lt;just brackets&gt;&#39; is not a contact" in problem and 'href="#send"' in problem
    assert 'value="&lt;just brackets&gt;"' in bad.text


def test_a_returned_workbook_makes_a_draft_of_each_plan_it_answers(client: TestClient, tmp_path: Path) -> None:
    said = {plan: f"{plan} R3: the review is under way." for plan in PLANS}
    book = client.get("/portfolio/workbooks?owner=Policy&as_of=2016-01-21").content
    filled = _fill(book, {(plan, "R3"): said[plan] for plan in PLANS}, tmp_path / "policy.xlsx")
    token = csrf_of(client, "/portfolio")
    with filled.open("rb") as handle:
        response = client.post("/portfolio/collect", data={"csrf_token": token}, files={"returns": handle})
    assert response.status_code == 200, response.text
    text = response.text
    assert "<title>Collect report: every plan – " in text
    assert "3 updates accepted" in text and all(said[plan] in text for plan in PLANS)
    assert '<a href="/portfolio">Back to every plan</a>' in text
    # One draft a plan, each approved on its own plan's route.
    store = store_of(client)
    ids = _plan_ids(client)
    drafts = {p.name: r for p in store.plans() for r in store.revisions(p, include_drafts=True) if r.draft}
    assert set(drafts) == set(PLANS)
    approvals = re.findall(
        r'<form method="post" action="/plans/(\d+)/round/approve">\s*<input type="hidden" name="csrf_token" '
        r'value="[0-9a-f]+">\s*<input type="hidden" name="revision" value="(\d+)">',
        text,
    )
    assert sorted(approvals) == sorted((str(ids[name]), str(d.id)) for name, d in drafts.items())
    report = re.search(r'href="(/portfolio/reports/[^"]+)"', text)
    assert report
    got = client.get(report.group(1))
    assert got.status_code == 200 and 'filename="collect-report-every-plan.xlsx"' in got.headers["content-disposition"]
    assert "Accepted" in openpyxl.load_workbook(io.BytesIO(got.content)).sheetnames
    assert client.get("/portfolio/reports/not-an-id").status_code == 404
    # The page lists the drafts too; approving one publishes that plan's only.
    page = client.get("/portfolio").text
    assert page.count('/round/approve">') == 3
    highways = drafts["Highways"]
    approved = client.post(
        f"/plans/{ids['Highways']}/round/approve",
        data={"csrf_token": token, "revision": str(highways.id)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert approved.headers["location"].startswith(f"/plans/{ids['Highways']}/round?approved=")
    assert client.get("/portfolio").text.count('/round/approve">') == 2


def test_collect_without_a_workbook_says_so_on_the_page(client: TestClient) -> None:
    token = csrf_of(client, "/portfolio")
    response = client.post("/portfolio/collect", data={"csrf_token": token})
    assert response.status_code == 400
    (problem,) = _problem(response.text)
    assert "<p>Choose at least one returned workbook (.xlsx).</p>" in problem and 'href="#collect"' in problem


@pytest.mark.parametrize("path", ["/portfolio/paper", "/portfolio/collect"])
def test_a_post_without_the_form_token_is_refused(client: TestClient, path: str) -> None:
    response = client.post(path, data={"as_of": "2016-01-21"})
    assert response.status_code == 403
    assert not any(
        r.draft for p in store_of(client).plans() for r in store_of(client).revisions(p, include_drafts=True)
    )


def test_a_hostile_plan_name_and_owner_are_shown_as_text(built: Path, tmp_path: Path) -> None:
    copy = _copy(built, tmp_path)
    store = Store(f"sqlite:///{copy}")
    plan = store.resolve_plan(PLANS[1])
    latest = store.revision(plan, None)
    records = [replace(r, owners=(HOSTILE,), owner_keys=(HOSTILE,)) for r in store.records(latest)]
    new = NewRevision(HOSTILE, f"{HOSTILE}.pdf", "f" * 64, 1, latest.columns, records, as_of="2016-03-31")
    store.add_revision(HOSTILE, "r1", new)
    store.close()
    with TestClient(create_app(str(copy)), base_url=LOCAL) as client:
        for page in ("/portfolio", "/"):
            text = client.get(page).text
            assert "<script>alert" not in text, page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, page
        assert "<option>&lt;script&gt;alert(1)&lt;/script&gt;</option>" in client.get("/portfolio").text


def test_an_empty_store_says_there_is_nothing_yet(tmp_path: Path) -> None:
    with TestClient(create_app(str(tmp_path / "none-yet.db")), base_url=LOCAL) as client:
        page = client.get("/portfolio")
        assert page.status_code == 200 and "There are no plans here yet." in page.text
        assert client.get("/portfolio/tracker").status_code == 404
    assert not (tmp_path / "none-yet.db").exists()
