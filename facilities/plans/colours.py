"""The plan's colours, declared once for the floor page (as a generated stylesheet), the SVG export and the PDF.

Four ways to colour the rooms: by type, by public access, by step-free access, by occupancy (workstations).
Every colour is named in the legend beside the plan and every room is labelled: colour never carries the
information alone. Light tints, so that the black labels stay readable (contrast above 4.5:1).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilities.inventory.catalogue import SPACE_TYPE_LABELS, SpaceType

SPACE_TYPE_COLORS = {
    SpaceType.INTERVIEW_OFFICE: "#9ecae1",
    SpaceType.MEDICAL_CABINET: "#fcbba1",
    SpaceType.DIGITAL_SPACE: "#c7e9c0",
    SpaceType.MEDIATION_SPACE: "#dadaeb",
    SpaceType.OFFICE: "#deebf7",
    SpaceType.MEETING_ROOM: "#fdd0a2",
    SpaceType.RECEPTION: "#ffeda0",
    SpaceType.WAITING_AREA: "#fff7bc",
    SpaceType.SANITARY: "#e0f3f8",
    SpaceType.TECHNICAL: "#d9d9d9",
    SpaceType.STORAGE: "#efedf5",
    SpaceType.CIRCULATION: "#f7f7f7",
    SpaceType.OTHER: "#f0f0f0",
}
YES_NO_COLORS = {"1": "#a1d99b", "0": "#fcae91"}
# Workstations in a room, in four bands.
OCCUPANCY_BANDS = (("0", 0, 0, _l("no workstation")), ("1", 1, 1, _l("1 workstation")),
                   ("2", 2, 3, _l("2 to 3 workstations")), ("4", 4, None, _l("4 workstations or more")))
OCCUPANCY_COLORS = {"0": "#f7f7f7", "1": "#c6dbef", "2": "#6baed6", "4": "#3182bd"}
MODES = ("type", "public", "step_free", "occupancy")
MODE_LABELS = {"type": _l("Type"), "public": _l("Public access"), "step_free": _l("Step-free access"),
               "occupancy": _l("Workstations")}


def occupancy_band(workstations: int) -> str:
    """The band of a room's workstation count."""
    for band, low, high, _label in OCCUPANCY_BANDS:
        if workstations >= low and (high is None or workstations <= high):
            return band
    return OCCUPANCY_BANDS[0][0]


def legends() -> dict[str, list[tuple[str, str, str]]]:
    """Per colouring mode, its entries: (class of the rooms, colour, label)."""
    return {
        "type": [(f"t-{code}", SPACE_TYPE_COLORS[SpaceType(code)], str(label))
                 for code, label in SPACE_TYPE_LABELS.items()],
        "public": [("p-1", YES_NO_COLORS["1"], str(_l("open to the public"))),
                   ("p-0", YES_NO_COLORS["0"], str(_l("staff only")))],
        "step_free": [("s-1", YES_NO_COLORS["1"], str(_l("step-free"))),
                      ("s-0", YES_NO_COLORS["0"], str(_l("not step-free")))],
        "occupancy": [(f"o-{band}", OCCUPANCY_COLORS[band], str(label)) for band, _lo, _hi, label in OCCUPANCY_BANDS],
    }


LAYOUT_CSS = """
.plan-frame { border: 1px solid #dee2e6; background: #fff; }
.floor-plan { display: block; width: 100%; height: auto; max-height: 75vh; }
.floor-plan .room path { transition: opacity .15s; }
.floor-plan a.room-link:hover path { stroke: #0a58ca; stroke-width: .18; }
.floor-plan a.room-link { text-decoration: none; }
.floor-plan a.room-link:focus-visible path { stroke: #0a58ca; stroke-width: .3; }
.floor-plan .room.flagged path { stroke: #b02a37; stroke-width: .2; stroke-dasharray: .4 .2; }
.floor-plan .room.is-match path { stroke: #0a58ca; stroke-width: .18; }
.floor-plan .room.is-dimmed { opacity: .25; }
.floor-plan .room.is-dragged path { stroke: #0a58ca; stroke-width: .18; fill-opacity: .7; }
.floor-plan.moving .room { cursor: move; }
.floor-plan text { pointer-events: none; font-family: system-ui, sans-serif; }
.plan-legend .swatch { display: inline-block; width: 1rem; height: 1rem; border: 1px solid #6c757d;
  vertical-align: text-bottom; }
.outline-links { max-height: 16rem; overflow-y: auto; }
"""


def plan_css() -> str:
    """The stylesheet that colours the rooms in each mode (the page's CSP refuses style attributes)."""
    rules = ["/* Generated from facilities/plans/colours.py: the one source of these colours. */", LAYOUT_CSS]
    for mode, entries in legends().items():
        for css_class, colour, _label in entries:
            rules.append(f".floor-plan.mode-{mode} .room.{css_class} path {{ fill: {colour}; }}")
            rules.append(f".plan-legend .swatch.{css_class} {{ background-color: {colour}; }}")
    return "\n".join(rules) + "\n"
