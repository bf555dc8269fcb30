"""Plan layouts from a held-out probe (/tmp/heldout2), each drawn small here with ReportLab: headers and rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from pipeline.extract.geometry import Word, words_to_lines
from pipeline.extraction import extract_plan
from tests.edges_draw import HEAD, TITLE, build, para, table

FLOOD_HEADER = ("Recommendation", "Action(s)", "Timescale", "Lead", "Progress", "Date closed", "Comments")
FLOOD_ROWS = [
    ["R1. Publish a flood contacts page.", "Build the page.", "December 2025", "Flood Risk Manager", "Page live."],
    ["R2. Clear gullies twice a year.", "Change the programme.", "April 2026", "Highways Manager", "Agreed."],
]
FLOOD_ROWS[0] += ["14/10/2025", ""]
FLOOD_ROWS[1] += ["", "Check in May"]
FLOOD_WIDTHS = (150, 120, 70, 80, 110, 62, 80)  # "Date closed" wraps onto a second line ("Date completed" in the probe)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
def test_header_cell_on_two_lines_is_one_header(tmp_path: Path, ruled: bool) -> None:
    pdf = tmp_path / "two_line_header.pdf"
    flow = [para("Flood plan", TITLE), table(FLOOD_HEADER, FLOOD_ROWS, ruled=ruled, widths=FLOOD_WIDTHS)]
    SimpleDocTemplate(str(pdf), pagesize=landscape(A4)).build(flow)
    extraction = extract_plan(pdf)
    assert [c.header for c in extraction.source.columns] == list(FLOOD_HEADER)
    assert [(r.id, r.owners, dict(r.extra)) for r in extraction.records] == [
        ("R1", ("Flood Risk Manager",), {"Date closed": "14/10/2025", "Comments": ""}),
        ("R2", ("Highways Manager",), {"Date closed": "", "Comments": "Check in May"}),
    ]


TREES_HEADER = ("Recommendation", "Action", "Lead", "Timescale", "Status")
TREES_ROWS = [
    ["1. Plant 50,000 trees on council land by 2030.", "Map land and plant each winter.", "Parks Manager"],
    ["2. Manage road verges for biodiversity.", "Change mowing regimes.", "Parks Manager"],
]
TREES_ROWS[0] += ["Ongoing", "On track"]
TREES_ROWS[1] += ["Spring 2026", "Not started"]
TREES_WIDTHS = (172, 160, 90, 80, 70)  # the first recommendation wraps before "2030."
ZEBRA = [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.HexColor("#E8E8E8"), colors.white])]


@pytest.mark.parametrize("style", [(), ZEBRA], ids=["borderless", "zebra"])
def test_wrapped_line_starting_with_a_year_is_no_label(tmp_path: Path, style: Sequence[tuple[Any, ...]]) -> None:
    pdf = build(
        tmp_path / "wrapped_year.pdf",
        [para("Tree plan", TITLE), table(TREES_HEADER, TREES_ROWS, ruled=False, widths=TREES_WIDTHS, style=style)],
    )
    lines = [ln for ln in words_to_lines(_words(pdf)) if ln.text.startswith("2030.")]
    assert lines, "the drawing must wrap the first recommendation before its year"
    records = extract_plan(pdf).records
    assert [(r.id, r.label, r.recommendation, r.owners, r.status.text) for r in records] == [
        ("R1", "1.", "Plant 50,000 trees on council land by 2030.", ("Parks Manager",), "On track"),
        ("R2", "2.", "Manage road verges for biodiversity.", ("Parks Manager",), "Not started"),
    ]


def test_rows_set_tight_without_full_stops_still_start_at_their_labels(tmp_path: Path) -> None:
    # No padding between rows and no full stop at the ends: only the labels' sequence tells the rows apart.
    rows = [
        [f"{i}. Plant trees in ward {i}", f"Survey ward {i}", "Parks Manager", "Ongoing", "On track"] for i in (1, 2, 3)
    ]
    tight = [("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
    pdf = build(tmp_path / "tight.pdf", [para("Tree plan", TITLE), table(TREES_HEADER, rows, ruled=False, style=tight)])
    records = extract_plan(pdf).records
    assert [(r.id, r.recommendation, r.proposed_actions) for r in records] == [
        (f"R{i}", f"Plant trees in ward {i}", f"Survey ward {i}") for i in (1, 2, 3)
    ]


def _words(pdf: Path) -> list[Word]:
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        return [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], 9.0) for w in opened.pages[0].extract_words()]


DIGITAL_HEADER = ("Ref", "Recommendation", "Action", "Lead", "Due by", "Progress update", "Status")
DIGITAL_ROWS = [
    ["1", "Help residents get online.", "Run drop-in sessions.", "Digital Inclusion Officer", "Ongoing"],
    ["2", "Lend laptops.", "Set up a device bank.", "ICT Service Desk Manager", "Complete"],
    ["3", "Free Wi-Fi in council buildings.", "Upgrade public Wi-Fi.", "Head of ICT", "Q4 2025/26"],
]
DIGITAL_ROWS[0] += ["38 sessions a month.", "On track"]
DIGITAL_ROWS[1] += ["312 devices lent.", "Complete"]
DIGITAL_ROWS[2] += ["Survey complete.", "On track"]


@pytest.mark.parametrize("blank_rows", [0, 1, 2])
def test_spreadsheet_title_rows_inside_the_gridlines(tmp_path: Path, blank_rows: int) -> None:
    # As a spreadsheet prints with gridlines on: the title in the grid's first row (its text running over the
    # empty cells beside it, so no lines between them), empty rows, then the header and the plan.
    width = len(DIGITAL_HEADER)
    data = [["Digital Inclusion Action Plan 2025/26", *[""] * (width - 1)], *[[""] * width] * blank_rows]
    data += [[para(h, HEAD) for h in DIGITAL_HEADER], *[[para(c) for c in row] for row in DIGITAL_ROWS]]
    grid = Table(
        data,
        colWidths=(30, 150, 130, 120, 60, 130, 50),
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("SPAN", (0, 0), (3, 0)),
                ("FONTNAME", (0, 0), (0, 0), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )
    pdf = tmp_path / "excel.pdf"
    SimpleDocTemplate(str(pdf), pagesize=landscape(A4)).build([grid])
    extraction = extract_plan(pdf)
    assert extraction.source.title == "Digital Inclusion Action Plan 2025/26"
    assert [(r.id, r.recommendation, r.owners, r.timescale.text, r.status.text) for r in extraction.records] == [
        ("R1", "Help residents get online.", ("Digital Inclusion Officer",), "Ongoing", "On track"),
        ("R2", "Lend laptops.", ("ICT Service Desk Manager",), "Complete", "Complete"),
        ("R3", "Free Wi-Fi in council buildings.", ("Head of ICT",), "Q4 2025/26", "On track"),
    ]


TIERS_TOP = ("Recommendation", "", "Action", "Lead officer", "Timescale", "Progress", "", "Status")
TIERS_SUB = ("No.", "Text", "", "", "", "Q1 update", "Q2 update", "")
TIERS_ROWS = [
    ["1", "Publish repairs performance for each estate.", "Add estate figures to the newsletter."],
    ["2", "Review the repairs contract.", "Negotiate a variation."],
]
TIERS_ROWS[0] += ["Performance Manager", "Q3 2025/26", "Data cleansed.", "First tables published.", "On track"]
TIERS_ROWS[1] += ["Head of Procurement", "TBC", "Draft sent.", "Variation signed.", "Complete"]
# Cells over two columns ("Recommendation", "Progress") and cells down both header rows.
TIERS_SPANS = [("SPAN", (0, 0), (1, 0)), ("SPAN", (5, 0), (6, 0))]
TIERS_SPANS += [("SPAN", (c, 0), (c, 1)) for c in (2, 3, 4, 7)]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
def test_two_row_header_names_columns_from_group_and_sub_header(tmp_path: Path, ruled: bool) -> None:
    data = [[para(h, HEAD) for h in TIERS_TOP], [para(h, HEAD) for h in TIERS_SUB]]
    data += [[para(c) for c in row] for row in TIERS_ROWS]
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), *TIERS_SPANS]
    if ruled:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    grid = Table(data, colWidths=(30, 150, 140, 90, 70, 100, 100, 60), repeatRows=2, style=TableStyle(commands))
    pdf = tmp_path / "two_tier.pdf"
    SimpleDocTemplate(str(pdf), pagesize=landscape(A4)).build([para("Repairs plan", TITLE), grid])
    extraction = extract_plan(pdf)
    assert [(c.field, c.header) for c in extraction.source.columns] == [
        ("label", "Recommendation No."),
        ("recommendation", "Recommendation Text"),
        ("proposed_actions", "Action"),
        ("owners", "Lead officer"),
        ("timescale", "Timescale"),
        ("extra", "Progress Q1 update"),
        ("progress", "Progress Q2 update"),
        ("status", "Status"),
    ]
    assert [(r.id, r.recommendation, r.progress, dict(r.extra), r.status.text) for r in extraction.records] == [
        ("R1", TIERS_ROWS[0][1], "First tables published.", {"Progress Q1 update": "Data cleansed."}, "On track"),
        ("R2", TIERS_ROWS[1][1], "Variation signed.", {"Progress Q1 update": "Draft sent."}, "Complete"),
    ]
