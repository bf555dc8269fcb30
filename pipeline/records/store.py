"""What an extraction reports and what the store keeps: sources, plans, revisions, and what a removal takes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.records.plan import Issue, Record
from pipeline.records.source import Column, SourceFormat, Table, TitleFrom


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
    format: SourceFormat = "pdf"  # how it was read: a PDF's text, a Word table, or a PDF recognised by OCR


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
    records and issues, the date it is as of, its kind ("pdf", "owner-returns") and the bytes of the PDF it
    was read from, kept in the store so its pages can be drawn (None: nothing to keep)."""

    title: str
    source: str
    sha256: str
    pages: int
    columns: Sequence[Column]
    records: Sequence[Record]
    issues: Sequence[Issue] = ()
    as_of: str | None = None
    kind: str = "pdf"
    source_bytes: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class PlanMatch:
    """How closely a file matches a stored plan: the share (0 to 1) of the file's recommendations found in the
    plan's latest revision, and how alike the plan's name and the file's title are (0 to 1)."""

    plan: str
    share: float
    title: float


@dataclass(frozen=True, slots=True)
class Closure:
    """A recommendation the committee agreed to close: where and when, the revision it was recorded against, and
    when it was recorded."""

    record_id: str
    agreed: str
    revision: str
    closed_at: str


@dataclass(frozen=True, slots=True)
class Removal:
    """What removing a revision (`label`) or a whole plan (`label` None) takes from the store: the revisions, the
    one asked for first and then those built on it (drafts of owner returns, and returns approved from them),
    each one's number of records (by revision id), the closures recorded against them, and whether the plan
    goes too (it keeps no other revision)."""

    plan: Plan
    label: str | None
    revisions: tuple[Revision, ...]
    records: dict[int, int]
    closures: tuple[Closure, ...]
    plan_removed: bool


@dataclass(frozen=True, slots=True)
class LoggedRemoval:
    """One line of the store's log of removals: when, from which plan, what ("plan", "revision" or "closure"),
    its label (a revision's label, a closed recommendation's id), and what it held (source file, SHA-256,
    number of records, revision date; or where the committee agreed a closure)."""

    removed_at: str
    plan: str
    kind: str
    label: str | None
    held: dict[str, Any]
