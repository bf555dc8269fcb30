"""The command line, in-process with CliRunner, and once as a real process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.cli import main
from pipeline.records import to_jsonable
from tests.conftest import DATA, require_tool, shared_extraction

PLAN = DATA / "kcc-2015.pdf"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_json_output_equals_library_result() -> None:
    result = run("extract", str(PLAN))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == to_jsonable(shared_extraction(PLAN))
    assert "27 records" in result.stderr


def test_jsonl_one_record_per_line() -> None:
    result = run("extract", str(PLAN), "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [f"R{i}" for i in range(1, 28)]


def test_csv_flattens_objects_and_joins_lists(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    result = run("extract", str(PLAN), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 27
    assert rows[0]["timescale.text"] == "Early 2015"
    assert rows[0]["owners"] == "Transformation Team; Procurement; Commissioning"
    assert rows[0]["status.text"] == "Ongoing"


def test_output_file_written_and_nothing_left_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "plan.json"
    assert run("extract", str(PLAN), "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["pages"] == 25
    assert [p.name for p in out.parent.iterdir()] == ["plan.json"]


def test_every_command_has_help_with_an_example() -> None:
    commands = [main, *main.commands.values()]
    for command in commands:
        assert command.help and "actionplan " in command.help, command.name


# ------------------------------------------------------------------ bad inputs


def _image_only_pdf(path: Path) -> Path:
    image = path.with_suffix(".png")
    Image.new("RGB", (200, 100), "white").save(image)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(str(image), 50, 500, width=400, height=200)
    c.showPage()
    c.save()
    return path


def _text_only_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Minutes of the meeting held on 21 January 2016")
    c.drawString(72, 740, "Present: the Chairman and six Members.")
    c.showPage()
    c.save()
    return path


def _encrypted(path: Path, user: str, owner: str) -> Path:
    with pikepdf.open(PLAN) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
    return path


BAD_INPUTS: dict[str, tuple[Callable[[Path], object], str]] = {
    "html": (lambda p: p.write_bytes(b"<!DOCTYPE html><html><body>Sign in</body></html>"), "web page"),
    "empty": (lambda p: p.write_bytes(b""), "empty"),
    "docx": (lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 200), "damaged Word document"),
    "truncated": (lambda p: p.write_bytes(PLAN.read_bytes()[: len(PLAN.read_bytes()) // 2]), "truncated"),
    "corrupt": (lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj garbage\ntrailer\n%%EOF\n"), "damaged"),
    "encrypted": (lambda p: _encrypted(p, "secret", "owner"), "--password"),
    "scanned": (_image_only_pdf, "OCR"),
    "no-table": (_text_only_pdf, "no action-plan table"),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_one_line_exit_2_nothing_written(kind: str, tmp_path: Path) -> None:
    make, words = BAD_INPUTS[kind]
    bad = tmp_path / f"{kind}.pdf"
    make(bad)
    out = tmp_path / "out.json"
    result = run("extract", str(bad), "-o", str(out))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0] and words in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.glob(".out.json*")) == []


def test_wrong_password_is_told_apart(tmp_path: Path) -> None:
    bad = _encrypted(tmp_path / "enc.pdf", "secret", "owner")
    result = run("extract", str(bad), "--password", "guess")
    assert result.exit_code == 2 and "password given is wrong" in result.stderr


def test_right_password_opens(tmp_path: Path) -> None:
    enc = _encrypted(tmp_path / "enc.pdf", "secret", "owner")
    result = run("extract", str(enc), "--password", "secret")
    assert result.exit_code == 0 and len(json.loads(result.stdout)["records"]) == 27


def test_owner_password_only_opens_normally(tmp_path: Path) -> None:
    enc = _encrypted(tmp_path / "owner-only.pdf", "", "owner")
    result = run("extract", str(enc))
    assert result.exit_code == 0 and len(json.loads(result.stdout)["records"]) == 27


def test_qpdf_encrypted_file(tmp_path: Path) -> None:
    qpdf = require_tool("qpdf")
    enc = tmp_path / "qpdf.pdf"
    subprocess.run([qpdf, "--encrypt", "u", "o", "256", "--", str(PLAN), str(enc)], check=True)
    result = run("extract", str(enc))
    assert result.exit_code == 2 and "encrypted" in result.stderr


def test_missing_file() -> None:
    result = run("extract", "no/such/plan.pdf")
    assert result.exit_code == 2 and "not found" in result.stderr


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "page.pdf"
    bad.write_text("<html>not found</html>")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(bad)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "actionplan.toml"
    config.write_text("[headers\n")
    result = run("--config", str(config), "extract", str(PLAN))
    assert result.exit_code == 2 and "actionplan.toml" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_config_adds_header_synonyms(tmp_path: Path) -> None:
    from tests.renderings import STANDARD, Variant, render

    columns = [(f, "Delivery body" if f == "owners" else h) for f, h in STANDARD]
    pdf = render(DATA / "kcc-2015.truth.json", tmp_path / "plan.pdf", Variant("custom", columns=columns))
    before = json.loads(run("extract", str(pdf)).stdout)
    assert "owners" not in [c["field"] for c in before["source"]["columns"]]
    config = tmp_path / "actionplan.toml"
    config.write_text('[headers]\nowners = ["Delivery body"]\n')
    after = json.loads(run("--config", str(config), "extract", str(pdf)).stdout)
    assert ("owners", "Delivery body") in [(c["field"], c["header"]) for c in after["source"]["columns"]]
    assert after["records"][0]["owners"] == ["Transformation Team", "Procurement", "Commissioning"]


# ------------------------------------------------------------------ user mistakes: stores that keep nothing, empty labels


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", str(PLAN)],
        ["collect", "returned.xlsx"],
        ["approve", "r1-returns"],
        ["close", "R1", "--agreed", "Committee"],
        ["revisions"],
    ],
)
@pytest.mark.parametrize("store", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_is_refused(args: list[str], store: str) -> None:
    result = run(*args, "--store", store)
    assert result.exit_code == 2, result.output
    assert "would keep nothing" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "revision r1" not in result.stdout


@pytest.mark.parametrize("label", ["", "  "])
def test_an_empty_revision_label_is_refused(label: str, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    result = run("ingest", str(PLAN), "--revision", label, "--store", str(store))
    assert result.exit_code == 2 and "revision label cannot be empty" in result.stderr
    assert not store.exists()


def test_extract_refuses_an_output_that_is_a_link(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    link = tmp_path / "plan.json"
    link.symlink_to(target)
    result = run("extract", str(PLAN), "-o", str(link))
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert link.is_symlink() and target.read_text() == "keep me"


def test_extracts_come_from_the_one_read_of_extract_and_ingest(tmp_path: Path) -> None:
    """`--extracts DIR` writes NAME.json, NAME.csv and NAME.issues.txt from the same read, for extract and ingest."""
    out = tmp_path / "out"
    result = run("extract", str(PLAN), "--extracts", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    written = sorted(p.name for p in out.iterdir())
    assert written == ["kcc-2015.csv", "kcc-2015.issues.txt", "kcc-2015.json"]
    assert json.loads((out / "kcc-2015.json").read_text()) == to_jsonable(shared_extraction(PLAN))
    rows = list(csv.DictReader(io.StringIO((out / "kcc-2015.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 27 and "empty status" in (out / "kcc-2015.issues.txt").read_text()
    again = tmp_path / "again"
    store = tmp_path / "s.db"
    result = run("ingest", str(PLAN), "--revision-date", "2015-07-31", "--extracts", str(again), "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "revision date 31 July 2015" in result.stdout
    assert (again / "kcc-2015.json").read_bytes() == (out / "kcc-2015.json").read_bytes()
