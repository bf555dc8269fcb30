"""Every type that crosses a stage boundary.

extract   -> SourceDocument (pages, columns, rows of cells made of text lines)
normalise -> Extraction (Record list + Issue list)
validate  -> Issue list

`schemas/record.schema.json` describes `Record` as JSON; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
RowKind = Literal["body", "section"]
TableKind = Literal["plan", "other"]
TitleFrom = Literal["printed", "metadata", "file"]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with the data (never with the program), reported and kept."""

    severity: Severity
    message: str
    record: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line of text inside a cell, with its position on the page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False
    whole: bool = False  # a line of its own (a row of a table nested in the cell): never joined to its neighbours


@dataclass(frozen=True, slots=True)
class SourceCell:
    """The lines of one cell on one page, and the right margin its text wraps at."""

    lines: tuple[TextLine, ...]
    right: float


@dataclass(frozen=True, slots=True)
class BBox:
    """A rectangle on one page, in PDF points from the top-left corner."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One table row as printed on one page: a section heading or a body row.

    `first_on_page` marks the first row of a table carried over from the page
    before (it may continue that page's last row); `shares_first` marks an
    action row whose first cell is merged with the row above (several actions
    under one recommendation); `table` is the index of the table it belongs to.
    """

    kind: RowKind
    page: int
    bbox: BBox
    cells: tuple[SourceCell, ...]
    first_on_page: bool = False
    shares_first: bool = False
    table: int = 1


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the plan's table, in printed order: the field it maps to and its header."""

    field: str
    header: str


@dataclass(frozen=True, slots=True)
class TablePart:
    """Where one table sits on one page: its box, its header's box (if printed there) and its column edges."""

    page: int
    bbox: BBox
    header: BBox | None
    edges: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One table found in the document: what kind it is and why, its header, columns and pages.

    `used` says whether the plan's records were taken from it.
    """

    index: int
    kind: TableKind
    reason: str
    header: tuple[str, ...]
    columns: tuple[Column, ...]
    pages: tuple[int, ...]
    used: bool = False
    rows: int = 0
    parts: tuple[TablePart, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """What the extractor read from a PDF: the plan table's columns and rows, page by page, and every table seen."""

    path: str
    sha256: str
    pages: int
    title: str
    columns: tuple[Column, ...]
    rows: tuple[SourceRow, ...]
    issues: tuple[Issue, ...] = ()
    tables: tuple[Table, ...] = ()
    title_from: TitleFrom = "printed"


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


def to_jsonable(value: Any) -> Any:
    """Given a record type (or a tuple/list/dict of them), return plain JSON-ready data."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


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
class Change:
    """One change to one record between two revisions (`detail` holds days slipped, word diff, match score...)."""

    id: str
    change: str
    old: Any
    new: Any
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Diff:
    """What changed between two revisions of a plan."""

    old: Revision
    new: Revision
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    changes: tuple[Change, ...]
    unchanged_progress: tuple[str, ...] = ()
