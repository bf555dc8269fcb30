"""Plain English for what officers read: counts with their plurals, UK long dates, revisions by their date,
statuses and timescales as printed, every kind of change as a sentence, and text cut at a word boundary. Pure.

No output shows a revision label, an ISO date, a file name, a field value ("partly_complete") or a "(s)"
plural in its prose; these functions are where that is made true once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import PurePath

from pipeline.meta import long_date
from pipeline.records import (
    Added,
    Change,
    Merged,
    OwnersChanged,
    ProgressChanged,
    Removed,
    Renumbered,
    Revision,
    Split,
    Status,
    StatusChanged,
    TextChanged,
    Timescale,
    TimescaleChanged,
)
from pipeline.statuses import STATUS_WORDS

_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?=\s)")
_TITLE_PREFIX = re.compile(r"^\s*(?:appendix|annex|annexe)\s+[\w.]+\s*[:.–—-]\s*", re.I)
_IRREGULAR = {"has": "have", "is": "are", "was": "were", "timescale": "timescales"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """Given a count and a word, return them in agreement ("1 recommendation", "4 recommendations")."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {many or _IRREGULAR.get(word) or word + 's'}"


def and_list(items: Sequence[str]) -> str:
    """Given items, return them as an English list ("a, b and c")."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def month_year(when: str | date | None) -> str:
    """Given a date (or ISO text), return its month and year ("December 2015"); empty for none."""
    if not when:
        return ""
    day = date.fromisoformat(when) if isinstance(when, str) else when
    return f"{day:%B %Y}"


def revision_words(revision: Revision) -> str:
    """Given a revision, return how a paper names it: "the December 2015 update" by its revision date, else by
    the day it was stored ("the update stored on 1 December 2026"); never its label, title or file name."""
    if revision.as_of:
        return f"the {month_year(revision.as_of)} update"
    return f"the update stored on {long_date(revision.ingested_at[:10])}"


def clean_title(title: str) -> str:
    """Given a plan's printed title, return it without an "Appendix 1:" prefix or surrounding space."""
    return _TITLE_PREFIX.sub("", title or "").strip()


def printed_title(revision: Revision) -> str:
    """Given a revision, return its title cleaned, or "" when no title was printed (it is its file's name)."""
    if revision.title.strip() == PurePath(revision.source).stem:
        return ""
    return clean_title(revision.title)


def document_words(revision: Revision) -> str:
    """Given a revision, return it as a background document: its title and revision date, not its file name."""
    title = printed_title(revision) or "Action plan"
    when = month_year(revision.as_of)
    return f"{title}, {when}" if when and when not in title else title


def status_words(status: Status) -> str:
    """Given a status, return it as printed, with its meaning when that differs ("Ongoing (in progress)")."""
    meaning = STATUS_WORDS.get(status.value, "not reported")
    if not status.text:
        return "no status"
    return status.text if status.text.lower() == meaning else f"{status.text} ({meaning})"


def timescale_words(timescale: Timescale) -> str:
    """Given a timescale, return it as printed ("Spring 2016"), or "no timescale"."""
    return f"“{timescale.text}”" if timescale.text else "no timescale"


def summarise(text: str, limit: int = 240) -> str:
    """Given text, return it whole when it fits, else cut at the last sentence end within `limit`, else at the
    last word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() >= limit // 3]
    if ends:
        return head[: ends[-1]]
    cut = head.rfind(" ", 0, limit)
    return (head[:cut] if cut > limit // 3 else text[: limit - 1]).rstrip(" ,;:–-") + "…"


def added_text(old: str, new: str, limit: int = 400) -> str:
    """Given progress text before and after, return what was added (or the new text when it was rewritten)."""
    old_s, new_s = " ".join(old.split()), " ".join(new.split())
    added = new_s[len(old_s) :].strip() if old_s and new_s.startswith(old_s) else new_s
    return summarise(added, limit)


def days_words(days: int) -> str:
    """Given a number of days (later when positive), return it in words ("397 days later", "30 days earlier")."""
    return f"{plural(abs(days), 'day')} {'later' if days > 0 else 'earlier'}"


def change_sentence(c: Change) -> str:
    """Given one change of a diff, return it as a sentence about its recommendation."""
    if isinstance(c, StatusChanged):
        return f"{c.id}: status changed from {status_words(c.old)} to {status_words(c.new)}."
    if isinstance(c, TimescaleChanged):
        text = f"{c.id}: timescale changed from {timescale_words(c.old)} to {timescale_words(c.new)}"
        if c.days_slipped:
            text += f", {days_words(c.days_slipped)} (now due {long_date(c.new.end)}"
            first = c.days_slipped_since_original
            if first is not None and first != c.days_slipped and c.original_end:
                text += f"; first due {long_date(c.original_end)}"
            text += ")"
        return text + "."
    if isinstance(c, OwnersChanged):
        parts = []
        if c.added:
            parts.append(f"{and_list(list(c.added))} added as {'an owner' if len(c.added) == 1 else 'owners'}")
        if c.removed:
            parts.append(f"{and_list(list(c.removed))} no longer {'an owner' if len(c.removed) == 1 else 'owners'}")
        return f"{c.id}: {'; '.join(parts) or 'owners reworded'}."
    if isinstance(c, ProgressChanged):
        return f"{c.id}: {added_text(c.old, c.new)}"
    if isinstance(c, Renumbered):
        return f"{c.old_id} is now numbered {c.id} (the same recommendation, matched by its text)."
    if isinstance(c, Split):
        return f"{c.id} is now split into {and_list(list(c.new_ids))}."
    if isinstance(c, Merged):
        return f"{and_list(list(c.old_ids))} are now one recommendation, {c.id}."
    if isinstance(c, Added):
        return f"{c.id} (new): {summarise(c.record.recommendation)}"
    if isinstance(c, Removed):
        return f"{c.id} is no longer in the plan: {summarise(c.record.recommendation)}"
    if isinstance(c, TextChanged):
        what = {"recommendation": "recommendation text", "proposed_actions": "proposed actions", "theme": "theme"}
        return f"{c.id}: the {what.get(c.field, c.field.replace('_', ' '))} changed to “{summarise(c.new or '', 200)}”."
    return f"{c.id}: changed."


# How each kind of revision came to be, in words (tracker About sheet, web pages).
KIND_WORDS = {
    "pdf": "read from the plan's PDF",
    "docx": "read from the plan's Word document",
    "pdf+ocr": "recognised (OCR) from a scanned PDF",
    "owner-returns": "owners' returns, collected",
}


def overdue_words(due: str | None, status_value: str) -> str:
    """Why a record is overdue ("Due 31 May 2016 and still in progress.")."""
    return f"Due {long_date(due)} and still {STATUS_WORDS.get(status_value, 'not reported')}."


def slipped_words(original_due: str | None, due: str | None) -> str:
    """Why a record has slipped ("First due 30 April 2015, now due 31 May 2016.")."""
    return f"First due {long_date(original_due)}, now due {long_date(due)}."


def no_progress_words(unchanged_for: int) -> str:
    """Why a record shows no new progress, given the reports in a row that brought none."""
    if unchanged_for <= 1:
        return "The same progress text as the revision before, and not complete."
    return f"No new progress in the last {unchanged_for} reports."


# The groups of the paper's changes section, in order: a heading and the kinds of change under it.
CHANGE_GROUPS: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("Status changes", (StatusChanged,)),
    ("Timescales that changed", (TimescaleChanged,)),
    ("Owners that changed", (OwnersChanged,)),
    ("New progress", (ProgressChanged,)),
    ("Recommendations added, removed, renumbered, split or merged", (Added, Removed, Renumbered, Split, Merged)),
    ("Wording that changed", (TextChanged,)),
)
