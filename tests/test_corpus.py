"""Real council papers nobody here made: plans found and read row by row, and papers that are not plans refused.

The truth files in tests/data/corpus were keyed by hand from the page images and
`pdftotext -layout` before the extractor could read these papers (see SOURCES.md there).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from pipeline.errors import NoTableError
from pipeline.extraction import extract_plan
from pipeline.records import Extraction, to_jsonable
from tests import score_extract
from tests.conftest import DATA
from tests.scoring import cell_mismatches

CORPUS = DATA / "corpus"
PLANS = ["kcc-executive-response", "kcc-consultation-responses", "kcc-health-wellbeing"]
NOT_PLANS = [
    "not-plan-dpia-screening",
    "not-plan-budget-risk-register",
    "not-plan-glossary",
    "not-plan-questions-and-answers",
    "report-devolution-white-paper",
]
FIELDS = ("theme", "recommendation", "proposed_actions", "progress")
# Text the page prints inside a picture (an image of a table): a text-only reader cannot see it, so it is left
# out of the comparison, and the test checks the rest of the cell is still right.
IN_PICTURES = {("kcc-executive-response", 4, "proposed_actions"): (1, 10)}  # lines 1-9 of the truth's cell


def _truth(name: str) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((CORPUS / f"{name}.truth.json").read_text(encoding="utf-8"))
    return truth


@pytest.fixture(scope="module")
def extracted() -> dict[str, Extraction]:
    return {name: extract_plan(CORPUS / f"{name}.pdf") for name in PLANS}


@pytest.mark.parametrize("name", PLANS)
def test_one_record_per_printed_row_on_every_page(name: str, extracted: dict[str, Extraction]) -> None:
    truth = _truth(name)
    records = extracted[name].records
    got = Counter(r.pages[0] for r in records)
    want = {int(page): n for page, n in truth["records_per_page"].items()}
    assert {p: got.get(p, 0) for p in want} == want
    assert set(got) <= set(want)  # nothing from the pages around the plan
    assert len(records) == truth["total_records"]


@pytest.mark.parametrize("name", PLANS)
def test_every_keyed_cell(name: str, extracted: dict[str, Extraction]) -> None:
    truth = _truth(name)
    records = extracted[name].records
    wrong = []
    for want in truth["records"]:
        have = records[want["n"] - 1]
        for field in FIELDS:
            text = want[field] or ""
            skip = IN_PICTURES.get((name, want["n"], field))
            if skip:
                lines = text.split("\n")
                text = "\n".join(lines[: skip[0]] + lines[skip[1] :])
            if score_extract.norm(getattr(have, field) or "") != score_extract.norm(text):
                wrong.append(f"record {want['n']} (page {want['page']}) {field}")
    assert wrong == []


@pytest.mark.parametrize("name", PLANS)
def test_columns_and_tables(name: str, extracted: dict[str, Extraction]) -> None:
    truth = _truth(name)
    source = extracted[name].source
    core = [(c.field, c.header) for c in source.columns][: len(truth["columns"])]
    assert core == [(c["field"], c["header"]) for c in truth["columns"]]
    used = [t for t in source.tables if t.used]
    assert used and all(t.kind == "plan" for t in used)
    first, last = truth["plan_pages"]
    assert min(p for t in used for p in t.pages) >= first and max(p for t in used for p in t.pages) <= last


def test_ids_unique_and_no_blank_records(extracted: dict[str, Extraction]) -> None:
    for extraction in extracted.values():
        ids = [r.id for r in extraction.records]
        assert len(ids) == len(set(ids))
        assert all(r.recommendation or r.proposed_actions or r.progress for r in extraction.records)


def test_titles_are_headings_not_prose(extracted: dict[str, Extraction]) -> None:
    titles = {name: (e.source.title, e.source.title_from) for name, e in extracted.items()}
    assert titles["kcc-consultation-responses"] == ("CONSULTATION FEEDBACK DRAFT RESPONSES", "printed")
    # The heading above this plan is a numbered report section, and the PDF names no title: the file does.
    assert titles["kcc-executive-response"] == ("kcc-executive-response", "file")
    assert all(len(title) <= 160 for title, _ in titles.values())


@pytest.mark.parametrize("name", NOT_PLANS)
def test_papers_that_are_not_plans_give_no_records(name: str) -> None:
    with pytest.raises(NoTableError):
        extract_plan(CORPUS / f"{name}.pdf")


def test_plan_inside_a_real_report_gives_exactly_its_records(tmp_path: Path) -> None:
    report = pikepdf.open(CORPUS / "report-devolution-white-paper.pdf")
    plan = pikepdf.open(DATA / "kcc-2014.pdf")
    out = pikepdf.new()
    out.pages.extend(report.pages[:4])
    out.pages.extend(plan.pages)
    out.pages.extend(report.pages[4:])
    out.save(tmp_path / "report-with-plan.pdf")
    extraction = extract_plan(tmp_path / "report-with-plan.pdf")
    assert cell_mismatches(DATA / "kcc-2014.truth.json", to_jsonable(extraction)) == []
    plan_pages = set(range(5, 5 + len(plan.pages)))
    assert {p for r in extraction.records for p in r.pages} <= plan_pages
    assert extraction.source.title == json.loads((DATA / "kcc-2014.truth.json").read_text())["title"]
