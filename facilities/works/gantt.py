"""Gantt chart of works operations by phase, as inline SVG text (pure: plain data in, SVG text out).

Printable (no script, no external resource, black text, patterns not needed: each phase bar carries its
code as text when wide enough and a <title> tooltip) and accessible: the SVG has role="img", a title and
a description, and :func:`gantt_table` gives the same content as rows for a table alternative. The
reports area reuses :func:`gantt_svg` in its PDFs.

Input rows: mappings with ``label`` (str), ``start`` and ``end`` (dates), optional ``phases`` (list of
``{"code", "start", "end"}``), ``fixed`` and ``draft`` (bool), and ``url`` (the operation's page: with
``link_rows=True`` its label and bars are a link).

A long label is never cut where rows differ: it wraps onto a second line, and a second line still too long
loses its MIDDLE words ("Poursuite des travaux du pôle / …social de Clichy"): operations of one programme
often share their first words and differ by their last ones.
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Mapping, Sequence
from datetime import date
from xml.sax.saxutils import escape

__all__ = ["PHASE_COLOURS", "gantt_svg", "gantt_table", "label_lines"]

# Colour-blind-friendly palette (Okabe–Ito) with a text colour readable on each fill.
PHASE_COLOURS: dict[str, tuple[str, str]] = {
    "DIAG": ("#999999", "#000000"),
    "ESQ": ("#999999", "#000000"),
    "APS": ("#56B4E9", "#000000"),
    "APD": ("#0072B2", "#FFFFFF"),
    "PRO": ("#009E73", "#FFFFFF"),
    "ACT": ("#F0E442", "#000000"),
    "VISA": ("#CC79A7", "#000000"),
    "DET": ("#E69F00", "#000000"),
    "AOR": ("#D55E00", "#FFFFFF"),
}
NO_PHASE_COLOUR = ("#BBBBBB", "#000000")

LABEL_WIDTH = 260
ROW_HEIGHT = 26
BAR_HEIGHT = 16
AXIS_HEIGHT = 28
LEGEND_HEIGHT = 30
CHAR_WIDTH = 6.2  # approximate width of one 11 px character, to decide whether a label fits


def _attr(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


def _fraction_of_month(d: date) -> float:
    return (d.day - 1) / calendar.monthrange(d.year, d.month)[1]


def _position(d: date, first_month: int, month_width: float) -> float:
    return (_month(d) - first_month + _fraction_of_month(d)) * month_width


def _end_position(d: date, first_month: int, month_width: float) -> float:
    return (_month(d) - first_month + d.day / calendar.monthrange(d.year, d.month)[1]) * month_width


# Widths (px) of 11 px sans-serif characters, on the wide side (DejaVu Sans, the usual default on Linux and in
# PDFs): a label measured with them fits in its column whatever the font actually used.
_NARROW, _SEMI, _WIDE = set("ijlI.,;:'!|`"), set(" frt()[]{}-/\"\u00a0"), set("mwMW@%—…")


def _char_width(c: str) -> float:
    return 3.4 if c in _NARROW else 4.7 if c in _SEMI else 9.8 if c in _WIDE else 7.6 if c.isupper() else 6.8


def _text_width(text: str) -> float:
    return sum(_char_width(c) for c in text)


def _front_truncate(text: str, width: float) -> str:
    """``text`` shortened at its START with an ellipsis to fit ``width`` pixels: its end stays."""
    if _text_width(text) <= width:
        return text
    room, used, kept = width - _char_width("…"), 0.0, 0
    for c in reversed(text):
        used += _char_width(c)
        if used > room:
            break
        kept += 1
    return "…" + text[len(text) - kept:].lstrip()


def label_lines(label: str, width: float) -> list[str]:
    """One or two lines showing ``label`` in ``width`` pixels: whole if it fits, else wrapped at a word, the
    second line abbreviated at its front so that the label's end (what tells rows apart) always shows."""
    if _text_width(label) <= width:
        return [label]
    words = label.split()
    first: list[str] = []
    for word in words:
        if _text_width(" ".join([*first, word])) > width:
            break
        first.append(word)
    if not first:  # one word longer than the line: keep its end
        return [_front_truncate(label, width)]
    rest = " ".join(words[len(first):])
    return [" ".join(first), _front_truncate(rest, width)]


def gantt_svg(rows: Sequence[Mapping], *, title: str = "Gantt chart", description: str = "",
              width: int = 960, today: date | None = None, labels: Mapping[str, str] | None = None,
              link_rows: bool = False) -> str:
    """Operations (one row each) by phase on a yearly time axis, as an SVG document fragment.

    ``labels`` translates the few fixed words ("fixed", "draft") and phase codes for the legend.
    ``link_rows`` makes each row's label and bars a link to its ``url`` (on the web; PDFs leave it off).
    """
    labels = dict(labels or {})
    chart_id = f"gantt-{zlib.crc32(f'{title}|{len(rows)}'.encode()):08x}"  # stable: same input, same SVG
    if not rows:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="40" '
                f'aria-labelledby="{chart_id}-t"><title id="{chart_id}-t">{escape(title)}</title>'
                f'<text x="8" y="24" font-size="13">{escape(labels.get("empty", "No operation"))}</text></svg>')
    first_year = min(r["start"] for r in rows).year
    last_year = max(r["end"] for r in rows).year
    first_month = first_year * 12
    months = (last_year - first_year + 1) * 12
    plot_width = width - LABEL_WIDTH - 10
    month_width = plot_width / months
    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows) + LEGEND_HEIGHT + 10
    # An image's content is presentational: with links to the operations inside, the chart is a group instead
    # (axe: "interactive controls must not be nested").
    role = "group" if link_rows and any(row.get("url") for row in rows) else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="{role}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'font-family="sans-serif" font-size="11">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description or title)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#FFFFFF"/>',
    ]
    # Year axis and grid.
    for k in range(last_year - first_year + 1):
        x = LABEL_WIDTH + k * 12 * month_width
        out.append(f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" '
                   f'y2="{AXIS_HEIGHT + ROW_HEIGHT * len(rows)}" stroke="#888888" stroke-width="1"/>')
        out.append(f'<text x="{x + 6 * month_width:.1f}" y="{AXIS_HEIGHT - 10}" text-anchor="middle" '
                   f'font-weight="bold">{first_year + k}</text>')
    end_x = LABEL_WIDTH + plot_width
    out.append(f'<line x1="{end_x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{end_x:.1f}" '
               f'y2="{AXIS_HEIGHT + ROW_HEIGHT * len(rows)}" stroke="#888888" stroke-width="1"/>')
    if today is not None and first_year <= today.year <= last_year:
        x = LABEL_WIDTH + _position(today, first_month, month_width)
        out.append(f'<line class="today" x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" '
                   f'y2="{AXIS_HEIGHT + ROW_HEIGHT * len(rows)}" stroke="#C00000" stroke-dasharray="4 3"/>')
    used_codes: list[str] = []
    for i, row in enumerate(rows):
        y = AXIS_HEIGHT + i * ROW_HEIGHT
        bar_y = y + (ROW_HEIGHT - BAR_HEIGHT) / 2
        label = str(row["label"])
        flags = [labels.get("fixed", "fixed")] if row.get("fixed") else []
        if row.get("draft"):
            flags.append(labels.get("draft", "draft"))
        suffix = f" ({', '.join(flags)})" if flags else ""
        if i % 2:
            out.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW_HEIGHT}" fill="#F3F3F3"/>')
        url = row.get("url") if link_rows else None
        if url:
            out.append(f'<a class="gantt-link" href="{_attr(url)}">')
        out.append(f'<g class="gantt-row" data-row="{i}"><title>{escape(label + suffix)}: '
                   f'{row["start"].isoformat()} – {row["end"].isoformat()}</title>')
        # The flags always show in full, after the label: the label's lines leave them room.
        lines = label_lines(label, LABEL_WIDTH - 8 - _text_width(suffix))
        lines[-1] += suffix
        if len(lines) == 1:
            out.append(f'<text x="4" y="{y + ROW_HEIGHT / 2 + 4:.1f}">{escape(lines[0])}</text>')
        else:
            out.append(f'<text x="4" y="{y + 11:.1f}" font-size="10">{escape(lines[0])}'
                       f'<tspan x="4" y="{y + 22:.1f}">{escape(lines[1])}</tspan></text>')
        dash = ' stroke-dasharray="3 2"' if row.get("draft") else ""
        x0 = LABEL_WIDTH + _position(row["start"], first_month, month_width)
        x1 = LABEL_WIDTH + _end_position(row["end"], first_month, month_width)
        out.append(f'<rect class="operation" x="{x0:.1f}" y="{bar_y:.1f}" width="{max(1.0, x1 - x0):.1f}" '
                   f'height="{BAR_HEIGHT}" fill="none" stroke="#333333" stroke-width="1"{dash}/>')
        phases = list(row.get("phases") or [])
        if not phases:
            fill, _ink = NO_PHASE_COLOUR
            out.append(f'<rect x="{x0:.1f}" y="{bar_y:.1f}" width="{max(1.0, x1 - x0):.1f}" height="{BAR_HEIGHT}" '
                       f'fill="{fill}"/>')
        for phase in phases:
            code = str(phase["code"])
            if code not in used_codes:
                used_codes.append(code)
            fill, ink = PHASE_COLOURS.get(code, NO_PHASE_COLOUR)
            px0 = LABEL_WIDTH + _position(phase["start"], first_month, month_width)
            px1 = LABEL_WIDTH + _end_position(phase["end"], first_month, month_width)
            w = max(1.0, px1 - px0)
            out.append(f'<rect class="phase" data-code="{_attr(code)}" x="{px0:.1f}" y="{bar_y:.1f}" '
                       f'width="{w:.1f}" height="{BAR_HEIGHT}" fill="{fill}" stroke="#FFFFFF" stroke-width="0.5">'
                       f'<title>{escape(code)}: {phase["start"].isoformat()} – {phase["end"].isoformat()}</title></rect>')
            if w >= len(code) * CHAR_WIDTH + 4:
                out.append(f'<text x="{px0 + w / 2:.1f}" y="{bar_y + BAR_HEIGHT - 4:.1f}" text-anchor="middle" '
                           f'fill="{ink}" font-size="10">{escape(code)}</text>')
        out.append("</g>")
        if url:
            out.append("</a>")
    # Legend of the phases used.
    ly = AXIS_HEIGHT + ROW_HEIGHT * len(rows) + 18
    lx = 4.0
    for code in used_codes:
        fill, _ink = PHASE_COLOURS.get(code, NO_PHASE_COLOUR)
        text = labels.get(code, code)
        out.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{fill}" stroke="#333333" '
                   f'stroke-width="0.5"/><text x="{lx + 16:.1f}" y="{ly}">{escape(text)}</text>')
        lx += 16 + len(text) * CHAR_WIDTH + 14
    out.append("</svg>")
    return "".join(out)


def gantt_table(rows: Sequence[Mapping]) -> list[dict]:
    """The chart's content as table rows (the accessible alternative): label, dates, phases in order."""
    return [
        {
            "label": row["label"], "start": row["start"], "end": row["end"], "fixed": bool(row.get("fixed")),
            "draft": bool(row.get("draft")),
            "phases": [(str(p["code"]), p["start"], p["end"]) for p in row.get("phases") or []],
        }
        for row in rows
    ]
