"""What was read from one file, written beside it: NAME.json, NAME.csv and NAME.issues.txt from the one read."""

from __future__ import annotations

from pathlib import Path

from pipeline.export.atomic import check_target, write_atomic
from pipeline.export.recordfile import extraction_to_csv, extraction_to_json
from pipeline.export.text import issues_to_table
from pipeline.records import Extraction


def write_extracts(extraction: Extraction, folder: Path, stem: str) -> list[Path]:
    """Write one read plan as STEM.json, STEM.csv and STEM.issues.txt into `folder` (made if missing), each
    atomically, from the one read; return the paths."""
    texts = {
        f"{stem}.json": extraction_to_json(extraction),
        f"{stem}.csv": extraction_to_csv(extraction),
        f"{stem}.issues.txt": issues_to_table(extraction.issues) if extraction.issues else "no issues\n",
    }
    targets = [folder / name for name in texts]
    for target in targets:
        check_target(target)  # every target checked before the first is written
    folder.mkdir(parents=True, exist_ok=True)
    return [write_atomic(target, text) for target, text in zip(targets, texts.values(), strict=True)]
