"""schemas/ describes the records the code emits, and the two stay in step."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from referencing import Registry, Resource

from pipeline.cli import main
from pipeline.records import Record
from tests.conftest import DATA

SCHEMAS = Path(__file__).parent.parent / "schemas"


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return schema


def _validator() -> jsonschema.Draft202012Validator:
    record = _schema("record.schema.json")
    registry = Registry().with_resource(record["$id"], Resource.from_contents(record))
    return jsonschema.Draft202012Validator(_schema("extraction.schema.json"), registry=registry)


def test_schemas_are_valid() -> None:
    for name in ("record.schema.json", "extraction.schema.json"):
        jsonschema.Draft202012Validator.check_schema(_schema(name))


def test_record_fields_match_schema_properties() -> None:
    fields = {f.name for f in dataclasses.fields(Record)}
    schema = _schema("record.schema.json")
    assert fields == set(schema["properties"]) == set(schema["required"])


@pytest.mark.parametrize("name", ["kcc-2015", "kcc-2014-borderless"])
def test_every_emitted_record_validates(name: str) -> None:
    result = CliRunner().invoke(main, ["extract", str(DATA / f"{name}.pdf")])
    output = json.loads(result.stdout)
    errors = list(_validator().iter_errors(output))
    assert errors == []
    assert len(output["records"]) == 27


def test_a_bad_record_fails_validation() -> None:
    result = CliRunner().invoke(main, ["extract", str(DATA / "kcc-2015.pdf")])
    output = json.loads(result.stdout)
    output["records"][0]["owners"] = "Procurement"  # a string, not a list
    del output["records"][1]["status"]
    errors = list(_validator().iter_errors(output))
    assert len(errors) == 2


def test_the_package_ships_the_published_schemas() -> None:
    packaged = Path(__file__).parent.parent / "pipeline" / "schemas"
    for name in ("record.schema.json", "extraction.schema.json"):
        assert (packaged / name).read_bytes() == (SCHEMAS / name).read_bytes(), name
