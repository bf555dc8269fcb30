"""Uploads being read: each a job with an unguessable id, the pages read of each file so far, and the outcome.

A page with JavaScript polls a job's progress; without JavaScript the POST waits for the job and shows its
outcome at once. Jobs are kept in memory (the last `KEEP` of them); what they store is in the store.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.browse import ChangeSection
    from pipeline.ingest import Ingested

KEEP = 200


@dataclass
class FileProgress:
    """One uploaded file: its name, the pages read of how many, and where it stands (waiting, reading, read)."""

    name: str
    path: Path
    done: int = 0
    total: int = 0
    state: str = "waiting"


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one uploaded file: stored (or found already stored), with the changes in words, or
    refused with the one-line reason."""

    name: str
    ingested: Ingested | None = None
    changes: tuple[ChangeSection, ...] = ()
    error: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)  # the stored records by status value


@dataclass
class Job:
    """One upload of one or more files, read and stored in order."""

    id: str
    files: list[FileProgress]
    finished: bool = False
    error: str | None = None  # what stopped the whole upload (the store could not be opened)
    outcomes: list[UploadOutcome] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    def _file(self, path: Path) -> FileProgress | None:
        return next((f for f in self.files if f.path == Path(path)), None)

    def page_read(self, path: Path, done: int, total: int) -> None:
        """Note that `done` of a file's `total` pages have been read."""
        with self._lock:
            found = self._file(path)
            if found is not None:
                found.done, found.total, found.state = done, total, "reading"

    def file_read(self, path: Path) -> None:
        """Note that a file has been read (or refused)."""
        with self._lock:
            found = self._file(path)
            if found is not None:
                found.state = "read"
                found.done = max(found.done, found.total)

    def finish(self, outcomes: list[UploadOutcome], error: str | None = None) -> None:
        """Record the outcome of every file (or what stopped them all), and wake whoever waits."""
        with self._lock:
            self.outcomes, self.error, self.finished = outcomes, error, True
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the job has finished; return whether it has."""
        return self._done.wait(timeout)

    def progress(self) -> dict[str, Any]:
        """Return where the job stands, as JSON-ready data."""
        with self._lock:
            return {
                "finished": self.finished,
                "files": [
                    {"name": f.name, "pages_done": f.done, "pages": f.total, "state": f.state} for f in self.files
                ],
            }


class Jobs:
    """The app's upload jobs, by id: thread-safe, the oldest dropped beyond KEEP."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, files: list[tuple[str, Path]]) -> Job:
        """Given (name, path) of each uploaded file, return a new job for them."""
        job = Job(secrets.token_urlsafe(18), [FileProgress(name, path) for name, path in files])
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> Job | None:
        """Given a job id, return the job, or None."""
        with self._lock:
            return self._jobs.get(job_id)
