"""Pages of the energy area: portfolio dashboard, a building's energy page, import, reference tables."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from facilities.database import discard_changes
from facilities.energy import messages, reference_admin, services, transfer, views
from facilities.energy.forms import (
    CARRIER_LABELS,
    SOURCE_LABELS,
    CloseRowForm,
    ConsumptionForm,
    ImportForm,
    SettingsForm,
    reference_row_form,
)
from facilities.energy.reference import MissingReferenceError
from facilities.errors import error_response
from facilities.extensions import db
from facilities.formatting import format_number
from facilities.i18n import current_locale
from facilities.inventory.models import Building
from facilities.inventory.services import load_building
from facilities.permissions import Permission, requires

bp = Blueprint("energy", __name__)


@bp.app_errorhandler(MissingReferenceError)
def missing_reference(error: MissingReferenceError):
    """Any page, report or API answer that needs a reference row not in force: say which, and how to fix it."""
    db.session.rollback()
    return error_response(503, detail=str(error), message=_(
        "The energy reference tables have no row for this date: an administrator loads them with "
        "“flask energy seed-reference” or adds the row on the reference pages."))

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def building_panel(building: Building, **_objects) -> dict:
    """Data of the energy panel of the building page (latest year, class, Décret tertiaire status)."""
    return {"energy": views.panel(building)}


def home_panel(**_objects) -> dict:
    """Data of the energy panel of the home dashboard: DPE classes and buildings off trajectory."""
    return views.home_panel()


def _building_or_404(building_id: int) -> Building:
    building = load_building(building_id)
    if building is None:
        abort(404)
    return building


def _building_page(building: Building, consumption_form=None, settings_form=None, status: int = 200):
    context = views.building_page(building, consumption_form or ConsumptionForm(formdata=None),
                                  settings_form or views.settings_form(building))
    return render_template("energy/building.html", **context), status


@bp.route("/energy")
@requires(Permission.READ)
def dashboard():
    """The portfolio: buildings per DPE class, the ten furthest off track, yearly kWh and CO2e."""
    return render_template("energy/dashboard.html", **views.dashboard_page())


@bp.route("/buildings/<int:building_id>/energy")
@requires(Permission.READ)
def building(building_id: int):
    """A building's consumption by year and carrier, its indicators and its Décret tertiaire trajectory."""
    return _building_page(_building_or_404(building_id))


@bp.route("/buildings/<int:building_id>/energy/consumption", methods=["POST"])
@requires(Permission.EDIT_ENERGY)
def consumption_save(building_id: int):
    """Enter (or replace) a year's consumption of one carrier."""
    building = _building_or_404(building_id)
    form = ConsumptionForm()
    saved = form.submit_with(lambda raw: services.clean_entry(building, raw),
                             lambda values: services.record_consumption(building, values))
    if saved is None:
        return _building_page(building, consumption_form=form, status=422)
    record, created = saved
    flash(_("%(year)s %(carrier)s: %(kwh)s kWh %(what)s.", year=record.year,
            carrier=CARRIER_LABELS.get(record.carrier, record.carrier),
            kwh=format_number(record.kwh, current_locale()), what=_("recorded") if created else _("replaced")),
          "success")
    return redirect(url_for(".building", building_id=building.id) + "#consumption")


@bp.route("/buildings/<int:building_id>/energy/consumption/<int:consumption_id>/delete", methods=["POST"])
@requires(Permission.EDIT_ENERGY)
def consumption_delete(building_id: int, consumption_id: int):
    """Delete one consumption record."""
    building = _building_or_404(building_id)
    if not services.delete_consumption(building, consumption_id):
        abort(404)
    flash(_("Consumption record deleted."), "success")
    return redirect(url_for(".building", building_id=building.id) + "#consumption")


@bp.route("/buildings/<int:building_id>/energy/settings", methods=["POST"])
@requires(Permission.EDIT_ENERGY)
def settings_save(building_id: int):
    """Set the building's DPE scale, reference year and absolute target."""
    building = _building_or_404(building_id)
    form = SettingsForm.editing(services.settings_record(building), lambda: views.settings_values(building))
    if form.submit_with(lambda raw: services.clean_settings(raw, building.id),
                        lambda values: services.save_settings(building, values)) is None:
        return _building_page(building, settings_form=form, status=form.status_code)
    flash(_("Energy settings saved."), "success")
    return redirect(url_for(".building", building_id=building.id) + "#settings")


@bp.route("/energy/import", methods=["GET", "POST"])
@requires(Permission.EDIT_ENERGY)
def import_page():
    """Upload a consumption CSV: line-by-line report; nothing written if any line is refused."""
    form, report = ImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
        if not data:
            form.file.errors = [_("Choose a CSV file.")]
        elif len(data) > MAX_IMPORT_BYTES:
            form.file.errors = [_("The file is larger than 5 MB; split it.")]
        else:
            report = transfer.import_consumption_csv(data)
            if not report.written:
                discard_changes()
    status = 422 if request.method == "POST" and (report is None or not report.ok) else 200
    return render_template("energy/import.html", form=form, report=report, message=messages.translate,
                           CARRIER_LABELS=CARRIER_LABELS, SOURCE_LABELS=SOURCE_LABELS), status


@bp.route("/energy/reference")
@requires(Permission.MANAGE_REFERENCE)
def reference_index():
    """The reference tables with each row's validity and source."""
    tables = [(table, reference_admin.rows_of(table)) for table in reference_admin.TABLES.values()]
    return render_template("energy/reference_index.html", tables=tables)


def _table_or_404(name: str) -> reference_admin.ReferenceTable:
    table = reference_admin.table_or_none(name)
    if table is None:
        abort(404)
    return table


@bp.route("/energy/reference/<name>/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def reference_new(name: str):
    """Add a row to a reference table; refused when it overlaps a row of the same key."""
    table = _table_or_404(name)
    form = reference_row_form(table)()
    record = form.submit_with(lambda raw: reference_admin.clean_row(table, raw),
                              lambda values: reference_admin.add_row(table, values))
    if record is not None:
        flash(_("Row added to %(table)s.", table=table.title), "success")
        return redirect(url_for(".reference_index") + f"#{table.name}")
    return render_template("energy/reference_form.html", form=form, table=table,
                           rows=reference_admin.rows_of(table)), (422 if request.method == "POST" else 200)


@bp.route("/energy/reference/<name>/<int:row_id>/close", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def reference_close(name: str, row_id: int):
    """Close a reference row: set the last day it is in force."""
    table = _table_or_404(name)
    record = db.session.get(table.model, row_id) or abort(404)
    form = CloseRowForm.editing(record, lambda: {"valid_to": record.valid_to.isoformat() if record.valid_to else ""})
    done = form.submit_with(reference_admin.clean_close,
                            lambda values: reference_admin.close_row(table, record, values["valid_to"]))
    if done is not None:
        flash(_("Row closed."), "success")
        return redirect(url_for(".reference_index") + f"#{table.name}")
    return render_template("energy/reference_close.html", form=form, table=table, record=record), form.status_code
