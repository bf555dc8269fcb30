"""store: plan revisions in a real database. The only module that speaks SQL.

SQLite by default (`output/actionplan.db`); any SQLAlchemy URL works, so a team
can share a PostgreSQL store (`postgresql+psycopg://user:pw@host/db`). The
schema is created on first use and carries a version number; `MIGRATIONS`
holds the steps from each version to the next. Every write is one
transaction: a failed ingest leaves no partial revision.
"""

from __future__ import annotations

import functools
import os
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipeline.errors import PipelineError
from pipeline.records import BBox, Column, Issue, Plan, Record, Revision, Status, Timescale, Update, to_jsonable

DEFAULT_STORE = Path("output") / "actionplan.db"
STORE_ENV = "ACTIONPLAN_STORE"
SCHEMA_VERSION = 5
SIGNING_KEY = "signing_key"  # meta key of the secret that signs owner workbooks
SCHEMA_LOCK = 0x61637469_6F6E  # PostgreSQL advisory lock held while the schema is created or upgraded
SQLITE_HEADER = b"SQLite format 3\x00"

metadata = sa.MetaData()
meta = sa.Table("meta", metadata, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text))
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(400), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),
)
revisions = sa.Table(
    "revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    sa.Column("label", sa.String(100), nullable=False),
    sa.Column("as_of", sa.String(10)),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("columns", sa.JSON, nullable=False),
    sa.Column("ingested_at", sa.String(40), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("draft", sa.Boolean, nullable=False, default=False),
    sa.Column("base_label", sa.String(100)),
    sa.UniqueConstraint("plan_id", "label"),
    sa.Index("ux_revisions_plan_sha", "plan_id", "sha256", unique=True),
)
records = sa.Table(
    "records",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("revision_id", sa.Integer, sa.ForeignKey("revisions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("id", sa.String(100), nullable=False),
    sa.Column("number", sa.Integer),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("parent", sa.String(100)),
    sa.Column("theme", sa.Text),
    sa.Column("recommendation", sa.Text, nullable=False),
    sa.Column("proposed_actions", sa.Text, nullable=False),
    sa.Column("timescale_text", sa.Text, nullable=False),
    sa.Column("timescale_start", sa.String(10)),
    sa.Column("timescale_end", sa.String(10)),
    sa.Column("timescale_ongoing", sa.Boolean, nullable=False),
    sa.Column("timescale_rule", sa.Text),
    sa.Column("owners", sa.JSON, nullable=False),
    sa.Column("owner_keys", sa.JSON, nullable=False),
    sa.Column("progress", sa.Text, nullable=False),
    sa.Column("status_text", sa.Text, nullable=False),
    sa.Column("status_value", sa.String(40), nullable=False),
    sa.Column("status_rag", sa.String(40)),
    sa.Column("cross_refs", sa.JSON, nullable=False),
    sa.Column("pages", sa.JSON, nullable=False),
    sa.Column("bboxes", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("updates", sa.JSON, nullable=False, default=list),
)
closures = sa.Table(
    "closures",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("record_id", sa.String(100), nullable=False),
    sa.Column("agreed", sa.Text, nullable=False),
    sa.Column("revision_label", sa.String(100), nullable=False),
    sa.Column("closed_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("plan_id", "record_id"),
)
issues = sa.Table(
    "issues",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("revision_id", sa.Integer, sa.ForeignKey("revisions.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("record", sa.String(100)),
    sa.Column("field", sa.String(100)),
    sa.Column("message", sa.Text, nullable=False),
)


def _v1_to_v2(conn: Connection) -> None:
    """Version 2: owner returns (a draft revision's base, and each record's accepted updates)."""
    conn.execute(sa.text("ALTER TABLE revisions ADD COLUMN base_label VARCHAR(100)"))
    conn.execute(sa.text("ALTER TABLE records ADD COLUMN updates JSON"))
    conn.execute(sa.text("UPDATE records SET updates = '[]'"))


def _v2_to_v3(conn: Connection) -> None:
    """Version 3: recommendations the committee agreed to close."""
    metadata.create_all(conn, tables=[closures])


def _v3_to_v4(conn: Connection) -> None:
    """Version 4: one file is stored once per plan, even when two runs ingest it at the same moment."""
    conn.execute(sa.text("CREATE UNIQUE INDEX IF NOT EXISTS ux_revisions_plan_sha ON revisions (plan_id, sha256)"))


def _v4_to_v5(conn: Connection) -> None:
    """Version 5: a secret kept in the store signs each owner workbook's marker sheet (HMAC), so an edited
    marker is found out. Workbooks handed out before still collect, reported as unsigned."""
    _add_signing_key(conn)


def _add_signing_key(conn: Connection) -> None:
    if conn.execute(sa.select(meta.c.key).where(meta.c.key == SIGNING_KEY)).first() is None:
        conn.execute(sa.insert(meta).values(key=SIGNING_KEY, value=secrets.token_hex(32)))


# version -> step that upgrades a store at that version to the next one.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5}


class StoreError(PipelineError):
    """The store cannot be opened, or a request on it cannot be met."""


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _retry_on_conflict(write: Callable[..., Revision]) -> Callable[..., Revision]:
    """Retry a write that lost a race (a unique label, plan name or file taken a moment before by another run)."""

    @functools.wraps(write)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Revision:
        for attempt in range(6):
            try:
                return write(self, *args, **kwargs)
            except sa.exc.IntegrityError:
                time.sleep(0.05 * (attempt + 1))
        raise StoreError(describe_url(self.url), "another run kept writing the same revision: try again")

    return wrapper


class Store:
    """A connection to the revisions store."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError:
            raise StoreError(url, "is not a database URL or file path") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database and not is_in_memory(url):
            _check_sqlite_file(url, Path(parsed.database))
        try:
            self.engine: Engine = sa.create_engine(url, future=True)
        except (sa.exc.ArgumentError, ModuleNotFoundError) as error:
            raise StoreError(describe_url(url), f"cannot use this database ({error})") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            sa.event.listen(self.engine, "begin", _sqlite_begin_immediate)
        try:
            self._ensure_schema()
            if self.engine.dialect.name == "sqlite" and not is_in_memory(url):
                # WAL stays set in the file: set it once the file is known to be ours, so a refused one is untouched.
                raw = self.engine.raw_connection()
                try:
                    raw.cursor().execute("PRAGMA journal_mode=WAL")
                finally:
                    raw.close()
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError as error:
            raise StoreError(
                describe_url(self.url),
                f"database error ({_first_line(error.orig)}); check the store location and that it is not locked",
            ) from None
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
            raise  # a lost race (retried by the caller), or a bug: not the user's to fix
        except sa.exc.DataError as error:
            raise StoreError(
                describe_url(self.url),
                f"the database refused a value ({_first_line(error.orig)}); nothing was stored",
            ) from None
        except sa.exc.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
            raise StoreError(
                describe_url(self.url),
                f"cannot be read as a database ({_first_line(error.orig)}): it is damaged or not an actionplan "
                "store; restore it from a backup or give --store a new file",
            ) from None

    def _ensure_schema(self) -> None:
        with self._begin() as conn:
            if conn.dialect.name == "postgresql":
                # Several first runs at once on an empty database: one creates the tables, the others wait and
                # then find them (CREATE TABLE IF NOT EXISTS alone races in PostgreSQL's catalogue).
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK)))
            version = self._stored_version(conn)
            if version == 0:
                metadata.create_all(conn)
                conn.execute(sa.insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                _add_signing_key(conn)
                return
            if version > SCHEMA_VERSION:
                raise StoreError(
                    describe_url(self.url), f"was written by a newer actionplan (schema {version}); upgrade actionplan"
                )
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
                conn.execute(sa.update(meta).where(meta.c.key == "schema_version").values(value=str(version)))

    def _stored_version(self, conn: Connection) -> int:
        """Return the store's schema version (0 for an empty database); refuse a database that is not ours."""
        found = set(sa.inspect(conn).get_table_names())
        if "meta" in found and {"key", "value"} <= {c["name"] for c in sa.inspect(conn).get_columns("meta")}:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).first()
            if row is not None:
                return int(row[0])
        clashing = sorted(found & set(metadata.tables))
        # A SQLite file is one database, so anything in it is someone else's; a PostgreSQL database may be shared.
        foreign = clashing or (sorted(found) if conn.dialect.name == "sqlite" else [])
        if foreign:
            listed = ", ".join(foreign[:6]) + (", …" if len(foreign) > 6 else "")
            raise StoreError(
                describe_url(self.url),
                f"is a database that actionplan did not make (tables: {listed}; no schema version): refused, "
                "nothing was changed; give --store a new file or an actionplan store",
            )
        return 0

    def signing_key(self) -> bytes:
        """Return the store's secret for signing owner workbooks (it never leaves the store)."""
        with self._begin() as conn:
            value = conn.execute(sa.select(meta.c.value).where(meta.c.key == SIGNING_KEY)).scalar()
        if not value:
            raise StoreError(describe_url(self.url), "has no signing key: it was not created by actionplan")
        return bytes.fromhex(str(value))

    # ------------------------------------------------------------ plans

    def plans(self) -> list[Plan]:
        """Return every plan, by name."""
        with self._begin() as conn:
            return [Plan(r.id, r.name) for r in conn.execute(sa.select(plans).order_by(plans.c.name))]

    def resolve_plan(self, name: str | None) -> Plan:
        """Given --plan (or None), return that plan, or the only plan; a clear error otherwise."""
        known = self.plans()
        if name is not None:
            for plan in known:
                if plan.name == name:
                    return plan
            listed = "; ".join(p.name for p in known) or "none yet"
            raise StoreError(describe_url(self.url), f"has no plan named {name!r} (plans: {listed})")
        if not known:
            raise StoreError(describe_url(self.url), "holds no plans yet: run `actionplan ingest FILE` first")
        if len(known) > 1:
            listed = "; ".join(repr(p.name) for p in known)
            raise StoreError(describe_url(self.url), f"holds several plans, choose one with --plan: {listed}")
        return known[0]

    # ------------------------------------------------------------ revisions

    def revisions(self, plan: Plan, include_drafts: bool = False) -> list[Revision]:
        """Given a plan, return its revisions in order: by as-of date where known, else by ingest order."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(revisions).where(revisions.c.plan_id == plan.id).order_by(revisions.c.seq)
            ).all()
        found = [_revision(r, plan.name) for r in rows if include_drafts or not r.draft]
        return order_revisions(found)

    def revision(self, plan: Plan, label: str | None, include_drafts: bool = False) -> Revision:
        """Given a plan and a revision label (None: the latest), return that revision."""
        found = self.revisions(plan, include_drafts=include_drafts)
        if not found:
            raise StoreError(describe_url(self.url), f"plan {plan.name!r} has no revisions")
        if label is None:
            return found[-1]
        for rev in found:
            if rev.label == label:
                return rev
        listed = ", ".join(r.label for r in found)
        raise StoreError(describe_url(self.url), f"plan {plan.name!r} has no revision {label!r} (revisions: {listed})")

    def find_sha(self, sha256: str) -> Revision | None:
        """Given a file's SHA-256, return the revision it was stored as, if any."""
        with self._begin() as conn:
            row = conn.execute(
                sa.select(revisions, plans.c.name.label("plan_name"))
                .join(plans, plans.c.id == revisions.c.plan_id)
                .where(revisions.c.sha256 == sha256)
            ).first()
        return _revision(row, row.plan_name) if row else None

    def records(self, revision: Revision) -> list[Record]:
        """Given a revision, return its records in printed order."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(records).where(records.c.revision_id == revision.id).order_by(records.c.position)
            ).all()
        return [_record(r) for r in rows]

    def issues(self, revision: Revision) -> list[Issue]:
        """Given a revision, return the issues found when it was stored."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(issues).where(issues.c.revision_id == revision.id).order_by(issues.c.pk)
            ).all()
        return [Issue(r.severity, r.message, r.record, r.field) for r in rows]

    @_retry_on_conflict
    def add_revision(
        self,
        plan_name: str,
        label: str | None,
        as_of: str | None,
        title: str,
        source: str,
        sha256: str,
        pages: int,
        columns: Sequence[Column],
        new_records: Sequence[Record],
        new_issues: Sequence[Issue],
        kind: str = "pdf",
        replace: bool = False,
        draft: bool = False,
        base: str | None = None,
        expected: int | None = None,
    ) -> Revision:
        """Store one revision (creating its plan if new) in a single transaction, and return it.

        `expected` makes the write conditional: the id of the revision this one replaces,
        or 0 when none should exist yet; if another run changed it meanwhile,
        ChangedMeanwhileError is raised and nothing is written.

        Two writers racing for the same label, plan name or file retry: the later one
        sees the earlier one's revision. The same file (SHA-256) already in the plan is
        reported with AlreadyStoredError.
        """
        if label is not None and not label.strip():
            raise StoreError(describe_url(self.url), "a revision label cannot be empty: give one such as 2016-q1")
        with self._begin() as conn:
            plan_id = conn.execute(sa.select(plans.c.id).where(plans.c.name == plan_name)).scalar()
            if plan_id is None:
                plan_id = _new_id(conn.execute(sa.insert(plans).values(name=plan_name, created_at=_now())))
            same = conn.execute(
                sa.select(revisions).where(revisions.c.plan_id == plan_id, revisions.c.sha256 == sha256)
            ).first()
            if same is not None and not (replace and same.label == label):
                raise AlreadyStoredError(_revision(same, plan_name))
            taken = {r.label: r for r in conn.execute(sa.select(revisions).where(revisions.c.plan_id == plan_id))}
            if expected is not None and label is not None and (taken[label].id if label in taken else 0) != expected:
                raise ChangedMeanwhileError(
                    describe_url(self.url), f"revision {label!r} was changed by another run meanwhile"
                )
            if label is None:
                n = len(taken) + 1
                while f"r{n}" in taken:
                    n += 1
                label = f"r{n}"
            elif label in taken:
                if not replace:
                    raise StoreError(
                        describe_url(self.url),
                        f"plan {plan_name!r} already has a revision {label!r} from {taken[label].source}: "
                        "use another --revision label, or --replace to overwrite it",
                    )
                conn.execute(sa.delete(records).where(records.c.revision_id == taken[label].id))
                conn.execute(sa.delete(issues).where(issues.c.revision_id == taken[label].id))
                conn.execute(sa.delete(revisions).where(revisions.c.id == taken[label].id))
            seq = (
                conn.execute(sa.select(sa.func.max(revisions.c.seq)).where(revisions.c.plan_id == plan_id)).scalar()
                or 0
            ) + 1
            values = {
                "plan_id": plan_id,
                "label": label,
                "as_of": as_of,
                "title": title,
                "source": source,
                "sha256": sha256,
                "pages": pages,
                "columns": [{"field": c.field, "header": c.header} for c in columns],
                "ingested_at": _now(),
                "seq": seq,
                "kind": kind,
                "draft": draft,
                "base_label": base,
            }
            revision_id = _new_id(conn.execute(sa.insert(revisions).values(**values)))
            self._insert_records(conn, revision_id, new_records)
            if new_issues:
                conn.execute(
                    sa.insert(issues),
                    [
                        {
                            "revision_id": revision_id,
                            "severity": i.severity,
                            "record": i.record,
                            "field": i.field,
                            "message": i.message,
                        }
                        for i in new_issues
                    ],
                )
            row = conn.execute(sa.select(revisions).where(revisions.c.id == revision_id)).one()
            return _revision(row, plan_name)

    def _insert_records(self, conn: Connection, revision_id: int, new_records: Sequence[Record]) -> None:
        if new_records:
            conn.execute(sa.insert(records), [_record_row(revision_id, i, r) for i, r in enumerate(new_records)])

    def draft_for(self, plan: Plan, base: Revision) -> Revision | None:
        """Given a plan and a base revision, return the draft of owner returns collected against it, if any."""
        for rev in self.revisions(plan, include_drafts=True):
            if rev.draft and rev.kind == "owner-returns" and rev.base == base.label:
                return rev
        return None

    def close_records(self, plan: Plan, record_ids: Sequence[str], agreed: str, revision: Revision) -> None:
        """Record that the committee agreed these recommendations are complete and closed (all or none)."""
        with self._begin() as conn:
            for rid in record_ids:
                conn.execute(sa.delete(closures).where(closures.c.plan_id == plan.id, closures.c.record_id == rid))
                conn.execute(
                    sa.insert(closures).values(
                        plan_id=plan.id, record_id=rid, agreed=agreed, revision_label=revision.label, closed_at=_now()
                    )
                )

    def closures(self, plan: Plan) -> dict[str, str]:
        """Given a plan, return {record id: where and when the committee agreed to close it}."""
        with self._begin() as conn:
            rows = conn.execute(sa.select(closures).where(closures.c.plan_id == plan.id).order_by(closures.c.pk)).all()
        return {r.record_id: r.agreed for r in rows}

    def set_draft(self, revision: Revision, draft: bool) -> None:
        """Mark a revision as a draft or publish it."""
        with self._begin() as conn:
            conn.execute(sa.update(revisions).where(revisions.c.id == revision.id).values(draft=draft))


def _first_line(error: object) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _check_sqlite_file(url: str, path: Path) -> None:
    """Given a SQLite store's path, make its folder; refuse a folder, a special file or a file that is not SQLite."""
    where = describe_url(url)
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


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take SQLite's write lock at the start, so two runs' read-then-write transactions queue, not clash.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" event issue BEGIN IMMEDIATE
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def order_revisions(found: Sequence[Revision]) -> list[Revision]:
    """Given revisions in ingest order, return them ordered by as-of date where known, else by ingest order."""
    keyed = []
    last_known = date.min
    for rev in sorted(found, key=lambda r: r.seq):
        when = date.fromisoformat(rev.as_of) if rev.as_of else last_known
        last_known = max(last_known, when)
        keyed.append(((when, rev.seq), rev))
    return [rev for _, rev in sorted(keyed, key=lambda kv: kv[0])]


def _revision(row: Any, plan_name: str) -> Revision:
    return Revision(
        id=row.id,
        plan=plan_name,
        label=row.label,
        as_of=row.as_of,
        title=row.title,
        source=row.source,
        sha256=row.sha256,
        pages=row.pages,
        columns=tuple(Column(c["field"], c["header"]) for c in row.columns),
        ingested_at=row.ingested_at,
        seq=row.seq,
        kind=row.kind,
        draft=bool(row.draft),
        base=row.base_label,
    )


def _record_row(revision_id: int, position: int, r: Record) -> dict[str, Any]:
    return {
        "revision_id": revision_id,
        "position": position,
        "id": r.id,
        "number": r.number,
        "label": r.label,
        "parent": r.parent,
        "theme": r.theme,
        "recommendation": r.recommendation,
        "proposed_actions": r.proposed_actions,
        "timescale_text": r.timescale.text,
        "timescale_start": r.timescale.start,
        "timescale_end": r.timescale.end,
        "timescale_ongoing": r.timescale.ongoing,
        "timescale_rule": r.timescale.rule,
        "owners": list(r.owners),
        "owner_keys": list(r.owner_keys),
        "progress": r.progress,
        "status_text": r.status.text,
        "status_value": r.status.value,
        "status_rag": r.status.rag,
        "cross_refs": list(r.cross_refs),
        "pages": list(r.pages),
        "bboxes": [{"page": b.page, "x0": b.x0, "top": b.top, "x1": b.x1, "bottom": b.bottom} for b in r.bboxes],
        "extra": dict(r.extra),
        "updates": [to_jsonable(u) for u in r.updates],
    }


def _record(row: Any) -> Record:
    return Record(
        id=row.id,
        number=row.number,
        label=row.label,
        parent=row.parent,
        theme=row.theme,
        recommendation=row.recommendation,
        proposed_actions=row.proposed_actions,
        timescale=Timescale(
            row.timescale_text, row.timescale_start, row.timescale_end, bool(row.timescale_ongoing), row.timescale_rule
        ),
        owners=tuple(row.owners),
        owner_keys=tuple(row.owner_keys),
        progress=row.progress,
        status=Status(row.status_text, row.status_value, row.status_rag),
        cross_refs=tuple(row.cross_refs),
        pages=tuple(row.pages),
        bboxes=tuple(BBox(**b) for b in row.bboxes),
        extra=dict(row.extra),
        updates=tuple(Update(**u) for u in (row.updates or [])),
    )
