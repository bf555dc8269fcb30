"""Records as JSON, JSON Lines or CSV text. CSV cells are defused as the Excel writers' cells are."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
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


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Given a header and rows of text cells, return CSV text in which no cell (header too) can run as a formula.

    As in the workbooks we write, a cell starting with =, +, -, @, tab or carriage return gets a leading `'`.
    A carriage return inside a cell becomes a line feed: the csv module would not quote it, and a reader
    would take it for the end of the row.
    """
    # cells.py (and so openpyxl) is imported only when CSV is written, so `extract` starts at once.
    from pipeline.export.cells import FORMULA_START

    def defuse(text: str) -> str:
        text = "'" + text if text.startswith(FORMULA_START) else text
        return text.replace("\r\n", "\n").replace("\r", "\n")

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([defuse(name) for name in header])
    writer.writerows([defuse(cell) for cell in row] for row in rows)
    return buffer.getvalue()


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
    names = names or ["id"]
    return rows_to_csv(names, ([row.get(name, "") for name in names] for row in rows))


def render_extraction(extraction: Extraction, fmt: str) -> str:
    """Given an extraction and a format name (json, jsonl, csv), return the text to write."""
    return {"json": extraction_to_json, "jsonl": extraction_to_jsonl, "csv": extraction_to_csv}[fmt](extraction)
