"""The PDFs revisions were read from, kept once per SHA-256 (inside the caller's transaction), so a revision's
pages can be drawn after the file itself is gone."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.store.connection import StoreError
from pipeline.store.schema import revisions, sources
from pipeline.store.writes import now


def keep_source(conn: Connection, where: str, *, name: str, data: bytes, sha256: str) -> bool:
    """Keep a file's bytes under its SHA-256 unless they are kept already; return whether they were added.
    Bytes that are not the file of that SHA-256 are a StoreError naming `where`, and nothing is kept."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(where, f"the bytes given for {name} are not the file that was read (SHA-256 differs)")
    if conn.execute(sa.select(sources.c.sha256).where(sources.c.sha256 == sha256)).first() is not None:
        return False
    conn.execute(sa.insert(sources).values(sha256=sha256, name=name, size=len(data), bytes=data, stored_at=now()))
    return True


def is_used(conn: Connection, sha256: str) -> bool:
    """Return whether a stored revision was read from the file of this SHA-256."""
    return conn.execute(sa.select(revisions.c.id).where(revisions.c.sha256 == sha256).limit(1)).first() is not None


def read_source(conn: Connection, where: str, sha256: str) -> bytes | None:
    """Given a file's SHA-256, return its kept bytes (None when not kept). A kept copy that no longer hashes to
    its SHA-256 is a StoreError naming `where`."""
    row = conn.execute(sa.select(sources.c.name, sources.c.bytes).where(sources.c.sha256 == sha256)).first()
    if row is None:
        return None
    data = bytes(row.bytes)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(
            where,
            f"the stored copy of {row.name} is damaged (its SHA-256 does not match): restore the store from a backup",
        )
    return data
