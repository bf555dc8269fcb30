"""Owner cells: the owners a cell lists, bullets and wrapping undone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.normalise.text import forced_break, is_paragraph_break, join_lines
from pipeline.records import TextLine

_CID = re.compile(r"^\(cid:\d+\)")
# Between two owners on one line: a semicolon, or a slash with a space each side ("Cllr Jane Smith / Head of
# Highways"; "Policy/Strategy" written close is one name).
_BETWEEN = re.compile(r";|\s/\s")
_JOINS = re.compile(r"(?:\s[-–—/&]|,|\band)\s*$")
# The words a job title or a body ends with. A line of an owner cell ending in one, followed by a line that starts
# with a capital, starts another owner even where the next word would not have fitted ("Licensing Manager" /
# "Environmental Health Manager"); and "A and B" is two owners when both end in one ("Road Safety Manager and
# School Travel Planning Officer"; "Policy with Commissioning and Procurement" stays one).
ROLE_WORDS = frozenset(
    [
        *("manager", "officer", "director", "lead", "team", "group", "board", "partnership", "member", "holder"),
        *("executive", "coordinator", "co-ordinator", "adviser", "advisor", "commissioner", "councillor"),
        *("psychologist", "engineer", "planner", "analyst", "librarian", "inspector", "surveyor"),
    ]
)
_ROLES_JOINED = re.compile(r"\s+and\s+")


def _ends_in_role(text: str) -> bool:
    words = re.findall(r"[A-Za-z-]+", text)
    return bool(words) and words[-1].lower() in ROLE_WORDS


def _next_owner(prev: str, tokens: Sequence[str]) -> bool:
    """Given a line and the next line's words, say whether the next line starts another owner: the line holds
    two words or more and ends in a job title's last word, and the next starts with a capital and is not itself
    the end of a title ("Democratic Services" / "Manager" is one owner)."""
    if not tokens or not tokens[0][:1].isupper() or not _ends_in_role(prev) or len(prev.split()) < 2:
        return False  # a word alone on its line ("Member" / "Development Officer") is a wrapped title's start
    return tokens[0].lower().strip(",;") not in ROLE_WORDS


def _split_roles(item: str) -> list[str]:
    """Given one owner's text, return it split at an "and" between two job titles or bodies."""
    parts = _ROLES_JOINED.split(item)
    if len(parts) > 1 and all(_ends_in_role(p) and p[:1].isupper() for p in parts):
        return parts
    return [item]


SPACE = 0.28  # font sizes: the width of a space
# A word that would only just have fitted is taken as wrapped: the producer's font metrics differ from the
# PDF's by about this many font sizes, and a name split in two is worse than two names read as one.
FIT_MARGIN = 0.25


def _bullet_of(token: str, bullets: Sequence[str]) -> str | None:
    """Given a word, return the bullet it starts with (or None)."""
    found = _CID.match(token)
    if found:
        return found.group(0)
    for b in bullets:
        if token == b:
            return b
        if not b.isalnum() and b not in "-–" and token.startswith(b):
            return b
    return None


def would_fit(prev: TextLine, nxt: TextLine, room: float) -> bool:
    """Given a line, the next one and the width text in this column takes up, say whether the next line's
    first word would have fitted on the first: if so, the break was typed, not a wrap. Widths, not
    positions, so centred cells read as left-aligned ones do."""
    if not prev.text or not nxt.text:
        return False
    first = nxt.text.split()[0]
    word = (nxt.x1 - nxt.x0) * len(first) / max(len(nxt.text), 1)
    return (prev.x1 - prev.x0) + SPACE * prev.size + word <= room - FIT_MARGIN * prev.size


def split_owners(cell: Sequence[Sequence[TextLine]], right: float, bullets: Sequence[str]) -> list[str]:
    """Given an owner cell (in parts) and the right edge of the column's text, return the owners it lists."""
    lines = [ln for part in cell for ln in part]
    left = min((ln.x0 for ln in lines), default=right)
    room = right - left
    bulleted = any(_bullet_of(ln.text.split(" ", 1)[0], bullets) for ln in lines if ln.text)
    items: list[str] = []
    prev: TextLine | None = None
    for line in lines:
        tokens = line.text.split()
        new_item = prev is None
        if bulleted:
            new_item = new_item or bool(tokens and _bullet_of(tokens[0], bullets))
        elif prev is not None:
            new_item = is_paragraph_break(prev, line) or (bool(tokens) and would_fit(prev, line, room))
            new_item = new_item or _next_owner(prev.text, tokens)
        # Bullets may also stand mid-line ("• Policy • Procurement").
        pieces: list[list[str]] = [[]]
        for tok in tokens:
            mark = _bullet_of(tok, bullets) if bulleted else None
            if mark is not None:
                if pieces[-1]:
                    pieces.append([])
                rest = tok[len(mark) :]
                if rest:
                    pieces[-1].append(rest)
            else:
                pieces[-1].append(tok)
        pieces = [p for p in pieces if p]
        # A line ending in a joining mark ("Assistant Director –", "Cllr Ahmed Patel /") goes on to the next.
        new_item = new_item and not (items and _JOINS.search(items[-1]))
        for j, piece in enumerate(pieces):
            text = " ".join(piece)
            if (new_item or j > 0) or not items:
                items.append(text)
            elif prev is not None and forced_break(prev, line, left, right):
                items[-1] += text  # a name a narrow column cut mid-word ("Commissionin" + "g")
            else:
                items[-1] = join_lines(items[-1], text)
        if not pieces and new_item:
            items.append("")
        prev = line
    out: list[str] = []
    for item in items:
        out.extend(part.strip(" /") for s in _BETWEEN.split(item) for part in _split_roles(s.strip()))
    return [o for o in out if o]
