"""What the committee paper says, worked out before it is laid out: the exporter only places it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.records.history import ThemeCounts
from pipeline.records.plan import Record
from pipeline.records.source import Column


@dataclass(frozen=True)
class HeaderLine:
    """One line of the paper's header block: its label ("From") and value, in bold when printed."""

    label: str
    value: str


@dataclass(frozen=True)
class Attention:
    """One recommendation the committee should act on, with why in words."""

    id: str
    recommendation: str
    why: str
    owners: str
    due: str


@dataclass(frozen=True)
class ChangeGroup:
    """One kind of change since the last report, as sentences."""

    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class PaperContent:
    """Everything the paper says, in words, with the plan it appends."""

    meta: Mapping[str, Any]
    header: tuple[HeaderLine, ...]
    subject: str
    plan_name: str
    as_of: str  # the reporting date in words ("21 January 2016")
    this_update: str  # "the December 2015 update"
    previous_update: str | None
    summary: str
    recommendations: str
    introduction: tuple[str, ...]
    overview: str
    counts_now: Mapping[str, int]
    counts_before: Mapping[str, int] | None
    theme_counts: tuple[ThemeCounts, ...]  # by theme, without the total
    chart_title: str
    changes_intro: str
    changes: tuple[ChangeGroup, ...]
    attention: tuple[Attention, ...]
    answered_elsewhere: tuple[str, ...]
    for_closure: tuple[str, ...]
    closed: Mapping[str, str]
    background: tuple[str, ...]
    contact: tuple[str, ...]
    appendix_title: str
    columns: tuple[Column, ...]
    records: tuple[Record, ...]
    notes: list[str] = field(default_factory=list)
