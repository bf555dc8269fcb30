"""Batches on a Dask distributed cluster: each file's bytes are read on a worker (in the isolated child, within the
limits), and the results are stored here, in the order given, each in its own transaction.

Workers need not share a disk with us: a file travels as bytes. Storing happens only in this process, so a worker
lost mid-batch (whose tasks Dask runs again elsewhere) can neither store a file twice nor lose one.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, PipelineError
from pipeline.ingest import Ingested, ingest_extraction
from pipeline.isolation import Limits
from pipeline.records import Extraction
from pipeline.settings import Settings, default_settings
from pipeline.store import Store

LOCAL = "local:"
# At least this many files are out on the cluster at once (or twice its threads, if more).
IN_FLIGHT = 16
# How many times Dask runs a task again after it raised (a lost worker's tasks are rescheduled whatever this is).
RETRIES = 2
# The reader forks a child, which a daemonic process may not do: Dask's workers are daemonic unless told otherwise.
NOT_DAEMONIC = {"distributed.worker.daemon": False}
DAEMONIC = (
    "the Dask worker is a daemonic process, which cannot start the reader's child: "
    "start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
)


def read_bytes_task(
    name: str,
    data: bytes,
    *,
    password: str | None,
    settings: Settings,
    limits: Limits,
    pages: Collection[int] | None,
    tables: Sequence[int] | None,
    ocr: bool,
    isolate: bool,
) -> Extraction | PipelineError:
    """On a worker: given a file's name and bytes, return what was read from it, or the error that stopped it."""
    import multiprocessing

    from pipeline.extraction import extract_isolated, extract_plan

    if isolate and multiprocessing.current_process().daemon:
        return PipelineError(name, DAEMONIC)
    read = extract_isolated if isolate else extract_plan
    with tempfile.TemporaryDirectory(prefix="actionplan-") as folder:
        path = Path(folder) / Path(name).name  # the name keeps its suffix: .pdf and .docx are read differently
        path.write_bytes(data)
        try:
            return read(path, password=password, settings=settings, limits=limits, pages=pages, tables=tables, ocr=ocr)
        except PipelineError as error:
            return error


def parse_scheduler(address: str) -> int | str:
    """Given --scheduler ("local:4" or "tcp://host:8786"), return a number of local workers or an address."""
    if address.startswith(LOCAL):
        count = address.removeprefix(LOCAL)
        if not count.isdigit() or int(count) < 1:
            raise InputError(address, "write a local cluster as local:N, with N worker processes (local:4)")
        return int(count)
    if "://" not in address:
        raise InputError(address, "give a scheduler address such as tcp://host:8786, or local:N")
    return address


@contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """Start a LocalCluster of `workers` non-daemonic worker processes, one thread each; yield it."""
    import dask
    from distributed import LocalCluster

    with (
        dask.config.set(NOT_DAEMONIC),
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        ) as cluster,
    ):
        yield cluster


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """Given --scheduler, yield a Dask client: to a new local cluster (local:N) or to a running scheduler."""
    from distributed import Client

    target = parse_scheduler(scheduler)
    if isinstance(target, int):
        with local_cluster(target) as cluster, Client(cluster) as client:
            yield client
    else:
        try:
            client = Client(target, timeout=30)
        except (OSError, TimeoutError) as error:
            raise InputError(scheduler, f"cannot reach the Dask scheduler ({error})") from None
        with client:
            yield client


def ingest_distributed(
    store: Store | Callable[[], Store],
    files: Sequence[Path],
    scheduler: str,
    *,
    plan: str | None = None,
    label: str | None = None,
    revision_date: str | None = None,
    replace: bool = False,
    password: str | None = None,
    settings: Settings | None = None,
    limits: Limits | None = None,
    isolate: bool = True,
    on_extracted: Callable[[Path], None] | None = None,
    pages: Collection[int] | None = None,
    tables: Sequence[int] | None = None,
    ocr: bool = False,
) -> list[tuple[Path, Ingested | PipelineError]]:
    """Like `ingest_batch`, but each file is read on the Dask cluster at `scheduler` ("local:N" or an address).

    Results are stored as soon as every file before them is stored, so the store sees the order given however
    the reads finish. `on_extracted(file)` is called as each read finishes (or fails)."""
    from distributed import as_completed

    settings = settings or default_settings()
    limits = limits or Limits()
    options = {
        "password": password,
        "settings": settings,
        "limits": limits,
        "pages": pages,
        "tables": tables,
        "ocr": ocr,
        "isolate": isolate,
    }
    read: dict[int, Extraction | PipelineError] = {}
    results: list[tuple[Path, Ingested | PipelineError]] = []

    def store_ready() -> None:
        while len(results) in read:
            path = files[len(results)]
            got = read.pop(len(results))
            if isinstance(got, PipelineError):
                results.append((path, got))
                continue
            source = dataclasses.replace(got.source, path=str(path))
            try:
                target = store if isinstance(store, Store) else store()
                done = ingest_extraction(
                    target,
                    dataclasses.replace(got, source=source),
                    path,
                    plan=plan,
                    label=label,
                    revision_date=revision_date,
                    replace=replace,
                )
                results.append((path, done))
            except PipelineError as error:
                results.append((path, error))

    with connect(scheduler) as client:
        futures: dict[Any, int] = {}
        waiting = iter(enumerate(files))

        def submit_next() -> Any:
            """Send the next readable file's bytes; return its future, or None when none is left."""
            for index, path in waiting:
                try:
                    data = _file_bytes(path, limits)
                except PipelineError as error:
                    read[index] = error
                    if on_extracted:
                        on_extracted(path)
                    continue
                future = client.submit(
                    read_bytes_task,
                    path.name,
                    data,
                    **options,
                    key=f"read-{index}-{path.name}",
                    retries=RETRIES,
                    pure=False,
                )
                futures[future] = index
                return future
            return None

        # Bytes are sent a window ahead of the results, not all at once: a batch of thousands stays small here.
        ahead = max(IN_FLIGHT, 2 * sum(client.nthreads().values()))
        first = [f for f in (submit_next() for _ in range(ahead)) if f is not None]
        store_ready()
        finished = as_completed(first)
        for future in finished:
            index = futures.pop(future)
            try:
                read[index] = future.result()
            except Exception as error:  # the task itself failed (not the file): say so and go on
                read[index] = PipelineError(str(files[index]), f"the worker could not read it ({error!r})")
            future.release()
            if on_extracted:
                on_extracted(files[index])
            following = submit_next()
            if following is not None:
                finished.add(following)
            store_ready()
    return results


def _file_bytes(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_file_mb * 1024 * 1024:
            raise InputError(str(path), f"the file is over {limits.max_file_mb} MB: raise --max-file-mb to read it")
        return path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot read the file ({error.strerror})") from None
