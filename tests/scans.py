"""Scans made from the sample plans: each page drawn as a picture (pdftoppm), optionally turned a little, and
wrapped again as a PDF of images only (img2pdf); and how close what OCR read is to the truth.

Used by tests/test_ocr.py and benchmarks/bench_ocr.py.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

from tests import score_extract

SCAN_DPI = 200  # the scans are drawn at this resolution, a common setting of office scanners
ROUGH_PAPER = 0.93  # a rough scan's white is this grey (its black is lifted to match)
SIMILAR_FIELDS = ("recommendation", "proposed_actions", "timescale", "owners", "progress", "status")


def make_scan(
    pdf: Path,
    out: Path,
    *,
    dpi: int = SCAN_DPI,
    skew: float = 0.0,
    noise: float = 0.0,
    jpeg: int | None = None,
    seed: int = 1,
) -> Path:
    """Given a PDF, write to `out` a PDF of images of its pages, drawn at `dpi` and turned `skew` degrees
    anticlockwise (white in the corners), and return `out`. A rough scan also has grey paper with `noise` (the
    spread of grey levels added to each pixel) and is saved as JPEG at quality `jpeg`."""
    import img2pdf
    from PIL import Image

    work = out.with_suffix("")
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(work / "page")], check=True, timeout=300)
    pages: list[bytes] = []
    for png in sorted(work.glob("page-*.png")):
        image = Image.open(png).convert("L")
        if skew:
            image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
        if noise:
            import numpy as np

            grey = np.asarray(image).astype(np.float32) * ROUGH_PAPER + (255 * (1 - ROUGH_PAPER))
            grey += np.random.default_rng(seed).normal(0, noise, grey.shape)
            image = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
        buffer = io.BytesIO()
        if jpeg:
            image.save(buffer, format="JPEG", quality=jpeg, dpi=(dpi, dpi))
        else:
            image.save(buffer, format="PNG", dpi=(dpi, dpi))
        pages.append(buffer.getvalue())
    out.write_bytes(img2pdf.convert(pages))
    return out


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value)
    return " ".join(str(value or "").split())


def cell_similarity(truth_path: Path, output: dict[str, Any]) -> tuple[float, int]:
    """Given a truth file and `extract --format json` output, return the mean similarity of the truth's non-empty
    cells (1 - the normalised Levenshtein distance of each to what was read, with white space collapsed; a cell
    of a missing record scores 0) and how many cells were compared."""
    from rapidfuzz.distance import Levenshtein

    truth = score_extract.truth_records(json.loads(truth_path.read_text(encoding="utf-8")))
    got = score_extract.got_records(output)
    scores = []
    for rid, want in truth.items():
        have = got.get(rid, {})
        for field in SIMILAR_FIELDS:
            expected = _text(want[field])
            if expected:
                scores.append(1 - Levenshtein.normalized_distance(expected, _text(have.get(field))))
    return sum(scores) / len(scores), len(scores)


def truth_ids(truth_path: Path) -> list[str]:
    """Given a truth file, return its records' ids in order."""
    return list(score_extract.truth_records(json.loads(truth_path.read_text(encoding="utf-8"))))
