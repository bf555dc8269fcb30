"""Recognise a table's header row by what its cells say, not where they are, and tell a plan's from another's.

A header is a printed line (and the lines under it that complete its cells:
"Select Committee" + "Recommendation", "Timescal" + "e") whose cells name
record fields through the configured synonyms. It heads a plan when its
columns say *what* is answered (a recommendation, an issue raised, feedback,
a commitment) and *how* (a response, actions, progress): see `plan_reason`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from pipeline.extract.geometry import (
    GridBox,
    Line,
    Rule,
    Word,
    cluster_positions,
    split_phrases,
    verticals_crossing,
)
from pipeline.extract.synonyms import MAX_WORDS, HeaderMatch, HeaderMatcher, normalise_header
from pipeline.records import TableKind

HEADER_LINES = 4  # a header cell wraps over at most this many lines
HEADER_ROWS = 2  # a grid's header is under at most this many of its rules (its top and a caption row's)
GRID_RULE = 0.9  # a rule across this share of a grid divides its rows
LINE_GAP = 0.8  # a gap wider than this many font sizes between lines ends the header
SUB_GAP = 2.0  # font sizes: a bold row of sub-headers stands at most this far under the cells over them
SIZE_CHANGE = 0.6  # points: lines whose type differs more than this are not one header
CELL_GAP = 0.45  # font sizes: two header cells on one line stand at least this far apart (a space is ~0.25)
RUNNING_TEXT = 40  # words: a line this long is running text, never a header
RULE_REACH = 120.0  # points: the rule closing a header's row lies at most this far below its first line
HEADER_RULE = 0.8  # a rule across this share of a header's extent closes its row


def plan_reason(fields: set[str]) -> str | None:
    """Given the fields a header names, return why it heads a plan, or None if it does not."""
    if "recommendation" in fields and fields & {"proposed_actions", "progress"}:
        answer = "proposed_actions" if "proposed_actions" in fields else "progress"
        return f"a column saying what is answered (recommendation) and one answering it ({answer})"
    if {"proposed_actions", "progress"} <= fields:
        return "a column of commitments or actions (proposed_actions) and one reporting on them (progress)"
    if len(fields) >= 3 and fields & {"recommendation", "proposed_actions"}:
        return f"{len(fields)} plan columns ({', '.join(sorted(fields))})"
    return None


@dataclass
class Header:
    """A header row found on a page: its cells (groups of words), their texts and matches, and its kind."""

    groups: list[list[Word]]
    texts: list[str]
    matches: list[HeaderMatch | None]
    top: float
    bottom: float
    first_line: int
    last_line: int
    kind: TableKind = "plan"
    reason: str = ""
    over: list[Word] = dataclasses.field(default_factory=list)  # words of cells over several columns ("Progress")
    sub_top: float | None = None  # the top of the row of sub-headers under them ("Q1 update", "Q2 update")

    @property
    def x0(self) -> float:
        return min(w.x0 for g in self.groups for w in g)

    @property
    def x1(self) -> float:
        return max(w.x1 for g in self.groups for w in g)

    @property
    def bold(self) -> bool:
        return all(w.bold for g in self.groups for w in g)

    def fields(self) -> list[str]:
        """The field each column holds; when two columns name one field, the one that names it best holds it
        and the other is kept as an extra column (see `prefer_one`)."""
        return prefer_one(self.texts, self.matches)

    def signature(self) -> tuple[str, ...]:
        """The header's cells, normalised: the header printed again has the same signature."""
        return tuple(normalise_header(t) for t in self.texts)

    def layout(self) -> tuple[str, ...]:
        """The fields of the header's columns in order: a table carried on keeps them, whatever the words."""
        return tuple(self.fields())


def prefer_one(texts: Sequence[str], matches: Sequence[HeaderMatch | None]) -> list[str]:
    """Given a header's cells and matches, return each column's field, one column per field: an exact synonym
    beats a contained one, then a header using the field's own name ("Recommendation" beside "Finding",
    "Proposed action" beside "Cabinet response"), then the first column; for progress the last one, which
    is the latest update ("Update Q1 | Update Q2")."""
    fields = [m.field if m else "extra" for m in matches]
    for field in {f for f in fields if f != "extra" and fields.count(f) > 1}:
        where = [i for i, f in enumerate(fields) if f == field]
        name = field.rstrip("s").split("_")[-1]  # "proposed_actions" -> "action", "owners" -> "owner"

        def rank(i: int, name: str = name) -> tuple[int, int]:
            found = matches[i]
            return (found.score if found else 0), int(name in normalise_header(texts[i]))

        best = max(where, key=lambda i: (rank(i), i if field == "progress" else -i))
        for i in where:
            if i != best:
                fields[i] = "extra"
    return fields


def classify(
    texts: Sequence[str], matches: Sequence[HeaderMatch | None], matcher: HeaderMatcher
) -> tuple[TableKind | None, str]:
    """Given a candidate header's cell texts and matches, return (kind, why): "plan", "other", or None (not a
    header)."""
    fields = {m.field for m in matches if m}
    matched = sum(1 for m in matches if m)
    if len(texts) < 2 or not fields:
        return None, ""
    stray = next(
        (w for t, m in zip(texts, matches, strict=True) if m is None and (w := matcher.not_plan_word(t))), None
    )
    reason = plan_reason(fields)
    if reason and matched * 2 >= len(matches) and stray is None:
        return "plan", f"its header has {reason}"
    if stray is not None and (len(fields) >= 2 or reason):
        return "other", f"its header has a column {stray!r}, which plans do not have"
    if len(fields) >= 2 and matched * 2 >= len(matches):
        return "other", f"its header names {', '.join(sorted(fields))}, but no column saying what is answered and how"
    return None, ""


def _rematch(phrases: list[list[Word]], matcher: HeaderMatcher) -> list[list[Word]]:
    """Given phrases of one header line, join neighbours that only name a field together, and
    split any phrase that names no field into two that both do."""

    def named(ws: Sequence[Word]) -> bool:
        return matcher.match(matcher.cell_text(ws)) is not None

    joined: list[list[Word]] = []
    for phrase in phrases:
        if joined and not named(joined[-1]) and not named(phrase) and named(joined[-1] + phrase):
            joined[-1] = joined[-1] + phrase
        else:
            joined.append(list(phrase))
    out: list[list[Word]] = []
    for phrase in joined:
        # Splitting one phrase into two names needs two telling words in it, and a phrase short enough to be cells.
        telling = sum(1 for w in phrase if matcher.may_name(w.text))
        if 1 < len(phrase) <= 2 * MAX_WORDS and telling >= 2 and not named(phrase):
            for cut in range(1, len(phrase)):
                left, right = phrase[:cut], phrase[cut:]
                # Two cells set close together still leave more than a word space between them.
                if right[0].x0 - left[-1].x1 < CELL_GAP * right[0].size:
                    continue
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


def _score(matches: Sequence[HeaderMatch | None]) -> tuple[int, int]:
    return len({m.field for m in matches if m}), sum(m.score for m in matches if m)


def _band_bottom(rules: Sequence[Rule], line: Line, x0: float, x1: float) -> float | None:
    """Given a header's first line and its extent, return the y of the rule closing its row, if ruled."""
    need = HEADER_RULE * (x1 - x0)
    below = sorted(
        r.at
        for r in rules
        if not r.vertical
        and r.at > line.bottom - 1
        and min(r.b, x1) - max(r.a, x0) >= need
        and r.at - line.top < RULE_REACH
    )
    return below[0] if below else None


def _read_line(
    line: Line, rules: Sequence[Rule], matcher: HeaderMatcher
) -> tuple[list[list[Word]], list[str], list[HeaderMatch | None]]:
    walls = verticals_crossing(rules, line.top, line.bottom)
    groups = _rematch(split_phrases(line, walls), matcher)
    texts = [matcher.cell_text(g) for g in groups]
    return groups, texts, [matcher.match(t) for t in texts]


def _cells_of(groups: Sequence[Sequence[Word]], walls: Sequence[float]) -> list[tuple[float, float]]:
    """Given a header line's groups and the walls crossing it, return each group's cell: between the walls around
    it, else from its words to the next cell's (header words stand at their cells' left)."""
    out = []
    for n, g in enumerate(groups):
        x0, x1 = min(w.x0 for w in g), max(w.x1 for w in g)
        left = max((w for w in walls if w <= x0 + 1), default=x0 if n else float("-inf"))
        right = min((w for w in walls if w >= x1 - 1), default=None)
        if right is None:
            right = min(u.x0 for u in groups[n + 1]) - 1 if n + 1 < len(groups) else float("inf")
        out.append((left, right))
    return out


def _sub_header(
    line: Line, groups: Sequence[list[Word]], nxt: Line, rules: Sequence[Rule], matcher: HeaderMatcher
) -> tuple[list[list[Word]], list[str], list[Word]] | None:
    """Given a header line's groups and the line under it, return the columns (groups, texts, and the words over
    several columns) when that line is a row of sub-headers: under one cell ("Progress") it names two or more
    ("Q1 update", "Q2 update"), each a column named from both ("Progress Q1 update", as the Word reader names
    it); a cell with one phrase under it only wraps. None when the line is no such row or heads no plan."""
    cells = _cells_of(groups, verticals_crossing(rules, line.top, line.bottom))
    under: list[list[list[Word]]] = [[] for _ in groups]
    for phrase in split_phrases(nxt, verticals_crossing(rules, nxt.top, nxt.bottom)):
        x0, x1 = min(w.x0 for w in phrase), max(w.x1 for w in phrase)
        home = [i for i, (a, b) in enumerate(cells) if a - 1 <= x0 and x1 <= b + 1]
        if len(home) != 1:
            return None
        under[home[0]].append(phrase)
    if all(len(subs) < 2 for subs in under):
        return None
    out, texts, over = [], [], []
    for g, subs in zip(groups, under, strict=True):
        if len(subs) < 2:
            out.append([*g, *(w for s in subs for w in s)])
            texts.append(matcher.cell_text(out[-1]))
            continue
        over.extend(g)
        for sub in subs:
            out.append(list(sub))
            texts.append(f"{matcher.cell_text(g)} {matcher.cell_text(sub)}")
    if classify(texts, [matcher.match(t) for t in texts], matcher)[0] != "plan":
        return None
    return out, texts, over


def _sub_row(line: Line, nxt: Line, rules: Sequence[Rule], *, inside_band: bool, bold: bool) -> bool:
    """Given a header's first line and the line under it, say whether that line can be its row of sub-headers: in
    the header's ruled row with a rule between them, or in its bold type close under it (not a plain body row)."""
    if abs(nxt.size - line.size) > SIZE_CHANGE:
        return False
    if inside_band and any(not r.vertical and line.bottom - 1 <= r.at <= nxt.top + 1 for r in rules):
        return True
    return bold and all(w.bold for w in nxt.words) and nxt.top - line.bottom <= SUB_GAP * nxt.size


def header_at(lines: Sequence[Line], k: int, rules: Sequence[Rule], matcher: HeaderMatcher) -> Header | None:
    """Given a page's lines and an index, return the header starting on line k (plan or other), or None."""
    line = lines[k]
    if len(line.words) > RUNNING_TEXT:
        return None  # a line of running text, not headers
    nxt = lines[k + 1] if k + 1 < len(lines) else None
    if not matcher.may_head(line.text) and (nxt is None or not matcher.may_head(nxt.text)):
        return None  # neither it nor the line under it ends a column name the way headers do
    groups, texts, matches = _read_line(line, rules, matcher)
    names_nothing = not any(matches) and not any(matcher.not_plan_word(t) for t in texts)
    if names_nothing and (k + 1 >= len(lines) or lines[k + 1].top - line.bottom > LINE_GAP * line.size):
        return None  # a line naming nothing may only start a header whose cells are completed lower down
    span = (min(w.x0 for w in line.words), max(w.x1 for w in line.words))
    ruled_bottom = _band_bottom(rules, line, *span)
    bold = all(w.bold for g in groups for w in g)
    score, last = _score(matches), k
    over: list[Word] = []
    sub_top: float | None = None
    for j in range(k + 1, min(k + HEADER_LINES, len(lines))):
        nxt = lines[j]
        inside_band = ruled_bottom is not None and nxt.bottom <= ruled_bottom + 1
        tiered = _sub_header(line, groups, nxt, rules, matcher) if j == k + 1 else None
        if tiered is not None and _sub_row(line, nxt, rules, inside_band=inside_band, bold=bold):
            groups, texts, over = tiered
            matches = [matcher.match(t) for t in texts]
            score, last, sub_top = _score(matches), j, nxt.top
            continue
        if nxt.top - lines[j - 1].bottom > LINE_GAP * nxt.size or abs(nxt.size - line.size) > SIZE_CHANGE:
            break  # a gap, or a title in larger type over the header: not one header
        extended = _add_line(groups, split_phrases(nxt, verticals_crossing(rules, nxt.top, nxt.bottom)))
        if extended is None:
            break
        new_texts = [matcher.cell_text(g) for g in extended]
        new_matches = [matcher.match(t) for t in new_texts]
        new_score = _score(new_matches)
        better = new_score > score and sum(m is None for m in new_matches) <= sum(m is None for m in matches)
        same_cells = len(extended) == len(groups)
        same_style = bold and all(w.bold for w in nxt.words)
        unnamed = [g for g, m in zip(groups, matches, strict=True) if m is None]
        fills_unnamed = all(
            any(min(w.x1, max(u.x1 for u in g)) - max(w.x0, min(u.x0 for u in g)) > -1.0 for g in unnamed)
            for w in nxt.words
        )
        # Lines that only complete cells already begun ("Shared" / "Outcome") belong to the header when they
        # complete cells that name nothing yet in the header's own style.
        completes = same_cells and new_score >= score and same_style and fills_unnamed
        # A cell wrapped onto another line ("Date" / "completed") may name its field less exactly than its first
        # line did, but loses no column's field: it is the header's inside its ruled row, or in its bold type
        # clear of the first column (where a bold theme row under the header would start).
        clear_of_first = min(w.x0 for w in nxt.words) > max(w.x1 for w in groups[0])
        wraps = same_cells and new_score[0] >= score[0] and (inside_band or (same_style and clear_of_first))
        if not (better or completes or wraps):
            break
        groups, texts, matches, score, last = extended, new_texts, new_matches, new_score, j
    if names_nothing:
        # Its first line's words must end up in cells that are whole column names ("Select Committee" +
        # "Recommendation"), not a sentence that merely ends with one ("to draw upon." + "Proposed Actions").
        firsts = {id(w) for w in line.words}
        for g, m in zip(groups, matches, strict=True):
            if any(id(w) in firsts for w in g) and (m is None or m.score < 2):
                return None
    kind, reason = classify(texts, matches, matcher)
    if kind is None:
        return None
    top = min(w.top for g in groups for w in g)
    bottom = max(w.bottom for g in groups for w in g)
    return Header(groups, texts, matches, top, bottom, k, last, kind, reason, over, sub_top)


def _deep_in_grid(line: Line, boxes: Sequence[GridBox], rules: Sequence[Rule], lines: Sequence[Line]) -> bool:
    """Given a line, the page's ruled grids, its rules and its lines, say whether the line lies below a grid's
    first rows, where no header starts (a header is a grid's first row, under at most a merged caption row, or
    under the title rows a spreadsheet prints inside its gridlines)."""
    for box in boxes:
        if not (box.top < line.top < box.bottom and box.x0 < line.words[0].x0 < box.x1):
            continue
        need = GRID_RULE * (box.x1 - box.x0)
        above = cluster_positions(
            [r.at for r in rules if not r.vertical and box.top - 2 <= r.at < line.top and r.b - r.a >= need]
        )
        if len(above) > HEADER_ROWS - 1 + max(1, _title_rows(above, box, rules, lines)):
            return True
    return False


def _title_rows(ys: Sequence[float], box: GridBox, rules: Sequence[Rule], lines: Sequence[Line]) -> int:
    """Given the rules down a grid's first rows, return how many of those rows, from its top, are empty or hold
    one run of text across merged cells (a caption, or a spreadsheet's title and the empty rows under it)."""
    count = 0
    for a, b in pairwise(ys):
        inside = [ln for ln in lines if a < (ln.top + ln.bottom) / 2 < b and box.x0 < ln.words[0].x0 < box.x1]
        if any(len(split_phrases(ln, verticals_crossing(rules, ln.top, ln.bottom))) > 1 for ln in inside):
            break
        count += 1
    return count


def find_headers(
    lines: Sequence[Line], rules: Sequence[Rule], matcher: HeaderMatcher, grids: Sequence[GridBox] = ()
) -> list[Header]:
    """Given a page's lines (and its ruled grids), return every table header on it, top to bottom."""
    out: list[Header] = []
    k = 0
    while k < len(lines):
        if grids and _deep_in_grid(lines[k], grids, rules, lines):
            k += 1
            continue
        found = header_at(lines, k, rules, matcher)
        if found is None:
            k += 1
            continue
        out.append(found)
        k = found.last_line + 1
    return out
