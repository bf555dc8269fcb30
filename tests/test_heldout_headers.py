"""Plan layouts from a held-out probe (/tmp/heldout2), each drawn small here with ReportLab: headers and rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate

from pipeline.extraction import extract_plan
from tests.edges_draw import TITLE, para, table

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
