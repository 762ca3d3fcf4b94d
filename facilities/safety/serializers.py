"""JSON shapes of the safety area's records: the API's response schemas next to the serializers."""

from __future__ import annotations

from facilities.api.openapi import pick, response_schema
from facilities.api.schemas import ID, nullable
from facilities.api.serializers import iso
from facilities.money import money_json
from facilities.safety import rules
from facilities.safety.models import Check, Equipment, Finding, SafetyVisit
from facilities.safety.planning import PlannedCheck

_EQUIPMENT_FIELDS = ("category", "name", "make", "model", "serial_number", "installed_on", "expected_life_years",
                     "replacement_cost_eur", "condition", "condition_on", "criticality", "notes", "illustrative")
EQUIPMENT = response_schema(
    "Equipment", pick(rules.EQUIPMENT_RULES, *_EQUIPMENT_FIELDS),
    extra={"id": ID, "building_id": ID, "site_id": ID, "floor_id": nullable("integer"),
           "space_id": nullable("integer")},
    required=["id", "building_id", "site_id", "category", "name"])


def equipment_record(item: Equipment) -> dict:
    return {
        "id": item.id, "building_id": item.building_id, "site_id": item.building.site_id,
        "floor_id": item.floor_id, "space_id": item.space_id, "category": item.category, "name": item.name,
        "make": item.make, "model": item.model, "serial_number": item.serial_number,
        "installed_on": iso(item.installed_on), "expected_life_years": item.expected_life_years,
        "replacement_cost_eur": money_json(item.replacement_cost_cents), "condition": item.condition,
        "condition_on": iso(item.condition_on), "criticality": item.criticality, "notes": item.notes,
        "illustrative": item.illustrative,
    }


CHECK = response_schema(
    "Check", pick(rules.CHECK_RULES, "check_type", "done_on", "body", "result", "notes", "illustrative"),
    extra={"id": ID, "building_id": ID, "equipment_id": ID, "rule_id": nullable("integer"),
           "next_due_on": nullable("string", format="date"), "report": {
               "type": "object", "nullable": True, "description": "The report's download name and size; the file "
               "itself is served by the check's page (GET /checks/{id}/report) to signed-in readers.",
               "properties": {"name": {"type": "string"}, "bytes": {"type": "integer"}}}},
    required=["id", "building_id", "equipment_id", "check_type", "done_on", "result"])

FINDING = response_schema(
    "Finding", pick(rules.FINDING_PATCH_RULES, "description", "severity", "raised_on", "lifted_on", "lifted_evidence",
                    "illustrative"),
    extra={"id": ID, "building_id": ID, "check_id": nullable("integer"),
           "visit_id": nullable("integer"), "status": {"type": "string", "enum": ["open", "lifted"]}},
    required=["id", "building_id", "description", "severity", "raised_on", "status"])

COMPLIANCE = {"type": "object", "required": ["erp_category", "checks", "open_findings", "last_visit",
                                              "next_visit_due_on"], "properties": {
    "erp_category": nullable("integer"),
    "checks": {"type": "array", "items": {"type": "object", "required": [
        "check_type", "equipment_id", "last_done_on", "due_on", "status"], "properties": {
        "check_type": {"type": "string"}, "equipment_id": ID, "last_done_on": nullable("string", format="date"),
        "due_on": nullable("string", format="date"),
        "status": {"type": "string", "enum": ["ok", "due_soon", "overdue", "never_done"]}}}},
    "open_findings": {"type": "integer"},
    "last_visit": {"type": "object", "nullable": True, "properties": {
        "id": ID, "visited_on": {"type": "string", "format": "date"},
        "opinion": {"type": "string", "enum": ["favourable", "unfavourable"]}}},
    "next_visit_due_on": nullable("string", format="date")}}


def check_record(check: Check) -> dict:
    return {
        "id": check.id, "building_id": check.building_id, "equipment_id": check.equipment_id,
        "check_type": check.check_type, "done_on": iso(check.done_on), "body": check.body, "result": check.result,
        "notes": check.notes, "illustrative": check.illustrative, "rule_id": check.rule_id,
        "next_due_on": iso(check.next_due_on),
        "report": {"name": check.report_name, "bytes": check.report_bytes} if check.report_file else None,
    }


def finding_record(finding: Finding) -> dict:
    return {
        "id": finding.id, "building_id": finding.building_id, "check_id": finding.check_id,
        "visit_id": finding.visit_id,
        "description": finding.description, "severity": finding.severity, "raised_on": iso(finding.raised_on),
        "lifted_on": iso(finding.lifted_on), "lifted_evidence": finding.lifted_evidence,
        "status": "open" if finding.lifted_on is None else "lifted", "illustrative": finding.illustrative,
    }


def compliance(category: int | None, plan: list[PlannedCheck], open_findings: int, last_visit: dict | None,
               next_visit_due_on) -> dict:
    return {
        "erp_category": category,
        "checks": [{"check_type": p.check_type, "equipment_id": p.equipment_id, "last_done_on": iso(p.last_done_on),
                    "due_on": iso(p.due_on), "status": p.status} for p in plan],
        "open_findings": open_findings, "last_visit": last_visit, "next_visit_due_on": iso(next_visit_due_on),
    }


VISIT = response_schema(
    "SafetyVisit", pick(rules.VISIT_RULES, "visited_on", "commission", "opinion", "notes", "illustrative"),
    extra={"id": ID, "building_id": ID, "rule_id": nullable("integer"),
           "next_visit_due_on": nullable("string", format="date"),
           "prescriptions": {"type": "array", "items": ID, "description": "The findings raised by the visit."}},
    required=["id", "building_id", "visited_on", "opinion", "prescriptions"])


def visit_record(visit: SafetyVisit) -> dict:
    return {
        "id": visit.id, "building_id": visit.building_id, "visited_on": iso(visit.visited_on),
        "commission": visit.commission, "opinion": visit.opinion, "notes": visit.notes,
        "illustrative": visit.illustrative, "rule_id": visit.rule_id, "next_visit_due_on": iso(visit.next_visit_due_on),
        "prescriptions": [finding.id for finding in visit.prescriptions],
    }


def visit_summary(visit: SafetyVisit | None) -> dict | None:
    return None if visit is None else {"id": visit.id, "visited_on": iso(visit.visited_on), "opinion": visit.opinion}
