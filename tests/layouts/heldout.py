"""Plans printed the way other councils print them, kept back from the extractor's tuning: findings before
recommendations, labels inside the recommendation cell, sub-labels in brackets and columns too narrow for their words.

The invented text is in tests/data/layouts/heldout.json. These cases are drawn with ReportLab; the Word ones, and
the two tables that are no plan, are in `heldout_word`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tests.layouts.base import BOLD, DATA, FONT, PAGE_SIZES, Case, Col, Entry, Item, Marks, Section
from tests.layouts.truth import truth

HELDOUT: dict[str, Any] = json.loads((DATA / "layouts" / "heldout.json").read_text(encoding="utf-8"))
BODY = ParagraphStyle("heldout-body", fontName=FONT, fontSize=9, leading=11)
HEAD = ParagraphStyle("heldout-head", parent=BODY, fontName=BOLD)
TITLE = ParagraphStyle("heldout-title", fontName=BOLD, fontSize=15, leading=19, spaceAfter=8)
TEXT = ParagraphStyle("heldout-text", fontName=FONT, fontSize=10, leading=13, spaceAfter=6)
SUB_LABEL = re.compile(r"(?P<num>\d+)\((?P<letter>[a-z])\)")  # "2(a)"


# ---------------------------------------------------------------- truth shared with the Word cases


def columns_of(text: dict[str, Any], fields: Sequence[str]) -> tuple[Col, ...]:
    """Given a case's text and the field each of its headers maps to, return its columns (weights are widths in mm)."""
    return tuple(Col(f, h, w) for f, h, w in zip(fields, text["headers"], text["widths"], strict=True))


def records_as_read(items: Sequence[Item], pages: Sequence[int]) -> list[dict[str, Any]]:
    """Given the entries and sections drawn and the page each entry starts on, return the truth records.

    Every field is as the entry says, column or not (a banner row gives the recommendation of the actions below
    it), and `extra` is always there, so a column read into the wrong field shows.
    """
    theme: str | None = None
    starts = iter(pages)
    out = []
    for item in items:
        if isinstance(item, Section):
            theme = item.text
            continue
        cells = ("recommendation", "proposed_actions", "timescale", "progress", "status")
        out.append(
            {"id": item.id, "label": item.label, "parent": item.parent, "theme": theme}
            | {f: getattr(item, f) for f in cells}
            | {"owners": list(item.owners), "page": next(starts), "extra": dict(item.extra)}
        )
    return out


def page_count(pdf: Path) -> int:
    """The number of pages of a PDF."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


# ---------------------------------------------------------------- drawing with ReportLab


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of text whose line breaks ("\\n") are kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def marked_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    style: list[Any],
    marks: Marks,
    **kw: Any,
) -> Table:
    """A table of a bold header and rows of text, widths in mm, whose row i notes its page under mark i."""
    data: list[list[Any]] = [[para(h, HEAD) for h in headers]]
    data += [[[marks.mark(i), para(row[0])], *(para(c) for c in row[1:])] for i, row in enumerate(rows)]
    return Table(data, colWidths=[w * mm for w in widths], style=TableStyle(style), **kw)


def build_pages(
    pdf: Path, story: list[Flowable], *, title: str, orientation: str, margin: float = 15, footer: str = ""
) -> None:
    """Lay out a story on A4 pages with margins in mm, printing `footer` and the page number at each page's foot."""
    width = PAGE_SIZES[orientation][0]

    def foot(canv: Any, doc: Any) -> None:
        if footer:
            canv.setFont(FONT, 8)
            canv.drawString(margin * mm, 8 * mm, footer)
            canv.drawRightString(width - margin * mm, 8 * mm, f"Page {doc.page}")

    edges = {side: margin * mm for side in ("leftMargin", "rightMargin", "topMargin", "bottomMargin")}
    doc = SimpleDocTemplate(str(pdf), pagesize=PAGE_SIZES[orientation], title=title, invariant=1, **edges)
    doc.build(story, onFirstPage=foot, onLaterPages=foot)


def ruled(fill: str, rule: str = "#000000", width: float = 0.5) -> list[Any]:
    """The style of a fully ruled table with a filled header row."""
    return [
        ("GRID", (0, 0), (-1, -1), width, colors.HexColor(rule)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(fill)),
    ]


# ---------------------------------------------------------------- the cases


def make_audit_findings(out_dir: Path) -> Case:
    """An internal audit's agreed actions: the finding comes first, then its risk, then the recommendation."""
    text = HELDOUT["audit_findings"]
    columns = columns_of(text, ("extra", "extra", "recommendation", "proposed_actions", "owners", "timescale"))
    entries = [
        Entry("", None, r[2], r[3], timescale=r[5], owners=(r[4],), extra={"Finding": r[0], "Risk": r[1]})
        for r in text["rows"]
    ]
    marks = Marks()
    story = [
        para(text["title"], TITLE),
        para(text["intro"], TEXT),
        para(text["heading"], ParagraphStyle("heldout-h2", parent=TITLE, fontSize=12, leading=15)),
        marked_table(text["headers"], text["rows"], text["widths"], ruled("#FCE4D6", "#404040"), marks, repeatRows=1),
    ]
    pdf = out_dir / "audit_findings.pdf"
    build_pages(pdf, story, title=text["title"], orientation="portrait", footer=text["footer"])
    pages = [marks.pages[i] for i in range(len(entries))]
    return Case(
        pdf,
        truth(text["heading"], columns, records_as_read(entries, pages), [(1, page_count(pdf), "plan")]),
        "unlabelled audit action plan whose first columns are Finding and Risk (kept as extra) before the "
        "Recommendation; 'Agreed Action Plan' is the heading printed just above the table",
    )


def make_narrow_status(out_dir: Path) -> Case:
    """Rules under rows only, the header printed once, rows split over the page foot, and columns so narrow that
    ReportLab breaks "November" and "progress" inside the word."""
    text = HELDOUT["narrow_status"]
    columns = columns_of(text, ("recommendation", "proposed_actions", "owners", "timescale", "progress", "status"))
    rows = [[r[0], " ".join([r[1][0]] * r[1][1]), *r[2:]] for r in text["rows"]]
    entries = []
    for r in rows:
        number, recommendation = r[0].split(". ", 1)
        entries.append(Entry(f"{number}.", f"R{number}", recommendation, r[1], r[3], (r[2],), r[4], r[5]))
    style = [
        ("LINEBELOW", (0, 0), (-1, 0), 1.5, colors.HexColor("#00703C")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#A0A0A0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    marks = Marks()
    story = [
        para(text["title"], TITLE),
        para(text["subtitle"], ParagraphStyle("heldout-sub", parent=TEXT, fontName="Helvetica-Oblique")),
        para(text["intro"], TEXT),
        marked_table(text["headers"], rows, text["widths"], style, marks, repeatRows=0, splitInRow=1),
        Spacer(1, 10),
        para(text["contact"], TEXT),
    ]
    pdf = out_dir / "narrow_status.pdf"
    build_pages(pdf, story, title=text["title"], orientation="portrait", margin=20, footer=text["footer"])
    pages = [marks.pages[i] for i in range(len(entries))]
    return Case(
        pdf,
        truth(text["title"], columns, records_as_read(entries, pages), [(1, page_count(pdf), "plan")]),
        "rules under rows only, header not repeated, R4 split over the page foot; the Status and By when columns "
        "are so narrow that 'In pro|gress', 'Compl|ete' and 'Novembe|r' break inside the word but read whole",
    )


def make_header_wording(out_dir: Path) -> Case:
    """Headers in other councils' words, and the label "R1." printed at the start of the recommendation cell."""
    text = HELDOUT["header_wording"]
    columns = columns_of(text, ("recommendation", "proposed_actions", "owners", "timescale", "progress", "status"))
    rows = [[f"{r[0]}. {r[1]}", *r[2:]] for r in text["rows"]]
    entries = [Entry(f"{r[0]}.", r[0], r[1], r[2], r[4], (r[3],), r[5], r[6]) for r in text["rows"]]
    marks = Marks()
    table = marked_table(text["headers"], rows, text["widths"], ruled("#E8DAEF", "#5B2C6F", 0.6), marks, repeatRows=1)
    pdf = out_dir / "header_wording.pdf"
    build_pages(pdf, [para(text["title"], TITLE), table], title=text["title"], orientation="landscape")
    pages = [marks.pages[i] for i in range(len(entries))]
    return Case(
        pdf,
        truth(text["title"], columns, records_as_read(entries, pages), [(1, page_count(pdf), "plan")]),
        "headers 'Scrutiny recommendation', 'Portfolio Holder response', 'Service lead', 'Implementation "
        "timescale', 'Progress at March 2026'; labels 'R1.' inside the recommendation cell",
    )


def make_paren_sub_labels(out_dir: Path) -> Case:
    """A No. column holding 1, 2(a), 2(b), 3, 4(a), 4(b): the bracketed letter is a sub-label of the number."""
    text = HELDOUT["paren_sub_labels"]
    columns = columns_of(text, ("label", "recommendation", "proposed_actions", "owners", "timescale", "status"))
    entries = []
    for r in text["rows"]:
        sub = SUB_LABEL.fullmatch(r[0])
        ident, parent = (f"R{sub['num']}{sub['letter']}", f"R{sub['num']}") if sub else (f"R{r[0]}", None)
        entries.append(Entry(r[0], ident, r[1], r[2], r[4], (r[3],), status=r[5], parent=parent))
    marks = Marks()
    table = marked_table(text["headers"], text["rows"], text["widths"], ruled("#DDEBF7"), marks, repeatRows=1)
    pdf = out_dir / "paren_sub_labels.pdf"
    build_pages(pdf, [para(text["title"], TITLE), table], title=text["title"], orientation="landscape")
    pages = [marks.pages[i] for i in range(len(entries))]
    return Case(
        pdf,
        truth(text["title"], columns, records_as_read(entries, pages), [(1, page_count(pdf), "plan")]),
        "labels 2(a), 2(b), 4(a), 4(b) in the No. column: ids R2a, R2b, R4a, R4b with parents R2 and R4",
    )
