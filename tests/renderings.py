"""Draw a truth file's plan again with ReportLab in other layouts, to test the extractor's generality.

Not the producer of the fixtures (LibreOffice), so fonts, spacing, page breaks,
ruling and text positions all differ from what the extractor was developed on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FIELD_OF_TRUTH = {
    "label": "label",
    "recommendation": "recommendation",
    "proposed_actions": "proposed_actions",
    "timescale": "timescales",
    "owners": "owners",
    "progress": "progress",
    "status": "status",
}


@dataclass
class Variant:
    """How to draw a plan: page, fonts, columns (field, header) in order, ruling, bullets."""

    name: str
    portrait: bool = False
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"
    size: float = 9
    columns: list[tuple[str, str]] = field(default_factory=list)
    ruling: str = "grid"  # grid | horizontal | none
    repeat_header: bool = True
    bullet: str = "•"
    label_column: bool = False
    label_style: str = "printed"  # printed | numeric ("1.") | none
    furniture: bool = False  # a running header and footer on every page
    valign: str = "TOP"  # vertical alignment of every cell: TOP or MIDDLE
    paint_status: str = ""  # "" prints the status; "cell" paints the cell its RAG colour, "dot" a coloured mark
    cmyk: bool = False  # paint in CMYK (as print shops' PDFs do), not RGB
    band: str = ""  # hex: shade every other record's whole row this colour (row shading, not a rating)


# The RAG colour a status is painted in when a plan paints rather than prints it (see painted_colour).
PAINTS = {"Blue": "0070C0", "Green": "00B050", "Amber": "FFC000", "Red": "FF0000"}


def painted_colour(status: str) -> str:
    """The RAG word a truth row's printed status is painted as: delivered Blue, partly Amber, ongoing Green,
    none unpainted ("")."""
    text = status.lower()
    if not text.strip():
        return ""
    if "aspects" in text or "partly" in text or "partially" in text:
        return "Amber"
    if "deliver" in text or "complete" in text:
        return "Blue"
    return "Green"


def _paint(hexed: str, cmyk: bool) -> Any:
    red, green, blue = (int(hexed[i : i + 2], 16) / 255 for i in (0, 2, 4))
    if not cmyk:
        return colors.Color(red, green, blue)
    k = 1 - max(red, green, blue)
    return colors.CMYKColor(*((1 - v - k) / (1 - k) for v in (red, green, blue)), k)


def _dot(hexed: str, cmyk: bool) -> Any:
    mark = Drawing(10, 10)
    mark.add(Circle(5, 5, 4.5, fillColor=_paint(hexed, cmyk), strokeColor=None))
    return mark


def _para(text: str, style: ParagraphStyle) -> list[Any]:
    out: list[Any] = []
    for i, para in enumerate(text.split("\n")):
        st = style if i == 0 else ParagraphStyle(f"{style.name}-next", parent=style, spaceBefore=style.fontSize)
        out.append(Paragraph(escape(para), st))
    return out


def render(truth_path: Path, out: Path, variant: Variant) -> Path:
    """Given a truth file and a variant, draw the plan to `out` and return it."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    body = ParagraphStyle("body", fontName=variant.font, fontSize=variant.size, leading=variant.size * 1.2)
    head = ParagraphStyle("head", parent=body, fontName=variant.bold_font)
    title = ParagraphStyle(
        "title", parent=head, fontSize=variant.size + 5, leading=(variant.size + 5) * 1.3, spaceAfter=8
    )
    present = [c for c in variant.columns if c[0] in ("label", "extra") or c[0] in _truth_fields(truth)]
    data: list[list[Any]] = [[Paragraph(escape(h), head) for _, h in present]]
    style_cmds: list[Any] = [("VALIGN", (0, 0), (-1, -1), variant.valign)]
    for row in truth["rows"]:
        r = len(data)
        if row["kind"] == "section":
            data.append([Paragraph(escape(row["text"]), head)] + [""] * (len(present) - 1))
            style_cmds.append(("SPAN", (0, r), (-1, r)))
            continue
        cells: list[Any] = []
        for fld, _ in present:
            if fld == "label":
                cells.append(Paragraph(escape(row["label"]), body))
            elif fld == "recommendation":
                label = {
                    "printed": row["label"],
                    "numeric": f"{row['number']}.",
                    "rec": f"Rec {row['number']}",
                    "none": "",
                }[variant.label_style]
                text = (
                    row["recommendation"] if variant.label_column or not label else f"{label}  {row['recommendation']}"
                )
                cells.append(_para(text, body))
            elif fld == "extra":
                cells.append(Paragraph(escape(extra_text(row)), body))
            elif fld == "owners":
                cells.append([Paragraph(f"{escape(variant.bullet)} {escape(o)}", body) for o in row["owners"]])
            elif fld == "status" and variant.paint_status:
                word = painted_colour(row.get("status") or "")
                if word and variant.paint_status == "dot":
                    cells.append(_dot(PAINTS[word], variant.cmyk))
                else:
                    cells.append("")
                    if word:
                        style_cmds.append(
                            ("BACKGROUND", (len(cells) - 1, r), (len(cells) - 1, r), _paint(PAINTS[word], variant.cmyk))
                        )
            else:
                cells.append(_para(row.get(FIELD_OF_TRUTH[fld]) or "", body))
        if variant.band and r % 2 == 0:
            style_cmds.insert(0, ("BACKGROUND", (0, r), (-1, r), _paint(variant.band, False)))
        data.append(cells)
    if variant.ruling == "grid":
        style_cmds += [("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
    elif variant.ruling == "horizontal":
        style_cmds += [
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black),
        ]
    pagesize = A4 if variant.portrait else landscape(A4)
    width = pagesize[0] - 30 * mm
    weights = {
        "extra": 1.2,
        "label": 0.6,
        "recommendation": 2.6,
        "proposed_actions": 2.8,
        "timescale": 1.3,
        "owners": 1.8,
        "progress": 2.8,
        "status": 1.3,
    }
    total = sum(weights[f] for f, _ in present)
    table = Table(
        data,
        colWidths=[width * weights[f] / total for f, _ in present],
        repeatRows=1 if variant.repeat_header else 0,
        splitInRow=1,
        style=TableStyle(style_cmds),
    )
    doc = SimpleDocTemplate(
        str(out),
        pagesize=pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=truth["title"],
    )

    def furniture(canv: Any, document: Any) -> None:
        if variant.furniture:
            canv.saveState()
            canv.setFont(variant.font, variant.size)
            canv.drawString(15 * mm, pagesize[1] - 9 * mm, "Kent County Council – Commissioning Select Committee")
            canv.drawString(15 * mm, 7 * mm, f"Action plan – printed for committee – page {document.page}")
            canv.restoreState()

    doc.build(
        [Paragraph(escape(truth["title"]), title), Spacer(1, 4), table], onFirstPage=furniture, onLaterPages=furniture
    )
    return out


def extra_text(row: dict[str, Any]) -> str:
    """The text drawn in an extra ("Measure") column for a truth row."""
    return f"Measure {row['number']}: reported quarterly"


def _truth_fields(truth: dict[str, Any]) -> set[str]:
    names = {c.lower() for c in truth["columns"]}
    fields = {"recommendation", "proposed_actions", "timescale", "owners"}
    if any("progress" in n for n in names):
        fields.add("progress")
    if "status" in names:
        fields.add("status")
    return fields


STANDARD = [
    ("recommendation", "Select Committee Recommendation"),
    ("proposed_actions", "Proposed Actions"),
    ("timescale", "Timescales"),
    ("owners", "Responsible owner"),
    ("progress", "Progress to date"),
    ("status", "Status"),
]

VARIANTS = [
    Variant("portrait-times", portrait=True, font="Times-Roman", bold_font="Times-Bold", size=7.5, columns=STANDARD),
    Variant("landscape-no-repeat", columns=STANDARD, repeat_header=False, bullet="-"),
    Variant(
        "reordered-renamed",
        columns=[
            ("label", "Ref"),
            ("recommendation", "Recommendation"),
            ("owners", "Lead officer"),
            ("timescale", "Target date"),
            ("proposed_actions", "What we will do"),
            ("status", "RAG status"),
            ("progress", "Update"),
        ],
        label_column=True,
        font="Courier",
        bold_font="Courier-Bold",
        size=7,
    ),
    Variant("horizontal-rules", columns=STANDARD, ruling="horizontal", font="Times-Roman", bold_font="Times-Bold"),
    Variant("borderless-portrait", portrait=True, columns=STANDARD, ruling="none", size=7),
    Variant(
        "borderless-no-repeat-numeric", columns=STANDARD, ruling="none", repeat_header=False, label_style="numeric"
    ),
    Variant("borderless-running-text", columns=STANDARD, ruling="none", furniture=True),
    Variant("borderless-running-text-no-repeat", columns=STANDARD, ruling="none", furniture=True, repeat_header=False),
    Variant("grid-running-text", portrait=True, columns=STANDARD, furniture=True, size=7),
    Variant(
        "blank-label-header",
        columns=[("label", ""), *STANDARD],
        label_column=True,
        font="Times-Roman",
        bold_font="Times-Bold",
    ),
]

# ReportLab overdraws the header when it splits a very tall centred row, so this one
# is only a fair drawing of plans whose rows fit a page (kcc-2014).
MIDDLE_ALIGNED = Variant("grid-middle-aligned", columns=STANDARD, valign="MIDDLE")
