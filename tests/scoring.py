"""Compare extracted records with a truth file, cell by cell, using the shared scorer's normalisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import score_extract


def cell_mismatches(truth_path: Path, output: dict[str, Any]) -> list[str]:
    """Given a truth file and `extract --format json` output, return every cell that differs."""
    truth = score_extract.truth_records(json.loads(truth_path.read_text(encoding="utf-8")))
    got = score_extract.got_records(output)
    problems = [f"extra record {rid}" for rid in sorted(set(got) - set(truth))]
    for rid, want in truth.items():
        have = got.get(rid)
        if have is None:
            problems.append(f"missing record {rid}")
            continue
        for field in score_extract.FIELDS:
            if score_extract.norm(have[field]) != score_extract.norm(want[field]):
                problems.append(
                    f"{rid}.{field}: want {score_extract.norm(want[field])!r:.80} got {score_extract.norm(have[field])!r:.80}"
                )
    return problems
