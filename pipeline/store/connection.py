"""Where a store is and what it is: URLs, the refusal of files that are not our SQLite stores, SQLite's settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pipeline.errors import PipelineError
from pipeline.records import Revision

DEFAULT_STORE = Path("output") / "actionplan.db"
STORE_ENV = "ACTIONPLAN_STORE"
SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(PipelineError):
    """The store cannot be opened, or a request on it cannot be met."""


class MissingStoreError(StoreError):
    """There is no store at that location yet (no file, or a database without actionplan's tables)."""


class ChangedMeanwhileError(StoreError):
    """A conditional write found that another run had changed what it was based on."""


class AlreadyStoredError(Exception):
    """The file is already a revision of this plan (another run may have stored it a moment ago)."""

    def __init__(self, revision: Revision) -> None:
        super().__init__(revision.label)
        self.revision = revision


def store_url(store: str | None) -> str:
    """Given --store (a URL, a file path or None), return the SQLAlchemy URL to use."""
    value = store or os.environ.get(STORE_ENV) or str(DEFAULT_STORE)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value)}"


def is_in_memory(url: str) -> bool:
    """Given a store URL, return whether it names an in-memory SQLite database (which keeps nothing)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return False
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or "mode=memory" in database
        or parsed.query.get("mode") == "memory"
    )


def describe_url(url: str) -> str:
    """Given a store URL, return it fit to print (no password)."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _first_line(error: object) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


NO_STORE = "run `actionplan ingest FILE` first, or give --store the store you meant"


def _check_sqlite_file(url: str, path: Path, *, create: bool = True) -> None:
    """Given a SQLite store's path, make its folder (when `create`; else refuse a file that is not there with
    MissingStoreError, making nothing); refuse a folder, a special file or a file that is not SQLite."""
    where = describe_url(url)
    if not create and not path.exists():
        here = "" if path.is_absolute() else f" (in {Path.cwd()})"
        raise MissingStoreError(str(path), f"there is no store here{here}: {NO_STORE}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(where, f"cannot create the store's folder ({error.strerror})") from None
    if path.is_dir():
        raise StoreError(where, "is a folder: give --store a file name, e.g. output/actionplan.db")
    if not path.exists():
        return
    if not path.is_file():
        raise StoreError(where, "is not a regular file: give --store a file name, e.g. output/actionplan.db")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(where, f"cannot be read ({error.strerror})") from None
    if head and head != SQLITE_HEADER:
        looks = "a PDF" if head.startswith(b"%PDF") else "a zip archive (Excel or Word?)" if head[:2] == b"PK" else None
        said = f"it is {looks}" if looks else "it does not start as a SQLite file does"
        raise StoreError(
            where, f"is not a SQLite database ({said}): give --store a new file name or an actionplan store"
        )


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take SQLite's write lock at the start, so two runs' read-then-write transactions queue, not clash.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" event issue BEGIN IMMEDIATE
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
