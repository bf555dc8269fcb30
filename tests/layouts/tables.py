"""Plan tables on their own pages: shaded, ruled by rows, two-column, two-line headers, wrapped owners."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from tests.layouts.base import BOLD, FONT, TEXT, Case, Col, Entry, Item, Look, Marks, Section, frame_width, plan_entry
from tests.layouts.drawing import build, plan_table, styles, title_paragraph
from tests.layouts.truth import draw_plan, records_truth, truth

# ---------------------------------------------------------------- 1. shaded sections


SHADED_COLUMNS = (
    Col("recommendation", "Recommendation", 2.6),
    Col("proposed_actions", "Proposed actions", 2.8),
    Col("owners", "Lead officer", 1.5),
    Col("timescale", "Timescale", 1.0),
    Col("progress", "Progress", 2.4),
    Col("status", "Status", 1.1),
)


def make_shaded_sections(out_dir: Path) -> Case:
    """A template-style plan: filled page, dark header, alternating pale rows, white rules, coloured section rows."""
    items: list[Item] = [
        Section(TEXT["themes"][0]),
        *(plan_entry(i, f"R{i + 1}.", f"R{i + 1}") for i in range(4)),
        Section(TEXT["long_theme"]),
        *(plan_entry(i, f"R{i + 1}.", f"R{i + 1}") for i in range(4, 9)),
        Section(TEXT["themes"][2]),
        *(plan_entry(i, f"R{i + 1}.", f"R{i + 1}") for i in range(9, 12)),
    ]
    look = Look(
        SHADED_COLUMNS,
        frame_width("landscape"),
        size=9,
        rule=colors.white,
        rule_width=1,
        header_fill=colors.HexColor("#1F3864"),
        header_text=colors.white,
        fills=(colors.HexColor("#E4ECF7"), colors.HexColor("#F3F6FB")),
        section_fill=colors.HexColor("#C5DEB5"),
    )
    pdf = out_dir / "shaded_sections.pdf"
    title = "Appendix A: Commissioning Review Action Plan"
    return Case(
        pdf,
        draw_plan(pdf, items, look, title=title, background=colors.HexColor("#FBF8F1")),
        "full-page filled rectangle, dark header with white text, alternating fills, white rules, two filled "
        "section rows (one a paragraph running across the column edges) that are themes, not records",
    )


# ---------------------------------------------------------------- 3. horizontal rules, "N - Title" labels


def make_horizontal_rules_n_title(out_dir: Path) -> Case:
    """Rules between rows only, labels printed "6 - Improve data capturing" at the start of the first cell."""
    items = [
        plan_entry(i, f"{i + 1} -", f"R{i + 1}", recommendation=f"{row['title']}\n{row['recommendation']}")
        for i, row in enumerate(TEXT["rows"][:20])
    ]
    columns = (
        Col("recommendation", "Recommendation", 2.6),
        Col("proposed_actions", "Action(s)", 2.8),
        Col("owners", "Lead", 1.8),
        Col("timescale", "Target date", 1.2),
        Col("status", "Status", 1.2),
    )
    look = Look(columns, frame_width("portrait"), size=10, ruling="rows", title_bold=True)
    pdf = out_dir / "horizontal_rules_n_title.pdf"
    return Case(
        pdf,
        draw_plan(
            pdf, items, look, title="Scrutiny Review of Contract Management: Action Plan", orientation="portrait"
        ),
        "no vertical lines, a rule between rows, 20 rows over several pages with the header repeated, labels "
        "'N - Title' in bold at the start of the first cell (the title is part of the recommendation)",
    )


# ---------------------------------------------------------------- 5. two columns: issue and response


def _consultation(nested: bool) -> list[Entry]:
    role_lines = [" | ".join(row) for row in TEXT["role_table"]]
    posts = "\n".join(role_lines) if nested else "Four family support workers and a service manager will be recruited."
    rows = TEXT["consultation"]
    if nested:  # this order brings a long row to the foot of page 1, so that the page break splits it
        rows = [*rows[:6], *rows[7:9], rows[6], *rows[9:]]
    return [
        Entry("", None, row["issue"], proposed_actions=row["response"].replace("ROLE_TABLE", posts)) for row in rows
    ]


def make_two_column(out_dir: Path) -> Case:
    """An unlabelled "Issue raised | Response" table, header on the first page only, rows split by page breaks."""
    columns = (Col("recommendation", "Issue raised", 1.0), Col("proposed_actions", "Response", 1.5))
    look = Look(columns, frame_width("portrait"), size=11, repeat_header=False, split_rows=True)
    pdf = out_dir / "two_column.pdf"
    title = "Appendix 2: Issues raised in the consultation and the Council's response"
    return Case(
        pdf,
        draw_plan(pdf, _consultation(nested=True), look, title=title, orientation="portrait"),
        "two columns, no labels, no repeated header, rows split across pages, a Response cell holding a small "
        "ruled table (Role | FTE | Grade) read as one line per nested row",
    )


def make_two_column_centred(out_dir: Path) -> Case:
    """An unlabelled "Consultation Feedback | Draft KCC Response" table whose first column is centred vertically."""
    columns = (
        Col("recommendation", "Consultation Feedback", 1.0),
        Col("proposed_actions", "Draft KCC Response", 1.6),
    )
    look = Look(columns, frame_width("portrait"), size=11, centred=("recommendation",), split_rows=False)
    pdf = out_dir / "two_column_centred.pdf"
    title = "Family Hubs Consultation: Feedback and Draft Response"
    return Case(
        pdf,
        draw_plan(pdf, _consultation(nested=False), look, title=title, orientation="portrait"),
        "two columns, no labels, the feedback column centred vertically beside longer responses",
    )


# ---------------------------------------------------------------- 6. a header wrapped over two lines


OUTCOMES = (
    "Children and young people have the best start in life",
    "Residents live healthy and independent lives",
    "Kent's economy is strong and inclusive",
    "Communities are safe and resilient",
)
SHORT_TIMESCALES = ("Q3 2025/26", "March 2025", "Ongoing", "June 2025", "Q1 2026/27", "April 2025", "May 2025", "2026")


def make_two_line_header(out_dir: Path) -> Case:
    """A repeated header whose cells wrap over two lines, "Timescale" broken mid-word by its narrow column."""
    size, padding = 8, 3
    # the column is as narrow as Word made it: "Timescal" fits, "Timescale" does not
    inner = stringWidth("Timescal", BOLD, size) + 1
    assert stringWidth("Timescale", BOLD, size) > inner
    assert all(stringWidth(w, FONT, size) < inner for t in SHORT_TIMESCALES for w in t.split())
    width = frame_width("landscape")
    fixed = inner + 2 * padding
    columns: tuple[Col, ...] = (
        Col("recommendation", "Recommendation", 2.4),
        Col("extra", "Shared Outcome", 1.0, "Shared\nOutcome"),
        Col("proposed_actions", "Proposed Actions", 2.6, "Proposed\nActions"),
        Col("timescale", "Timescale", 0.0, "Timescal\ne"),
        Col("owners", "Lead Officer", 1.2, "Lead\nOfficer"),
        Col("progress", "Progress to date", 2.2, "Progress to\ndate"),
        Col("status", "RAG Status", 0.8, "RAG\nStatus"),
    )
    share = sum(c.weight for c in columns) * fixed / (width - fixed)
    columns = tuple(replace(c, weight=share) if c.field == "timescale" else c for c in columns)
    items = [
        plan_entry(
            i,
            f"Rec {i + 1}",
            f"R{i + 1}",
            timescale=SHORT_TIMESCALES[i % len(SHORT_TIMESCALES)],
            extra={"Shared Outcome": OUTCOMES[i % len(OUTCOMES)]},
        )
        for i in range(12)
    ]
    look = Look(columns, width, size=size, padding=padding, header_fill=colors.HexColor("#D9D9D9"))
    pdf = out_dir / "two_line_header.pdf"
    return Case(
        pdf,
        draw_plan(pdf, items, look, title="Corporate Parenting Panel: Action Plan Update"),
        "header cells over two lines on every page ('Shared / Outcome' an extra column, 'Timescal / e' broken "
        "mid-word with no hyphen); headers read whole, no fragment is a record",
    )


# ---------------------------------------------------------------- 8. a second table after the plan


def make_second_table_after_plan(out_dir: Path) -> Case:
    """A labelled plan, then a ruled "Objectively Verifiable Indicators | Timescale | Progress" table over two pages."""
    items = [plan_entry(i, f"R{i + 1}.", f"R{i + 1}") for i in range(8)]
    look = Look(SHADED_COLUMNS, frame_width("landscape"), size=10)
    indicators = (
        Col("extra", "Objectively Verifiable Indicators", 3.0),
        Col("timescale", "Timescale", 1.0),
        Col("progress", "Progress", 2.0),
    )
    body, head = styles(11)
    other = Table(
        [
            [Paragraph(escape(c.header), head) for c in indicators],
            *(
                [Paragraph(escape(row[k]), body) for k in ("indicator", "timescale", "progress")]
                for row in TEXT["indicators"]
            ),
        ],
        colWidths=[frame_width("landscape") * c.weight / 6 for c in indicators],
        repeatRows=1,
        hAlign="LEFT",
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        ),
    )
    marks = Marks()
    title = "Appendix 1: Procurement Strategy Action Plan"
    story: list[Flowable] = [
        title_paragraph(title),
        Spacer(1, 6),
        plan_table(items, look, marks),
        marks.mark("plan-last"),
        PageBreak(),
        title_paragraph("Appendix 2: Monitoring Framework"),
        Spacer(1, 6),
        marks.mark("other-first"),
        other,
        marks.mark("other-last"),
    ]
    pdf = out_dir / "second_table_after_plan.pdf"
    build(pdf, story, title=title)
    p = marks.pages
    return Case(
        pdf,
        truth(
            title,
            SHADED_COLUMNS,
            records_truth(items, p, SHADED_COLUMNS),
            [(p["plan-first"], p["plan-last"], "plan"), (p["other-first"], p["other-last"], "other")],
        ),
        "a six-column labelled plan followed by a different ruled table (indicators, timescale, progress) over two "
        "pages, which is listed as another table and gives no records",
    )


# ---------------------------------------------------------------- 10. owners wrapped in a narrow column


WRAPPED_OWNERS = (
    ("Commercial Ethics and Sustainability Lead", "Head of Environment"),
    ("Performance/PH Consultant", "Head of Commissioning", "Commercial Ethics and Sustainability Lead"),
    ("Head of Environment",),
    ("Strategic Commissioner (Children's Services)", "Performance/PH Consultant"),
    ("Head of Commissioning", "Head of Environment"),
    ("Commercial Ethics and Sustainability Lead",),
    ("Director of Public Health", "Performance/PH Consultant", "Head of Environment"),
)


def make_wrapped_owners(out_dir: Path) -> Case:
    """A ruled plan with no bullets: one owner per paragraph in a narrow column, so long names wrap."""
    items = [plan_entry(i, f"{i + 1}.", f"R{i + 1}", owners=o) for i, o in enumerate(WRAPPED_OWNERS)]
    columns = (
        Col("recommendation", "Recommendation", 2.6),
        Col("proposed_actions", "Actions", 2.8),
        Col("owners", "Owner", 1.15),
        Col("timescale", "Timescale", 1.0),
        Col("progress", "Progress", 2.4),
        Col("status", "Status", 1.1),
    )
    look = Look(columns, frame_width("landscape"), size=9, bullet="", owner_gap=9)
    pdf = out_dir / "wrapped_owners.pdf"
    return Case(
        pdf,
        draw_plan(pdf, items, look, title="Sustainable Procurement Action Plan"),
        "no bullets; owners one per paragraph (a blank line between) in a narrow column, long names wrapping over "
        "two or three lines; each owner is the whole name",
    )
