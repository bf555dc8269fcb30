"""Scale: a 1,000-page plan, ingest of 20 distinct plan files (--jobs 1 and 2), and diffs over 20 revisions.

Usage: python benchmarks/bench_scale.py

Extraction is timed inside a fresh child process (start-up not counted) against
pdfplumber's own extract_tables() on the same file in the same run; the ingest
and diff timings are taken in this process.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_extract import measure, repeat_pdf  # noqa: E402
from pipeline.history import diff, flags  # noqa: E402
from pipeline.ingest import ingest_batch, load_history  # noqa: E402
from pipeline.isolation import Limits  # noqa: E402
from pipeline.store import Store  # noqa: E402
from tests.renderings import STANDARD, Variant, render  # noqa: E402

SAMPLE = ROOT / "input" / "kcc-2015.pdf"
TRUTH = ROOT / "tests" / "data" / "kcc-2015.truth.json"


def edited_plans(folder: Path, count: int) -> list[Path]:
    """Write `count` renderings of the 2015 plan, each with one progress cell edited."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    paths = []
    for i in range(count):
        rows = [dict(r) for r in truth["rows"]]
        recs = [r for r in rows if r["kind"] == "recommendation"]
        target = recs[i % len(recs)]
        target["progress"] = (target.get("progress") or "") + f" Update {i + 1}: reviewed at quarter end."
        source = folder / f"plan-{i + 1:02d}.truth.json"
        source.write_text(json.dumps({**truth, "rows": rows}), encoding="utf-8")
        paths.append(render(source, folder / f"plan-{i + 1:02d}.pdf", Variant("bench", columns=STANDARD)))
    return paths


def main() -> int:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        long_pdf = repeat_pdf(SAMPLE, 40, folder / "plan-1000-pages.pdf")
        rows = []
        for label, path, pages in (("kcc-2015.pdf", SAMPLE, 25), ("kcc-2015 x 40", long_pdf, 1000)):
            ours_s, _, ours_mb = measure("ours", path)
            base_s, _, base_mb = measure("baseline", path)
            rows.append((label, pages, ours_s, base_s, ours_mb, base_mb))
            print(
                f"{label:<16} {pages:>5} pages  ours {ours_s:7.2f} s  extract_tables {base_s:7.2f} s  ratio {ours_s / base_s:.2f}  "
                f"{pages / ours_s:5.1f} pages/s  peak {ours_mb:.0f} MB (extract_tables {base_mb:.0f} MB)"
            )
        per_page = [r[2] / r[1] for r in rows]
        print(f"time per page, 1000-page plan / sample: {per_page[1] / per_page[0]:.2f} (1.00 = linear)")

        plans = edited_plans(folder, 20)
        for jobs in (1, 2):
            store = Store(f"sqlite:///{folder / f'store-{jobs}.db'}")
            start = time.perf_counter()
            results = ingest_batch(store, plans, plan="Bench", jobs=jobs, limits=Limits())
            took = time.perf_counter() - start
            failed = sum(1 for _, r in results if isinstance(r, Exception))
            print(f"ingest 20 plan files --jobs {jobs}: {took:6.2f} s ({took / 20:.2f} s a file, {failed} failed)")
            store.close()
        store = Store(f"sqlite:///{folder / 'store-1.db'}")
        plan = store.resolve_plan("Bench")
        revisions = store.revisions(plan)
        start = time.perf_counter()
        history = load_history(store, plan)
        pairs = zip(history.revisions, history.revisions[1:], strict=False)
        changes = sum(len(diff(history, a, b).changes) for a, b in pairs)
        took = time.perf_counter() - start
        print(
            f"diff over {len(revisions)} revisions ({len(revisions) - 1} consecutive diffs, {changes} changes): {took:6.2f} s"
        )
        start = time.perf_counter()
        flagged = flags(load_history(store, plan), date(2016, 1, 15))
        print(f"flags over {len(revisions)} revisions ({len(flagged)} records): {time.perf_counter() - start:6.2f} s")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
