"""Read printed statuses ("Delivered", "On going", "Amber/Green") into a vocabulary value and RAG. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The status vocabulary, in reporting order, each value with the word every output shows for it (a status is
# always a word; colours only repeat it). schemas/record.schema.json lists the same values (a test checks).
STATUS_WORDS = {
    "complete": "complete",
    "partly_complete": "partly complete",
    "in_progress": "in progress",
    "not_started": "not started",
    "not_reported": "not reported",
    "unknown": "unknown",
}
VALUES = tuple(STATUS_WORDS)
_RAG_LETTERS = {"r": "Red", "a": "Amber", "g": "Green", "b": "Blue"}


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_]+", " ", text.lower()).strip(" .;:,")


@dataclass(frozen=True)
class StatusReading:
    """A status read: its vocabulary value and the RAG rating printed with it (or None)."""

    value: str
    rag: str | None


def read_rag(text: str, rag_words: Sequence[str]) -> str | None:
    """Given a status as printed, return the RAG rating it prints ("Amber/Green"), or None."""
    norm = _norm(text)
    words = {w.lower() for w in rag_words}
    found = [w.capitalize() for w in re.findall(r"[a-z]+", norm) if w in words]
    if found:
        return "/".join(dict.fromkeys(found))
    letters = re.fullmatch(r"([rabg])(?:\s*/\s*([rabg]))*", norm.replace(" ", ""))
    if letters:
        return "/".join(dict.fromkeys(_RAG_LETTERS[c] for c in norm if c in _RAG_LETTERS))
    return None


# Hue ranges (degrees) of the colours a RAG rating is painted in: amber runs from orange to yellow, as councils
# paint it; anything paler or greyer than the limits below is shading, not a rating.
RAG_HUES = (("Red", 0, 18), ("Amber", 18, 68), ("Green", 68, 175), ("Blue", 175, 265), ("Red", 330, 360))
MIN_SATURATION = 0.15
MIN_VALUE = 0.25


def rag_of_colour(colour: str) -> str | None:
    """Given a cell's colour as hex ("00B050"), return the RAG rating it paints ("Green"), or None for white,
    grey, black, pale tints and colours that are no rating (purple, pink)."""
    try:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except (ValueError, IndexError):
        return None
    high, low = max(red, green, blue), min(red, green, blue)
    if high < MIN_VALUE or high == 0 or (high - low) / high < MIN_SATURATION:
        return None
    span = high - low
    if high == red:
        hue = 60 * (((green - blue) / span) % 6)
    elif high == green:
        hue = 60 * ((blue - red) / span + 2)
    else:
        hue = 60 * ((red - green) / span + 4)
    return next((word for word, a, b in RAG_HUES if a <= hue < b), None)


# A status given as a mark, not a word, in a "Completed?" or "Implemented (Y/N)" column: ticks, crosses, yes
# and no. Matched only as the whole status (a letter alone inside other words means nothing).
MARKS = {
    **dict.fromkeys(("y", "yes", "✓", "✔", "☑", "✅", "√"), "complete"),
    **dict.fromkeys(("n", "no", "✗", "✘", "☒", "❌", "×"), "not_started"),
}
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%(?:\s*(?:complete|completed|done|delivered))?")


def _mark(norm: str) -> str | None:
    """Given a status as normalised, return its value when it is a mark (a tick, a cross, yes or no) or a share
    done ("75%": in progress; "100%" complete; "0%" not started); else None."""
    if norm in MARKS:
        return MARKS[norm]
    share = _PERCENT.fullmatch(norm)
    if share is None:
        return None
    done = float(share.group(1))
    return "complete" if done >= 100 else "not_started" if done == 0 else "in_progress"


def parse_status(
    text: str, vocabulary: Mapping[str, Sequence[str]], rag_words: Sequence[str], rag_values: Mapping[str, str]
) -> StatusReading:
    """Given a status as printed and the vocabulary, return its value (see VALUES) and RAG."""
    norm = _norm(text)
    if not norm:
        return StatusReading("not_reported", None)
    mark = _mark(norm)
    if mark is not None:
        return StatusReading(mark, None)
    rag = read_rag(text, rag_words)
    phrases = sorted(((_norm(p), value) for value, ps in vocabulary.items() for p in ps), key=lambda pv: -len(pv[0]))
    for phrase, value in phrases:
        if norm == phrase:
            return StatusReading(value, rag)
    for phrase, value in phrases:
        if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", norm):
            return StatusReading(value, rag)
    if rag is not None:
        # A bare RAG rating: its value comes from the configured meaning of the colour.
        last = rag.split("/")[-1].lower()
        return StatusReading(rag_values.get(last, "unknown"), rag)
    return StatusReading("unknown", None)


def vocabulary_word(text: str, value: str, vocabulary: Mapping[str, Sequence[str]]) -> str:
    """Given a typed status and the value it reads as, return the vocabulary's own spelling ("delivered" -> "Delivered")."""
    norm = _norm(text)
    return next((word for word in vocabulary.get(value, ()) if _norm(word) == norm), text.strip())
