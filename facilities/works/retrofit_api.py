"""JSON API of the candidate retrofit operations, under /api/v1: list, read, create, change and delete the
candidates of an envelope, read by the same rules as the candidate form (no cost or no savings: 422)."""

from __future__ import annotations

from flask_babel import gettext as _

from facilities import carriers
from facilities.api.common import (
    get_or_404,
    json_object,
    register_api_error_handlers,
    versioned,
)
from facilities.api.openapi import (
    MONEY_OUT,
    ApiBlueprint,
    field_names,
    json_body,
    response_schema,
    rules_schema,
)
from facilities.api.schemas import nullable, ok
from facilities.money import money_json, money_text
from facilities.permissions import Permission, requires
from facilities.validation import ValidationError
from facilities.works import retrofit
from facilities.works.models import Envelope
from facilities.works.retrofit_models import RetrofitCandidate
from facilities.works.rules import MAX_KWH_PER_YEAR

bp = ApiBlueprint("retrofit_candidates_api", __name__,
                  description="Candidate retrofit operations of an envelope, for the retrofit plan.")
register_api_error_handlers(bp)

# Savings per carrier, kWh of final energy a year: at least one carrier, each above 0 (0 saves nothing).
SAVINGS_IN = {"type": "object", "minProperties": 1, "additionalProperties": False,
              "properties": {code: {"type": "integer", "minimum": 1, "maximum": MAX_KWH_PER_YEAR}
                             for code in carriers.CODES},
              "description": "kWh of final energy saved each year, by carrier (at least one)"}
CANDIDATE_RULES = retrofit.CANDIDATE_RULES
CANDIDATE_INPUT = rules_schema("RetrofitCandidateInput", CANDIDATE_RULES, extra={"savings_kwh": SAVINGS_IN},
                               required_extra=["savings_kwh"])
CANDIDATE_PATCH = rules_schema("RetrofitCandidatePatch", CANDIDATE_RULES, partial=True,
                               extra={"savings_kwh": SAVINGS_IN})
CANDIDATE = response_schema(
    "RetrofitCandidate", [rule for rule in CANDIDATE_RULES if rule.name != "cost_eur"],
    extra={"id": {"type": "integer"}, "envelope_id": {"type": "integer"}, "cost_eur": MONEY_OUT,
           "savings_kwh": {"type": "object", "additionalProperties": {"type": "integer"}},
           "note": nullable("string")},
    required=["id", "envelope_id", "label", "building_id", "cost_eur", "earliest_start_year", "duration_years",
              "savings_kwh"])
CANDIDATE_LIST = {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": CANDIDATE}}}


def _json(candidate: RetrofitCandidate) -> dict:
    return {"id": candidate.id, "envelope_id": candidate.envelope_id, "label": candidate.label,
            "building_id": candidate.building_id, "cost_eur": money_json(candidate.cost_cents),
            "earliest_start_year": candidate.earliest_start_year, "duration_years": candidate.duration_years,
            "savings_kwh": candidate.savings_by_carrier, "illustrative": candidate.illustrative,
            "note": candidate.note}


def _as_form(body: dict) -> dict:
    """The body as the candidate rules read it: savings_kwh {carrier: kWh} as one field per carrier."""
    raw = {key: value for key, value in body.items() if key != "savings_kwh"}
    savings = body.get("savings_kwh")
    if "savings_kwh" in body:
        if not isinstance(savings, dict):
            raise ValidationError({"savings_kwh": _("savings_kwh must be an object: {carrier: kWh a year}")})
        unknown = sorted(set(savings) - set(carriers.CODES))
        if unknown:
            raise ValidationError({"savings_kwh": _("unknown carrier(s): %(codes)s; allowed: %(choices)s",
                                                    codes=", ".join(unknown), choices=", ".join(carriers.CODES))})
        raw.update({retrofit.saving_field(code): savings.get(code) for code in carriers.CODES})
    return raw


def _current(candidate: RetrofitCandidate) -> dict:
    values = {rule.name: getattr(candidate, rule.name) for rule in CANDIDATE_RULES if rule.name != "cost_eur"}
    values["cost_eur"] = money_text(candidate.cost_cents)
    savings = candidate.savings_by_carrier
    values.update({retrofit.saving_field(code): savings.get(code) for code in carriers.CODES})
    return values


@bp.route("/envelopes/<int:envelope_id>/retrofit-candidates", methods=["GET"])
@bp.doc(summary="List an envelope's retrofit candidates", responses={"200": ok(CANDIDATE_LIST)})
@requires(Permission.READ)
def candidates(envelope_id: int):
    """The envelope's candidate retrofit operations, by building."""
    envelope = get_or_404(Envelope, envelope_id)
    return {"items": [_json(c) for c in retrofit.candidates_of(envelope.id)]}


@bp.route("/envelopes/<int:envelope_id>/retrofit-candidates", methods=["POST"])
@bp.doc(summary="Add a retrofit candidate", requestBody=json_body(CANDIDATE_INPUT),
        responses={"201": ok(CANDIDATE, "Created")})
@versioned(RetrofitCandidate)
@requires(Permission.EDIT_WORKS)
def candidate_create(envelope_id: int):
    """Add a candidate: building, cost, yearly savings per carrier, earliest start, duration (422 without cost
    or savings)."""
    envelope = get_or_404(Envelope, envelope_id)
    body = json_object(field_names(CANDIDATE_INPUT))
    candidate = retrofit.create_candidate(envelope.id, retrofit.clean_candidate(_as_form(body)))
    return _json(candidate), 201


@bp.route("/retrofit-candidates/<int:candidate_id>", methods=["GET"])
@bp.doc(summary="Read a retrofit candidate", responses={"200": ok(CANDIDATE)})
@versioned(RetrofitCandidate, "candidate_id")
@requires(Permission.READ)
def candidate(candidate_id: int):
    """One candidate retrofit operation."""
    return _json(get_or_404(RetrofitCandidate, candidate_id))


@bp.route("/retrofit-candidates/<int:candidate_id>", methods=["PATCH"])
@bp.doc(summary="Change a retrofit candidate", requestBody=json_body(CANDIDATE_PATCH), responses={"200": ok(CANDIDATE)})
@versioned(RetrofitCandidate, "candidate_id")
@requires(Permission.EDIT_WORKS)
def candidate_update(candidate_id: int):
    """Change a candidate (the fields sent; savings_kwh replaces all its savings)."""
    found = get_or_404(RetrofitCandidate, candidate_id)
    body = json_object(field_names(CANDIDATE_PATCH))
    retrofit.update_candidate(found, retrofit.clean_candidate({**_current(found), **_as_form(body)}))
    return _json(found)


@bp.route("/retrofit-candidates/<int:candidate_id>", methods=["DELETE"])
@bp.doc(summary="Delete a retrofit candidate", responses={"204": {"description": "Deleted"}})
@versioned(RetrofitCandidate, "candidate_id")
@requires(Permission.EDIT_WORKS)
def candidate_delete(candidate_id: int):
    """Delete a candidate retrofit operation."""
    retrofit.delete_candidate(get_or_404(RetrofitCandidate, candidate_id))
    return "", 204
