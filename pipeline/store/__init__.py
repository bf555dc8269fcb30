"""store: plan revisions in a real database. The only module that speaks SQL.

SQLite by default (`output/actionplan.db`); any SQLAlchemy URL works, so a team
can share a PostgreSQL store (`postgresql+psycopg://user:pw@host/db`). The
schema is created on first use (`Store(url)`; `Store(url, create=False)` refuses
a store that is not there yet, making nothing) and carries a version number;
`schema.MIGRATIONS` holds the steps from each version to the next. Every write
is one transaction: a failed ingest leaves no partial revision, and a removal
takes a revision with everything built on it, logged in the `removals` table.
The store also keeps each revision's PDF (once per SHA-256, until no revision
is left that was read from it) and the meta settings of each committee paper.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipeline.records import Issue, NewRevision, Plan, Record, Revision
from pipeline.records.store import LoggedRemoval, Removal
from pipeline.store import paper_meta, removal, schema, source_files, writes
from pipeline.store.connection import (
    DEFAULT_STORE,
    NO_STORE,
    STORE_ENV,
    AlreadyStoredError,
    ChangedMeanwhileError,
    MissingStoreError,
    StoreError,
    _check_sqlite_file,
    _first_line,
    _sqlite_begin_immediate,
    _sqlite_pragmas,
    describe_url,
    is_in_memory,
    store_url,
)
from pipeline.store.rows import _record, _revision, order_revisions
from pipeline.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    SIGNING_KEY,
    closures,
    issues,
    meta,
    metadata,
    plans,
    records,
    revisions,
)
from pipeline.store.writes import new_id, now

SCHEMA_LOCK = 0x61637469_6F6E  # PostgreSQL advisory lock held while the schema is created or upgraded


class Store:
    """A connection to the revisions store. `create`: make the store when it is not there yet (else
    MissingStoreError, and nothing is made); `created` says whether this connection made it."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.created = False
        self._create = create
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError:
            raise StoreError(url, "is not a database URL or file path") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database and not is_in_memory(url):
            _check_sqlite_file(url, Path(parsed.database), create=create)
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
            version = schema.stored_version(conn, describe_url(self.url))
            if version == 0 and not self._create:
                raise MissingStoreError(
                    describe_url(self.url), f"holds no actionplan store yet (no tables): {NO_STORE}"
                )
            if version == 0:
                self.created = True
                metadata.create_all(conn)
                conn.execute(sa.insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                schema.add_signing_key(conn)
                return
            if version > SCHEMA_VERSION:
                raise StoreError(
                    describe_url(self.url), f"was written by a newer actionplan (schema {version}); upgrade actionplan"
                )
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
                conn.execute(sa.update(meta).where(meta.c.key == "schema_version").values(value=str(version)))

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

    def records_of(self, wanted: Sequence[Revision]) -> dict[int, list[Record]]:
        """Given revisions, return each one's records in printed order (by revision id), in one query however
        many revisions there are."""
        if not wanted:
            return {}
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(records)
                .where(records.c.revision_id.in_([r.id for r in wanted]))
                .order_by(records.c.revision_id, records.c.position)
            ).all()
        out: dict[int, list[Record]] = {r.id: [] for r in wanted}
        for row in rows:
            out[row.revision_id].append(_record(row))
        return out

    def issues(self, revision: Revision) -> list[Issue]:
        """Given a revision, return the issues found when it was stored."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(issues).where(issues.c.revision_id == revision.id).order_by(issues.c.pk)
            ).all()
        return [Issue(r.severity, r.message, r.record, r.field) for r in rows]

    @writes.retry_on_conflict
    def add_revision(
        self,
        plan_name: str,
        label: str | None,
        new: NewRevision,
        *,
        replace: bool = False,
        draft: bool = False,
        base: str | None = None,
        expected: int | None = None,
    ) -> Revision:
        """Store one revision of a plan (creating the plan if new) in a single transaction, and return it.
        `label` None: the next free "rN". `replace`: overwrite the revision of that label. `draft` and `base`:
        a draft of owner returns collected against the base revision's label.

        `expected` makes the write conditional: the id of the revision this one replaces,
        or 0 when none should exist yet; if another run changed it meanwhile,
        ChangedMeanwhileError is raised and nothing is written.

        Two writers racing for the same label, plan name or file retry: the later one
        sees the earlier one's revision. The same file (SHA-256) already in the plan is
        reported with AlreadyStoredError.
        """
        if label is not None and not label.strip():
            raise StoreError(describe_url(self.url), "a revision label cannot be empty: give one such as 2016-q1")
        where = describe_url(self.url)
        with self._begin() as conn:
            plan_id = conn.execute(sa.select(plans.c.id).where(plans.c.name == plan_name)).scalar()
            if plan_id is None:
                plan_id = new_id(conn.execute(sa.insert(plans).values(name=plan_name, created_at=now())))
            chosen = writes.free_label(
                conn, where, plan_id, plan_name, label, new.sha256, replace=replace, expected=expected
            )
            revision_id = writes.insert_revision(
                conn, plan_id, chosen, new, draft=draft, base=base, add_records=self._insert_records
            )
            if new.source_bytes is not None:
                source_files.keep_source(conn, where, name=new.source, data=new.source_bytes, sha256=new.sha256)
            row = conn.execute(sa.select(revisions).where(revisions.c.id == revision_id)).one()
            return _revision(row, plan_name)

    def _insert_records(self, conn: Connection, revision_id: int, new_records: Sequence[Record]) -> None:
        """Insert a revision's records (a method, so a test can make a write fail halfway)."""
        writes.insert_records(conn, revision_id, new_records)

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
                        plan_id=plan.id, record_id=rid, agreed=agreed, revision_label=revision.label, closed_at=now()
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

    # ------------------------------------------------------------ source files and paper meta

    def source_bytes(self, sha256: str) -> bytes | None:
        """Given a revision's SHA-256, return the bytes of the PDF it was read from (None: not kept, as for
        revisions stored before schema version 7)."""
        with self._begin() as conn:
            return source_files.read_source(conn, describe_url(self.url), sha256)

    def keep_source(self, name: str, data: bytes) -> bool:
        """Given the bytes of a PDF a stored revision was read from, keep them (once per SHA-256); return
        whether they were new (False too when no revision was read from them: nothing is kept)."""
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            with self._begin() as conn:
                used = source_files.is_used(conn, sha256)
                return used and source_files.keep_source(
                    conn, describe_url(self.url), name=name, data=data, sha256=sha256
                )
        except sa.exc.IntegrityError:  # another run kept the same file a moment before
            return False

    def save_paper_meta(self, plan_name: str, meta: Mapping[str, Any], *, revision: str | None = None) -> None:
        """Keep the meta settings a plan's committee paper was made with (`revision`: the label it reported on)."""
        with self._begin() as conn:
            paper_meta.save_paper_meta(conn, describe_url(self.url), plan_name, meta, revision=revision)

    def last_paper_meta(self, plan_name: str) -> dict[str, Any] | None:
        """Return the meta settings the plan's last paper was made with, dates as dates, as
        `pipeline.meta.load_meta` gives them (None when none was kept, or there is no such plan)."""
        with self._begin() as conn:
            return paper_meta.last_paper_meta(conn, plan_name)

    # ------------------------------------------------------------ removals

    def removal(self, plan: Plan, label: str | None = None) -> Removal:
        """Given a plan and a revision label (None: the whole plan), return what removing it would take: the
        revisions built on it and the closures recorded against them go too. Nothing is changed."""
        with self._begin() as conn:
            return removal.find_removal(conn, describe_url(self.url), plan, label)

    def remove(self, planned: Removal) -> None:
        """Remove what `planned` (from `removal`) lists, in one transaction, and log it in the removals table.
        If the store changed since (a draft collected, a closure recorded), ChangedMeanwhileError and nothing
        is removed."""
        where = describe_url(self.url)
        with self._begin() as conn:
            try:
                now_found = removal.find_removal(conn, where, planned.plan, planned.label)
            except StoreError:
                now_found = None
            if now_found != planned:
                raise ChangedMeanwhileError(
                    where, "the plan was changed by another run meanwhile: nothing was removed; run again"
                )
            removal.delete_removal(conn, planned)

    def removals(self, plan_name: str | None = None) -> list[LoggedRemoval]:
        """Return the log of what was removed, oldest first (one plan's, when `plan_name` is given)."""
        with self._begin() as conn:
            return removal.read_removals(conn, plan_name)


__all__ = [
    "DEFAULT_STORE",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "AlreadyStoredError",
    "ChangedMeanwhileError",
    "MissingStoreError",
    "Store",
    "StoreError",
    "describe_url",
    "is_in_memory",
    "metadata",
    "order_revisions",
    "store_url",
]
