"""Recognise an action-plan header row by what its cells say, not where they are."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^a-z0-9#?]+")


def normalise_header(text: str) -> str:
    """Given header text, return it lower-cased with punctuation and spacing collapsed."""
    text = text.lower().replace("&", " and ").replace("(s)", "s")
    return _NON_WORD.sub(" ", text).strip()


def expand_synonym(synonym: str) -> list[str]:
    """Given a synonym such as "Timescale(s)", return the forms it stands for."""
    if "(s)" in synonym.lower():
        with_s = re.sub(r"\(s\)", "s", synonym, flags=re.IGNORECASE)
        without = re.sub(r"\(s\)", "", synonym, flags=re.IGNORECASE)
        return [normalise_header(with_s), normalise_header(without)]
    return [normalise_header(synonym)]


@dataclass(frozen=True)
class HeaderMatch:
    """The field a header cell maps to and how sure we are (2 exact, 1 contained)."""

    field: str
    score: int


class HeaderMatcher:
    """Map printed header text to record fields using the configured synonyms."""

    def __init__(self, synonyms: dict[str, tuple[str, ...]]) -> None:
        self.exact: dict[str, str] = {}
        for field, words in synonyms.items():
            for word in words:
                for form in expand_synonym(word):
                    if form:
                        self.exact.setdefault(form, field)
        # Longest phrases first, so "progress to date" beats "date".
        self.phrases = sorted(self.exact.items(), key=lambda kv: -len(kv[0]))

    def match(self, text: str) -> HeaderMatch | None:
        """Given a header cell's text, return the field it names, or None."""
        norm = normalise_header(text)
        if not norm:
            return None
        if norm in self.exact:
            return HeaderMatch(self.exact[norm], 2)
        words = norm.split()
        if len(words) > 6:
            return None
        padded = f" {norm} "
        for phrase, field in self.phrases:
            # A contained synonym must be at least half the cell ("Proposed actions and milestones"),
            # so a title such as "Updated Action Plan" names nothing.
            if 2 * len(phrase.split()) < len(words):
                continue
            if f" {phrase} " in padded:
                return HeaderMatch(field, 1)
        return None


def header_score(matches: list[HeaderMatch | None]) -> tuple[int, int]:
    """Given the matches of a candidate header's cells, return (distinct fields, total score)."""
    fields = {m.field for m in matches if m}
    return len(fields), sum(m.score for m in matches if m)


def is_header(matches: list[HeaderMatch | None]) -> bool:
    """Given a candidate header's cell matches, say whether it is an action-plan header."""
    fields = {m.field for m in matches if m}
    matched = sum(1 for m in matches if m)
    return len(fields) >= 3 and bool(fields & {"recommendation", "proposed_actions"}) and matched * 2 >= len(matches)
