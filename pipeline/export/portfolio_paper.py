"""The portfolio paper as a Word document: a Summary, a section per plan (its counts, its changes and its items
needing attention, laid out by the committee paper's own section writers) and Appendix A, one table of every
plan's items needing attention.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from docx.enum.text import WD_BREAK

from pipeline.export.atomic import write_atomic
from pipeline.export.docx_parts import Writer, boxed_paragraph, fresh_document
from pipeline.export.paper import DEFAULT_STYLES, write_attention, write_changes, write_overview
from pipeline.records import PaperContent

APPENDIX_WIDTHS = (2.6, 1.2, 4.2, 3.8, 2.4, 1.8)  # cm: Plan, ID, Recommendation, Why, Owners, Due


def write_portfolio_paper(
    path: str | Path,
    contents: Sequence[PaperContent],
    *,
    title: str,
    summary: str,
    template: Path | None = None,
    styles: dict[str, str] | None = None,
) -> tuple[Path, list[str]]:
    """Lay out the portfolio paper, one section per plan's paper content, and save it (atomically); return the
    path and notes about the template."""
    notes: list[str] = []
    roles = {**DEFAULT_STYLES, **(styles or {})}
    doc = fresh_document(template)
    w = Writer(doc, roles, notes)
    inner = Writer(doc, {**roles, "h1": roles["h2"]}, notes)  # a plan's sections sit under its heading
    props = doc.core_properties
    props.title, props.language, props.author = title, "en-GB", "actionplan"
    w.heading(title, "title")
    boxed_paragraph(w.para(summary, "Summary: "))
    for n, content in enumerate(contents, start=1):
        w.numbered_heading(f"{n}.", content.plan_name)
        w.para(
            f"As reported in {content.this_update}; overdue items and items with no new progress are worked "
            f"out as at {content.as_of}."
        )
        write_overview(doc, inner, content, number=f"{n}.1")
        write_changes(inner, content, number=f"{n}.2")
        write_attention(inner, content, number=f"{n}.3", closure=f"{n}.4")
    w.para("").add_run().add_break(WD_BREAK.PAGE)
    w.heading("Appendix A: Items needing attention in every plan")
    rows = [[c.plan_name, a.id, a.recommendation, a.why, a.owners, a.due] for c in contents for a in c.attention]
    if rows:
        w.table(["Plan", "ID", "Recommendation", "Why it needs attention", "Owners", "Due"], rows, APPENDIX_WIDTHS)
    else:
        w.para("No recommendation in any plan is overdue, has slipped, is unreported or has stalled.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomic(path, buffer.getvalue()), notes
