"""Scanned plans: pages of images read by OCR (Tesseract), laid out by the same stages as a text layer.

The scans are made here from the sample plans (pdftoppm at 200 dpi, wrapped again as a PDF with img2pdf, one
turned 1°), once per test process. OCR takes about a second and a half a page, so the 25-page kcc-2015 scan
is read once, in one test, which checks its ids, count and cell similarity; the turned scan is of the 11-page
borderless plan. The rest are small cases of each step.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from pipeline.cli import main
from pipeline.errors import MissingToolError, NoTextLayerError
from pipeline.extract.geometry import Word
from pipeline.extraction import extract_plan
from pipeline.isolation import LimitError, Limits, run_isolated
from pipeline.ocr import ScannedWord
from pipeline.ocr.confidence import LOW_CONFIDENCE, rate_records
from pipeline.ocr.image import find_skew, ink_of, level
from pipeline.ocr.missed import missed_regions
from pipeline.ocr.rules import find_rules
from pipeline.ocr.tesseract import SeenWord, hocr_to_words
from pipeline.ocr.words import BULLET, is_bullet, repair_labels, seen_to_words, usual_sizes
from pipeline.records import BBox, Column, Record, SourceCell, SourceDocument, SourceRow, Status, TextLine, Timescale
from pipeline.records import to_jsonable as jsonable
from pipeline.settings import default_settings
from tests.conftest import DATA, require_tool
from tests.scans import cell_similarity, make_scan, truth_ids

MIN_SIMILARITY = 0.97
FIELDS = {f.name for f in dataclasses.fields(Record)}
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-eng"


def _need_ocr() -> None:
    """Skip (fail under ACTIONPLAN_REQUIRE_ALL=1) unless Tesseract with English, pdftoppm and img2pdf are here."""
    require_tool("pdftoppm")
    try:
        import img2pdf  # noqa: F401

        from pipeline.ocr import find_tesseract

        find_tesseract(None)
    except (ImportError, MissingToolError) as error:
        reason = f"OCR cannot be tested: {error} ({INSTALL}; pip install img2pdf)"
        if os.environ.get("ACTIONPLAN_REQUIRE_ALL") == "1":
            pytest.fail(f"ACTIONPLAN_REQUIRE_ALL=1 but {reason}")
        pytest.skip(reason)


class Scans:
    """The scans, each made when first asked for, once per test process: "kcc-2015" upright,
    "kcc-2014-borderless" turned 1°, and "page1", the first page of kcc-2015 alone (for the command line)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Path] = {}

    def __getitem__(self, name: str) -> Path:
        if name not in self.made:
            self.made[name] = self._make(name)
        return self.made[name]

    def _make(self, name: str) -> Path:
        if name == "kcc-2015":
            return make_scan(DATA / "kcc-2015.pdf", self.folder / "kcc-2015-scan.pdf")
        if name == "kcc-2014-borderless":
            return make_scan(DATA / "kcc-2014-borderless.pdf", self.folder / "borderless-turned.pdf", skew=1.0)
        import pikepdf

        first = self.folder / "kcc-2015-page1.pdf"
        with pikepdf.open(DATA / "kcc-2015.pdf") as pdf:
            del pdf.pages[1:]
            pdf.save(first)
        return make_scan(first, self.folder / "page1-scan.pdf")


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Scans:
    _need_ocr()
    return Scans(tmp_path_factory.mktemp("scans"))


def _check_scan(scan: Path, truth: str, *, capsys: pytest.CaptureFixture[str]) -> None:
    """Read a scan by OCR; check it gives the truth's ids in order, read closely, with boxes and confidences."""
    started = time.monotonic()
    extraction = extract_plan(scan, ocr=True)
    seconds = time.monotonic() - started
    output = json.loads(json.dumps(jsonable(extraction)))
    truth_path = DATA / f"{truth}.truth.json"
    assert [r.id for r in extraction.records] == truth_ids(truth_path)
    similarity, cells = cell_similarity(truth_path, output)
    with capsys.disabled():  # the figures the README quotes, shown with -s
        print(
            f"\n{scan.name}: {len(extraction.records)} records, similarity {similarity:.4f} over {cells} cells, "
            f"{seconds / extraction.source.pages:.2f} s a page"
        )
    assert similarity >= MIN_SIMILARITY
    assert extraction.source.format == "pdf+ocr"
    assert not [i for i in extraction.issues if i.severity == "error"]
    for record in extraction.records:
        assert record.pages and record.bboxes and all(b.page in record.pages for b in record.bboxes)
        assert record.cell_confidence and set(record.cell_confidence) <= FIELDS
        assert record.confidence == min(record.cell_confidence.values())
        assert all(0 <= c <= 1 for c in record.cell_confidence.values())


def test_a_scan_of_the_2015_plan_reads_as_its_truth(scans: Scans, capsys: pytest.CaptureFixture[str]) -> None:
    _check_scan(scans["kcc-2015"], "kcc-2015", capsys=capsys)


def test_a_turned_scan_of_the_borderless_plan_reads_as_its_truth(
    scans: Scans, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_scan(scans["kcc-2014-borderless"], "kcc-2014-borderless", capsys=capsys)


def test_a_scan_without_ocr_says_to_add_it(scans: Scans) -> None:
    result = CliRunner().invoke(main, ["extract", str(scans["page1"])])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line and "has no text layer" in line and "--ocr" in line


def test_the_command_line_reads_a_scan_in_a_child_as_the_library_does(scans: Scans) -> None:
    result = CliRunner().invoke(main, ["extract", str(scans["page1"]), "--ocr", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(jsonable(extract_plan(scans["page1"], ocr=True))))
    assert json.loads(result.stdout)["records"][0]["id"] == "R1"


def test_ingest_stores_a_scan_with_its_confidences(scans: Scans, tmp_path: Path) -> None:
    from pipeline.store import Store

    store = tmp_path / "plans.db"
    result = CliRunner().invoke(main, ["ingest", str(scans["page1"]), "--ocr", "--store", str(store)])
    assert result.exit_code == 0, result.stderr
    opened = Store(f"sqlite:///{store}", create=False)
    try:
        (revision,) = opened.revisions(opened.plans()[0])
        (record,) = opened.records(revision)
    finally:
        opened.close()
    assert revision.kind == "pdf+ocr"
    assert record.id == "R1" and record.confidence is not None and record.cell_confidence


def test_ocr_on_a_pdf_with_text_reads_its_text_layer() -> None:
    plain, scanned = extract_plan(DATA / "kcc-2014.pdf"), extract_plan(DATA / "kcc-2014.pdf", ocr=True)
    assert scanned == plain
    assert scanned.source.format == "pdf" and all(r.confidence is None for r in scanned.records)


def test_the_option_says_the_seconds_a_page_the_limit_grows_by() -> None:
    from pipeline.ocr import SECONDS_PER_PAGE

    result = CliRunner().invoke(main, ["extract", "--help"])
    assert f"grows by {SECONDS_PER_PAGE:g} s a page" in " ".join(result.stdout.split())


PROBE = """
import sys
from click.testing import CliRunner
from pipeline.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
assert result.exit_code == 0, result.output
print(sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "PIL") or m.startswith("pipeline.ocr")))
"""


@pytest.mark.parametrize("args", [["--help"], ["extract", str(DATA / "kcc-2015.pdf"), "--no-isolation"]])
def test_reading_a_pdf_with_text_loads_nothing_of_ocr(args: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=_env()
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[]"


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}


# Without Tesseract: one line naming the packages, from each command.


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "tesseract" else real(name, *a, **k))


@pytest.mark.parametrize("command", [["extract"], ["validate"], ["ingest", "--store", "{tmp}/plans.db"]])
def test_without_tesseract_ocr_names_the_package(no_tesseract: None, command: list[str], tmp_path: Path) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = CliRunner().invoke(main, [args[0], str(DATA / "kcc-2015.pdf"), "--ocr", *args[1:]])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and INSTALL in result.stderr and "Tesseract" in result.stderr
    assert not (tmp_path / "plans.db").exists()


def test_without_tesseract_the_no_text_layer_error_says_what_to_install(no_tesseract: None, tmp_path: Path) -> None:
    scan = tmp_path / "blank-scan.pdf"
    Image.new("L", (200, 100), 255).save(scan, format="PDF", resolution=100)
    with pytest.raises(NoTextLayerError, match=f"--ocr.*{INSTALL}"):
        extract_plan(scan)


# The steps, each on a small case.


def _page(size: tuple[int, int] = (1200, 800)) -> Image.Image:
    """A page with a ruled table of 3 columns and 4 rows, and words (as blocks of ink) in its cells, in grey."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    for y in (100, 200, 300, 400, 500):
        draw.line([(100, y), (1100, y)], fill=0, width=3)
    for x in (100, 400, 700, 1100):
        draw.line([(x, 100), (x, 500)], fill=0, width=3)
    for top in (100, 200, 300, 400):
        for y in range(top + 15, top + 90, 20):
            for x in range(120, 380, 45):
                draw.rectangle([x, y, x + 35, y + 8], fill=0)
    return page


@pytest.mark.parametrize("angle", [0.0, 0.5, -1.0, 2.5])
def test_find_skew_levels_a_turned_page(angle: float) -> None:
    turned = _page().rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert find_skew(turned) == pytest.approx(-angle, abs=0.05)


def test_find_rules_finds_a_grid_and_takes_it_out_of_the_text() -> None:
    import numpy as np

    ink = ink_of(np.asarray(_page()))
    rules, text = find_rules(ink, 0.5)  # half a point a pixel
    across = sorted(r.at for r in rules if not r.vertical)
    down = sorted(r.at for r in rules if r.vertical)
    assert across == pytest.approx([50.5, 100.5, 150.5, 200.5, 250.5], abs=1)
    assert down == pytest.approx([50.5, 200.5, 350.5, 550.5], abs=1)
    assert all(r.a == pytest.approx(49.5, abs=1) and r.b == pytest.approx(251, abs=1) for r in rules if r.vertical)
    assert not text[100, 600] and not text[300, 400]  # the rules are gone from the text
    assert text[118, 130]  # the words are not


def test_level_turns_a_page_back() -> None:
    turned = _page().rotate(1.0, resample=Image.Resampling.BICUBIC, fillcolor=255)
    import numpy as np

    rules, _ = find_rules(ink_of(np.asarray(level(turned, find_skew(turned)))), 1.0)
    assert len([r for r in rules if not r.vertical]) == 5


HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><div class='ocr_page' title='bbox 0 0 2000 1000'>
<span class='ocr_line' title="bbox 100 200 500 240; baseline 0.01 -8; x_size 40; x_descenders 8; x_ascenders 10">
<span class='ocrx_word' title='bbox 100 204 180 232; x_wconf 96'>Early</span>
<span class='ocrx_word' title='bbox 200 204 300 240; x_wconf 61'>2015</span>
<span class='ocrx_word' title='bbox 320 204 330 232; x_wconf 95'> </span></span>
<span class='ocr_header' title="bbox 100 300 300 330; baseline 0 -5; x_size 30">
<span class='ocrx_word' title='bbox 100 300 300 325; x_wconf 90'>Status</span></span>
</div></body></html>"""


def test_hocr_to_words_reads_boxes_baselines_sizes_and_confidences() -> None:
    early, year, status = hocr_to_words(HOCR)
    assert (early.text, early.x0, early.top, early.x1, early.bottom) == ("Early", 100, 204, 180, 232)
    assert early.baseline == pytest.approx(240 - 8 + 0.01 * 40) and early.size == 40
    assert (early.confidence, year.confidence) == (0.96, 0.61)
    assert (early.first, year.first, status.first) == (True, False, True)
    assert status.text == "Status" and status.baseline == 325 and status.size == 30


def _seen(text: str, box: tuple[int, int, int, int], size: float = 40.0, confidence: float = 0.9) -> SeenWord:
    return SeenWord(text, *box, baseline=float(box[3]), size=size, confidence=confidence)


@pytest.mark.parametrize(
    ("text", "shape", "bullet"),
    [("e", "dot", True), ("«¢", "dot", True), ("e", "ring", False), ("Team", "dot", False), ("e", "bar", False)],
)
def test_a_bullet_is_known_by_its_shape(text: str, shape: str, bullet: bool) -> None:
    import numpy as np

    page = Image.new("L", (100, 100), 255)
    draw = ImageDraw.Draw(page)
    box = {"dot": (40, 40, 52, 52), "ring": (40, 40, 52, 52), "bar": (40, 40, 64, 46)}[shape]
    draw.ellipse(box, fill=None if shape == "ring" else 0, outline=0, width=2)
    ink = ink_of(np.asarray(page))
    assert is_bullet(_seen(text, (box[0], box[1], box[2] + 1, box[3] + 1)), ink) is bullet


def test_seen_to_words_gives_points_bold_and_bullets() -> None:
    import numpy as np

    page = Image.new("L", (400, 100), 255)
    draw = ImageDraw.Draw(page)
    for y in (10, 40, 70):  # words in thin strokes: plain
        draw.rectangle([10, y, 90, y + 2], fill=0)
        draw.rectangle([10, y + 10, 90, y + 12], fill=0)
    draw.rectangle([110, 10, 190, 17], fill=0)  # thick: bold
    draw.ellipse([210, 10, 222, 22], fill=0)  # a bullet
    ink = ink_of(np.asarray(page))
    plain, *_, bold, bullet = seen_to_words(
        [
            *(_seen("plain", (10, y, 91, y + 13)) for y in (10, 40, 70)),
            _seen("BOLD", (110, 10, 191, 18)),
            _seen("e", (210, 10, 223, 23), 40, 0.3),
        ],
        ink,
        0.5,
    )
    assert plain[0].x0 == 5 and plain[0].size == 20 and plain[0].bottom - plain[0].top == pytest.approx(20)
    assert not plain[0].bold and bold[0].bold
    assert bullet == (Word(BULLET, 105, 111.5, bullet[0].top, bullet[0].bottom, 20), 1.0)


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        (["RQ.", "Need"], ["R9.", "Need"]),
        (["Rl.", "Support"], ["R1.", "Support"]),
        (["R1O.", "Extend"], ["R10.", "Extend"]),
        (["R", "Q.", "Need"], ["R", "9.", "Need"]),
        (["R9.", "Need"], ["R9.", "Need"]),  # already a label
        (["Rooms", "for"], ["Rooms", "for"]),  # mended it is no label: left as read
        (["Ongoing"], ["Ongoing"]),
    ],
)
def test_repair_labels_mends_a_digit_read_as_a_letter(read: list[str], mended: list[str]) -> None:
    seen = [_seen(t, (10 * i, 0, 10 * i + 8, 10)) for i, t in enumerate(read)]
    seen = [dataclasses.replace(s, first=i == 0) for i, s in enumerate(seen)]
    assert [s.text for s in repair_labels(seen, default_settings().strong_label_patterns)] == mended


def test_repair_labels_looks_only_at_the_start_of_a_line() -> None:
    seen = [_seen("see", (0, 0, 8, 10)), _seen("RQ.", (10, 0, 18, 10))]
    seen[0] = dataclasses.replace(seen[0], first=True)
    assert [s.text for s in repair_labels(seen, default_settings().strong_label_patterns)] == ["see", "RQ."]


def test_missed_regions_finds_ink_no_word_covers() -> None:
    import numpy as np

    ink = np.zeros((400, 800), dtype=bool)
    ink[100:130, 100:300] = True  # a word read
    ink[100:130, 600:700] = True  # a word left out
    ink[300:302, 400:402] = True  # a speck
    seen = [_seen("read", (100, 100, 300, 130), size=40)]
    ((x0, top, x1, bottom),) = missed_regions(ink, seen, 40)
    assert x0 <= 600 and x1 >= 700 and top <= 100 and bottom >= 130 and x0 > 300


def test_usual_sizes_snaps_near_sizes_and_keeps_a_title() -> None:
    assert usual_sizes([40, 40, 36, 44, 56]) == [40, 40, 40, 40, 56]


def _record(rid: str, box: BBox) -> Record:
    return Record(rid, None, "", None, "", "", Timescale(""), (), "", Status(""), (box.page,), bboxes=(box,))


def test_rate_records_rates_each_cell_by_its_words_and_warns_of_low_ones() -> None:
    row = BBox(1, 50, 100, 500, 140)
    line = TextLine("x", 60, 200, 100, 112, 10)
    later = TextLine("y", 60, 200, 113, 125, 10)
    cells = (SourceCell((line, later), 200), SourceCell((TextLine("Ongoing", 300, 350, 100, 112, 10),), 400))
    doc = SourceDocument(
        "scan.pdf",
        "0",
        1,
        "",
        (Column("recommendation", "Rec"), Column("status", "Status")),
        (SourceRow("body", 1, row, cells),),
    )
    words = [
        ScannedWord(1, Word("Support", 60, 100, 101, 111, 10), 0.95),
        ScannedWord(1, Word("it", 60, 70, 114, 124, 10), 0.4),
        ScannedWord(1, Word("Ongoing", 300, 350, 101, 111, 10), 0.5),
        ScannedWord(2, Word("Elsewhere", 300, 350, 101, 111, 10), 0.1),
    ]
    (rated,), issues = rate_records([_record("R1", row)], doc, words)
    assert rated.cell_confidence == {"recommendation": round((0.95 * 7 + 0.4 * 2) / 9, 3), "status": 0.5}
    assert rated.confidence == 0.5 < LOW_CONFIDENCE
    assert [(i.severity, i.record, i.field, i.message) for i in issues] == [
        ("warning", "R1", "status", "low OCR confidence in status (0.50): check it against page 1")
    ]
    (plain,), none = rate_records([_record("R2", BBox(2, 0, 0, 1, 1))], doc, words)
    assert plain.confidence is None and plain.cell_confidence == {} and none == []


def _slow_pages(pages: int, seconds: float, progress: object = None) -> str:
    assert callable(progress)
    for done in range(1, pages + 1):
        time.sleep(seconds)
        progress(done, pages)
    return "read"


def test_the_time_limit_grows_by_the_seconds_a_page() -> None:
    with pytest.raises(LimitError, match="longer than 1 s"):
        run_isolated("slow.pdf", _slow_pages, (4, 0.4), limits=Limits(seconds=1.0), progress=lambda done, total: None)
    assert run_isolated("slow.pdf", _slow_pages, (4, 0.4), limits=Limits(seconds=1.0, seconds_per_page=1.0)) == "read"
