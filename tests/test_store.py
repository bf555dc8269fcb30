"""The revisions store, ingest, diff, history and flags: on SQLite always, on PostgreSQL when one is configured."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline import store as store_module
from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.ingest import diff_between, history_of, ingest_extraction, ingest_file, revision_date_from_title
from pipeline.records import NewRevision, Removed
from pipeline.store import Store, metadata
from pipeline.views import diff_to_jsonable, flags_frame, history_frame
from tests.conftest import DATA, shared_extraction
from tests.renderings import STANDARD, Variant, render

REVISIONS = ["kcc-2014", "kcc-2015", "kcc-2015q4"]


def ingest_all(store: Store, names: list[str] = REVISIONS) -> None:
    for name in names:
        ingest_file(store, DATA / f"{name}.pdf")


def test_three_revisions_diff_exactly(url: str) -> None:
    store = Store(url)
    ingest_all(store)
    plan = store.resolve_plan(None)
    r1, r2, r3 = store.revisions(plan)
    assert [r.label for r in (r1, r2, r3)] == ["r1", "r2", "r3"]
    assert r3.as_of == "2015-12-31" and r1.as_of is None
    last = diff_to_jsonable(diff_between(store, plan, r2, r3))
    got = {(c["id"], c["change"]) for c in last["changes"]}
    assert got == {
        ("R1", "status"),
        ("R9", "status"),
        ("R26", "status"),
        ("R13", "status"),
        ("R24", "timescale"),
        ("R19", "owners"),
        ("R1", "progress"),
        ("R24", "progress"),
    }
    by = {(c["id"], c["change"]): c for c in last["changes"]}
    assert all(by[(i, "status")]["new"]["value"] == "complete" for i in ("R1", "R9", "R26"))
    assert (by[("R13", "status")]["old"]["value"], by[("R13", "status")]["new"]["value"]) == (
        "not_reported",
        "in_progress",
    )
    slip = by[("R24", "timescale")]
    assert (slip["old"]["text"], slip["new"]["text"]) == ("Early 2015", "Spring 2016")
    assert slip["days_slipped"] == (date(2016, 5, 31) - date(2015, 4, 30)).days > 0
    assert slip["days_slipped_since_original"] == slip["days_slipped"]
    assert by[("R19", "owners")]["owners_added"] == ["Commissioning"] and by[("R19", "owners")]["owners_removed"] == []
    first = diff_to_jsonable(diff_between(store, plan, r1, r2))
    assert first["columns_added"] == ["progress", "status"]
    assert first["changes"] == []
    store.close()


def test_same_file_twice_leaves_one_revision(url: str) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    again = ingest_file(store, DATA / "kcc-2015.pdf")
    assert again.already_stored and "nothing changed" in again.plan_note
    assert len(store.revisions(store.resolve_plan(None))) == 1
    store.close()


def test_other_file_under_taken_label_is_refused_unless_replace(url: str) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf", label="2015-07")
    with pytest.raises(PipelineError, match="--replace"):
        ingest_file(store, DATA / "kcc-2015q4.pdf", label="2015-07")
    ingest_file(store, DATA / "kcc-2015q4.pdf", label="2015-07", replace=True)
    (only,) = store.revisions(store.resolve_plan(None))
    assert only.source == "kcc-2015q4.pdf"
    assert len(store.records(only)) == 27
    store.close()


def test_failed_ingest_leaves_the_store_as_it_was(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2014.pdf")
    before = _dump(store)
    real = Store._insert_records

    def half_then_fail(self: Store, conn: Any, revision_id: int, recs: Any) -> None:
        real(self, conn, revision_id, recs[: len(recs) // 2])
        raise RuntimeError("disk pulled out mid-ingest")

    monkeypatch.setattr(Store, "_insert_records", half_then_fail)
    with pytest.raises(RuntimeError):
        ingest_file(store, DATA / "kcc-2015.pdf")
    assert _dump(store) == before
    store.close()


def _dump(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            t: conn.execute(sa.select(sa.func.count()).select_from(metadata.tables[t])).scalar_one()
            for t in ("plans", "revisions", "records", "issues")
        }


def _truth_variant(tmp_path: Path, name: str, edit: Any) -> Path:
    truth = json.loads((DATA / "kcc-2015.truth.json").read_text(encoding="utf-8"))
    truth["rows"] = edit(truth["rows"])
    path = tmp_path / f"{name}.truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    return path


def test_relabelled_revision_joins_by_id(url: str, tmp_path: Path) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    pdf = render(
        DATA / "kcc-2015.truth.json", tmp_path / "rec.pdf", Variant("rec", columns=STANDARD, label_style="rec")
    )
    done = ingest_file(store, pdf)
    assert "joins plan" in done.plan_note
    assert done.diff is not None and done.diff.changes == ()
    store.close()


def test_renumbered_and_dropped_recommendations(url: str, tmp_path: Path) -> None:
    def drop_r3_and_r27(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [r for r in rows if r.get("id") not in ("R3", "R27")]
        for r in kept:
            if r["kind"] == "recommendation" and r["number"] > 3:
                r["number"] -= 1
                r["id"] = f"R{r['number']}"
                r["label"] = f"R{r['number']}."
        return kept

    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    pdf = render(
        _truth_variant(tmp_path, "renumbered", drop_r3_and_r27),
        tmp_path / "renumbered.pdf",
        Variant("v", columns=STANDARD),
    )
    done = ingest_file(store, pdf)
    assert done.diff is not None
    changes = {(c.id, c.change) for c in done.diff.changes}
    removed = {c.record.recommendation[:30] for c in done.diff.changes if isinstance(c, Removed)}
    assert {i for i, k in changes if k == "removed"} == {"R3", "R27"}
    assert len(removed) == 2
    renumbered = {(c.detail["old_id"], c.id) for c in done.diff.changes if c.change == "renumbered"}
    assert renumbered == {(f"R{n}", f"R{n - 1}") for n in range(4, 27)}
    assert {k for _, k in changes} == {"removed", "renumbered"}
    store.close()


def test_flags_and_history(url: str) -> None:
    store = Store(url)
    ingest_all(store)
    plan = store.resolve_plan(None)
    frame = flags_frame(history_of(store, plan), date(2016, 1, 1)).set_index("id")
    assert frame.loc["R24", "slipped"] and not frame.loc["R24", "overdue"]
    assert frame.loc["R24", "original_due"] == "2015-04-30" and frame.loc["R24", "due"] == "2016-05-31"
    assert frame.loc["R3", "overdue"] and frame.loc["R3", "stale"]
    assert not frame.loc["R4", "overdue"] and frame.loc["R4", "ongoing"]  # "Ongoing" never overdue
    assert not frame.loc["R1", "stale"] and not frame.loc["R1", "overdue"]  # delivered
    assert frame.loc["R1", "changed_in"] == "r3" and frame.loc["R3", "changed_in"] == "r2"
    early = flags_frame(history_of(store, plan), date(2015, 1, 1)).set_index("id")
    assert not early.loc["R3", "overdue"]
    hist = history_frame(history_of(store, plan), "R24")
    assert list(hist["revision"]) == ["r1", "r2", "r3"]
    assert list(hist["timescale"]) == ["Early 2015", "Early 2015", "Spring 2016"]
    assert set(hist["original_due"]) == {"2015-04-30"}
    store.close()


def test_plan_choice_and_listing(url: str, tmp_path: Path) -> None:
    store = Store(url)
    ingest_file(store, DATA / "kcc-2015.pdf")
    other = tmp_path / "other.truth.json"
    other.write_text(
        json.dumps(
            {
                "title": "Adult Social Care Scrutiny: Action Plan",
                "columns": ["Recommendation", "Proposed Actions", "Timescales", "Responsible owner"],
                "rows": [
                    {
                        "kind": "recommendation",
                        "id": f"R{i}",
                        "number": i,
                        "label": f"R{i}.",
                        "recommendation": f"Review day-care transport contract number {i} with the districts by {2016 + i}.",
                        "proposed_actions": "We will do it.",
                        "timescales": "2016/17",
                        "owners": ["Adult Social Care"],
                        "progress": None,
                        "status": None,
                    }
                    for i in range(1, 6)
                ],
            }
        ),
        encoding="utf-8",
    )
    pdf = render(other, tmp_path / "other.pdf", Variant("o", columns=STANDARD[:4]))
    done = ingest_file(store, pdf)
    assert "starts a new plan 'Adult Social Care Scrutiny: Action Plan'" in done.plan_note
    with pytest.raises(PipelineError, match="several plans"):
        store.resolve_plan(None)
    store.close()


def test_schema_version_and_migration_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    first = Store(url)
    ingest_file(first, DATA / "kcc-2014.pdf")
    first.close()
    # Make it a version-1 store, as an earlier actionplan left it: no owner-return columns.
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE revisions DROP COLUMN base_label"))
        conn.execute(sa.text("ALTER TABLE records DROP COLUMN updates"))
        for column in ("table_row", "confidence", "cell_confidence"):
            conn.execute(sa.text(f"ALTER TABLE records DROP COLUMN {column}"))
        conn.execute(sa.text("DROP TABLE closures"))
        conn.execute(sa.text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()
    upgraded = Store(url)
    with upgraded.engine.connect() as conn:
        assert conn.execute(sa.text("select value from meta where key='schema_version'")).scalar() == str(
            store_module.SCHEMA_VERSION
        )
    plan = upgraded.resolve_plan(None)
    (rev,) = upgraded.revisions(plan)
    assert rev.base is None and all(r.updates == () for r in upgraded.records(rev))
    ingest_file(upgraded, DATA / "kcc-2015.pdf")
    upgraded.close()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    with pytest.raises(PipelineError, match="newer actionplan"):
        Store(url)


def test_revision_date_from_title() -> None:
    assert revision_date_from_title("Appendix 1: Updated Action Plan (December 2015)") == "2015-12-31"
    assert revision_date_from_title("Appendix 1: Action Plan") is None


# ------------------------------------------------------------------ the commands


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_ingest_revisions_diff_history(url: str) -> None:
    out = cli("ingest", *(str(DATA / f"{n}.pdf") for n in REVISIONS), "--store", url)
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("created a new store at ") and "store:" not in out.stderr
    assert "starts a new plan" in out.stdout and "changes since r2: 4 status" in out.stdout
    listing = cli("revisions", "--store", url)
    assert "r3" in listing.stdout and "7 complete" in listing.stdout
    as_json = json.loads(cli("diff", "--format", "json", "--store", url).stdout)
    store = Store(url)
    plan = store.resolve_plan(None)
    r2, r3 = store.revisions(plan)[1:]
    assert as_json == json.loads(json.dumps(diff_to_jsonable(diff_between(store, plan, r2, r3))))
    store.close()
    text = cli("diff", "--store", url).stdout
    assert "Status changes:" in text and "R24: Early 2015 -> Spring 2016 (slipped" in text
    csv_out = cli("diff", "r1", "r2", "--format", "csv", "--store", url).stdout
    assert "column_added" in csv_out
    hist = cli("history", "R24", "--store", url).stdout
    assert "Spring 2016" in hist and "2015-04-30" in hist
    again = cli("ingest", str(DATA / "kcc-2015.pdf"), "--store", url)
    assert "nothing changed" in again.stdout


def test_cli_store_errors_are_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    out = cli("revisions", "--store", url)
    assert out.exit_code == 2 and "ingest" in out.stderr.splitlines()[-1]
    out = cli("history", "R1", "--store", url)
    assert out.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_cli_batch_ingest_carries_on_past_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("<html>oops</html>")
    out = cli(
        "ingest", str(DATA / "kcc-2014.pdf"), str(bad), str(DATA / "kcc-2015.pdf"), "--store", str(tmp_path / "s.db")
    )
    assert out.exit_code == 1
    assert "bad.pdf" in out.stderr and "revision r2" in out.stdout


def test_a_store_made_by_the_version_before_is_upgraded(tmp_path: Path) -> None:
    # tests/data/stores/store-v4.db was written by the code of schema version 4 (two steps back): see its README.
    copy = tmp_path / "store-v4.db"
    shutil.copy(DATA / "stores" / "store-v4.db", copy)
    store = Store(f"sqlite:///{copy}")
    with store.engine.connect() as conn:
        version = conn.execute(sa.text("select value from meta where key='schema_version'")).scalar()
    assert version == str(store_module.SCHEMA_VERSION) == "8"
    assert len(store.signing_key()) == 32
    plan = store.resolve_plan(None)
    assert [r.label for r in store.revisions(plan)] == ["r1", "r2"]
    assert len(store.records(store.revision(plan, "r2"))) == 27
    done = ingest_file(store, DATA / "kcc-2015q4.pdf")
    assert done.revision.label == "r3" and done.diff is not None and done.diff.changes
    store.close()


def test_a_store_made_by_version_7_is_upgraded_and_keeps_where_records_were_read(tmp_path: Path) -> None:
    # tests/data/stores/store-v7.db was written by the code of schema version 7: see its README.
    copy = tmp_path / "store-v7.db"
    shutil.copy(DATA / "stores" / "store-v7.db", copy)
    store = Store(f"sqlite:///{copy}")
    plan = store.resolve_plan(None)
    old = store.records(store.revision(plan, "r2"))
    assert len(old) == 27 and all(r.table_row is None and r.confidence is None and not r.cell_confidence for r in old)
    assert [r.kind for r in store.revisions(plan)] == ["pdf", "pdf"]
    read = shared_extraction(DATA / "kcc-2015q4.pdf")
    as_if_scanned = dataclasses.replace(
        read,
        source=dataclasses.replace(read.source, format="pdf+ocr", sha256="f" * 64),
        records=tuple(
            dataclasses.replace(r, confidence=0.91, cell_confidence={"progress": 0.91, "status": 0.99})
            for r in read.records
        ),
    )
    done = ingest_extraction(store, as_if_scanned, DATA / "kcc-2015q4.pdf", label="r3")
    assert done.revision.kind == "pdf+ocr"
    back = store.records(store.revision(plan, "r3"))
    assert back[0].confidence == 0.91 and back[0].cell_confidence == {"progress": 0.91, "status": 0.99}
    store.close()


# ------------------------------------------------------------------ user mistakes with the store; first use at once


def _tables(path: Path) -> list[str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as conn:
        return sorted(r[0] for r in conn.execute("select name from sqlite_master where type = 'table'"))


STORE_FILES: dict[str, tuple[Callable[[Path], object], str]] = {
    "text": (lambda p: p.write_text("plan notes\n"), "is not a SQLite database"),
    "pdf": (lambda p: shutil.copy(DATA / "kcc-2015.pdf", p), "it is a PDF"),
    "corrupt": (
        lambda p: p.write_bytes((DATA / "stores" / "store-v4.db").read_bytes()[:100] + b"\x07" * 8000),
        "cannot be read as a database",
    ),
}


@pytest.mark.parametrize("kind", sorted(STORE_FILES))
def test_a_store_that_is_not_sqlite_is_one_clear_line(kind: str, tmp_path: Path) -> None:
    make, words = STORE_FILES[kind]
    path = tmp_path / "store.db"
    make(path)
    before = path.read_bytes()
    with pytest.raises(PipelineError, match=words):
        Store(f"sqlite:///{path}")
    out = cli("revisions", "--store", str(path))
    assert out.exit_code == 2 and words in out.stderr and "unexpected" not in out.stderr
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "crm.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("create table customers (id integer primary key, name text)")
        conn.execute("insert into customers (name) values ('Kent')")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(PipelineError, match=r"actionplan did not make.*customers"):
        Store(f"sqlite:///{path}")
    out = cli("ingest", str(DATA / "kcc-2015.pdf"), "--store", str(path))
    assert out.exit_code == 2 and "did not make" in out.stderr
    assert _tables(path) == ["customers"] and path.read_bytes() == before
    # a database with a table of our name but not our schema version is not ours either
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("create table plans (x text)")
        conn.commit()
    with pytest.raises(PipelineError, match="did not make"):
        Store(f"sqlite:///{path}")


def test_an_empty_revision_label_is_refused(url: str) -> None:
    store = Store(url)
    for label in ("", "   "):
        with pytest.raises(PipelineError, match="label"):
            ingest_file(store, DATA / "kcc-2015.pdf", label=label)
    with pytest.raises(PipelineError, match="cannot be empty"):
        store.add_revision("Plan", " ", NewRevision("t", "f.pdf", "0" * 64, 1, (), ()))
    assert store.plans() == []
    store.close()


def test_first_use_of_an_empty_postgresql_by_three_runs_at_once(pg_url: str) -> None:
    pg = pg_url
    for _round in range(6):  # the race was lost about one time in three
        engine = sa.create_engine(pg)
        metadata.drop_all(engine)
        engine.dispose()
        barrier = threading.Barrier(3)

        def first_use(barrier: threading.Barrier) -> int:
            barrier.wait()
            store = Store(pg)
            try:
                return len(store.plans())
            finally:
                store.close()

        with ThreadPoolExecutor(max_workers=3) as pool:
            assert list(pool.map(first_use, [barrier] * 3)) == [0, 0, 0]
        engine = sa.create_engine(pg)
        with engine.connect() as conn:
            assert conn.execute(sa.text("select count(*) from meta where key = 'schema_version'")).scalar() == 1
        engine.dispose()
