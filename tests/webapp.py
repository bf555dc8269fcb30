"""A web app over a real SQLite store, for the HTTP tests of `actionplan serve` (tests/test_web*.py): stores made
once a module by ingesting the bundled plans, clients that only read and clients with a store of their own."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from pipeline.store import Store
from pipeline.web import create_app
from tests.conftest import DATA, shared_extraction

LOCAL = "http://127.0.0.1"
PLAN = "Appendix 1: Action Plan"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def make_store(path: Path, names: list[str]) -> Path:
    """Given a file and fixture names, store each fixture as a revision (read once per test process); return it."""
    from pipeline.ingest import ingest_extraction

    opened = Store(f"sqlite:///{path}")
    for name in names:
        ingest_extraction(opened, shared_extraction(name), DATA / f"{name}.pdf")
    opened.close()
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two stores made once for the module: r1 and r2 (2014, 2015), and r1 to r3 (and the 2015 Q4 update)."""
    folder = tmp_path_factory.mktemp("stores")
    return {
        "two": make_store(folder / "two.db", ["kcc-2014", "kcc-2015"]),
        "three": make_store(folder / "three.db", ["kcc-2014", "kcc-2015", "kcc-2015q4"]),
    }


def copy_store(built: dict[str, Path], which: str, tmp_path: Path) -> str:
    target = tmp_path / f"{which}.db"
    shutil.copy(built[which], target)
    return str(target)


@pytest.fixture(scope="module")
def reader(built: dict[str, Path]) -> Iterator[TestClient]:
    """A client of an app over the r1-r3 store, for tests that only read."""
    app = create_app(str(built["three"]))
    with TestClient(app, base_url=LOCAL) as client:
        yield client


@pytest.fixture
def writer(built: dict[str, Path], tmp_path: Path) -> Iterator[TestClient]:
    """A client of an app over a copy of the r1-r3 store of its own, for tests that write."""
    app = create_app(copy_store(built, "three", tmp_path))
    with TestClient(app, base_url=LOCAL) as client:
        yield client


def other_browser(client: TestClient, base_url: str) -> TestClient:
    """Another browser on the same app (not started again: the app's lifespan is the first client's)."""
    return TestClient(client.app, base_url=base_url)


def csrf_of(client: TestClient, page: str) -> str:
    """GET a page and return the CSRF token its forms carry."""
    found = CSRF.search(client.get(page).text)
    assert found, f"{page} has no form with a CSRF token"
    return found.group(1)


def store_of(client: TestClient) -> Store:
    app = client.app
    assert isinstance(app, Starlette)
    store = app.state.web.store.get()
    assert isinstance(store, Store)
    return store
