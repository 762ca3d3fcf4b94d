"""Pages of the works area: envelopes and their multi-year programme, operations, schedule, scenarios, dashboard."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from facilities import carriers
from facilities.barchart import bar_chart
from facilities.database import discard_changes
from facilities.extensions import db
from facilities.formatting import format_day, format_money
from facilities.i18n import current_locale
from facilities.inventory.models import Building, Site
from facilities.money import money_text
from facilities.panels import Alert, collect
from facilities.permissions import Permission, requires
from facilities.textsearch import capped_count, text_matches
from facilities.timeutil import paris_today
from facilities.validation import ValidationError
from facilities.works import catalogue, gantt, ledger_import, reasons, rules, services, views
from facilities.works.forms import (
    ActualForm,
    ApRevisionForm,
    AssignmentForm,
    CarryOverForm,
    ConfirmForm,
    CpForm,
    EnvelopeForm,
    LapseRuleForm,
    LedgerImportForm,
    OperationEditForm,
    OperationForm,
    PhasesForm,
    ProgrammeApForm,
    RenewForm,
    SavingForm,
    ScenarioForm,
    VoteForm,
)
from facilities.works.models import BudgetVote, Envelope, Operation, ProgrammeAp
from facilities.works.scheduling.plans import PHASE_LABELS, PhaseCode

bp = Blueprint("works", __name__)


@bp.context_processor
def works_labels():
    return {"OPERATION_STATUS_LABELS": catalogue.STATUS_LABELS, "OPERATION_NATURE_LABELS": catalogue.NATURE_LABELS,
            "ENERGY_CARRIER_LABELS": carriers.labels(), "PROGRAMME_YEARS": rules.YEARS,
            "VOTE_KIND_LABELS": catalogue.VOTE_KIND_LABELS, "CARRY_OVER_MODE_LABELS": catalogue.CARRY_OVER_MODE_LABELS}


def building_panel(building: Building, site: Site, **_objects) -> dict:
    """Data of the works panel of the building page: the operations about the building or its site."""
    return {"operations": views.operations_for_building(building.id, site.id), "status_labels": catalogue.STATUS_LABELS}


def search_panel(query: str, **_objects) -> dict:
    """Data of the works section of the search page: operations and envelopes whose label contains the text
    (by index, accents and case ignored), the first 20 of each and how many there are (capped)."""
    operations = select(Operation).where(text_matches(Operation.__table__, query))
    envelopes = select(Envelope).where(text_matches(Envelope.__table__, query))
    found = {"operations": list(db.session.scalars(operations.order_by(Operation.label, Operation.id).limit(20))),
             "envelopes": list(db.session.scalars(envelopes.order_by(Envelope.label, Envelope.id).limit(20)))}
    counts = {"operations": capped_count(operations.with_only_columns(Operation.id))
              if len(found["operations"]) == 20 else len(found["operations"]),
              "envelopes": capped_count(envelopes.with_only_columns(Envelope.id))
              if len(found["envelopes"]) == 20 else len(found["envelopes"])}
    return {**found, "counts": counts, "found": any(found.values()), "status_labels": catalogue.STATUS_LABELS}


def home_panel(**_objects) -> dict:
    """Data of the works panel of the home dashboard: AP in force, year N against the caps, a chart of the
    years around N, and alerts (caps exceeded, operations starting or ending this month)."""
    locale = current_locale()
    figures = views.home_figures(paris_today())
    chart_rows = [(str(y.year), [("bar-cap", y.cap_cents, _("cap %(amount)s", amount=format_money(y.cap_cents, locale))),
                                 ("bar-over" if y.overflow_cents else "bar-cp", y.allocated_cents,
                                  _("CP %(amount)s", amount=format_money(y.allocated_cents, locale))),
                                 ("bar-paid", y.paid_cents, _("paid %(amount)s", amount=format_money(y.paid_cents, locale)))])
                  for y in figures.years]
    alerts = [Alert(_("%(envelope)s: the CP of %(year)s exceed the cap by %(amount)s", envelope=envelope.label,
                      year=year, amount=format_money(cents, locale)),
                    url_for("works.envelope_detail", envelope_id=envelope.id, year=year), "danger", _("Cap exceeded"))
              for envelope, year, cents in figures.overflows]
    alerts += [Alert(_("%(operation)s starts this month", operation=op.label),
                     url_for("works.operation_detail", operation_id=op.id), "info", _("Starting"))
               for op in figures.starting]
    alerts += [Alert(_("%(operation)s is due for acceptance (réception) this month", operation=op.label),
                     url_for("works.operation_detail", operation_id=op.id), "info", _("Acceptance"))
               for op in figures.ending]
    alerts += lapse_alerts(locale)
    return {"works": figures, "chart": bar_chart(chart_rows), "alerts": alerts}


def lapse_alerts(locale: str) -> list[Alert]:
    """APs with no commitment lapsing within a year, or lapsed (caducité), for the home dashboard."""
    ops = [op for ops in services.load_operations(e.id for e in services.load_envelopes(False)).values()
           for op in ops]
    by_id = {op.id: op for op in ops}
    alerts = []
    for op_id, lapse in sorted(services.lapses(ops, paris_today()).items(), key=lambda item: item[1].lapses_on):
        op, day = by_id[op_id], format_day(lapse.lapses_on, locale)
        if lapse.state == "lapsed":
            alerts.append(Alert(_("The AP of %(operation)s lapsed on %(day)s: nothing committed since its vote; left "
                                  "out of the programme's totals unless a vote renews it.", operation=op.label, day=day),
                                url_for("works.operation_detail", operation_id=op.id), "danger", _("AP lapsed")))
        else:
            alerts.append(Alert(_("The AP of %(operation)s lapses on %(day)s unless something is committed or a vote "
                                  "renews it.", operation=op.label, day=day),
                                url_for("works.operation_detail", operation_id=op.id), "warning", _("AP lapsing")))
    return alerts


def _or_404(entity):
    if entity is None:
        abort(404)
    return entity


def _status(form=None) -> int:
    """422 for a refused form, 409 when someone else saved the record first."""
    if getattr(form, "conflict", None) is not None:
        return 409
    return 422 if request.method == "POST" else 200


def _place_choices(form) -> None:
    sites = db.session.execute(select(Site.id, Site.code, Site.name, Site.status).order_by(Site.code)).all()
    form.site_id.choices = [("", "—")] + [
        (str(s.id), f"{s.code} — {s.name}" + (f" ({_('planned')})" if s.status == "planned" else "")) for s in sites]
    buildings = db.session.execute(select(Building.id, Building.code, Building.name).order_by(Building.code)).all()
    form.building_id.choices = [("", "—")] + [(str(b.id), f"{b.code} — {b.name}") for b in buildings]


def _vote_choices(field) -> None:
    """The recorded budget votes, latest first, as a select's choices."""
    field.choices = [("", "—")] + [
        (str(v.id), f"{v.code} {v.year} — {format_day(v.voted_on, current_locale())} — {v.deliberation_ref}")
        for v in services.load_votes()]


def chart(operations, title: str) -> Markup:
    """The Gantt SVG of these operations (server-rendered, inline)."""
    labels = {"fixed": _("fixed"), "draft": _("draft"), "empty": _("No operation")}
    rows = [{**row, "url": url_for("works.operation_detail", operation_id=op.id)}
            for row, op in zip(views.gantt_rows(operations), operations, strict=True)]
    svg = gantt.gantt_svg(rows, title=title, today=date.today(),
                          description=_("Operations by phase on a time axis; the table below gives the same dates."),
                          labels=labels, link_rows=True)
    return Markup(svg)  # noqa: S704 — built by gantt_svg, which escapes every text it writes


# ---------------------------------------------------------------- envelopes


@bp.route("/envelopes")
@requires(Permission.READ)
def envelope_list():
    """The works programmes (envelopes) with their totals; scenarios under their original."""
    figures = views.envelope_figures(services.load_envelopes())
    return render_template("works/envelope_list.html", figures=figures, link_panels=collect("works.links"))


@bp.route("/envelopes/new", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def envelope_create():
    """Create an envelope with its caps per year."""
    form = EnvelopeForm()
    envelope = form.submit_with(rules.clean_envelope, services.create_envelope)
    if envelope is not None:
        flash(_("Envelope %(label)s created.", label=envelope.label), "success")
        return redirect(url_for(".envelope_detail", envelope_id=envelope.id))
    return render_template("works/form.html", form=form, title=_("New envelope")), _status(form)


@bp.route("/envelopes/<int:envelope_id>")
@requires(Permission.READ)
def envelope_detail(envelope_id: int):
    """An envelope: caps, allocated, committed, paid and remaining per year; the PPI table; the Gantt chart."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    figures = views.envelope_figures([envelope])[0]
    year = request.args.get("year", type=int) or _default_year(figures)
    ppi, ppi_total = views.ppi_rows(figures.operations, year)
    return render_template("works/envelope_detail.html", envelope=envelope, figures=figures, year=year, ppi=ppi,
                           ppi_total=ppi_total, chart=chart(figures.operations, envelope.label),
                           gantt_rows=gantt.gantt_table(views.gantt_rows(figures.operations)),
                           scenario_form=ScenarioForm(), comparable=services.comparable(envelope),
                           action_panels=collect("envelope.actions", envelope=envelope),
                           programme=views.programme_ap_figures(envelope), **_programme_forms(envelope, figures),
                           carry_form=_with_votes(CarryOverForm(formdata=None,
                                                                data={"year": str(year - 1), "mode": "next"})))


def _programme_forms(envelope: Envelope, figures) -> dict:
    """The forms of the envelope page's programme APs: a new programme AP, an assignment, a revision."""
    forms = {"programme_form": _with_votes(ProgrammeApForm(formdata=None)),
             "assignment_form": _with_votes(AssignmentForm(formdata=None)),
             "revise_form": _with_votes(ProgrammeApForm(formdata=None))}
    forms["assignment_form"].programme_ap_id.choices = [
        (str(p.id), p.label) for p in services.programme_aps(envelope)]
    forms["assignment_form"].operation_id.choices = [(str(op.id), op.label) for op in figures.operations]
    return forms


def _with_votes(form):
    _vote_choices(form.vote_id)
    return form


def _default_year(figures) -> int:
    this_year = date.today().year
    years = [y.year for y in figures.years]
    if not years or min(years) <= this_year <= max(years):
        return this_year
    return min(years)


@bp.route("/envelopes/<int:envelope_id>/gantt.svg")
@requires(Permission.READ)
def envelope_gantt(envelope_id: int):
    """The envelope's Gantt chart alone, as an SVG file (for printing or embedding)."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    operations = services.load_operations([envelope.id])[envelope.id]
    return Response(str(chart(operations, envelope.label)), mimetype="image/svg+xml")


@bp.route("/envelopes/<int:envelope_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def envelope_edit(envelope_id: int):
    """Edit an envelope's label, category and caps (a cap below the CP asked needs the draft confirmation)."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = EnvelopeForm.editing(envelope, lambda: {"label": envelope.label, "category": envelope.category,
                                                   "caps": views.year_lines(envelope.caps_by_year)})
    form.caps.context = views.caps_grid_context(envelope)
    saved = form.submit_with(rules.clean_envelope,
                             lambda values: services.update_envelope(envelope, values, bool(form.draft.data)))
    if saved is not None:
        flash(_("Envelope %(label)s saved.", label=envelope.label), "success")
        return redirect(url_for(".envelope_detail", envelope_id=envelope.id))
    return render_template("works/form.html", form=form, envelope=envelope,
                           title=_("Edit envelope %(label)s", label=envelope.label)), _status(form)


@bp.route("/envelopes/<int:envelope_id>/carry-over", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def carry_over(envelope_id: int):
    """Carry over the unpaid CP of a year onto later years, for every operation of the envelope (all or none)."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = CarryOverForm()
    records = form.submit_with(rules.clean_carry_over, lambda values: services.carry_over_envelope(envelope, values))
    if records is None:
        discard_changes()
        flash(" ".join(message for errors in form.errors.values() for message in errors), "danger")
    else:
        flash(_("%(amount)s of unpaid CP carried over (%(n)s operation(s)).", n=len(records),
                amount=format_money(sum(r.amount_cents for r in records), current_locale())), "success")
    return redirect(url_for(".envelope_detail", envelope_id=envelope.id, _anchor="ppi-title"))


@bp.route("/envelopes/<int:envelope_id>/import", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def ledger_import_page(envelope_id: int):
    """Import actuals and AP revisions of the envelope's operations from a file: all lines or none."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = LedgerImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = ledger_import.import_file(form.file.data.read(), form.file.data.filename or "", envelope.id)
        except ValidationError as error:
            form.file.errors = list(error.errors.values())
        if report is not None and report.ok:
            flash(_("%(n)s line(s) imported.", n=report.applied), "success")
            return redirect(url_for(".envelope_detail", envelope_id=envelope.id))
        discard_changes()
    status = 422 if request.method == "POST" else 200
    return render_template("works/ledger_import.html", envelope=envelope, form=form, report=report,
                           columns=ledger_import.COLUMNS), status


@bp.route("/envelopes/<int:envelope_id>/schedule")
@requires(Permission.READ)
def schedule(envelope_id: int):
    """The proposed schedule that fits the caps (nothing saved): how far each operation moves and why."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    try:
        proposal = services.propose(envelope)
    except ValidationError as error:
        flash(" ".join(error.errors.values()), "danger")
        return redirect(url_for(".envelope_detail", envelope_id=envelope.id))
    labels = {op.id: op for op in services.load_operations([envelope.id])[envelope.id]}
    before: dict[int, int] = {}
    for op in labels.values():
        for year, cents in op.cp_by_year.items():
            before[year] = before.get(year, 0) + cents
    return render_template("works/schedule.html", envelope=envelope, proposal=proposal, operations=labels,
                           cp_before=before, reason=reasons.scheduled_reason, form=ConfirmForm())


@bp.route("/envelopes/<int:envelope_id>/schedule", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def schedule_apply(envelope_id: int):
    """Save the proposed schedule (recomputed from the stored programme): starts, phases and CP."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        proposal, moved = services.propose_and_apply(envelope)
    except ValidationError as error:
        discard_changes()
        flash(" ".join(error.errors.values()), "danger")
        return redirect(url_for(".schedule", envelope_id=envelope.id))
    message = _("Schedule applied: %(n)s operation(s) moved.", n=moved)
    if not proposal.feasible:
        message += " " + _("The programme still exceeds its caps: %(years)s.",
                           years=services.overflow_text(proposal.shortfall_by_year))
    flash(message, "success" if proposal.feasible else "warning")
    return redirect(url_for(".envelope_detail", envelope_id=envelope.id))


@bp.route("/envelopes/<int:envelope_id>/scenarios", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def scenario_create(envelope_id: int):
    """Copy the envelope's programme into a new scenario, to change and compare it."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = ScenarioForm()
    scenario = form.submit_with(rules.clean_scenario,
                                lambda values: services.create_scenario(envelope, values["scenario_label"]))
    if scenario is None:
        discard_changes()
        flash(" ".join(form.scenario_label.errors) or _("Give the scenario a name."), "danger")
        return redirect(url_for(".envelope_detail", envelope_id=envelope.id))
    flash(_("Scenario %(label)s created: change its dates, priorities or caps, then compare.",
            label=scenario.scenario_label), "success")
    return redirect(url_for(".envelope_detail", envelope_id=scenario.id))


@bp.route("/envelopes/<int:envelope_id>/compare")
@requires(Permission.READ)
def compare(envelope_id: int):
    """Two programmes (an envelope and one of its scenarios) side by side."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    other = _or_404(db.session.get(Envelope, request.args.get("with", type=int) or 0))
    return render_template("works/compare.html", a=envelope, b=other, comparison=services.compare(envelope, other))


@bp.route("/works/dashboard")
@requires(Permission.READ)
def dashboard():
    """The director's view of the programme: totals per year against caps, statuses, biggest operations."""
    return render_template("works/dashboard.html", board=views.dashboard())


# ---------------------------------------------------------------- operations


@bp.route("/envelopes/<int:envelope_id>/operations/new", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def operation_create(envelope_id: int):
    """Add an operation; a programme that would exceed a cap is saved only as a confirmed draft."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = OperationForm(data={"priority": "1"} if request.method == "GET" else None)
    _place_choices(form)
    _vote_choices(form.ap_vote_id)
    op = form.submit_with(lambda raw: rules.clean_operation({**raw, "envelope_id": envelope.id}),
                          services.create_operation)
    if op is not None:
        flash(_("Operation %(label)s saved as a draft: the programme exceeds its caps.", label=op.label) if op.draft
              else _("Operation %(label)s created.", label=op.label), "warning" if op.draft else "success")
        return redirect(url_for(".envelope_detail", envelope_id=envelope.id))
    return render_template("works/form.html", form=form, envelope=envelope,
                           title=_("New operation in %(label)s", label=envelope.label)), _status(form)


@bp.route("/operations/<int:operation_id>")
@requires(Permission.READ)
def operation_detail(operation_id: int):
    """An operation: phases, AP history, échéancier, actuals and expected savings, with their forms."""
    return _render_operation(_load_operation(operation_id))


def _load_operation(operation_id: int) -> Operation:
    ops = db.session.execute(services.operation_query().where(Operation.id == operation_id)).scalars().all()
    return _or_404(ops[0] if ops else None)


def _render_operation(op: Operation, status: int = 200, **forms):
    forms.setdefault("ap_form", ApRevisionForm(formdata=None))
    _vote_choices(forms["ap_form"].vote_id)
    forms["ap_form"].cp.context = views.cp_grid_context(op, ap_input="amount_eur")
    forms.setdefault("actual_form", ActualForm(formdata=None))
    forms.setdefault("saving_form", SavingForm(formdata=None))
    forms.setdefault("renew_form", RenewForm(formdata=None))
    _vote_choices(forms["renew_form"].vote_id)
    plan_check = services.operation_check(op)
    lapse = services.lapse_of_operation(op, services.lapse_years_on(date.today()), date.today())
    return render_template("works/operation_detail.html", op=op, check=plan_check, voted=services.is_voted(op),
                           cp=views.cp_by_year_of(op), chart=chart([op], op.label),
                           history=views.history_by_vote(op), lapse=lapse if lapse and lapse.state else None,
                           phase_labels={c.value: PHASE_LABELS[c] for c in PhaseCode}, derive_form=ConfirmForm(),
                           panels=collect("operation.panels", operation=op), **forms), status


@bp.route("/operations/<int:operation_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def operation_edit(operation_id: int):
    """Edit an operation (status voted needs a balanced échéancier; a new start moves phases and CP)."""
    op = _load_operation(operation_id)
    form = OperationEditForm.editing(op, lambda: {
        "label": op.label, "nature": op.nature, "status": op.status, "start": op.start.isoformat(),
        "duration_months": str(op.duration_months), "priority": str(op.priority), "fixed": op.fixed,
        "site_id": str(op.site_id or ""), "building_id": str(op.building_id or ""), "note": op.note or ""})
    _place_choices(form)
    clean = lambda raw: rules.clean_operation(raw, partial=True, current=services.current_values(op))  # noqa: E731
    if form.submit_with(clean, lambda values: services.update_operation(op, values)) is not None:
        flash(_("Operation %(label)s saved.", label=op.label), "success")
        return redirect(url_for(".operation_detail", operation_id=op.id))
    return render_template("works/form.html", form=form, envelope=op.envelope, operation=op,
                           title=_("Edit %(label)s", label=op.label)), _status(form)


@bp.route("/operations/<int:operation_id>/phases", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def operation_phases(operation_id: int):
    """Replace the phases; the échéancier is re-derived from them."""
    op = _load_operation(operation_id)
    form = PhasesForm.editing(op, lambda: {"phases": views.phase_lines(op)})
    clean = lambda raw: rules.clean_operation(raw, partial=True, current=services.current_values(op))  # noqa: E731
    if form.submit_with(clean, lambda values: services.update_operation(op, values)) is not None:
        flash(_("Phases saved; the échéancier was derived from them."), "success")
        return redirect(url_for(".operation_detail", operation_id=op.id))
    return render_template("works/form.html", form=form, envelope=op.envelope, operation=op,
                           title=_("Phases of %(label)s", label=op.label)), _status(form)


@bp.route("/operations/<int:operation_id>/cp", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def operation_cp(operation_id: int):
    """Edit the CP échéancier year by year (before the vote; a voted operation's CP change by a revision)."""
    op = _load_operation(operation_id)
    if services.is_voted(op):
        flash(services.revision_needed(op), "warning")
        return redirect(url_for(".operation_detail", operation_id=op.id, _anchor="ap-title"))
    form = CpForm.editing(op, lambda: {"cp": views.year_lines(op.cp_by_year)})
    form.cp.context = views.cp_grid_context(op)
    if form.submit_with(rules.clean_cp, lambda values: services.set_cp(op, values)) is not None:
        flash(_("Échéancier saved."), "success")
        return redirect(url_for(".operation_detail", operation_id=op.id))
    return render_template("works/form.html", form=form, envelope=op.envelope, operation=op,
                           title=_("CP échéancier of %(label)s", label=op.label)), _status(form)


@bp.route("/operations/<int:operation_id>/cp/derive", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def operation_cp_derive(operation_id: int):
    """Re-spread the AP in force over the phases: the échéancier balances again."""
    op = _load_operation(operation_id)
    try:
        services.derive_cp_from_phases(op, draft=request.form.get("draft") == "1")
    except ValidationError as error:
        discard_changes()
        flash(" ".join(error.errors.values()), "danger")
        return redirect(url_for(".operation_detail", operation_id=op.id))
    flash(_("Échéancier derived from the phases."), "success")
    return redirect(url_for(".operation_detail", operation_id=op.id))


@bp.route("/operations/<int:operation_id>/ap", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def ap_revision(operation_id: int):
    """Append a vote of the AP (the history is never edited)."""
    return _operation_form_post(operation_id, ApRevisionForm(), "ap_form", lambda _op, raw: rules.clean_ap_revision(raw),
                                services.add_ap_revision, _("AP revision recorded."))


@bp.route("/operations/<int:operation_id>/actuals", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def operation_actual(operation_id: int):
    """Record the commitments and payments of a year."""
    return _operation_form_post(operation_id, ActualForm(), "actual_form", lambda _op, raw: rules.clean_actual(raw),
                                services.set_actual, _("Actuals saved."))


@bp.route("/operations/<int:operation_id>/savings", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def operation_saving(operation_id: int):
    """Record the expected energy savings of a carrier."""
    return _operation_form_post(operation_id, SavingForm(), "saving_form", lambda _op, raw: rules.clean_saving(raw),
                                services.set_saving, _("Expected savings saved."))


# ---------------------------------------------------------------- budget votes


@bp.route("/votes")
@requires(Permission.READ)
def vote_list():
    """The budget votes (BP, DM…), latest first, with what each approved; a form to record one."""
    form = VoteForm(formdata=None, data={"kind": "BP", "number": "0", "year": str(date.today().year)})
    return render_template("works/votes.html", votes=services.load_votes(), form=form)


@bp.route("/votes", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def vote_create():
    """Record a budget vote with its date and deliberation reference."""
    form = VoteForm()
    vote = form.submit_with(rules.clean_vote, services.create_vote)
    if vote is None:
        return render_template("works/votes.html", votes=services.load_votes(), form=form), 422
    flash(_("Vote %(vote)s %(year)s recorded.", vote=vote.code, year=vote.year), "success")
    return redirect(url_for(".vote_detail", vote_id=vote.id))


@bp.route("/votes/<int:vote_id>")
@requires(Permission.READ)
def vote_detail(vote_id: int):
    """One budget vote: the AP creations and revisions, with their échéanciers, and the carry-overs it approved."""
    vote = _or_404(db.session.get(BudgetVote, vote_id))
    return render_template("works/vote_detail.html", vote=vote, items=views.vote_items(vote))


# ---------------------------------------------------------------- the budget annex


@bp.route("/works/annex")
@requires(Permission.READ)
def annex():
    """The budget annex "état des AP/CP" of a year, programme by programme and operation by operation."""
    year = request.args.get("year", type=int) or date.today().year
    if not rules.YEARS.first <= year <= rules.YEARS.last:
        abort(404)
    return render_template("works/annex.html", annex=views.budget_annex(year, _("Total")),
                           action_panels=collect("annex.actions", year=year))


@bp.route("/operations/<int:operation_id>/renew", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def ap_renew(operation_id: int):
    """Renew the AP by a vote (same amount and échéancier): its caducité starts over."""
    return _operation_form_post(
        operation_id, RenewForm(), "renew_form",
        lambda op, raw: rules.clean_ap_revision({**raw, "amount_eur": money_text(op.current_ap_cents),
                                                 "reason": _("AP renewed (caducité)")}),
        services.renew_ap, _("AP renewed: its caducité starts over from this vote."))


def _operation_form_post(operation_id: int, form, form_key: str, clean, action, message: str):
    """A form of the operation page: saved, then back to the page; or the page again with its messages (422)."""
    op = _load_operation(operation_id)
    if form.submit_with(lambda raw: clean(op, raw), lambda values: action(op, values)) is None:
        return _render_operation(_load_operation(operation_id), 422, **{form_key: form})
    flash(message, "success")
    return redirect(url_for(".operation_detail", operation_id=op.id))


# ---------------------------------------------------------------- caducité rule


@bp.route("/works/caducite")
@requires(Permission.READ)
def lapse_rules():
    """The caducité rule in force (years without commitment before an AP lapses) and its dated history."""
    return _lapse_page(LapseRuleForm(formdata=None), 200)


@bp.route("/works/caducite", methods=["POST"])
@requires(Permission.MANAGE_REFERENCE)
def lapse_rule_create():
    """Record a caducité rule from a date (administrators: the règlement budgétaire et financier changed)."""
    form = LapseRuleForm()
    if form.submit_with(rules.clean_lapse_rule, services.create_lapse_rule) is not None:
        flash(_("Caducité rule recorded."), "success")
        return redirect(url_for(".lapse_rules"))
    return _lapse_page(form, 422)


def _lapse_page(form, status: int):
    return render_template("works/lapse_rules.html", form=form, rules=services.lapse_rules(),
                           years=services.lapse_years_on(date.today()), default=services.DEFAULT_LAPSE_YEARS), status


# ---------------------------------------------------------------- programme APs


def _programme_post(envelope_id: int, form, clean, action, message: str):
    """A programme-AP form of the envelope page: saved, or its messages shown; back to the programme APs."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    if form.submit_with(clean, lambda values: action(envelope, values)) is None:
        discard_changes()
        flash(" ".join(message for errors in form.errors.values() for message in errors), "danger")
    else:
        flash(message, "success")
    return redirect(url_for(".envelope_detail", envelope_id=envelope.id, _anchor="programme-aps-title"))


@bp.route("/envelopes/<int:envelope_id>/programme-aps", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def programme_ap_create(envelope_id: int):
    """Record an AP voted for the programme, to assign to its operations."""
    return _programme_post(envelope_id, ProgrammeApForm(), rules.clean_programme_ap, services.create_programme_ap,
                           _("Programme AP recorded."))


@bp.route("/programme-aps/<int:programme_ap_id>/revise", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def programme_ap_revise(programme_ap_id: int):
    """Revise a programme AP by a vote (never below what is assigned)."""
    programme_ap = _or_404(db.session.get(ProgrammeAp, programme_ap_id))
    return _programme_post(programme_ap.envelope_id, ProgrammeApForm(), rules.clean_programme_ap,
                           lambda _envelope, values: services.revise_programme_ap(programme_ap, values),
                           _("Programme AP revised."))


@bp.route("/envelopes/<int:envelope_id>/assignments", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def assignment(envelope_id: int):
    """Assign part of a programme AP to one of its operations (the sum never exceeds the programme AP)."""
    return _programme_post(envelope_id, AssignmentForm(), rules.clean_assignment, services.assign,
                           _("Assignment saved."))
