"""Safety pages: the ERP register of the portfolio and the reference tables (thresholds, periodicities)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from facilities.database import after_commit, discard_changes
from facilities.extensions import db
from facilities.formatting import format_day
from facilities.inventory import bulk_uploads, erp
from facilities.inventory.bulk_columns import FORMATS, FileError, file_format
from facilities.inventory.models import Building, Site
from facilities.money import money_text
from facilities.panels import Alert, collect
from facilities.permissions import Permission, requires
from facilities.safety import accessibility, calendar, imports, reference, report_files, rules, services
from facilities.safety.catalogue import (
    ACCESSIBILITY_STATUS_LABELS,
    CHECK_RESULT_LABELS,
    CHECK_STATUS_LABELS,
    CHECK_TYPE_LABELS,
    CONDITION_LABELS,
    CRITICALITY_LABELS,
    EQUIPMENT_CATEGORY_LABELS,
    FINDING_SEVERITY_LABELS,
    OPINION_LABELS,
    PERFORMER_LABELS,
)
from facilities.safety.forms import (
    AccessibilityForm,
    ApplyImportForm,
    CalendarForm,
    CheckEditForm,
    CheckForm,
    DeleteForm,
    EquipmentForm,
    EquipmentImportForm,
    FindingForm,
    LiftForm,
    VisitEditForm,
    VisitForm,
    reference_form,
)
from facilities.safety.models import Check, Equipment, Finding, SafetyVisit
from facilities.timeutil import utcnow
from facilities.validation import ValidationError, clean

bp = Blueprint("safety", __name__)


@bp.app_context_processor
def safety_labels():
    return {"EQUIPMENT_CATEGORY_LABELS": EQUIPMENT_CATEGORY_LABELS, "CONDITION_LABELS": CONDITION_LABELS,
            "CRITICALITY_LABELS": CRITICALITY_LABELS, "CHECK_TYPE_LABELS": CHECK_TYPE_LABELS,
            "CHECK_RESULT_LABELS": CHECK_RESULT_LABELS, "CHECK_STATUS_LABELS": CHECK_STATUS_LABELS,
            "FINDING_SEVERITY_LABELS": FINDING_SEVERITY_LABELS, "PERFORMER_LABELS": PERFORMER_LABELS,
            "OPINION_LABELS": OPINION_LABELS, "ACCESSIBILITY_STATUS_LABELS": ACCESSIBILITY_STATUS_LABELS}


@bp.route("/safety")
@requires(Permission.READ)
def index():
    """The portfolio's safety: what is due in each building, and the ERP register (types, capacity, category)."""
    due = services.buildings_due()
    return render_template("safety/index.html", erp_lines=services.erp_register(), due=due, totals=_totals(due))


@bp.route("/safety/reference")
@requires(Permission.READ)
def reference_index():
    """The safety reference tables, each row with its validity, source and whether the source was checked."""
    tables = [(table, reference.rows_of(table)) for table in reference.TABLES.values()]
    return render_template("safety/reference.html", tables=tables)


def _table_or_404(name: str) -> reference.ReferenceTable:
    table = reference.TABLES.get(name)
    if table is None:
        abort(404)
    return table


@bp.route("/safety/reference/<name>/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def reference_new(name: str):
    """Add a row to a safety reference table."""
    table = _table_or_404(name)
    form = reference_form(table)()
    if form.submit_with(lambda raw: reference.clean_row(table, raw),
                        lambda values: reference.save_row(table, values)) is not None:
        flash(_("Row added."), "success")
        return redirect(url_for(".reference_index", _anchor=table.name))
    return render_template("safety/reference_form.html", form=form, table=table), form.status_code


@bp.route("/safety/reference/<name>/<int:row_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def reference_edit(name: str, row_id: int):
    """Correct a row of a safety reference table (its value, validity, source)."""
    table = _table_or_404(name)
    row = db.session.get(table.model, row_id) or abort(404)
    form = reference_form(table)(data=reference.form_values(table, row))
    if form.submit_with(lambda raw: reference.clean_row(table, raw),
                        lambda values: reference.save_row(table, values, row)) is not None:
        flash(_("Row saved."), "success")
        return redirect(url_for(".reference_index", _anchor=table.name))
    return render_template("safety/reference_form.html", form=form, table=table, row=row), form.status_code


# ---------------------------------------------------------------- equipment


def building_panel(building: Building, **_objects) -> dict:
    """The building page's safety panel: what is overdue or due soon, open findings, the equipment count."""
    plan = services.building_plan(building)
    return {"equipment_count": services.equipment_count(building), "building": building,
            "due": services.due_summary(plan), "findings": services.open_findings([building.id])}


@bp.route("/safety/equipment")
@requires(Permission.READ)
def equipment_list():
    """The equipment of the portfolio, filtered by site, building or category."""
    try:
        filters = clean(rules.EQUIPMENT_FILTER_RULES, request.args)
    except ValidationError:
        abort(400)
    query = services.equipment_query(filters).order_by(Building.code, Equipment.category, Equipment.name)
    items = list(db.session.scalars(query).unique())
    return render_template("safety/equipment_list.html", items=items, filters=filters,
                           sites=db.session.scalars(select(Site).where(Site.synthetic.is_(False))
                                                    .order_by(Site.name)).all())


@bp.route("/buildings/<int:building_id>/equipment")
@requires(Permission.READ)
def building_equipment(building_id: int):
    """A building's equipment."""
    building = db.session.get(Building, building_id) or abort(404)
    return render_template("safety/building_equipment.html", building=building, site=building.site,
                           items=services.building_equipment(building))


def _equipment_form(building: Building, form: EquipmentForm) -> EquipmentForm:
    form.place_choices(*services.building_places(building))
    return form


@bp.route("/buildings/<int:building_id>/equipment/new", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def equipment_create(building_id: int):
    """Record an item of equipment in a building."""
    building = db.session.get(Building, building_id) or abort(404)
    form = _equipment_form(building, EquipmentForm())

    def create(values):
        floor, space = services.locate(building, form.floor_id.data, form.space_id.data)
        return services.create_equipment(building, values, floor, space)

    item = form.submit_with(rules.clean_equipment, create)
    if item is not None:
        flash(_("Equipment %(name)s recorded.", name=item.name), "success")
        return redirect(url_for(".building_equipment", building_id=building.id))
    return render_template("safety/equipment_form.html", form=form, building=building, site=building.site,
                           title=_("New equipment")), form.status_code


def _equipment_shown(item: Equipment) -> dict:
    values = {rule.name: getattr(item, rule.name, None) for rule in rules.EQUIPMENT_RULES}
    values["replacement_cost_eur"] = money_text(item.replacement_cost_cents)
    values.update(floor_id=item.floor_id, space_id=item.space_id)
    return {name: value if isinstance(value, bool) else ("" if value is None else str(value))
            for name, value in values.items()}


@bp.route("/equipment/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def equipment_edit(item_id: int):
    """Change an item of equipment."""
    item = db.session.get(Equipment, item_id) or abort(404)
    form = _equipment_form(item.building, EquipmentForm.editing(item, lambda: _equipment_shown(item)))

    def update(values):
        location = services.locate(item.building, form.floor_id.data, form.space_id.data)
        return services.update_equipment(item, values, location)

    if form.submit_with(rules.clean_equipment, update) is not None:
        flash(_("Equipment %(name)s saved.", name=item.name), "success")
        return redirect(url_for(".building_equipment", building_id=item.building_id))
    return render_template("safety/equipment_form.html", form=form, building=item.building, site=item.building.site,
                           item=item, title=_("Edit equipment %(name)s", name=item.name)), form.status_code


def _confirm_delete(record, delete, done: str, flashed: str, **page):
    """A confirmation page (GET), or the delete confirmed (POST): `delete(record)`, then back to `done`."""
    form = DeleteForm()
    if form.validate_on_submit():
        delete(record)
        flash(flashed, "success")
        return redirect(done)
    building = record.building
    return render_template("safety/confirm_delete.html", form=form, building=building, site=building.site, **page)


@bp.route("/equipment/<int:item_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def equipment_delete(item_id: int):
    """Delete an item of equipment, after confirmation."""
    item = db.session.get(Equipment, item_id) or abort(404)
    return _confirm_delete(item, services.delete_equipment, url_for(".building_equipment", building_id=item.building_id),
                           _("Equipment deleted."), item=item)


# ---------------------------------------------------------------- equipment import and export


@bp.route("/safety/equipment/import", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def equipment_import():
    """Upload an equipment file and see, line by line, what importing it would do (nothing is written yet)."""
    form = EquipmentImportForm()
    if not form.validate_on_submit():
        return render_template("safety/equipment_import.html", form=form, report=None), form.status_code
    upload = form.file.data
    try:
        fmt = file_format(upload.filename)
    except FileError as error:
        form.file.errors = [str(error)]
        return render_template("safety/equipment_import.html", form=form, report=None), 422
    name, path = bulk_uploads.keep(upload.stream, fmt, current_user.id)
    report = imports.import_file(path, fmt, apply=False)
    discard_changes()  # a preview: nothing is written
    keep = report.ok and report.changes_anything
    if not keep:
        path.unlink(missing_ok=True)
    return render_template("safety/equipment_import.html", form=EquipmentImportForm(formdata=None), report=report,
                           filename=upload.filename,
                           apply_form=ApplyImportForm(upload=name) if keep else None), 200 if report.ok else 422


@bp.route("/safety/equipment/import/apply", methods=["POST"])
@requires(Permission.EDIT_SAFETY)
def equipment_import_apply():
    """Apply a checked equipment file: every line in one transaction, or nothing if a line is now refused."""
    form = ApplyImportForm()
    path = bulk_uploads.path_of(form.upload.data or "", current_user.id) if form.validate_on_submit() else None
    if path is None:
        flash(_("This import is no longer available: upload the file again."), "warning")
        return redirect(url_for(".equipment_import"))
    report = imports.import_file(path, path.suffix.lstrip("."), apply=True)
    if not report.ok:
        discard_changes()
        return render_template("safety/equipment_import.html", form=EquipmentImportForm(formdata=None),
                               report=report), 422
    after_commit(lambda: path.unlink(missing_ok=True))
    counts = report.counts
    flash(_("Import applied: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=counts["create"], updated=counts["update"], unchanged=counts["unchanged"]), "success")
    return redirect(url_for(".equipment_list"))


@bp.route("/safety/equipment/export.<fmt>")
@requires(Permission.READ)
def equipment_export(fmt: str):
    """Download the equipment register as CSV or XLSX, in the layout the import reads."""
    if fmt not in FORMATS:
        abort(404)
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(BytesIO(imports.export_file(fmt)), mimetype=mimetype, as_attachment=True,
                     download_name=f"equipment-{utcnow():%Y-%m-%d}.{fmt}")


# ---------------------------------------------------------------- periodic checks and findings


def _building_or_404(building_id: int) -> Building:
    return db.session.get(Building, building_id) or abort(404)


@bp.route("/buildings/<int:building_id>/safety")
@requires(Permission.READ)
def building_safety(building_id: int):
    """A building's safety: its ERP category, the checks its equipment needs (due, overdue), checks done, findings."""
    building = _building_or_404(building_id)
    checks = db.session.scalars(select(Check).where(Check.building_id == building.id)
                                .order_by(Check.done_on.desc(), Check.id.desc()).limit(50)).all()
    visits = db.session.scalars(select(SafetyVisit).where(SafetyVisit.building_id == building.id)
                                .order_by(SafetyVisit.visited_on.desc(), SafetyVisit.id.desc())).all()
    return render_template("safety/building_safety.html", building=building, site=building.site,
                           finding_actions=collect("finding.actions", building=building),
                           erp=erp.building_category(building), plan=services.building_plan(building),
                           checks=checks, findings=services.open_findings([building.id]), visits=visits,
                           register=accessibility.register_of(building), today=date.today())


def _check_types_for(item: Equipment) -> list[tuple[str, str]]:
    codes = {rule.check_type for rule in services.rules_in_force() if rule.equipment_category == item.category}
    return [(code, str(label)) for code, label in CHECK_TYPE_LABELS.items() if code in codes]


@bp.route("/equipment/<int:item_id>/checks/new", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def check_create(item_id: int):
    """Record a check done on an item: its date, body, result, report (PDF) and an observation to follow up."""
    item = db.session.get(Equipment, item_id) or abort(404)
    form = CheckForm(check_type=request.args.get("check_type"))
    form.check_type.choices = _check_types_for(item)

    def record(values):
        finding = None
        if (form.finding_description.data or "").strip() or form.finding_severity.data:
            finding = rules.clean_finding({"description": form.finding_description.data,
                                           "severity": form.finding_severity.data,
                                           "raised_on": values["done_on"].isoformat()})
        upload = form.report.data
        report = report_files.store(upload.stream, upload.filename) if upload and upload.filename else None
        try:
            check = services.record_check(item, values, report)
            if finding is not None:
                services.raise_finding(item.building, finding, check)
        except ValidationError:
            report_files.remove(report[0] if report else None)
            raise
        return check

    check = form.submit_with(rules.clean_check, record)
    if check is not None:
        flash(_("Check recorded; next one due on %(day)s.", day=format_day(check.next_due_on, str(get_locale())))
              if check.next_due_on else _("Check recorded."), "success")
        return redirect(url_for(".check_detail", check_id=check.id))
    return render_template("safety/check_form.html", form=form, item=item, building=item.building,
                           site=item.building.site), form.status_code


@bp.route("/checks/<int:check_id>")
@requires(Permission.READ)
def check_detail(check_id: int):
    """A check done: its result, report, the reference row that set its next due date, its findings."""
    check = db.session.get(Check, check_id) or abort(404)
    return render_template("safety/check_detail.html", check=check, building=check.building,
                           finding_actions=collect("finding.actions", building=check.building),
                           site=check.building.site, form=FindingForm(formdata=None))


def _check_shown(check: Check) -> dict:
    return {"check_type": check.check_type, "done_on": check.done_on.isoformat(), "body": check.body,
            "result": check.result, "notes": check.notes or ""}


@bp.route("/checks/<int:check_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def check_edit(check_id: int):
    """Correct a check recorded: its type, date, body, result, notes, and replace its report (PDF)."""
    check = db.session.get(Check, check_id) or abort(404)
    form = CheckEditForm.editing(check, lambda: _check_shown(check))
    form.check_type.choices = _check_types_for(check.equipment)

    def save(values):
        upload = form.report.data
        report = report_files.store(upload.stream, upload.filename) if upload and upload.filename else None
        try:
            return services.update_check(check, values, report)
        except ValidationError:
            report_files.remove(report[0] if report else None)
            raise

    if form.submit_with(lambda raw: rules.clean_check(raw, partial=True), save) is not None:
        flash(_("Check saved."), "success")
        return redirect(url_for(".check_detail", check_id=check.id))
    return render_template("safety/check_form.html", form=form, check=check, item=check.equipment,
                           building=check.building, site=check.building.site), form.status_code


@bp.route("/checks/<int:check_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def check_delete(check_id: int):
    """Delete a check, its findings and its report, after confirmation."""
    check = db.session.get(Check, check_id) or abort(404)
    day = format_day(check.done_on, str(get_locale()))
    return _confirm_delete(check, services.delete_check,
                           url_for(".building_safety", building_id=check.building_id, _anchor="checks-title"),
                           _("Check deleted."), name=f"{CHECK_TYPE_LABELS.get(check.check_type, check.check_type)} · {day}",
                           cancel=url_for(".check_detail", check_id=check.id),
                           consequence=_("Its %(n)s findings and its report are deleted with it.",
                                         n=len(check.findings)) if check.findings else None)


@bp.route("/checks/<int:check_id>/report")
@requires(Permission.READ)
def check_report(check_id: int):
    """The check's report, as the PDF it was uploaded as (never from the web root, always as a download)."""
    check = db.session.get(Check, check_id) or abort(404)
    path = report_files.path_of(check.report_file)
    if path is None:
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=check.report_name)


@bp.route("/checks/<int:check_id>/findings/new", methods=["POST"])
@requires(Permission.EDIT_SAFETY)
def finding_create(check_id: int):
    """Add an observation to a check."""
    check = db.session.get(Check, check_id) or abort(404)
    form = FindingForm()
    if form.submit_with(rules.clean_finding, lambda values: services.raise_finding(check.building, values, check)):
        flash(_("Finding recorded."), "success")
        return redirect(url_for(".check_detail", check_id=check.id))
    return render_template("safety/check_detail.html", check=check, building=check.building,
                           finding_actions=collect("finding.actions", building=check.building),
                           site=check.building.site, form=form), form.status_code


def _finding_shown(finding: Finding) -> dict:
    return {"description": finding.description, "severity": finding.severity,
            "raised_on": finding.raised_on.isoformat()}


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def finding_edit(finding_id: int):
    """Correct a finding: its observation, severity and the day it was raised."""
    finding = db.session.get(Finding, finding_id) or abort(404)
    form = FindingForm.editing(finding, lambda: _finding_shown(finding))
    back = (url_for(".check_detail", check_id=finding.check_id) if finding.check_id
            else url_for(".building_safety", building_id=finding.building_id, _anchor=f"finding-{finding.id}"))
    if form.submit_with(lambda raw: rules.clean_finding(raw, partial=True),
                        lambda values: services.update_finding(finding, values)) is not None:
        flash(_("Finding saved."), "success")
        return redirect(back)
    return render_template("safety/finding_form.html", form=form, finding=finding, building=finding.building,
                           site=finding.building.site, back=back), form.status_code


@bp.route("/findings/<int:finding_id>/lift", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def finding_lift(finding_id: int):
    """Record that a finding is lifted: the day and the evidence."""
    finding = db.session.get(Finding, finding_id) or abort(404)
    if finding.lifted_on is not None:
        flash(_("This finding is already lifted."), "info")
        return redirect(url_for(".building_safety", building_id=finding.building_id))
    form = LiftForm()
    if form.submit_with(lambda raw: rules.clean_lift(raw, finding.raised_on),
                        lambda values: services.lift_finding(finding, values)) is not None:
        flash(_("Finding lifted."), "success")
        return redirect(url_for(".building_safety", building_id=finding.building_id))
    return render_template("safety/finding_lift.html", form=form, finding=finding, building=finding.building,
                           site=finding.building.site), form.status_code


# ---------------------------------------------------------------- what is due: home dashboard and site page


def _totals(lines: list[services.BuildingDue]) -> dict:
    severities = Counter(finding.severity for line in lines for finding in line.open_findings)
    return {"overdue": sum(line.summary.overdue for line in lines),
            "never_done": sum(line.summary.never_done for line in lines),
            "due_soon": sum(line.summary.due_soon for line in lines),
            "due_90_days": sum(line.summary.due_90_days for line in lines),
            "findings": sum(severities.values()), "by_severity": severities, "soon_days": services.soon_days(),
            "unfavourable": sum(1 for line in lines if line.unfavourable)}


def home_panel(**_objects) -> dict:
    """The dashboard's safety panel: checks overdue, never done, due soon; open findings by severity; an alert for
    each overdue check and each critical finding, linking to its building's safety page."""
    lines = services.buildings_due()
    alerts = []
    for line in lines:
        url = url_for("safety.building_safety", building_id=line.building.id)
        for planned in line.plan:
            if planned.status == "overdue":
                alerts.append(Alert(_("%(building)s: %(check)s overdue since %(day)s", building=line.building.name,
                                      check=CHECK_TYPE_LABELS.get(planned.check_type, planned.check_type),
                                      day=format_day(planned.due_on, str(get_locale()))),
                                    f"{url}#planned-checks", "danger", _("Safety")))
        if line.unfavourable:
            alerts.append(Alert(_("%(building)s: unfavourable opinion of the safety commission (%(day)s)",
                                  building=line.building.name,
                                  day=format_day(line.last_visit.visited_on, str(get_locale()))),
                                f"{url}#visits-title", "danger", _("Safety")))
        if line.visit_overdue(date.today()):
            alerts.append(Alert(_("%(building)s: visit of the safety commission overdue since %(day)s",
                                  building=line.building.name,
                                  day=format_day(line.last_visit.next_visit_due_on, str(get_locale()))),
                                f"{url}#visits-title", "warning", _("Safety")))
        for finding in line.open_findings:
            if finding.severity == "critical":
                alerts.append(Alert(_("%(building)s: critical finding not lifted (%(text)s)",
                                      building=line.building.name, text=finding.description[:80]),
                                    f"{url}#finding-{finding.id}", "danger", _("Safety")))
    return {"lines": [line for line in lines if line.summary.alerts or line.open_findings or line.summary.due_soon
                      or line.unfavourable],
            "totals": _totals(lines), "alerts": alerts}


def site_panel(site: Site, **_objects) -> dict:
    """The site page's safety panel: what is due in each of its buildings."""
    lines = services.buildings_due(site.id)
    return {"lines": lines, "totals": _totals(lines)}


# ---------------------------------------------------------------- personal calendar feed


@bp.route("/safety/calendar", methods=["GET", "POST"])
@requires(Permission.READ)
def calendar_page():
    """The user's secret calendar address of due checks: make a new one (the old one stops working) or revoke it."""
    form = CalendarForm()
    address = None
    if form.validate_on_submit():
        if form.revoke.data:
            calendar.revoke(current_user.id)
            flash(_("Your calendar address is revoked: calendars that used it no longer receive the checks."),
                  "success")
        else:
            secret = calendar.new_feed(current_user.id)
            address = url_for(".calendar_feed", secret=secret, _external=True)
    return render_template("safety/calendar.html", form=form, address=address,
                           feed=calendar.feed_of(current_user.id))


@bp.route("/safety/calendar/<secret>.ics")
def calendar_feed(secret: str):
    """The due checks as an iCalendar file, for the owner of this secret address (no sign-in: the secret is the
    credential, as a reset link's token is)."""
    owner = calendar.owner_of(secret) if re.fullmatch(calendar.SECRET_PATTERN, secret) else None
    if owner is None:
        abort(404)
    response = current_app.response_class(calendar.ical(owner.locale or "fr"), mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=safety-checks.ics"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


# ---------------------------------------------------------------- safety commission visits


@bp.route("/buildings/<int:building_id>/safety-visits/new", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def visit_create(building_id: int):
    """Record a visit of the safety commission: its date, opinion and prescriptions (followed as findings)."""
    building = _building_or_404(building_id)
    form = VisitForm()

    def record(values):
        return services.record_visit(building, values, rules.prescriptions(form.prescriptions.data))

    visit = form.submit_with(rules.clean_visit, record)
    if visit is not None:
        flash(_("Visit recorded; next one due on %(day)s.", day=format_day(visit.next_visit_due_on, str(get_locale())))
              if visit.next_visit_due_on else _("Visit recorded."), "success")
        return redirect(url_for(".building_safety", building_id=building.id, _anchor="visits-title"))
    return render_template("safety/visit_form.html", form=form, building=building, site=building.site), \
        form.status_code


def _visit_shown(visit: SafetyVisit) -> dict:
    return {"visited_on": visit.visited_on.isoformat(), "commission": visit.commission or "",
            "opinion": visit.opinion, "notes": visit.notes or ""}


@bp.route("/safety-visits/<int:visit_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def visit_edit(visit_id: int):
    """Correct a visit of the safety commission: its date, commission, opinion and notes (the next visit follows)."""
    visit = db.session.get(SafetyVisit, visit_id) or abort(404)
    form = VisitEditForm.editing(visit, lambda: _visit_shown(visit))
    if form.submit_with(lambda raw: rules.clean_visit(raw, partial=True),
                        lambda values: services.update_visit(visit, values)) is not None:
        flash(_("Visit saved."), "success")
        return redirect(url_for(".building_safety", building_id=visit.building_id, _anchor="visits-title"))
    return render_template("safety/visit_form.html", form=form, visit=visit, building=visit.building,
                           site=visit.building.site), form.status_code


@bp.route("/safety-visits/<int:visit_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def visit_delete(visit_id: int):
    """Delete a visit of the safety commission and its prescriptions, after confirmation."""
    visit = db.session.get(SafetyVisit, visit_id) or abort(404)
    back = url_for(".building_safety", building_id=visit.building_id, _anchor="visits-title")
    return _confirm_delete(visit, services.delete_visit, back, _("Visit deleted."),
                           name=_("the visit of %(day)s", day=format_day(visit.visited_on, str(get_locale()))),
                           cancel=back, consequence=_("Its %(n)s prescriptions are deleted with it.",
                                                      n=len(visit.prescriptions)) if visit.prescriptions else None)


# ---------------------------------------------------------------- public accessibility register


@bp.route("/buildings/<int:building_id>/accessibility/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_SAFETY)
def accessibility_edit(building_id: int):
    """Fill in or update the building's public accessibility register."""
    building = _building_or_404(building_id)
    register = accessibility.register_of(building)
    shown = {name: getattr(register, name) for name in accessibility.PUBLIC_FIELDS} if register else {
        "public_name": building.name, "updated_on": date.today()}
    form = AccessibilityForm(data={name: "" if value is None else str(value) for name, value in shown.items()})
    if form.submit_with(accessibility.clean_register,
                        lambda values: accessibility.save_register(building, values)) is not None:
        flash(_("Accessibility register saved."), "success")
        return redirect(url_for(".building_safety", building_id=building.id, _anchor="accessibility-title"))
    return render_template("safety/accessibility_form.html", form=form, building=building, site=building.site), \
        form.status_code


@bp.route("/buildings/<int:building_id>/accessibility/qr.svg")
@requires(Permission.READ)
def accessibility_qr(building_id: int):
    """The public address of the building's register as a QR code (SVG), to print."""
    register = accessibility.register_of(_building_or_404(building_id)) or abort(404)
    url = url_for(".public_register", token=register.public_token, _external=True)
    return current_app.response_class(accessibility.qr_svg(url), mimetype="image/svg+xml")


@bp.route("/accessibility/<token>")
def public_register(token: str):
    """The public accessibility register of an ERP, without sign-in, at its unguessable address: the register's
    fields and nothing else of the building or the application."""
    register = accessibility.by_token(token) if re.fullmatch(accessibility.TOKEN_PATTERN, token) else None
    if register is None:
        abort(404)
    return render_template("safety/public_register.html", register=accessibility.public_view(register), token=token)
