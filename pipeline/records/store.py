"""What an extraction reports and what the store keeps: sources, plans and revisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.records.plan import Issue, Record
from pipeline.records.source import Column, Table, TitleFrom


@dataclass(frozen=True, slots=True)
class Source:
    """Where an extraction came from, and the tables seen in it.

    `title_from` says where the title was read: printed above the plan, the PDF's metadata, or the file name.
    """

    path: str
    sha256: str
    pages: int
    title: str
    columns: tuple[Column, ...]
    tables: tuple[Table, ...] = ()
    title_from: TitleFrom = "printed"


@dataclass(frozen=True, slots=True)
class Extraction:
    """The result of reading one plan: its source, its records and the issues found."""

    source: Source
    records: tuple[Record, ...]
    issues: tuple[Issue, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan in the store."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Revision:
    """One stored revision of a plan: where it came from and when it stands."""

    id: int
    plan: str
    label: str
    as_of: str | None
    title: str
    source: str
    sha256: str
    pages: int
    columns: tuple[Column, ...]
    ingested_at: str
    seq: int
    kind: str
    draft: bool
    base: str | None = None


@dataclass(frozen=True, slots=True)
class NewRevision:
    """A revision to store: where it came from (title, source file name, its SHA-256, pages), its columns,
    records and issues, the date it is as of, and its kind ("pdf", "owner-returns")."""

    title: str
    source: str
    sha256: str
    pages: int
    columns: Sequence[Column]
    records: Sequence[Record]
    issues: Sequence[Issue] = ()
    as_of: str | None = None
    kind: str = "pdf"
