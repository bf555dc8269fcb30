"""Damaged PDFs read in-process (`--no-isolation`) end in the same one clean error as in a child: a damaged
object met while pdfplumber closes the file must not replace the error already being raised."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import InputError
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


def _raise_from_lxml() -> None:
    from lxml import etree

    try:
        etree.fromstring(b"<w:document")
    except etree.XMLSyntaxError:
        raise InputError("bad.docx", "cannot be read as a Word document") from None


def test_the_readers_error_crosses_whatever_pickles_exception_chains() -> None:
    """Dask installs tblib's pickling, which sends an exception's chain too; lxml's error in that chain cannot
    be pickled, so the reader's one-line error must cross without it."""
    from tblib import pickling_support

    from pipeline.isolation import Limits, run_isolated

    pickling_support.install()
    with pytest.raises(InputError, match="cannot be read as a Word document"):
        run_isolated("bad.docx", _raise_from_lxml, limits=Limits(seconds=30))
