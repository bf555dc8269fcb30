"""A status painted, not printed: many plans rate each recommendation by colouring its status (RAG) cell, with
no word in it. The colour is read as its RAG word ("Green"), noted as read from the colour, and never taken from
a colour that paints the whole row (row shading is no rating)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.normalise.text import reflow_parts
from pipeline.records import Issue, Record, SourceCell
from pipeline.statuses import rag_of_colour


def painted_status(parts: Sequence[Sequence[SourceCell]], column: int) -> str | None:
    """Given a record's cells by column and its status column, return the RAG rating its status cell is painted
    ("Green"), or None: not painted, or painted the colour of the whole row (row shading is no rating)."""
    fills = [next((c.fill for c in cells if c.fill), None) for cells in parts]
    mine = fills[column] if column < len(fills) else None
    others = [f for j, f in enumerate(fills) if j != column]
    if mine is None or (others and sum(f == mine for f in others) * 2 >= len(others)):
        return None
    return rag_of_colour(mine)


def painted_issues(
    records: Sequence[Record], parts: Sequence[Sequence[Sequence[SourceCell]]], fields: Sequence[str]
) -> list[Issue]:
    """Given the records, their cells by column and the columns' fields, return a note for each record whose
    status was read from its cell's colour, so that a reader knows the word was not printed."""
    status = next((i for i, f in enumerate(fields) if f == "status"), None)
    if status is None:
        return []
    return [
        Issue(
            "info",
            f"{r.id}: the status is read from the colour of its cell ({r.status.text.lower()}): the plan prints no word",
            r.id,
            "status",
        )
        for r, cells in zip(records, parts, strict=True)
        if r.status.text and not reflow_parts(cells[status]).strip() and painted_status(cells, status)
    ]
