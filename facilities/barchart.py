"""Horizontal bar charts as plain geometry (pure): the template draws them as SVG with attributes and CSS
classes only, which the pages' Content-Security-Policy allows (no style attribute, no script).

Used where a few figures read better as bars than as numbers (the home dashboard's CP against the caps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# User units of the viewBox, chosen so that the text stays readable when a phone shrinks the chart to 340 px.
LABEL_WIDTH = 50  # the row labels' column
BAR_AREA = 250  # the bars' column
VALUE_WIDTH = 180  # the values written after the longest bar
BAR_HEIGHT = 20
ROW_GAP = 12


@dataclass(frozen=True)
class Bar:
    css: str  # the series' CSS class (its colour, app.css)
    value: int
    text: str  # the value as the reader sees it (already formatted)
    x: float
    y: float
    width: float
    height: float = BAR_HEIGHT


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float  # the label's baseline
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    rows: tuple[BarRow, ...]
    width: int
    height: int
    label_width: int = LABEL_WIDTH


def bar_chart(rows: Sequence[tuple[str, Sequence[tuple[str, int, str]]]]) -> BarChart:
    """Rows of (label, [(css class, value, text)…]): one bar per value, all on one scale (the largest value
    fills the bars' column); negative values draw as empty bars, zero values are left out (their text would
    only repeat "0"). A row's bars are stacked under its label."""
    largest = max((value for _label, bars in rows for _css, value, _text in bars), default=0)
    scale = BAR_AREA / largest if largest > 0 else 0
    out, y = [], ROW_GAP
    for label, bars in rows:
        bars = [bar for bar in bars if bar[1] != 0] or list(bars[:1])
        drawn = []
        for index, (css, value, text) in enumerate(bars):
            drawn.append(Bar(css, value, text, LABEL_WIDTH, y + index * BAR_HEIGHT,
                             round(max(value, 0) * scale, 1)))
        out.append(BarRow(label, y + BAR_HEIGHT * 0.75, tuple(drawn)))
        y += BAR_HEIGHT * max(len(bars), 1) + ROW_GAP
    return BarChart(tuple(out), LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, int(y))
