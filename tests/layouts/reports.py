"""Plans inside committee reports: pages of numbered prose before and after the plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Spacer, Table, TableStyle

from tests.layouts.base import DATA, TEXT, Case, Col, Entry, Item, Look, Marks, Section, frame_width, plan_entry
from tests.layouts.drawing import build, plan_table, title_paragraph
from tests.layouts.truth import first_pages, records_truth, truth

# ---------------------------------------------------------------- prose for the committee reports


def prose(start: int, count: int = 3) -> str:
    """A paragraph of invented report prose: `count` sentences from `start`, round the list."""
    sentences = TEXT["prose"]
    return " ".join(sentences[(start + k) % len(sentences)] for k in range(count))


def report_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of a committee report."""
    body = ParagraphStyle("report", fontName="Times-Roman", fontSize=11, leading=14, spaceAfter=8)
    return {
        "body": body,
        "numbered": ParagraphStyle(
            "numbered", parent=body, leftIndent=30, bulletIndent=0, bulletFontName="Times-Roman"
        ),
        "heading": ParagraphStyle("heading", parent=body, fontName="Times-Bold", fontSize=12, spaceBefore=6),
        "title": ParagraphStyle("report-title", parent=body, fontName="Times-Bold", fontSize=15, leading=19),
    }


def numbered(number: str, text: str) -> Paragraph:
    """A numbered report paragraph ("1.1" hanging to the left of its text)."""
    return Paragraph(escape(text), report_styles()["numbered"], bulletText=number)


def heading(text: str) -> Paragraph:
    """A numbered report heading ("1. Introduction")."""
    return Paragraph(escape(text), report_styles()["heading"])


def section_paragraphs(chapter: int, first: int, last: int, start: int) -> list[Flowable]:
    """Numbered paragraphs chapter.first ... chapter.last of invented prose."""
    return [numbered(f"{chapter}.{k}", prose(start + 3 * k)) for k in range(first, last + 1)]


# ---------------------------------------------------------------- 4. a landscape plan inside a portrait report


def make_landscape_in_portrait(out_dir: Path) -> Case:
    """Two portrait pages of report, the plan on landscape pages, then a portrait page of recommendations."""
    st = report_styles()
    title = "Appendix A: Public Health Strategy Action Plan"
    columns = (
        Col("label", "REF", 0.45),
        Col("recommendation", "Recommendation", 2.4),
        Col("proposed_actions", "Actions", 2.6),
        Col("owners", "Lead", 1.3),
        Col("timescale", "Timescale", 0.9),
        Col("progress", "Progress", 2.3),
        Col("status", "RAG", 0.7),
    )
    look = Look(
        columns,
        frame_width("landscape"),
        rule=colors.HexColor("#7F7F7F"),
        header_fill=colors.HexColor("#2E5597"),
        header_text=colors.white,
        fills=(colors.HexColor("#F2F2F2"),),
        section_fill=colors.HexColor("#BDD7EE"),
        size=9.5,
        centred=("label",),
    )
    entry = iter(range(8, 16))
    rows = TEXT["rows"]

    def next_entry() -> Entry:
        i = next(entry)
        n = i - 7  # tall rows: each takes a second row's actions and progress too
        actions = f"{rows[i]['actions']}\n{rows[i - 8]['actions']}"
        progress = f"{rows[i]['progress']}\n{rows[i - 8]['progress']}"
        return plan_entry(i, str(n), f"R{n}", proposed_actions=actions, progress=progress)

    first_half: list[Item] = [Section("OVERALL"), next_entry(), next_entry(), Section("A HEALTHY START"), next_entry()]
    second_half: list[Item] = [
        Section("A HEALTHY START CONTINUED"),
        next_entry(),
        Section("LIVING WELL"),
        next_entry(),
        next_entry(),
    ]
    marks = Marks()
    story: list[Flowable] = [
        Paragraph("Kent County Council", st["title"]),
        Paragraph("Public Health Strategy 2025–2028: Delivery Report", st["title"]),
        Spacer(1, 10),
        heading("1. Introduction"),
        *section_paragraphs(1, 1, 5, 0),
        PageBreak(),
        heading("2. Progress since the last report"),
        *section_paragraphs(2, 1, 5, 7),
        NextPageTemplate("landscape"),
        PageBreak(),
        title_paragraph(title),
        Spacer(1, 6),
        plan_table(first_half, look, marks),
        PageBreak(),
        plan_table(second_half, look, marks, offset=len(first_half), key="second"),
        marks.mark("plan-last"),
        NextPageTemplate("portrait"),
        PageBreak(),
        heading("3. Next steps"),
        *section_paragraphs(3, 1, 2, 4),
        heading("4. Recommendations"),
        numbered(
            "4.1",
            "County Council is asked to note the progress made against the action plan at Appendix A and to agree "
            "that a further update is reported to the Health Reform and Public Health Cabinet Committee in six months.",
        ),
        numbered("4.2", "County Council is asked to endorse the revised timescales for recommendations 3 and 7."),
        heading("5. Contact details"),
        Paragraph("Report Author: Sarah Whitfield, Public Health Consultant", st["body"]),
        Paragraph("Relevant Director: Dr Helen Marsh, Director of Public Health", st["body"]),
    ]
    pdf = out_dir / "landscape_in_portrait.pdf"
    build(pdf, story, title="Public Health Strategy 2025–2028: Delivery Report", first="portrait")
    items = first_half + second_half
    return Case(
        pdf,
        truth(
            title,
            columns,
            records_truth(items, marks.pages, columns),
            [(marks.pages["plan-first"], marks.pages["plan-last"], "plan")],
        ),
        "portrait report with numbered paragraphs, the plan on landscape pages (filled, ruled, REF centred in tall "
        "rows, capitalised section rows incl. 'A HEALTHY START CONTINUED'), then '4.1 County Council is asked to…' "
        "and 'Relevant Director: …' which are not records",
    )


# ---------------------------------------------------------------- 7. the plan between pages of a report


FINANCE = (
    ("Area of spend", "2025/26 £000", "2026/27 £000"),
    ("Commissioning academy", "120", "95"),
    ("Contracts performance dashboard", "45", "15"),
    ("Social value framework", "30", "30"),
    ("Total", "195", "140"),
)


def _report_pages() -> tuple[list[Flowable], list[Flowable], Marks]:
    """The committee report around an appendix: the pages before it and the pages after it."""
    st = report_styles()
    marks = Marks()
    block = [
        ("From:", "Margaret Ellis, Cabinet Member for Finance, Corporate and Traded Services"),
        ("", "David Whitcombe, Corporate Director of Strategic and Corporate Services"),
        ("To:", "County Council – 15 May 2025"),
        ("Subject:", "Commissioning Select Committee – Executive Response"),
        ("Classification:", "Unrestricted"),
    ]
    header = Table(
        [[Paragraph(f"<b>{k}</b>", st["body"]), Paragraph(escape(v), st["body"])] for k, v in block],
        colWidths=[90, frame_width("portrait") - 90],
        hAlign="LEFT",
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]),
    )
    finance = Table(
        [
            [Paragraph(f"<b>{escape(c)}</b>" if r == 0 else escape(c), st["body"]) for c in row]
            for r, row in enumerate(FINANCE)
        ],
        colWidths=[240, 110, 110],
        hAlign="LEFT",
        style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    before: list[Flowable] = [
        Paragraph("KENT COUNTY COUNCIL", st["title"]),
        Spacer(1, 8),
        header,
        Spacer(1, 10),
        Paragraph(f"<b>Summary:</b> {escape(prose(0, 2))}", st["body"]),
        Paragraph(
            "<b>Recommendation:</b> The County Council is asked to NOTE the executive response to the Select "
            "Committee's report and the action plan at Appendix 1.",
            st["body"],
        ),
        heading("1. Introduction"),
        *section_paragraphs(1, 1, 2, 2),
        PageBreak(),
        *section_paragraphs(1, 3, 5, 5),
        heading("2. The Select Committee's review"),
        *section_paragraphs(2, 1, 2, 9),
        PageBreak(),
        *section_paragraphs(2, 3, 7, 12),
        PageBreak(),
        heading("3. The executive response"),
        *section_paragraphs(3, 1, 3, 1),
        numbered("3.4", "The action plan in response to the Committee's recommendations is attached as Appendix 1."),
    ]
    after: list[Flowable] = [
        heading("4. Recommendation"),
        numbered(
            "4.1",
            "County Council is asked to note the executive response to the Commissioning Select Committee's report "
            "and to agree that progress against the action plan is reported to the Scrutiny Committee every six months.",
        ),
        heading("5. Financial implications"),
        *section_paragraphs(5, 1, 1, 13),
        numbered("5.2", "The one-off costs of the actions in the plan, met from the transformation reserve, are:"),
        marks.mark("finance"),
        finance,
        Spacer(1, 10),
        PageBreak(),
        heading("6. Equalities implications"),
        *section_paragraphs(6, 1, 3, 15),
        heading("7. Legal implications"),
        *section_paragraphs(7, 1, 1, 17),
        PageBreak(),
        heading("8. Background documents"),
        Paragraph("Commissioning Select Committee report, County Council, 14 March 2025.", st["body"]),
        heading("9. Contact details"),
        Paragraph("Report Author: James Holloway, Policy Adviser, 03000 416 000", st["body"]),
        Paragraph(
            "Relevant Director: David Whitcombe, Corporate Director of Strategic and Corporate Services", st["body"]
        ),
    ]
    return before, after, marks


def _fixture_entry(row: dict[str, Any]) -> Entry:
    """A recommendation row of a shared fixture's truth file as an entry."""
    cells = ("recommendation", "proposed_actions", "timescales", "owners", "progress", "status")
    recommendation, actions, timescale, owners, progress, status = (row[c] for c in cells)
    return Entry(row["label"], row["id"], recommendation, actions, timescale, tuple(owners), progress, status)


def make_plan_between_prose(out_dir: Path) -> Case:
    """The kcc-2014 plan spliced in after page 4 of a portrait committee report with its own small table."""
    import pikepdf

    before, after, marks = _report_pages()
    report = out_dir / "plan_between_prose-report.pdf"
    title = "Commissioning Select Committee – Executive Response"
    build(report, [*before, PageBreak(), *after], title=title, first="portrait")
    kcc = json.loads((DATA / "kcc-2014.truth.json").read_text(encoding="utf-8"))
    plan = DATA / "kcc-2014.pdf"
    pdf = out_dir / "plan_between_prose.pdf"
    with pikepdf.open(report) as out, pikepdf.open(plan) as inner:
        assert len(out.pages) == 7, len(out.pages)
        plan_pages = len(inner.pages)
        for k, page in enumerate(inner.pages):
            out.pages.insert(4 + k, page)
        out.save(pdf, deterministic_id=True)
    report.unlink()
    items: list[Item] = [Section(r["text"]) if r["kind"] == "section" else _fixture_entry(r) for r in kcc["rows"]]
    entries = {i: item for i, item in enumerate(items) if isinstance(item, Entry)}
    starts = first_pages(plan, [e.recommendation for e in entries.values()], between=("Select", "Proposed"))
    fields = ("recommendation", "proposed_actions", "timescale", "owners")
    columns = [Col(f, h, 1) for f, h in zip(fields, kcc["columns"], strict=True)]
    records = records_truth(items, {i: 4 + page for i, page in zip(entries, starts, strict=True)}, columns)
    # the finance table is drawn on the report's fifth page, the first after the plan
    finance_page = marks.pages["finance"] + plan_pages
    tables = [(5, 4 + plan_pages, "plan"), (finance_page, finance_page, "other")]
    return Case(
        pdf,
        truth(kcc["title"], columns, records, tables),
        "the kcc-2014 plan (landscape) after page 4 of a portrait committee report: From/To/Subject block, numbered "
        "paragraphs, '4.1 County Council is asked to…', 'Relevant Director: …' and a 3-column finance table after it",
    )
