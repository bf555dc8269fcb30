"""The quarterly update round: master tracker, owner workbooks out, returns collected into a draft, approval.

Each public function is one command's library call: `workbooks` writes what goes out, `collect`
reads what comes back.
"""

from __future__ import annotations

from pipeline.update_round.collect import Collected, approve_draft, collect_returns
from pipeline.update_round.workbooks import (
    TrackerWritten,
    Written,
    has_input,
    make_owner_workbooks,
    make_tracker,
    status_choices,
)

__all__ = [
    "Collected",
    "TrackerWritten",
    "Written",
    "approve_draft",
    "collect_returns",
    "has_input",
    "make_owner_workbooks",
    "make_tracker",
    "status_choices",
]
