"""Inventory pages: sites, buildings, floors and spaces, with their forms."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from facilities.extensions import db
from facilities.i18n import current_locale
from facilities.inventory import erp, published, rules, services
from facilities.inventory import floor_copy as floor_copy_service
from facilities.inventory.catalogue import (
    ACTIVITY_CATEGORY_LABELS,
    ENTITY_LABELS,
    ERP_TYPE_LABELS,
    MEDICAL_SPECIALTY_LABELS,
    PUBLISHED_FIGURE_LABELS,
    SERVICE_LABELS,
    SITE_KIND_LABELS,
    SITE_STATUS_LABELS,
    SPACE_TYPE_LABELS,
)
from facilities.inventory.forms import (
    BuildingForm,
    CopyFloorForm,
    DeleteForm,
    FloorForm,
    PublishedFigureForm,
    SiteForm,
    SpaceForm,
)
from facilities.inventory.models import Building, Floor, PublishedFigure, Site, Space
from facilities.money import money_text
from facilities.pagination import paginate
from facilities.panels import collect
from facilities.permissions import Permission, requires
from facilities.validation import ValidationError, rule_names

bp = Blueprint("inventory", __name__)


@bp.app_context_processor
def catalogue_labels():
    return {
        "SITE_KIND_LABELS": SITE_KIND_LABELS,
        "SITE_STATUS_LABELS": SITE_STATUS_LABELS,
        "SERVICE_LABELS": SERVICE_LABELS,
        "SPACE_TYPE_LABELS": SPACE_TYPE_LABELS,
        "MEDICAL_SPECIALTY_LABELS": MEDICAL_SPECIALTY_LABELS,
        "ENTITY_LABELS": ENTITY_LABELS,
        "PUBLISHED_FIGURE_LABELS": PUBLISHED_FIGURE_LABELS,
        "format_figure": lambda figure, value: published.format_figure(figure, value, current_locale()),
        "ERP_TYPE_LABELS": ERP_TYPE_LABELS,
        "ACTIVITY_CATEGORY_LABELS": ACTIVITY_CATEGORY_LABELS,
    }


def _or_404(entity):
    if entity is None:
        abort(404)
    return entity


def _form_data(entity, names) -> dict:
    """Field values for an edit form, as the user would type them."""
    data = {}
    for name in names:
        if name == "services":
            data[name] = entity.service_codes
        elif name == "communes_served":
            data[name] = "\n".join(f"{c['code']} {c.get('name', '')}".strip() for c in entity.communes_served or [])
        elif name == "cost_eur":
            data[name] = money_text(entity.cost_cents)
        elif name == "erp_types":
            data[name] = list(entity.erp_types or [])
        else:
            value = getattr(entity, name, None)
            if isinstance(value, bool):
                data[name] = value
            elif value is None:
                data[name] = ""
            else:
                data[name] = str(value)
    return data


def _status(form) -> int:
    """422 when a submitted form was refused, 409 when someone else saved the record first, so that scripts and
    tests can tell."""
    if getattr(form, "conflict", None) is not None:
        return 409
    return 422 if request.method == "POST" else 200


# ---------------------------------------------------------------- sites


@bp.route("/sites")
@requires(Permission.READ)
def site_list():
    """The portfolio: sites with search, filters and pagination."""
    filters = services.SiteFilters.from_args(request.args)
    page = paginate(services.site_query(filters), per_page=current_app.config["SITES_PER_PAGE"])
    return render_template("inventory/site_list.html", page=page, filters=filters,
                           communes=services.commune_choices(), actions=collect("site_list.actions", filters=filters))


@bp.route("/sites/new", methods=["GET", "POST"])
@requires(Permission.EDIT_SITES)
def site_create():
    """Create a site."""
    form = SiteForm()
    site = form.submit_with(rules.clean_site, services.create_site,
                            lambda values: services.site_conflicts(values, None))
    if site is not None:
        flash(_("Site %(code)s created.", code=site.code), "success")
        return redirect(url_for(".site_detail", site_id=site.id))
    return render_template("inventory/form.html", form=form, title=_("New site")), _status(form)


@bp.route("/sites/<int:site_id>")
@requires(Permission.READ, site_of=lambda site_id: site_id)
def site_detail(site_id: int):
    """A site: its identity, services, access and its buildings' key figures."""
    site = _or_404(services.load_site(site_id))
    summaries = services.building_summaries([b.id for b in site.buildings])
    return render_template("inventory/site_detail.html", site=site, summaries=summaries,
                           comparisons=services.published_comparisons(list(site.buildings)),
                           panels=collect("site.panels", site=site))


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_SITES)
def site_edit(site_id: int):
    """Edit a site."""
    site = _or_404(services.load_site(site_id))
    form = SiteForm.editing(site, lambda: _form_data(site, rule_names(rules.SITE_RULES)))
    if form.submit_with(rules.clean_site, lambda values: services.update_site(site, values),
                        lambda values: services.site_conflicts(values, site.id)) is not None:
        flash(_("Site %(code)s saved.", code=site.code), "success")
        return redirect(url_for(".site_detail", site_id=site.id))
    return render_template("inventory/form.html", form=form, title=_("Edit site %(code)s", code=site.code),
                           site=site), _status(form)


@bp.route("/sites/<int:site_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_SITES)
def site_delete(site_id: int):
    """Delete a site and, after confirmation, its buildings, floors and spaces."""
    site = _or_404(services.load_site(site_id))
    counts = {"buildings": len(site.buildings), "floors": 0, "spaces": 0}
    for building in site.buildings:
        for key, value in services.child_counts(building=building).items():
            counts[key] += value
    return _confirm_delete(site, counts, lambda: services.delete_site(site), url_for(".site_list"),
                           _("Delete site %(code)s", code=site.code), site=site)


def _confirm_delete(entity, counts, action, done_url, title, **context):
    form = DeleteForm()
    has_children = any(counts.values())
    if form.validate_on_submit():
        if has_children and not form.confirm.data:
            form.confirm.errors = [_("Tick the box to confirm that everything listed will be deleted.")]
        else:
            action()
            flash(_("%(what)s deleted.", what=getattr(entity, "code", None) or getattr(entity, "name", "")), "success")
            return redirect(done_url)
    return render_template("inventory/confirm_delete.html", form=form, counts=counts, has_children=has_children,
                           title=title, entity=entity, **context), _status(form)


# ---------------------------------------------------------------- buildings


@bp.route("/sites/<int:site_id>/buildings/new", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def building_create(site_id: int):
    """Add a building to a site."""
    site = _or_404(db.session.get(Site, site_id))
    form = BuildingForm()
    building = form.submit_with(rules.clean_building, lambda values: services.create_building(site, values),
                                lambda values: services.building_conflicts(values, None))
    if building is not None:
        flash(_("Building %(code)s created.", code=building.code), "success")
        return redirect(url_for(".building_detail", building_id=building.id))
    return render_template("inventory/form.html", form=form, title=_("New building"), site=site), _status(form)


@bp.route("/buildings/<int:building_id>")
@requires(Permission.READ, site_of=services.site_of_building)
def building_detail(building_id: int):
    """A building: key figures, floors with their totals, provenance."""
    building = _or_404(services.load_building(building_id))
    total, per_floor = services.building_summaries([building.id])[building.id]
    objects = {"building": building, "site": building.site}
    return render_template("inventory/building_detail.html", **objects, total=total, per_floor=per_floor,
                           erp=erp.building_category(building),
                           comparisons=services.published_comparisons([building]).get(building.id, []),
                           actions=collect("building.actions", **objects), panels=collect("building.panels", **objects))


@bp.route("/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def building_edit(building_id: int):
    """Edit a building."""
    building = _or_404(services.load_building(building_id))
    form = BuildingForm.editing(building, lambda: _form_data(building, rule_names(rules.BUILDING_RULES)))
    if form.submit_with(rules.clean_building, lambda values: services.update_building(building, values),
                        lambda values: services.building_conflicts(values, building)) is not None:
        flash(_("Building %(code)s saved.", code=building.code), "success")
        return redirect(url_for(".building_detail", building_id=building.id))
    return render_template("inventory/form.html", form=form, title=_("Edit building %(code)s", code=building.code),
                           site=building.site, building=building), _status(form)


@bp.route("/buildings/<int:building_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def building_delete(building_id: int):
    """Delete a building and, after confirmation, its floors and spaces."""
    building = _or_404(services.load_building(building_id))
    return _confirm_delete(building, services.child_counts(building=building),
                           lambda: services.delete_building(building),
                           url_for(".site_detail", site_id=building.site_id),
                           _("Delete building %(code)s", code=building.code), site=building.site, building=building)


# ---------------------------------------------------------------- published figures


def _published_shown(record: PublishedFigure) -> dict:
    value = record.value
    shown = str(int(value)) if value == value.to_integral_value() else str(value)  # 7, not 7.00
    return _form_data(record, rule_names(rules.PUBLISHED_FIGURE_RULES)) | {"value": shown}


@bp.route("/buildings/<int:building_id>/published-figures/new", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def published_figure_create(building_id: int):
    """Record a figure a source document publishes about the building (compared with its inventory)."""
    building = _or_404(services.load_building(building_id))
    form = PublishedFigureForm()
    record = form.submit_with(rules.clean_published_figure,
                              lambda values: services.create_published_figure(building, values),
                              lambda values: services.published_figure_conflicts(values, building, None))
    if record is not None:
        flash(_("Published figure recorded."), "success")
        return redirect(url_for(".building_detail", building_id=building.id, _anchor="published-figures"))
    return render_template("inventory/form.html", form=form, title=_("New published figure"), site=building.site,
                           building=building), _status(form)


@bp.route("/published-figures/<int:published_figure_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def published_figure_edit(published_figure_id: int):
    """Correct a published figure: its value, source, date, reference or note."""
    record = _or_404(db.session.get(PublishedFigure, published_figure_id))
    building = record.building
    form = PublishedFigureForm.editing(record, lambda: _published_shown(record))
    if form.submit_with(rules.clean_published_figure, lambda values: services.update_published_figure(record, values),
                        lambda values: services.published_figure_conflicts(values, building, record.id)) is not None:
        flash(_("Published figure saved."), "success")
        return redirect(url_for(".building_detail", building_id=building.id, _anchor="published-figures"))
    return render_template("inventory/form.html", form=form, title=_("Edit a published figure"), site=building.site,
                           building=building), _status(form)


@bp.route("/published-figures/<int:published_figure_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def published_figure_delete(published_figure_id: int):
    """Delete a published figure, after confirmation."""
    record = _or_404(db.session.get(PublishedFigure, published_figure_id))
    building = record.building
    return _confirm_delete(record, {}, lambda: services.delete_published_figure(record),
                           url_for(".building_detail", building_id=building.id, _anchor="published-figures"),
                           _("Delete the published figure %(figure)s", figure=record.name), site=building.site,
                           building=building)


# ---------------------------------------------------------------- floors


@bp.route("/buildings/<int:building_id>/floors/new", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def floor_create(building_id: int):
    """Add a floor to a building."""
    building = _or_404(services.load_building(building_id))
    form = FloorForm()
    floor = form.submit_with(rules.clean_floor, lambda values: services.create_floor(building, values),
                             lambda values: services.floor_conflicts(values, building, None))
    if floor is not None:
        flash(_("Floor %(name)s created.", name=floor.name), "success")
        return redirect(url_for(".floor_detail", floor_id=floor.id))
    return render_template("inventory/form.html", form=form, title=_("New floor"), site=building.site,
                           building=building), _status(form)


@bp.route("/floors/<int:floor_id>")
@requires(Permission.READ, site_of=services.site_of_floor)
def floor_detail(floor_id: int):
    """A floor: its spaces and totals, with the building's totals beside them."""
    floor = _or_404(services.load_floor(floor_id))
    building_total, per_floor = services.building_summaries([floor.building_id])[floor.building_id]
    objects = {"floor": floor, "building": floor.building, "site": floor.building.site}
    previous_floor, next_floor = services.neighbour_floors(floor)
    return render_template("inventory/floor_detail.html", **objects, floor_total=per_floor.get(floor.id),
                           building_total=building_total,
                           comparisons=services.published_comparisons([floor.building]).get(floor.building_id, []), panels=collect("floor.panels", **objects),
                           actions=collect("floor.actions", **objects), space_actions=collect("space.actions", **objects),
                           previous_floor=previous_floor, next_floor=next_floor)


@bp.route("/floors/<int:floor_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def floor_edit(floor_id: int):
    """Edit a floor."""
    floor = _or_404(services.load_floor(floor_id))
    form = FloorForm.editing(floor, lambda: _form_data(floor, rule_names(rules.FLOOR_RULES)))
    if form.submit_with(rules.clean_floor, lambda values: services.update_floor(floor, values),
                        lambda values: services.floor_conflicts(values, floor.building, floor.id)) is not None:
        flash(_("Floor %(name)s saved.", name=floor.name), "success")
        return redirect(url_for(".floor_detail", floor_id=floor.id))
    return render_template("inventory/form.html", form=form, title=_("Edit floor %(name)s", name=floor.name),
                           site=floor.building.site, building=floor.building, floor=floor), _status(form)


@bp.route("/floors/<int:floor_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def floor_delete(floor_id: int):
    """Delete a floor and, after confirmation, its spaces."""
    floor = _or_404(services.load_floor(floor_id))
    return _confirm_delete(floor, services.child_counts(floor=floor), lambda: services.delete_floor(floor),
                           url_for(".building_detail", building_id=floor.building_id),
                           _("Delete floor %(name)s", name=floor.name), site=floor.building.site,
                           building=floor.building, floor=floor)


@bp.route("/floors/<int:floor_id>/copy", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def floor_copy(floor_id: int):
    """Copy a floor's layout to other levels (new, or existing ones merged or replaced): a preview, then the copy."""
    floor = _or_404(services.load_floor(floor_id))
    form = CopyFloorForm()
    plan = form.submit_with(parse_copy, lambda values: floor_copy_service.plan_copy(floor, values["levels"],
                                                                                      values["mode"]))
    if plan is not None and form.confirmed.data == "yes":
        targets = floor_copy_service.apply_copy(plan)
        flash(_("Floor copied to %(n)s level(s).", n=len(targets)), "success")
        return redirect(url_for(".building_detail", building_id=floor.building_id))
    if plan is not None:
        form.confirmed.data = "yes"  # the next submit applies what the preview shows
    return render_template("inventory/floor_copy.html", form=form, plan=plan,
                           title=_("Copy floor %(name)s", name=floor.name), site=floor.building.site,
                           building=floor.building, floor=floor), 200 if plan is not None else _status(form)


def parse_copy(raw: dict) -> dict:
    """The target levels and the mode of a floor copy."""
    return {**parse_levels(raw), "mode": raw.get("mode") or "new"}


def parse_levels(raw: dict) -> dict:
    """'3, 4, 5' or '3-5' into [3, 4, 5], each a valid level."""
    text = (raw.get("levels") or "").replace(";", ",")
    levels: list[int] = []
    try:
        for part in filter(None, (p.strip() for p in text.split(","))):
            if "-" in part[1:]:
                start, end = part[0] + part[1:].split("-", 1)[0], part[1:].split("-", 1)[1]
                levels.extend(range(int(start), int(end) + 1))
            else:
                levels.append(int(part))
    except ValueError:
        raise ValidationError({"levels": _("Give levels as whole numbers, e.g. 3, 4, 5 or 3-5")}) from None
    if not levels:
        raise ValidationError({"levels": _("Give at least one level")})
    if len(levels) > 50:
        raise ValidationError({"levels": _("Copy to at most 50 levels at once")})
    for level in levels:
        rules.clean_floor({"level": level, "name": "x"})
    return {"levels": sorted(set(levels))}


# ---------------------------------------------------------------- spaces


@bp.route("/floors/<int:floor_id>/spaces/new", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def space_create(floor_id: int):
    """Add a space to a floor."""
    floor = _or_404(services.load_floor(floor_id))
    form = SpaceForm()
    space = form.submit_with(rules.clean_space, lambda values: services.create_space(floor, values),
                             lambda values: services.space_conflicts(values, floor.id, None))
    if space is not None:
        flash(_("Space %(code)s created.", code=space.code), "success")
        return redirect(url_for(".floor_detail", floor_id=floor.id))
    return render_template("inventory/form.html", form=form, title=_("New space"), site=floor.building.site,
                           building=floor.building, floor=floor), _status(form)


@bp.route("/spaces/<int:space_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def space_edit(space_id: int):
    """Edit a space."""
    space = _or_404(services.load_space(space_id))
    floor = space.floor
    form = SpaceForm.editing(space, lambda: _form_data(space, rule_names(rules.SPACE_RULES)))
    if form.submit_with(rules.clean_space, lambda values: services.update_space(space, values),
                        lambda values: services.space_conflicts(values, space.floor_id, space.id)) is not None:
        flash(_("Space %(code)s saved.", code=space.code), "success")
        return redirect(url_for(".floor_detail", floor_id=floor.id))
    return render_template("inventory/form.html", form=form, title=_("Edit space %(code)s", code=space.code),
                           site=floor.building.site, building=floor.building, floor=floor), _status(form)


@bp.route("/spaces/<int:space_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def space_delete(space_id: int):
    """Delete one space."""
    space = _or_404(services.load_space(space_id))
    floor = space.floor
    return _confirm_delete(space, {}, lambda: services.delete_space(space),
                           url_for(".floor_detail", floor_id=floor.id), _("Delete space %(code)s", code=space.code),
                           site=floor.building.site, building=floor.building, floor=floor)


__all__ = ["bp", "Building", "Floor", "Space"]
