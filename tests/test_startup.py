"""Fast start: `--help` and `extract` load none of the later stages' libraries (each command loads its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parent.parent
PLAN = DATA / "kcc-2015.pdf"
HEAVY = ("docx", "matplotlib", "pandas", "sqlalchemy", "openpyxl")

# Run in a fresh interpreter: import the CLI, invoke it in-process, then list the top-level modules loaded.
PROBE = """
import json, sys
from click.testing import CliRunner
from pipeline.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps({
    "exit": result.exit_code,
    "stdout": result.stdout,
    "loaded": sorted({m.split(".")[0] for m in sys.modules}),
}))
"""


def probe(tmp_path: Path, *args: str) -> dict[str, object]:
    """Given CLI arguments, run them in a fresh Python (from an empty folder, so no stray settings file counts);
    return the exit code, standard output and which of the heavy libraries were loaded."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    loaded = result["loaded"]
    assert isinstance(loaded, list) and "click" in loaded  # the probe sees what the command loaded
    result["loaded"] = [name for name in HEAVY if name in loaded]
    return result


def test_help_loads_no_heavy_library(tmp_path: Path) -> None:
    result = probe(tmp_path, "--help")
    assert result["exit"] == 0
    assert "extract" in str(result["stdout"])
    assert result["loaded"] == []


@pytest.mark.parametrize("isolation", [[], ["--no-isolation"]], ids=["isolated", "in-process"])
def test_extract_loads_no_heavy_library(tmp_path: Path, isolation: list[str]) -> None:
    result = probe(tmp_path, "extract", str(PLAN), "--format", "json", *isolation)
    assert result["exit"] == 0
    assert len(json.loads(str(result["stdout"]))["records"]) == 27
    assert result["loaded"] == []


def test_store_help_names_the_variable_the_store_reads() -> None:
    from pipeline.store import STORE_ENV

    result = CliRunner().invoke(main, ["diff", "--help"], terminal_width=200)
    assert f"${STORE_ENV}" in result.stdout


def test_store_variable_still_chooses_the_store(tmp_path: Path) -> None:
    where = tmp_path / "chosen.db"
    result = CliRunner().invoke(main, ["revisions"], env={"ACTIONPLAN_STORE": str(where)})
    assert str(where) in result.stderr


def test_collect_help_shows_the_return_limits() -> None:
    from pipeline.returns import RETURN_LIMITS

    result = CliRunner().invoke(main, ["collect", "--help"], terminal_width=200)
    assert f"[default: {RETURN_LIMITS.seconds}; x>=1]" in result.stdout
    assert f"[default: {RETURN_LIMITS.memory_mb}; x>=64]" in result.stdout
