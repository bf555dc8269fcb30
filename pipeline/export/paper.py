"""The committee paper as a Word document (python-docx), in council conventions and accessible.

The paper follows a Kent committee report: a header block (From, To, Subject, Decision No, ...), Summary and
Recommendation(s), numbered sections, and the full plan as Appendix A (see `appendix`). The Word parts
python-docx lacks (repeated header rows, shading, page fields, alternative text) are in `docx_parts`.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.document import Document as DocumentType
from docx.shared import Cm, Pt

from pipeline.export.appendix import write_appendix
from pipeline.export.atomic import write_atomic
from pipeline.export.chart import status_chart_png, status_chart_words
from pipeline.export.docx_parts import Writer, boxed_paragraph, fresh_document, no_borders, set_alt_text, set_widths
from pipeline.records import PaperContent
from pipeline.statuses import STATUS_WORDS

DEFAULT_STYLES = {
    "title": "Title",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "normal": "Normal",
    "table": "Table Grid",
    "bullet": "List Bullet",
}
HEADER_WIDTHS = (4.6, 11.4)  # cm: the header block's labels and values, as wide as the text
COUNT_WIDTHS = (5.0, 4.5, 4.5)
ATTENTION_WIDTHS = (1.3, 4.9, 4.3, 3.0, 2.5)
THEME_WIDTHS = 6.0  # cm for the theme names; the counts share the rest of the 16 cm


def write_paper(
    path: str | Path, content: PaperContent, template: Path | None = None, styles: dict[str, str] | None = None
) -> tuple[Path, list[str]]:
    """Lay out the committee paper and save it (atomically); return the path and notes about the template."""
    notes = list(content.notes)
    doc = fresh_document(template)
    w = Writer(doc, {**DEFAULT_STYLES, **(styles or {})}, notes)
    _front(doc, w, content)
    write_overview(doc, w, content)
    write_changes(w, content)
    write_attention(w, content)
    w.numbered_heading("6.", "Background documents")
    for i, item in enumerate(content.background, start=1):
        w.numbered(f"6.{i}", item)
    w.numbered_heading("7.", "Contact details")
    w.numbered("7.1", "\n".join(content.contact))
    write_appendix(
        doc, w, title=content.appendix_title, columns=content.columns, records=content.records, closed=content.closed
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_atomic(path, buffer.getvalue()), notes


def _front(doc: DocumentType, w: Writer, content: PaperContent) -> None:
    """The header block (two aligned columns, values in bold), the boxed Summary and Recommendation(s), and
    section 1, Introduction: the first page of a Kent committee report."""
    meta = content.meta
    props = doc.core_properties
    props.title = content.subject
    props.author = str(meta.get("author") or meta.get("from") or "actionplan")
    props.subject = content.plan_name
    props.language = "en-GB"
    header = doc.add_table(rows=0, cols=2)
    no_borders(header)
    for line in content.header:
        cells = header.add_row().cells
        cells[0].paragraphs[0].add_run(f"{line.label}:")
        for i, part in enumerate(line.value.split("\n")):
            paragraph = cells[1].paragraphs[0] if i == 0 else cells[1].add_paragraph()
            paragraph.add_run(part).bold = True
    set_widths(header, HEADER_WIDTHS)
    for row in header.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(6)
    summary = w.para(content.summary, "Summary: ")
    summary.paragraph_format.space_before = Pt(18)
    label = w.para("", "Recommendation(s):")
    recommendation = w.para(content.recommendations)
    for paragraph in (summary, label, recommendation):
        boxed_paragraph(paragraph)
    w.numbered_heading("1.", "Introduction")
    for i, text in enumerate(content.introduction, start=1):
        w.numbered(f"1.{i}", text)


def write_overview(doc: DocumentType, w: Writer, content: PaperContent, number: str = "2") -> None:
    """Section 2 (or `number`): counts by status now and before, by theme, and the chart of them."""
    w.numbered_heading(f"{number}.", "Progress overview")
    w.numbered(f"{number}.1", content.overview).paragraph_format.keep_with_next = True
    before = content.counts_before
    header = ["Status", f"Now ({content.this_update.removeprefix('the ')})"]
    if before is not None and content.previous_update:
        header.append(f"Before ({content.previous_update.removeprefix('the ')})")
    rows = []
    for value, word in STATUS_WORDS.items():
        now = content.counts_now.get(value, 0)
        then = before.get(value, 0) if before is not None else None
        if now or then:
            rows.append([word.capitalize(), str(now)] + ([str(then)] if then is not None else []))
    rows.append(
        ["Total", str(sum(content.counts_now.values()))] + ([str(sum(before.values()))] if before is not None else [])
    )
    w.table(header, rows, COUNT_WIDTHS[: len(header)])
    themes = content.theme_counts
    if not themes:
        return
    w.numbered(
        f"{number}.2", "The table below gives the same counts for each theme of the plan."
    ).paragraph_format.keep_with_next = True
    statuses = [v for v in STATUS_WORDS if any(t.counts.get(v) for t in themes)]
    count_width = (sum(HEADER_WIDTHS) - THEME_WIDTHS) / (len(statuses) + 1)
    w.table(
        ["Theme", *(STATUS_WORDS[v].capitalize() for v in statuses), "Total"],
        [[t.theme, *(str(t.counts.get(v, 0)) for v in statuses), str(t.total)] for t in themes],
        [THEME_WIDTHS, *([count_width] * (len(statuses) + 1))],
    )
    w.numbered(f"{number}.3", "The chart shows the same counts.").paragraph_format.keep_with_next = True
    png = status_chart_png(themes, content.chart_title)
    doc.add_picture(io.BytesIO(png), width=Cm(15.5))
    set_alt_text(doc, status_chart_words(themes), content.chart_title)


def write_changes(w: Writer, content: PaperContent, number: str = "3") -> None:
    """Section 3 (or `number`): every change since the last report, by kind, as sentences."""
    w.numbered_heading(f"{number}.", "Changes since the last report")
    w.numbered(f"{number}.1", content.changes_intro)
    if content.previous_update is not None and not content.changes:
        w.numbered(f"{number}.2", "Nothing in the plan changed.")
    for i, group in enumerate(content.changes, start=2):
        w.numbered(f"{number}.{i}", f"{group.title}:").paragraph_format.keep_with_next = True
        w.bullets(group.sentences)


def write_attention(w: Writer, content: PaperContent, number: str = "4", closure: str = "5") -> None:
    """Sections 4 and 5 (or `number` and `closure`): the items needing attention, each with why, and those proposed for closure."""
    w.numbered_heading(f"{number}.", "Items needing attention")
    if content.attention:
        w.numbered(
            f"{number}.1",
            "These recommendations are overdue, have slipped, have no status reported, or have had no new "
            "progress for two reports or more:",
        ).paragraph_format.keep_with_next = True
        w.table(
            ["ID", "Recommendation", "Why it needs attention", "Owners", "Due"],
            [[a.id, a.recommendation, a.why, a.owners, a.due] for a in content.attention],
            ATTENTION_WIDTHS,
        )
    else:
        w.numbered(f"{number}.1", "No recommendation is overdue, has slipped, is unreported or has stalled.")
    if content.answered_elsewhere:
        w.numbered(
            f"{number}.2",
            "The plan answers these under another recommendation: " + " ".join(content.answered_elsewhere),
        )
    w.numbered_heading(f"{closure}.", "Recommendations proposed for closure")
    if content.for_closure:
        w.numbered(
            f"{closure}.1",
            "These recommendations are reported as complete. The Committee may agree that they are closed:",
        )
        w.bullets(content.for_closure)
    else:
        w.numbered(f"{closure}.1", "No recommendation is reported as complete and still open.")
    if content.closed:
        w.numbered(
            f"{closure}.2",
            "Already closed by the Committee: " + "; ".join(f"{k} ({v})" for k, v in content.closed.items()) + ".",
        )
