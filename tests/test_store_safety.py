"""A store that is hard to spoil: read commands refuse a store that is not there (making nothing), the store is
named once, `remove` takes a revision or a plan with what is built on it (one transaction, logged), ingest says
when a file starts a new plan and which stored plan it came closest to, and revisions carry a revision date.

On SQLite always, on PostgreSQL when one is configured (ACTIONPLAN_TEST_PG_URL)."""

from __future__ import annotations

import json
import shlex
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from pipeline import store as store_module
from pipeline.cli import main
from pipeline.committee import close_records
from pipeline.errors import PipelineError
from pipeline.ingest import ingest_file
from pipeline.records import Revision
from pipeline.store import ChangedMeanwhileError, MissingStoreError, Store, StoreError
from pipeline.update_round import collect_returns, make_owner_workbooks
from tests.conftest import DATA
from tests.renderings import STANDARD, Variant, render

NO_STORE = "run `actionplan ingest FILE` first"
PLAN = "Appendix 1: Updated Action Plan"  # the plan kcc-2015.pdf and kcc-2015q4.pdf are stored as


def cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


# ------------------------------------------------------------------ read commands refuse a store that is not there

READ_COMMANDS = [
    ["revisions"],
    ["diff"],
    ["history", "R1"],
    ["tracker"],
    ["tracker", "--by-owner", "owners"],
    ["report"],
    ["close", "R1", "--agreed", "Committee, 21 January 2016"],
    ["collect", "returned.xlsx"],
    ["approve", "r1-returns"],
    ["remove", "r1"],
    ["remove", "--plan", PLAN, "--yes"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_read_command_refuses_a_missing_store_and_makes_nothing(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = cli(*args, "--store", "sqlite:///nowhere/x.db")
    assert out.exit_code == 2, out.output
    (line,) = out.stderr.strip().splitlines()
    assert line.startswith("actionplan: nowhere/x.db: there is no store here") and NO_STORE in line
    assert str(tmp_path) in line  # a relative path says where it was looked for
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["default", "env", "path"])
def test_a_missing_store_is_named_however_it_was_given(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(store_module.STORE_ENV, raising=False)
    missing = tmp_path / "stores" / "plans.db"
    args = ["revisions"]
    if where == "env":
        monkeypatch.setenv(store_module.STORE_ENV, str(missing))
    elif where == "path":
        args += ["--store", str(missing)]
    out = cli(*args)
    named = "output/actionplan.db" if where == "default" else str(missing)
    assert out.exit_code == 2 and out.stderr.startswith(f"actionplan: {named}: there is no store here")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_no_store_and_is_left_as_it_was(tmp_path: Path) -> None:
    empty = tmp_path / "x.db"
    empty.touch()
    out = cli("diff", "--store", str(empty))
    assert out.exit_code == 2 and "holds no actionplan store yet" in out.stderr and NO_STORE in out.stderr
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]
    with pytest.raises(MissingStoreError):
        Store(f"sqlite:///{empty}", create=False)


def test_an_empty_postgresql_database_is_refused_and_left_empty(pg_url: str) -> None:
    out = cli("revisions", "--store", pg_url)
    assert out.exit_code == 2 and "holds no actionplan store yet (no tables)" in out.stderr
    assert "actionplan:" in out.stderr and ":***@" in out.stderr  # the URL, without its password
    engine = sa.create_engine(pg_url)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()
    made = cli("ingest", str(DATA / "kcc-2015.pdf"), "--store", pg_url)
    assert made.exit_code == 0 and made.stdout.startswith("created a new store at postgresql")


# ------------------------------------------------------------------ the store is named once, when ingest writes


def test_ingest_names_the_store_once_and_only_when_it_writes(tmp_path: Path) -> None:
    store = tmp_path / "new" / "s.db"
    first = cli("ingest", str(DATA / "kcc-2015.pdf"), "--store", str(store))
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[0] == f"created a new store at sqlite:///{store}"
    assert "store" not in first.stderr
    second = cli("ingest", str(DATA / "kcc-2015q4.pdf"), "--store", str(store))
    assert second.exit_code == 0 and "store" not in second.stdout.splitlines()[0]
    again = cli("ingest", str(DATA / "kcc-2015q4.pdf"), "--store", str(store))
    assert "nothing changed" in again.stdout and "store" not in again.stdout.split(":", 1)[0]
    assert not any(line.startswith(("stored in", "created")) for line in again.stdout.splitlines())
    for read in (["revisions"], ["diff"], ["history", "R24"]):
        out = cli(*read, "--store", str(store))
        assert out.exit_code == 0 and "store" not in out.stderr


def test_ingest_of_only_bad_files_makes_no_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("<html>oops</html>")
    store = tmp_path / "out" / "s.db"
    out = cli("ingest", str(bad), str(bad), "--store", str(store))
    assert out.exit_code == 2 and "bad.pdf" in out.stderr
    assert not store.exists()


# ------------------------------------------------------------------ revision date


def test_revision_date_is_set_said_and_listed(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    first = cli("ingest", str(DATA / "kcc-2015.pdf"), "--store", store)
    assert "revision r1 (no revision date: give --revision-date):" in first.stdout
    dated = cli("ingest", str(DATA / "kcc-2014.pdf"), "--revision-date", "2014-07-31", "--store", store)
    assert "revision r2 (revision date 31 July 2014):" in dated.stdout
    from_title = cli("ingest", str(DATA / "kcc-2015q4.pdf"), "--store", store)
    assert "revision r3 (revision date 31 December 2015):" in from_title.stdout
    listing = cli("revisions", "--store", store).stdout
    assert "REVISION DATE" in listing and "AS OF" not in listing
    rows = {line.split()[0]: line.split()[1] for line in listing.splitlines()[2:]}
    assert rows == {"r2": "2014-07-31", "r1": "-", "r3": "2015-12-31"}
    assert "REVISION DATE" in cli("history", "R1", "--store", store).stdout


def test_as_of_still_works_but_is_hidden(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    out = cli("ingest", str(DATA / "kcc-2015.pdf"), "--as-of", "2015-06-30", "--store", store)
    assert out.exit_code == 0 and "(revision date 30 June 2015)" in out.stdout
    helped = cli("ingest", "--help").stdout
    assert "--revision-date" in helped and "--as-of" not in helped
    assert "The date the revision stands at (default: a date printed in its title)." in " ".join(helped.split())


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--revision-date", "31/12/2015"], "'31/12/2015' is not a date: write it as YYYY-MM-DD"),
        (["--as-of", "2015-02-30"], "'2015-02-30' is not a date"),
        (["--revision-date", "2015-12-31", "--as-of", "2015-06-30"], "--as-of is the old name of --revision-date"),
    ],
)
def test_a_bad_revision_date_is_refused_before_anything_is_read(args: list[str], words: str, tmp_path: Path) -> None:
    out = cli("ingest", str(DATA / "kcc-2015.pdf"), *args, "--store", str(tmp_path / "s.db"))
    assert out.exit_code == 2 and words in out.stderr
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ a new plan, and the stored plan it came closest to


def _partly_the_2015_plan(tmp_path: Path) -> Path:
    """A plan of another title whose first 8 recommendations are the 2015 plan's and the rest are new."""
    truth = json.loads((DATA / "kcc-2015.truth.json").read_text(encoding="utf-8"))
    truth["title"] = "Adult Social Care Scrutiny: Action Plan"
    for row in truth["rows"]:
        if row["kind"] == "recommendation" and row["number"] > 8:
            row["recommendation"] = f"Review day-care transport contract {row['number']} with the districts by 2017."
    path = tmp_path / "partly.truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    return render(path, tmp_path / "partly.pdf", Variant("p", columns=STANDARD))


def test_a_file_that_starts_a_new_plan_says_which_plan_it_came_closest_to(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    cli("ingest", str(DATA / "kcc-2015.pdf"), "--store", store)
    pdf = _partly_the_2015_plan(tmp_path)
    out = cli("ingest", str(pdf), "--store", store)
    assert out.exit_code == 0, out.output
    lines = ["", *out.stdout.splitlines()]  # the store is named only when it is made: none here
    new = "Adult Social Care Scrutiny: Action Plan"
    assert lines[1].startswith(
        f"{pdf}: starts a new plan {new!r}, named from its title (closest stored plan: {PLAN!r}, "
    )
    assert "30% of the file's recommendations match it" in lines[1]  # 8 of 27
    hint = f"  to add it to {PLAN!r} instead: "
    assert lines[2].startswith(hint)
    # the hint does what it says: the new plan goes, and the file joins the plan named
    for command in lines[2][len(hint) :].split(" && "):
        words = shlex.split(command)
        assert words[0] == "actionplan"
        done = cli(*words[1:], "--store", store)
        assert done.exit_code == 0, done.output
    opened = Store(f"sqlite:///{tmp_path / 's.db'}")
    assert [p.name for p in opened.plans()] == [PLAN]
    assert [(r.label, r.source) for r in opened.revisions(opened.resolve_plan(None))] == [
        ("r1", "kcc-2015.pdf"),
        ("r2", "partly.pdf"),
    ]
    opened.close()


def test_the_closest_plan_is_data_on_the_result(url: str, tmp_path: Path) -> None:
    store = Store(url)
    first = ingest_file(store, DATA / "kcc-2015.pdf")
    assert first.new_plan and first.closest is None and "the store held no plan yet" in first.plan_note
    joined = ingest_file(store, DATA / "kcc-2015q4.pdf")
    assert not joined.new_plan and joined.closest is None and joined.plan_note.startswith(f"joins plan {PLAN!r}")
    # a mistyped --plan starts a plan: it is said, with the plan the file matches
    typo = ingest_file(store, DATA / "kcc-2014.pdf", plan="Apendix 1")
    assert typo.new_plan and typo.closest is not None
    assert typo.closest.plan == PLAN and typo.closest.share == 1.0
    assert typo.plan_note.startswith("starts a new plan 'Apendix 1', as --plan asks (closest stored plan:")
    store.close()


# ------------------------------------------------------------------ remove


def _draft_of_returns(store: Store, tmp_path: Path) -> Revision:
    """Hand out owner workbooks for the latest revision, have Policy answer R6, and collect it: a real draft."""
    books = make_owner_workbooks(store, tmp_path / "owners", as_of=date(2016, 1, 15))
    path = dict(books.files)["Policy"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Updates"]
    header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "ID")
    column = next(
        c
        for c in range(1, ws.max_column + 1)
        if str(ws.cell(header_row, c).value or "").lower().startswith("progress update")
    )
    row = next(r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, 1).value == "R6")
    ws.cell(row, column).value = "Outcomes framework adopted."
    wb.save(path)
    done = collect_returns(store, [path], tmp_path / "report.xlsx", today=date(2016, 1, 20))
    assert done.draft is not None
    return done.draft


def _counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t: conn.execute(sa.select(sa.func.count()).select_from(store_module.metadata.tables[t])).scalar_one()
            for t in ("plans", "revisions", "records", "issues", "closures", "removals")
        }


ORPHANS = {
    "records": "select count(*) from records where revision_id not in (select id from revisions)",
    "issues": "select count(*) from issues where revision_id not in (select id from revisions)",
    "revisions": "select count(*) from revisions where plan_id not in (select id from plans)",
    "closures": "select count(*) from closures where plan_id not in (select id from plans)",
    "drafts": "select count(*) from revisions d where d.base_label is not null and not exists "
    "(select 1 from revisions b where b.plan_id = d.plan_id and b.label = d.base_label)",
    "closed against": "select count(*) from closures c where not exists "
    "(select 1 from revisions r where r.plan_id = c.plan_id and r.label = c.revision_label)",
}


def _orphans(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {name: int(conn.execute(sa.text(query)).scalar_one()) for name, query in ORPHANS.items()}


def _two_revisions_a_closure_and_a_draft(url: str, tmp_path: Path) -> Store:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    ingest_file(store, DATA / "kcc-2015q4.pdf")
    close_records(store, ["R1"], "Cabinet Committee, 21 January 2016")
    _draft_of_returns(store, tmp_path)
    return store


def test_remove_asks_then_takes_the_revision_its_draft_and_its_closure(url: str, tmp_path: Path) -> None:
    store = _two_revisions_a_closure_and_a_draft(url, tmp_path)
    before = _counts(store)
    assert before["revisions"] == 3 and before["closures"] == 1 and before["removals"] == 0

    declined = cli("remove", "r2", "--store", url, input="n\n")
    assert declined.exit_code == 1 and "nothing was removed" in declined.stdout
    asked = declined.stdout
    assert f"Removing revision r2 of plan {PLAN!r} takes from the store:" in asked
    assert "revision r2 (kcc-2015q4.pdf, revision date 31 December 2015): 27 records" in asked
    assert "draft r2-returns (policy.xlsx" in asked and "owner returns collected against r2" in asked
    assert "the closure of R1 recorded against r2 (agreed: Cabinet Committee, 21 January 2016)" in asked
    assert "Remove all of this? [y/N]" in asked and "itself" not in asked
    assert _counts(store) == before

    done = cli("remove", "r2", "--store", url, input="y\n")
    assert done.exit_code == 0, done.output
    assert "removed from " in done.stdout and "r2-returns was built on r2, so went with it" in done.stdout
    assert "to record a closure again: actionplan close R1 --agreed 'Cabinet Committee, 21 January 2016'" in done.stdout
    plan = store.resolve_plan(None)
    (r1,) = store.revisions(plan, include_drafts=True)
    after = _counts(store)
    assert r1.label == "r1" and store.closures(plan) == {}
    assert after["records"] == len(store.records(r1)) == 27 and after["issues"] == len(store.issues(r1))
    assert after["removals"] == 3 and _orphans(store) == dict.fromkeys(ORPHANS, 0)
    logged = {(e.kind, e.label): e.held for e in store.removals()}
    assert logged[("revision", "r2")]["source"] == "kcc-2015q4.pdf" and logged[("revision", "r2")]["records"] == 27
    assert logged[("revision", "r2-returns")]["draft"] is True and logged[("revision", "r2-returns")]["base"] == "r2"
    assert logged[("closure", "R1")]["agreed"] == "Cabinet Committee, 21 January 2016"
    listing = cli("revisions", "--store", url).stdout
    assert "\nRemoved:\n  r2 (kcc-2015q4.pdf, 27 records) on " in listing and "\n  closure of R1 (agreed: " in listing
    # the same file can be stored again, as a new revision with nothing hanging off it
    again = ingest_file(store, DATA / "kcc-2015q4.pdf")
    assert not again.already_stored and again.revision.label == "r2" and store.closures(plan) == {}
    store.close()


def test_removing_a_plans_only_revision_removes_the_plan(url: str) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    out = cli("remove", "r1", "--yes", "--store", url)
    assert out.exit_code == 0, out.output
    assert f"the plan {PLAN!r} itself: it keeps no other revision" in out.stdout
    assert store.plans() == [] and _counts(store)["records"] == 0
    assert [e.kind for e in store.removals()] == ["revision", "plan"]
    assert "holds no plans yet" in cli("revisions", "--store", url).stderr
    store.close()


def test_remove_a_whole_plan_leaves_the_other_plans_alone(url: str, tmp_path: Path) -> None:
    store = _two_revisions_a_closure_and_a_draft(url, tmp_path)
    ingest_file(store, DATA / "kcc-2014.pdf", plan="Other plan")
    other = store.resolve_plan("Other plan")
    kept = store.records(store.revision(other, None))
    out = cli("remove", "--plan", PLAN, "--yes", "--store", url)
    assert out.exit_code == 0, out.output
    for words in ("revision r1 (kcc-2015.pdf)", "revision r2 (kcc-2015q4.pdf", "draft r2-returns", "closure of R1"):
        assert words in out.stdout
    assert [p.name for p in store.plans()] == ["Other plan"]
    assert store.records(store.revision(other, None)) == kept
    assert _counts(store)["revisions"] == 1 and _orphans(store) == dict.fromkeys(ORPHANS, 0)
    assert {(e.kind, e.label) for e in store.removals(PLAN)} == {
        ("revision", "r1"),
        ("revision", "r2"),
        ("revision", "r2-returns"),
        ("closure", "R1"),
        ("plan", None),
    }
    store.close()


def test_removing_a_draft_leaves_its_base(url: str, tmp_path: Path) -> None:
    store = _two_revisions_a_closure_and_a_draft(url, tmp_path)
    out = cli("remove", "r2-returns", "--yes", "--store", url)
    assert out.exit_code == 0 and "went with" not in out.stdout and "closure" not in out.stdout
    plan = store.resolve_plan(None)
    assert [r.label for r in store.revisions(plan, include_drafts=True)] == ["r1", "r2"]
    assert list(store.closures(plan)) == ["R1"]
    store.close()


def test_returns_approved_from_a_revision_go_with_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = _two_revisions_a_closure_and_a_draft(url, tmp_path)
    assert cli("approve", "r2-returns", "--store", url).exit_code == 0
    plan = store.resolve_plan(None)
    assert [r.label for r in store.revisions(plan)] == ["r1", "r2", "r2-returns"]
    out = cli("remove", "r2", "--store", url, input="y\n")
    assert out.exit_code == 0, out.output
    assert "\n  revision r2-returns (policy.xlsx" in out.stdout and "r2-returns was built on r2" in out.stdout
    assert [r.label for r in store.revisions(plan, include_drafts=True)] == ["r1"]
    assert _orphans(store) == dict.fromkeys(ORPHANS, 0)
    store.close()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["remove", "r9"], f"plan {PLAN!r} has no revision 'r9' (revisions: r1, r2)"),
        (["remove", "--plan", "Nope"], f"has no plan named 'Nope' (plans: {PLAN})"),
        (["remove", "r1", "--plan", "Nope"], f"has no plan named 'Nope' (plans: {PLAN})"),
        (["remove"], "say what to remove: a REVISION, or --plan NAME for a whole plan"),
    ],
)
def test_remove_refuses_what_is_not_stored_in_one_line(args: list[str], words: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    ingest_file(store, DATA / "kcc-2015q4.pdf")
    before = _counts(store)
    out = cli(*args, "--yes", "--store", url)
    assert out.exit_code == 2 and words in out.stderr.splitlines()[-1]
    assert args == ["remove"] or len(out.stderr.strip().splitlines()) == 1  # else a usage error, as click shows them
    assert _counts(store) == before
    store.close()


def test_several_plans_need_plan_to_remove_a_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    ingest_file(store, DATA / "kcc-2014.pdf", plan="Other plan")
    out = cli("remove", "r1", "--yes", "--store", url)
    assert out.exit_code == 2 and "holds several plans, choose one with --plan" in out.stderr
    assert len(store.plans()) == 2
    assert cli("remove", "r1", "--plan", "Other plan", "--yes", "--store", url).exit_code == 0
    assert [p.name for p in store.plans()] == [PLAN]
    store.close()


def test_a_removal_confirmed_before_the_store_changed_removes_nothing(url: str, tmp_path: Path) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    plan = store.resolve_plan(None)
    planned = store.removal(plan, "r1")
    assert [r.label for r in planned.revisions] == ["r1"] and planned.plan_removed
    close_records(store, ["R2"], "Committee, 21 January 2016")  # another run, between the question and the answer
    before = _counts(store)
    with pytest.raises(ChangedMeanwhileError, match="changed by another run meanwhile: nothing was removed"):
        store.remove(planned)
    assert _counts(store) == before
    store.close()


def test_a_removal_that_fails_halfway_removes_nothing(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _two_revisions_a_closure_and_a_draft(url, tmp_path)
    before = _counts(store)
    real = store_module.removal.delete_removal

    def delete_then_fail(conn: Any, removal: Any) -> None:
        real(conn, removal)
        raise sa.exc.OperationalError("insert into removals", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store_module.removal, "delete_removal", delete_then_fail)
    with pytest.raises(StoreError, match="database error"):
        store.remove(store.removal(store.resolve_plan(None), "r2"))
    assert _counts(store) == before
    store.close()


# ------------------------------------------------------------------ a store made by the version before


def test_a_store_made_by_version_5_is_upgraded_and_a_revision_removed(tmp_path: Path) -> None:
    # tests/data/stores/store-v5.db was written by the code of the previous schema (version 5): see its README.
    copy = tmp_path / "store-v5.db"
    shutil.copy(DATA / "stores" / "store-v5.db", copy)
    url = f"sqlite:///{copy}"
    store = Store(url, create=False)
    with store.engine.connect() as conn:
        version = conn.execute(sa.text("select value from meta where key='schema_version'")).scalar()
        assert "removals" in sa.inspect(conn).get_table_names()
    assert version == str(store_module.SCHEMA_VERSION) == "8"
    plan = store.resolve_plan(None)
    assert [r.label for r in store.revisions(plan, include_drafts=True)] == ["r1", "r2", "r2-returns"]
    assert store.closures(plan) == {"R1": "Cabinet Committee, 21 January 2016"} and store.removals() == []
    key = store.signing_key()
    out = cli("remove", "r2", "--yes", "--store", url)
    assert out.exit_code == 0, out.output
    assert [r.label for r in store.revisions(plan, include_drafts=True)] == ["r1"]
    assert store.closures(plan) == {} and _orphans(store) == dict.fromkeys(ORPHANS, 0)
    assert {(e.kind, e.label) for e in store.removals()} == {
        ("revision", "r2"),
        ("revision", "r2-returns"),
        ("closure", "R1"),
    }
    assert store.signing_key() == key  # workbooks handed out before still verify
    done = ingest_file(store, DATA / "kcc-2015q4.pdf")
    assert done.revision.label == "r2" and done.diff is not None and done.diff.changes
    store.close()


def test_opening_without_create_makes_no_store_and_the_library_default_still_creates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a' / 's.db'}"
    with pytest.raises(MissingStoreError, match="there is no store here"):
        Store(url, create=False)
    assert list(tmp_path.iterdir()) == []
    made = Store(url)
    assert made.created and made.plans() == []
    made.close()
    again = Store(url, create=False)
    assert not again.created
    again.close()
    with pytest.raises(PipelineError):
        Store(f"sqlite:///{tmp_path}", create=False)  # a folder is still refused as a folder
