"""The plan of a floor as a figure of the floor inventory PDF: to scale, with its scale bar and legend, rendered
by this area's own template so that the report includes markup, never another area's template."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from facilities.formatting import format_area
from facilities.inventory.catalogue import SPACE_TYPE_LABELS
from facilities.plans import colours, services
from facilities.plans.drawing import draw

# Scales a plan is printed at, largest first; the first at which it fits the page's frame is used.
SCALES = (50, 100, 200, 500, 1000, 2000)
FRAME_MM = (170.0, 150.0)  # width and height left for a plan on an A4 portrait page under the floor's title


def room_tips(drawing) -> dict[int, tuple[str, str]]:
    """Per room: its link's name (code and name) and its tooltip (type, areas declared and drawn, workstations),
    translated and formatted once per floor (a floor may have 500 rooms)."""
    locale = str(get_locale() or "fr")
    formatted: dict = {}

    def area(value) -> str:
        if value not in formatted:
            formatted[value] = format_area(value, locale)
        return formatted[value]

    labels = {code: str(label) for code, label in SPACE_TYPE_LABELS.items()}
    declared, drawn, stations = _("declared"), _("drawn"), _("workstations")
    tips = {}
    for room in drawing.rooms:
        name = f"{room.code} · {room.name}"
        tips[room.space_id] = (name, f"{name} · {labels.get(room.space_type, room.space_type)} · {declared} "
                                     f"{area(room.area_m2)} · {drawn} {area(room.drawn_area_m2)} · {stations} "
                                     f"{room.workstations}")
    return tips


def print_scale(width_m: float, height_m: float) -> int:
    """The largest usual scale (1:50, 1:100…) at which a drawing of this size fits the frame."""
    for scale in SCALES:
        if width_m * 1000 / scale <= FRAME_MM[0] and height_m * 1000 / scale <= FRAME_MM[1]:
            return scale
    return SCALES[-1]


def pdf_figure(floor) -> Markup | None:
    """The floor's plan as SVG markup for the PDF (None when nothing is drawn)."""
    plan = services.floor_plan(floor)
    drawing = draw(plan)
    if drawing is None:
        return None
    scale = print_scale(drawing.width_m, drawing.height_m)
    size = (f"{drawing.width_m * 1000 / scale:.1f}mm", f"{drawing.height_m * 1000 / scale:.1f}mm")
    # The app's environment without the pages' context processors: reports render outside any request too.
    template = current_app.jinja_env.get_template("plans/_pdf_plan.html")
    return Markup(template.render(drawing=drawing, floor=floor, scale=scale, svg_size=size,
                                  legend=colours.legends()["type"], illustrative=plan.illustrative,
                                  svg_id=f"plan-{floor.id}", room_tips=room_tips(drawing)))
