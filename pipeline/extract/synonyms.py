"""Header words: what printed header text names, through the configured synonyms.

`HeaderMatcher` maps a header cell's text ("Draft KCC Response", "Progress at March 2026",
"Timescal" + "e") to a record field, or says a column belongs to no plan (`not_plan` words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.geometry import SNAP, Word, cluster_positions

# Words too common to tell a header line from any other ("progress to date", "by when").
_COMMON = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "be",
        "been",
        "by",
        "do",
        "for",
        "has",
        "have",
        "in",
        "is",
        "no",
        "not",
        "of",
        "on",
        "our",
        "the",
        "to",
        "we",
        "what",
        "when",
        "who",
        "will",
        "with",
    ]
)
_NON_WORD = re.compile(r"[^a-z0-9#?]+")
_PARENTHESES = re.compile(r"\([^()]*\)")
_POSSESSIVE = re.compile(r"['’]s\b")  # "Cabinet Member's response" reads as "cabinet members response"
# "Progress at March 2026", "Update as at 31 March", "Timescale for delivery": the words before the qualifier name it.
_QUALIFIED = re.compile(r"^(?P<name>.+?)\s+(?:as at|as of|at|to|by|for|on|in)\s+\S.*$")
CACHE_SIZE = 20_000  # header texts remembered per document
MAX_WORDS = 8  # a header cell longer than this is a sentence, not a column name


def normalise_header(text: str) -> str:
    """Given header text, return it lower-cased with punctuation and spacing collapsed."""
    text = _POSSESSIVE.sub("s", text.lower().replace("&", " and ").replace("(s)", "s"))
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

    def __init__(self, synonyms: dict[str, tuple[str, ...]], not_plan: Sequence[str] = ()) -> None:
        self.exact: dict[str, str] = {}
        for field, words in synonyms.items():
            for word in words:
                for form in expand_synonym(word):
                    if form:
                        self.exact.setdefault(form, field)
        # Longest phrases first, so "progress to date" beats "date".
        self.phrases = sorted(self.exact.items(), key=lambda kv: -len(kv[0]))
        self.not_plan = tuple(f for word in not_plan for f in expand_synonym(word) if f)
        # Every word any synonym uses: a text sharing none of them names nothing, without trying each phrase.
        self.vocabulary = frozenset(
            w for phrase in (*self.exact, *self.not_plan) for w in phrase.split() if w not in _COMMON
        ) or frozenset(w for phrase in self.exact for w in phrase.split())
        # The word a synonym ends with ("recommendation" in "select committee recommendation"): a header line
        # uses at least one of these, so a line without any is passed over at once.
        self.heads = frozenset(phrase.split()[-1] for phrase in (*self.exact, *self.not_plan))
        self._seen: dict[str, HeaderMatch | None] = {}

    def may_name(self, text: str) -> bool:
        """Given some text, say whether it uses a telling word of a header synonym (a quick test before matching)."""
        return any(w in self.vocabulary or w in self.exact for w in normalise_header(text).split())

    def may_head(self, text: str) -> bool:
        """Given a line's text, say whether it uses a word a header synonym ends with (a quick test)."""
        return any(w in self.heads for w in normalise_header(text).split())

    def match(self, text: str) -> HeaderMatch | None:
        """Given a header cell's text, return the field it names, or None."""
        if text not in self._seen:
            if len(self._seen) > CACHE_SIZE:
                self._seen.clear()
            self._seen[text] = self._match(text)
        return self._seen[text]

    def _match(self, text: str) -> HeaderMatch | None:
        norm = normalise_header(text)
        if norm in self.exact:
            return HeaderMatch(self.exact[norm], 2)
        if not norm or not any(w in self.vocabulary for w in norm.split()):
            return None
        bare = _PARENTHESES.sub(" ", text)
        if bare.strip() and bare != text:
            # "What we have committed to (up until end of 2024)": the words outside the brackets name it.
            return self._match(bare)
        words = norm.split()
        if len(words) > MAX_WORDS or (len(words) > 2 and text.rstrip().endswith(".")):
            return None  # a sentence, not a column name
        padded = f" {norm} "
        # A contained synonym must be a third of the cell when it ends it, as an English head noun does
        # ("Draft KCC Response", "Progress RAG"), else half of it ("Proposed actions and milestones");
        # so a title such as "Updated Action Plan" names nothing.
        for phrase, field in self.phrases:
            if padded.endswith(f" {phrase} ") and 3 * len(phrase.split()) >= len(words):
                return HeaderMatch(field, 1)
        for phrase, field in self.phrases:
            if f" {phrase} " in padded and 2 * len(phrase.split()) >= len(words):
                return HeaderMatch(field, 1)
        qualified = _QUALIFIED.match(norm)
        if qualified and qualified.group("name") in self.exact:
            return HeaderMatch(self.exact[qualified.group("name")], 1)
        return None

    def not_plan_word(self, text: str) -> str | None:
        """Given a header cell's text, return the word that says its table is not a plan (risk, glossary...)."""
        norm = normalise_header(text)
        if not norm or len(norm.split()) > MAX_WORDS:
            return None
        padded = f" {norm} "
        return next((w for w in self.not_plan if f" {w} " in padded), None)

    def cell_text(self, words: Sequence[Word]) -> str:
        """Given the words of one header cell (maybe over several lines), return its text.

        A word a narrow column broke without a hyphen ("Timescal" / "e") is joined
        again when only the joined form names a field.
        """
        if len(words) <= 1:
            return words[0].text if words else ""
        top = words[0].top
        if all(abs(w.top - top) <= SNAP for w in words):  # one line: nothing to join
            return " ".join(w.text for w in sorted(words, key=lambda w: w.x0))
        lines = _cell_lines(words)
        spaced = " ".join(" ".join(w.text for w in ln) for ln in lines)
        if len(lines) < 2 or self._quality(spaced) == 2:
            return spaced
        best, best_quality = spaced, self._quality(spaced)
        for cut in range(1, len(lines)):
            before = " ".join(" ".join(w.text for w in ln) for ln in lines[:cut])
            after = " ".join(" ".join(w.text for w in ln) for ln in lines[cut:])
            if not (after[:1].islower() and before[-1:].isalpha()):
                continue
            joined = before + after
            quality = self._quality(joined)
            if quality > best_quality:
                best, best_quality = joined, quality
        return best

    def _quality(self, text: str) -> int:
        found = self.match(text)
        return found.score if found else 0


def _cell_lines(words: Sequence[Word]) -> list[list[Word]]:
    tops = cluster_positions([w.top for w in words])
    lines = [sorted((w for w in words if abs(w.top - t) <= SNAP), key=lambda w: w.x0) for t in tops]
    return [ln for ln in lines if ln]
