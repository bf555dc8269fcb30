"""Cell text as printed: wrapped lines joined, paragraphs and list items kept, words a narrow column broke rejoined."""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources

from pipeline.records import SourceCell, TextLine

_SPACES = re.compile(r"[ \t]+")
_CID = re.compile(r"^\(cid:\d+\)")
LIST_ITEM = ("- ", "– ", "• ", "▪ ", "◦ ", "● ", "■ ", "‣ ", "o ")
MARGIN_CHARS = 3  # a line ending further than this many characters from the margin was not cut there
PARAGRAPH_GAP = 0.5  # font sizes: a gap between lines wider than this is a paragraph break
# British endings the word list (American) spells otherwise: "organisation" is known as "organization".
_BRITISH = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("our", "or"),
    ("tre", "ter"),
    ("yse", "yze"),
    ("ogue", "og"),
    ("mme", "m"),
    ("ence", "ense"),
)
_LETTERS = re.compile(r"[A-Za-z]+")


WORD_LIST = "words-en.txt.gz"  # pyspellchecker's English words, sorted, one a line (tests keep it in step)


class WordList:
    """A sorted word list, one lowercase word a line, searched where it lies: no parsing and no set of
    160,000 strings, so the first broken line costs milliseconds and a few MB, not 0.1 s and 30 MB."""

    def __init__(self, lines: bytes) -> None:
        self._lines = lines

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or "\n" in word:
            return False
        lines, key = self._lines, word.encode()
        lo, hi = 0, len(lines)  # lines[lo:hi] is whole lines, each ending in "\n"
        while lo < hi:
            start = lines.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
            end = lines.index(b"\n", start)
            found = lines[start:end]
            if found == key:
                return True
            if found < key:
                lo = end + 1
            else:
                hi = start
        return False


@cache
def _dictionary() -> WordList:
    """Return the English word list, read when a line break might split a word."""
    return WordList(gzip.decompress(resources.files("pipeline.normalise").joinpath(WORD_LIST).read_bytes()))


def is_word(text: str) -> bool:
    """Given a run of letters, say whether it is an English word (British spellings included)."""
    word = text.lower()
    words = _dictionary()
    if word in words:
        return True
    return any(word.endswith(gb) and word[: -len(gb)] + us in words for gb, us in _BRITISH)


# Words of one or two letters that often start a line of prose: never read as the end of the word above.
_SHORT_WORDS = frozenset(
    [
        "a",
        "i",
        "an",
        "as",
        "at",
        "be",
        "by",
        "do",
        "go",
        "he",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "of",
        "on",
        "or",
        "so",
        "to",
        "up",
        "us",
        "we",
    ]
)


def _broken_word(last: str, first: str) -> bool | None:
    """Given the word ending one line and the word starting the next, say whether they are one word broken in
    two ("docu" + "mentation"), two words ("disproportionately" + "resource"), or None when the word list
    cannot tell (names, jargon)."""
    tail = _LETTERS.findall(last)
    head = _LETTERS.match(first)
    if not tail or head is None:
        return None
    a, b = tail[-1], head.group(0)
    if is_word(a) and is_word(b):
        # "assessment" + "s", "Environment" + "al": a fragment of a letter or two that no sentence starts a line
        # with is the end of the word; "with" + "in" stays two words.
        return len(b) <= 2 and b.lower() not in _SHORT_WORDS and is_word(a + b)
    if is_word(a + b):
        return True
    return None


def join_lines(before: str, after: str) -> str:
    """Given two wrapped pieces of text, return them joined as one (no space after a word-hyphen)."""
    if not before:
        return after
    if not after:
        return before
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha():
        return before + after
    return before + " " + after


def printed_bullet(text: str) -> str:
    """Given a line's text, return it with a leading Symbol-font bullet (a private-use character, or a
    "(cid:NNN)" placeholder) shown as the "•" it prints."""
    if text[:1] and unicodedata.category(text[0]) == "Co":
        return "•" + text[1:] if text[1:2] in (" ", "") else "• " + text[1:]
    found = _CID.match(text)
    return "• " + text[found.end() :].lstrip() if found else text


def is_list_item(text: str) -> bool:
    """Given a line's text, say whether it starts a list item."""
    return printed_bullet(text).startswith(LIST_ITEM)


def is_paragraph_break(prev: TextLine, cur: TextLine) -> bool:
    """Given two consecutive lines of a cell, say whether a visible gap, a list item or a nested row separates them."""
    if prev.whole or cur.whole:
        return True
    gap = cur.top - prev.bottom
    return gap > PARAGRAPH_GAP * max(cur.size, prev.size) or is_list_item(cur.text)


def forced_break(prev: TextLine, cur: TextLine, left: float, right: float | None) -> bool:
    """Given two lines, say whether a word too long for the column was broken between them without a hyphen.

    Word and LibreOffice put such a word on a line of its own and cut it at the margin: the
    line runs to the margin, and the rejoined word could never fit. A word that fills its
    line naturally looks the same, so an English word list decides where it can
    ("docu" + "mentation" is one word; "disproportionately" + "resource" two).
    """
    if right is None or not prev.text or not cur.text:
        return False
    words = prev.text.split()
    last, first = words[-1], cur.text.split()[0]
    if not (last[-1].isalnum() and first[0].islower()):
        return False
    per_char = (prev.x1 - prev.x0) / max(len(prev.text), 1)
    if prev.x1 < right - MARGIN_CHARS * per_char:
        return False  # the line stops well short of the margin: the next word did not fit, nothing was cut
    verdict = _broken_word(last, first)  # "In pro" + "gress": a narrow column cuts a word after others too
    if verdict is not None or len(words) != 1:
        return bool(verdict)
    at_margin = prev.x1 >= right - 1.5 * per_char
    return at_margin and (len(last) + len(first)) * per_char > right - left


def reflow(lines: Sequence[TextLine], right: float | None = None) -> str:
    """Given a cell's printed lines (and the margin they wrap at), return its text: wrapped lines joined,
    paragraphs kept as "\\n"."""
    paragraphs: list[str] = []
    left = min((ln.x0 for ln in lines if not ln.whole), default=0.0)
    for i, line in enumerate(lines):
        text = printed_bullet(_SPACES.sub(" ", line.text).strip())
        if i and not is_paragraph_break(lines[i - 1], line):
            if forced_break(lines[i - 1], line, left, right):
                paragraphs[-1] += text
            else:
                paragraphs[-1] = join_lines(paragraphs[-1], text)
        else:
            paragraphs.append(text)
    return "\n".join(p for p in paragraphs if p)


def reflow_parts(parts: Sequence[SourceCell]) -> str:
    """Given a cell printed in parts on several pages, return one reflowed text."""
    text = ""
    for cell in parts:
        part = cell.lines
        piece = reflow(part, cell.right)
        if text and part and (is_list_item(part[0].text) or part[0].whole):
            text = text + "\n" + piece
        else:
            text = join_lines(text, piece)
    return text
