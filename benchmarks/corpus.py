"""Run every PDF in a folder through the extractor and say, per file, what it found.

Usage: python benchmarks/corpus.py [FOLDER] [--jobs N] [--csv OUT.csv]

FOLDER defaults to ../shared/corpus/kcc-2025 when present, else tests/data/corpus.
Prints one line per file: pages, tables found and their kind, records, issues
(errors/warnings/notes) and seconds, or the one-line reason it was refused;
then totals. Each file is read in a process of its own within the usual limits,
timed from the parent, so a slow or hostile file is measured as a user meets it.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.extraction import extract_isolated  # noqa: E402
from pipeline.isolation import Limits  # noqa: E402


@dataclass
class Row:
    """What one file gave."""

    name: str
    pages: int
    tables: str
    records: int
    issues: str
    seconds: float
    refused: str = ""


def _run(path: Path) -> Row:
    start = time.perf_counter()
    try:
        got = extract_isolated(path, limits=Limits())
    except PipelineError as error:
        return Row(path.name, 0, "", 0, "", time.perf_counter() - start, error.message)
    seconds = time.perf_counter() - start
    kinds = " ".join(f"{t.index}:{t.kind}{'*' if t.used else ''}" for t in got.source.tables)
    counts = Counter(i.severity for i in got.issues)
    issues = f"{counts['error']}/{counts['warning']}/{counts['info']}"
    return Row(path.name, got.source.pages, kinds, len(got.records), issues, seconds)


def main() -> int:
    default = ROOT.parent / "shared" / "corpus" / "kcc-2025"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folder", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "tests/data/corpus"
    )
    parser.add_argument("--jobs", type=int, default=2, help="files read at once (default 2)")
    parser.add_argument("--csv", type=Path, help="also write the table as CSV")
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {args.folder}", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(_run, files))
    print(f"{'records':>7} {'pages':>5} {'seconds':>7}  {'issues e/w/i':>12}  tables (* = plan taken from)  file")
    for r in rows:
        what = r.tables if not r.refused else f"refused: {r.refused[:70]}"
        issues = r.issues or "-"
        print(f"{r.records:7d} {r.pages:5d} {r.seconds:7.2f}  {issues:>12}  {what:<30}  {r.name[:90]}")
    with_records = [r for r in rows if r.records]
    print(
        f"\n{len(rows)} files, {len(with_records)} with records ({sum(r.records for r in rows)} records), "
        f"{sum(1 for r in rows if r.refused)} refused; {sum(r.seconds for r in rows):.1f} s in all"
    )
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["file", "pages", "tables", "records", "issues", "seconds", "refused"])
            for r in rows:
                writer.writerow([r.name, r.pages, r.tables, r.records, r.issues, f"{r.seconds:.2f}", r.refused])
    return 0


if __name__ == "__main__":
    sys.exit(main())
