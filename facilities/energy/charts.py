"""Energy charts as SVG text, from plain data (no database, no request): pages inline them, PDF reports
embed them. Labels are passed in already translated; every chart's content must also be given to the
reader as text or a table by the caller (the SVG carries a <title> and <desc> too).

Uses matplotlib's object API (no pyplot: no global state shared between threads).
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from itertools import count
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from facilities.palette import DPE_COLORS  # noqa: E402

ACTUAL_COLOUR = "#0b5394"
PATH_COLOUR = "#6c757d"
TARGET_COLOUR = "#d7221f"
PROJECTED_COLOUR = "#38761d"

_ids = count(1)

CACHED_CHARTS = 128  # a dashboard or a report asks for the same few charts again and again


def _frozen(value):
    """A hashable copy of a chart argument (mappings and sequences of plain values; labels become str)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, (int, float, type(None))):
        return value
    return str(value)  # lazy translated strings: their text in the current locale


def _renumbered(svg: str) -> str:
    """The same chart under a new id prefix, so that two copies on one page never share ids."""
    old = re.search(r'id="(ec\d+-)', svg)
    return svg if old is None else svg.replace(old.group(1), f"ec{next(_ids)}-")


def _memoized(render: Callable[..., str]) -> Callable[..., str]:
    """Keep the last CACHED_CHARTS results of a chart function: drawing with matplotlib costs ~0.25 s a chart,
    while its inputs (a page's figures) rarely change between two requests."""
    cache: OrderedDict = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(render)
    def cached(*args, **kwargs):
        key = (_frozen(args), _frozen(kwargs))
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return _renumbered(cache[key])
        svg = render(*args, **kwargs)
        with lock:
            cache[key] = svg
            while len(cache) > CACHED_CHARTS:
                cache.popitem(last=False)
        return svg

    cached.cache_clear = cache.clear  # type: ignore[attr-defined]
    return cached


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>\s*\*\s*\{([^}]*)\}\s*</style>")


def _declarations_as_attributes(declarations: str) -> str:
    """'fill: #fff; stroke-width: 0.8' -> ' fill="#fff" stroke-width="0.8"' (SVG presentation attributes)."""
    attributes = []
    for declaration in declarations.split(";"):
        name, _colon, value = declaration.partition(":")
        if name.strip() and value.strip():
            attributes.append(f' {name.strip()}="{value.strip().replace(chr(34), "&quot;")}"')
    return "".join(attributes)


def _without_css(svg: str) -> str:
    """matplotlib writes its styling as CSS (style attributes and a <style> element), which the pages'
    Content-Security-Policy (style-src 'self') refuses: the browser then paints every shape black. The same
    properties as SVG presentation attributes are not CSS, so they draw under the policy, and in the PDFs too."""
    defaults = _STYLE_ELEMENT.search(svg)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda m: _declarations_as_attributes(m.group(1)), svg)
    if defaults:  # the '*' rule of the <style> element: inherited properties, set once on the root
        svg = svg.replace("<svg", "<svg" + _declarations_as_attributes(defaults.group(1)), 1)
    return svg


def _svg(figure: Figure, title: str, description: str) -> str:
    """The figure as an inline-ready <svg> element (no XML prolog, no DOCTYPE, unique ids, title and desc)."""
    out = io.StringIO()
    # Text stays text (smaller, searchable, readable by assistive technology) rather than glyph paths.
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = out.getvalue()
    text = _without_css(text[text.index("<svg"):])
    # Scale to the container's width; the viewBox keeps the proportions.
    text = re.sub(r'^<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 width="100%"', text, count=1)
    prefix = f"ec{next(_ids)}-"  # ids of two inline charts on one page must not collide
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", text)
    title_id, desc_id = f"{prefix}title", f"{prefix}desc"
    opening_end = text.index(">") + 1
    opening = text[:opening_end].replace(
        "<svg", f'<svg role="img" aria-labelledby="{title_id} {desc_id}"', 1)
    return (f'{opening}<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}'
            f"</desc>{text[opening_end:]}")


def _figure(width: float = 7.0, height: float = 3.6) -> Figure:
    figure = Figure(figsize=(width, height))
    figure.set_layout_engine("constrained")
    return figure


@_memoized
def trajectory_svg(
    actual: Mapping[int, float],
    path: Mapping[int, float],
    targets: Mapping[int, float],
    *,
    reference: tuple[int, float] | None = None,
    cabs: float | None = None,
    projected: tuple[int, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Décret tertiaire consumption (kWh/m²/yr) by year against the straight-line path and the targets;
    `projected` (year, kWh/m²): the position expected after received retrofit works, a hollow diamond joined
    to the latest actual year by a dotted line, with its value written beside it."""
    text = {"title": "Décret tertiaire trajectory", "actual": "Consumption (kWh/m²)", "path": "Straight-line path",
            "target": "Target", "reference": "Reference year", "cabs": "Absolute target (Cabs)",
            "projected": "Projected after the retrofit works", "y": "kWh final/m²/yr", "description": "",
            **(labels or {})}
    figure = _figure()
    axes = figure.add_subplot()
    if reference is not None:
        anchors = sorted({reference[0]: reference[1], **{y: v for y, v in targets.items() if y > reference[0]}}.items())
        axes.plot([y for y, _v in anchors], [v for _y, v in anchors], linestyle="--", color=PATH_COLOUR,
                  label=text["path"])
        axes.plot([reference[0]], [reference[1]], marker="s", linestyle="none", color=PATH_COLOUR,
                  label=f"{text['reference']} {reference[0]}")
    if targets:
        axes.plot(list(targets), list(targets.values()), marker="v", markersize=9, linestyle="none",
                  color=TARGET_COLOUR, label=text["target"])
        for year, value in targets.items():
            axes.annotate(f"{value:.0f}", (year, value), textcoords="offset points", xytext=(0, -16),
                          ha="center", fontsize=8)
    if actual:
        years = sorted(actual)
        axes.plot(years, [actual[y] for y in years], marker="o", color=ACTUAL_COLOUR, label=text["actual"])
    if projected is not None:
        year, value = projected
        if actual:
            last = max(actual)
            axes.plot([last, year], [actual[last], value], linestyle=":", color=PROJECTED_COLOUR)
        axes.plot([year], [value], marker="D", markersize=8, markerfacecolor="white", markeredgewidth=2,
                  linestyle="none", color=PROJECTED_COLOUR, label=f"{text['projected']} ({year})")
        axes.annotate(f"{value:.0f}", (year, value), textcoords="offset points", xytext=(8, 0), ha="left",
                      va="center", fontsize=8)
    if cabs is not None:
        axes.axhline(cabs, color=TARGET_COLOUR, linestyle=":", label=text["cabs"])
    del path  # the path is drawn through its anchors; per-year values are for the text table
    axes.set_ylabel(text["y"])
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(fontsize=8, loc="best")
    return _svg(figure, text["title"], text["description"])


@_memoized
def dpe_distribution_svg(counts: Mapping[str, int], *, labels: Mapping[str, str] | None = None) -> str:
    """Number of buildings per DPE class A..G (the letter under each bar, the count above it)."""
    text = {"title": "Buildings per DPE class", "y": "Buildings", "description": "", **(labels or {})}
    letters = list(DPE_COLORS)
    values = [counts.get(letter, 0) for letter in letters]
    figure = _figure(6.0, 3.0)
    axes = figure.add_subplot()
    bars = axes.bar(letters, values, color=[DPE_COLORS[letter] for letter in letters], edgecolor="#333333")
    axes.bar_label(bars, fontsize=9)
    axes.set_ylabel(text["y"])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(values + [1]) * 1.2)
    return _svg(figure, text["title"], text["description"])


@_memoized
def yearly_totals_svg(
    years: Sequence[int], mwh: Sequence[float], tonnes_co2e: Sequence[float | None],
    *, labels: Mapping[str, str] | None = None,
) -> str:
    """Portfolio consumption (MWh, bars) and emissions (t CO2e, line on a second axis) by year."""
    text = {"title": "Portfolio consumption and emissions", "mwh": "MWh final", "co2": "t CO2e",
            "description": "", **(labels or {})}
    figure = _figure()
    axes = figure.add_subplot()
    axes.bar([str(y) for y in years], mwh, color="#9fc5e8", edgecolor=ACTUAL_COLOUR, label=text["mwh"])
    axes.set_ylabel(text["mwh"])
    other = axes.twinx()
    points = [(str(y), v) for y, v in zip(years, tonnes_co2e, strict=True) if v is not None]
    if points:
        other.plot([p[0] for p in points], [p[1] for p in points], marker="o", color="#38761d", label=text["co2"])
    other.set_ylabel(text["co2"])
    other.set_ylim(bottom=0)
    for scale in (axes, other):  # whole numbers, never "1e6" above the axis (a large portfolio's MWh)
        scale.ticklabel_format(axis="y", style="plain", useOffset=False)
    handles = axes.get_legend_handles_labels()[0] + other.get_legend_handles_labels()[0]
    axes.legend(handles=handles, fontsize=8, loc="upper right")
    return _svg(figure, text["title"], text["description"])
