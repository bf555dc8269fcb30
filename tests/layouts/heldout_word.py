"""Held-out plans drawn as Word tables and exported by LibreOffice: a borderless executive response with section
rows, banded fills, recommendations merged down over actions that cross a page, a plan in a report's appendix, a
two-column response with bullets, two update columns, banner rows, and two tables that are no plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.layouts.base import Case, Col, Entry, Item, Section
from tests.layouts.heldout import HELDOUT, columns_of, page_count, records_as_read
from tests.layouts.truth import first_pages, truth
from tests.layouts.word import (
    add_table,
    add_text,
    export,
    new_document,
    set_widths,
    shade,
    turn_page,
    word_element,
    write_cell,
)

STATUS_FILLS = {"Green": "00B050", "Amber": "FFC000", "Red": "FF0000", "Complete": "5B9BD5"}


def page_with(pdf: Path, text: str) -> int:
    """The first page of a PDF that prints `text` on one line."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return next(i for i, page in enumerate(doc.pages, start=1) if text in (page.extract_text() or ""))


def plan_case(
    pdf: Path,
    title: str,
    columns: Sequence[Col],
    items: Sequence[Item],
    pages: Sequence[int],
    note: str,
    *,
    tables: Sequence[tuple[int, int, str]] = (),
) -> Case:
    """A case whose tables are those given, else one plan table from its first row's page to the document's end."""
    spans = tables or [(pages[0], page_count(pdf), "plan")]
    return Case(pdf, truth(title, columns, records_as_read(items, pages), spans), note)


# ---------------------------------------------------------------- the plans


def make_exec_response_borderless(out_dir: Path) -> Case:
    """An executive response with no borders at all, its recommendations grouped under bold full-width sections."""
    text = HELDOUT["exec_response_borderless"]
    fields = ("label", "recommendation", "extra", "proposed_actions", "owners", "timescale")
    doc = new_document(text["title"], margin=17, size=9)
    add_text(doc, text["committee"], size=12, bold=True)
    add_text(doc, text["title"], size=14, bold=True)
    add_text(doc, text["intro"], after=8)
    table = add_table(doc, text["headers"], rule="none")
    items: list[Item] = []
    for i, (section, recommendation, decision, response, lead, timescale) in enumerate(text["rows"], start=1):
        if Section(text["sections"][section]) not in items:
            items.append(Section(text["sections"][section]))
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            write_cell(merged, text["sections"][section], bold=True, before=8)
        cells = table.add_row().cells
        for cell, value in zip(cells, (str(i), recommendation, decision, response, lead, timescale), strict=True):
            write_cell(cell, value, before=6)
        extra = {text["headers"][2]: decision}
        items.append(Entry(str(i), f"R{i}", recommendation, response, timescale, (lead,), extra=extra))
    set_widths(table, text["widths"])
    add_text(doc, "")
    add_text(doc, text["sign_off"])
    pdf = export(doc, out_dir, "exec_response_borderless")
    entries = [e for e in items if isinstance(e, Entry)]
    pages = first_pages(pdf, [e.recommendation for e in entries], ("Recommendation", "Accepted"))
    return plan_case(
        pdf,
        text["title"],
        columns_of(text, fields),
        items,
        pages,
        "Word table with no borders: bold section rows spanning the table are themes; 'Accepted / Rejected' is extra; "
        "the signature after the table is no part of R10",
    )


def make_shaded_banded(out_dir: Path) -> Case:
    """A plan with a dark header of white text, thin grey rules and every other row filled pale blue."""
    text = HELDOUT["shaded_banded"]
    fields = ("label", "recommendation", "proposed_actions", "owners", "timescale", "progress", "status")
    doc = new_document(text["title"], landscape=True, margin=18)
    add_text(doc, text["title"], size=16, bold=True)
    add_text(doc, text["subtitle"], after=6)
    table = add_table(doc, text["headers"], fill="1F3864", colour="FFFFFF", rule="BFBFBF")
    entries = []
    for i, row in enumerate(text["rows"]):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            write_cell(cell, value)
            if i % 2:
                shade(cell, "DEEAF6")
        ref, recommendation, action, owner, date, progress, status = row
        entries.append(Entry(ref, ref, recommendation, action, date, (owner,), progress, status))
    set_widths(table, text["widths"])
    pdf = export(doc, out_dir, "shaded_banded")
    pages = first_pages(pdf, [e.recommendation for e in entries], ("Recommendation", "Action"))
    return plan_case(
        pdf,
        text["title"],
        columns_of(text, fields),
        entries,
        pages,
        "Word table: dark header with white text, thin grey rules, alternate rows filled; R4's progress is empty",
    )


def make_vmerge_across_pages(out_dir: Path) -> Case:
    """Each recommendation's Ref and text merged down over its actions, one such group running over a page break."""
    text = HELDOUT["vmerge_across_pages"]
    doc = new_document(text["title"])
    add_text(doc, text["title"], size=14, bold=True, after=10)
    add_text(doc, text["intro"] * text["intro_repeat"], after=10)
    table = add_table(doc, text["headers"], fill="E2EFD9")
    entries = []
    for group in text["rows"]:
        for k, (action, fillers, owner, when) in enumerate(group["actions"], start=1):
            action += text["filler"] * fillers
            cells = table.add_row().cells
            for cell, value in zip(cells[2:], (action, owner, when), strict=True):
                write_cell(cell, value)
            for cell in cells[:2]:
                merge = word_element("w:vMerge", val="restart") if k == 1 else word_element("w:vMerge")
                cell._tc.get_or_add_tcPr().append(merge)
            if k == 1:
                write_cell(cells[0], group["label"])
                write_cell(cells[1], group["recommendation"])
            ident = f"{group['label']}.{k}"
            entries.append(
                Entry(group["label"], ident, group["recommendation"], action, when, (owner,), parent=group["label"])
            )
    set_widths(table, text["widths"])
    pdf = export(doc, out_dir, "vmerge_across_pages")
    pages = first_pages(pdf, [e.proposed_actions for e in entries], ("Action", "Lead"))
    return plan_case(
        pdf,
        text["title"],
        columns_of(text, ("label", "recommendation", "proposed_actions", "owners", "timescale")),
        entries,
        pages,
        "Word table whose Ref and Recommendation cells are merged down (w:vMerge) over two or three action rows, "
        "R3's over the page break: records R1.1 … R4.3, each with its recommendation and parent",
    )


def make_report_appendix(out_dir: Path) -> Case:
    """A portrait report to Cabinet (cover, numbered prose), the plan as a landscape appendix, then a contacts table."""
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    text = HELDOUT["report_appendix"]
    doc = new_document(text["cover"][2][0], margin=25, size=11)
    for line, size in text["cover"]:
        add_text(doc, line, size=size, bold=size > 11, after=14)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for heading, paragraphs, repeat in text["sections"]:
        add_text(doc, heading, size=13, bold=True, before=12, after=6)
        chapter = heading.split(".")[0]
        for k, paragraph in enumerate(paragraphs * repeat, start=1):
            numbered = add_text(doc, f"{chapter}.{k}\t{paragraph}", after=8)
            numbered.paragraph_format.left_indent, numbered.paragraph_format.first_line_indent = Mm(12), Mm(-12)
    turn_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    add_text(doc, text["appendix"], size=14, bold=True, after=8)
    table = add_table(doc, text["headers"], fill="C6D9F1")
    for row in text["rows"]:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            write_cell(cell, value)
    set_widths(table, text["widths"])
    turn_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    add_text(doc, text["background_heading"], size=13, bold=True)
    add_text(doc, text["background"][0])
    add_text(doc, text["background"][1], after=12)
    add_text(doc, text["contacts_heading"], size=13, bold=True)
    contacts = doc.add_table(rows=0, cols=2)
    contacts.style = "Table Grid"
    for name, value in text["contacts"]:
        cells = contacts.add_row().cells
        write_cell(cells[0], name, bold=True)
        write_cell(cells[1], value)
    set_widths(contacts, (50, 110))
    pdf = export(doc, out_dir, "report_appendix")
    plan_page = page_with(pdf, text["appendix"])
    entries = [
        Entry(r[0], f"R{r[0]}", r[1], r[3], r[5], (r[4],), extra={text["headers"][2]: r[2]}) for r in text["rows"]
    ]
    pages = first_pages(pdf, [e.recommendation for e in entries], ("Scrutiny", "Cabinet"), header_page=plan_page)
    last = page_count(pdf)
    return plan_case(
        pdf,
        text["appendix"],
        columns_of(text, ("label", "recommendation", "extra", "proposed_actions", "owners", "timescale")),
        entries,
        pages,
        "a portrait report with numbered paragraphs; the plan is a landscape appendix ('Cabinet response' is extra, "
        "'Proposed action' the proposed actions), followed by a two-column contacts table that is no plan",
        tables=[(plan_page, plan_page, "plan"), (last, last, "other")],
    )


def make_two_column_bullets(out_dir: Path) -> Case:
    """Two columns: "Recommendation N" in bold over its text, and a response of paragraphs and bullet lists."""
    from docx.shared import Pt

    text = HELDOUT["two_column_bullets"]
    doc = new_document(text["title"], size=11)
    add_text(doc, text["title"], size=15, bold=True)
    add_text(doc, text["intro"], after=10)
    table = add_table(doc, text["headers"], fill="E7E6E6")
    entries = []
    for i, row in enumerate(text["rows"], start=1):
        cells = table.add_row().cells
        write_cell(cells[0], f"Recommendation {i}", bold=True)
        cells[0].add_paragraph(row["recommendation"]).paragraph_format.space_before = Pt(6)
        write_cell(cells[1], row["response"], gap=6)
        response = "\n".join(f"• {p[2:]}" if p.startswith("* ") else p for p in row["response"])
        entries.append(Entry(f"Recommendation {i}", f"R{i}", row["recommendation"], response))
    set_widths(table, text["widths"])
    pdf = export(doc, out_dir, "two_column_bullets")
    needles = [f"{e.label} {e.recommendation}" for e in entries]
    pages = first_pages(pdf, needles, ("Recommendation", "Executive"))
    return plan_case(
        pdf,
        text["title"],
        columns_of(text, ("recommendation", "proposed_actions")),
        entries,
        pages,
        "two-column Word table: label 'Recommendation N' in bold above the text in the first cell; responses mix "
        "paragraphs and Word bullet lists, kept as lines starting '•'",
    )


def make_two_updates_status_fill(out_dir: Path) -> Case:
    """A monitoring plan with two dated update columns and status cells filled in their colour."""
    text = HELDOUT["two_updates_status_fill"]
    fields = ("label", "recommendation", "proposed_actions", "owners", "timescale", "extra", "progress", "status")
    doc = new_document(text["title"], landscape=True, margin=15, size=9)
    add_text(doc, text["title"], size=14, bold=True)
    add_text(doc, text["subtitle"], after=8)
    table = add_table(doc, text["headers"], fill="FBE4D5")
    entries = []
    for row in text["rows"]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            write_cell(cell, value)
        shade(cells[7], STATUS_FILLS[row[7]])
        number, recommendation, action, lead, date, earlier, latest, status = row
        extra = {text["headers"][5]: earlier}
        entries.append(Entry(number, f"R{number}", recommendation, action, date, (lead,), latest, status, extra=extra))
    set_widths(table, text["widths"])
    pdf = export(doc, out_dir, "two_updates_status_fill")
    pages = first_pages(pdf, [e.recommendation for e in entries], ("Recommendation", "Action"))
    return plan_case(
        pdf,
        text["title"],
        columns_of(text, fields),
        entries,
        pages,
        "two update columns: the latest (Q2) is the progress and the earlier (Q1) is extra; status cells filled "
        "green, amber, red or blue; R5's Q2 update is empty",
    )


def make_banner_recommendations(out_dir: Path) -> Case:
    """Each recommendation printed as a grey banner row ("Recommendation 1: …") above its numbered action rows."""
    text = HELDOUT["banner_recommendations"]
    doc = new_document(text["title"], landscape=True)
    add_text(doc, text["title"], size=14, bold=True, after=10)
    table = add_table(doc, text["headers"], fill="404040", colour="FFFFFF")
    items: list[Item] = []
    for group in text["rows"]:
        banner = f"{group['banner']}: {group['recommendation']}"
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        write_cell(merged, banner, bold=True)
        shade(merged, "D9D9D9")
        items.append(Section(banner))
        parent = "R" + group["banner"].split()[1]
        for ref, action, lead, date, status in group["actions"]:
            for cell, value in zip(table.add_row().cells, (ref, action, lead, date, status), strict=True):
                write_cell(cell, value)
            items.append(
                Entry(ref, f"R{ref}", group["recommendation"], action, date, (lead,), status=status, parent=parent)
            )
    set_widths(table, text["widths"])
    pdf = export(doc, out_dir, "banner_recommendations")
    actions = [e.proposed_actions for e in items if isinstance(e, Entry)]
    return plan_case(
        pdf,
        text["title"],
        columns_of(text, ("label", "proposed_actions", "owners", "timescale", "status")),
        items,
        first_pages(pdf, actions, ("Action", "Lead")),
        "a grey full-width banner 'Recommendation N: …' above its action rows 1.1, 1.2: each action's "
        "recommendation is the banner's text, its theme the whole banner and its parent RN",
    )


# ---------------------------------------------------------------- tables that are no plan


def _plain_table(
    name: str, out_dir: Path, *, fill: str, colour: str = "", landscape: bool, size: float, rag: int | None = None
) -> Path:
    """Given a case's name, draw its titled table, filling column `rag` (if any) in its cells' colours."""
    text = HELDOUT[name]
    doc = new_document(text["title"], landscape=landscape)
    add_text(doc, text["title"], size=size, bold=True, after=10)
    table = add_table(doc, text["headers"], fill=fill, colour=colour)
    for row in text["rows"]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            write_cell(cell, value)
        if rag is not None:
            shade(cells[rag], STATUS_FILLS[row[rag]])
    set_widths(table, text["widths"])
    return export(doc, out_dir, name)


def make_risk_register(out_dir: Path) -> Case:
    """A corporate risk register: risks, likelihood, impact, mitigation, owner and review date."""
    pdf = _plain_table("risk_register", out_dir, fill="D9D9D9", landscape=True, size=14)
    return Case(pdf, truth(None, (), []), "a risk register (Risk | Likelihood | Impact | Mitigation | Owner): no plan")


def make_performance_indicators(out_dir: Path) -> Case:
    """A table of performance indicators with target, actual, a RAG cell filled in its colour and commentary."""
    pdf = _plain_table(
        "performance_indicators", out_dir, fill="2F5496", colour="FFFFFF", landscape=False, size=13, rag=3
    )
    return Case(
        pdf, truth(None, (), []), "performance indicators (Indicator | Target | Actual | RAG | Commentary): no plan"
    )
