"""The store's tables, its schema version and the migration step from each version to the next."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.store.connection import StoreError

SCHEMA_VERSION = 8
SIGNING_KEY = "signing_key"  # meta key of the secret that signs owner workbooks

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
    sa.Column("table_row", sa.Integer),
    sa.Column("confidence", sa.Float),
    sa.Column("cell_confidence", sa.JSON),
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

# What `remove` took out of the store, so nothing is lost silently: one row per plan, revision or closure removed.
removals = sa.Table(
    "removals",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("removed_at", sa.String(40), nullable=False),
    sa.Column("plan", sa.String(400), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("label", sa.String(100)),
    sa.Column("held", sa.JSON, nullable=False),
)

# The PDF each revision was read from, once per SHA-256 however many revisions or plans share it, so its pages
# can be drawn after the file itself is gone.
sources = sa.Table(
    "sources",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("bytes", sa.LargeBinary, nullable=False),
    sa.Column("stored_at", sa.String(40), nullable=False),
)

# The meta settings each committee paper was made with (dates as ISO text), so the next one starts from them.
paper_metas = sa.Table(
    "paper_metas",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("revision_label", sa.String(100)),
    sa.Column("meta", sa.JSON, nullable=False),
    sa.Column("saved_at", sa.String(40), nullable=False),
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
    add_signing_key(conn)


def _v5_to_v6(conn: Connection) -> None:
    """Version 6: a log of what `remove` took out of the store (plans, revisions and closures)."""
    metadata.create_all(conn, tables=[removals])


def _v6_to_v7(conn: Connection) -> None:
    """Version 7: the PDF of each revision stored from now on (those stored before keep none), and the meta
    settings each committee paper is made with."""
    metadata.create_all(conn, tables=[sources, paper_metas])


def _v7_to_v8(conn: Connection) -> None:
    """Version 8: where a record was read from a Word table (its row) or recognised by OCR (its confidence,
    and each cell's). Records stored before have none of these."""
    conn.execute(sa.text("ALTER TABLE records ADD COLUMN table_row INTEGER"))
    conn.execute(sa.text("ALTER TABLE records ADD COLUMN confidence FLOAT"))
    conn.execute(sa.text("ALTER TABLE records ADD COLUMN cell_confidence JSON"))


def stored_version(conn: Connection, where: str) -> int:
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
            where,
            f"is a database that actionplan did not make (tables: {listed}; no schema version): refused, "
            "nothing was changed; give --store a new file or an actionplan store",
        )
    return 0


def add_signing_key(conn: Connection) -> None:
    if conn.execute(sa.select(meta.c.key).where(meta.c.key == SIGNING_KEY)).first() is None:
        conn.execute(sa.insert(meta).values(key=SIGNING_KEY, value=secrets.token_hex(32)))


# version -> step that upgrades a store at that version to the next one.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
    7: _v7_to_v8,
}
