"""Pages of capital renewal: the forecast of the portfolio and of a building (chart, table, XLSX), the needs to
choose, turned into draft works operations; the panels it shows on the building and operation pages and the
works programme's list."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField

from facilities.barchart import bar_chart
from facilities.database import discard_changes
from facilities.extensions import db
from facilities.formatting import format_money, xlsx_bytes
from facilities.i18n import current_locale
from facilities.inventory.models import Building
from facilities.money import cents_to_euros
from facilities.permissions import Permission, requires
from facilities.renewal import rules, services
from facilities.safety.catalogue import CONDITION_LABELS, EQUIPMENT_CATEGORY_LABELS
from facilities.timeutil import paris_today
from facilities.validation import ValidationError
from facilities.works.models import Operation

bp = Blueprint("renewal", __name__)


class CreateForm(FlaskForm):
    """The needs chosen (checkboxes named equipment_ids) and the envelope their operations go into."""

    envelope_id = SelectField(validate_choice=False)
    equipment_ids = SelectMultipleField(validate_choice=False)
    back = HiddenField()


def _options() -> dict:
    """The forecast's options from the query string, or 400 with the rules' message."""
    raw = {name: request.args.get(name) for name in ("from", "years") if request.args.get(name) not in (None, "")}
    try:
        return rules.clean_forecast(raw, paris_today())
    except ValidationError as error:
        abort(400, description=" ".join(error.errors.values()))


def _needs_filter(fc: rules.Forecast) -> tuple[int | None, str | None, int]:
    year = request.args.get("year", "")
    year = int(year) if year.isdigit() and int(year) in fc.years else None
    category = request.args.get("category") or None
    if category not in EQUIPMENT_CATEGORY_LABELS:
        category = None
    page = request.args.get("page", "1")
    return year, category, int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1


def _chart(fc: rules.Forecast):
    locale = current_locale()
    return bar_chart([(str(year), [("bar-cp", fc.by_year[year].cost_cents,
                                    format_money(fc.by_year[year].cost_cents, locale))]) for year in fc.years])


def _render(building: Building | None):
    options = _options()
    fc = services.forecast(options["from"], options["years"], building.id if building else None)
    year, category, page = _needs_filter(fc)
    needs, count = services.needs(fc, building.id if building else None, year=year, category=category, page=page)
    form = CreateForm(formdata=None, data={"back": request.full_path})
    form.envelope_id.choices = [(str(e.id), e.label + (f" — {e.scenario_label}" if e.scenario_label else ""))
                                for e in services.envelopes()]
    page_args = {"from": options["from"], "years": options["years"]}
    export_args = {**page_args, **({"building_id": building.id} if building else {})}
    if building:
        page_args["building_id"] = building.id
    return render_template("renewal/forecast.html", building=building, page_args=page_args, export_args=export_args,
                           endpoint="renewal.building" if building else "renewal.portfolio", fc=fc, chart=_chart(fc), options=options,
                           needs=needs, needs_count=count, year=year, category=category, page=page,
                           pages=max(1, -(-count // services.NEEDS_PER_PAGE)), form=form, policy=services.policy(),
                           reason_labels=rules.REASON_LABELS, max_years=rules.MAX_YEARS,
                           first_years=rules.FIRST_YEARS, category_labels=EQUIPMENT_CATEGORY_LABELS,
                           condition_labels=CONDITION_LABELS)


@bp.route("/renewal")
@requires(Permission.READ)
def portfolio():
    """The portfolio's renewal forecast: cost by year and category, and the needs to turn into operations."""
    return _render(None)


@bp.route("/buildings/<int:building_id>/renewal")
@requires(Permission.READ)
def building(building_id: int):
    """One building's renewal forecast."""
    found = db.session.get(Building, building_id)
    if found is None:
        abort(404)
    return _render(found)


@bp.route("/renewal/forecast.xlsx")
@requires(Permission.READ)
def export():
    """The forecast (portfolio, or one building with building_id) as a workbook: one row per year and category."""
    options = _options()
    building_id = request.args.get("building_id", "")
    if building_id and not (building_id.isdigit() and db.session.get(Building, int(building_id))):
        abort(404)
    fc = services.forecast(options["from"], options["years"], int(building_id) if building_id else None)
    headers = [_("Year"), _("Category"), _("Items"), _("Replacement cost (€)"), _("Items already in an operation"),
               _("Items without a cost")]
    rows = [[year, str(EQUIPMENT_CATEGORY_LABELS.get(category, category)), cell.items,
             cents_to_euros(cell.cost_cents), cell.planned, cell.without_cost]
            for year in fc.years for category in fc.categories if (cell := fc.cells.get((year, category)))]
    data = xlsx_bytes([(_("Renewal forecast")[:31], headers, rows)])
    name = f"renewal-{fc.first}-{fc.years[-1]}{'-' + building_id if building_id else ''}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/renewal/operations", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def create_operations():
    """Turn the needs chosen into draft operations of the chosen envelope (all or nothing)."""
    form = CreateForm()
    back = form.back.data if (form.back.data or "").startswith("/") and not (form.back.data or "").startswith("//") \
        else url_for(".portfolio")
    if not form.validate_on_submit():
        abort(400)
    try:
        values = rules.clean_create({"envelope_id": form.envelope_id.data, "equipment_ids": form.equipment_ids.data})
        created = services.create_operations(values["envelope_id"], values["equipment_ids"])
    except ValidationError as error:
        discard_changes()
        flash(_("Nothing was saved.") + " " + " ".join(error.errors.values()), "danger")
        return redirect(back)
    flash(_("%(n)s draft operation(s) created in %(envelope)s.", n=len(created), envelope=created[0].envelope.label),
          "success")
    return redirect(back)


# ------------------------------------------------------------------------------------------ panels


def building_panel(building: Building, **_objects) -> dict:
    """The building page's renewal panel: the next years' needs and their cost."""
    today = paris_today()
    fc = services.building_summary(building, today.year, rules.DEFAULT_YEARS)
    return {"building": building, "fc": fc}


def operation_panel(operation: Operation, **_objects) -> dict:
    """The operation page's panel: the items of equipment it renews."""
    return {"equipment": services.operation_equipment(operation)}


def works_link(**_objects) -> dict:
    """The works programme's entry to the portfolio's renewal forecast."""
    return {}
