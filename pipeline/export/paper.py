"""The committee paper as a Word document (python-docx), in council conventions and accessible.

The paper follows a Kent committee report: a header block (From, To, Subject, Decision No, ...), Summary and
Recommendation(s), numbered sections, and the full plan as Appendix A (see `appendix`). The Word parts
python-docx lacks (repeated header rows, shading, page fields, alternative text) are in `docx_parts`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentType
from docx.shared import Cm

from pipeline.export.appendix import write_appendix
from pipeline.export.atomic import write_atomic
from pipeline.export.chart import status_chart_png, status_chart_words
from pipeline.export.docx_parts import Writer, fresh_document, set_alt_text
from pipeline.records import Column, Record, ThemeCounts
from pipeline.statuses import STATUS_WORDS

DEFAULT_STYLES = {
    "title": "Title",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "normal": "Normal",
    "table": "Table Grid",
    "bullet": "List Bullet",
}
HEADER_LABELS = (
    ("from", "From"),
    ("to", "To"),
    ("subject", "Subject"),
    ("decision_no", "Decision No"),
    ("classification", "Classification"),
    ("past_pathway", "Past Pathway of Paper"),
    ("future_pathway", "Future Pathway of Paper"),
    ("electoral_divisions", "Electoral Division"),
)


@dataclass(frozen=True)
class PaperContent:
    """Everything the paper says, worked out beforehand: the exporter only lays it out."""

    meta: dict[str, Any]
    subject: str
    plan: str
    as_of: str
    revision_label: str
    revision_title: str
    previous_label: str | None
    columns: tuple[Column, ...]
    records: tuple[Record, ...]
    closed: dict[str, str]
    summary: str
    recommendations: str
    introduction: tuple[str, ...]
    overview: str
    counts_now: dict[str, int]
    counts_before: dict[str, int] | None
    theme_counts: tuple[ThemeCounts, ...]  # by theme, without the total
    status_moves: tuple[str, ...]
    slipped: tuple[str, ...]
    new_progress: tuple[str, ...]
    attention: tuple[tuple[str, str, str, str], ...]
    for_closure: tuple[str, ...]
    background: tuple[str, ...]
    contact: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


def write_paper(
    path: str | Path, content: PaperContent, template: Path | None = None, styles: dict[str, str] | None = None
) -> tuple[Path, list[str]]:
    """Lay out the committee paper and save it (atomically); return the path and notes about the template."""
    notes = list(content.notes)
    doc = fresh_document(template)
    w = Writer(doc, {**DEFAULT_STYLES, **(styles or {})}, notes)
    _front(doc, w, content)
    _overview(doc, w, content)
    _changes_and_attention(w, content)
    w.heading("6. Background documents")
    w.bullets(content.background)
    w.heading("7. Contact details")
    for line in content.contact:
        w.para(line)
    write_appendix(
        doc, w, title=content.revision_title, columns=content.columns, records=content.records, closed=content.closed
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomic(path, buffer.getvalue()), notes


def _front(doc: DocumentType, w: Writer, content: PaperContent) -> None:
    """The header block, Summary, Recommendation(s) and section 1, Introduction."""
    meta = content.meta
    props = doc.core_properties
    props.title = content.subject
    props.author = str(meta.get("author") or meta.get("from") or "actionplan")
    props.subject = content.plan
    w.heading(content.subject, "title")
    for key, label in HEADER_LABELS:
        value = content.subject if key == "subject" else meta.get(key)
        if value:
            w.para(", ".join(value) if isinstance(value, list) else str(value), f"{label}: ")
    w.para(f"{content.as_of}", "Progress as at: ")
    w.heading("Summary")
    w.para(content.summary)
    w.heading("Recommendation(s)")
    w.para(content.recommendations)
    w.heading("1. Introduction")
    for i, text in enumerate(content.introduction, start=1):
        w.para(text, f"1.{i} ")


def _overview(doc: DocumentType, w: Writer, content: PaperContent) -> None:
    """Section 2: counts by status now and before, by theme, and the chart of them."""
    w.heading("2. Progress overview")
    w.para(content.overview, "2.1 ")
    before = content.counts_before
    header = ["Status", f"This report ({content.revision_label})"]
    if before is not None:
        header.append(f"Previous report ({content.previous_label})")
    rows = []
    for value, word in STATUS_WORDS.items():
        now = content.counts_now.get(value, 0)
        then = before.get(value, 0) if before is not None else None
        if now or then:
            rows.append([word.capitalize(), str(now)] + ([str(then)] if then is not None else []))
    rows.append(
        ["Total", str(sum(content.counts_now.values()))] + ([str(sum(before.values()))] if before is not None else [])
    )
    w.table(header, rows)
    w.para("The table below gives the same counts for each theme of the plan.", "2.2 ")
    themes = content.theme_counts
    statuses = [v for v in STATUS_WORDS if any(t.counts.get(v) for t in themes)]
    w.table(
        ["Theme", *(STATUS_WORDS[v].capitalize() for v in statuses), "Total"],
        [[t.theme, *(str(t.counts.get(v, 0)) for v in statuses), str(t.total)] for t in themes],
    )
    if themes:
        png = status_chart_png(themes, f"Recommendations by status and theme ({content.revision_label})")
        w.para("The chart shows the same counts.", "2.3 ")
        doc.add_picture(io.BytesIO(png), width=Cm(15.5))
        set_alt_text(doc, status_chart_words(themes), "Recommendations by status and theme")


def _changes_and_attention(w: Writer, content: PaperContent) -> None:
    """Sections 3 to 5: changes since the last report, items needing attention, and those for closure."""
    w.heading("3. Changes since the last report")
    if content.previous_label is None:
        w.para("This is the first report on this plan: there is no earlier revision to compare with.", "3.1 ")
    else:
        w.para(f"Compared with revision {content.previous_label}:", "3.1 ")
        for title, items, empty in (
            ("Status changes", content.status_moves, "No recommendation changed status."),
            ("Timescales that changed", content.slipped, "No timescale changed."),
            ("New progress", content.new_progress, "No new progress was reported."),
        ):
            w.heading(title, "h2")
            if items:
                w.bullets(items)
            else:
                w.para(empty)
    w.heading("4. Items needing attention")
    if content.attention:
        w.para("Each item below is listed with the reason it needs attention.", "4.1 ")
        w.table(["ID", "Why", "Owners", "Due"], content.attention, [1.6, 8.5, 4.0, 2.4])
    else:
        w.para("No recommendation is overdue, slipped, stale or unreported.", "4.1 ")
    w.heading("5. Recommendations proposed for closure")
    if content.for_closure:
        w.para("These recommendations are reported as complete. The Committee may agree that they are closed:", "5.1 ")
        w.bullets(content.for_closure)
    else:
        w.para("No recommendation is reported as complete and still open.", "5.1 ")
    if content.closed:
        w.para(
            "Already closed by the Committee: " + "; ".join(f"{k} ({v})" for k, v in content.closed.items()) + ".",
            "5.2 ",
        )
