"""normalise: SourceDocument -> records. Pure: no I/O, no pdfplumber.

Joins rows that break across pages, applies themes, reads labels into ids,
reflows wrapped text and splits owner cells into owners.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.crossrefs import find_cross_refs
from pipeline.owners import owner_keys
from pipeline.records import (
    BBox,
    Column,
    Issue,
    Record,
    SourceCell,
    SourceDocument,
    SourceRow,
    Status,
    TextLine,
    Timescale,
)
from pipeline.settings import Settings
from pipeline.statuses import parse_status
from pipeline.timescales import parse_timescale

_CID = re.compile(r"^\(cid:\d+\)")
_SPACES = re.compile(r"[ \t]+")


# ---------------------------------------------------------------- text


def join_lines(before: str, after: str) -> str:
    """Given two wrapped pieces of text, return them joined as one (no space after a word-hyphen)."""
    if not before:
        return after
    if not after:
        return before
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha():
        return before + after
    return before + " " + after


def _is_paragraph_break(prev: TextLine, cur: TextLine) -> bool:
    """Given two consecutive lines of a cell, say whether a visible gap or a list item separates them."""
    gap = cur.top - prev.bottom
    return gap > 0.5 * max(cur.size, prev.size) or cur.text.startswith(("- ", "– ", "• "))


def _forced_break(prev: TextLine, cur: TextLine, left: float, right: float | None) -> bool:
    """Given two lines, say whether a word too long for the column was broken between them without a hyphen.

    Word and LibreOffice put such a word on a line of its own and cut it at the margin:
    the first line then runs right to the margin, and the rejoined word could never fit.
    """
    if right is None or not prev.text or not cur.text:
        return False
    words = prev.text.split()
    last, first = words[-1], cur.text.split()[0]
    if len(words) != 1 or not (last[-1].isalnum() and first[0].islower()):
        return False
    per_char = (prev.x1 - prev.x0) / max(len(prev.text), 1)
    at_margin = prev.x1 >= right - 1.5 * per_char
    return at_margin and (len(last) + len(first)) * per_char > right - left


def reflow(lines: Sequence[TextLine], right: float | None = None) -> str:
    """Given a cell's printed lines (and the margin they wrap at), return its text: wrapped lines joined,
    paragraphs kept as "\\n"."""
    paragraphs: list[str] = []
    left = min((ln.x0 for ln in lines), default=0.0)
    for i, line in enumerate(lines):
        text = _SPACES.sub(" ", line.text).strip()
        if i and not _is_paragraph_break(lines[i - 1], line):
            if _forced_break(lines[i - 1], line, left, right):
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
        if text and part and part[0].text.startswith(("- ", "– ", "• ")):
            text = text + "\n" + piece
        else:
            text = join_lines(text, piece)
    return text


# ---------------------------------------------------------------- owners


def _bullet_of(token: str, bullets: Sequence[str]) -> str | None:
    """Given a word, return the bullet it starts with (or None)."""
    if _CID.match(token):
        return _CID.match(token).group(0)  # type: ignore[union-attr]
    for b in bullets:
        if token == b:
            return b
        if not b.isalnum() and b not in "-–" and token.startswith(b):
            return b
    return None


def _would_fit(prev: TextLine, word: str, right: float) -> bool:
    """Given a line, the next line's first word and the wrap margin, say whether the word would have fitted."""
    if not prev.text:
        return False
    per_char = (prev.x1 - prev.x0) / max(len(prev.text), 1)
    return prev.x1 + per_char * (len(word) + 1) < right - 1


def split_owners(cell: Sequence[Sequence[TextLine]], right: float, bullets: Sequence[str]) -> list[str]:
    """Given an owner cell (in parts), return the owners it lists, bullets and wrapping undone."""
    lines = [ln for part in cell for ln in part]
    bulleted = any(_bullet_of(ln.text.split(" ", 1)[0], bullets) for ln in lines if ln.text)
    items: list[str] = []
    prev: TextLine | None = None
    for line in lines:
        tokens = line.text.split()
        new_item = prev is None
        if bulleted:
            new_item = new_item or bool(tokens and _bullet_of(tokens[0], bullets))
        elif prev is not None:
            new_item = _is_paragraph_break(prev, line) or (bool(tokens) and _would_fit(prev, tokens[0], right))
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
        for j, piece in enumerate(pieces):
            text = " ".join(piece)
            if (new_item or j > 0) or not items:
                items.append(text)
            else:
                items[-1] = join_lines(items[-1], text)
        if not pieces and new_item:
            items.append("")
        prev = line
    out: list[str] = []
    for item in items:
        out.extend(s.strip() for s in item.split(";"))
    return [o for o in out if o]


# ---------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    """A recommendation label as printed and the id it gives."""

    printed: str
    id: str
    number: int | None
    parent: str | None
    rest: str


def parse_label(text: str, settings: Settings, label_column: bool = False) -> Label | None:
    """Given the start of a cell, return the label printed there ("R1.", "R 2.", "Rec 1", "1."), or None."""
    text = text.strip()
    patterns = settings.label_column_patterns if label_column else settings.label_patterns
    for pattern in patterns:
        m = pattern.match(text)
        if not m:
            continue
        num = m.group("num")
        printed = m.group(0).strip()
        if num[0].isdigit():
            ident = f"{settings.id_prefix}{num}"
            parts = num.split(".")
            number: int | None = int(parts[0])
            parent = f"{settings.id_prefix}{parts[0]}" if len(parts) > 1 else None
        else:
            ident, number, parent = num, None, None
        return Label(printed, ident, number, parent, text[m.end() :].strip())
    return None


def generated_id(recommendation: str) -> str:
    """Given a recommendation's text, return a stable id for a plan that prints none."""
    norm = " ".join(recommendation.lower().split())
    return "auto-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]


# ---------------------------------------------------------------- rows -> records


@dataclass
class _Pending:
    theme: str | None
    label: Label | None
    parts: list[list[SourceCell]]
    bboxes: list[BBox] = field(default_factory=list)

    def add(self, row: SourceRow) -> None:
        for i, cell in enumerate(row.cells):
            if cell.lines:
                self.parts[i].append(cell)
        self.bboxes.append(row.bbox)


def _label_cell_index(columns: Sequence[Column]) -> tuple[int, bool]:
    for i, c in enumerate(columns):
        if c.field == "label":
            return i, True
    for i, c in enumerate(columns):
        if c.field == "recommendation":
            return i, False
    return 0, False


def _leads_into(
    row: SourceRow,
    nxt: SourceRow | None,
    columns: Sequence[Column],
    label_idx: int,
    label_column: bool,
    settings: Settings,
) -> bool:
    """Given an unlabelled row and the row after it, say whether it is the top part of the next row.

    In a table whose cells are centred vertically, a row split by a page break can
    print its label, timescale, owner and status only in its second part: the first
    part, at the foot of the page, then holds only the long cells.
    """
    if row.first_on_page or nxt is None or not nxt.first_on_page or nxt.page != row.page + 1 or nxt.kind != "body":
        return False  # a row that starts its page carries on the row before it instead
    if not parse_label(_first_text(nxt.cells[label_idx]), settings, label_column):
        return False
    short = [
        i for i, c in enumerate(columns) if c.field in ("label", "recommendation", "timescale", "owners", "status")
    ]
    return all(not row.cells[i].lines for i in short)


def _continues_text(cell: SourceCell) -> bool:
    """Given the first cell of a row at the top of a page, say whether its text carries on a sentence."""
    text = _first_text(cell)
    return bool(text) and (text[0].islower() or text.startswith(("- ", "– ")))


def _first_text(cell: SourceCell) -> str:
    return cell.lines[0].text if cell.lines else ""


def rows_to_records(doc: SourceDocument, settings: Settings) -> tuple[list[Record], list[Issue]]:
    """Given an extracted document, return its records and the issues met on the way."""
    columns = doc.columns
    label_idx, label_column = _label_cell_index(columns)
    issues: list[Issue] = []
    body = [r for r in doc.rows if r.kind == "body"]
    labelled = sum(1 for r in body if parse_label(_first_text(r.cells[label_idx]), settings, label_column))
    plan_has_labels = labelled > 0
    pending: list[_Pending] = []
    theme: str | None = None
    held: SourceRow | None = None  # a page-foot fragment that belongs to the row the next page starts
    rows = doc.rows
    for index, row in enumerate(rows):
        if row.kind == "section":
            theme = " ".join(reflow(c.lines) for c in row.cells if c.lines).strip() or theme
            continue
        label = parse_label(_first_text(row.cells[label_idx]), settings, label_column)
        first_empty = not row.cells[label_idx].lines
        nxt = rows[index + 1] if index + 1 < len(rows) else None
        if label is None and plan_has_labels and _leads_into(row, nxt, columns, label_idx, label_column, settings):
            held = row
            continue
        if label is None and pending:
            continuation = row.first_on_page and (
                plan_has_labels or first_empty or _continues_text(row.cells[label_idx])
            )
            merged_cell = plan_has_labels and first_empty
            if continuation or merged_cell:
                pending[-1].add(row)
                continue
            if plan_has_labels:
                issues.append(
                    Issue("warning", f"page {row.page}: a row has no label; kept as its own record", None, "label")
                )
        if label is None and not pending and row.first_on_page and plan_has_labels and first_empty:
            issues.append(
                Issue(
                    "error",
                    f"page {row.page}: a row fragment before the first recommendation could not be placed",
                    None,
                    None,
                )
            )
            continue
        rec = _Pending(theme, label, [[] for _ in columns])
        if held is not None:
            rec.add(held)
            held = None
        rec.add(row)
        pending.append(rec)
    if not plan_has_labels and pending:
        issues.append(
            Issue(
                "info",
                "the plan prints no recommendation labels: ids were generated from each recommendation's text",
                None,
                "id",
            )
        )
    records = [interpret(_to_record(p, columns, label_idx, label_column, settings), settings) for p in pending]
    return records, issues


def read_timescale(text: str, settings: Settings) -> Timescale:
    """Given a timescale as printed, return it with its dates, ongoing flag and the rule used."""
    reading = parse_timescale(text, settings.conventions)
    return Timescale(
        text=text,
        start=reading.start.isoformat() if reading.start else None,
        end=reading.end.isoformat() if reading.end else None,
        ongoing=reading.ongoing,
        rule=reading.rule,
    )


def read_status(text: str, settings: Settings) -> Status:
    """Given a status as printed, return it with its vocabulary value and RAG rating."""
    reading = parse_status(text, settings.statuses, settings.rag_words, settings.rag_values)
    return Status(text=text, value=reading.value, rag=reading.rag)


def interpret(record: Record, settings: Settings) -> Record:
    """Given a record with cells as printed, return it with timescale, status, owner keys and cross-references read."""
    texts = (record.recommendation, record.proposed_actions, record.progress, record.timescale.text, record.status.text)
    return replace(
        record,
        timescale=read_timescale(record.timescale.text, settings),
        status=read_status(record.status.text, settings),
        owner_keys=owner_keys(record.owners, settings.owner_aliases, settings.owner_prefixes),
        cross_refs=find_cross_refs(record.id, texts, settings.id_prefix),
    )


def _to_record(
    p: _Pending, columns: Sequence[Column], label_idx: int, label_column: bool, settings: Settings
) -> Record:
    texts: dict[str, str] = {}
    extra: dict[str, str] = {}
    owners: list[str] = []
    for i, col in enumerate(columns):
        parts = p.parts[i]
        if col.field == "owners" and "owners" not in texts:
            owners = split_owners([c.lines for c in parts], parts[0].right if parts else 0.0, settings.bullets)
            texts["owners"] = "\n".join(owners)
            continue
        text = reflow_parts(parts)
        if i == label_idx and p.label is not None:
            text = "" if label_column else _strip_label(text, p.label)
        if col.field == "extra" or col.field in texts:
            extra[col.header or f"Column {i + 1}"] = text
        else:
            texts[col.field] = text
    recommendation = texts.get("recommendation", "")
    label = p.label
    return Record(
        id=label.id if label else generated_id(recommendation or texts.get("proposed_actions", "")),
        number=label.number if label else None,
        label=label.printed if label else "",
        parent=label.parent if label else None,
        theme=p.theme,
        recommendation=recommendation,
        proposed_actions=texts.get("proposed_actions", ""),
        timescale=Timescale(texts.get("timescale", "")),
        owners=tuple(owners),
        progress=texts.get("progress", ""),
        status=Status(texts.get("status", "")),
        pages=tuple(sorted({b.page for b in p.bboxes})),
        bboxes=tuple(p.bboxes),
        extra=extra,
    )


def _strip_label(text: str, label: Label) -> str:
    """Given the first cell's text and its label, return the text without the label."""
    stripped = text.lstrip()
    if stripped.startswith(label.printed):
        return stripped[len(label.printed) :].lstrip()
    return stripped
