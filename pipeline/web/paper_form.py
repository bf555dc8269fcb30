"""The committee paper's form: one control per key of the round's meta file, and the values between the two.

The keys, and which hold dates or lists, are `pipeline.meta`'s; the labels of the header block are the
paper's own (`pipeline.paper_content.HEADER_LABELS`). Only how each is asked for on a page lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pipeline.meta import META_DATES, META_KEYS, META_TEXT_OR_LIST
from pipeline.paper_content import HEADER_LABELS

Kind = Literal["text", "lines", "date", "long"]

# Labels and hints for the keys the paper's header block does not name.
_OTHER_LABELS = {
    "plan_name": ("Plan name", "How the paper names the plan in its text. Leave empty to use its printed title."),
    "meeting_date": (
        "Meeting date (the reporting date)",
        "Overdue, slipped and no new progress are worked out at this date. Leave empty for today.",
    ),
    "return_by": ("Owners return workbooks by", "The date printed on owner workbooks."),
    "author": ("Author", ""),
    "contact": ("Contact", "A name on one line and an email address on the next."),
    "background_documents": ("Background documents", "One on each line."),
    "summary": ("Summary", "Leave empty for the summary the paper writes itself."),
    "recommendations": ("Recommendations", "Leave empty for “The Committee is asked to NOTE …”."),
}
_LONG = ("summary", "recommendations")


@dataclass(frozen=True)
class MetaField:
    """One control of the form: the meta key it fills, its label, a hint, and how it is typed."""

    key: str
    label: str
    hint: str
    kind: Kind


def _kind(key: str) -> Kind:
    if key in META_DATES:
        return "date"
    if key in _LONG:
        return "long"
    if key in META_TEXT_OR_LIST:
        return "lines"
    return "text"


def meta_fields() -> tuple[MetaField, ...]:
    """Return the form's controls, in the meta file's order (its `styles` table is for a template, not here)."""
    labels = {key: (label, "") for key, label in HEADER_LABELS} | _OTHER_LABELS
    hints = {"to": "The committee and its meeting, e.g. “Scrutiny Committee – 21 January 2016”."}
    out = []
    for key in META_KEYS:
        if key == "styles":
            continue
        label, hint = labels.get(key, (key.replace("_", " ").capitalize(), ""))
        out.append(MetaField(key, label, hints.get(key, hint), _kind(key)))
    return tuple(out)


def form_to_meta(form: Mapping[str, Any]) -> dict[str, Any]:
    """Given the form's values, return them as a meta file would hold them: empty ones left out, a control of
    several lines as a list of its lines (one line as text), dates as YYYY-MM-DD text."""
    raw: dict[str, Any] = {}
    for field in meta_fields():
        value = form.get(field.key)
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            continue
        if field.kind == "lines":
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            raw[field.key] = lines[0] if len(lines) == 1 else lines
        else:
            raw[field.key] = text
    return raw


def meta_to_values(meta: Mapping[str, Any] | None) -> dict[str, str]:
    """Given meta settings (as `pipeline.meta.load_meta` returns them), return the form's values: dates as
    YYYY-MM-DD, lists one item a line."""
    values: dict[str, str] = {}
    for key, value in (meta or {}).items():
        if isinstance(value, date):
            values[key] = value.isoformat()
        elif isinstance(value, (list, tuple)):
            values[key] = "\n".join(str(v) for v in value)
        elif isinstance(value, str):
            values[key] = value
    return values
