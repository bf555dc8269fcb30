"""cli: click commands. Each parses its options, calls one library function and echoes. No logic.

The group and what commands share are in `base`; the commands, by what they work on, in `reading`
(one PDF), `revisions` (the store), `remove` (taking revisions or plans out of it), `workbooks` (the update
round) and `paper` (the committee paper).
"""

from __future__ import annotations

from pipeline.cli import paper, reading, remove, revisions, serve, workbooks  # noqa: F401  (each registers its commands)
from pipeline.cli.base import main

__all__ = ["main"]
