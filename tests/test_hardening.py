"""Hostile and broken inputs, concurrency and interruption: never a traceback, a hang, a partial output or a lost revision."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

import pikepdf
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.extraction import extract_plan
from pipeline.isolation import CAN_CAP_MEMORY
from pipeline.store import Store
from tests.conftest import DATA

FUZZ_CASES = 520
# The cases are dealt into shares, one test each, so parallel workers split them.
FUZZ_SHARES = 4


@pytest.fixture(scope="module")
def small_plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """The first two pages of the 2015 plan, as saved (compressed) and with content streams uncompressed."""
    folder = tmp_path_factory.mktemp("fuzz")
    with pikepdf.open(DATA / "kcc-2015.pdf") as pdf:
        del pdf.pages[2:]
        pdf.save(folder / "small.pdf")
        pdf.save(
            folder / "plain.pdf", compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.generalized
        )
    # One extraction here first: the child forked for each case then inherits what a first extraction loads
    # (the word list used to mend broken words), instead of loading it again 500 times.
    extract_plan(folder / "small.pdf")
    return (folder / "small.pdf").read_bytes(), (folder / "plain.pdf").read_bytes()


def _mutations(small: bytes, plain: bytes) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(20161121)
    for i in range(150):  # truncations at many offsets
        cut = rng.randrange(1, len(small))
        yield f"truncated-{i}-{cut}", small[:cut]
    streams = [(m.end(), plain.index(b"endstream", m.end())) for m in re.finditer(rb"(?<!end)stream\r?\n", plain)]
    for i in range(170):  # flipped bytes inside content streams
        start, end = streams[rng.randrange(len(streams))]
        data = bytearray(plain)
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(start, max(start + 1, end))
            data[pos] ^= 1 << rng.randrange(8)
        yield f"flipped-stream-{i}", bytes(data)
    for i in range(80):  # flipped bytes anywhere in the compressed file
        data = bytearray(small)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        yield f"flipped-{i}", bytes(data)
    xref = small.rfind(b"xref")
    for i in range(40):  # the cross-reference table deleted or its pointer broken
        if i % 2 and xref > 0:
            yield f"no-xref-{i}", small[:xref] + small[xref + rng.randint(10, 400) :]
        else:
            yield (
                f"bad-startxref-{i}",
                re.sub(rb"startxref\s+\d+", b"startxref\n" + str(rng.randrange(10**6)).encode(), small),
            )
    for i in range(80):  # garbage appended
        yield f"garbage-{i}", small + bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000)))


def test_there_are_enough_fuzz_cases(small_plans: tuple[bytes, bytes]) -> None:
    assert sum(1 for _ in _mutations(*small_plans)) == FUZZ_CASES >= 500


@pytest.mark.parametrize("share", range(FUZZ_SHARES))
def test_fuzzed_pdfs_end_in_records_or_one_clean_error(
    share: int, small_plans: tuple[bytes, bytes], tmp_path: Path
) -> None:
    """Every case through the CLI as users run it (each PDF read in a child under limits), a share per test."""
    cases = list(itertools.islice(_mutations(*small_plans), share, None, FUZZ_SHARES))
    runner = CliRunner()
    outcomes = {"records": 0, "error": 0}
    for name, data in cases:
        pdf = tmp_path / f"{name}.pdf"
        out = tmp_path / f"{name}.json"
        pdf.write_bytes(data)
        result = runner.invoke(
            main, ["extract", str(pdf), "-o", str(out), "--time-limit", "30", "--memory-limit", "1024"]
        )
        assert "Traceback" not in result.output, name
        if result.exit_code == 0:
            records = json.loads(out.read_text(encoding="utf-8"))["records"]
            assert records and all(r["id"] for r in records), name
            outcomes["records"] += 1
        else:
            assert result.exit_code == 2, (name, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and str(pdf) in lines[0], (name, result.stderr)
            assert not out.exists(), name
            outcomes["error"] += 1
        assert not list(tmp_path.glob(f".{name}.json*")), name
        pdf.unlink()
    assert outcomes["records"] > 0 and outcomes["error"] > 0


def _raw_pdf(objects: list[bytes]) -> bytes:
    """Assemble a PDF from object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _page_with_stream(stream: bytes, filters: bytes = b"") -> bytes:
    return _raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length " + str(len(stream)).encode() + filters + b" >>\nstream\n" + stream + b"\nendstream",
        ]
    )


def _bomb_stream(megabytes: int = 3000) -> bytes:
    """A Flate stream of about 4.5 MB that expands to `megabytes` MB of path operators.

    Each megabyte is compressed alone (a full flush resets the compressor), so its compressed bytes are the same
    every time: compress it once, repeat it, and end with an empty final block and the checksum of the whole.
    """
    chunk = b"0 0 m " * 174763  # about 1 MB
    squeeze = zlib.compressobj(9)
    first = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)  # with the 2-byte zlib header
    again = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    return first + again * (megabytes - 1) + b"\x03\x00" + checksum.to_bytes(4, "big")


def test_the_bomb_stream_is_a_valid_flate_stream() -> None:
    assert zlib.decompress(_bomb_stream(3)) == b"0 0 m " * 174763 * 3


def _run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=timeout)


def test_decompression_bomb_is_stopped_within_its_limits(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_page_with_stream(_bomb_stream(), b" /Filter /FlateDecode"))
    assert bomb.stat().st_size < 10 * 1024 * 1024
    proc = _run("extract", str(bomb), "--memory-limit", "400", "--time-limit", "60", "-o", str(tmp_path / "o.json"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    # Where memory can be capped, that cap stops it at once; elsewhere only the time limit can.
    fired = "needed more than 400 MB of memory" if CAN_CAP_MEMORY else "took longer than 60 s"
    assert proc.stderr.startswith(f"actionplan: {bomb}: {fired}"), proc.stderr
    assert not (tmp_path / "o.json").exists()


def test_deeply_nested_objects(tmp_path: Path) -> None:
    nested = b"[" * 200000 + b"]" * 200000
    pdf = tmp_path / "nested.pdf"
    pdf.write_bytes(
        _raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /Deep 5 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Deep 5 0 R >> >>",
                b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 72 720 Td (Hello) Tj ET\nendstream",
                nested,
            ]
        )
    )
    proc = _run("extract", str(pdf), "--time-limit", "60")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_thousands_of_empty_pages(tmp_path: Path) -> None:
    pdf = tmp_path / "empty-pages.pdf"
    with pikepdf.new() as doc:
        for _ in range(3000):
            doc.add_blank_page(page_size=(595, 842))
        doc.save(pdf)
    refused = _run("extract", str(pdf), "--max-pages", "1000")
    assert refused.returncode == 2 and "3000 pages" in refused.stderr and "--max-pages" in refused.stderr
    read = _run("extract", str(pdf), "--time-limit", "120")
    assert read.returncode == 2 and read.stderr.count("\n") == 1
    assert "no text" in read.stderr, read.stderr  # read to the end within the time limit, not stopped by it


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes((DATA / "kcc-2014.pdf").read_bytes() + b"\n%" + b"x" * (3 * 1024 * 1024))
    proc = _run("extract", str(big), "--max-file-mb", "2")
    assert proc.returncode == 2 and "--max-file-mb" in proc.stderr


def test_batch_ingest_stores_the_good_and_reports_the_bad(tmp_path: Path) -> None:
    bad = []
    for name, data in (
        ("web.pdf", b"<html>sign in</html>"),
        ("cut.pdf", (DATA / "kcc-2015.pdf").read_bytes()[:5000]),
        ("empty.pdf", b""),
    ):
        (tmp_path / name).write_bytes(data)
        bad.append(str(tmp_path / name))
    good = [str(DATA / f"{n}.pdf") for n in ("kcc-2014", "kcc-2015", "kcc-2015q4")]
    store = tmp_path / "s.db"
    proc = _run("ingest", good[0], bad[0], good[1], bad[1], good[2], bad[2], "--jobs", "2", "--store", str(store))
    assert proc.returncode == 1, proc.stderr
    assert "3 of 6 files could not be ingested" in proc.stderr and all(Path(b).name in proc.stderr for b in bad)
    opened = Store(f"sqlite:///{store}")
    assert [r.source for r in opened.revisions(opened.resolve_plan(None))] == [
        "kcc-2014.pdf",
        "kcc-2015.pdf",
        "kcc-2015q4.pdf",
    ]
    opened.close()
    none = _run("ingest", *bad, "--store", str(store))
    assert none.returncode == 2


def test_two_ingests_at_once_lose_and_duplicate_nothing(url: str) -> None:
    Store(url).close()  # create the schema first, as the first command on a new store would
    files = [str(DATA / f"{n}.pdf") for n in ("kcc-2014", "kcc-2015", "kcc-2015q4")]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pipeline", "ingest", f, "--plan", "Plan", "--store", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in [*files, files[1], files[2]]  # two files twice, all at once
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    opened = Store(url)
    revs = opened.revisions(opened.resolve_plan("Plan"))
    assert sorted(r.source for r in revs) == ["kcc-2014.pdf", "kcc-2015.pdf", "kcc-2015q4.pdf"]
    assert sorted(r.label for r in revs) == ["r1", "r2", "r3"]
    assert all(len(opened.records(r)) == 27 for r in revs)
    opened.close()


KILLABLE = """
import sys, time
from pipeline.store import Store
real = Store._insert_records
def slow(self, conn, revision_id, records):
    real(self, conn, revision_id, records[:10])
    print("half-written", flush=True)
    time.sleep(60)
Store._insert_records = slow
from pipeline.cli import main
sys.argv = ["actionplan", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_interrupted_ingest_leaves_the_store_as_it_was(how: str, tmp_path: Path) -> None:
    if not hasattr(signal, how):
        pytest.skip(f"{how} does not exist on this system")
    store = tmp_path / "s.db"
    assert _run("ingest", str(DATA / "kcc-2014.pdf"), "--store", str(store)).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE, "ingest", str(DATA / "kcc-2015.pdf"), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout = cast(IO[str], proc.stdout)
    deadline = time.time() + 120
    while "half-written" not in stdout.readline():
        assert time.time() < deadline and proc.poll() is None
    proc.send_signal(getattr(signal, how))
    proc.communicate(timeout=60)
    opened = Store(f"sqlite:///{store}")
    revs = opened.revisions(opened.resolve_plan(None))
    assert [r.source for r in revs] == ["kcc-2014.pdf"] and len(opened.records(revs[0])) == 27
    with opened.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from records")).scalar() == 27
    opened.close()


def test_isolated_extraction_reports_page_progress() -> None:
    from pipeline.extraction import extract_isolated

    seen: list[tuple[int, int]] = []
    extraction = extract_isolated(DATA / "kcc-2014.pdf", progress=lambda done, total: seen.append((done, total)))
    assert len(extraction.records) == 27 and seen == [(n, 10) for n in range(1, 11)]


def test_a_job_over_its_time_limit_is_stopped() -> None:
    from pipeline.isolation import LimitError, Limits, run_isolated

    started = time.monotonic()
    with pytest.raises(LimitError, match="longer than 1 s"):
        run_isolated("slow.pdf", time.sleep, (30,), limits=Limits(seconds=1))
    assert time.monotonic() - started < 20


def test_a_job_that_aborts_the_process_is_one_clean_error() -> None:
    from pipeline.errors import InputError
    from pipeline.isolation import run_isolated

    with pytest.raises(InputError, match="crash"):
        run_isolated("abort.pdf", os.abort)


def test_two_collects_at_once_keep_both_owners_updates(url: str, tmp_path: Path) -> None:
    import openpyxl

    from pipeline.ingest import ingest_file
    from pipeline.update_round import make_owner_workbooks

    opened = Store(url)
    ingest_file(opened, DATA / "kcc-2015.pdf")
    written = dict(make_owner_workbooks(opened, tmp_path / "owners").files)
    for owner, rid in (("Policy", "R6"), ("Procurement", "R12")):
        wb = openpyxl.load_workbook(written[owner])
        ws = wb["Updates"]
        row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == rid)
        update = next(c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value == "Progress update")
        ws.cell(row, update).value = f"{owner} update on {rid}"
        wb.save(written[owner])
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline",
                "collect",
                str(written[o]),
                "-o",
                str(tmp_path / f"{o}.xlsx"),
                "--store",
                url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for o in ("Policy", "Procurement")
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    plan = opened.resolve_plan(None)
    (draft,) = [r for r in opened.revisions(plan, include_drafts=True) if r.draft]
    progress = {r.id: r.progress for r in opened.records(draft)}
    assert "Policy update on R6" in progress["R6"] and "Procurement update on R12" in progress["R12"]
    opened.close()
