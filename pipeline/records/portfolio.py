"""A council's portfolio: every plan of a store at its latest revision, flagged as of one reporting date, as the
portfolio tracker, paper and owner round read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.records.changes import Diff
from pipeline.records.history import Flagged
from pipeline.records.paper import PaperContent
from pipeline.records.plan import Issue
from pipeline.records.store import Plan, Revision


@dataclass(frozen=True)
class PlanView:
    """One plan of the portfolio at its latest revision: its name in prose, its records flagged as of the
    reporting date, how many have each status, the changes since the revision before, the reading's issues and,
    when a paper is being written, what its section says (`content`)."""

    plan: Plan
    name: str
    revision: Revision
    flagged: tuple[Flagged, ...]
    counts: dict[str, int]
    changes: Diff | None
    issues: tuple[Issue, ...]
    content: PaperContent | None = None


@dataclass(frozen=True)
class Portfolio:
    """Every plan of a store, by name, and the one reporting date their flags are worked out at."""

    as_of: date
    plans: tuple[PlanView, ...]
    store: str


@dataclass(frozen=True)
class PortfolioWritten:
    """A portfolio output written: where (and its PDF, if one was asked for), and the portfolio it lays out,
    with warnings met while writing."""

    path: Path
    portfolio: Portfolio
    warnings: tuple[str, ...] = ()
    pdf: Path | None = None
