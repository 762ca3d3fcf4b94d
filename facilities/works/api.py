"""JSON API endpoints of the works area, under /api/v1. Amounts in euros (decimal strings in answers)."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from facilities.errors import problem
from facilities.extensions import db
from facilities.permissions import Permission, requires
from facilities.validation import ValidationError
from facilities.works import rules, services
from facilities.works.models import Envelope, Operation
from facilities.works.money import cents_to_euros

bp = Blueprint("works_api", __name__)

ENVELOPE_FIELDS = {"label", "category", "caps"}
SCHEDULE_FIELDS = {"apply"}


def _eur(cents: int) -> str:
    """Cents as a decimal string of euros ("12500000.00"): exact, unlike a JSON float."""
    return str(cents_to_euros(cents))


def _by_year(amounts: dict[int, int]) -> dict[str, str]:
    return {str(year): _eur(cents) for year, cents in sorted(amounts.items())}


def _body(allowed: set[str]) -> dict:
    """The JSON object sent, read exactly (numbers as Decimal, duplicate keys kept visible); 422 on unknown keys."""
    try:
        data = json.loads(request.get_data(as_text=True) or "{}", parse_float=Decimal,
                          object_pairs_hook=rules.json_object_hook)
    except ValueError:
        abort(400, "the body must be a JSON object")
    if not isinstance(data, dict):
        abort(400, "the body must be a JSON object")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({key: _("unknown field") for key in unknown})
    for key in getattr(data, "duplicates", ()):
        raise ValidationError({key: _("given twice")})
    return data


def _invalid(error: ValidationError):
    db.session.rollback()
    return problem(422, _("Some values are not valid. Nothing was saved."), errors=error.errors)


def _operation_json(op: Operation) -> dict:
    plan = services.plan_of(op)
    return {
        "id": op.id, "label": op.label, "nature": op.nature, "status": op.status, "priority": op.priority,
        "fixed": op.fixed, "draft": op.draft, "site_id": op.site_id, "building_id": op.building_id,
        "start": op.start.isoformat(), "end": plan.end.isoformat(), "duration_months": op.duration_months,
        "ap_eur": _eur(op.current_ap_cents), "cp": _by_year(services.cp_by_year_of(op)),
        "phases": [{"code": p.code, "start": p.start.isoformat(), "end": p.end.isoformat(), "share_bp": p.share_bp}
                   for p in op.phases],
        "illustrative": op.illustrative,
    }


def _envelope_json(figures: services.EnvelopeFigures, with_operations: bool = False) -> dict:
    envelope = figures.envelope
    out = {
        "id": envelope.id, "label": envelope.label, "category": envelope.category,
        "scenario_of": envelope.scenario_of_id, "scenario_label": envelope.scenario_label,
        "caps": _by_year(envelope.caps_by_year),
        "cp_by_year": _by_year({y.year: y.allocated_cents for y in figures.years if y.allocated_cents}),
        "committed_eur": _eur(figures.totals.committed_cents), "paid_eur": _eur(figures.totals.paid_cents),
        "overflow_by_year": _by_year(figures.overflow_by_year), "illustrative": envelope.illustrative,
    }
    if with_operations:
        out["operations"] = [_operation_json(op) for op in figures.operations]
    return out


@bp.route("/envelopes")
@requires(Permission.READ)
def envelopes():
    """Every envelope with its caps, CP by year, committed and paid totals (euros)."""
    figures = services.envelope_figures(services.load_envelopes())
    return jsonify(items=[_envelope_json(f) for f in figures])


@bp.route("/envelopes", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def envelope_create():
    """Create an envelope: label, category, caps ({"2023": "12500000"})."""
    try:
        envelope = services.create_envelope(rules.clean_envelope(_body(ENVELOPE_FIELDS)))
    except ValidationError as error:
        return _invalid(error)
    db.session.commit()
    return jsonify(_envelope_json(services.envelope_figures([envelope])[0])), 201


@bp.route("/envelopes/<int:envelope_id>")
@requires(Permission.READ)
def envelope(envelope_id: int):
    """One envelope with its operations (AP, CP by year, dates, priority, fixed)."""
    found = db.session.get(Envelope, envelope_id)
    if found is None:
        abort(404)
    return jsonify(_envelope_json(services.envelope_figures([found])[0], with_operations=True))


@bp.route("/operations", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def operation_create():
    """Create an operation; when it makes the envelope exceed a cap, only with "draft": true."""
    try:
        op = services.create_operation(rules.clean_operation(_body(rules.OPERATION_FIELDS)))
    except ValidationError as error:
        return _invalid(error)
    db.session.commit()
    return jsonify(_operation_json(op)), 201


@bp.route("/operations/<int:operation_id>")
@requires(Permission.READ)
def operation(operation_id: int):
    """One operation with its phases and échéancier."""
    op = db.session.get(Operation, operation_id)
    if op is None:
        abort(404)
    return jsonify(_operation_json(op))


def _proposal_json(proposal) -> dict:
    out = proposal.to_dict()
    for item in out["operations"]:
        item["cp"] = {year: _eur(cents) for year, cents in item["cp"].items()}
        item["overflow_at_original"] = {year: _eur(c) for year, c in item["overflow_at_original"].items()}
    for key in ("cp_by_year", "caps_by_year", "shortfall_by_year"):
        if key in out:
            out[key] = {year: _eur(cents) for year, cents in out[key].items()}
    return out


@bp.route("/envelopes/<int:envelope_id>/schedule", methods=["POST"])
@requires(Permission.READ)
def schedule(envelope_id: int):
    """The schedule that fits the caps, without saving; with {"apply": true} (facilities managers) it is saved."""
    found = db.session.get(Envelope, envelope_id)
    if found is None:
        abort(404)
    try:
        data = _body(SCHEDULE_FIELDS)
        apply = data.get("apply", False)
        if not isinstance(apply, bool):
            raise ValidationError({"apply": _("must be true or false")})
        if apply and not current_user.can(Permission.EDIT_WORKS):
            abort(403)
        proposal = services.propose(found)
        moved = services.apply_proposal(found, proposal) if apply else 0
    except ValidationError as error:
        return _invalid(error)
    if apply:
        db.session.commit()
    return jsonify({**_proposal_json(proposal), "applied": apply, "moved": moved})
