"""ingest --scheduler: batches read on a Dask LocalCluster, stored in order, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.ingest import Ingested
from pipeline.isolation import CAN_CAP_MEMORY
from pipeline.store import Store
from tests.conftest import DATA
from tests.renderings import STANDARD, Variant, render
from tests.test_hardening import _bomb_stream, _page_with_stream

pytest.importorskip("distributed", reason="ingest --scheduler needs the distributed extra")

from distributed import Client

from pipeline import distributed as distributed_module
from pipeline.distributed import DAEMONIC, ingest_distributed, local_cluster, parse_scheduler

KCC = [DATA / f"{name}.pdf" for name in ("kcc-2014", "kcc-2015", "kcc-2015q4")]


def _daemonic() -> bool:
    return multiprocessing.current_process().daemon


def test_local_workers_are_not_daemonic_so_the_reader_can_fork() -> None:
    with local_cluster(1) as cluster, Client(cluster) as client:
        assert set(client.run(_daemonic).values()) == {False}


def test_a_daemonic_worker_is_one_clear_error_for_each_file(tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as cluster:  # daemonic: the default
        results = ingest_distributed(lambda: Store(str(tmp_path / "s.db")), KCC[:1], cluster.scheduler_address)
    [(path, error)] = results
    assert isinstance(error, PipelineError) and error.message == DAEMONIC and path == KCC[0]
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize(("given", "expected"), [("local:3", 3), ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786")])
def test_parse_scheduler(given: str, expected: int | str) -> None:
    assert parse_scheduler(given) == expected


@pytest.mark.parametrize("given", ["local:0", "local:x", "10.0.0.5"])
def test_parse_scheduler_refuses(given: str) -> None:
    with pytest.raises(PipelineError):
        parse_scheduler(given)


def test_cli_stores_in_the_order_given_and_reports_the_files_that_fail(url: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00" * 500)
    bomb = tmp_path / "bomb.pdf"  # kills its reader on the worker: over the memory limit
    bomb.write_bytes(_page_with_stream(_bomb_stream(), b" /Filter /FlateDecode"))
    files = [KCC[0], broken, KCC[1], bomb, KCC[2]]
    args = ["ingest", *map(str, files), "--scheduler", "local:2", "--memory-limit", "400", "--time-limit", "60"]
    got = CliRunner().invoke(main, [*args, "--store", url])
    assert got.exit_code == 1, got.output
    assert "2 of 5 files could not be ingested" in got.output
    assert "broken.pdf: " in got.output
    fired = "needed more than 400 MB of memory" if CAN_CAP_MEMORY else "took longer than 60 s"
    assert f"bomb.pdf: {fired}" in got.output
    store = Store(url)
    revisions = store.revisions(store.resolve_plan(None))
    store.close()
    assert [(r.label, r.source) for r in revisions] == [
        ("r1", "kcc-2014.pdf"),
        ("r2", "kcc-2015.pdf"),
        ("r3", "kcc-2015q4.pdf"),
    ]


def test_cli_refuses_scheduler_with_jobs(tmp_path: Path) -> None:
    got = CliRunner().invoke(
        main, ["ingest", str(KCC[0]), "--jobs", "2", "--scheduler", "local:2", "--store", str(tmp_path / "s.db")]
    )
    assert got.exit_code == 2
    assert "give one of them" in got.output
    assert not (tmp_path / "s.db").exists()


def test_a_lost_worker_neither_loses_nor_doubles_a_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distributed_module, "IN_FLIGHT", 1)  # 4 files out at once (2 workers): the rest sent later
    truth = DATA / "kcc-2015.truth.json"
    renderings = [
        render(truth, tmp_path / f"size-{size}.pdf", Variant(f"s{size}", columns=STANDARD, size=size))
        for size in (8, 9, 10)
    ]
    files = [*KCC, *renderings]
    store = Store(url)
    with local_cluster(2) as cluster, Client(cluster) as watcher:
        pids = watcher.run(os.getpid)
        killed: list[str] = []

        def kill_a_busy_worker(_path: Path) -> None:
            if killed:
                return
            busy = [addr for addr, keys in watcher.processing().items() if keys]
            if busy:
                killed.append(busy[0])
                os.kill(pids[busy[0]], signal.SIGKILL)

        results = ingest_distributed(store, files, cluster.scheduler_address, on_extracted=kill_a_busy_worker)
    assert killed, "no worker was busy when the first result came back"
    assert [path for path, _ in results] == files
    assert all(isinstance(done, Ingested) and not done.already_stored for _, done in results), results
    stored = store.revisions(store.resolve_plan(None))
    store.close()
    assert Counter(r.source for r in stored) == Counter(f.name for f in files)
    assert [r.source for r in stored] == [f.name for f in files]
