"""The colour each cell is painted: a RAG rating is often a coloured cell (or a coloured mark in it) with no
word printed, so each body cell keeps the colour of the coloured fill that covers it, or that sits inside it.

Only coloured fills count (white, greys and pale tints are shading); which colour means which rating is the
reader's business (`pipeline.statuses.rag_of_colour`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.extract.columns import ColumnGeom
from pipeline.extract.geometry import Fill
from pipeline.records import SourceRow

COVERS = 0.5  # a fill over this share of a cell paints the cell
INSIDE = 0.8  # a fill with this share of itself inside a cell is a mark in the cell
MIN_MARK = 9.0  # square points: a smaller mark (a bullet, a rule's end) is no rating
MIN_SATURATION = 0.12  # paler or greyer than this is shading, not a colour


def hex_colour(colour: tuple[float, ...] | None) -> str | None:
    """Given a fill's colour as pdfminer gives it (grey, RGB or CMYK, each 0 to 1), return it as hex ("00B050")
    when it is a colour, or None for white, grey, black, a pattern or a pale tint."""
    if colour is None or len(colour) not in (3, 4) or not all(0.0 <= c <= 1.0 for c in colour):
        return None
    if len(colour) == 4:
        c, m, y, k = colour
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        rgb = (colour[0], colour[1], colour[2])
    high, low = max(rgb), min(rgb)
    if high == 0 or (high - low) / high < MIN_SATURATION:
        return None
    return "".join(f"{round(v * 255):02X}" for v in rgb)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def paint_cells(rows: Sequence[SourceRow], columns: Sequence[ColumnGeom], fills: Sequence[Fill]) -> list[SourceRow]:
    """Given one table stretch's rows, its columns and the page's fills, return the rows with each body cell's
    colour: the coloured fill covering most of it, else the largest coloured mark inside it."""
    coloured = [(f, hexed) for f in fills if (hexed := hex_colour(f.colour)) is not None]
    if not coloured:
        return list(rows)
    out = []
    for row in rows:
        if row.kind != "body" or len(row.cells) != len(columns):
            out.append(row)
            continue
        top, bottom = row.bbox.top, row.bbox.bottom
        cells = []
        for cell, col in zip(row.cells, columns, strict=True):
            area = max((col.x1 - col.x0) * (bottom - top), 1e-6)
            best: tuple[float, str] | None = None
            for f, hexed in coloured:
                shared = _overlap(col.x0, col.x1, f.x0, f.x1) * _overlap(top, bottom, f.top, f.bottom)
                size = (f.x1 - f.x0) * (f.bottom - f.top)
                counts = shared >= COVERS * area or (size >= MIN_MARK and shared >= INSIDE * size)
                if counts and (best is None or shared >= best[0]):  # of two equal, the later is painted on top
                    best = (shared, hexed)
            cells.append(replace(cell, fill=best[1]) if best else cell)
        out.append(replace(row, cells=tuple(cells)))
    return out
