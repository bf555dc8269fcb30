"""A Word paragraph's text as it prints: runs, tabs, line breaks and symbols, tracked insertions kept and
deletions left out, list markers from numbering (`w:numPr`, direct or from the style), and whether it is set
as a heading: bold, larger type, or a heading style.

Numbering counts on in document order, so paragraphs are read once each, in order (see `ParagraphReader`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

W_R, W_T, W_TAB, W_PTAB, W_BR, W_CR = (qn(f"w:{t}") for t in ("r", "t", "tab", "ptab", "br", "cr"))
W_SYM, W_NO_BREAK_HYPHEN = qn("w:sym"), qn("w:noBreakHyphen")
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
# What prints no text of the paragraph's own: deletions, field codes, drawings and text boxes, notes, equations.
_SKIP = frozenset(
    [
        *(
            qn(f"w:{t}")
            for t in (
                "del",
                "moveFrom",
                "pPr",
                "rPr",
                "instrText",
                "delText",
                "drawing",
                "pict",
                "object",
                "footnoteReference",
                "endnoteReference",
                "commentReference",
            )
        ),
        qn("m:oMath"),
        qn("m:oMathPara"),
        MC_ALTERNATE,
    ]
)
DEFAULT_SIZE = 10.0  # points: Word's type size when neither the document nor a style gives one
OFF = frozenset(["0", "false", "off"])
_HEADING_STYLE = re.compile(r"^(heading\s*\d|title|subtitle)$", re.IGNORECASE)
_LEVEL_MARK = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its printed lines (split at line breaks, spacing collapsed, a list marker starting the
    first), whether all its text is bold, its type size in points, and whether its style is a heading."""

    lines: tuple[str, ...]
    bold: bool = False
    size: float = DEFAULT_SIZE
    heading: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _on(element: Any | None) -> bool | None:
    """Given a toggle property (`w:b`), return whether it is on, or None when it is not set."""
    if element is None:
        return None
    return element.get(qn("w:val"), "true").lower() not in OFF


@dataclass
class _Style:
    based_on: str | None = None
    name: str = ""
    bold: bool | None = None
    size: float | None = None
    outline: bool = False
    num: tuple[str, int | None] | None = None


class Styles:
    """The document's styles, each property read through the styles it is based on."""

    def __init__(self, styles: Any | None) -> None:
        self._styles: dict[str, _Style] = {}
        self.default_paragraph: str | None = None
        self.bold = False
        self.size = DEFAULT_SIZE
        if styles is None:
            return
        defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if defaults is not None:
            self.bold = bool(_on(defaults.find(qn("w:b"))))
            self.size = _size(defaults) or DEFAULT_SIZE
        for style in styles.iterfind(qn("w:style")):
            ident = style.get(qn("w:styleId"), "")
            based = style.find(qn("w:basedOn"))
            name = style.find(qn("w:name"))
            rpr, ppr = style.find(qn("w:rPr")), style.find(qn("w:pPr"))
            self._styles[ident] = _Style(
                based_on=based.get(qn("w:val")) if based is not None else None,
                name=name.get(qn("w:val"), "") if name is not None else "",
                bold=_on(rpr.find(qn("w:b"))) if rpr is not None else None,
                size=_size(rpr) if rpr is not None else None,
                outline=ppr is not None and ppr.find(qn("w:outlineLvl")) is not None,
                num=_num_pr(ppr) if ppr is not None else None,
            )
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
                self.default_paragraph = ident

    def _chain(self, ident: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        while ident and ident in self._styles and ident not in seen:
            seen.add(ident)
            style = self._styles[ident]
            yield style
            ident = style.based_on

    def bold_of(self, ident: str | None) -> bool | None:
        return next((s.bold for s in self._chain(ident) if s.bold is not None), None)

    def size_of(self, ident: str | None) -> float | None:
        return next((s.size for s in self._chain(ident) if s.size is not None), None)

    def num_of(self, ident: str | None) -> tuple[str, int | None] | None:
        return next((s.num for s in self._chain(ident) if s.num is not None), None)

    def is_heading(self, ident: str | None) -> bool:
        return any(_HEADING_STYLE.match(s.name.strip()) or s.outline for s in self._chain(ident))


def _size(rpr: Any) -> float | None:
    found = rpr.find(qn("w:sz"))
    try:
        return int(found.get(qn("w:val"))) / 2 if found is not None else None
    except (TypeError, ValueError):
        return None


def _num_pr(ppr: Any) -> tuple[str, int | None] | None:
    """Given paragraph properties, return the numbering they name: (numId, level or None), or None."""
    num = ppr.find(qn("w:numPr"))
    if num is None:
        return None
    ident, level = num.find(qn("w:numId")), num.find(qn("w:ilvl"))
    if ident is None:
        return None
    try:
        lvl = int(level.get(qn("w:val"))) if level is not None else None
    except (TypeError, ValueError):
        lvl = None
    return ident.get(qn("w:val"), "0"), lvl


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int


@dataclass
class _List:
    levels: dict[int, _Level] = field(default_factory=dict)
    link: str | None = None  # numStyleLink: the levels are another list's, through a numbering style


class Numbering:
    """The document's lists (numbering.xml) and, as paragraphs are read in order, each list's counters."""

    def __init__(self, numbering: Any | None, styles: Styles) -> None:
        self._styles = styles
        self._abstract: dict[str, _List] = {}
        self._nums: dict[str, tuple[str, dict[int, _Level | int]]] = {}
        self._counts: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if numbering is None:
            return
        for abstract in numbering.iterfind(qn("w:abstractNum")):
            found = _List(_levels(abstract))
            link = abstract.find(qn("w:numStyleLink"))
            found.link = link.get(qn("w:val")) if link is not None else None
            self._abstract[abstract.get(qn("w:abstractNumId"), "")] = found
        for num in numbering.iterfind(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            overrides: dict[int, _Level | int] = {}
            for over in num.iterfind(qn("w:lvlOverride")):
                level = _int(over.get(qn("w:ilvl")), 0)
                redefined = _levels(over)
                start = over.find(qn("w:startOverride"))
                if level in redefined:
                    overrides[level] = redefined[level]
                elif start is not None:
                    overrides[level] = _int(start.get(qn("w:val")), 1)
            self._nums[num.get(qn("w:numId"), "")] = (ref.get(qn("w:val"), "") if ref is not None else "", overrides)

    def _levels_of(self, abstract: str) -> dict[int, _Level]:
        seen: set[str] = set()
        while abstract in self._abstract and abstract not in seen:
            seen.add(abstract)
            found = self._abstract[abstract]
            if found.levels or found.link is None:
                return found.levels
            styled = self._styles.num_of(found.link)
            abstract = self._nums.get(styled[0], ("", {}))[0] if styled else ""
        return {}

    def marker(self, num_id: str, ilvl: int) -> str:
        """Given a numbered paragraph's list and level, count it and return the marker it prints ("" if none)."""
        if num_id not in self._nums:
            return ""
        abstract, overrides = self._nums[num_id]
        levels = {**self._levels_of(abstract), **{k: v for k, v in overrides.items() if isinstance(v, _Level)}}
        counts = self._counts.setdefault(abstract, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for k, v in overrides.items():  # a list instance that restarts its numbering
                counts.pop(k, None)
                if isinstance(v, int):
                    levels[k] = _Level(levels[k].fmt, levels[k].text, v) if k in levels else _Level("decimal", "", v)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if level.fmt == "bullet":
            return level.text
        if level.fmt == "none":
            return ""

        def number(found: re.Match[str]) -> str:
            k = int(found.group(1)) - 1
            at = levels.get(k, _Level("decimal", "", 1))
            return format_number(counts.get(k, at.start), at.fmt)

        return _LEVEL_MARK.sub(number, level.text)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _levels(parent: Any) -> dict[int, _Level]:
    out: dict[int, _Level] = {}
    for lvl in parent.iterfind(qn("w:lvl")):
        fmt, text, start = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText")), lvl.find(qn("w:start"))
        out[_int(lvl.get(qn("w:ilvl")), 0)] = _Level(
            fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
            text.get(qn("w:val"), "") if text is not None else "",
            _int(start.get(qn("w:val")) if start is not None else None, 0),
        )
    return out


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"))
_ROMAN_SMALL = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def format_number(n: int, fmt: str) -> str:
    """Given a list counter and a Word number format ("decimal", "lowerLetter", "upperRoman" ...), return it
    as Word prints it."""
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word's 27th is "aa"
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        out, rest = "", n
        for value, numeral in (*_ROMAN, *_ROMAN_SMALL):
            while rest >= value:
                out, rest = out + numeral, rest - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return str(n)


def _symbol(sym: Any) -> str:
    try:
        return chr(int(sym.get(qn("w:char"), ""), 16))
    except ValueError:
        return ""


def _pieces(element: Any, run: Any | None) -> Iterator[tuple[Any | None, str]]:
    """Given a paragraph (or an element inside one), yield each piece of text it prints with the run it is in."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W_R:
            yield from _pieces(child, child)
        elif tag == W_T:
            yield run, child.text or ""
        elif tag in (W_TAB, W_PTAB):
            yield run, "\t"
        elif tag in (W_BR, W_CR):
            yield run, "\n"
        elif tag == W_SYM:
            yield run, _symbol(child)
        elif tag == W_NO_BREAK_HYPHEN:
            yield run, "-"
        else:  # hyperlinks, insertions, fields, content controls, smart tags: their runs print
            yield from _pieces(child, run)


class ParagraphReader:
    """Read paragraphs in document order: their text, list markers (counted as they come) and style."""

    def __init__(self, styles: Styles, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def read(self, p: Any) -> Paragraph:
        """Given a `w:p` element, return the paragraph as it prints."""
        ppr = p.find(qn("w:pPr"))
        style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style = style_el.get(qn("w:val")) if style_el is not None else self.styles.default_paragraph
        texts: list[str] = []
        bold: list[bool] = []
        sizes: list[float] = []
        for run, text in _pieces(p, None):
            texts.append(text)
            if run is not None and text.strip():
                bold.append(self._run_bold(run, style))
                sizes.append(self._run_size(run, style))
        lines = [" ".join(line.replace("\t", " ").split()) for line in "".join(texts).split("\n")]
        marker = self._marker(ppr, style) if any(lines) else ""
        if marker:
            first = next(i for i, line in enumerate(lines) if line)
            lines[first] = f"{marker} {lines[first]}"
        return Paragraph(
            tuple(line for line in lines if line),
            bool(bold) and all(bold),
            max(sizes, default=self.styles.size_of(style) or self.styles.size),
            self.styles.is_heading(style),
        )

    def _marker(self, ppr: Any | None, style: str | None) -> str:
        direct = _num_pr(ppr) if ppr is not None else None
        styled = self.styles.num_of(style)
        num = direct or styled
        if num is None or num[0] == "0":
            return ""
        level = num[1] if num[1] is not None else (styled[1] if styled and styled[1] is not None else 0)
        return " ".join(self.numbering.marker(num[0], level).split())

    def _run_bold(self, run: Any, style: str | None) -> bool:
        rpr = run.find(qn("w:rPr"))
        if rpr is not None:
            direct = _on(rpr.find(qn("w:b")))
            if direct is not None:
                return direct
            char_style = rpr.find(qn("w:rStyle"))
            if char_style is not None:
                styled = self.styles.bold_of(char_style.get(qn("w:val")))
                if styled is not None:
                    return styled
        found = self.styles.bold_of(style)
        return self.styles.bold if found is None else found

    def _run_size(self, run: Any, style: str | None) -> float:
        rpr = run.find(qn("w:rPr"))
        if rpr is not None:
            direct = _size(rpr)
            if direct is not None:
                return direct
            char_style = rpr.find(qn("w:rStyle"))
            if char_style is not None:
                styled = self.styles.size_of(char_style.get(qn("w:val")))
                if styled is not None:
                    return styled
        return self.styles.size_of(style) or self.styles.size
