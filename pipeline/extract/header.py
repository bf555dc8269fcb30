"""Recognise an action-plan header row by what its cells say, not where they are."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.geometry import (
    SNAP,
    Line,
    Rule,
    Word,
    cluster_positions,
    group_text,
    split_phrases,
    verticals_crossing,
)

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


@dataclass
class Header:
    """A header row found on a page: its cells (groups of words) and their matches."""

    groups: list[list[Word]]
    matches: list[HeaderMatch | None]
    top: float
    bottom: float
    first_line: int
    last_line: int

    def texts(self) -> list[str]:
        return [group_text(g) for g in self.groups]


def _rematch(phrases: list[list[Word]], matcher: HeaderMatcher) -> list[list[Word]]:
    """Given phrases of one header line, join neighbours that only name a field together, and
    split any phrase that names no field into two that both do."""

    def named(ws: Sequence[Word]) -> bool:
        return matcher.match(group_text(ws)) is not None

    joined: list[list[Word]] = []
    for phrase in phrases:
        if joined and not named(joined[-1]) and not named(phrase) and named(joined[-1] + phrase):
            joined[-1] = joined[-1] + phrase
        else:
            joined.append(list(phrase))
    out: list[list[Word]] = []
    for phrase in joined:
        if len(phrase) > 1 and not named(phrase):
            for cut in range(1, len(phrase)):
                left, right = phrase[:cut], phrase[cut:]
                if named(left) and named(right):
                    out.extend([left, right])
                    break
            else:
                out.append(phrase)
        else:
            out.append(phrase)
    return out


def _add_line(groups: list[list[Word]], phrases: list[list[Word]]) -> list[list[Word]] | None:
    """Given header groups and the phrases of the next line, return the groups with them added."""
    out = [list(g) for g in groups]
    for phrase in phrases:
        px0, px1 = min(w.x0 for w in phrase), max(w.x1 for w in phrase)
        hits = [i for i, g in enumerate(out) if min(px1, max(w.x1 for w in g)) - max(px0, min(w.x0 for w in g)) > -1.0]
        if len(hits) > 1:
            return None
        if hits:
            out[hits[0]].extend(phrase)
        else:
            out.append(list(phrase))
    out.sort(key=lambda g: min(w.x0 for w in g))
    return out


def find_header(lines: Sequence[Line], rules: Sequence[Rule], matcher: HeaderMatcher, start: int = 0) -> Header | None:
    """Given a page's lines, return the first action-plan header row at or after line `start`."""
    for k in range(start, len(lines)):
        line = lines[k]
        walls = verticals_crossing(rules, line.top, line.bottom)
        if len(line.words) > 40:
            continue  # a line of running text, not headers
        groups = _rematch(split_phrases(line, walls), matcher)
        matches = [matcher.match(group_text(g)) for g in groups]
        score = header_score(matches)
        # A line naming nothing may still start a header whose other cells are centred lower down.
        last = k
        for j in range(k + 1, min(k + 3, len(lines))):
            nxt = lines[j]
            if nxt.top - lines[j - 1].bottom > 0.8 * nxt.size:
                break
            walls = verticals_crossing(rules, nxt.top, nxt.bottom)
            extended = _add_line(groups, split_phrases(nxt, walls))
            if extended is None:
                break
            new_matches = [matcher.match(group_text(g)) for g in extended]
            new_score = header_score(new_matches)
            if new_score <= score or sum(m is None for m in new_matches) > sum(m is None for m in matches):
                break
            groups, matches, score, last = extended, new_matches, new_score, j
        if is_header(matches):
            top = min(w.top for g in groups for w in g)
            bottom = max(w.bottom for g in groups for w in g)
            return Header(groups, matches, top, bottom, k, last)
    return None


def drop_repeated_headers(lines: Sequence[Line], header: Header) -> list[Line]:
    """Given body lines, return them without any repeat of the header row (its first line and those after)."""

    def key(words: Sequence[Word]) -> list[str]:
        return sorted(w.text for w in words)

    words = [w for g in header.groups for w in g]
    tops = cluster_positions([w.top for w in words])
    header_lines = [key([w for w in words if abs(w.top - t) <= SNAP]) for t in tops]
    out: list[Line] = []
    i = 0
    while i < len(lines):
        if key(lines[i].words) == header_lines[0]:
            j, k = i + 1, 1
            while j < len(lines) and k < len(header_lines) and key(lines[j].words) == header_lines[k]:
                j, k = j + 1, k + 1
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out
