"""validate: records x schemas/ -> issues. Pure apart from reading the schema once; never raises on bad data.

Severities: `error` for a schema failure, a duplicate id, a fragment that could
not be placed, a cross-reference to a missing id; `warning` for a missing
status, owner or timescale, an unreadable timescale, an unknown status word;
`info` for facts about the plan (a column it lacks is said once).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from pipeline.records import Column, Issue, Record, to_jsonable
from pipeline.words import and_list

SCHEMA = "record.schema.json"  # in the package (pipeline/schemas/), so an installed wheel has it too


@cache
def record_validator() -> jsonschema.Draft202012Validator:
    """Return a validator for the record schema (pipeline/schemas/record.schema.json)."""
    schema: dict[str, Any] = json.loads(
        resources.files("pipeline.schemas").joinpath(SCHEMA).read_text(encoding="utf-8")
    )
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_issues(record: Record) -> list[Issue]:
    """Given a record, return one error per way it breaks the record schema."""
    issues = []
    for error in record_validator().iter_errors(to_jsonable(record)):
        where = ".".join(str(p) for p in error.absolute_path) or None
        issues.append(Issue("error", f"does not fit the record schema: {error.message}", record.id or None, where))
    return issues


def check_records(records: Sequence[Record], columns: Sequence[Column]) -> list[Issue]:
    """Given a plan's records and its columns, return the data problems found."""
    issues: list[Issue] = []
    present = {c.field for c in columns}
    if not records:
        issues.append(Issue("error", "the table has a header but no recommendation rows"))
    for field, what in (
        ("status", "status"),
        ("timescale", "timescale"),
        ("owners", "owner"),
        ("progress", "progress"),
    ):
        if field not in present:
            issues.append(Issue("info", f"the plan has no {what} column", None, field))
    counts = Counter(r.id for r in records)
    for ident, n in counts.items():
        if n > 1:
            issues.append(Issue("error", f"id {ident} appears {n} times", ident, "id"))
    numbers = sorted({r.number for r in records if r.number is not None})  # 3a and 3b number recommendation 3
    if numbers:
        missing = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers))
        if missing:
            issues.append(
                Issue("warning", f"numbering gap: no recommendation {number_ranges(missing)}", None, "number")
            )
    ids = set(counts)
    for r in records:
        issues.extend(schema_issues(r))
        if not r.recommendation.strip() and "recommendation" in present:
            issues.append(Issue("warning", "empty recommendation", r.id, "recommendation"))
        if "status" in present:
            if not r.status.text.strip():
                issues.append(Issue("warning", "empty status", r.id, "status"))
            elif r.status.value == "unknown":
                issues.append(
                    Issue("warning", f"status {r.status.text!r} is not in the status vocabulary", r.id, "status")
                )
        if "timescale" in present:
            if not r.timescale.text.strip():
                issues.append(Issue("warning", "empty timescale", r.id, "timescale"))
            elif r.timescale.rule is None:
                issues.append(
                    Issue("warning", f"timescale {r.timescale.text!r} could not be read as dates", r.id, "timescale")
                )
        if "owners" in present and not r.owners:
            issues.append(Issue("warning", "no owner", r.id, "owners"))
        for ref in r.cross_refs:
            if ref not in ids:
                issues.append(Issue("error", f"refers to {ref}, which is not in the plan", r.id, "cross_refs"))
    return issues


def number_ranges(numbers: list[int]) -> str:
    """Given sorted numbers, return them in words, runs of three or more joined ("3, 5 to 9 and 12")."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts: list[str] = []
    for run in runs:
        parts += [f"{run[0]} to {run[-1]}"] if len(run) > 2 else [str(n) for n in run]
    return and_list(parts)
