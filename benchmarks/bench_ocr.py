"""Read scans of the sample plans by OCR, as users do, and say how close each comes to its truth, and how fast.

Usage: python benchmarks/bench_ocr.py [--only NAME]

Each scan is made from a sample plan (tests/scans.py: pdftoppm, then img2pdf), then read by
`actionplan extract SCAN --ocr --format json` (isolation on), timed from outside. Prints, per scan: records,
whether the ids are the truth's in order, the mean cell similarity (1 - normalised Levenshtein distance,
over the truth's non-empty cells), the OCR warnings, and seconds a page. Needs Tesseract
(apt-get install tesseract-ocr tesseract-ocr-eng), poppler-utils and img2pdf.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scans import cell_similarity, make_scan, truth_ids  # noqa: E402

DATA = ROOT / "tests" / "data"
# name: (plan, how it is scanned)
SCANS: dict[str, tuple[str, dict[str, float | int | None]]] = {
    "kcc-2015, 200 dpi": ("kcc-2015", {}),
    "kcc-2015, 200 dpi, turned 1°": ("kcc-2015", {"skew": 1.0}),
    "kcc-2015q4, 200 dpi": ("kcc-2015q4", {}),
    "kcc-2014-borderless, 200 dpi, turned 1°": ("kcc-2014-borderless", {"skew": 1.0}),
    "kcc-2015, rough: 150 dpi, turned -0.6°, grey noisy paper, JPEG 60": (
        "kcc-2015",
        {"dpi": 150, "skew": -0.6, "noise": 12.0, "jpeg": 60},
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="Read only the scans whose name contains this.")
    args = parser.parse_args()
    actionplan = Path(sys.executable).parent / "actionplan"
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, (plan, how)) in enumerate(SCANS.items()):
            if args.only and args.only not in name:
                continue
            scan = make_scan(DATA / f"{plan}.pdf", Path(tmp) / f"scan-{i}.pdf", **how)  # type: ignore[arg-type]
            started = time.monotonic()
            done = subprocess.run(
                [str(actionplan), "extract", str(scan), "--ocr", "--format", "json"],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds = time.monotonic() - started
            output = json.loads(done.stdout)
            truth = DATA / f"{plan}.truth.json"
            similarity, cells = cell_similarity(truth, output)
            same_ids = [r["id"] for r in output["records"]] == truth_ids(truth)
            warnings = sum(1 for i in output["issues"] if i["message"].startswith("low OCR confidence"))
            pages = output["source"]["pages"]
            print(
                f"{name}: {len(output['records'])} records, ids {'as' if same_ids else 'NOT as'} the truth's, "
                f"similarity {similarity:.4f} over {cells} cells, {warnings} low-confidence warnings, "
                f"{seconds / pages:.2f} s a page ({pages} pages, {seconds:.0f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
