"""Every type that crosses a stage boundary.

extract   -> SourceDocument (pages, columns, rows of cells made of text lines)
normalise -> Extraction (Record list + Issue list)
validate  -> Issue list

`schemas/record.schema.json` describes `Record` as JSON; a test keeps the two in step.
"""

from __future__ import annotations

from pipeline.records.changes import (
    Added,
    Change,
    Diff,
    Merged,
    OwnersChanged,
    ProgressChanged,
    Removed,
    Renumbered,
    Split,
    StatusChanged,
    TextChanged,
    TextField,
    TimescaleChanged,
)
from pipeline.records.collect import Accepted, Chase, Conflict, Rejected, ReturnLine, Stale
from pipeline.records.history import Flagged, History, HistoryRow, ThemeCounts
from pipeline.records.paper import Attention, ChangeGroup, HeaderLine, PaperContent
from pipeline.records.plan import BBox, Issue, Record, Severity, Status, Timescale, Update, to_jsonable
from pipeline.records.portfolio import PlanView, Portfolio, PortfolioWritten
from pipeline.records.source import (
    Column,
    RowKind,
    SourceCell,
    SourceDocument,
    SourceFormat,
    SourceRow,
    Table,
    TableKind,
    TablePart,
    TextLine,
    TitleFrom,
)
from pipeline.records.store import Extraction, NewRevision, Plan, Revision, Source

__all__ = [
    "Accepted",
    "Added",
    "Attention",
    "BBox",
    "Change",
    "ChangeGroup",
    "Chase",
    "Column",
    "Conflict",
    "Diff",
    "Extraction",
    "Flagged",
    "HeaderLine",
    "History",
    "HistoryRow",
    "Issue",
    "Merged",
    "NewRevision",
    "OwnersChanged",
    "PaperContent",
    "Plan",
    "PlanView",
    "Portfolio",
    "PortfolioWritten",
    "ProgressChanged",
    "Record",
    "Rejected",
    "Removed",
    "Renumbered",
    "ReturnLine",
    "Revision",
    "RowKind",
    "Severity",
    "Source",
    "SourceCell",
    "SourceDocument",
    "SourceFormat",
    "SourceRow",
    "Split",
    "Stale",
    "Status",
    "StatusChanged",
    "Table",
    "TableKind",
    "TablePart",
    "TextChanged",
    "TextField",
    "TextLine",
    "ThemeCounts",
    "Timescale",
    "TimescaleChanged",
    "TitleFrom",
    "Update",
    "to_jsonable",
]
