"""Candidate retrofit operations of an envelope: their rules (one set for the form and any other path) and
services. The optimiser itself is `retrofit_solver` (pure); the energy area, which knows the targets, runs it."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from facilities import carriers, years
from facilities.extensions import db
from facilities.validation import MAX_ID, Rule, ValidationError, clean, year_rule
from facilities.works.retrofit_models import RetrofitCandidate, RetrofitCandidateSaving
from facilities.works.rules import MAX_KWH_PER_YEAR

MAX_DURATION_YEARS = 20  # a retrofit runs a few years; twenty is already a whole programme


def saving_field(carrier: str) -> str:
    """The name of a carrier's savings field (`savings_electricity`)."""
    return f"savings_{carrier}"


CANDIDATE_RULES = (
    Rule("label", "text", _l("Label"), required=True, max_length=200),
    Rule("building_id", "int", _l("Building"), required=True, minimum=1, maximum=MAX_ID),
    # A candidate without a cost cannot be weighed against the others: more than 0 €.
    Rule("cost_eur", "money", _l("Cost (€)"), required=True, minimum=Decimal(0), exclusive_minimum=True),
    year_rule("earliest_start_year", _l("Earliest start (year)"), years.PROGRAMME, required=True),
    Rule("duration_years", "int", _l("Duration (years)"), required=True, minimum=1, maximum=MAX_DURATION_YEARS),
    Rule("illustrative", "bool", _l("Illustrative"), default=False),
    Rule("note", "text", _l("Note"), max_length=2000),
)
# One rule per carrier: the kWh of final energy saved each year (blank or 0: none).
SAVING_RULES = tuple(Rule(saving_field(code), "int", label, minimum=0, maximum=MAX_KWH_PER_YEAR, unit="kWh")
                     for code, label in carriers.labels().items())


def clean_candidate(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values of a candidate, or ValidationError naming each bad field (nothing is saved).

    Refused: no cost, no savings at all, an unknown building."""
    from facilities.inventory.models import Building

    errors: dict[str, str] = {}
    try:
        values = clean(CANDIDATE_RULES, raw)
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    try:
        savings = clean(SAVING_RULES, {name: raw.get(name) for name in map(saving_field, carriers.CODES)})
    except ValidationError as error:
        savings = {}
        errors.update(error.errors)
    values["savings"] = {code: savings[saving_field(code)] for code in carriers.CODES
                         if savings.get(saving_field(code))}
    if not values["savings"] and not any(name.startswith("savings_") for name in errors):
        errors["savings"] = _("A candidate must save energy: give its expected savings (kWh/year) for at "
                              "least one carrier.")
    if values.get("building_id") and db.session.get(Building, values["building_id"]) is None:
        errors["building_id"] = _("Building %(id)s does not exist", id=values["building_id"])
    if errors:
        raise ValidationError(errors)
    values["cost_cents"] = values.pop("cost_eur")
    return values


def candidates_of(envelope_id: int) -> list[RetrofitCandidate]:
    """The candidates of an envelope with their savings and buildings (two queries plus the buildings)."""
    return list(db.session.execute(
        select(RetrofitCandidate).options(selectinload(RetrofitCandidate.savings),
                                          selectinload(RetrofitCandidate.building))
        .where(RetrofitCandidate.envelope_id == envelope_id)
        .order_by(RetrofitCandidate.building_id, RetrofitCandidate.id)
    ).scalars())


def _write(candidate: RetrofitCandidate, values: dict) -> None:
    for name in ("label", "building_id", "cost_cents", "earliest_start_year", "duration_years", "note"):
        setattr(candidate, name, values.get(name))
    candidate.illustrative = bool(values.get("illustrative"))
    rows = {row.carrier: row for row in candidate.savings}
    for carrier, row in rows.items():
        if carrier not in values["savings"]:
            candidate.savings.remove(row)
    for carrier, kwh in values["savings"].items():
        if carrier in rows:
            rows[carrier].kwh_per_year = kwh
        else:
            candidate.savings.append(RetrofitCandidateSaving(carrier=carrier, kwh_per_year=kwh))


def create_candidate(envelope_id: int, values: dict) -> RetrofitCandidate:
    """A new candidate of the envelope (values from `clean_candidate`)."""
    candidate = RetrofitCandidate(envelope_id=envelope_id)
    _write(candidate, values)
    db.session.add(candidate)
    db.session.flush()
    return candidate


def update_candidate(candidate: RetrofitCandidate, values: dict) -> RetrofitCandidate:
    """Change a candidate (values from `clean_candidate`)."""
    _write(candidate, values)
    db.session.flush()
    return candidate


def delete_candidate(candidate: RetrofitCandidate) -> None:
    """Delete a candidate with its savings."""
    db.session.delete(candidate)
    db.session.flush()


def form_values(candidate: RetrofitCandidate) -> dict[str, Any]:
    """The edit form's values for a candidate as saved."""
    from facilities.money import money_text

    values = {"label": candidate.label, "building_id": str(candidate.building_id),
              "cost_eur": money_text(candidate.cost_cents), "earliest_start_year": str(candidate.earliest_start_year),
              "duration_years": str(candidate.duration_years), "illustrative": candidate.illustrative,
              "note": candidate.note or ""}
    savings = candidate.savings_by_carrier
    values.update({saving_field(code): str(savings[code]) if code in savings else "" for code in carriers.CODES})
    return values
