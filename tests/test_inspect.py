"""`actionplan inspect`: page images with what the extractor saw drawn over them, read back with Pillow."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pypdfium2
import pytest
from click.testing import CliRunner
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Table as PdfTable

from pipeline.cli import main
from pipeline.export.overlay import OTHER_COLOUR, PLAN_COLOUR, SCALE, table_tag
from pipeline.extract import read_pdf
from pipeline.inspection import inspect_pdf
from pipeline.records import Table
from tests.conftest import DATA

PLAN = DATA / "kcc-2015.pdf"
PROSE_THEN_TABLE = DATA / "corpus" / "kcc-executive-response.pdf"  # page 1 is prose, the table starts on page 4


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def pixels_of(image: Image.Image, colour: tuple[int, int, int], box: tuple[int, int, int, int] | None = None) -> int:
    """Count the pixels of exactly this colour (in `box`, left-top-right-bottom, if given)."""
    rgb = np.asarray(image.convert("RGB"))
    if box is not None:
        rgb = rgb[box[1] : box[3], box[0] : box[2]]
    return int((rgb == np.array(colour, dtype=np.uint8)).all(axis=-1).sum())


def page_size(path: Path, page: int) -> tuple[float, float]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        width, height = pdf[page - 1].get_size()
    finally:
        pdf.close()
    return width, height


def test_one_image_per_page_asked_for_with_the_plan_drawn_inside_the_table(tmp_path: Path) -> None:
    out = tmp_path / "inspect"
    result = run("inspect", str(PLAN), "--pages", "1-2", "-o", str(out))
    assert result.exit_code == 0, result.output
    images = [out / "page-001.png", out / "page-002.png"]
    assert result.stdout.splitlines()[:2] == [str(p) for p in images]
    assert "3 records from table 1" in result.stdout.splitlines()[2]
    assert sorted(out.iterdir()) == images  # no temporary files left beside them
    part = read_pdf(PLAN, pages={1}).tables[0].parts[0]
    with Image.open(images[0]) as image:
        width, height = page_size(PLAN, 1)
        assert image.width / image.height == pytest.approx(width / height, rel=0.01)
        assert image.width == pytest.approx(width * SCALE, abs=2)
        x0, top, x1, bottom = (round(v * SCALE) for v in (part.bbox.x0, part.bbox.top, part.bbox.x1, part.bbox.bottom))
        assert pixels_of(image, PLAN_COLOUR, (x0, top, x1, bottom)) > 1000  # the table's outline, all round
        assert pixels_of(image, OTHER_COLOUR) == 0


def test_a_page_without_a_table_has_no_table_colour_and_a_table_page_has(tmp_path: Path) -> None:
    out = tmp_path / "inspect"
    result = run("inspect", str(PROSE_THEN_TABLE), "--pages", "1,4", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["page-001.png", "page-004.png"]
    with Image.open(out / "page-001.png") as prose:
        assert pixels_of(prose, PLAN_COLOUR) == 0
        assert pixels_of(prose, OTHER_COLOUR) == 0
    with Image.open(out / "page-004.png") as table:
        assert pixels_of(table, PLAN_COLOUR) > 1000


def test_a_document_without_a_plan_is_still_drawn_with_the_tables_seen(tmp_path: Path) -> None:
    pdf = tmp_path / "venues.pdf"
    rows = [["Venue", "Address", "Capacity"]] + [[f"Hall {i}", f"{i} High Street", str(50 + i)] for i in range(8)]
    table = PdfTable(rows)
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    SimpleDocTemplate(str(pdf), pagesize=A4).build([table])
    out = tmp_path / "inspect"
    result = run("inspect", str(pdf), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 table seen; no plan read" in result.stdout
    with Image.open(out / "page-001.png") as image:
        assert pixels_of(image, OTHER_COLOUR) > 500
        assert pixels_of(image, PLAN_COLOUR) == 0


def test_not_a_pdf_gives_one_line_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "plan.pdf"
    fake.write_text("this is not a PDF\n", encoding="utf-8")
    out = tmp_path / "inspect"
    result = run("inspect", str(fake), "-o", str(out))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"actionplan: {fake}")
    assert not out.exists() or not any(out.iterdir())


def test_pages_outside_the_document_give_one_line_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "inspect"
    result = run("inspect", str(PLAN), "--pages", "90-99", "-o", str(out))
    assert result.exit_code == 2
    assert "none of the pages asked for" in result.stderr
    assert not out.exists()


def test_in_process_drawing_matches_the_isolated_one(tmp_path: Path) -> None:
    isolated = inspect_pdf(PLAN, tmp_path / "a", pages={2})
    here = inspect_pdf(PLAN, tmp_path / "b", pages={2}, isolate=False)
    assert [p.name for p in isolated.images] == [p.name for p in here.images] == ["page-002.png"]
    with Image.open(isolated.images[0]) as a, Image.open(here.images[0]) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize(
    ("kind", "used", "reason", "expected"),
    [
        ("plan", True, "its header names a recommendation", "table 1: plan (used)"),
        ("plan", False, "its header names a recommendation", "table 1: plan (not used)"),
        ("other", False, "a ruled table whose header names no plan columns", "table 1: other — a ruled table whose"),
        ("other", False, "x" * 200, "table 1: other — " + "x" * 59 + "…"),
    ],
)
def test_table_tag_says_kind_and_use_or_why(kind: str, used: bool, reason: str, expected: str) -> None:
    table = Table(1, kind, reason, (), (), (1,), used)  # type: ignore[arg-type]
    assert table_tag(table).startswith(expected)
