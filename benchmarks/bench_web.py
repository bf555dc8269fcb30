"""The web app as an officer feels it: the records page of a 27-record plan against a 1,000-record one, each
served by a real `actionplan serve` and fetched whole over HTTP (median of repeated requests), and the upload
of a 25-page plan (the form's POST, read in the isolated child, stored, its changes shown).

Usage: python benchmarks/bench_web.py

The 1,000-record plan is the sample's two revisions with every record repeated under new ids (37 times: 999
records a revision), so both plans have the same text per record and two revisions each.
"""

from __future__ import annotations

import dataclasses
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extraction import extract_plan  # noqa: E402
from pipeline.ingest import ingest_extraction  # noqa: E402
from pipeline.records import Extraction  # noqa: E402
from pipeline.store import Store  # noqa: E402

DATA = ROOT / "tests" / "data"
REPEATS = 21
COPIES = 37  # 27 x 37 = 999 records
SERVING = re.compile(r"serving on (http://127\.0\.0\.1:\d+/)")
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def repeated(extraction: Extraction, copies: int) -> Extraction:
    """Given a plan, return it with every record repeated `copies` times under new ids (R1 … R999)."""
    records = []
    for k in range(copies):
        for rec in extraction.records:
            n = k * len(extraction.records) + (rec.number or 0)
            records.append(dataclasses.replace(rec, id=f"R{n}", number=n, label=f"R{n}."))
    return dataclasses.replace(extraction, records=tuple(records), issues=())


def make_store(path: Path, copies: int) -> None:
    store = Store(f"sqlite:///{path}")
    for name in ("kcc-2015", "kcc-2015q4"):
        pdf = DATA / f"{name}.pdf"
        ingest_extraction(store, repeated(extract_plan(pdf), copies), pdf)
    store.close()


@contextmanager
def served(store: Path) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--store", str(store), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = SERVING.search(line)
            if m:
                yield m.group(1)
                break
        else:
            raise RuntimeError("actionplan serve did not start")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    took = time.perf_counter() - start
    assert response.status == 200 and b"<h1>" in body
    return took


def records_page_median(store: Path) -> tuple[float, int]:
    with served(store) as base:
        page = urllib.request.urlopen(base, timeout=60).read().decode()
        plan = re.search(r'href="(/plans/\d+)"', page)
        assert plan, "no plan on the plans page"
        url = base.rstrip("/") + plan.group(1)
        for _ in range(3):
            fetch(url)  # warm: templates compiled, the store's pages in the OS cache
        times = [fetch(url) for _ in range(REPEATS)]
        size = len(urllib.request.urlopen(url, timeout=60).read())
    return statistics.median(times), size


def upload_seconds(store: Path) -> float:
    """The upload form's POST (no JavaScript: the answer comes when the file is read and stored)."""
    with served(store) as base:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        form = opener.open(base + "upload", timeout=60).read().decode()
        token = CSRF.search(form)
        assert token, "the upload form has no CSRF token"
        boundary = "----actionplanbench"
        pdf = (DATA / "kcc-2015q4.pdf").read_bytes()
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token.group(1)}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="kcc-2015q4.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + pdf
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            base + "upload", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        start = time.perf_counter()
        with opener.open(request, timeout=300) as response:
            text = response.read().decode()
        took = time.perf_counter() - start
        assert "What was read" in text, text[:500]
    return took


def main() -> int:
    print(
        f"machine: {platform.machine()}, {platform.python_version()}, cores: {len(__import__('os').sched_getaffinity(0))}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = folder / "small.db", folder / "large.db"
        make_store(small, 1)
        make_store(large, COPIES)
        t_small, b_small = records_page_median(small)
        t_large, b_large = records_page_median(large)
        print(f"records page, 27 records (2 revisions): median {t_small * 1000:.0f} ms ({b_small // 1024} KB)")
        print(
            f"records page, 999 records (2 revisions, 50 a page): median {t_large * 1000:.0f} ms ({b_large // 1024} KB)"
        )
        print(f"ratio large / small: {t_large / t_small:.1f} (records: {999 / 27:.0f}x; target <= 40)")
        fresh = folder / "upload.db"
        shutil.copy(small, fresh)
        store = Store(f"sqlite:///{fresh}")
        latest = store.revisions(store.resolve_plan(None))[-1]
        store.close()
        subprocess.run(
            [sys.executable, "-m", "pipeline", "remove", latest.label, "--yes", "--store", str(fresh)],
            check=True,
            capture_output=True,
        )
        print(
            f"upload of the 25-page kcc-2015q4.pdf (form POST, read, stored, changes shown): {upload_seconds(fresh):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
