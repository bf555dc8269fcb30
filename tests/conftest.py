"""Shared test helpers: the bundled fixtures, their extractions, stores, and the rule for tests that need a system tool.

The suite runs in parallel (pytest-xdist, `-n auto` in pyproject.toml): each worker is its own process with its
own tmp_path folders and, for PostgreSQL, its own database. A test must not write outside tmp_path. Run
`pytest -n0` to run in one process (for a debugger or `print`).
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
import sqlalchemy as sa

if TYPE_CHECKING:
    from pipeline.records import Extraction
    from pipeline.store import Store

DATA = Path(__file__).parent / "data"
FIXTURES = ["kcc-2015", "kcc-2014", "kcc-2015q4", "kcc-2014-borderless"]


def require_tool(name: str) -> str:
    """Return the path of a system tool, or skip (fail under ACTIONPLAN_REQUIRE_ALL=1) when it is missing."""
    found = shutil.which(name)
    if found:
        return found
    _missing(f"{name} is not installed (apt-get install {'poppler-utils' if name.startswith('pdf') else name})")


def _missing(reason: str) -> NoReturn:
    if os.environ.get("ACTIONPLAN_REQUIRE_ALL") == "1":
        pytest.fail(f"ACTIONPLAN_REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


@functools.cache
def _extract_once(path: Path) -> Extraction:
    from pipeline.extraction import extract_plan

    return extract_plan(path)


def shared_extraction(pdf: str | Path) -> Extraction:
    """Given a fixture name ("kcc-2015") or a PDF path, return `extract_plan(path)` with default settings.

    Each file is read once per test process and the same Extraction is shared: it is frozen, so treat it as
    read-only (do not change a record's `extra`). Tests of settings, limits or errors call extract_plan themselves.
    """
    path = Path(pdf) if isinstance(pdf, Path) or pdf.endswith(".pdf") else DATA / f"{pdf}.pdf"
    return _extract_once(path.resolve())


@pytest.fixture(params=FIXTURES)
def fixture_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


PG_ENV = "ACTIONPLAN_TEST_PG_URL"
# The owner keys of the 2015 plan.
KCC_OWNER_KEYS = {
    "Commissioning",
    "Procurement",
    "Policy",
    "Transformation Team",
    "Performance and Risk",
    "Policy with Commissioning and Procurement",
}


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this test process's own, made beside the configured one and dropped at the end.

    Named after the configured database, the xdist worker and the process id, so parallel workers, and two runs
    at once on one server, never empty each other's tables. The configured role needs CREATEDB.
    """
    configured = os.environ.get(PG_ENV)
    if not configured:
        _missing(f"no PostgreSQL server configured (set {PG_ENV}=postgresql+psycopg://user:pw@host/db; .ci/run does)")
    base = sa.engine.make_url(configured)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{base.database}_{worker}_{os.getpid()}"
    maintenance = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.ProgrammingError as error:
        maintenance.dispose()
        pytest.fail(f"cannot create the test database {name} ({error.orig}): ALTER ROLE {base.username} CREATEDB")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with maintenance.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """The URL of this process's PostgreSQL database, emptied: no tables, as a new store would find it."""
    engine = sa.create_engine(pg_database)
    with engine.begin() as conn:
        found = sa.MetaData()
        found.reflect(conn)  # every table, those of older schema versions too
        found.drop_all(conn)
    engine.dispose()
    return pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL: a new SQLite file, or an empty PostgreSQL database when one is configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store_2015(tmp_path: Path) -> Iterator[Store]:
    """A new SQLite store holding the 2015 plan as its one revision (extracted once per test process)."""
    from pipeline.ingest import ingest_extraction
    from pipeline.store import Store as Opened

    opened = Opened(f"sqlite:///{tmp_path / 'store.db'}")
    ingest_extraction(opened, shared_extraction("kcc-2015"), DATA / "kcc-2015.pdf")
    yield opened
    opened.close()
