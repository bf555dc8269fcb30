"""Shared test helpers: the bundled fixtures and the rule for tests that need a system tool."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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
