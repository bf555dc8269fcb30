"""A scanned plan uploaded through the web page: read by OCR when Tesseract is installed (the page says so),
refused with its reason when the app is told not to (or cannot)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from starlette.testclient import TestClient

from pipeline.store import Store
from pipeline.web import create_app
from tests.conftest import DATA, require_tool
from tests.scans import make_scan
from tests.webapp import LOCAL, csrf_of


def _scan(tmp_path: Path) -> Path:
    """The first two pages of the 2015 plan, as a scan (pictures of the pages, no text layer)."""
    require_tool("tesseract")
    short = tmp_path / "short.pdf"
    qpdf = require_tool("qpdf")
    subprocess.run([qpdf, str(DATA / "kcc-2015.pdf"), "--pages", ".", "1-2", "--", str(short)], check=True)
    return make_scan(short, tmp_path / "scan.pdf")


def _upload(client: TestClient, scan: Path) -> str:
    token = csrf_of(client, "/upload")
    files = [("files", ("scanned plan.pdf", scan.read_bytes(), "application/pdf"))]
    response = client.post("/upload", data={"csrf_token": token}, files=files)
    assert response.status_code == 200
    return response.text


def test_a_scanned_upload_is_read_by_ocr(tmp_path: Path) -> None:
    scan = _scan(tmp_path)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with TestClient(create_app(url), base_url=LOCAL) as client:
        assert "is read by OCR" in client.get("/upload").text
        text = _upload(client, scan)
    assert "could not be read" not in text
    store = Store(url)
    try:
        (revision,) = store.revisions(store.resolve_plan(None))
        records = store.records(revision)
    finally:
        store.close()
    assert revision.kind == "pdf+ocr" and [r.id for r in records][:2] == ["R1", "R2"]
    assert all(r.confidence is not None for r in records)


def test_without_ocr_a_scanned_upload_gets_its_reason(tmp_path: Path) -> None:
    scan = _scan(tmp_path)
    with TestClient(create_app(str(tmp_path / "store.db"), ocr=False), base_url=LOCAL) as client:
        assert "cannot be read here" in client.get("/upload").text
        text = _upload(client, scan)
    assert "1 file could not be read." in text and "has no text layer" in text
    assert "scanned plans are read here once the OCR program Tesseract is installed" in text
    assert "--ocr" not in text  # a command-line option means nothing on the page
