"""Synthetic renderings of the layouts real council plans showed extract to the records drawn, cell by cell."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from pipeline.errors import NoTableError
from pipeline.extraction import extract_plan
from pipeline.records import Extraction, Record
from tests import score_extract
from tests.conftest import require_tool
from tests.layouts import GENERATORS, LINE_SHADE, NEEDS, NOT_PLANS, Case

# What each generator draws, in pages (Word-drawn cases laid out by LibreOffice in Arial's metrics: Liberation Sans,
# from fonts-liberation, which .ci/run installs; with DejaVu in its place two of them run a page longer).
PAGES = {
    "shaded_sections": 2,
    "word_line_shading": 2,
    "horizontal_rules_n_title": 3,
    "landscape_in_portrait": 5,
    "two_column": 2,
    "two_column_centred": 2,
    "two_line_header": 2,
    "plan_between_prose": 17,
    "second_table_after_plan": 4,
    "several_actions_merged": 2,
    "several_actions_borderless": 2,
    "several_actions_sub_labels": 2,
    "wrapped_owners": 2,
    "duplicate_labels": 2,
    "duplicate_rows": 2,
    "exec_response_borderless": 3,
    "shaded_banded": 2,
    "vmerge_across_pages": 2,
    "report_appendix": 5,
    "two_column_bullets": 1,
    "audit_findings": 1,
    "two_updates_status_fill": 1,
    "narrow_status": 2,
    "banner_recommendations": 1,
    "header_wording": 1,
    "paren_sub_labels": 1,
    "risk_register": 1,
    "performance_indicators": 1,
}
FIELDS = ("label", "parent", "theme", "recommendation", "proposed_actions", "timescale", "owners", "progress", "status")


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Case]:
    """Render a case once per module (skipping when a tool it needs is missing)."""
    out = tmp_path_factory.mktemp("layouts")
    done: dict[str, Case] = {}

    def get(name: str) -> Case:
        if name in NEEDS:
            require_tool(NEEDS[name])
        if name not in done:
            done[name] = (GENERATORS.get(name) or NOT_PLANS[name])(out)
        return done[name]

    return get


def got_cells(record: Record) -> dict[str, Any]:
    """The fields of an extracted record that a truth record names."""
    return {
        "label": record.label,
        "parent": record.parent,
        "theme": record.theme,
        "recommendation": record.recommendation,
        "proposed_actions": record.proposed_actions,
        "timescale": record.timescale.text,
        "owners": list(record.owners),
        "progress": record.progress,
        "status": record.status.text,
    }


def table_span(table: Any) -> tuple[str, list[int]]:
    """Given one of `source.tables`, return its kind and [first page, last page], whichever way it holds them."""
    pages = getattr(table, "pages", None)
    if pages is None:
        pages = (table.first_page, table.last_page)
    return str(table.kind), [min(pages), max(pages)]


def case_mismatches(truth: dict[str, Any], extraction: Extraction) -> list[str]:
    """Given a case's truth and an extraction, return every difference, the most telling first."""
    want = truth["records"]
    got = list(extraction.records)
    problems = [f"{len(got)} records, want {len(want)}"] if len(got) != len(want) else []
    labelled = all(r["id"] is not None for r in want)
    by_id = {r.id: r for r in got}
    first_id: dict[str, str] = {}  # an unlabelled row's text -> the id of its first copy
    for i, w in enumerate(want):
        name = w["id"] or f"record {i + 1}"
        have = by_id.get(w["id"]) if labelled else (got[i] if i < len(got) else None)
        if have is None:
            problems.append(f"missing {name}")
            continue
        if not labelled:
            text = score_extract.norm(w["recommendation"])
            if text in first_id and have.id != first_id[text] + "-2":
                problems.append(f"{name}.id: want {first_id[text] + '-2'!r} (a repeat) got {have.id!r}")
            first_id.setdefault(text, have.id)
        cells = got_cells(have)
        for field in FIELDS:
            if score_extract.norm(cells[field]) != score_extract.norm(w[field]):
                problems.append(
                    f"{name}.{field}: want {score_extract.norm(w[field])!r:.70} got {score_extract.norm(cells[field])!r:.70}"
                )
        if "extra" in w and {k: score_extract.norm(v) for k, v in have.extra.items()} != {
            k: score_extract.norm(v) for k, v in w["extra"].items()
        }:
            problems.append(f"{name}.extra: want {w['extra']!r:.70} got {have.extra!r:.70}")
        if (have.pages[:1] or [None])[0] != w["page"]:
            problems.append(f"{name}.page: want {w['page']} got {list(have.pages)}")
    if labelled:
        problems += [f"extra record {r.id}" for r in got if r.id not in {w["id"] for w in want}]
    columns = [(c.field, c.header) for c in extraction.source.columns]
    if columns != [(c["field"], c["header"]) for c in truth["columns"]]:
        problems.append(f"columns: want {[(c['field'], c['header']) for c in truth['columns']]} got {columns}")
    if truth["title"] is not None and extraction.source.title != truth["title"]:
        problems.append(f"title: want {truth['title']!r} got {extraction.source.title!r}")
    if truth["tables"]:
        problems += _table_mismatches(truth["tables"], getattr(extraction.source, "tables", None))
    return problems


def _table_mismatches(want: list[dict[str, Any]], tables: Any) -> list[str]:
    """The plan tables must be exactly those drawn, and each other table drawn must be reported as "other".

    A candidate the truth does not list may be reported as "other": a region looked at and turned down.
    """
    if tables is None:
        return ["source.tables: not reported"]
    spans = [table_span(t) for t in tables]
    plans = [t["pages"] for t in want if t["kind"] == "plan"]
    problems = [] if [p for k, p in spans if k == "plan"] == plans else [f"tables: want plan {plans} got {spans}"]
    others = [t["pages"] for t in want if t["kind"] == "other"]
    return problems + [f"tables: want other {p} got {spans}" for p in others if ("other", p) not in spans]


@pytest.mark.parametrize("name", list(GENERATORS))
def test_layout_extracts_as_drawn(name: str, render: Callable[[str], Case]) -> None:
    case = render(name)
    assert case_mismatches(case.truth, extract_plan(case.pdf)) == [], case.note


def _tokens(text: str) -> list[str]:
    # split after hyphens, so a word the page breaks at its hyphen counts the same as the whole word
    text = text.replace("\uf0b7", "•")  # the bullet of Word's Symbol font, as the extractor writes it
    return [t for word in text.split() if word != "|" for t in re.split(r"(?<=-)(?=.)", word)]


@pytest.mark.parametrize("name", list(NOT_PLANS))
def test_not_plans_give_no_records(name: str, render: Callable[[str], Case]) -> None:
    """A table that is no plan (a risk register, performance indicators) gives no records: extraction says so."""
    case = render(name)
    with pytest.raises(NoTableError):
        extract_plan(case.pdf)


@pytest.mark.parametrize("name", [*GENERATORS, *NOT_PLANS])
def test_case_pdfs_are_well_formed(name: str, render: Callable[[str], Case]) -> None:
    """Each PDF opens, has the pages drawn, and prints every word its truth says it does."""
    case = render(name)
    with pdfplumber.open(case.pdf) as pdf:
        assert len(pdf.pages) == PAGES[name]
        printed = Counter(t for page in pdf.pages for w in page.extract_words() for t in _tokens(w["text"]))
    wanted: Counter[str] = Counter()
    shared = set()  # the actions of one recommendation print its label and text once
    for record in case.truth["records"]:
        cells = [
            (f, record[f]) for f in ("label", "recommendation", "proposed_actions", "timescale", "progress", "status")
        ]
        cells += [("owners", o) for o in record["owners"]] + list(record.get("extra", {}).items())
        for cell in cells:
            if record["parent"] is not None and cell[0] in ("label", "recommendation"):
                if (record["parent"], cell) in shared:
                    continue
                shared.add((record["parent"], cell))
            wanted.update(_tokens(cell[1]))
    missing = {w: n - printed[w] for w, n in wanted.items() if printed[w] < n}
    assert {w: k for w, k in missing.items() if not _printed_broken(w, k, printed)} == {}
    assert all(1 <= r["page"] <= PAGES[name] for r in case.truth["records"])


def _printed_broken(word: str, times: int, printed: Counter[str]) -> bool:
    """Whether a word too wide for its column is printed `times` more, broken inside it ("Novembe" | "r")."""
    return any(printed[word[:i]] >= times and printed[word[i:]] >= times for i in range(1, len(word)))


def test_word_export_paints_a_rectangle_per_line(render: Callable[[str], Case]) -> None:
    """The Word case really has what makes it hard: one filled rectangle per text line, none per cell."""
    case = render("word_line_shading")
    shade = tuple(int(LINE_SHADE[i : i + 2], 16) / 255 for i in (0, 2, 4))
    with pdfplumber.open(case.pdf) as pdf:
        page = pdf.pages[0]
        filled = [
            r
            for r in page.rects
            # not strict: a fill's colour may be grey, CMYK or none as well as RGB; compare the components it has
            if r["fill"] and all(abs(a - b) < 0.01 for a, b in zip(r["non_stroking_color"] or (), shade, strict=False))
        ]
    rows = sum(1 for r in case.truth["records"] if r["page"] == 1)
    assert len(filled) > 6 * 2 * rows  # six shaded cells a row, most of several lines
    assert max(r["height"] for r in filled) < 16  # a line high, never a paragraph or a cell


def test_generators_are_deterministic(tmp_path: Path) -> None:
    """The same generator twice gives the same truth and the same text."""
    first = GENERATORS["shaded_sections"](tmp_path)
    text = first.pdf.read_bytes()
    again = GENERATORS["shaded_sections"](tmp_path)
    assert again.truth == first.truth and again.pdf.read_bytes() == text
