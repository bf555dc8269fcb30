"""Batch ingest: generated plan PDFs (10-40 pages each) ingested with --jobs N and with --scheduler local:N.

Usage: python benchmarks/bench_batch.py [--files 200] [--workers 2] [--store URL]

Both runs read the same files into a new store of the same kind (a fresh SQLite file each unless --store names a
PostgreSQL database, which is then emptied before each run). Prints files and pages per second, the peak memory
of the whole process tree (this process, the readers and the Dask workers) and the ratio of the two runs.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.ingest import ingest_batch  # noqa: E402
from pipeline.store import Store  # noqa: E402
from tests.renderings import STANDARD, Variant, render  # noqa: E402

TRUTH = ROOT / "tests" / "data" / "kcc-2015.truth.json"
# About 35 rows of the sample make 16 pages: 22 to 87 rows make 10 to 40.
ROWS = (22, 87)


def generated_plans(folder: Path, count: int, seed: int = 16) -> list[Path]:
    """Write `count` plan PDFs of 10-40 pages: the sample's rows cycled, renumbered, and with words of their own."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    chance = random.Random(seed)
    paths = []
    for i in range(count):
        rows: list[dict[str, Any]] = []
        number, wanted = 0, chance.randint(*ROWS)
        while len(rows) < wanted:
            for row in truth["rows"]:
                row = dict(row)
                if row["kind"] == "recommendation":
                    number += 1
                    row.update(id=f"R{number}", number=number, label=f"R{number}.")
                    row["recommendation"] = f"{row['recommendation']} (plan {i + 1}, item {number})"
                rows.append(row)
        rows = rows[:wanted]
        source = folder / f"plan-{i + 1:03d}.truth.json"
        source.write_text(json.dumps({**truth, "title": f"Plan {i + 1}", "rows": rows}), encoding="utf-8")
        paths.append(render(source, folder / f"plan-{i + 1:03d}.pdf", Variant("batch", columns=STANDARD)))
    return paths


def peak_mb(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """Call `run`; return (its result, seconds, peak MB of resident memory summed over this process tree)."""
    import psutil

    me = psutil.Process()
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a reader may end between listing and reading it
                    total += proc.memory_info().rss
            peak = max(peak, total / 2**20)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    return result, seconds, peak


def fresh_store(url: str | None, folder: Path, name: str) -> Store:
    """A new, empty store: a SQLite file in `folder`, or the PostgreSQL database at `url` emptied."""
    if url is None:
        return Store(f"sqlite:///{folder / name}.db", create=True)
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        found = sa.MetaData()
        found.reflect(conn)
        found.drop_all(conn)
    engine.dispose()
    return Store(url, create=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", help="a PostgreSQL URL to use (emptied before each run); default SQLite files")
    args = parser.parse_args()
    from pipeline.distributed import ingest_distributed

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = generated_plans(folder, args.files)
        import pypdfium2

        pages = sum(len(pypdfium2.PdfDocument(str(f))) for f in files)
        print(f"{len(files)} files, {pages} pages ({pages / len(files):.0f} a file)")
        runs = {
            f"--jobs {args.workers}": lambda store: ingest_batch(store, files, jobs=args.workers),
            f"--scheduler local:{args.workers}": lambda store: ingest_distributed(
                store, files, f"local:{args.workers}"
            ),
        }
        rates = {}
        for name, run in runs.items():
            store = fresh_store(args.store, folder, name.strip("-").replace(" ", "-").replace(":", "-"))
            results, seconds, peak = peak_mb(functools.partial(run, store))
            store.close()
            failed = sum(isinstance(done, PipelineError) for _, done in results)
            rates[name] = len(files) / seconds
            print(
                f"{name:>22}: {seconds:6.1f} s, {len(files) / seconds:5.2f} files/s, {pages / seconds:6.1f} pages/s, "
                f"peak {peak:6.0f} MB, {failed} failed"
            )
        first, second = rates.values()
        print(f"scheduler / jobs: {second / first:.2f}x the files per second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
