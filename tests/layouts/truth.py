"""A case's truth: the records drawn, the page each starts on and the tables on the pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Spacer

from tests.layouts.base import COLUMN_SLACK, Col, Entry, Item, Look, Marks, Section
from tests.layouts.drawing import build, plan_table, title_paragraph

CELL_FIELDS = ("recommendation", "proposed_actions", "timescale", "progress", "status")


def record_truth(entry: Entry, theme: str | None, page: int, columns: Sequence[Col]) -> dict[str, Any]:
    """Given a drawn entry, the theme above it, the page its row starts on and the columns, return its truth record.

    A field with no column is not drawn, so it reads empty.
    """
    drawn = {c.field for c in columns}
    out: dict[str, Any] = {"id": entry.id, "label": entry.label, "parent": entry.parent, "theme": theme}
    out.update({f: getattr(entry, f) if f in drawn else "" for f in CELL_FIELDS})
    out["owners"] = list(entry.owners) if "owners" in drawn else []
    out["page"] = page
    if "extra" in drawn:
        out["extra"] = {c.header: entry.extra.get(c.header, "") for c in columns if c.field == "extra"}
    return out


def records_truth(
    items: Sequence[Item], pages: dict[object, int] | Sequence[int], columns: Sequence[Col]
) -> list[dict[str, Any]]:
    """Given the items drawn, the page of each (by item index) and the columns, return the truth records."""
    theme: str | None = None
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Section):
            theme = item.text
        else:
            out.append(record_truth(item, theme, pages[i], columns))
    return out


def truth(
    title: str | None,
    columns: Sequence[Col],
    records: list[dict[str, Any]],
    tables: Sequence[tuple[int, int, str]] = (),
) -> dict[str, Any]:
    """Assemble a case's truth."""
    return {
        "title": title,
        "columns": [{"header": c.header, "field": c.field} for c in columns],
        "records": records,
        "tables": [{"pages": [first, last], "kind": kind} for first, last, kind in tables],
    }


def draw_plan(
    pdf: Path,
    items: Sequence[Item],
    look: Look,
    *,
    title: str,
    orientation: str = "landscape",
    background: colors.Color | None = None,
) -> dict[str, Any]:
    """Draw one titled plan table on its own and return its truth."""
    marks = Marks()
    story = [title_paragraph(title), Spacer(1, 6), plan_table(items, look, marks), marks.mark("plan-last")]
    build(pdf, story, title=title, first=orientation, background=background)
    pages = marks.pages
    return truth(
        title,
        look.columns,
        records_truth(items, pages, look.columns),
        [(pages["plan-first"], pages["plan-last"], "plan")],
    )


def first_pages(
    pdf: Path, needles: Sequence[str], between: tuple[str, str], words: int = 3, header_page: int = 1
) -> list[int]:
    """Given texts printed in order in one column, return the page each one's first words are on (each found after
    the one before).

    The column runs from the header word `between[0]` to the header word `between[1]` printed on one line of page
    `header_page`, where the search starts.
    """
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        left, right = _header_span(doc.pages[header_page - 1].extract_words(), between)
        pages = doc.pages[header_page - 1 :]
        texts = [_collapse(p.crop((left, 0, right, p.height), strict=False).extract_text() or "") for p in pages]
    out: list[int] = []
    page = at = 0  # where the text before this needle ends, so texts beginning alike are told apart
    for needle in needles:
        start = " ".join(_collapse(needle).split()[:words])
        while (found := texts[page].find(start, at)) < 0:
            page, at = page + 1, 0
        out.append(page + header_page)
        at = found + len(start)
    return out


def _header_span(words: Sequence[dict[str, Any]], between: tuple[str, str]) -> tuple[float, float]:
    """Given a page's words, return the left edges (less the slack) of the two header words `between` on one line."""
    for a in words:
        for b in words:
            if (a["text"], b["text"]) == between and abs(a["top"] - b["top"]) < 1 and a["x0"] < b["x0"]:
                return a["x0"] - COLUMN_SLACK, b["x0"] - COLUMN_SLACK
    raise ValueError(f"no line reads {between[0]!r} then {between[1]!r}")


def _collapse(text: str) -> str:
    return re.sub(r"(?<=[A-Za-z])- (?=[a-z])", "-", " ".join(text.split()))
