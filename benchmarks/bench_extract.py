"""Time `extract` against pdfplumber's own `extract_tables()` on the same files, in the same run.

Usage: python benchmarks/bench_extract.py [--repeat 40] [--pairs 7] [--whole-only] [PDF]

Whole process, as users run it: A is `actionplan extract PDF --format json` (isolation on, so a forked
child reads the PDF), B a script that runs `extract_tables()` on every page. A and B run in turn, one
pair after another (after one unmeasured warm-up each); each run is timed from outside, from start to
exit, and its peak memory is that of the largest process among it and the children it waited for (A's
reading child included), from os.wait4 as /usr/bin/time reports it. Prints the median wall times, the
median of the pairs' ratios A/B, and the peaks.

In-process: each measurement runs in a fresh child process, timed inside it (start-up not counted),
and reports that process's peak resident memory. Prints both times, the ratio (ours / extract_tables;
<= 1.0 means we are no slower), pages per second and peak memory, for the sample plan and for the plan
repeated N times.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "kcc-2015.pdf"
BASELINE_SCRIPT = """\
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for p in pdf.pages: p.extract_tables(); p.close()
"""


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


def run_whole(command: list[str]) -> tuple[float, float]:
    """Given a command, run it to its end and return (wall seconds, peak MB of its largest process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()  # drained as it comes, so a chatty command never blocks on a full pipe
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} exited {proc.returncode}: {err.decode(errors='replace').strip()}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def whole_process(path: Path, pairs: int) -> dict[str, float]:
    """Given a PDF, run A (actionplan extract) and B (the extract_tables script) in turn, `pairs` times after a
    warm-up each; return the median walls, the median of the pairs' ratios and each one's median peak."""
    actionplan = shutil.which("actionplan", path=str(Path(sys.executable).parent)) or shutil.which("actionplan")
    if actionplan is None:
        raise SystemExit("actionplan is not installed beside this Python: run `pip install -e .` first")
    a = [actionplan, "extract", str(path), "--format", "json"]
    b = [sys.executable, "-c", BASELINE_SCRIPT, str(path)]
    for warm_up in (a, b):
        run_whole(warm_up)
    runs = [(run_whole(a), run_whole(b)) for _ in range(pairs)]
    return {
        "a_s": statistics.median(ra[0] for ra, _ in runs),
        "b_s": statistics.median(rb[0] for _, rb in runs),
        "ratio": statistics.median(ra[0] / rb[0] for ra, rb in runs),
        "a_mb": statistics.median(ra[1] for ra, _ in runs),
        "b_mb": statistics.median(rb[1] for _, rb in runs),
    }


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
    parser.add_argument("--pairs", type=int, default=7, help="how many A/B pairs to run for the whole-process figures")
    parser.add_argument("--whole-only", action="store_true", help="only the whole-process figures")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    whole = whole_process(args.pdf, args.pairs)
    print(f"whole process, {args.pdf.name}, {args.pairs} pairs A B A B ..., medians:")
    print(f"  A  actionplan extract {args.pdf.name} --format json   {whole['a_s']:.2f} s, peak {whole['a_mb']:.0f} MB")
    print(f"  B  extract_tables() script                        {whole['b_s']:.2f} s, peak {whole['b_mb']:.0f} MB")
    print(f"  A/B wall (median of pairs) {whole['ratio']:.2f}; peak A/B {whole['a_mb'] / whole['b_mb']:.2f}")
    if args.whole_only:
        return 0
    print("in process (start-up not counted):")
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
