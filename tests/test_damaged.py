"""Damaged PDFs read in-process (`--no-isolation`) end in the same one clean error as in a child: a damaged
object met while pdfplumber closes the file must not replace the error already being raised."""

from __future__ import annotations

import itertools
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.test_hardening import _mutations, small_plans  # noqa: F401 - small_plans is a fixture

# Cases of the fuzz test that once ended in "unexpected error" without isolation (pdfplumber raised again
# from close(), over the DamagedPdfError being raised).
ONCE_UNEXPECTED = ("flipped-14", "flipped-20", "flipped-40", "flipped-48")


def test_damaged_pdfs_without_isolation_end_in_one_clean_error(
    small_plans: tuple[bytes, bytes],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    cases = dict(itertools.islice(_mutations(*small_plans), 400))
    runner = CliRunner()
    for name in ONCE_UNEXPECTED:
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(cases[name])
        result = runner.invoke(main, ["extract", str(pdf), "-o", str(tmp_path / "out.json"), "--no-isolation"])
        assert result.exit_code == 2, (name, result.stderr)
        (line,) = result.stderr.strip().splitlines()
        assert str(pdf) in line and "unexpected" not in line and "damaged" in line, (name, line)
        assert not (tmp_path / "out.json").exists()
