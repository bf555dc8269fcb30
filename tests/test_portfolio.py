"""Portfolio views: one tracker and one paper over three plans of different texts that share owner names."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.export.portfolio_tracker import sheet_names
from pipeline.portfolio import build_portfolio_paper, gather_portfolio
from pipeline.portfolio import sections as paper_sections
from pipeline.store import Store
from pipeline.update_round.workbooks import make_portfolio_tracker
from tests.conftest import require_tool
from tests.portfolio_store import PLANS, build_portfolio_store

AS_OF = date(2016, 1, 21)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = build_portfolio_store(tmp_path_factory.mktemp("portfolio"))
    yield opened
    opened.close()


def _counts(store: Store) -> dict[str, int]:
    plans = {p.name: p for p in store.plans()}
    return {name: len(store.records(store.revision(plans[name], None))) for name in PLANS}


def _body(doc: Any) -> list[Paragraph | Table]:
    """The document's paragraphs and tables in reading order."""
    out: list[Paragraph | Table] = []
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            out.append(Paragraph(child, doc))
        elif child.tag.endswith("}tbl"):
            out.append(Table(child, doc))
    return out


def _sections(doc: Any) -> list[tuple[str, list[Paragraph | Table]]]:
    """The document cut at each Heading 1: its text and what follows it."""
    sections: list[tuple[str, list[Paragraph | Table]]] = []
    for item in _body(doc):
        if isinstance(item, Paragraph) and item.style is not None and item.style.name == "Heading 1":
            sections.append((item.text, []))
        elif sections:
            sections[-1][1].append(item)
    return sections


def test_owner_names_are_shared_but_texts_differ(store: Store) -> None:
    portfolio = gather_portfolio(store, as_of=AS_OF)
    assert [v.plan.name for v in portfolio.plans] == list(PLANS)
    owners = [{o for f in v.flagged for o in f.owners} for v in portfolio.plans]
    texts = [{f.recommendation for f in v.flagged} for v in portfolio.plans]
    assert owners[0] & owners[1] and owners[1] == owners[2]
    assert not texts[0] & texts[1] and not texts[1] & texts[2]


def test_portfolio_tracker_has_every_plan(store: Store, tmp_path: Path) -> None:
    written = make_portfolio_tracker(store, tmp_path / "portfolio.xlsx", as_of=AS_OF)
    counts = _counts(store)
    wb = load_workbook(written.path)
    assert wb.sheetnames == ["Tracker", "Summary", *PLANS, "About"]
    main = wb["Tracker"]
    assert "21 January 2016" in str(main.cell(2, 1).value)
    header = [c.value for c in main[3]]
    assert header[:2] == ["Plan", "ID"]
    plans = [row[0] for row in main.iter_rows(min_row=4, values_only=True)]
    assert len(plans) == sum(counts.values())
    assert {name: plans.count(name) for name in PLANS} == counts
    for name in PLANS:
        sheet = wb[name]
        assert sheet.cell(3, 1).value == "ID"
        assert sheet.max_row - 3 == counts[name]
    summary = list(wb["Summary"].iter_rows(values_only=True))
    assert summary[0][0] == "Plan" and summary[0][-1] == "Total"
    by_plan = {row[0]: row[-1] for row in summary[1:]}
    assert by_plan == {**counts, "Total": sum(counts.values())}
    # the 2014-style plans print no status: every record is "not reported"
    status = summary[0].index("Not reported")
    assert summary[-1][status] >= counts["Highways"] + counts["Libraries"]
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True)}
    assert str(about["Reporting date"]).startswith("21 January 2016")


def test_sheet_names_fit_excel_and_differ() -> None:
    names = sheet_names(["Summary", "A/B: plan [x]", "A B  plan  x ", "x" * 40, "x" * 40])
    assert names[0] == "Summary 2"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_portfolio_paper_has_a_section_per_plan(store: Store, tmp_path: Path) -> None:
    written = build_portfolio_paper(store, tmp_path / "portfolio.docx", as_of=AS_OF)
    counts = _counts(store)
    names = [c.plan_name for c in paper_sections(written.portfolio)]
    doc = Document(str(written.path))
    sections = _sections(doc)
    assert [title for title, _ in sections] == [
        *(f"{i}.\t{name}" for i, name in enumerate(names, start=1)),
        "Appendix A: Items needing attention in every plan",
    ]
    for (_, items), plan in zip(sections, PLANS, strict=False):
        text = "\n".join(i.text for i in items if isinstance(i, Paragraph))
        assert "21 January 2016" in text
        counts_table = next(i for i in items if isinstance(i, Table))
        assert [c.text for c in counts_table.rows[-1].cells][:2] == ["Total", str(counts[plan])]
        assert "Changes since the last report" in text and "Items needing attention" in text
    changes = ["\n".join(i.text for i in items if isinstance(i, Paragraph)) for _, items in sections[:3]]
    assert "Compared with the" in changes[0] and "Status changes:" in changes[0]
    assert "This is the first report on this plan" in changes[1]
    assert "Timescales that changed:" in changes[2] and "December 2016" in changes[2]
    appendix = next(i for i in sections[-1][1] if isinstance(i, Table))
    assert [c.text for c in appendix.rows[0].cells][:2] == ["Plan", "ID"]
    listed = [tuple(c.text for c in row.cells) for row in appendix.rows[1:]]
    assert len({row[0] for row in listed}) >= 2 and {row[0] for row in listed} <= set(names)
    assert len(listed) == sum(len(c.attention) for c in paper_sections(written.portfolio))
    summary = next(p.text for p in doc.paragraphs if p.text.startswith("Summary:"))
    assert "3 action plans" in summary and "21 January 2016" in summary


@pytest.mark.parametrize(
    ("command", "output"), [("tracker", "portfolio.xlsx"), ("report", "portfolio.docx")], ids=["tracker", "report"]
)
def test_cli_all_plans(store: Store, tmp_path: Path, command: str, output: str) -> None:
    runner = CliRunner()
    out = runner.invoke(
        main, [command, "--all-plans", "--as-of", "2016-01-21", "-o", str(tmp_path / output), "--store", store.url]
    )
    assert out.exit_code == 0, out.output
    assert "3 plans, reporting date 21 January 2016" in out.stdout and (tmp_path / output).exists()
    assert all(f"  {name}: revision" in out.stdout for name in PLANS)
    wrong = runner.invoke(
        main, [command, "--all-plans", "--plan", PLANS[0], "-o", str(tmp_path / f"x-{output}"), "--store", store.url]
    )
    assert wrong.exit_code == 2 and "--all-plans" in wrong.stderr and not (tmp_path / f"x-{output}").exists()


def test_portfolio_paper_as_tagged_pdf(store: Store, tmp_path: Path) -> None:
    """`report --all-plans --pdf`: the Word paper and a tagged PDF of it, every plan's section in its text."""
    require_tool("soffice")
    out = CliRunner().invoke(
        main,
        [
            "report",
            "--all-plans",
            "--pdf",
            "--as-of",
            "2016-01-21",
            "-o",
            str(tmp_path / "all.docx"),
            "--store",
            store.url,
        ],
    )
    assert out.exit_code == 0, out.output
    pdf = tmp_path / "all.pdf"
    assert f"and {pdf}" in out.stdout and pdf.exists()
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    text = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sections = [(n, name) for n, name in re.findall(r"^(\d+\.)\n\n(.+)$", text, re.M) if name in PLANS]
    assert sections == [("1.", PLANS[0]), ("2.", PLANS[1]), ("3.", PLANS[2])]
    # A sub-section's number has no closing full stop.
    assert re.findall(r"^(\d+\.\d+\.?)\n\nProgress overview$", text, re.M) == ["1.1", "2.1", "3.1"]
    assert text.index("Appendix A: Items needing attention") > text.index("3.4")
