"""Run one risky job (reading one PDF) in a child process with a time limit and a memory cap.

pdfminer has no limit on stream expansion, some pages recurse for minutes, and
pdfium can abort the whole process under memory pressure: no try/except catches
that. In a child, each of these becomes one clean error and the batch goes on.
Where `resource.setrlimit` is missing (Windows), only the time limit applies.
"""

from __future__ import annotations

import faulthandler
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.errors import InputError, PipelineError

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

CAN_CAP_MEMORY = resource is not None and hasattr(resource, "RLIMIT_AS")


@dataclass(frozen=True)
class Limits:
    """How much one file may take: seconds, megabytes of memory (beyond start-up), pages; and seconds more for
    each of its pages, once the reader has said how many it has (OCR)."""

    seconds: float = 120.0
    memory_mb: int = 2048
    max_pages: int = 5000
    max_file_mb: int = 300
    seconds_per_page: float = 0.0


class LimitError(InputError):
    """A file needed more time or memory than allowed."""


def _context() -> Any:
    # fork is cheap and keeps the parent's imports; elsewhere spawn is the only choice.
    return mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _cap_memory(megabytes: int) -> None:
    if not CAN_CAP_MEMORY:
        return
    in_use = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    in_use = int(line.split()[1]) * 1024
    except OSError:
        pass
    limit = in_use + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _quiet() -> None:
    """Send the child's own stderr (C libraries' messages, fatal-error dumps) to the null device: the user gets one line."""
    faulthandler.disable()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _child(
    conn: Any, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], memory_mb: int, report: bool
) -> None:
    try:
        _quiet()
        _cap_memory(memory_mb)
        if report:
            kwargs = {**kwargs, "progress": lambda done, total: conn.send(("progress", (done, total)))}
        result: tuple[str, Any] = ("ok", func(*args, **kwargs))
    except PipelineError as error:
        # Sent bare: a pickler that carries exception chains (tblib, which Dask installs) would otherwise try to
        # send the library error it was raised from (lxml's, say), which cannot be pickled.
        error.__cause__ = error.__context__ = None
        result = ("error", error.with_traceback(None))
    except MemoryError:
        result = ("memory", None)
    except RecursionError:
        result = ("damaged", "its objects nest too deeply to read")
    except BaseException as error:  # anything else is reported, never raised past the child
        result = ("crash", f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}")
    try:
        conn.send(result)
    except Exception as error:  # the result itself could not be sent (e.g. too large)
        conn.send(("crash", f"could not return the result ({type(error).__name__})"))
    finally:
        conn.close()


def run_isolated(
    name: str,
    func: Callable[..., Any],
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    limits: Limits = Limits(),
    progress: Callable[[int, int], None] | None = None,
    *,
    while_waiting: Callable[[], object] | None = None,
) -> Any:
    """Call func(*args, **kwargs) in a child process within the limits; return its result or raise a clear error.

    With `progress`, func is given a `progress` callback whose calls come back here. `while_waiting` is
    called here once the child has started: work for what comes after (loading what the result will be
    checked with), done on another core while the child reads. With `limits.seconds_per_page`, func is given
    the callback too, and its first call, which gives the pages, moves the deadline on by that much a page.
    """
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    report = progress is not None or limits.seconds_per_page > 0
    proc = ctx.Process(target=_child, args=(child, func, args, kwargs or {}, limits.memory_mb, report), daemon=True)
    proc.start()
    child.close()
    started = time.monotonic()
    allowed = limits.seconds
    deadline = started + allowed
    if while_waiting is not None:
        while_waiting()
    try:
        while True:
            if not parent.poll(max(0.0, deadline - time.monotonic())):
                _stop(proc)
                raise LimitError(
                    name,
                    f"took longer than {allowed:.0f} s to read and was stopped (damaged or hostile?); raise --time-limit to try harder",
                )
            try:
                kind, value = parent.recv()
            except EOFError:
                proc.join(5)
                raise InputError(
                    name,
                    f"made the PDF reader crash ({_signal_name(proc.exitcode)}): the file is probably damaged; save a new copy and try again",
                ) from None
            if kind != "progress":
                break
            if limits.seconds_per_page > 0:
                allowed = max(allowed, limits.seconds + limits.seconds_per_page * value[1])
                deadline = started + allowed
            if progress is not None:
                progress(*value)
    finally:
        parent.close()
        proc.join(5)
        if proc.is_alive():
            _stop(proc)
    if kind == "ok":
        return value
    if kind == "error":
        raise value
    if kind == "memory":
        raise LimitError(
            name,
            f"needed more than {limits.memory_mb} MB of memory to read and was stopped (a decompression bomb?); raise --memory-limit to try harder",
        )
    if kind == "damaged":
        raise InputError(name, f"is damaged: {value}; save a new copy and try again")
    raise InputError(
        name, f"could not be read ({str(value).splitlines()[0]}); run with --debug --no-isolation for details"
    )


def _stop(proc: Any) -> None:
    proc.terminate()
    proc.join(2)
    if proc.is_alive() and hasattr(signal, "SIGKILL"):
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(2)


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
