"""The whole quarterly round in a real browser: Debian's Chromium, driven by Playwright, against a real
`actionplan serve` on 127.0.0.1 with a store of its own; axe-core (every WCAG 2.0/2.1/2.2 A and AA rule) on
every page visited. With ACTIONPLAN_SCREENSHOTS=1 it also rewrites the README's screenshots in docs/."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document

from tests.browser import CHROMIUM_ARGS, assert_accessible, chromium_path, live_server
from tests.conftest import DATA
from tests.portfolio_store import PLANS, build_portfolio_store

DOCS = Path(__file__).parent.parent / "docs"
SCREENSHOTS = os.environ.get("ACTIONPLAN_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the app's own pages are served with their CSP as always
    context = browser.new_context(
        accept_downloads=True, bypass_csp=True, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    opened = context.new_page()
    yield opened
    context.close()


def visit(page: Any, url: str, shot: str | None = None) -> None:
    """Go to a page, check it with axe, and (when asked) keep a screenshot of it for the README."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"
    checked(page, shot)


def checked(page: Any, shot: str | None = None) -> None:
    assert_accessible(page)
    if SCREENSHOTS and shot:
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / f"serve-{shot}.png"), full_page=False)


def download(page: Any, click: Any) -> bytes:
    with page.expect_download() as info:
        click()
    path = info.value.path()
    assert path is not None
    return Path(path).read_bytes()


def fill_one_owner_workbook(zipped: bytes, out: Path) -> tuple[str, Path]:
    """As an owner would: open one workbook from the zip, type a progress update for its first row, save."""
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        names = [n for n in archive.namelist() if n.endswith(".xlsx")]
        assert names, "the zip holds no workbooks"
        name = sorted(names)[0]
        data = archive.read(name)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Updates"]
    header = [c.value for c in sheet[3]]
    ident = sheet.cell(4, header.index("ID") + 1).value
    sheet.cell(4, header.index("Progress update") + 1).value = "Browser round: the toolkit was reviewed in March."
    path = out / Path(name).name
    book.save(path)
    return str(ident), path


def test_the_whole_round_in_a_browser(page: Any, tmp_path: Path) -> None:
    store = tmp_path / "round.db"
    with live_server(store) as base:
        visit(page, base, "plans")
        # upload the three revisions, as an officer drops the PDFs on the page
        page.click("text=Upload a revision")
        checked(page, "upload")
        for name, when in (("kcc-2014", "2014-05-31"), ("kcc-2015", "2015-07-31"), ("kcc-2015q4", "")):
            page.set_input_files("#files", str(DATA / f"{name}.pdf"))
            if when:
                page.fill("#revision_date", when)
            page.click("button:has-text('Upload and read')")
            page.wait_for_selector("h1:has-text('What was read')", timeout=120_000)
            assert "could not" not in page.inner_text("main").lower(), page.inner_text("main")
            checked(page, "uploaded" if name == "kcc-2015q4" else None)
            page.goto(base + "upload")
        # the plan, then the changes between r2 and r3: the eight of the sample
        visit(page, base)
        page.click("main a[href^='/plans/']")
        checked(page, "plan")
        plan_url = page.url.split("?")[0]
        visit(page, plan_url + "/changes", "changes")
        text = page.inner_text("main")
        for ident in ("R1", "R9", "R13", "R26", "R24", "R19"):
            assert ident in text, ident
        assert "Commissioning" in text and "Spring 2016" in text
        # R24: the slip, and its source page with its box
        visit(page, plan_url + "/records/R24", "record")
        text = page.inner_text("main")
        assert "Spring 2016" in text and "397" in text
        image = page.locator("img[src*='/pages/']").first
        image.wait_for()
        loaded = page.evaluate("(img) => img.complete && img.naturalWidth", image.element_handle())
        assert loaded and loaded > 500
        # the master tracker downloads as a workbook
        visit(page, plan_url + "/downloads", "downloads")
        tracker = download(page, lambda: page.click("button:has-text('Download the tracker')"))
        assert "Tracker" in openpyxl.load_workbook(io.BytesIO(tracker)).sheetnames
        # owner workbooks: all of them as one zip; one filled in and sent back
        visit(page, plan_url + "/round", "round")
        zipped = download(page, lambda: page.click("button:has-text('Download workbooks')"))
        ident, filled = fill_one_owner_workbook(zipped, tmp_path)
        page.set_input_files("#returns", str(filled))
        page.click("button:has-text('Read the returns')")
        page.wait_for_selector("h1:has-text('Returned workbooks read')", timeout=120_000)
        checked(page, "collect")
        assert "1 update accepted" in page.inner_text("main")
        assert "Browser round: the toolkit was reviewed in March." in page.inner_text("main")
        # approve the draft, then the paper
        visit(page, plan_url + "/round")
        page.click("button:has-text('Approve')")
        page.wait_for_load_state()
        checked(page)
        assert "approved" in page.inner_text("main").lower() or "published" in page.inner_text("main").lower()
        visit(page, plan_url + "/paper", "paper")
        paper = download(page, lambda: page.click("button[value='docx']"))
        doc = Document(io.BytesIO(paper))
        assert any(p.text.startswith("Summary: ") for p in doc.paragraphs)
        assert any(ident in p.text for p in doc.paragraphs)


def test_every_plan_in_a_browser(page: Any, tmp_path: Path) -> None:
    """The Every plan page over three plans: the tracker over every plan, one owner's workbook filled in and sent
    back, and the collect report with a draft of each plan it answers; axe-core on both pages."""
    build_portfolio_store(tmp_path).close()
    with live_server(tmp_path / "store.db") as base:
        visit(page, base)
        page.click("main a:has-text('Every plan')")
        page.wait_for_selector("h1:has-text('Every plan')")
        page.fill("#tracker-as_of", "2016-01-21")  # prefilled with today: a fixed date keeps the screenshot still
        page.locator("#tracker-as_of").blur()
        checked(page, "portfolio")
        text = page.inner_text("main")
        assert all(name in text for name in PLANS)
        tracker = download(page, lambda: page.click("button:has-text('Download the tracker')"))
        sheet = openpyxl.load_workbook(io.BytesIO(tracker))["Tracker"]
        assert "Plan" in [c.value for row in sheet.iter_rows(max_row=6) for c in row]
        page.select_option("#owner", "Policy")
        book = download(page, lambda: page.click("button:has-text('Download workbooks')"))
        filled = tmp_path / "policy.xlsx"
        wb = openpyxl.load_workbook(io.BytesIO(book))
        ws = wb["Updates"]
        header = [c.value for c in ws[3]]
        seen = set()
        for row in range(4, ws.max_row + 1):
            plan = ws.cell(row, header.index("Plan") + 1).value
            if plan in PLANS and plan not in seen:  # the first row of each plan
                ws.cell(row, header.index("Progress update") + 1).value = f"Browser round: {plan} moved on."
                seen.add(plan)
        wb.save(filled)
        page.set_input_files("#returns", str(filled))
        page.click("button:has-text('Read the returns')")
        page.wait_for_selector("h1:has-text('Returned workbooks read')", timeout=120_000)
        checked(page)
        text = page.inner_text("main")
        assert "3 updates accepted" in text and "Back to every plan" in text
        assert page.locator("form[action$='/round/approve'] button").count() == 3
