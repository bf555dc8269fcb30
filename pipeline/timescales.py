"""Read council timescales ("Early 2015", "Ongoing from Autumn 14", "Q3 2015/16") into dates. Pure.

Every answer carries the words as printed and a `rule` saying, in plain words,
how they were read. Anything we cannot read keeps its text and gets no dates:
we never guess.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: i
    for i in range(1, 13)
    for name in {calendar.month_name[i].lower(), calendar.month_abbr[i].lower(), calendar.month_name[i][:4].lower()}
}
MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class Conventions:
    """How vague words map to months: early/mid/late thirds and the seasons."""

    parts: tuple[tuple[str, int, int], ...] = (("early", 1, 4), ("mid", 5, 8), ("late", 9, 12))
    parts_rule: str = "thirds of the year"
    seasons: tuple[tuple[str, int, int], ...] = (
        ("spring", 3, 5),
        ("summer", 6, 8),
        ("autumn", 9, 11),
        ("fall", 9, 11),
        ("winter", 12, 2),
    )
    seasons_rule: str = "Met Office seasons"


@dataclass(frozen=True)
class Reading:
    """A timescale read into dates: start and end (inclusive, or None), ongoing, and the rule used."""

    start: date | None
    end: date | None
    ongoing: bool
    rule: str | None


UNREAD = Reading(None, None, False, None)


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(year: int, first: int, last: int) -> tuple[date, date]:
    """Given a year and a month range (wrapping into next year when last < first), return its dates."""
    end_year = year + 1 if last < first else year
    return date(year, first, 1), _last_day(end_year, last)


def _month_words(first: int, last: int) -> str:
    a, b = calendar.month_name[first], calendar.month_name[last]
    return a if first == last else f"{a} to {b}"


_YEAR = r"(?P<year>\d{4}|\d{2})"
_FY = r"(?:fy\s*|financial year\s*)?(?P<y1>\d{4}|\d{2})\s*[/-]\s*(?P<y2>\d{4}|\d{2})"


def _period(text: str, conv: Conventions) -> tuple[date, date, str] | None:
    """Given one normalised period ("april 2015", "autumn 14", "q3 2015/16"), return start, end and rule.

    Long on purpose: one flat list of the forms a period is printed in, tried in order, each with the rule
    that says how it was read; split up, the order that settles which form wins would be harder to see."""
    m = re.fullmatch(rf"(?:q|quarter\s*)(?P<q>[1-4])\s*(?:of\s*)?{_FY}", text)
    if m:
        y1, y2, q = _year(m["y1"]), _year(m["y2"]), int(m["q"])
        if y2 != y1 + 1:
            return None
        first = 4 + 3 * (q - 1) if q < 4 else 1
        year = y1 if q < 4 else y2
        start, end = _span(year, first, first + 2)
        return (
            start,
            end,
            f"Q{q} of financial year {y1}/{str(y2)[-2:]} = {_month_words(first, first + 2)} {year} (UK financial quarters from April)",
        )
    m = re.fullmatch(rf"(?:q|quarter\s*)(?P<q>[1-4])\s*{_YEAR}", text)
    if m:
        year, q = _year(m["year"]), int(m["q"])
        first = 1 + 3 * (q - 1)
        start, end = _span(year, first, first + 2)
        return start, end, f"Q{q} {year} = {_month_words(first, first + 2)} {year} (calendar quarter)"
    m = re.fullmatch(_FY, text)
    if m:
        y1, y2 = _year(m["y1"]), _year(m["y2"])
        if y2 != y1 + 1:
            return None
        return (
            date(y1, 4, 1),
            date(y2, 3, 31),
            f"{y1}/{str(y2)[-2:]} = UK financial year, 1 April {y1} to 31 March {y2}",
        )
    m = re.fullmatch(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH_RE})\.?,?\s+{_YEAR}", text)
    if m:
        return _day(int(m["d"]), MONTHS[m["m"]], _year(m["year"]), "a single date")
    m = re.fullmatch(r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<year>\d{4}|\d{2})", text)
    if m:
        return _day(int(m["d"]), int(m["m"]), _year(m["year"]), "a single date, day first as in the UK")
    m = re.fullmatch(r"(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})", text)
    if m:
        return _day(int(m["d"]), int(m["m"]), int(m["year"]), "a single date")
    m = re.fullmatch(rf"(?P<m>{_MONTH_RE})\.?(?:,?\s*|-){_YEAR}", text)  # "March 2016", "Mar-26" (Excel)
    if m:
        month, year = MONTHS[m["m"]], _year(m["year"])
        return date(year, month, 1), _last_day(year, month), f"{calendar.month_name[month]} {year} = the whole month"
    m = re.fullmatch(rf"h(?P<h>[12])\s*{_FY}", text)
    if m:
        y1, y2, h = _year(m["y1"]), _year(m["y2"]), int(m["h"])
        if y2 != y1 + 1:
            return None
        start, end = (date(y1, 4, 1), date(y1, 9, 30)) if h == 1 else (date(y1, 10, 1), date(y2, 3, 31))
        return (
            start,
            end,
            f"H{h} of financial year {y1}/{str(y2)[-2:]} = {'April to September' if h == 1 else 'October to March'} (UK financial halves from April)",
        )
    m = re.fullmatch(rf"h(?P<h>[12])\s*{_YEAR}", text)
    if m:
        year, h = _year(m["year"]), int(m["h"])
        start, end = _span(year, 1 + 6 * (h - 1), 6 + 6 * (h - 1))
        return start, end, f"H{h} {year} = {_month_words(start.month, end.month)} {year} (calendar half)"
    m = re.fullmatch(rf"winter\s*(?:of\s*)?{_FY}", text)
    if m:
        y1, y2 = _year(m["y1"]), _year(m["y2"])
        if y2 != y1 + 1:
            return None
        return date(y1, 12, 1), _last_day(y2, 2), f"Winter {y1}/{str(y2)[-2:]} = December {y1} to February {y2}"
    for name, first, last in conv.seasons:
        m = re.fullmatch(rf"{name}\s*(?:of\s*)?{_YEAR}", text)
        if m:
            year = _year(m["year"])
            start, end = _span(year, first, last)
            if end.year == year:
                span = f"{_month_words(first, last)} {year}"
            else:
                span = f"{calendar.month_name[first]} {year} to {calendar.month_name[last]} {end.year}"
            return start, end, f"{name.capitalize()} {year} = {span} ({conv.seasons_rule})"
    for name, first, last in conv.parts:
        m = re.fullmatch(rf"{name}[\s-]*(?:in\s*)?{_YEAR}", text)
        if m:
            year = _year(m["year"])
            start, end = _span(year, first, last)
            return (
                start,
                end,
                f"{name.capitalize()} {year} = {_month_words(first, last)} {year} (our convention: {conv.parts_rule})",
            )
    m = re.fullmatch(r"(?P<year>\d{4})", text)
    if m:
        year = int(m["year"])
        return date(year, 1, 1), date(year, 12, 31), f"{year} = the calendar year"
    return None


def _day(d: int, month: int, year: int, rule: str) -> tuple[date, date, str] | None:
    try:
        when = date(year, month, d)
    except ValueError:
        return None
    return when, when, f"{when.day} {calendar.month_name[when.month]} {when.year}: {rule}"


_ONGOING = r"(?:on[\s-]?going|continuous|continuing|rolling)"


def clean_timescale(text: str) -> str:
    """Given a timescale as printed, return it lower-cased with dashes and spacing made plain."""
    text = text.lower().replace("–", "-").replace("—", "-").replace("’", "'")
    text = re.sub(r"\s+", " ", text).strip(" .;:,")
    return text


def _range(text: str, conv: Conventions) -> tuple[date, date, str] | None:
    """Given "april - june 2015", "april 2015 to march 2016" or "spring/summer 2016", return the span of both
    ends (a slash or "and" joins only two month or season words, so "Q3/Q4 2015/16" is no range)."""
    words = "|".join([_MONTH_RE, *(name for name, _, _ in conv.seasons)])
    m = re.fullmatch(rf"(?P<a>{words})\s*(?:/|and|&)\s*(?P<b>(?:{words})\s*.+)", text) or re.fullmatch(
        r"(?:from\s+)?(?P<a>.+?)\s*(?:-|to|until|till)\s*(?P<b>.+)", text
    )
    if not m:
        return None
    b = _period(m["b"], conv)
    if b is None:
        return None
    a = _period(m["a"], conv)
    if a is None:
        year = re.search(r"\d{4}|\d{2}$", m["b"])
        a = _period(f"{m['a']} {year.group(0)}", conv) if year else None
    if a is None or a[0] > b[1]:
        return None
    return a[0], b[1], f"from {a[2]}, to {b[2]}"


def read_period(text: str, conv: Conventions) -> tuple[date, date, str] | None:
    """Given one normalised period or a range of two, return start, end and rule (None if unreadable)."""
    return _period(text, conv) or _range(text, conv)


def parse_timescale(printed: str, conv: Conventions | None = None) -> Reading:
    """Given a timescale as printed, return how it reads; an unreadable one has no dates and no rule."""
    conv = conv or Conventions()
    text = clean_timescale(printed)
    if not text:
        return UNREAD
    if re.fullmatch(rf"{_ONGOING}(?: basis)?", text):
        return Reading(None, None, True, "Ongoing = no end date, so never overdue")
    m = re.fullmatch(
        rf"(?:{_ONGOING}\s+from|starting(?:\s+from|\s+in)?|from|commencing|beginning)\s+(?P<p>.+?)(?:\s+onwards?)?(?:\s*(?:and|then|-)?\s*{_ONGOING})?",
        text,
    )
    if m is None:
        m = re.fullmatch(r"(?P<p>.+?)\s+onwards?", text)
    if m:
        period = read_period(m["p"], conv)
        if period:
            return Reading(period[0], None, True, f"Ongoing from the start of {period[2]}; no end date")
        return UNREAD
    m = re.fullmatch(rf"(?P<p>.+?)\s*(?:,|and|then|-|&)\s*(?:{_ONGOING}|beyond)", text)
    if m:
        period = read_period(m["p"], conv)
        if period:
            return Reading(
                period[0], period[1], True, f"First milestone {period[2]}, then ongoing (ongoing wins: never overdue)"
            )
        return UNREAD
    m = re.fullmatch(r"(?:w/c|w\.c\.?|wc|week commencing|week beginning|w/b)\s+(?P<p>.+)", text)
    if m:
        period = read_period(m["p"], conv)
        if period and period[0] == period[1]:
            start, end = period[0], period[0] + timedelta(days=6)
            say = [f"{d.day} {calendar.month_name[d.month]} {d.year}" for d in (start, end)]
            return Reading(start, end, False, f"Week commencing {say[0]} = {say[0]} to {say[1]}")
        return UNREAD
    m = re.fullmatch(r"(?:by|before|no later than|deadline)\s+(?:the\s+)?(?:end\s+of\s+)?(?P<p>.+)", text)
    if m:
        period = read_period(m["p"], conv)
        if period:
            return Reading(None, period[1], False, f"By {period[2]}: a deadline at its end")
        return UNREAD
    m = re.fullmatch(r"(?:the\s+)?end\s+of\s+(?P<p>.+)", text)
    if m:
        period = read_period(m["p"], conv)
        if period:
            return Reading(period[1], period[1], False, f"End of {period[2]}: its last day")
        return UNREAD
    period = read_period(text, conv)
    if period:
        return Reading(period[0], period[1], False, period[2])
    return UNREAD
