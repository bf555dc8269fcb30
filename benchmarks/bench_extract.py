"""Time `extract` against pdfplumber's own `extract_tables()` on the same files, in the same run.

Usage: python benchmarks/bench_extract.py [--repeat 40] [PDF]

Each measurement runs in a fresh child process, timed inside it (start-up not
counted), and reports that process's peak resident memory. Prints both times,
the ratio (ours / extract_tables; <= 1.0 means we are no slower), pages per
second and peak memory, for the sample plan and for the plan repeated N times.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "kcc-2015.pdf"


def _ours(path: str) -> tuple[float, int]:
    from pipeline.extraction import extract_plan

    start = time.perf_counter()
    records = extract_plan(path).records
    return time.perf_counter() - start, len(records)


def _baseline(path: str) -> tuple[float, int]:
    import pdfplumber

    start = time.perf_counter()
    rows = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows += len(table)
            page.close()
    return time.perf_counter() - start, rows


def _child(kind: str, path: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    seconds, count = (_ours if kind == "ours" else _baseline)(path)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, count, peak_kb / 1024))


def measure(kind: str, path: Path) -> tuple[float, int, float]:
    """Given 'ours' or 'baseline' and a PDF, return (seconds, rows or records, peak MB) from a fresh process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(kind, str(path), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result  # type: ignore[no-any-return]


def repeat_pdf(source: Path, times: int, out: Path) -> Path:
    """Given a PDF, write one made of its pages repeated `times` times."""
    with pikepdf.open(source) as src, pikepdf.new() as dst:
        for _ in range(times):
            dst.pages.extend(src.pages)
        dst.save(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--repeat", type=int, default=40, help="how many times to repeat the plan for the long run")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        long_pdf = repeat_pdf(args.pdf, args.repeat, Path(tmp) / f"repeated-{args.repeat}x.pdf")
        with pikepdf.open(args.pdf) as pdf:
            pages = len(pdf.pages)
        print(
            f"{'file':<28}{'pages':>6}{'ours s':>9}{'tables s':>10}{'ratio':>7}{'pages/s':>9}{'ours MB':>9}{'tables MB':>10}"
        )
        per_page = []
        for label, path, n in ((args.pdf.name, args.pdf, pages), (long_pdf.name, long_pdf, pages * args.repeat)):
            ours_s, _, ours_mb = measure("ours", path)
            base_s, _, base_mb = measure("baseline", path)
            per_page.append(ours_s / n)
            print(
                f"{label:<28}{n:>6}{ours_s:>9.2f}{base_s:>10.2f}{ours_s / base_s:>7.2f}{n / ours_s:>9.1f}{ours_mb:>9.0f}{base_mb:>10.0f}"
            )
        print(f"time per page, long / sample: {per_page[1] / per_page[0]:.2f} (1.00 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
