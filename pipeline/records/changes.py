"""What changed between two revisions, one typed change per kind.

Every change has the `id` of the record it is about (in the newer revision, or the older one when removed or
split) and its `change`, its kind ("status", "timescale", ...); `old` and `new` are typed by kind (a status change
carries statuses, a timescale change timescales), and `detail` gives the figures that go with it
(days slipped, the words that changed, how the records were paired) as plain data for JSON and tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pipeline.records.plan import Record, Status, Timescale
from pipeline.records.store import Revision

TextField = Literal["recommendation", "proposed_actions", "theme"]


@dataclass(frozen=True, slots=True)
class Added:
    """A record the newer revision has and the older had not."""

    id: str
    record: Record
    change: ClassVar[str] = "added"

    @property
    def detail(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, slots=True)
class Removed:
    """A record the older revision had and the newer has not."""

    id: str
    record: Record
    change: ClassVar[str] = "removed"

    @property
    def detail(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, slots=True)
class Renumbered:
    """The same recommendation under another id, paired by its text."""

    id: str
    old_id: str
    score: float
    matched_by: str
    change: ClassVar[str] = "renumbered"

    @property
    def detail(self) -> dict[str, Any]:
        return {"old_id": self.old_id, "score": self.score, "matched_by": self.matched_by}


@dataclass(frozen=True, slots=True)
class Split:
    """One recommendation printed as one row before and as several action rows now (R3 -> R3.1, R3.2)."""

    id: str
    new_ids: tuple[str, ...]
    change: ClassVar[str] = "split"

    @property
    def detail(self) -> dict[str, Any]:
        return {"old_id": self.id, "new_ids": list(self.new_ids)}


@dataclass(frozen=True, slots=True)
class Merged:
    """Several action rows before printed as one recommendation now (R3.1, R3.2 -> R3)."""

    id: str
    old_ids: tuple[str, ...]
    change: ClassVar[str] = "merged"

    @property
    def detail(self) -> dict[str, Any]:
        return {"old_ids": list(self.old_ids), "new_id": self.id}


@dataclass(frozen=True, slots=True)
class TextChanged:
    """The recommendation, the proposed actions or the theme reworded."""

    id: str
    field: TextField
    old: str | None
    new: str | None
    matched_by: str = "id"

    @property
    def change(self) -> str:
        return self.field

    @property
    def detail(self) -> dict[str, Any]:
        return _matched(self.matched_by)


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """A status that reads differently (a value or RAG rating; "Delivered" -> "Complete" is no change)."""

    id: str
    old: Status
    new: Status
    matched_by: str = "id"
    change: ClassVar[str] = "status"

    @property
    def detail(self) -> dict[str, Any]:
        return _matched(self.matched_by)


@dataclass(frozen=True, slots=True)
class TimescaleChanged:
    """A timescale printed differently, and how far its end moved: since the revision before and since the
    end first given."""

    id: str
    old: Timescale
    new: Timescale
    days_slipped: int | None
    days_slipped_since_original: int | None
    original_end: str | None
    matched_by: str = "id"
    change: ClassVar[str] = "timescale"

    @property
    def detail(self) -> dict[str, Any]:
        return {
            "days_slipped": self.days_slipped,
            **_matched(self.matched_by),
            "days_slipped_since_original": self.days_slipped_since_original,
            "original_end": self.original_end,
        }


@dataclass(frozen=True, slots=True)
class OwnersChanged:
    """Owners added or removed (a spelling that folds alike, "POLICY" for "Policy", is no change)."""

    id: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    matched_by: str = "id"
    change: ClassVar[str] = "owners"

    @property
    def detail(self) -> dict[str, Any]:
        return {"owners_added": list(self.added), "owners_removed": list(self.removed), **_matched(self.matched_by)}


@dataclass(frozen=True, slots=True)
class ProgressChanged:
    """New progress text, with the words that changed ([-removed-] {+added+})."""

    id: str
    old: str
    new: str
    word_diff: str
    matched_by: str = "id"
    change: ClassVar[str] = "progress"

    @property
    def detail(self) -> dict[str, Any]:
        return {"word_diff": self.word_diff, **_matched(self.matched_by)}


def _matched(how: str) -> dict[str, Any]:
    return {"matched_by": how} if how != "id" else {}


Change = (
    Added
    | Removed
    | Renumbered
    | Split
    | Merged
    | TextChanged
    | StatusChanged
    | TimescaleChanged
    | OwnersChanged
    | ProgressChanged
)


@dataclass(frozen=True, slots=True)
class Diff:
    """What changed between two revisions of a plan: columns that appeared or went, each change, and the
    records whose progress text did not move."""

    old: Revision
    new: Revision
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    changes: tuple[Change, ...]
    unchanged_progress: tuple[str, ...] = field(default=())
