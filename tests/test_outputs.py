"""Every output path and user mistake around the outputs: CSV cells defused, -o only over a regular file or a
new path, the committee paper's meta file and template checked, LibreOffice stopped with everything it started."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import stat
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document

from pipeline.cli import main
from pipeline.committee import build_paper
from pipeline.errors import ConfigError, InputError, OutputError
from pipeline.export.atomic import write_atomic
from pipeline.export.recordfile import extraction_to_csv
from pipeline.export.template import read_template
from pipeline.ingest import ingest_extraction, ingest_file
from pipeline.meta import load_meta
from pipeline.records import Extraction, Status
from pipeline.settings import load_settings
from pipeline.store import Store
from tests.conftest import DATA, shared_extraction

PLAN = DATA / "kcc-2015.pdf"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def plan() -> Extraction:
    return shared_extraction(PLAN)


def _hostile(extraction: Extraction, progress: str = "+44 0 1234 with more") -> Extraction:
    """The plan with cells a spreadsheet would run: a formula, a DDE payload, a leading tab, a list starting "-"."""
    first, second, *rest = extraction.records
    first = dataclasses.replace(
        first,
        recommendation='=HYPERLINK("http://evil.example","click")',
        proposed_actions="- visits to every provider",
        progress=progress,
        owners=("@Procurement", *first.owners),
        extra={"=cmd|' /C calc'!A0": "\tindented", "Notes": "\rcarriage"},
    )
    second = dataclasses.replace(second, status=Status("-1 (behind)", "unknown"))
    return dataclasses.replace(extraction, records=(first, second, *rest))


def _assert_defused(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "no CSV"
    offenders = [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
    assert offenders == []
    return rows


# ------------------------------------------------------------------ CSV cells are defused


def test_extraction_csv_never_starts_a_cell_with_a_formula(plan: Extraction) -> None:
    rows = _assert_defused(extraction_to_csv(_hostile(plan)))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert first["recommendation"] == '\'=HYPERLINK("http://evil.example","click")'
    assert first["proposed_actions"] == "'- visits to every provider"
    assert first["progress"] == "'+44 0 1234 with more"
    assert first["owners"].startswith("'@Procurement; ")
    assert "'extra.=cmd|' /C calc'!A0" not in header and "extra.=cmd|' /C calc'!A0" in header  # dotted: safe already
    assert first["extra.Notes"] == "'\ncarriage"
    assert dict(zip(rows[0], rows[2], strict=True))["status.text"] == "'-1 (behind)"
    # a cell that is not a formula is as printed
    assert dict(zip(rows[0], rows[3], strict=True))["id"] == "R3"


def test_cli_extract_csv_is_defused(plan: Extraction, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.cli.reading._read_plan", lambda *a, **k: _hostile(plan))
    out = tmp_path / "plan.csv"
    result = run("extract", str(PLAN), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = _assert_defused(out.read_text(encoding="utf-8"))
    assert len(rows) == 28


def test_cli_diff_csv_is_defused(plan: Extraction, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    first = _hostile(plan, progress="Earlier progress")
    first = dataclasses.replace(first, source=dataclasses.replace(plan.source, sha256="a" * 64))
    second = _hostile(plan, progress="=1+1")
    second = dataclasses.replace(second, source=dataclasses.replace(plan.source, sha256="b" * 64))
    ingest_extraction(store, first, PLAN, label="=r1")
    ingest_extraction(store, second, PLAN, label="@r2")
    store.close()
    result = run("diff", "--format", "csv", "--store", store.url)
    assert result.exit_code == 0, result.output
    rows = _assert_defused(result.stdout)
    changes = {row[3] for row in rows[1:]}
    assert "progress" in changes
    assert rows[1][:2] == ["'=r1", "'@r2"]
    progress = next(row for row in rows if row[3] == "progress")
    assert progress[5] == "'=1+1"


# ------------------------------------------------------------------ -o: a regular file or a new path


def _special(kind: str, tmp_path: Path) -> tuple[Path, Path | None]:
    """Make an output path of the given kind; return it and, for a link, what it points to."""
    path = tmp_path / f"out-{kind}"
    if kind == "symlink":
        target = tmp_path / "precious.txt"
        target.write_text("keep me")
        path.symlink_to(target)
        return path, target
    if kind == "dangling symlink":
        path.symlink_to(tmp_path / "nowhere")
        return path, None
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
        except (PermissionError, AttributeError, OSError):
            pytest.skip("cannot make a device node here (needs root and CAP_MKNOD); /dev/full is checked by kind")
    return path, None


KINDS = ["symlink", "dangling symlink", "folder", "fifo", "device"]


@pytest.mark.parametrize("kind", KINDS)
def test_write_atomic_refuses_anything_but_a_regular_file(kind: str, tmp_path: Path) -> None:
    path, target = _special(kind, tmp_path)
    before = os.lstat(path)
    with pytest.raises(OutputError, match="not a regular file: refused"):
        write_atomic(path, "new content")
    after = os.lstat(path)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    if target is not None:
        assert target.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_write_atomic_still_writes_new_paths_and_regular_files(tmp_path: Path) -> None:
    path = tmp_path / "new" / "out.txt"
    write_atomic(path, "one")
    write_atomic(path, "two")
    assert path.read_text() == "two" and stat.S_ISREG(os.lstat(path).st_mode)


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo"])
def test_cli_outputs_refuse_special_paths(kind: str, tmp_path: Path, paper_store: Store) -> None:
    path, target = _special(kind, tmp_path)
    for args in (
        ["extract", str(PLAN), "-o", str(path)],
        ["report", "-o", str(path), "--store", paper_store.url],
        ["tracker", "-o", str(path), "--store", paper_store.url],
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        said = result.stderr.strip().splitlines()[-1]
        assert "not a regular file" in said or "Invalid value" in result.stderr, said
        assert "unexpected error" not in result.stderr
    if target is not None:
        assert path.is_symlink() and target.read_text() == "keep me"


def test_dev_full_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    result = run("extract", str(tmp_path / "no-such.pdf"), "-o", "/dev/full")
    assert result.exit_code == 2 and "/dev/full: is a device" in result.stderr
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_a_failed_write_does_not_suggest_an_option(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as caught:
        write_atomic(blocker / "owner.xlsx", b"data")
    assert "-o" not in caught.value.message and "cannot write here" in caught.value.message


# ------------------------------------------------------------------ the committee paper: meta, template, PDF


@pytest.fixture(scope="module")
def paper_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("outputs")
    opened = Store(f"sqlite:///{folder / 'store.db'}")
    ingest_file(opened, DATA / "kcc-2015.pdf")
    ingest_file(opened, DATA / "kcc-2015q4.pdf")
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('meeting_date = "2016-02-30"', 'meeting_date "2016-02-30" is not a date'),
        ("meeting_date = 5", "meeting_date should be a date"),
        ("to = 5", "to should be text"),
        ('from = ["Cabinet Member", 3]', "from should be text"),
        ("summary = 3", "summary should be text in quotes"),
        ('styles = "Heading 1"', "styles should be a table"),
        ("styles = { h1 = 3 }", "styles h1 should be a style name"),
        ('styles = { heading = "Heading 1" }', "styles names unknown parts heading"),
    ],
)
def test_meta_mistakes_name_the_key(line: str, words: str, tmp_path: Path, paper_store: Store) -> None:
    meta = tmp_path / "paper.toml"
    meta.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_meta(meta)
    out = tmp_path / "paper.docx"
    result = run("report", "--meta", str(meta), "-o", str(out), "--store", paper_store.url)
    assert result.exit_code == 2 and words in result.stderr and "unexpected" not in result.stderr
    assert not out.exists()


def test_a_valid_meeting_date_dates_the_paper(tmp_path: Path) -> None:
    meta = tmp_path / "paper.toml"
    meta.write_text('meeting_date = "2016-01-21"\n')
    assert str(load_meta(meta)["meeting_date"]) == "2016-01-21"
    meta.write_text("meeting_date = 2016-01-21\n")
    assert str(load_meta(meta)["meeting_date"]) == "2016-01-21"


def test_meta_text_is_cleaned_of_control_characters(tmp_path: Path, paper_store: Store) -> None:
    meta = tmp_path / "paper.toml"
    meta.write_text(
        'subject = "Action plan\\u0000 update\\u0007"\nfrom = ["Cabinet\\u001b Member"]\ncontact = "Line one\\r\\nLine two"\n',
        encoding="utf-8",
    )
    cleaned = load_meta(meta)
    assert cleaned["subject"] == "Action plan update" and cleaned["from"] == ["Cabinet Member"]
    assert cleaned["contact"] == "Line one\nLine two"
    docx, _, _ = build_paper(paper_store, tmp_path / "paper.docx", meta_path=meta)
    header = Document(str(docx)).tables[0]
    assert ["Subject:", "Action plan update"] in [[c.text for c in row.cells] for row in header.rows]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("word/document.xml", "w") as part:
        for _ in range(8):
            part.write(b" " * 2**20)
    return path


TEMPLATES: dict[str, tuple[Callable[[Path], object], str]] = {
    "text": (lambda p: p.write_text("Dear committee"), "not a Word .docx template"),
    "pdf": (lambda p: p.write_bytes(PLAN.read_bytes()[:4096]), "is a PDF"),
    "empty": (lambda p: p.write_bytes(b""), "is empty"),
    "old doc": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600), "old .doc"),
    "damaged zip": (lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 300), "damaged .docx"),
    "workbook": (lambda p: _zip(p, {"xl/workbook.xml": b"<workbook/>"}), "not a Word document"),
    "zip bomb": (_bomb, "zip bomb"),
    "macros": (
        lambda p: _zip(p, {"word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"}),
        "macros",
    ),
    "bad xml": (
        lambda p: _zip(p, {"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}),
        "cannot be read as a Word template",
    ),
}


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_template_that_is_not_a_docx_is_one_clear_line(
    kind: str, tmp_path: Path, paper_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, words = TEMPLATES[kind]
    template = tmp_path / "council.docx"
    make(template)
    out = tmp_path / "paper.docx"
    result = run("report", "--template", str(template), "-o", str(out), "--store", paper_store.url)
    assert result.exit_code == 2, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert str(template) in said and words in said and "unexpected" not in said
    assert not out.exists()


def test_zip_bomb_template_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*_args: Any) -> Any:
        raise AssertionError("python-docx was given a zip bomb")

    monkeypatch.setattr("pipeline.export.docx_parts.Document", parse)
    with pytest.raises(InputError, match="zip bomb"):
        read_template(_bomb(tmp_path / "bomb.docx"))


def _fake_soffice(folder: Path, body: str) -> None:
    script = folder / "soffice"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in status  # a zombie has stopped; only its parent's wait is left


@pytest.mark.skipif(os.name != "posix" or not Path("/proc").is_dir(), reason="process groups and /proc: Linux")
def test_hanging_libreoffice_is_stopped_with_its_children(
    tmp_path: Path, paper_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "child.pid"
    # soffice's launcher starts soffice.bin, which hangs: stand-ins for both.
    _fake_soffice(bin_dir, f"sleep 600 &\necho $! > {pid_file}\nwait\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    started = time.monotonic()
    with pytest.raises(OutputError, match="longer than 1 s"):
        build_paper(paper_store, tmp_path / "paper.docx", pdf=True, pdf_timeout=1)
    assert time.monotonic() - started < 60
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(child), "the process soffice started is still running"
    assert not (tmp_path / "paper.pdf").exists()


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for soffice")
def test_pdf_timeout_option_and_a_soffice_that_makes_nothing(
    tmp_path: Path, paper_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_soffice(bin_dir, "echo 'Error: source file could not be loaded'\nexit 0\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = run("report", "--pdf", "--pdf-timeout", "30", "-o", str(tmp_path / "p.docx"), "--store", paper_store.url)
    assert result.exit_code == 2 and "did not produce a PDF (Error: source file could not be loaded)" in result.stderr
    _fake_soffice(bin_dir, "sleep 600\n")
    result = run("report", "--pdf", "--pdf-timeout", "1", "-o", str(tmp_path / "p.docx"), "--store", paper_store.url)
    assert result.exit_code == 2 and "longer than 1 s" in result.stderr and "--pdf-timeout" in result.stderr


# ------------------------------------------------------------------ config mistakes name the key


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[timescales]\nearly = "1"\n', "[timescales] early should be a list of whole numbers"),
        ("[timescales]\nearly = [1]\n", "[timescales] early should be two month numbers"),
        ('[headers]\nowners = "Delivery body"\n', "[headers] owners should be a list of text"),
        ('[owners]\naliases = ["KCC"]\n', "[owners] aliases should be a table"),
        ('[owners.aliases]\n"KCC Procurement" = 3\n', "[owners.aliases] KCC Procurement should be text"),
        ("[labels]\nid_prefix = 5\n", "[labels] id_prefix should be text"),
        ("[rag]\nvalues = 3\n", "[rag] values should be a table"),
        ('[statuses]\nreplace = "yes"\n', "[statuses] replace should be true or false"),
        ("[owners]\nbullets = [1]\n", "[owners] bullets should be a list of text"),
    ],
)
def test_config_mistakes_name_the_key(toml: str, words: str, tmp_path: Path) -> None:
    config = tmp_path / "actionplan.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert words in str(caught.value)
    result = run("--config", str(config), "extract", str(PLAN))
    assert result.exit_code == 2 and words in result.stderr and "unexpected" not in result.stderr


def test_a_well_typed_config_still_loads(tmp_path: Path) -> None:
    config = tmp_path / "actionplan.toml"
    config.write_text(
        '[headers]\nowners = ["Delivery body"]\n[timescales]\nearly = [1, 3]\nparts_rule = "Q1"\n'
        '[owners.aliases]\n"KCC Procurement" = "Procurement"\n[statuses]\nreplace = true\ncomplete = ["Signed off"]\n'
        'in_progress = ["Ongoing"]\n[rag.values]\nblue = "complete"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.conventions.parts[0] == ("early", 1, 3) and settings.statuses["complete"] == ("Signed off",)
