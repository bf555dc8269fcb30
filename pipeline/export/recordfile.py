"""Records as JSON, JSON Lines or CSV text."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pipeline.records import Extraction, to_jsonable

FORMATS = ("json", "jsonl", "csv")


def extraction_to_json(extraction: Extraction) -> str:
    """Given an extraction, return `{"source", "records", "issues"}` as JSON text."""
    return json.dumps(to_jsonable(extraction), ensure_ascii=False, indent=2) + "\n"


def extraction_to_jsonl(extraction: Extraction) -> str:
    """Given an extraction, return one JSON record per line."""
    return "".join(json.dumps(to_jsonable(r), ensure_ascii=False) + "\n" for r in extraction.records)


def _flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        if all(isinstance(v, dict) for v in value) and value:
            out[prefix] = "; ".join(",".join(f"{k}={v}" for k, v in item.items()) for item in value)
        else:
            out[prefix] = "; ".join("" if v is None else str(v) for v in value)
    else:
        out[prefix] = "" if value is None else str(value)


def extraction_to_csv(extraction: Extraction) -> str:
    """Given an extraction, return one CSV row per record: lists joined with "; ", objects as dotted columns."""
    rows: list[dict[str, str]] = []
    for record in extraction.records:
        flat: dict[str, str] = {}
        _flatten(to_jsonable(record), "", flat)
        rows.append(flat)
    names: list[str] = []
    for row in rows:
        names.extend(k for k in row if k not in names)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names or ["id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def render_extraction(extraction: Extraction, fmt: str) -> str:
    """Given an extraction and a format name (json, jsonl, csv), return the text to write."""
    return {"json": extraction_to_json, "jsonl": extraction_to_jsonl, "csv": extraction_to_csv}[fmt](extraction)
