"""Plan pages: the panels on the floor, building and home pages, the outline forms, the plan's stylesheet."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, json, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from facilities.database import discard_changes
from facilities.formatting import format_number
from facilities.inventory import services as inventory
from facilities.panels import Alert
from facilities.permissions import Permission, requires
from facilities.plans import colours, exchange, rules, services
from facilities.plans.drawing import draw
from facilities.plans.figures import room_tips
from facilities.plans.forms import MoveForm, OutlineForm
from facilities.validation import ValidationError

bp = Blueprint("plans", __name__)

PLAN_SCALE = 100  # the SVG export and the PDF draw plans at 1:100 (1 m = 10 mm)


def _or_404(entity):
    if entity is None:
        abort(404)
    return entity


# ---------------------------------------------------------------- panels (computed in the host's view)


def _space_url(endpoint: str, space_id: int) -> str:
    """A space's page, from one url_for per request and endpoint (a floor may have 500 rooms)."""
    cache = g.setdefault("plans_space_urls", {})
    if endpoint not in cache:
        cache[endpoint] = url_for(endpoint, space_id=987654321)
    return cache[endpoint].replace("987654321", str(space_id))


def floor_panel(floor, **_objects) -> dict:
    """The floor page's plan: the drawing, its legends, and the rooms whose drawn area is off."""
    plan = services.floor_plan(floor)
    drawing = draw(plan)
    editor = current_user.can(Permission.EDIT_BUILDINGS)
    if editor:  # a click opens the room's form, else its row of the table
        hrefs = {room.space.id: _space_url("inventory.space_edit", room.space.id) for room in plan.rooms}
    else:
        hrefs = {room.space.id: f"#space-{room.space.id}" for room in plan.rooms}
    outline_hrefs = {space.id: _space_url("plans.space_outline", space.id) for space in floor.spaces} if editor else {}
    move_url = _space_url("plans.space_move", 0).replace("/0/", "/{id}/") if editor else None
    legends = colours.legends()
    present = {f"t-{room.space.space_type}" for room in plan.rooms}
    legends["type"] = [entry for entry in legends["type"] if entry[0] in present]  # the types drawn only
    return {"plan": plan, "drawing": drawing, "room_tips": room_tips(drawing) if drawing else {},
            "outline_hrefs": outline_hrefs, "move_url": move_url, "move_form": MoveForm() if editor else None, "legends": legends, "modes": colours.MODES,
            "mode_labels": colours.MODE_LABELS, "tolerance": rules.AREA_GAP_FLAG, "room_hrefs": hrefs,
            "georeferenced": services.georeference(floor.building_id) is not None}


def building_panel(building, **_objects) -> dict:
    """The building page's plan panel: per drawn floor, how many rooms disagree with their declared area."""
    return {"flags": services.building_flags(building.id), "tolerance": rules.AREA_GAP_FLAG}


def home_panel(**_objects) -> dict:
    """The dashboard's plan panel: the buildings whose plans disagree with their declared areas."""
    count, buildings = services.portfolio_flags()
    pct = format_number(rules.AREA_GAP_FLAG * 100, str(get_locale() or "fr"), 0)
    alerts = [Alert(_("%(building)s: %(n)s drawn room(s) more than %(pct)s %% away from the declared area",
                      building=b.name, n=b.flagged_spaces + b.flagged_floors, pct=pct),
                    url_for("inventory.building_detail", building_id=b.building_id) + "#plans-panel", "warning",
                    _("Plans")) for b in buildings]
    return {"count": count, "buildings": buildings, "tolerance": rules.AREA_GAP_FLAG, "alerts": alerts}


# ---------------------------------------------------------------- pages


@bp.route("/plans/plan.css")
@requires(Permission.READ)
def plan_css():
    """The plan's colours as a stylesheet, generated from facilities/plans/colours.py."""
    response = current_app.response_class(colours.plan_css(), mimetype="text/css")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response


def _outline_form(stored: dict | None, save, title: str, floor, saved: str):
    """The coordinates form of one outline: shown filled from `stored`, saved through `save(shape)`."""
    form = OutlineForm(data={"outline": rules.points_text(stored)} if request.method == "GET" else None)
    back = url_for("inventory.floor_detail", floor_id=floor.id)
    if form.submit_with(rules.clean_outline_form, lambda values: save(values["shape"]) or True):
        flash(saved, "success")
        return redirect(back + "#floor-plan")
    return render_template("plans/outline_form.html", form=form, title=title, floor=floor, building=floor.building,
                           site=floor.building.site, back=back), form.status_code


@bp.route("/spaces/<int:space_id>/outline", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def space_outline(space_id: int):
    """Draw, redraw or move a room by typing its corners' coordinates."""
    space = _or_404(inventory.load_space(space_id))
    return _outline_form(services.outline_geometry(space_id=space.id),
                         lambda shape: services.save_space_outline(space, shape),
                         _("Outline of space %(code)s", code=space.code), space.floor,
                         _("Outline of %(code)s saved.", code=space.code))


@bp.route("/spaces/<int:space_id>/move", methods=["POST"])
@requires(Permission.EDIT_BUILDINGS)
def space_move(space_id: int):
    """Move a room on the plan (dragged on the floor page): the same rules and checks as the coordinates form."""
    space = _or_404(inventory.load_space(space_id))
    back = url_for("inventory.floor_detail", floor_id=space.floor_id) + "#floor-plan"
    form = MoveForm()
    stored = services.outline_geometry(space_id=space.id)
    if stored is None or not form.validate_on_submit():
        abort(400)
    try:
        values = rules.clean_outline_form({"outline": rules.points_text(stored), "move_x": form.move_x.data,
                                           "move_y": form.move_y.data})
        services.save_space_outline(space, values["shape"])
        flash(_("Room %(code)s moved.", code=space.code), "success")
    except ValidationError as error:
        discard_changes()
        flash(_("Room %(code)s not moved: %(reason)s", code=space.code, reason="; ".join(error.errors.values())),
              "danger")
    return redirect(back)


@bp.route("/floors/<int:floor_id>/outline", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def floor_outline(floor_id: int):
    """Draw or redraw a floor's outline by typing its corners' coordinates."""
    floor = _or_404(inventory.load_floor(floor_id))
    return _outline_form(services.outline_geometry(floor_id=floor.id),
                         lambda shape: services.save_floor_outline(floor, shape),
                         _("Outline of floor %(name)s", name=floor.name), floor,
                         _("Outline of floor %(name)s saved.", name=floor.name))


# ---------------------------------------------------------------- exports


def _drawn_plan(floor_id: int):
    floor = _or_404(inventory.load_floor(floor_id))
    plan = services.floor_plan(floor)
    if not plan.drawn:
        abort(404)
    return floor, plan


def _download(body: bytes | str, mimetype: str, floor, extension: str):
    response = current_app.response_class(body, mimetype=mimetype)
    name = f"plan-{floor.building.code}-{floor.level}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/floors/<int:floor_id>/plan.svg")
@requires(Permission.READ)
def plan_svg(floor_id: int):
    """The floor's plan as an SVG drawing at 1:100 (coloured by type, labelled, with a scale bar and legend)."""
    floor, plan = _drawn_plan(floor_id)
    drawing = draw(plan)
    body = render_template("plans/plan.svg", drawing=drawing, floor=floor, legend=colours.legends()["type"],
                           scale=PLAN_SCALE, illustrative=plan.illustrative, illustrative_label=_("Illustrative plan"),
                           room_tips=room_tips(drawing))
    return _download(body, "image/svg+xml", floor, "svg")


@bp.route("/floors/<int:floor_id>/plan.geojson")
@requires(Permission.READ)
def plan_geojson(floor_id: int):
    """The floor's plan as GeoJSON: local metres, or WGS84 (?crs=EPSG:4326) when the building is georeferenced."""
    floor, plan = _drawn_plan(floor_id)
    georef = services.georeference(floor.building_id) if request.args.get("crs") == "EPSG:4326" else None
    if request.args.get("crs") == "EPSG:4326" and georef is None:
        abort(404)
    return _download(json.dumps(exchange.feature_collection(plan, georef)), "application/geo+json", floor, "geojson")


@bp.route("/floors/<int:floor_id>/plan.dxf")
@requires(Permission.READ)
def plan_dxf(floor_id: int):
    """The floor's plan as a DXF drawing in metres (layers FLOOR, ROOMS and CODES)."""
    floor, plan = _drawn_plan(floor_id)
    return _download(exchange.dxf_bytes(plan), "image/vnd.dxf", floor, "dxf")
