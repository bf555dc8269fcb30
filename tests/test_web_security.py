"""The web app's defences over HTTP: security headers, ids that are never paths, CSRF on every POST, the upload
size limit, escaped text, the token on a non-local host, the host check on a local one."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from pipeline.records import NewRevision, Record, Status, Timescale
from pipeline.store import Store, StoreError
from pipeline.web import create_app
from pipeline.web.security import SECURITY_HEADERS
from tests.conftest import DATA
from tests.webapp import LOCAL, PLAN, built, copy_store, csrf_of, other_browser, reader, store_of, writer

__all__ = ["built", "reader", "writer"]  # fixtures


def test_security_headers_on_pages_files_and_errors(reader: TestClient) -> None:
    for page in ["/", "/static/site.css", "/no/such/page", "/plans/1/downloads/records?format=csv"]:
        response = reader.get(page)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (page, name)
    csp = SECURITY_HEADERS["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    "page",
    [
        "/plans/1/records/..%2f..%2fetc%2fpasswd",
        "/plans/1/records/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/plans/1/revisions/3/pages/5.png?record=..%2f..%2fetc%2fpasswd",
        "/plans/1/revisions/3/pages/999.png",
        "/plans/1/revisions/99/pages/1.png",
        "/plans/1/round/reports/..%2f..%2fetc%2fpasswd",
        "/plans/1/round/reports/passwd",
        "/upload/jobs/..%2f..%2fetc%2fpasswd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/plans/99",
        "/plans/1?revision=99",
        "/plans/1?revision=..%2f..",
        "/plans/1/downloads/records?format=..%2f..%2fetc%2fpasswd",
    ],
)
def test_ids_that_are_not_there_or_are_paths_are_404(reader: TestClient, page: str) -> None:
    response = reader.get(page)
    assert response.status_code == 404
    assert "root:" not in response.text


def test_a_raw_dotted_path_is_404(reader: TestClient) -> None:
    # Sent as written (the client would otherwise resolve the dots itself).
    raw = reader.get("/plans/1/records/R1/../../../../etc/passwd")
    assert raw.status_code == 404
    assert "root:" not in raw.text


def _post_routes(app: Starlette) -> list[str]:
    paths = []
    for route in app.routes:
        if isinstance(route, Route) and route.methods and "POST" in route.methods:
            paths.append(route.path.replace("{plan_id:int}", "1"))
    return paths


def test_every_post_without_a_csrf_token_is_403(writer: TestClient) -> None:
    app = writer.app
    assert isinstance(app, Starlette)
    posts = _post_routes(app)
    assert len(posts) >= 5
    for path in posts:
        assert writer.post(path, data={"agreed": "x", "more_ids": "R1"}).status_code == 403, path
        assert writer.post(path, data={"csrf_token": "0" * 64}).status_code == 403, path
    assert store_of(writer).closures(store_of(writer).resolve_plan(PLAN)) == {}  # nothing was closed


def test_a_csrf_token_of_another_browser_is_403(writer: TestClient, built: dict[str, Path], tmp_path: Path) -> None:
    token = csrf_of(writer, "/plans/1/paper")
    other = other_browser(writer, LOCAL)
    response = other.post("/plans/1/close", data={"csrf_token": token, "more_ids": "R1", "agreed": "x"})
    assert response.status_code == 403


def test_an_oversized_upload_is_413(built: dict[str, Path], tmp_path: Path) -> None:
    app = create_app(copy_store(built, "two", tmp_path), max_upload_mb=1)
    with TestClient(app, base_url=LOCAL) as client:
        token = csrf_of(client, "/upload")
        big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
        response = client.post(
            "/upload", data={"csrf_token": token}, files={"files": ("big.pdf", big, "application/pdf")}
        )
        assert response.status_code == 413
        store = store_of(client)
        assert len(store.revisions(store.resolve_plan(PLAN))) == 2


def test_hostile_text_is_shown_as_text(built: dict[str, Path], tmp_path: Path) -> None:
    url = copy_store(built, "two", tmp_path)
    hostile = "<script>alert(1)</script>"
    store = Store(f"sqlite:///{url}")
    plan = store.resolve_plan(PLAN)
    base = store.records(store.revision(plan, None))
    records = [
        Record(
            id=base[0].id,
            number=base[0].number,
            label=base[0].label,
            theme=f"{hostile} theme",
            recommendation=f"{hostile} <img src=x onerror=alert(2)>",
            proposed_actions=hostile,
            timescale=Timescale(hostile),
            owners=(f"{hostile} team",),
            owner_keys=(f"{hostile} team",),
            progress='"><script>alert(3)</script>',
            status=Status(hostile, "unknown"),
            pages=(1,),
        ),
        *base[1:],
    ]
    previous = store.revision(plan, None)
    new = NewRevision(f"{hostile} title", f"{hostile}.pdf", "f" * 64, 1, previous.columns, records, as_of="2016-03-31")
    store.add_revision(PLAN, hostile, new)
    store.close()
    app = create_app(url)
    with TestClient(app, base_url=LOCAL) as client:
        for page in ["/", "/plans/1", "/plans/1/records/R1", "/plans/1/changes", "/plans/1/round", "/plans/1/paper"]:
            text = client.get(page).text
            assert "<script>alert" not in text and "<img src=x" not in text, page
            assert "&lt;script&gt;alert(" in text, page


def test_a_non_local_host_needs_the_token(built: dict[str, Path]) -> None:
    app = create_app(str(built["three"]), host="0.0.0.0", token="s3cret-token")
    with TestClient(app, base_url="http://192.0.2.7:8000") as client:
        refused = client.get("/")
        assert refused.status_code == 401
        for name, value in SECURITY_HEADERS.items():
            assert refused.headers.get(name) == value
        assert client.get("/?token=wrong").status_code == 401
        assert client.get("/plans/1", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        swapped = client.get("/plans/1?token=s3cret-token&status=complete", follow_redirects=False)
        assert swapped.status_code == 303
        assert swapped.headers["location"] == "/plans/1?status=complete"  # the token leaves the address bar
        assert client.get("/").status_code == 200  # the cookie now carries it


def test_a_non_local_host_without_a_token_gets_one_made() -> None:
    app = create_app(str(DATA / "no-store-here.db"), host="0.0.0.0")
    assert len(app.state.web.token) >= 24
    assert not (DATA / "no-store-here.db").exists()


def test_a_local_app_answers_only_to_its_own_name(reader: TestClient) -> None:
    rebound, named = other_browser(reader, "http://attacker.example"), other_browser(reader, "http://localhost:8000")
    assert rebound.get("/").status_code == 400
    assert named.get("/").status_code == 200


def test_an_in_memory_store_is_refused() -> None:
    with pytest.raises(StoreError, match="in-memory"):
        create_app("sqlite://")
