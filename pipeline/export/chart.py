"""The progress chart for the committee paper (matplotlib), with words for its alternative text."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no screen: draw to memory

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from pipeline.records import ThemeCounts
from pipeline.statuses import STATUS_WORDS

# Colour and hatching together, so the chart reads in grey too; the legend names every status.
_STYLE = {
    "complete": ("#2e7d32", ""),
    "partly_complete": ("#81c784", "//"),
    "in_progress": ("#f9a825", ".."),
    "not_started": ("#ef6c00", "xx"),
    "not_reported": ("#9e9e9e", "\\\\"),
    "unknown": ("#c62828", "--"),
}


def status_chart_png(themes: Sequence[ThemeCounts], title: str) -> bytes:
    """Given counts by theme (no total), return a stacked bar chart as PNG, one bar a theme."""
    names = [t.theme for t in themes]
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(names), 3) + 1.4), dpi=150)
    left = [0] * len(names)
    for status in STATUS_WORDS:
        values = [t.counts.get(status, 0) for t in themes]
        if not any(values):
            continue
        colour, hatch = _STYLE.get(status, ("#607d8b", ""))
        ax.barh(
            names,
            values,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="black",
            linewidth=0.5,
            label=STATUS_WORDS[status],
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("Number of recommendations")
    fig.suptitle(
        textwrap.fill(title, 80), fontsize=11
    )  # over the figure, not the axes: long theme names push those right
    ax.legend(loc="lower right", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def status_chart_words(themes: Sequence[ThemeCounts]) -> str:
    """Given the same counts, return them in words: the chart's alternative text."""
    parts = []
    for t in themes:
        counts = ", ".join(f"{n} {STATUS_WORDS.get(s, s)}" for s, n in t.counts.items() if n)
        parts.append(f"{t.theme}: {counts or 'none'}")
    return "Bar chart of recommendations by status for each theme. " + "; ".join(parts) + "."
