"""Input rules of the works area, declared once for forms, the API, the command line and the demo.

Amounts are typed in euros (the money rule: decimal strings or whole numbers) and stored in integer cents;
the structural checks of an operation (phases inside the operation, shares summing to 100 %, CP years
inside its span) are those of the pure core, :func:`facilities.works.scheduling.checks.validate_plan`, run on the
values the rules have read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities import carriers, years
from facilities.extensions import db
from facilities.validation import MAX_ID, Rule, ValidationError, clean, year_rule
from facilities.works.catalogue import CARRY_OVER_MODES, OPERATION_NATURES, OPERATION_STATUSES, VOTE_KINDS
from facilities.works.models import Envelope
from facilities.works.scheduling.checks import validate_plan
from facilities.works.scheduling.plans import BP_TOTAL, OperationPlan, Phase, PhaseCode

MAX_KWH_PER_YEAR = 10**12
YEARS = years.PROGRAMME
MAX_DURATION_MONTHS = 240



AMOUNT_RULES = {rule.name: rule for rule in (
    Rule("ap_eur", "money", _l("AP"), required=True),
    Rule("amount_eur", "money", _l("New AP amount"), required=True),
    Rule("committed_eur", "money", _l("Committed"), required=True),
    Rule("paid_eur", "money", _l("Paid"), required=True),
)}


def parse_money(value: Any, field: str, errors: dict[str, str]) -> int | None:
    """Euros → cents by the money rule of `field` (or one named after it), or its message under `field`."""
    rule = AMOUNT_RULES.get(field)
    if rule is None:
        return _clean_one(AMOUNT_RULES["ap_eur"], value, field, errors)
    try:
        return clean((rule,), {rule.name: value})[rule.name]
    except ValidationError as error:
        errors[field] = error.errors[rule.name]
        return None


YEAR_RULE = year_rule("year", _l("Year"), YEARS, required=True)


def _clean_one(rule: Rule, value: Any, field: str, errors: dict[str, str]) -> Any:
    """One value read by `rule` under the name `field` (its message names the field), or None and its error."""
    named = replace(rule, name=field, label=field)
    try:
        return clean((named,), {field: value})[field]
    except ValidationError as error:
        errors[field] = error.errors[field]
        return None


_LINE = re.compile(r"^\s*([^\s:=;]+)\s*[:=;]?\s*(.*?)\s*$")  # "2030 500000", "2030: 500000", "2030=500000"


def _year_amount_pairs(raw: Any, name: str, errors: dict[str, str]) -> list[tuple[Any, Any, str]]:
    """(year, amount, field) triples from a mapping, a list of {year, amount_eur} or text lines 'YEAR AMOUNT'."""
    if isinstance(raw, Mapping):
        for key in getattr(raw, "duplicates", ()):
            errors[f"{name}.{key}"] = _("year %(year)s is given twice", year=key)
        return [(year, amount, f"{name}.{year}") for year, amount in raw.items()]
    if isinstance(raw, list | tuple):
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, Mapping) or "year" not in item:
                errors[f"{name}[{i}]"] = _("must be an object with year and amount_eur")
                continue
            out.append((item.get("year"), item.get("amount_eur", item.get("amount")), f"{name}[{i}]"))
        return out
    if isinstance(raw, str):
        out = []
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            match = _LINE.match(line)
            out.append((match.group(1), match.group(2), _("%(name)s line %(n)s", name=name, n=number)))
        return out
    errors[name] = _("must be a mapping of year to amount in euros")
    return []


def parse_year_amounts(raw: Any, name: str, errors: dict[str, str]) -> dict[int, int]:
    """Amounts in euros by year → cents by year; each bad year or amount, and each year given twice, named."""
    out: dict[int, int] = {}
    if raw is None:
        return out
    for year_raw, amount_raw, field in _year_amount_pairs(raw, name, errors):
        year = _clean_one(YEAR_RULE, year_raw, field, errors)
        if year is None:
            errors.setdefault(field, _("%(field)s is required", field=field))
            continue
        if year in out:
            errors[field] = _("%(field)s: year %(year)s is given twice", field=field, year=year)
            continue
        cents = parse_money(amount_raw, field, errors)
        if cents is not None:
            out[year] = cents
    return out


# ---------------------------------------------------------------- envelopes

ENVELOPE_RULES = (
    Rule("label", "text", _l("Label"), required=True, max_length=200),
    Rule("category", "text", _l("Category"), max_length=120, default=""),
)


def clean_envelope(raw: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed envelope values (label, category, caps in cents by year) or ValidationError."""
    errors: dict[str, str] = {}
    try:
        values = clean(ENVELOPE_RULES, raw, partial=partial)
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    if "caps" in raw or not partial:
        values["caps"] = parse_year_amounts(raw.get("caps"), "caps", errors)
    if errors:
        raise ValidationError(errors)
    return values


# ---------------------------------------------------------------- operations

OPERATION_RULES = (
    Rule("label", "text", _l("Label"), required=True, max_length=200),
    Rule("envelope_id", "int", _l("Envelope"), required=True, minimum=1, maximum=MAX_ID),
    Rule("nature", "choice", _l("Nature"), required=True, choices=lambda: OPERATION_NATURES),
    Rule("priority", "int", _l("Priority"), minimum=1, maximum=99, default=1),
    Rule("status", "choice", _l("Status"), choices=lambda: OPERATION_STATUSES, default="proposed"),
    Rule("fixed", "bool", _l("Fixed dates"), default=False),
    # Bounded by the programme's years: a start in 9999 would overflow the scheduler's month arithmetic.
    Rule("start", "date", _l("Start"), required=True, minimum=date(YEARS.first, 1, 1),
         maximum=date(YEARS.last, 12, 1), extra={"first_of_month": True}),  # operations are planned by month
    Rule("duration_months", "int", _l("Duration (months)"), required=True, minimum=1, maximum=MAX_DURATION_MONTHS),
    Rule("site_id", "int", _l("Site"), minimum=1, maximum=MAX_ID),
    Rule("building_id", "int", _l("Building"), minimum=1, maximum=MAX_ID),
    Rule("draft", "bool", _l("Save as a draft despite the overflow"), default=False),
    Rule("illustrative", "bool", _l("Illustrative"), default=False),
    Rule("note", "text", _l("Note"), max_length=2000),
)
VOTE_ID_RULE = Rule("vote_id", "int", _l("Budget vote"), minimum=1, maximum=MAX_ID)
# The vote of the AP an operation's amount starts or revises (today and a standard reason when not given).
AP_VOTE_RULES = (
    Rule("ap_voted_on", "date", _l("AP vote date")),
    Rule("ap_reason", "text", _l("Reason"), max_length=300),
)
OPERATION_FIELDS = {rule.name for rule in (*OPERATION_RULES, *AP_VOTE_RULES)} | {"ap_eur", "phases", "cp", "ap_vote_id"}


PHASE_RULES = (
    Rule("code", "choice", _l("Phase"), required=True, choices=lambda: [str(code) for code in PhaseCode]),
    Rule("start", "date", _l("Phase start"), required=True, minimum=date(YEARS.first, 1, 1),
         maximum=date(YEARS.last, 12, 31)),
    Rule("end", "date", _l("Phase end"), required=True, minimum=date(YEARS.first, 1, 1),
         maximum=date(YEARS.last, 12, 31)),
    Rule("share_bp", "int", _l("Share (basis points)"), minimum=0, maximum=BP_TOTAL),
    Rule("share_percent", "decimal", _l("Share (%)"), minimum=Decimal(0), maximum=Decimal(100)),
)


def parse_phases(raw: Any, errors: dict[str, str]) -> list[dict] | None:
    """Phases from a list of {code, start, end, share_bp | share_percent} or text lines
    'CODE START END SHARE%', read by PHASE_RULES → dicts for the core (dates, share in basis points)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        items = []
        for number, line in enumerate(raw.splitlines(), start=1):
            parts = line.replace("%", " ").split()
            if not parts:
                continue
            if len(parts) != 4:
                errors["phases"] = _("line %(n)s: write CODE START END SHARE%%, e.g. APS 2023-01-01 2023-06-30 20",
                                     n=number)
                return None
            items.append({"code": parts[0], "start": parts[1], "end": parts[2], "share_percent": parts[3]})
        raw = items
    if not isinstance(raw, list | tuple):
        errors["phases"] = _("must be a list of phases")
        return None
    phases = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            errors[f"phases[{i}]"] = _("must be an object with code, start, end and share_bp")
            continue
        try:
            phase = clean(PHASE_RULES, item)
        except ValidationError as error:
            errors.update({f"phases[{i}].{key}": message for key, message in error.errors.items()})
            continue
        percent = phase.pop("share_percent")
        if phase["share_bp"] is None and percent is not None:
            bp = percent * 100
            if bp != bp.to_integral_value():
                errors[f"phases[{i}].share_bp"] = _("the share must be a percentage with at most two decimals")
                continue
            phase["share_bp"] = int(bp)
        if phase["share_bp"] is None:
            errors[f"phases[{i}].share_bp"] = _("%(field)s is required", field=_("Share (basis points)"))
            continue
        phases.append(phase)
    return phases


def _core_errors(values: dict, ap_cents: int, phases: list | None, cp: dict | None) -> dict[str, str]:
    """The pure core's structural checks (phases inside the operation, shares summing to 100 %, CP years inside
    its span) on the typed values, with its field names mapped to the API's."""
    plan = OperationPlan(
        None, values.get("label") or "-", ap_cents, values["start"], values["duration_months"],
        values.get("priority") or 1, bool(values.get("fixed")),
        None if phases is None else tuple(Phase(p["code"], p["start"], p["end"], p["share_bp"]) for p in phases),
        None if cp is None else dict(cp),
    )
    errors = {}
    for key, message in validate_plan(plan).items():
        if key == "ap_cents":
            key = "ap_eur"
        elif key.startswith("cp_by_year["):
            key = "cp." + key[len("cp_by_year["):].rstrip("]")
        errors[key] = message
    return errors


def clean_operation(raw: Mapping[str, Any], *, partial: bool = False, current: dict | None = None) -> dict[str, Any]:
    """Typed operation values or ValidationError naming each field at fault.

    `current`: the operation's present values for a partial update, so that the structural checks
    (phases within the dates, CP years within the span) see the whole result.
    """
    errors: dict[str, str] = {}
    try:
        values = clean(OPERATION_RULES, raw, partial=partial)
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    if "ap_eur" in raw or not partial:
        values["ap_cents"] = parse_money(raw.get("ap_eur"), "ap_eur", errors)
    if "phases" in raw:
        values["phases"] = parse_phases(raw.get("phases"), errors)
    if raw.get("cp") is not None:
        values["cp"] = parse_year_amounts(raw.get("cp"), "cp", errors)
    try:
        values.update({key: value for key, value in clean(AP_VOTE_RULES, raw, partial=True).items() if value})
    except ValidationError as error:
        errors.update(error.errors)
    if raw.get("ap_vote_id") not in (None, ""):
        values["ap_vote_id"] = _clean_one(VOTE_ID_RULE, raw["ap_vote_id"], "ap_vote_id", errors)
    merged = {**(current or {}), **values}
    if not errors.keys() & {"start", "duration_months", "ap_eur"} and merged.get("start") and merged.get(
        "duration_months"
    ):
        for key, message in _core_errors(merged, merged.get("ap_cents") or 0, merged.get("phases"),
                                         merged.get("cp")).items():
            errors.setdefault(key, message)
    _check_references(values, errors)
    if errors:
        raise ValidationError(errors)
    return values


def _check_references(values: dict, errors: dict[str, str]) -> None:
    """Unknown envelope, site or building: named, nothing saved."""
    from facilities.inventory.models import Building, Site

    if values.get("envelope_id") and db.session.get(Envelope, values["envelope_id"]) is None:
        errors["envelope_id"] = _("Envelope %(id)s does not exist", id=values["envelope_id"])
    if values.get("site_id") and db.session.get(Site, values["site_id"]) is None:
        errors["site_id"] = _("Site %(id)s does not exist", id=values["site_id"])
    building = db.session.get(Building, values["building_id"]) if values.get("building_id") else None
    if values.get("building_id") and building is None:
        errors["building_id"] = _("Building %(id)s does not exist", id=values["building_id"])
    elif building is not None and values.get("site_id") and building.site_id != values["site_id"]:
        errors["building_id"] = _("Building %(code)s is not on the chosen site", code=building.code)


# ---------------------------------------------------------------- AP revisions, CP, actuals, savings

AP_REVISION_RULES = (
    Rule("voted_on", "date", _l("Vote date"), minimum=date(YEARS.first, 1, 1), maximum=date(YEARS.last, 12, 31)),
    Rule("reason", "text", _l("Reason"), required=True, max_length=300),
    VOTE_ID_RULE,
)


def clean_ap_revision(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A new AP vote: amount (euros → cents), date, reason and, optionally, its échéancier (cents by year;
    empty: the service spreads the new AP over the phases of a voted operation)."""
    errors: dict[str, str] = {}
    try:
        values = clean(AP_REVISION_RULES, raw)
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    values["amount_cents"] = parse_money(raw.get("amount_eur"), "amount_eur", errors)
    if not values.get("voted_on") and not values.get("vote_id") and "voted_on" not in errors:
        errors["voted_on"] = _("Give the vote date of the revision (or the budget vote that approved it).")
    cp = raw.get("cp")
    if cp is not None and not (isinstance(cp, str) and not cp.strip()):
        values["cp"] = parse_year_amounts(cp, "cp", errors)
    if errors:
        raise ValidationError(errors)
    return values


def clean_cp(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A whole échéancier: cents by year (years checked against the operation's span by the service)."""
    errors: dict[str, str] = {}
    cp = parse_year_amounts(raw.get("cp"), "cp", errors)
    if errors:
        raise ValidationError(errors)
    return {"cp": cp, "draft": bool(raw.get("draft"))}


ACTUAL_RULES = (year_rule("year", _l("Year"), YEARS, required=True),)


def clean_actual(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Commitments and payments of one year, in euros → cents (judged against the AP and the year's CP by
    facilities.works.budget, through the service)."""
    errors: dict[str, str] = {}
    try:
        values = clean(ACTUAL_RULES, raw)
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    values["committed_cents"] = parse_money(raw.get("committed_eur"), "committed_eur", errors)
    values["paid_cents"] = parse_money(raw.get("paid_eur"), "paid_eur", errors)
    if errors:
        raise ValidationError(errors)
    return values


CARRY_OVER_RULES = (
    year_rule("year", _l("Year whose unpaid CP are carried over"), YEARS, required=True),
    Rule("mode", "choice", _l("Re-spread"), choices=lambda: CARRY_OVER_MODES, default="next"),
    VOTE_ID_RULE,
)


def clean_carry_over(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The year whose unpaid CP are carried over and how they are re-spread (next year by default)."""
    return clean(CARRY_OVER_RULES, raw)


VOTE_RULES = (
    Rule("kind", "choice", _l("Kind of vote"), required=True, choices=lambda: VOTE_KINDS),
    Rule("number", "int", _l("Number (DM1, DM2…)"), minimum=0, maximum=20, default=0),
    year_rule("year", _l("Budget year"), YEARS, required=True),
    Rule("voted_on", "date", _l("Vote date"), required=True, minimum=date(YEARS.first, 1, 1),
         maximum=date(YEARS.last, 12, 31)),
    Rule("deliberation_ref", "text", _l("Deliberation reference"), required=True, max_length=100),
    Rule("note", "text", _l("Note"), max_length=2000),
)


def clean_vote(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A budget vote: kind, number (decisions modificatives only, from 1), year, date, deliberation."""
    values = clean(VOTE_RULES, raw)
    if values["kind"] == "DM" and not values["number"]:
        raise ValidationError({"number": _("A décision modificative has a number: 1 for DM1, 2 for DM2…")})
    if values["kind"] != "DM" and values["number"]:
        raise ValidationError({"number": _("Only a décision modificative has a number.")})
    return values


PROGRAMME_AP_RULES = (
    Rule("label", "text", _l("Label"), required=True, max_length=200),
    Rule("amount_eur", "money", _l("AP voted for the programme"), required=True),
    Rule("voted_on", "date", _l("Vote date"), minimum=date(YEARS.first, 1, 1), maximum=date(YEARS.last, 12, 31)),
    VOTE_ID_RULE,
)
ASSIGNMENT_RULES = (
    Rule("programme_ap_id", "int", _l("Programme AP"), required=True, minimum=1, maximum=MAX_ID),
    Rule("operation_id", "int", _l("Operation"), required=True, minimum=1, maximum=MAX_ID),
    Rule("amount_eur", "money", _l("Amount assigned"), required=True),
    Rule("voted_on", "date", _l("Vote date"), minimum=date(YEARS.first, 1, 1), maximum=date(YEARS.last, 12, 31)),
    VOTE_ID_RULE,
)


def _dated_by_a_vote(values: dict) -> dict:
    if not values.get("voted_on") and not values.get("vote_id"):
        raise ValidationError({"voted_on": _("Give the vote date (or the budget vote that approved it).")})
    return values


def clean_programme_ap(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A programme AP (or its revision): label, amount (euros → cents), its vote or vote date."""
    values = clean(PROGRAMME_AP_RULES, raw)
    values["amount_cents"] = values.pop("amount_eur")
    return _dated_by_a_vote(values)


def clean_assignment(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A part of a programme AP assigned to an operation (0 removes the assignment)."""
    values = clean(ASSIGNMENT_RULES, raw)
    values["amount_cents"] = values.pop("amount_eur")
    return _dated_by_a_vote(values)


LAPSE_RULES = (
    Rule("valid_from", "date", _l("In force from"), required=True, minimum=date(YEARS.first, 1, 1),
         maximum=date(YEARS.last, 12, 31)),
    Rule("lapse_years", "int", _l("Years without commitment before an AP lapses"), required=True, minimum=1,
         maximum=20),
    Rule("source", "text", _l("Source (règlement budgétaire et financier)"), required=True, max_length=300),
)


def clean_lapse_rule(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A caducité rule: from when, after how many years (at least 1) without commitment, and its source."""
    return clean(LAPSE_RULES, raw)


SAVING_RULES = (
    Rule("carrier", "choice", _l("Energy carrier"), required=True, choices=lambda: carriers.CODES),
    Rule("kwh_per_year", "int", _l("Expected savings (kWh/year)"), required=True, minimum=0, maximum=MAX_KWH_PER_YEAR),
)


def clean_saving(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Expected savings of an energy-retrofit operation for one carrier."""
    return clean(SAVING_RULES, raw)


SCENARIO_RULES = (Rule("scenario_label", "text", _l("Scenario name"), required=True, max_length=200),)


def clean_scenario(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The name of a new scenario."""
    return clean(SCENARIO_RULES, raw)
