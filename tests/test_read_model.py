"""The read side's one typed model: history loaded once, splits and merges, actions listed under their
recommendation downstream, the reason for a new timescale, and exporters free of pandas."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.committee import build_paper
from pipeline.extraction import extract_plan
from pipeline.history import diff, flags, record_history
from pipeline.ingest import load_history
from pipeline.matching import squash
from pipeline.records import Added, Merged, NewRevision, Record, Removed, Renumbered, Revision, Split
from pipeline.statuses import STATUS_WORDS, VALUES
from pipeline.store import Store
from pipeline.update_round import approve_draft, collect_returns, make_owner_workbooks, make_tracker
from tests.conftest import DATA, require_tool

AS_OF = date(2016, 1, 15)
ROOT = Path(__file__).parent.parent


@pytest.fixture
def store(store_2015: Store) -> Store:
    return store_2015


def _split_r3(records: list[Record], label: str | None = None) -> list[Record]:
    """R3 printed as two action rows under one recommendation cell: R3.1 and R3.2 with parent R3, labelled
    3.1 and 3.2, or both with `label` (printed once in the shared cell)."""
    out: list[Record] = []
    for r in records:
        if r.id != "R3":
            out.append(r)
            continue
        first, _, second = r.proposed_actions.partition(". ")
        out.append(replace(r, id="R3.1", label=label or "3.1", parent="R3", proposed_actions=first or "First action"))
        out.append(replace(r, id="R3.2", label=label or "3.2", parent="R3", proposed_actions=second or "Second action"))
    return out


def _add(store: Store, base: Revision, label: str, records: list[Record]) -> Revision:
    sha256 = label.encode().hex().ljust(64, "0")
    return store.add_revision(
        base.plan, label, NewRevision(base.title, f"{label}.pdf", sha256, base.pages, base.columns, records)
    )


def test_a_split_and_a_merge_are_changes_of_their_own(store: Store) -> None:
    plan = store.resolve_plan(None)
    r1 = store.revisions(plan)[-1]
    r2 = _add(store, r1, "r2", _split_r3(store.records(r1)))
    r3 = _add(store, r1, "r3", list(store.records(r1)))
    history = load_history(store, plan)
    split = diff(history, r1, r2).changes
    assert [c for c in split if isinstance(c, Split)] == [Split("R3", ("R3.1", "R3.2"))]
    assert not [c for c in split if isinstance(c, (Added, Removed, Renumbered))]
    merged = diff(history, r2, r3).changes
    assert [c for c in merged if isinstance(c, Merged)] == [Merged("R3", ("R3.1", "R3.2"))]
    assert not [c for c in merged if isinstance(c, (Added, Removed, Renumbered))]
    # flags treat each action as its own record
    by_id = {f.id: f for f in flags(load_history(store, plan, r2), AS_OF)}
    assert {"R3.1", "R3.2"} <= set(by_id) and "R3" not in by_id and by_id["R3.1"].parent == "R3"
    out = CliRunner().invoke(main, ["diff", "r1", "r2", "--format", "json", "--store", store.url])
    assert out.exit_code == 0, out.output
    changes = json.loads(out.stdout)["changes"]
    assert {"id": "R3", "change": "split", "old": "R3", "new": ["R3.1", "R3.2"]}.items() <= next(
        c for c in changes if c["change"] == "split"
    ).items()


def test_actions_are_listed_under_their_recommendation(store: Store, tmp_path: Path) -> None:
    plan = store.resolve_plan(None)
    r1 = store.revisions(plan)[-1]
    moved = _split_r3(store.records(r1))
    r4 = next(r for r in moved if r.id == "R4")
    moved.remove(r4)
    moved.insert([r.id for r in moved].index("R3.2"), r4)  # printed R3.1, R4, R3.2: R3.2 still goes under R3
    _add(store, r1, "r2", moved)
    ws = openpyxl.load_workbook(make_tracker(store, tmp_path / "tracker.xlsx", as_of=AS_OF).path)["Tracker"]
    ids = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)]
    at = ids.index("R3.1")
    assert ids[at - 1 : at + 3] == ["R2", "R3.1", "R3.2", "R4"]
    assert ws.cell(4 + at, 1).alignment.indent == 1 and ws.cell(3 + at, 1).alignment.indent == 0
    book = dict(make_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF).files)
    owner = next(k for k in book if k in r4.owner_keys and k in next(r for r in moved if r.id == "R3.1").owner_keys)
    sheet = openpyxl.load_workbook(book[owner])["Updates"]
    ids = [sheet.cell(r, 1).value for r in range(4, sheet.max_row + 1)]
    assert ids.index("R3.2") == ids.index("R3.1") + 1


def test_the_paper_appendix_prints_a_shared_recommendation_once(store: Store, tmp_path: Path) -> None:
    plan = store.resolve_plan(None)
    r1 = store.revisions(plan)[-1]
    _add(store, r1, "r2", _split_r3(store.records(r1), label="3."))
    path, _, _ = build_paper(store, tmp_path / "paper.docx", as_of=AS_OF)
    table = docx.Document(str(path)).tables[-1]
    r3 = next(r for r in store.records(r1) if r.id == "R3")
    at = next(i for i, row in enumerate(table.rows) if r3.recommendation.split("\n")[0] in row.cells[0].text)
    shared, below = (table.rows[k]._tr.tc_lst[0] for k in (at, at + 1))
    assert shared.vMerge == "restart" and below.vMerge == "continue"  # one cell, merged down (w:vMerge)
    assert table.rows[at].cells[1].text != table.rows[at + 1].cells[1].text  # each action in its own row
    assert table.rows[at + 2]._tr.tc_lst[0].vMerge is None


def test_the_appendix_read_back_gives_the_actions_under_their_recommendation(store: Store, tmp_path: Path) -> None:
    require_tool("soffice")
    plan = store.resolve_plan(None)
    r1 = store.revisions(plan)[-1]
    _add(store, r1, "r2", _split_r3(store.records(r1), label="3."))
    _, pdf, _ = build_paper(store, tmp_path / "paper.docx", as_of=AS_OF, pdf=True)
    assert pdf is not None
    read = {r.id: r for r in extract_plan(pdf).records}
    assert "R3.1" in read, sorted(read)
    assert read["R3.1"].parent == read["R3.2"].parent == "R3" and "R3" not in read
    stored = {r.id: r for r in store.records(store.revisions(plan)[-1])}
    for ident in ("R3.1", "R3.2"):
        assert squash(read[ident].proposed_actions) == squash(stored[ident].proposed_actions)
        assert squash(read[ident].recommendation) == squash(stored[ident].recommendation)


def test_tracker_loads_history_once_whatever_the_revisions(store: Store, tmp_path: Path) -> None:
    plan = store.resolve_plan(None)
    r1 = store.revisions(plan)[-1]
    records = list(store.records(r1))

    def selects_for_tracker(name: str) -> int:
        seen: list[str] = []

        def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        sa.event.listen(store.engine, "before_cursor_execute", count)
        try:
            make_tracker(store, tmp_path / name, as_of=AS_OF)
        finally:
            sa.event.remove(store.engine, "before_cursor_execute", count)
        return len(seen)

    one = selects_for_tracker("one.xlsx")
    for k in range(2, 7):
        _add(store, r1, f"r{k}", [replace(r, progress=f"{r.progress} Update {k}.") for r in records])
    six = selects_for_tracker("six.xlsx")
    assert one == six and one > 0


def test_history_shows_the_reason_an_owner_gave_for_a_new_timescale(store: Store, tmp_path: Path) -> None:
    owners = dict(make_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF).files)
    wb = openpyxl.load_workbook(owners["Policy"])
    ws = wb["Updates"]
    header = {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value)
    ident = ws.cell(row, 1).value
    ws.cell(row, header["Revised timescale"]).value = "March 2017"
    ws.cell(row, header["Reason for new timescale"]).value = "Waiting for the new framework."
    wb.save(tmp_path / "policy.xlsx")
    done = collect_returns(store, [tmp_path / "policy.xlsx"], tmp_path / "report.xlsx", today=AS_OF)
    assert done.draft is not None
    approve_draft(store, done.draft.label)
    rows = record_history(load_history(store, store.resolve_plan(None)), ident)
    assert [r.reason for r in rows][-1] == "Waiting for the new framework."
    out = CliRunner().invoke(main, ["history", ident, "--format", "json", "--store", store.url])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)[-1]["reason"] == "Waiting for the new framework."


def test_no_exporter_imports_pandas() -> None:
    code = (
        "import sys\n"
        "import pipeline.committee, pipeline.update_round, pipeline.export.tracker, pipeline.export.owner_workbook\n"
        "import pipeline.export.paper, pipeline.export.chart, pipeline.export.text, pipeline.history\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_the_status_vocabulary_is_the_schemas() -> None:
    schema = json.loads((ROOT / "pipeline" / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    enums = [tuple(e) for e in _enums(schema) if "in_progress" in e]
    assert enums and all(e == VALUES for e in enums)
    assert tuple(STATUS_WORDS) == VALUES and all(STATUS_WORDS.values())


def _enums(node: object) -> Iterator[list[str]]:
    if isinstance(node, dict):
        if "enum" in node:
            yield node["enum"]
        for value in node.values():
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


def test_a_config_file_in_the_working_directory_reaches_commands_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "actionplan.toml").write_text("[headers]\nrecommendation = 5\n", encoding="utf-8")
    assert len(extract_plan(DATA / "kcc-2015.pdf").records) == 27  # the library never looks for it
    out = CliRunner().invoke(main, ["extract", str(DATA / "kcc-2015.pdf"), "--no-isolation"])
    assert out.exit_code == 2 and "actionplan.toml" in out.stderr and not out.stdout
