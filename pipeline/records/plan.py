"""One plan's records as stored: a record with its timescale, status and owners' updates, and data issues."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with the data (never with the program), reported and kept."""

    severity: Severity
    message: str
    record: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class BBox:
    """A rectangle on one page, in PDF points from the top-left corner."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Timescale:
    """A timescale as printed and how it reads: ISO start and end dates, ongoing, and the rule used."""

    text: str
    start: str | None = None
    end: str | None = None
    ongoing: bool = False
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class Status:
    """A status as printed, its vocabulary value and the RAG rating printed with it."""

    text: str
    value: str = "not_reported"
    rag: str | None = None


@dataclass(frozen=True, slots=True)
class Update:
    """One owner's returned update to one record, as accepted by `collect`."""

    owner: str
    date: str
    progress: str = ""
    status: str = ""
    timescale: str = ""
    reason: str = ""
    evidence: str = ""
    comments: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Record:
    """One recommendation (or action row) of a plan, with every cell as printed."""

    id: str
    number: int | None
    label: str
    theme: str | None
    recommendation: str
    proposed_actions: str
    timescale: Timescale
    owners: tuple[str, ...]
    progress: str
    status: Status
    pages: tuple[int, ...]
    parent: str | None = None
    bboxes: tuple[BBox, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    owner_keys: tuple[str, ...] = ()
    cross_refs: tuple[str, ...] = ()
    updates: tuple[Update, ...] = ()
    table_row: int | None = None  # read from a Word table: its row there (0 is the header row)
    confidence: float | None = None  # read by OCR: the lowest confidence of its cells, 0-1
    cell_confidence: dict[str, float] = field(default_factory=dict)  # read by OCR: each field's, 0-1


def to_jsonable(value: Any) -> Any:
    """Given a record type (or a tuple/list/dict of them), return plain JSON-ready data."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value
