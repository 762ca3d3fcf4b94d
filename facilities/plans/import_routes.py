"""Pages of the plans import: upload an IFC or DXF file for a building, see what it would do, apply it; and the
mapping of room names to space types that the import reads."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from facilities.database import after_commit, discard_changes
from facilities.extensions import db
from facilities.inventory import services as inventory
from facilities.inventory.rules import SPACE_RULES
from facilities.permissions import Permission, requires
from facilities.plans import importer, uploads
from facilities.plans.forms import ApplyImportForm, DeleteMappingForm, ImportForm, TypeMappingForm
from facilities.plans.imported import FileRefused
from facilities.plans.models import TypeMapping
from facilities.plans.rules import AREA_GAP_FLAG, clean_import_options
from facilities.plans.types import DEFAULT_MAPPING
from facilities.trail.recorder import acting_as
from facilities.validation import ValidationError

bp = Blueprint("plan_imports", __name__)


def _building(building_id: int):
    building = inventory.load_building(building_id)
    if building is None:
        abort(404)
    return building


def _page(building, form, preview=None, apply_form=None, filename=None, status=200):
    return render_template("plans/import.html", building=building, site=building.site, form=form, preview=preview,
                           apply_form=apply_form, filename=filename, tolerance=AREA_GAP_FLAG,
                           field_labels={**{rule.name: rule.label for rule in SPACE_RULES}, "outline": _("Outline")}), status


def _options(form) -> dict:
    return clean_import_options({"layer": form.layer.data, "unit": form.unit.data or "m",
                                 "level": form.level.data if form.level.data not in (None, "") else "0"})


@bp.route("/buildings/<int:building_id>/plans/import", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def upload(building_id: int):
    """Upload an IFC or DXF file and see what importing it would do (nothing is written yet)."""
    building = _building(building_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(building, form, status=422 if request.method == "POST" else 200)
    try:
        options = _options(form)
        fmt = importer.file_format(form.file.data.filename)
    except ValidationError as error:
        form.form_errors.extend(error.errors.values())
        return _page(building, form, status=422)
    except FileRefused as refused:
        form.file.errors = [refused.message]
        return _page(building, form, status=422)
    name, path = uploads.keep(form.file.data.stream, fmt, current_user.id)
    with acting_as(source="import"):
        preview = importer.import_plans(building, path, fmt, apply_it=False, layer=options["layer"],
                                        unit=options["unit"], level=options["level"])
    discard_changes()  # a preview: nothing is written
    keep = preview.ok and preview.changes_anything
    if not keep:
        path.unlink(missing_ok=True)
    apply_form = ApplyImportForm(formdata=None, upload=name, layer=options["layer"] or "", unit=options["unit"],
                                 level=str(options["level"])) if keep else None
    return _page(building, ImportForm(formdata=None), preview, apply_form, form.file.data.filename,
                 200 if preview.ok else 422)


@bp.route("/buildings/<int:building_id>/plans/import/apply", methods=["POST"])
@requires(Permission.EDIT_BUILDINGS)
def apply(building_id: int):
    """Apply a checked file: everything in one transaction, or nothing if anything is now refused."""
    building = _building(building_id)
    form = ApplyImportForm()
    path = uploads.path_of(form.upload.data or "", current_user.id) if form.validate_on_submit() else None
    if path is None:
        flash(_("This import is no longer available: upload the file again."), "warning")
        return redirect(url_for(".upload", building_id=building.id))
    try:
        options = _options(form)
    except ValidationError:
        abort(400)
    with acting_as(source="import"):
        preview = importer.import_plans(building, path, path.suffix.lstrip("."), apply_it=True,
                                        layer=options["layer"], unit=options["unit"], level=options["level"])
    if not preview.ok:
        discard_changes()
        return _page(building, ImportForm(formdata=None), preview, status=422)
    after_commit(lambda: path.unlink(missing_ok=True))
    counts = preview.counts
    flash(_("Plans imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=counts["create"], updated=counts["update"], unchanged=counts["unchanged"]), "success")
    return redirect(url_for("inventory.building_detail", building_id=building.id))


@bp.route("/plans/type-mapping", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def type_mapping():
    """The texts of imported rooms that give their type: add one, or see the shipped defaults."""
    form = TypeMappingForm()
    if form.validate_on_submit():
        try:
            values = importer.clean_type_mapping({"pattern": form.pattern.data, "space_type": form.space_type.data})
            db.session.add(TypeMapping(**values))
            db.session.flush()
            flash(_("Mapping saved."), "success")
            return redirect(url_for(".type_mapping"))
        except ValidationError as error:
            db.session.rollback()
            for name, message in error.errors.items():
                getattr(form, name).errors = [message]
    rows = db.session.scalars(select(TypeMapping).order_by(TypeMapping.id)).all()
    return render_template("plans/type_mapping.html", form=form, rows=rows, defaults=DEFAULT_MAPPING,
                           delete_form=DeleteMappingForm()), 422 if form.errors else 200


@bp.route("/plans/type-mapping/delete", methods=["POST"])
@requires(Permission.EDIT_BUILDINGS)
def delete_type_mapping():
    """Remove one entry of the users' mapping."""
    form = DeleteMappingForm()
    raw = form.mapping_id.data or ""
    row = db.session.get(TypeMapping, int(raw)) if form.validate_on_submit() and raw.isdigit() and len(raw) < 10 else None
    if row is None:
        abort(404)
    db.session.delete(row)
    flash(_("Mapping removed."), "success")
    return redirect(url_for(".type_mapping"))
