"""The round's meta file (`--meta paper.toml`) and the one reporting date of a round.

Two dates are kept apart everywhere: a revision's own **revision date** (set at ingest: the date the plan
stands at) and a round's **reporting date**: the date overdue, slipped and stale flags are worked out at.
The tracker, the owner workbooks and the paper take the reporting date from the same place, `reporting_date`:
`--as-of`, else the meta file's `meeting_date` (or a date written in `to`), else today.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.cleaning import clean_text
from pipeline.errors import ConfigError
from pipeline.settings import kind_of, read_toml
from pipeline.timescales import Conventions, clean_timescale, read_period

# Style roles a council template may rename (the paper's `[styles]` table).
STYLE_ROLES = ("title", "h1", "h2", "normal", "table", "bullet")

META_KEYS = (
    "plan_name",
    "from",
    "to",
    "subject",
    "decision_no",
    "classification",
    "past_pathway",
    "future_pathway",
    "electoral_divisions",
    "summary",
    "recommendations",
    "author",
    "contact",
    "background_documents",
    "meeting_date",
    "return_by",
    "styles",
)
# What each meta key holds: text, text or a list of text (joined or listed), a date, or something of its own.
META_TEXT = ("plan_name", "subject", "summary", "recommendations", "author")
META_TEXT_OR_LIST = (
    "from",
    "to",
    "decision_no",
    "classification",
    "past_pathway",
    "future_pathway",
    "electoral_divisions",
    "contact",
    "background_documents",
)
META_DATES = ("meeting_date", "return_by")


def clean_meta_text(text: str) -> str:
    """Given text from the meta file, return it without NUL and control characters (tabs and line breaks stay)."""
    return clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))


def load_meta(path: Path | None) -> dict[str, Any]:
    """Given the round's meta file (TOML, every key optional), return its settings: text cleaned, dates read.

    An unknown key, a key of the wrong type, or a date that is not a real date is a ConfigError naming the key.
    """
    if path is None:
        return {}
    return check_meta(read_toml(path, "meta file"), str(path), fix="fix it in the meta file")


def check_meta(raw: Mapping[str, Any], where: str, *, fix: str = "") -> dict[str, Any]:
    """Given meta settings as read (a meta file's table, or the values of a form), return them checked as a meta
    file's are: text cleaned, dates read (a date, or text YYYY-MM-DD).

    An unknown key, a key of the wrong type, or a date that is not a real date is a ConfigError naming `where`
    and the key; `fix` ends its message, saying where to fix it ("fix it in the meta file").
    """
    unknown = sorted(set(raw) - set(META_KEYS))
    if unknown:
        raise ConfigError(where, f"unknown keys {', '.join(unknown)} (known: {', '.join(META_KEYS)})")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            out[key] = _meta_value(key, value)
        except ValueError as error:
            raise ConfigError(where, f"{key} {error}" + (f"; {fix}" if fix else "")) from None
    return out


def _meta_value(key: str, value: Any) -> Any:
    """Given a meta key and its value, return the value checked and cleaned; ValueError says what is wrong."""
    if key in META_DATES:
        return read_date(value)
    if key == "styles":
        if not isinstance(value, dict):
            raise ValueError(f'should be a table of style names, e.g. {{ h1 = "Heading 1" }}, not {kind_of(value)}')
        for role, style in value.items():
            if not isinstance(style, str):
                raise ValueError(f"{role} should be a style name in quotes, not {kind_of(style)}")
        unknown = sorted(set(value) - set(STYLE_ROLES))
        if unknown:
            raise ValueError(f"names unknown parts {', '.join(unknown)} (known: {', '.join(STYLE_ROLES)})")
        return {k: clean_meta_text(v) for k, v in value.items()}
    if isinstance(value, str):
        return clean_meta_text(value)
    if key in META_TEXT_OR_LIST and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [clean_meta_text(v) for v in value]
    wanted = "text in quotes" if key in META_TEXT else "text in quotes, or a list of texts"
    raise ValueError(f"should be {wanted}, not {kind_of(value)}")


def read_date(value: Any) -> date:
    """Given a TOML value (a date, or text YYYY-MM-DD), return the date; ValueError says what is wrong."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f'"{value}" is not a date: write a real date as YYYY-MM-DD, e.g. 2016-01-21') from None
    raise ValueError(f"should be a date such as 2016-01-21, not {kind_of(value)}")


def meeting_date(meta: dict[str, Any]) -> date | None:
    """Given the meta settings (from `load_meta`), return the meeting date: `meeting_date`, else a date written in `to`."""
    value = meta.get("meeting_date")
    if isinstance(value, date):
        return value
    m = re.search(r"\b(\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})\b", str(meta.get("to", "")))
    if m:
        period = read_period(clean_timescale(m.group(1)), Conventions())
        if period:
            return period[0]
    return None


def reporting_date(as_of: date | None, meta: dict[str, Any], today: date | None = None) -> date:
    """The round's reporting date: `--as-of`, else the meta file's meeting date, else today."""
    return as_of or meeting_date(meta) or today or date.today()


def contact_of(meta: dict[str, Any]) -> tuple[str, str]:
    """Given the meta settings, return the round's contact as (name, email); either may be empty.

    `contact` is text or a list of texts: the email is the first that holds "@", the name the first that does not.
    """
    value = meta.get("contact") or []
    items = [value] if isinstance(value, str) else list(value)
    email = next((v.strip() for v in items if "@" in v), "")
    name = next((v.strip() for v in items if "@" not in v and v.strip()), "")
    return name, email


def long_date(when: date | str | None) -> str:
    """Given a date (or ISO text), return it as a UK long date ("21 January 2016"); empty for none."""
    if when is None or when == "":
        return ""
    if isinstance(when, str):
        try:
            day = date.fromisoformat(when)
        except ValueError:
            return when
    else:
        day = when
    return f"{day.day} {day:%B %Y}"
