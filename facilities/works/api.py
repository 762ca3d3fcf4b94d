"""JSON API of the works area, under /api/v1: envelopes and operations (list, read, create, PATCH, delete) and
the schedule that fits the caps. Amounts in euros: decimal strings in answers, strings or JSON numbers in bodies.

The same rules (facilities.works.rules) and services validate and write as the HTML forms.
"""

from __future__ import annotations

from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from facilities.api.common import (
    CONFIRM_PARAMETER,
    PAGE_PARAMETERS,
    child_conflict,
    choice_arg,
    confirmed,
    get_or_404,
    id_arg,
    id_parameter,
    json_object,
    paginated,
    query_parameter,
    register_api_error_handlers,
    sort_parameter,
    sorted_query,
    text_arg,
    versioned,
    whole_number_arg,
)
from facilities.api.openapi import (
    MONEY_OUT,
    ApiBlueprint,
    field_names,
    json_body,
    money_in_schema,
    pick,
    response_schema,
    rule_field,
    rule_schema,
    rules_schema,
)
from facilities.api.schemas import nullable, ok, page_of
from facilities.database import discard_changes
from facilities.money import money_json
from facilities.permissions import Permission, requires
from facilities.validation import Rule, clean
from facilities.works import rules, services, views
from facilities.works.catalogue import OPERATION_NATURES, OPERATION_STATUSES
from facilities.works.models import BudgetVote, Envelope, Operation
from facilities.works.scheduling.explanations import ReasonCode

bp = ApiBlueprint("works_api", __name__, description="Works programme: envelopes (AP/CP) and operations.")
register_api_error_handlers(bp)


def _read_body(allowed, *, empty_ok: bool = False) -> dict:
    """The JSON object sent, numbers read exactly and duplicate keys kept visible for the rules."""
    return json_object(allowed, empty_ok=empty_ok)


# ---------------------------------------------------------------- JSON shapes

_eur = money_json  # cents as a decimal string of euros ("12500000.00"): exact, unlike a JSON float


def _by_year(amounts: dict[int, int]) -> dict[str, str]:
    return {str(year): _eur(cents) for year, cents in sorted(amounts.items())}


def _operation_json(op: Operation) -> dict:
    plan = services.plan_of(op)
    return {
        "id": op.id, "label": op.label, "nature": op.nature, "status": op.status, "priority": op.priority,
        "fixed": op.fixed, "draft": op.draft, "envelope_id": op.envelope_id, "site_id": op.site_id,
        "building_id": op.building_id, "start": op.start.isoformat(), "end": plan.end.isoformat(),
        "duration_months": op.duration_months, "ap_eur": _eur(op.current_ap_cents),
        "cp": _by_year(views.cp_by_year_of(op)),
        "phases": [{"code": p.code, "start": p.start.isoformat(), "end": p.end.isoformat(), "share_bp": p.share_bp}
                   for p in op.phases],
        "illustrative": op.illustrative, "note": op.note,
        "actuals": [{"year": a.year, "committed_eur": _eur(a.committed_cents), "paid_eur": _eur(a.paid_cents)}
                    for a in op.actuals],
        "ap_history": [{"amount_eur": _eur(r.amount_cents), "voted_on": r.voted_on.isoformat(), "reason": r.reason,
                        "vote_id": r.vote_id, "cp": _by_year(r.cp_by_year) if r.cp_text is not None else None}
                       for r in op.ap_revisions],
    }


def _envelope_json(figures: views.EnvelopeFigures, with_operations: bool = False) -> dict:
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


def _envelope_detail(envelope: Envelope) -> dict:
    return _envelope_json(views.envelope_figures([envelope])[0], with_operations=True)


def _proposal_json(proposal) -> dict:
    out = proposal.to_dict()
    for item in out["operations"]:
        item["cp"] = {year: _eur(cents) for year, cents in item["cp"].items()}
        item["overflow_at_original"] = {year: _eur(c) for year, c in item["overflow_at_original"].items()}
    for key in ("cp_by_year", "caps_by_year", "shortfall_by_year"):
        if key in out:
            out[key] = {year: _eur(cents) for year, cents in out[key].items()}
    return out


# ---------------------------------------------------------------- documented shapes

EUROS = MONEY_OUT
EUROS_IN = {**money_in_schema(rules.AMOUNT_RULES["ap_eur"]),
            "description": "Euros: a decimal string (\"12500000.50\", at most two decimals) or a whole number."}
BY_YEAR = {"type": "object", "additionalProperties": EUROS, "description": "Euros by year (\"2024\": \"1000.00\")."}
BY_YEAR_IN = {"type": "object", "additionalProperties": EUROS_IN, "nullable": True,
              "description": f"Euros by year, {rules.YEARS.first} to {rules.YEARS.last} (\"2024\": \"1000\")."}
DATE = {"type": "string", "format": "date"}
PHASE = response_schema("Phase", pick(rules.PHASE_RULES, "code", "start", "end", "share_bp"),
                        required=["code", "start", "end", "share_bp"])
PHASE_IN = rules_schema("PhaseInput", rules.PHASE_RULES)
ID = {"type": "integer"}
ACTUAL = {"type": "object", "required": ["year", "committed_eur", "paid_eur"],
          "properties": {"year": {"type": "integer"}, "committed_eur": EUROS, "paid_eur": EUROS}}
AP_VOTE = {"type": "object", "required": ["amount_eur", "voted_on"],
           "properties": {"amount_eur": EUROS, "voted_on": DATE, "reason": {"type": "string"},
                          "vote_id": nullable("integer"),
                          "cp": {**BY_YEAR, "nullable": True, "description": "The échéancier approved with it."}}}
OPERATION = response_schema(
    "Operation", pick(rules.OPERATION_RULES, "label", "nature", "status", "priority", "fixed", "draft", "envelope_id",
                      "site_id", "building_id", "start", "duration_months", "illustrative", "note"),
    extra={"id": ID, "end": DATE, "ap_eur": EUROS, "cp": BY_YEAR, "phases": fields.List(fields.Nested(PHASE)),
           "actuals": {"type": "array", "items": ACTUAL, "description": "Commitments and payments by year."},
           "ap_history": {"type": "array", "items": AP_VOTE, "description": "Every vote of the AP, oldest first."}},
    required=["id", "label", "nature", "status", "start", "end", "ap_eur", "cp"])
_ENVELOPE_RULES = [*rules.ENVELOPE_RULES, *rules.SCENARIO_RULES]
_ENVELOPE_EXTRA = {"id": ID, "scenario_of": nullable("integer"), "caps": BY_YEAR, "cp_by_year": BY_YEAR,
                   "committed_eur": EUROS, "paid_eur": EUROS, "overflow_by_year": BY_YEAR,
                   "illustrative": {"type": "boolean"}}
_ENVELOPE_REQUIRED = ["id", "label", "caps", "cp_by_year", "committed_eur", "paid_eur"]
ENVELOPE = response_schema("Envelope", _ENVELOPE_RULES, extra=_ENVELOPE_EXTRA, required=_ENVELOPE_REQUIRED)
ENVELOPE_DETAIL = response_schema("EnvelopeDetail", _ENVELOPE_RULES,
                                  extra={**_ENVELOPE_EXTRA, "operations": fields.List(fields.Nested(OPERATION))},
                                  required=[*_ENVELOPE_REQUIRED, "operations"])
SCHEDULED = {"type": "object", "required": ["id", "start", "end", "shifted_months", "cp"], "properties": {
    "id": {"type": "integer"}, "label": {"type": "string"}, "fixed": {"type": "boolean"},
    "priority": {"type": "integer"}, "original_start": DATE, "start": DATE, "end": DATE,
    "shifted_months": {"type": "integer"}, "cp": BY_YEAR, "placed": {"type": "boolean"},
    "reason": nullable("string"),
    "reason_code": {"type": "string", "enum": [str(code) for code in ReasonCode],
                    "description": "Why it is there; `reason` says it in English."},
    "overflow_at_original": BY_YEAR}}
PROPOSAL = {"type": "object", "required": ["operations", "cp_by_year", "caps_by_year", "feasible", "applied", "moved"],
            "properties": {
                "operations": {"type": "array", "items": SCHEDULED}, "cp_by_year": BY_YEAR, "caps_by_year": BY_YEAR,
                "feasible": {"type": "boolean"}, "horizon_end_year": {"type": "integer"},
                "shortfall_by_year": BY_YEAR, "unplaced": {"type": "array", "items": {}},
                "applied": {"type": "boolean"}, "moved": {"type": "integer"}}}

DRAFT_RULE = next(rule for rule in rules.OPERATION_RULES if rule.name == "draft")
OPERATION_RULES = rules.OPERATION_RULES
# Checked before anything is looked up: ids no record can have, dates out of the programme's years.
BOUNDED_RULES = tuple(rule for rule in OPERATION_RULES if rule.name in ("envelope_id", "site_id", "building_id",
                                                                          "start"))

def _operation_extra() -> dict:
    return {"ap_eur": EUROS_IN, "cp": BY_YEAR_IN,
            # null: no phases; a list: at least one (scheduling/checks.py)
            "phases": fields.List(fields.Nested(PHASE_IN), validate=validate.Length(min=1, max=50), allow_none=True),
            **{rule.name: rule_field(rule) for rule in rules.AP_VOTE_RULES},
            "ap_vote_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1,
                           "description": "The budget vote that approved the AP (its date is the AP's)."}}


OPERATION_INPUT = rules_schema("OperationInput", OPERATION_RULES, extra=_operation_extra(), required_extra=["ap_eur"])
OPERATION_PATCH = rules_schema("OperationPatch", [rule for rule in OPERATION_RULES if rule.name != "envelope_id"],
                               partial=True, extra=_operation_extra())
ENVELOPE_INPUT = rules_schema("EnvelopeInput", rules.ENVELOPE_RULES, extra={"caps": BY_YEAR_IN})
ENVELOPE_PATCH = rules_schema("EnvelopePatch", [*rules.ENVELOPE_RULES, DRAFT_RULE], partial=True,
                              extra={"caps": BY_YEAR_IN})
ACTUAL_INPUT = rules_schema("ActualInput", rules.ACTUAL_RULES,
                            extra={"committed_eur": EUROS_IN, "paid_eur": EUROS_IN},
                            required_extra=["committed_eur", "paid_eur"])
REVISION_INPUT = rules_schema("RevisionInput", rules.AP_REVISION_RULES, extra={
    "amount_eur": EUROS_IN,
    "cp": {**BY_YEAR_IN, "description": "The new échéancier, euros by year, adding up to amount_eur. Omitted on a "
                                        "voted operation: the new AP is spread over its phases."}},
    required_extra=["amount_eur"])
CARRY_OVER_INPUT = rules_schema("CarryOverInput", rules.CARRY_OVER_RULES)
PPI_AMOUNTS = {"ap_eur": EUROS, "voted_before_eur": EUROS, "revision_eur": EUROS, "paid_before_eur": EUROS,
               "to_respread_eur": {**EUROS, "description": "CP of years before N neither paid nor carried over."},
               "cp_by_year": {**BY_YEAR, "description": "CP of N, N+1, N+2 and N+3, by year."},
               "later_eur": EUROS,
               "carried_over_eur": {**EUROS, "description": "Unpaid CP of years before N re-spread onto later years."},
               "balanced": {"type": "boolean", "description": "paid_before + to_respread + CP N…N+3 + later = AP."}}
PPI_ROW = {"type": "object", "required": ["operation_id", "label", *PPI_AMOUNTS],
           "properties": {"operation_id": {"type": "integer"}, "label": {"type": "string"}, **PPI_AMOUNTS}}
PPI = {"type": "object", "required": ["year", "rows", "totals"], "properties": {
    "year": {"type": "integer"}, "rows": {"type": "array", "items": PPI_ROW},
    "totals": {"type": "object", "properties": PPI_AMOUNTS}}}
PPI_YEAR_RULE = rules.YEAR_RULE
CARRIED = {"type": "object", "required": ["carried_over_eur", "operations"], "properties": {
    "carried_over_eur": EUROS, "operations": {"type": "array", "items": {"type": "object", "properties": {
        "operation_id": {"type": "integer"}, "from_year": {"type": "integer"}, "amount_eur": EUROS,
        "to_years": BY_YEAR}}}}}
VOTE_INPUT = rules_schema("VoteInput", rules.VOTE_RULES)
VOTE = response_schema("BudgetVote", rules.VOTE_RULES, extra={
    "id": ID, "code": {"type": "string", "description": "BP, BS, DM1, DM2…, CA"},
    "revisions": {"type": "array", "items": {"type": "object", "properties": {
        "operation_id": ID, "amount_eur": EUROS, "reason": {"type": "string"}, "cp": BY_YEAR}}},
    "carry_overs": {"type": "array", "items": {"type": "object", "properties": {
        "operation_id": ID, "from_year": ID, "amount_eur": EUROS, "to_years": BY_YEAR}}}},
    required=["id", "kind", "year", "voted_on", "deliberation_ref", "code"])
APPLY_RULE = Rule("apply", "bool", _l("Save the schedule (facilities managers only)"), default=False)
SCHEDULE_INPUT = rules_schema("ScheduleInput", [APPLY_RULE])


def _check_bounds(body: dict) -> None:
    """Ids no record can have and dates out of the programme's years are refused before the rules use them."""
    clean(BOUNDED_RULES, body, partial=True)


# ---------------------------------------------------------------- envelopes

ENVELOPE_SORT = {"label": Envelope.label, "category": Envelope.category, "id": Envelope.id}


@bp.route("/envelopes", methods=["GET"])
@bp.doc(summary="List envelopes", parameters=[
    query_parameter("q", {"type": "string", "maxLength": 100}, "Text in the label or category."),
    query_parameter("scenarios", {"type": "boolean"}, "false: original envelopes only."),
    id_parameter("scenario_of", "Scenarios of this envelope."),
    *PAGE_PARAMETERS, sort_parameter(ENVELOPE_SORT)], responses={"200": ok(page_of(ENVELOPE))})
@requires(Permission.READ)
def envelopes():
    """Envelopes with their caps, CP by year, committed and paid totals (euros), filtered, sorted and paginated."""
    query = select(Envelope).options(selectinload(Envelope.caps))
    text = text_arg("q").lower()
    if text:
        query = query.where(or_(func.lower(Envelope.label).like(f"%{text}%"),
                                func.lower(Envelope.category).like(f"%{text}%")))
    if choice_arg("scenarios", ("true", "false")) == "false":
        query = query.where(Envelope.scenario_of_id.is_(None))
    scenario_of = id_arg("scenario_of")
    if scenario_of is not None:
        query = query.where(Envelope.scenario_of_id == scenario_of)
    return paginated(sorted_query(query, ENVELOPE_SORT, "label", Envelope.id),
                     serialize_page=lambda page: [_envelope_json(f) for f in views.envelope_figures(page)])


@bp.route("/envelopes", methods=["POST"])
@bp.doc(summary="Create an envelope", requestBody=json_body(ENVELOPE_INPUT),
        responses={"201": ok(ENVELOPE, "Created")})
@versioned(Envelope)
@requires(Permission.EDIT_WORKS)
def envelope_create():
    """Create an envelope: label, category, caps ({"2023": "12500000"})."""
    envelope = services.create_envelope(rules.clean_envelope(_read_body(field_names(ENVELOPE_INPUT))))
    return _envelope_json(views.envelope_figures([envelope])[0]), 201


@bp.route("/envelopes/<int:envelope_id>", methods=["GET"])
@bp.doc(summary="Read an envelope", responses={"200": ok(ENVELOPE_DETAIL)})
@versioned(Envelope, "envelope_id")
@requires(Permission.READ)
def envelope(envelope_id: int):
    """One envelope with its operations (AP, CP by year, dates, priority, fixed)."""
    return _envelope_detail(get_or_404(Envelope, envelope_id))


@bp.route("/envelopes/<int:envelope_id>", methods=["PATCH"])
@bp.doc(summary="Change an envelope", requestBody=json_body(ENVELOPE_PATCH),
        responses={"200": ok(ENVELOPE_DETAIL)})
@versioned(Envelope, "envelope_id")
@requires(Permission.EDIT_WORKS)
def envelope_update(envelope_id: int):
    """Change label, category or caps; a cap below the CP asked needs "draft": true."""
    found = get_or_404(Envelope, envelope_id)
    body = _read_body(field_names(ENVELOPE_PATCH))
    draft = clean([DRAFT_RULE], body, partial=True).get("draft", False)
    services.update_envelope(found, rules.clean_envelope(body, partial=True), draft)
    return _envelope_detail(found)


@bp.route("/envelopes/<int:envelope_id>", methods=["DELETE"])
@bp.doc(summary="Delete an envelope", parameters=[CONFIRM_PARAMETER], responses={"204": {"description": "Deleted"}})
@versioned(Envelope, "envelope_id")
@requires(Permission.EDIT_WORKS)
def envelope_delete(envelope_id: int):
    """Delete an envelope; with operations or scenarios, only with ?confirm=true (they go with it)."""
    found = get_or_404(Envelope, envelope_id)
    counts = services.envelope_children(found)
    if any(counts.values()) and not confirmed():
        return child_conflict(counts)
    services.delete_envelope(found)
    return "", 204


@bp.route("/envelopes/<int:envelope_id>/schedule", methods=["POST"])
@bp.doc(summary="Propose (or apply) a schedule within the caps",
        requestBody={**json_body(SCHEDULE_INPUT), "required": False}, responses={"200": ok(PROPOSAL)})
@requires(Permission.READ)
def schedule(envelope_id: int):
    """The schedule that fits the caps, without saving; with {"apply": true} (facilities managers) it is saved."""
    found = get_or_404(Envelope, envelope_id)
    apply = clean([APPLY_RULE], _read_body({"apply"}, empty_ok=True), partial=True).get("apply", False)
    if apply and not current_user.can(Permission.EDIT_WORKS):
        abort(403)
    proposal = services.propose(found)
    moved = services.apply_proposal(found, proposal) if apply else 0
    if not apply:
        discard_changes()  # a proposal only: nothing is saved
    return {**_proposal_json(proposal), "applied": apply, "moved": moved}


def _ppi_amounts(row: views.PpiRow, year: int) -> dict:
    return {"ap_eur": _eur(row.ap_cents), "voted_before_eur": _eur(row.voted_cents),
            "revision_eur": _eur(row.revision_cents), "paid_before_eur": _eur(row.paid_before_cents),
            "to_respread_eur": _eur(row.to_respread_cents),
            "cp_by_year": {str(year + k): _eur(cents) for k, cents in enumerate(row.cp_years)},
            "later_eur": _eur(row.cp_later_cents), "carried_over_eur": _eur(row.carried_over_cents),
            "balanced": row.balanced}


@bp.route("/envelopes/<int:envelope_id>/ppi", methods=["GET"])
@bp.doc(summary="The multi-year programme (PPI) for a year", parameters=[
    query_parameter("year", rule_schema(PPI_YEAR_RULE), "Year N (default: this year).")],
    responses={"200": ok(PPI)})
@requires(Permission.READ)
def envelope_ppi(envelope_id: int):
    """Per operation: AP, CP paid before N, unpaid CP to re-spread, CP N to N+3, later, carried over; totals."""
    found = get_or_404(Envelope, envelope_id)
    year = whole_number_arg("year", rules.YEARS.first, rules.YEARS.last) or date.today().year
    rows, total = views.ppi_rows(services.load_operations([found.id])[found.id], year)
    return {"year": year,
            "rows": [{"operation_id": r.operation.id, "label": r.operation.label, **_ppi_amounts(r, year)}
                     for r in rows],
            "totals": _ppi_amounts(total, year) if total else {}}


@bp.route("/envelopes/<int:envelope_id>/carry-over", methods=["POST"])
@bp.doc(summary="Carry over a year's unpaid CP", requestBody=json_body(CARRY_OVER_INPUT),
        responses={"200": ok(CARRIED)})
@requires(Permission.EDIT_WORKS)
def envelope_carry_over(envelope_id: int):
    """Re-spread the unpaid CP of a past or current year onto later years (next year, or evenly), every operation
    of the envelope or none."""
    found = get_or_404(Envelope, envelope_id)
    values = rules.clean_carry_over(_read_body(field_names(CARRY_OVER_INPUT)))
    records = services.carry_over_envelope(found, values)
    return {"carried_over_eur": _eur(sum(r.amount_cents for r in records)), "operations": [
        {"operation_id": r.operation_id, "from_year": r.from_year, "amount_eur": _eur(r.amount_cents),
         "to_years": _by_year(r.cents_by_year)} for r in records]}


# ---------------------------------------------------------------- budget votes


def _vote_json(vote: BudgetVote) -> dict:
    return {"id": vote.id, "code": vote.code, "kind": vote.kind, "number": vote.number, "year": vote.year,
            "voted_on": vote.voted_on.isoformat(), "deliberation_ref": vote.deliberation_ref, "note": vote.note,
            "revisions": [{"operation_id": r.operation_id, "amount_eur": _eur(r.amount_cents), "reason": r.reason,
                           "cp": _by_year(r.cp_by_year or {})} for r in vote.revisions],
            "carry_overs": [{"operation_id": c.operation_id, "from_year": c.from_year,
                             "amount_eur": _eur(c.amount_cents), "to_years": _by_year(c.cents_by_year)}
                            for c in vote.carry_overs]}


VOTE_SORT = {"voted_on": BudgetVote.voted_on, "year": BudgetVote.year, "id": BudgetVote.id}


@bp.route("/votes", methods=["GET"])
@bp.doc(summary="List budget votes", parameters=[*PAGE_PARAMETERS, sort_parameter(VOTE_SORT)],
        responses={"200": ok(page_of(VOTE))})
@requires(Permission.READ)
def votes():
    """Budget votes (BP, BS, DMn, CA) with the AP votes and carry-overs each approved, sorted and paginated."""
    query = select(BudgetVote).options(selectinload(BudgetVote.revisions), selectinload(BudgetVote.carry_overs))
    return paginated(sorted_query(query, VOTE_SORT, "voted_on", BudgetVote.id), _vote_json)


@bp.route("/votes", methods=["POST"])
@bp.doc(summary="Record a budget vote", requestBody=json_body(VOTE_INPUT), responses={"201": ok(VOTE, "Created")})
@requires(Permission.EDIT_WORKS)
def vote_create():
    """Record a budget vote: kind, number (DM only), year, date, deliberation reference."""
    vote = services.create_vote(rules.clean_vote(_read_body(field_names(VOTE_INPUT))))
    return _vote_json(vote), 201


@bp.route("/votes/<int:vote_id>", methods=["GET"])
@bp.doc(summary="Read a budget vote", responses={"200": ok(VOTE)})
@requires(Permission.READ)
def vote(vote_id: int):
    """One budget vote with what it approved."""
    return _vote_json(get_or_404(BudgetVote, vote_id))


# ---------------------------------------------------------------- operations

OPERATION_SORT = {"label": Operation.label, "start": Operation.start, "priority": Operation.priority,
                  "status": Operation.status, "id": Operation.id}


@bp.route("/operations", methods=["GET"])
@bp.doc(summary="List operations", parameters=[
    id_parameter("envelope_id"), id_parameter("site_id"), id_parameter("building_id"),
    query_parameter("status", {"type": "string", "enum": list(OPERATION_STATUSES)}),
    query_parameter("nature", {"type": "string", "enum": list(OPERATION_NATURES)}),
    query_parameter("q", {"type": "string", "maxLength": 100}, "Text in the label."),
    *PAGE_PARAMETERS, sort_parameter(OPERATION_SORT)], responses={"200": ok(page_of(OPERATION))})
@requires(Permission.READ)
def operations():
    """Operations, optionally of one envelope, site or building, status or nature; sorted and paginated."""
    query = services.operation_query()
    for name in ("envelope_id", "site_id", "building_id"):
        wanted = id_arg(name)
        if wanted is not None:
            query = query.where(getattr(Operation, name) == wanted)
    for name, choices in (("status", OPERATION_STATUSES), ("nature", OPERATION_NATURES)):
        wanted = choice_arg(name, choices)
        if wanted is not None:
            query = query.where(getattr(Operation, name) == wanted)
    text = text_arg("q").lower()
    if text:
        query = query.where(func.lower(Operation.label).like(f"%{text}%"))
    return paginated(sorted_query(query, OPERATION_SORT, "start", Operation.id), _operation_json)


@bp.route("/operations", methods=["POST"])
@bp.doc(summary="Create an operation", requestBody=json_body(OPERATION_INPUT),
        responses={"201": ok(OPERATION, "Created")})
@versioned(Operation)
@requires(Permission.EDIT_WORKS)
def operation_create():
    """Create an operation; when it makes the envelope exceed a cap, only with "draft": true."""
    body = _read_body(field_names(OPERATION_INPUT))
    _check_bounds(body)
    op = services.create_operation(rules.clean_operation(body))
    return _operation_json(op), 201


@bp.route("/operations/<int:operation_id>", methods=["GET"])
@bp.doc(summary="Read an operation", responses={"200": ok(OPERATION)})
@versioned(Operation, "operation_id")
@requires(Permission.READ)
def operation(operation_id: int):
    """One operation with its phases and échéancier."""
    return _operation_json(get_or_404(Operation, operation_id))


@bp.route("/operations/<int:operation_id>", methods=["PATCH"])
@bp.doc(summary="Change an operation", requestBody=json_body(OPERATION_PATCH), responses={"200": ok(OPERATION)})
@versioned(Operation, "operation_id")
@requires(Permission.EDIT_WORKS)
def operation_update(operation_id: int):
    """Change an operation: a new start moves its phases and CP, a new AP is a new vote, "draft" confirms an
    overflow; on a voted operation "ap_eur" and "cp" are refused (422): use POST …/revisions."""
    op = get_or_404(Operation, operation_id)
    body = _read_body(field_names(OPERATION_PATCH))
    _check_bounds(body)
    services.update_operation(op, rules.clean_operation(body, partial=True, current=services.current_values(op)))
    return _operation_json(op)


@bp.route("/operations/<int:operation_id>/actuals", methods=["POST"])
@bp.doc(summary="Record a year's commitments and payments", requestBody=json_body(ACTUAL_INPUT),
        responses={"200": ok(OPERATION)})
@versioned(Operation, "operation_id")
@requires(Permission.EDIT_WORKS)
def operation_actuals(operation_id: int):
    """Create or replace one year's actuals; 422 when the commitments would exceed the AP or the payments that
    year's CP."""
    op = get_or_404(Operation, operation_id)
    services.set_actual(op, rules.clean_actual(_read_body(field_names(ACTUAL_INPUT))))
    return _operation_json(op)


@bp.route("/operations/<int:operation_id>/revisions", methods=["POST"])
@bp.doc(summary="Revise the AP with its new échéancier", requestBody=json_body(REVISION_INPUT),
        responses={"201": ok(OPERATION, "Revision recorded")})
@versioned(Operation, "operation_id")
@requires(Permission.EDIT_WORKS)
def operation_revision(operation_id: int):
    """Append a vote of the AP with its échéancier; 422 below what is committed or when the CP do not add up to
    the new AP."""
    op = get_or_404(Operation, operation_id)
    services.add_ap_revision(op, rules.clean_ap_revision(_read_body(field_names(REVISION_INPUT))))
    return _operation_json(op), 201


@bp.route("/operations/<int:operation_id>", methods=["DELETE"])
@bp.doc(summary="Delete an operation", responses={"204": {"description": "Deleted"}})
@versioned(Operation, "operation_id")
@requires(Permission.EDIT_WORKS)
def operation_delete(operation_id: int):
    """Delete an operation with its phases, AP votes, échéancier, actuals and savings."""
    services.delete_operation(get_or_404(Operation, operation_id))
    return "", 204

