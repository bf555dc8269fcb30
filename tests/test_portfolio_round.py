"""The owner round over every plan: one workbook per owner across three plans that share owners and IDs, filled
in with openpyxl as an owner would, collected row by row into each plan's own draft, approved plan by plan."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.export.owner_marker import META_SHEET
from pipeline.export.owner_workbook import HEADER_ROW, PLAN, PROGRESS_UPDATE, PROPOSED_STATUS
from pipeline.records import Plan, Record
from pipeline.returns import by_plan, read_return
from pipeline.store import Store
from pipeline.update_round import approve_draft, collect_returns, make_owner_workbooks
from pipeline.update_round.collect import ORPHAN_REASON
from pipeline.update_round.returned_rows import marker_state
from pipeline.update_round.workbooks import make_portfolio_owner_workbooks, make_portfolio_tracker
from tests.portfolio_store import PLANS, build_portfolio_store

AS_OF = date(2016, 1, 21)
TODAY = date(2016, 2, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-plan SQLite store, built once; each test works on its own copy."""
    tmp = tmp_path_factory.mktemp("portfolio-round")
    build_portfolio_store(tmp).close()
    return tmp / "store.db"


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "store.db"
    shutil.copyfile(built, copy)
    opened = Store(f"sqlite:///{copy}")
    yield opened
    opened.close()


def _plans(store: Store) -> dict[str, Plan]:
    return {p.name: p for p in store.plans()}


def _header(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[HEADER_ROW] if c.value}


def _fill(
    path: Path, answers: dict[tuple[str, str], dict[str, str]], *, plan_cells: dict[tuple[str, str], str] | None = None
) -> None:
    """Type answers into an owner workbook as the owner would: (plan, ID) -> {column: text}. `plan_cells` moves
    a row to another plan by rewriting its (locked) Plan cell, as an owner who unprotected the sheet might."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Updates"]
    columns = _header(ws)
    found = set()
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        key = (ws.cell(row, columns[PLAN]).value, ws.cell(row, columns["ID"]).value)
        for column, text in answers.get(key, {}).items():
            ws.cell(row, columns[column]).value = text
            found.add(key)
        if plan_cells and key in plan_cells:
            ws.cell(row, columns[PLAN]).value = plan_cells[key]
    assert found == set(answers), f"rows not in {path.name}: {set(answers) - found}"
    wb.save(path)


def _record(store: Store, plan: str, ident: str, *, drafts: bool = True) -> Record:
    chosen = _plans(store)[plan]
    revision = store.revisions(chosen, include_drafts=drafts)[-1]
    return next(r for r in store.records(revision) if r.id == ident)


def test_one_workbook_per_owner_over_every_plan(store: Store, tmp_path: Path) -> None:
    books = make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF, return_by=date(2016, 2, 5))
    assert [r.plan for r in books.revisions] == list(PLANS)
    covers = dict(books.covers)
    files = dict(books.files)
    assert covers["Policy"] == PLANS
    assert covers["Policy with Commissioning and Procurement"] == PLANS[1:]  # R2 is complete in Commissioning
    wb = openpyxl.load_workbook(files["Policy"])
    ws = wb["Updates"]
    columns = _header(ws)
    assert list(columns)[:4] == [PLAN, "ID", "Recommendation", PROGRESS_UPDATE]
    rows = [
        (ws.cell(r, columns[PLAN]).value, ws.cell(r, columns["ID"]).value, ws.cell(r, columns["Recommendation"]).value)
        for r in range(HEADER_ROW + 1, ws.max_row + 1)
        if ws.cell(r, columns["ID"]).value
    ]
    # Grouped by plan, in the store's order, each plan's rows its own text.
    assert [p for p, _, _ in rows] == sorted((p for p, _, _ in rows), key=PLANS.index)
    for plan in PLANS:
        chosen = _plans(store)[plan]
        records = {r.id: r for r in store.records(store.revision(chosen, None))}
        mine = [(i, text) for p, i, text in rows if p == plan]
        open_ids = [r.id for r in records.values() if "Policy" in r.owner_keys and r.status.value != "complete"]
        assert sorted(i for i, _ in mine) == sorted(open_ids)
        assert all(text == records[i].recommendation for i, text in mine)
    assert ws.freeze_panes == "C4"  # Plan and ID stay in view
    # The marker records each row's plan and revision, and vouches for all three.
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    returned = read_return(files["Policy"])
    assert {(p.plan, p.revision) for p in returned.parts} == {(r.plan, r.label) for r in books.revisions}
    assert marker_state(returned, store.signing_key()) == "signed"
    views, strays = by_plan(returned)
    assert [v.plan for v in views] == list(PLANS) and not strays
    assert sum(len(v.rows) for v in views) == len(rows)
    guide = [c.value for c in wb["Instructions"]["A"] if c.value]
    assert any("3 action plans (Commissioning, Highways and Libraries)" in line for line in guide)


def test_collect_sends_each_row_to_its_own_plan(url: str, tmp_path: Path) -> None:
    """End to end on the three-plan store: R3 of every plan answered in one workbook, each update lands in its
    own plan's draft only, and the drafts are approved plan by plan."""
    store = build_portfolio_store(tmp_path, url)
    try:
        books = make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF)
        files = dict(books.files)
        said = {plan: f"{plan} R3: the {plan.lower()} review is under way." for plan in PLANS}
        _fill(files["Policy"], {(plan, "R3"): {PROGRESS_UPDATE: said[plan]} for plan in PLANS})
        _fill(files["Procurement"], {("Highways", "R11"): {PROPOSED_STATUS: "Delivered"}})
        done = collect_returns(store, [files["Policy"], files["Procurement"]], tmp_path / "report.xlsx", today=TODAY)
        assert not done.rejected and not done.stale and not done.failed
        assert done.draft is None and [d.plan for d in done.drafts] == list(PLANS)
        assert {(a.plan, a.id, a.what) for a in done.accepted} == {
            *((plan, "R3", "progress") for plan in PLANS),
            ("Highways", "R11", "status"),
        }
        for plan in PLANS:
            progress = _record(store, plan, "R3").progress
            assert said[plan] in progress
            assert not any(said[other] in progress for other in PLANS if other != plan), plan
        assert _record(store, "Highways", "R11").status.value == "complete"
        assert _record(store, "Libraries", "R11").status.value != "complete"
        assert _record(store, "Commissioning", "R11").status.value != "complete"
        # Each workbook's return is told per plan, and the chase list names the owners still to return per plan.
        assert sorted((line.plan, line.owner) for line in done.returns) == sorted(
            [(p, "Policy") for p in PLANS] + [(p, "Procurement") for p in PLANS]
        )
        assert {c.owner for c in done.chase if c.plan == "Highways"} >= {"Commissioning", "Transformation Team"}
        report = openpyxl.load_workbook(done.report)
        assert [c.value for c in report["Accepted"][3]][:2] == ["Plan", "ID"]
        # Approving plan by plan, as today: each plan's latest is its own draft.
        for draft in done.drafts:
            approve_draft(store, draft.label, draft.plan)
        for plan in PLANS:
            assert said[plan] in _record(store, plan, "R3", drafts=False).progress
        tracker = make_portfolio_tracker(store, tmp_path / "portfolio.xlsx", as_of=AS_OF)
        assert [v.revision.label for v in tracker.portfolio.plans] == [d.label for d in done.drafts]
    finally:
        store.close()


def test_collecting_again_adds_nothing_and_a_second_return_supersedes(store: Store, tmp_path: Path) -> None:
    files = dict(make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF).files)
    _fill(files["Policy"], {("Libraries", "R6"): {PROGRESS_UPDATE: "First word."}})
    first = collect_returns(store, [files["Policy"]], tmp_path / "r1.xlsx", today=TODAY)
    assert [(a.plan, a.id) for a in first.accepted] == [("Libraries", "R6")]
    again = collect_returns(store, [files["Policy"]], tmp_path / "r2.xlsx", today=TODAY)
    assert not again.accepted and any("same content as" in line.outcome for line in again.returns)
    _fill(files["Policy"], {("Libraries", "R6"): {PROGRESS_UPDATE: "Second word."}})
    later = collect_returns(store, [files["Policy"]], tmp_path / "r3.xlsx", today=TODAY)
    (accepted,) = later.accepted
    assert accepted.id == "R6" and accepted.supersedes
    progress = _record(store, "Libraries", "R6").progress
    assert "Second word." in progress and "First word." not in progress
    assert "Second word." not in _record(store, "Highways", "R6").progress


def test_a_row_moved_to_another_plan_is_caught(store: Store, tmp_path: Path) -> None:
    """An owner who unlocks the sheet and changes a row's Plan cell cannot send the update to the other plan's
    record with the same ID: its text is the first plan's, and the other plan's name is checked against it."""
    files = dict(make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF).files)
    before = {plan: _record(store, plan, "R7").progress for plan in PLANS}
    _fill(
        files["Commissioning"],
        {
            ("Highways", "R7"): {PROGRESS_UPDATE: "Meant for Highways, moved to Libraries."},
            ("Commissioning", "R5"): {PROGRESS_UPDATE: "Sent to a plan that does not exist."},
        },
        plan_cells={("Highways", "R7"): "Libraries", ("Commissioning", "R5"): "Parks"},
    )
    done = collect_returns(store, [files["Commissioning"]], tmp_path / "report.xlsx", today=TODAY)
    assert not done.accepted
    assert [(s.plan, s.id) for s in done.stale] == [("Libraries", "R7")]
    assert "text in this row was changed" in done.stale[0].why
    (orphan,) = done.rejected
    assert (orphan.id, orphan.column, orphan.value, orphan.why) == ("R5", PLAN, "Parks", ORPHAN_REASON)
    assert {plan: _record(store, plan, "R7").progress for plan in PLANS} == before


def test_an_edited_marker_is_refused_for_every_plan(store: Store, tmp_path: Path) -> None:
    files = dict(make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF).files)
    _fill(files["Policy"], {("Highways", "R3"): {PROGRESS_UPDATE: "Update."}})
    _fill(files["Procurement"], {("Highways", "R3"): {PROGRESS_UPDATE: "Procurement's update."}})
    wb = openpyxl.load_workbook(files["Policy"])
    for row in wb[META_SHEET].iter_rows():
        if row[2].value == "Highways":
            row[2].value = "Parks"  # pass the Highways rows off as another plan's
    wb.save(files["Policy"])
    done = collect_returns(store, [files["Policy"], files["Procurement"]], tmp_path / "report.xlsx", today=TODAY)
    assert [(a.owner, a.id) for a in done.accepted] == [("Procurement", "R3")]
    (stale,) = done.stale
    assert (stale.id, stale.owner, stale.plan) == ("", "Policy", "") and "marker sheet was edited" in stale.why
    assert "Update." not in _record(store, "Highways", "R3").progress
    # A plan listed twice (two revisions of one plan) is refused as the workbook's error.
    for row in wb[META_SHEET].iter_rows():
        if row[2].value == "Parks":
            row[2].value = "Libraries"
    wb.save(files["Policy"])
    with pytest.raises(PipelineError, match="marker sheet was edited"):
        collect_returns(store, [files["Policy"]], tmp_path / "again.xlsx", today=TODAY)


def test_single_plan_and_portfolio_workbooks_collect_together(store: Store, tmp_path: Path) -> None:
    """Workbooks of one plan (as handed out today) and over every plan, in one collect: each row to its plan."""
    single = make_owner_workbooks(store, tmp_path / "highways", plan="Highways", as_of=AS_OF)
    every = dict(make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF).files)
    one = dict(single.files)["Performance and Risk"]
    _fill_single(one, "R25", "Highways risk register updated.")
    _fill(every["Commissioning"], {("Commissioning", "R5"): {PROGRESS_UPDATE: "Commissioning R5 moving."}})
    done = collect_returns(store, [one, every["Commissioning"]], tmp_path / "report.xlsx", today=TODAY)
    assert sorted((a.plan, a.id) for a in done.accepted) == [("Commissioning", "R5"), ("Highways", "R25")]
    assert "Highways risk register updated." in _record(store, "Highways", "R25").progress
    assert "Highways risk register updated." not in _record(store, "Libraries", "R25").progress


def _fill_single(path: Path, ident: str, text: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Updates"]
    columns = _header(ws)
    assert PLAN not in columns  # a workbook of one plan has no Plan column, as before
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        if ws.cell(row, columns["ID"]).value == ident:
            ws.cell(row, columns[PROGRESS_UPDATE]).value = text
    wb.save(path)


def test_two_revisions_of_one_plan_are_refused(store: Store, tmp_path: Path) -> None:
    plans = _plans(store)
    older = store.revisions(plans["Libraries"])[0].label
    old = dict(make_owner_workbooks(store, tmp_path / "old", plan="Libraries", label=older, as_of=AS_OF).files)
    new = dict(make_portfolio_owner_workbooks(store, tmp_path / "new", as_of=AS_OF).files)
    with pytest.raises(PipelineError, match="different revisions of plan 'Libraries'"):
        collect_returns(store, [old["Policy"], new["Policy"]], tmp_path / "report.xlsx", today=TODAY)
    assert not (tmp_path / "report.xlsx").exists()
    assert all(not r.draft for p in plans.values() for r in store.revisions(p, include_drafts=True))


def test_cli_round_over_every_plan(store: Store, tmp_path: Path) -> None:
    url = store.url
    owners = tmp_path / "owners"
    runner = CliRunner()
    made = runner.invoke(
        main, ["tracker", "--store", url, "--by-owner", str(owners), "--all-plans", "--as-of", "2016-01-21"]
    )
    assert made.exit_code == 0, made.output
    assert "over 3 plans (Commissioning r2, Highways r1, Libraries r2)" in made.output
    assert "policy.xlsx (Commissioning; Highways; Libraries)" in made.output
    _fill(
        owners / "policy.xlsx",
        {("Highways", "R3"): {PROGRESS_UPDATE: "Done."}, ("Libraries", "R3"): {PROGRESS_UPDATE: "Begun."}},
    )
    got = runner.invoke(main, ["collect", "--store", url, str(owners / "policy.xlsx"), "-o", str(tmp_path / "r.xlsx")])
    assert got.exit_code == 0, got.output
    assert (
        "draft revision r1-returns of plan 'Highways' (approve it with: actionplan approve r1-returns --plan Highways)"
        in got.output
    )
    assert "draft revision r2-returns of plan 'Libraries'" in got.output
    approved = runner.invoke(main, ["approve", "--store", url, "r1-returns", "--plan", "Highways"])
    assert approved.exit_code == 0, approved.output
    assert "Done." in _record(store, "Highways", "R3", drafts=False).progress
    assert "Begun." not in _record(store, "Libraries", "R3", drafts=False).progress  # not approved yet
    refused = runner.invoke(main, ["tracker", "--store", url, "--all-plans", "--plan", "Highways"])
    assert refused.exit_code == 2 and "give no --plan or --revision" in refused.output


def test_portfolio_names_each_plan_as_its_own_last_paper_did(store: Store) -> None:
    """A plan whose paper was written with a plan_name keeps that name in the portfolio; the others go by their
    names in the store (their printed titles, such as "Updated Action Plan", would not tell them apart)."""
    from pipeline.portfolio import gather_portfolio

    store.save_paper_meta("Highways", {"plan_name": "the Highways and Transport action plan"})
    names = [v.name for v in gather_portfolio(store, as_of=AS_OF, meta={"plan_name": "one plan's name"}).plans]
    assert names == ["Commissioning", "the Highways and Transport action plan", "Libraries"]


def test_the_chase_list_covers_every_plan_of_a_round_over_every_plan(store: Store, tmp_path: Path) -> None:
    """A round over every plan: an owner whose workbook is not back is chased in each plan, even in a plan no
    returned workbook answers yet; a round of one plan chases in that plan alone."""
    books = make_portfolio_owner_workbooks(store, tmp_path / "owners", as_of=AS_OF)
    files, covers = dict(books.files), dict(books.covers)
    joint = "Policy with Commissioning and Procurement"
    assert covers[joint] == ("Highways", "Libraries")  # its one record in Commissioning is complete
    _fill(files[joint], {("Highways", "R2"): {PROGRESS_UPDATE: "Strategy drafted."}})
    done = collect_returns(store, [files[joint]], tmp_path / "report.xlsx", today=TODAY)
    chased = {(c.plan, c.owner) for c in done.chase}
    assert {(plan, "Policy") for plan in PLANS} <= chased  # Commissioning too, which no workbook returned answers
    assert not any(owner == joint for _, owner in chased)
    report = openpyxl.load_workbook(done.report)
    assert {row[0] for row in report["Chase list"].iter_rows(min_row=2, values_only=True)} == set(PLANS)
    single = dict(make_owner_workbooks(store, tmp_path / "one", plan="Highways", as_of=AS_OF).files)
    _fill_single(single["Policy"], "R3", "Highways only.")
    alone = collect_returns(store, [single["Policy"]], tmp_path / "alone.xlsx", today=TODAY)
    assert {c.plan for c in alone.chase} == {""} and "Policy" not in {c.owner for c in alone.chase}
