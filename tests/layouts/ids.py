"""Plans whose labels give ids with care: several actions for one recommendation, duplicate labels and rows."""

from __future__ import annotations

from pathlib import Path

from tests.layouts.base import TEXT, Case, Col, Item, Look, Section, frame_width, plan_entry
from tests.layouts.tables import SHADED_COLUMNS
from tests.layouts.truth import draw_plan

# ---------------------------------------------------------------- 9. several actions for one recommendation


SEVERAL_COLUMNS = (
    Col("recommendation", "Recommendation", 2.5),
    Col("proposed_actions", "Action", 2.8),
    Col("owners", "Owner", 1.4),
    Col("timescale", "Timescale", 1.0),
    Col("status", "Status", 1.1),
)
SUB_ACTIONS = (2, 18, 11)  # the rows whose actions, owners and timescales R3's three actions take


def _several_actions(sub_labels: bool) -> list[Item]:
    """R1, R2, R3 with three actions, R4 to R8: R3's actions share its recommendation, or have their own and a label."""
    shared = TEXT["rows"][2]["recommendation"]
    items: list[Item] = [Section(TEXT["themes"][1])]
    for n, i in ((1, 0), (2, 1)):
        items.append(plan_entry(i, str(n) if sub_labels else f"R{n}.", f"R{n}"))
    for k, i in enumerate(SUB_ACTIONS, start=1):
        if sub_labels:
            items.append(plan_entry(i, f"3.{k}", f"R3.{k}", parent="R3"))
        else:
            items.append(plan_entry(i, "R3.", f"R3.{k}", parent="R3", recommendation=shared, continues=k > 1))
    for n, i in ((4, 3), (5, 4), (6, 5), (7, 6), (8, 7)):
        items.append(plan_entry(i, str(n) if sub_labels else f"R{n}.", f"R{n}"))
    return items


def make_several_actions_merged(out_dir: Path) -> Case:
    """A ruled plan where R3's first cell is merged down over its three action rows."""
    look = Look(SEVERAL_COLUMNS, frame_width("landscape"), size=10)
    pdf = out_dir / "several_actions_merged.pdf"
    return Case(
        pdf,
        draw_plan(pdf, _several_actions(False), look, title="Social Value Review: Action Plan"),
        "R3's first cell merged over three action rows (no rule across the first column): records R3.1–R3.3 "
        "with parent R3, each with the shared recommendation (and label 'R3.'), and no R3",
    )


def make_several_actions_borderless(out_dir: Path) -> Case:
    """The same plan with no rules: the first cell of R3's second and third action rows is simply empty."""
    look = Look(SEVERAL_COLUMNS, frame_width("landscape"), size=10, ruling="none", merge_first=False)
    pdf = out_dir / "several_actions_borderless.pdf"
    return Case(
        pdf,
        draw_plan(pdf, _several_actions(False), look, title="Social Value Review: Action Plan"),
        "borderless; R3's second and third action rows have an empty first cell: records R3.1–R3.3 with parent R3",
    )


def make_several_actions_sub_labels(out_dir: Path) -> Case:
    """A plan whose Ref column prints its own sub-labels 3.1, 3.2, 3.3."""
    look = Look((Col("label", "Ref", 0.45), *SEVERAL_COLUMNS), frame_width("landscape"), size=10)
    pdf = out_dir / "several_actions_sub_labels.pdf"
    return Case(
        pdf,
        draw_plan(pdf, _several_actions(True), look, title="Social Value Review: Action Plan"),
        "a Ref column holding 1, 2, 3.1, 3.2, 3.3, 4: ids R3.1–R3.3 with parent R3",
    )


# ---------------------------------------------------------------- 11. duplicate labels and duplicate rows


def make_duplicate_labels(out_dir: Path) -> Case:
    """A plan printing "R2." twice by mistake: the second R2 becomes R2-2."""
    labels = [("R1.", "R1"), ("R2.", "R2"), ("R2.", "R2-2"), *((f"R{n}.", f"R{n}") for n in range(3, 8))]
    items = [plan_entry(i, label, ident) for i, (label, ident) in enumerate(labels)]
    look = Look(SHADED_COLUMNS, frame_width("landscape"), size=10)
    pdf = out_dir / "duplicate_labels.pdf"
    return Case(
        pdf,
        draw_plan(pdf, items, look, title="Waste Management Review: Action Plan"),
        "'R2.' printed twice (a typo): ids R1, R2, R2-2, R3 … R7",
    )


def make_duplicate_rows(out_dir: Path) -> Case:
    """An unlabelled plan with two identical rows: the second gets the first's generated id + "-2"."""
    entries = [plan_entry(i, "", None) for i in range(7)]
    items = [*entries[:3], entries[1], *entries[3:]]
    look = Look(SHADED_COLUMNS, frame_width("landscape"), size=10)
    pdf = out_dir / "duplicate_rows.pdf"
    return Case(
        pdf,
        draw_plan(pdf, items, look, title="Waste Management Review: Action Plan"),
        "unlabelled; rows 2 and 4 identical: records in order, the fourth's id is the second's + '-2'",
    )
