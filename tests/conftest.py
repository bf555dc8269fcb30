"""Shared test helpers: the bundled fixtures and the rule for tests that need a system tool."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

DATA = Path(__file__).parent / "data"
FIXTURES = ["kcc-2015", "kcc-2014", "kcc-2015q4", "kcc-2014-borderless"]


def require_tool(name: str) -> str:
    """Return the path of a system tool, or skip (fail under ACTIONPLAN_REQUIRE_ALL=1) when it is missing."""
    found = shutil.which(name)
    if found:
        return found
    reason = f"{name} is not installed (apt-get install {'poppler-utils' if name.startswith('pdf') else name})"
    if os.environ.get("ACTIONPLAN_REQUIRE_ALL") == "1":
        pytest.fail(f"ACTIONPLAN_REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


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


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL: a new SQLite file, or an emptied PostgreSQL database when one is configured."""
    from pipeline.store import metadata

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    pg = os.environ.get(PG_ENV)
    if not pg:
        reason = f"no PostgreSQL server configured (set {PG_ENV}=postgresql+psycopg://user:pw@host/db; .ci/run does)"
        if os.environ.get("ACTIONPLAN_REQUIRE_ALL") == "1":
            pytest.fail(f"ACTIONPLAN_REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)
    engine = sa.create_engine(pg)
    metadata.drop_all(engine)
    engine.dispose()
    yield pg
