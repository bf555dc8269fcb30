"""Synthetic renderings of the table layouts real council plans showed, each with the records it should give.

One generator per failure class, `make_<name>(out_dir) -> Case`, all drawn in this package (ReportLab, or Word
through LibreOffice), so the tests need no outside files. A case's truth is what a person reading
the drawn pages would type: the title, the columns, every record cell by cell with the page its
row starts on, and (where it matters) the tables on the pages and which of them is the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.layouts.base import Case
from tests.layouts.heldout import make_audit_findings, make_header_wording, make_narrow_status, make_paren_sub_labels
from tests.layouts.heldout_word import (
    make_banner_recommendations,
    make_exec_response_borderless,
    make_performance_indicators,
    make_report_appendix,
    make_risk_register,
    make_shaded_banded,
    make_two_column_bullets,
    make_two_updates_status_fill,
    make_vmerge_across_pages,
)
from tests.layouts.ids import (
    make_duplicate_labels,
    make_duplicate_rows,
    make_several_actions_borderless,
    make_several_actions_merged,
    make_several_actions_sub_labels,
)
from tests.layouts.reports import make_landscape_in_portrait, make_plan_between_prose
from tests.layouts.tables import (
    make_horizontal_rules_n_title,
    make_second_table_after_plan,
    make_shaded_sections,
    make_two_column,
    make_two_column_centred,
    make_two_line_header,
    make_wrapped_owners,
)
from tests.layouts.word import LINE_SHADE, make_word_line_shading

__all__ = ["GENERATORS", "LINE_SHADE", "NEEDS", "NOT_PLANS", "Case"]

GENERATORS: dict[str, Callable[[Path], Case]] = {
    "shaded_sections": make_shaded_sections,
    "word_line_shading": make_word_line_shading,
    "horizontal_rules_n_title": make_horizontal_rules_n_title,
    "landscape_in_portrait": make_landscape_in_portrait,
    "two_column": make_two_column,
    "two_column_centred": make_two_column_centred,
    "two_line_header": make_two_line_header,
    "plan_between_prose": make_plan_between_prose,
    "second_table_after_plan": make_second_table_after_plan,
    "several_actions_merged": make_several_actions_merged,
    "several_actions_borderless": make_several_actions_borderless,
    "several_actions_sub_labels": make_several_actions_sub_labels,
    "wrapped_owners": make_wrapped_owners,
    "duplicate_labels": make_duplicate_labels,
    "duplicate_rows": make_duplicate_rows,
    # held out from the extractor's tuning
    "exec_response_borderless": make_exec_response_borderless,
    "shaded_banded": make_shaded_banded,
    "vmerge_across_pages": make_vmerge_across_pages,
    "report_appendix": make_report_appendix,
    "two_column_bullets": make_two_column_bullets,
    "audit_findings": make_audit_findings,
    "two_updates_status_fill": make_two_updates_status_fill,
    "narrow_status": make_narrow_status,
    "banner_recommendations": make_banner_recommendations,
    "header_wording": make_header_wording,
    "paren_sub_labels": make_paren_sub_labels,
}
# Tables that are no plan: extracting them must raise NoTableError.
NOT_PLANS: dict[str, Callable[[Path], Case]] = {
    "risk_register": make_risk_register,
    "performance_indicators": make_performance_indicators,
}
# The system tools a generator needs beyond Python packages.
NEEDS = {
    name: "soffice"
    for name in (
        "word_line_shading",
        "exec_response_borderless",
        "shaded_banded",
        "vmerge_across_pages",
        "report_appendix",
        "two_column_bullets",
        "two_updates_status_fill",
        "banner_recommendations",
        *NOT_PLANS,
    )
}
