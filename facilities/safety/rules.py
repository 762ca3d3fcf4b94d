"""The safety area's input rules, declared once for forms, API and imports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities.inventory.catalogue import codes
from facilities.safety.catalogue import (
    CHECK_RESULT_LABELS,
    CHECK_TYPE_LABELS,
    CONDITION_LABELS,
    CRITICALITY_LABELS,
    EQUIPMENT_CATEGORY_LABELS,
    FINDING_SEVERITY_LABELS,
    OPINION_LABELS,
)
from facilities.validation import MAX_ID, Check, Rule, ValidationError, clean

EARLIEST = date(1900, 1, 1)
MAX_LIFE_YEARS = 100


def today() -> date:
    return date.today()


def past_date(name: str, label, **options: Any) -> Rule:
    """A day that has happened: not before 1900, not after today."""
    return Rule(name, "date", label, minimum=EARLIEST, maximum=today, **options)


EQUIPMENT_RULES = (
    Rule("category", "choice", _l("Category"), required=True, choices=lambda: codes(EQUIPMENT_CATEGORY_LABELS)),
    Rule("name", "text", _l("Name"), required=True, max_length=200),
    Rule("make", "text", _l("Make"), max_length=120),
    Rule("model", "text", _l("Model"), max_length=120),
    Rule("serial_number", "text", _l("Serial number"), max_length=120),
    past_date("installed_on", _l("Installed on")),
    Rule("expected_life_years", "int", _l("Expected life (years)"), minimum=1, maximum=MAX_LIFE_YEARS),
    Rule("replacement_cost_eur", "money", _l("Replacement cost")),
    Rule("condition", "int", _l("Condition"), minimum=min(CONDITION_LABELS), maximum=max(CONDITION_LABELS)),
    past_date("condition_on", _l("Condition assessed on")),
    Rule("criticality", "choice", _l("Criticality"), choices=lambda: codes(CRITICALITY_LABELS)),
    Rule("notes", "text", _l("Notes"), max_length=2000),
    Rule("illustrative", "bool", _l("Illustrative (demo) record"), default=False),
)


def clean_equipment(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed equipment values (cost in cents) from raw input, or ValidationError."""
    values = clean(EQUIPMENT_RULES, raw, partial=partial)
    if "replacement_cost_eur" in values:
        values["replacement_cost_cents"] = values.pop("replacement_cost_eur")
    return values


# The filters of an equipment list (page and API).
EQUIPMENT_FILTER_RULES = (
    Rule("site_id", "int", _l("Site"), minimum=1, maximum=MAX_ID),
    Rule("building_id", "int", _l("Building"), minimum=1, maximum=MAX_ID),
    Rule("category", "choice", _l("Category"), choices=lambda: codes(EQUIPMENT_CATEGORY_LABELS)),
)


CHECK_RULES = (
    Rule("check_type", "choice", _l("Check"), required=True, choices=lambda: codes(CHECK_TYPE_LABELS)),
    past_date("done_on", _l("Done on"), required=True),
    Rule("body", "text", _l("Done by (body or technician)"), required=True, max_length=200),
    Rule("result", "choice", _l("Result"), required=True, choices=lambda: codes(CHECK_RESULT_LABELS)),
    Rule("notes", "text", _l("Notes"), max_length=2000),
    Rule("illustrative", "bool", _l("Illustrative (demo) record"), default=False),
)

FINDING_RULES = (
    Rule("description", "text", _l("Observation"), required=True, max_length=2000),
    Rule("severity", "choice", _l("Severity"), required=True, choices=lambda: codes(FINDING_SEVERITY_LABELS)),
    past_date("raised_on", _l("Raised on"), required=True),
    Rule("illustrative", "bool", _l("Illustrative (demo) record"), default=False),
)

LIFT_RULES = (
    past_date("lifted_on", _l("Lifted on"), required=True),
    Rule("lifted_evidence", "text", _l("Evidence (invoice, report, photo reference)"), required=True,
         max_length=2000),
)
# A change of a finding (API): its own fields, and its lifting (both or neither, see services.update_finding).
FINDING_PATCH_RULES = (*FINDING_RULES, *(replace(rule, required=False) for rule in LIFT_RULES))

# The filters of the check and finding lists (API).
CHECK_FILTER_RULES = (
    *EQUIPMENT_FILTER_RULES[:2],
    Rule("status", "choice", _l("Result"), choices=lambda: codes(CHECK_RESULT_LABELS)),
    Rule("due_before", "date", _l("Next check due before")),
)
FINDING_FILTER_RULES = (
    *EQUIPMENT_FILTER_RULES[:2],
    Rule("status", "choice", _l("Status"), choices=lambda: ["open", "lifted"]),
    Rule("severity", "choice", _l("Severity"), choices=lambda: codes(FINDING_SEVERITY_LABELS)),
)


def clean_check(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed values of a check done (a date in the future is refused), or ValidationError."""
    return clean(CHECK_RULES, raw, partial=partial)


def clean_finding(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed values of a finding, or ValidationError."""
    return clean(FINDING_RULES, raw, partial=partial)


def clean_finding_patch(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values of a change of a finding (its lifting included), or ValidationError."""
    return clean(FINDING_PATCH_RULES, raw, partial=True)


def clean_lift(raw: dict[str, Any], raised_on: date) -> dict[str, Any]:
    """The date and evidence that lift a finding raised on `raised_on`, or ValidationError."""
    def not_before(values: dict[str, Any]) -> dict[str, str]:
        if values["lifted_on"] < raised_on:
            return {"lifted_on": _("A finding cannot be lifted before it was raised (%(day)s)",
                                   day=raised_on.isoformat())}
        return {}

    return clean(LIFT_RULES, raw, checks=(Check(("lifted_on",), not_before),))


VISIT_RULES = (
    past_date("visited_on", _l("Visited on"), required=True),
    Rule("commission", "text", _l("Commission"), max_length=200),
    Rule("opinion", "choice", _l("Opinion"), required=True, choices=lambda: codes(OPINION_LABELS)),
    Rule("notes", "text", _l("Notes"), max_length=2000),
    Rule("illustrative", "bool", _l("Illustrative (demo) record"), default=False),
)
VISIT_FILTER_RULES = (
    *EQUIPMENT_FILTER_RULES[:2],
    Rule("status", "choice", _l("Opinion"), choices=lambda: codes(OPINION_LABELS)),
    Rule("due_before", "date", _l("Next visit due before")),
)
MAX_PRESCRIPTIONS = 50


def clean_visit(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed values of a commission visit (a visit in the future is refused), or ValidationError."""
    return clean(VISIT_RULES, raw, partial=partial)


def prescriptions(text: str | None) -> list[str]:
    """The commission's prescriptions typed one a line, each kept as a finding (at most MAX_PRESCRIPTIONS)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_PRESCRIPTIONS or any(len(line) > 2000 for line in lines):
        raise ValidationError({"prescriptions": _("At most %(n)s prescriptions of 2,000 characters each",
                                                  n=MAX_PRESCRIPTIONS)})
    return lines
