"""JSON API v1 of the safety area: equipment, checks and findings (list, read, create, PATCH, delete), compliance.

The same rules (facilities.safety.rules) and services validate and write as the pages; the OpenAPI description
of each request body is generated from those rules.
"""

from __future__ import annotations

from flask_babel import gettext as _

from facilities.api.common import (
    ID_SCHEMA,
    PAGE_PARAMETERS,
    get_or_404,
    json_object,
    paginated,
    referenced,
    register_api_error_handlers,
    rule_args,
    rule_parameters,
    sort_parameter,
    sorted_query,
    versioned,
)
from facilities.api.openapi import ApiBlueprint, field_names, json_body, rules_schema
from facilities.api.schemas import nullable, ok, page_of
from facilities.inventory import erp
from facilities.inventory.models import Building
from facilities.permissions import Permission, requires
from facilities.safety import rules, serializers, services
from facilities.safety.models import Check, Equipment, Finding, SafetyVisit
from facilities.safety.serializers import (
    CHECK,
    COMPLIANCE,
    EQUIPMENT,
    FINDING,
    VISIT,
    check_record,
    equipment_record,
    finding_record,
    visit_record,
)
from facilities.validation import ValidationError

bp = ApiBlueprint("safety_api", __name__, description="Safety: technical equipment of the buildings.")
register_api_error_handlers(bp)

EQUIPMENT_SORT = {"id": Equipment.id, "name": Equipment.name, "category": Equipment.category,
                  "installed_on": Equipment.installed_on}
_PLACE = {"floor_id": nullable("integer", minimum=1), "space_id": nullable("integer", minimum=1)}
EQUIPMENT_INPUT = rules_schema("EquipmentInput", rules.EQUIPMENT_RULES, extra={"building_id": ID_SCHEMA, **_PLACE},
                               required_extra=["building_id"])
EQUIPMENT_PATCH = rules_schema("EquipmentPatch", rules.EQUIPMENT_RULES, partial=True, extra=_PLACE)


def _record(item_id: int) -> dict:
    return equipment_record(get_or_404(Equipment, item_id))


@bp.route("/equipment", methods=["GET"])
@bp.doc(summary="List equipment", parameters=[*rule_parameters(rules.EQUIPMENT_FILTER_RULES), *PAGE_PARAMETERS,
                                              sort_parameter(EQUIPMENT_SORT)],
        responses={"200": ok(page_of(EQUIPMENT))})
@requires(Permission.READ)
def equipment_list():
    """Equipment, optionally of one site, one building or one category."""
    query = services.equipment_query(rule_args(rules.EQUIPMENT_FILTER_RULES))
    return paginated(sorted_query(query, EQUIPMENT_SORT, "id", Equipment.id), equipment_record)


@bp.route("/equipment", methods=["POST"])
@bp.doc(summary="Record an item of equipment", requestBody=json_body(EQUIPMENT_INPUT),
        responses={"201": ok(EQUIPMENT, "Created")})
@versioned(Equipment)
@requires(Permission.EDIT_SAFETY)
def create_equipment():
    """Record an item of equipment in a building, optionally on a floor or in a space."""
    body = json_object(field_names(EQUIPMENT_INPUT))
    building = referenced(Building, body.pop("building_id", None), "building_id")
    floor, space = services.locate(building, body.pop("floor_id", None), body.pop("space_id", None))
    item = services.create_equipment(building, rules.clean_equipment(body), floor, space)
    return equipment_record(item), 201


@bp.route("/equipment/<int:item_id>", methods=["GET"])
@bp.doc(summary="Read an item of equipment", responses={"200": ok(EQUIPMENT)})
@versioned(Equipment, "item_id")
@requires(Permission.READ)
def equipment(item_id: int):
    """One item of equipment."""
    return _record(item_id)


@bp.route("/equipment/<int:item_id>", methods=["PATCH"])
@bp.doc(summary="Change an item of equipment", requestBody=json_body(EQUIPMENT_PATCH),
        responses={"200": ok(EQUIPMENT)})
@versioned(Equipment, "item_id")
@requires(Permission.EDIT_SAFETY)
def update_equipment(item_id: int):
    """Change some fields of an item of equipment (its floor or space within its building too)."""
    item = get_or_404(Equipment, item_id)
    body = json_object(field_names(EQUIPMENT_PATCH))
    location = None
    if "floor_id" in body or "space_id" in body:
        # A new floor alone leaves the space; a new space alone brings its floor (no space: the floor stays).
        space_raw = body.pop("space_id", None)
        floor_raw = body.pop("floor_id") if "floor_id" in body else (item.floor_id if space_raw is None else None)
        location = services.locate(item.building, floor_raw, space_raw)
    services.update_equipment(item, rules.clean_equipment(body, partial=True), location)
    return _record(item_id)


@bp.route("/equipment/<int:item_id>", methods=["DELETE"])
@bp.doc(summary="Delete an item of equipment", responses={"204": {"description": "Deleted"}})
@versioned(Equipment, "item_id")
@requires(Permission.EDIT_SAFETY)
def delete_equipment(item_id: int):
    """Remove an item of equipment."""
    services.delete_equipment(get_or_404(Equipment, item_id))
    return "", 204


# ---------------------------------------------------------------- checks

CHECK_SORT = {"id": Check.id, "done_on": Check.done_on, "next_due_on": Check.next_due_on}
CHECK_INPUT = rules_schema("CheckInput", rules.CHECK_RULES, extra={"equipment_id": ID_SCHEMA},
                           required_extra=["equipment_id"])
CHECK_PATCH = rules_schema("CheckPatch", rules.CHECK_RULES, partial=True)


@bp.route("/checks", methods=["GET"])
@bp.doc(summary="List checks done", parameters=[*rule_parameters(rules.CHECK_FILTER_RULES), *PAGE_PARAMETERS,
                                                sort_parameter(CHECK_SORT)],
        responses={"200": ok(page_of(CHECK))})
@requires(Permission.READ)
def checks():
    """Checks done, optionally of one site or building, with one result (status), or whose next is due before a
    day (due_before)."""
    query = services.check_query(rule_args(rules.CHECK_FILTER_RULES))
    return paginated(sorted_query(query, CHECK_SORT, "id", Check.id), check_record)


@bp.route("/checks", methods=["POST"])
@bp.doc(summary="Record a check done", requestBody=json_body(CHECK_INPUT), responses={"201": ok(CHECK, "Created")})
@versioned(Check)
@requires(Permission.EDIT_SAFETY)
def create_check():
    """Record a check done on an item of equipment (its report is uploaded on the check's page)."""
    body = json_object(field_names(CHECK_INPUT))
    item = referenced(Equipment, body.pop("equipment_id", None), "equipment_id")
    return check_record(services.record_check(item, rules.clean_check(body))), 201


@bp.route("/checks/<int:check_id>", methods=["GET"])
@bp.doc(summary="Read a check", responses={"200": ok(CHECK)})
@versioned(Check, "check_id")
@requires(Permission.READ)
def check(check_id: int):
    """One check done, with its next due date."""
    return check_record(get_or_404(Check, check_id))


@bp.route("/checks/<int:check_id>", methods=["PATCH"])
@bp.doc(summary="Change a check", requestBody=json_body(CHECK_PATCH), responses={"200": ok(CHECK)})
@versioned(Check, "check_id")
@requires(Permission.EDIT_SAFETY)
def update_check(check_id: int):
    """Change some fields of a check; its next due date follows."""
    found = get_or_404(Check, check_id)
    services.update_check(found, rules.clean_check(json_object(field_names(CHECK_PATCH)), partial=True))
    return check_record(found)


@bp.route("/checks/<int:check_id>", methods=["DELETE"])
@bp.doc(summary="Delete a check", responses={"204": {"description": "Deleted"}})
@versioned(Check, "check_id")
@requires(Permission.EDIT_SAFETY)
def delete_check(check_id: int):
    """Remove a check, its findings and its report."""
    services.delete_check(get_or_404(Check, check_id))
    return "", 204


# ---------------------------------------------------------------- findings

FINDING_SORT = {"id": Finding.id, "raised_on": Finding.raised_on, "severity": Finding.severity}
FINDING_INPUT = rules_schema("FindingInput", rules.FINDING_RULES,
                             extra={"building_id": ID_SCHEMA, "check_id": nullable("integer", minimum=1)},
                             required_extra=["building_id"])
FINDING_PATCH = rules_schema("FindingPatch", rules.FINDING_PATCH_RULES, partial=True)


@bp.route("/findings", methods=["GET"])
@bp.doc(summary="List findings", parameters=[*rule_parameters(rules.FINDING_FILTER_RULES), *PAGE_PARAMETERS,
                                             sort_parameter(FINDING_SORT)],
        responses={"200": ok(page_of(FINDING))})
@requires(Permission.READ)
def findings():
    """Findings, optionally of one site or building, open or lifted (status), of one severity."""
    query = services.finding_query(rule_args(rules.FINDING_FILTER_RULES))
    return paginated(sorted_query(query, FINDING_SORT, "id", Finding.id), finding_record)


@bp.route("/findings", methods=["POST"])
@bp.doc(summary="Record a finding", requestBody=json_body(FINDING_INPUT), responses={"201": ok(FINDING, "Created")})
@versioned(Finding)
@requires(Permission.EDIT_SAFETY)
def create_finding():
    """Record an observation of a building, or of one of its checks (check_id), to follow until lifted."""
    body = json_object(field_names(FINDING_INPUT))
    building = referenced(Building, body.pop("building_id", None), "building_id")
    check_id = body.pop("check_id", None)
    found_check = referenced(Check, check_id, "check_id") if check_id is not None else None
    if found_check is not None and found_check.building_id != building.id:
        raise ValidationError({"check_id": _("This check is not of building %(code)s", code=building.code)})
    return finding_record(services.raise_finding(building, rules.clean_finding(body), found_check)), 201


@bp.route("/findings/<int:finding_id>", methods=["GET"])
@bp.doc(summary="Read a finding", responses={"200": ok(FINDING)})
@versioned(Finding, "finding_id")
@requires(Permission.READ)
def finding(finding_id: int):
    """One finding and its follow-up."""
    return finding_record(get_or_404(Finding, finding_id))


@bp.route("/findings/<int:finding_id>", methods=["PATCH"])
@bp.doc(summary="Change or lift a finding", requestBody=json_body(FINDING_PATCH), responses={"200": ok(FINDING)})
@versioned(Finding, "finding_id")
@requires(Permission.EDIT_SAFETY)
def update_finding(finding_id: int):
    """Change a finding, or lift it (lifted_on and lifted_evidence, on or after the day it was raised)."""
    found = get_or_404(Finding, finding_id)
    services.update_finding(found, rules.clean_finding_patch(json_object(field_names(FINDING_PATCH))))
    return finding_record(found)


@bp.route("/findings/<int:finding_id>", methods=["DELETE"])
@bp.doc(summary="Delete a finding", responses={"204": {"description": "Deleted"}})
@versioned(Finding, "finding_id")
@requires(Permission.EDIT_SAFETY)
def delete_finding(finding_id: int):
    """Remove a finding."""
    services.delete_finding(get_or_404(Finding, finding_id))
    return "", 204


# ---------------------------------------------------------------- compliance


@bp.route("/buildings/<int:building_id>/compliance", methods=["GET"])
@bp.doc(summary="A building's compliance", responses={"200": ok(COMPLIANCE)})
@requires(Permission.READ)
def compliance(building_id: int):
    """A building's ERP category, its planned checks with their status, open findings and commission visits."""
    building = get_or_404(Building, building_id)
    last = services.last_visits([building.id]).get(building.id)
    return serializers.compliance(erp.building_category(building).category, services.building_plan(building),
                                  len(services.open_findings([building.id])), serializers.visit_summary(last),
                                  last.next_visit_due_on if last else None)


# ---------------------------------------------------------------- safety commission visits

VISIT_SORT = {"id": SafetyVisit.id, "visited_on": SafetyVisit.visited_on,
              "next_visit_due_on": SafetyVisit.next_visit_due_on}
_PRESCRIPTIONS = {"type": "array", "maxItems": rules.MAX_PRESCRIPTIONS,
                  "items": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"^[^\x00]*\S[^\x00]*$"},
                  "description": "The commission's prescriptions, each recorded as a major finding of the visit."}
VISIT_INPUT = rules_schema("SafetyVisitInput", rules.VISIT_RULES,
                           extra={"building_id": ID_SCHEMA, "prescriptions": _PRESCRIPTIONS},
                           required_extra=["building_id"])
VISIT_PATCH = rules_schema("SafetyVisitPatch", rules.VISIT_RULES, partial=True)


@bp.route("/safety-visits", methods=["GET"])
@bp.doc(summary="List safety commission visits", parameters=[*rule_parameters(rules.VISIT_FILTER_RULES),
                                                             *PAGE_PARAMETERS, sort_parameter(VISIT_SORT)],
        responses={"200": ok(page_of(VISIT))})
@requires(Permission.READ)
def visits():
    """Commission visits, optionally of one site or building, with one opinion (status), or whose next visit is
    due before a day (due_before)."""
    query = services.visit_query(rule_args(rules.VISIT_FILTER_RULES))
    return paginated(sorted_query(query, VISIT_SORT, "id", SafetyVisit.id), visit_record)


@bp.route("/safety-visits", methods=["POST"])
@bp.doc(summary="Record a safety commission visit", requestBody=json_body(VISIT_INPUT),
        responses={"201": ok(VISIT, "Created")})
@versioned(SafetyVisit)
@requires(Permission.EDIT_SAFETY)
def create_visit():
    """Record a visit of the safety commission with its opinion and prescriptions; the next visit follows."""
    body = json_object(field_names(VISIT_INPUT))
    building = referenced(Building, body.pop("building_id", None), "building_id")
    raw = body.pop("prescriptions", None) or []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValidationError({"prescriptions": _("must be a list of texts")})
    found = rules.prescriptions("\n".join(item.replace("\n", " ") for item in raw))
    return visit_record(services.record_visit(building, rules.clean_visit(body), found)), 201


@bp.route("/safety-visits/<int:visit_id>", methods=["GET"])
@bp.doc(summary="Read a safety commission visit", responses={"200": ok(VISIT)})
@versioned(SafetyVisit, "visit_id")
@requires(Permission.READ)
def visit(visit_id: int):
    """One commission visit, with the ids of its prescriptions (findings)."""
    return visit_record(get_or_404(SafetyVisit, visit_id))


@bp.route("/safety-visits/<int:visit_id>", methods=["PATCH"])
@bp.doc(summary="Change a safety commission visit", requestBody=json_body(VISIT_PATCH), responses={"200": ok(VISIT)})
@versioned(SafetyVisit, "visit_id")
@requires(Permission.EDIT_SAFETY)
def update_visit(visit_id: int):
    """Change some fields of a visit; its next visit follows."""
    found = get_or_404(SafetyVisit, visit_id)
    services.update_visit(found, rules.clean_visit(json_object(field_names(VISIT_PATCH)), partial=True))
    return visit_record(found)


@bp.route("/safety-visits/<int:visit_id>", methods=["DELETE"])
@bp.doc(summary="Delete a safety commission visit", responses={"204": {"description": "Deleted"}})
@versioned(SafetyVisit, "visit_id")
@requires(Permission.EDIT_SAFETY)
def delete_visit(visit_id: int):
    """Remove a visit and its prescriptions."""
    services.delete_visit(get_or_404(SafetyVisit, visit_id))
    return "", 204
