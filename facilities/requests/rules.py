"""The work requests' input rules and workflow, declared once for the forms, the API and the transitions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities.inventory.catalogue import codes
from facilities.requests.catalogue import PRIORITY_LABELS, STATUS_LABELS, URGENCY_LABELS
from facilities.validation import MAX_ID, JsonObject, Rule, ValidationError, clean

LOCATION_FIELDS = ("equipment_id", "space_id", "floor_id", "building_id", "site_id")  # most precise first

REQUEST_RULES = (
    Rule("title", "text", _l("Title"), required=True, max_length=200),
    Rule("description", "text", _l("Description"), required=True, max_length=5000),
    Rule("urgency", "choice", _l("Urgency"), required=True, choices=lambda: codes(URGENCY_LABELS)),
    Rule("illustrative", "bool", _l("Illustrative (demo) record"), default=False),
)
LOCATION_RULES = tuple(Rule(name, "int", label, minimum=1, maximum=MAX_ID) for name, label in (
    ("site_id", _l("Site")), ("building_id", _l("Building")), ("floor_id", _l("Floor")),
    ("space_id", _l("Space")), ("equipment_id", _l("Equipment"))))

COMMENT_RULES = (
    Rule("comment", "text", _l("Comment"), max_length=5000),
)
# What a facilities manager decides; the status moves through the transitions (TRANSITIONS) only.
TRIAGE_RULES = (
    Rule("priority", "choice", _l("Priority"), choices=lambda: codes(PRIORITY_LABELS)),
    Rule("due_on", "date", _l("Due on"), minimum=date(2000, 1, 1), maximum=date(2100, 12, 31)),
    Rule("assignee_id", "int", _l("Assigned to"), minimum=1, maximum=MAX_ID),
    *COMMENT_RULES,
    Rule("comment_for_requester", "bool", _l("Shown to the requester"), default=True),
)
TRANSITION_RULES = (
    Rule("to", "choice", _l("New status"), required=True, choices=lambda: codes(STATUS_LABELS)),
    Rule("reason", "text", _l("Reason"), max_length=2000),
)
FILTER_RULES = (
    Rule("site_id", "int", _l("Site"), minimum=1, maximum=MAX_ID),
    Rule("status", "choice", _l("Status"), choices=lambda: codes(STATUS_LABELS)),
    Rule("priority", "choice", _l("Priority"), choices=lambda: codes(PRIORITY_LABELS)),
    Rule("late", "bool", _l("Late only")),
    Rule("mine", "bool", _l("Mine only")),
)

# The workflow, in one table: (from, to) -> who may move it ("triage": a facilities manager; "owner": the
# person who raised it). Anything else skips the workflow and is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("new", "assigned"): "triage",
    ("new", "refused"): "triage",
    ("new", "cancelled"): "owner",
    ("assigned", "in_progress"): "triage",
    ("assigned", "done"): "triage",
    ("assigned", "refused"): "triage",
    ("in_progress", "done"): "triage",
    ("done", "closed"): "triage",
    ("done", "in_progress"): "triage",  # reopened: the work was not finished
}


def next_statuses(status: str, *, triage: bool, owner: bool) -> list[str]:
    """The statuses one may move a request to from `status`, in the catalogue's order."""
    allowed = {to for (frm, to), who in TRANSITIONS.items()
               if frm == status and ((who == "triage" and triage) or (who == "owner" and owner))}
    return [code for code in STATUS_LABELS if code in allowed]


def clean_request(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values of a new request, its place included (exactly one of the location fields), or
    ValidationError."""
    kind = type(raw) if isinstance(raw, JsonObject) else dict  # JSON values keep their types (no "yes" for true)
    values = clean(REQUEST_RULES, kind((key, value) for key, value in raw.items() if key not in LOCATION_FIELDS))
    location = clean(LOCATION_RULES, kind((key, raw[key]) for key in LOCATION_FIELDS if key in raw))
    given = [name for name in LOCATION_FIELDS if location.get(name) is not None]
    if not given:
        raise ValidationError({"location": _("Say where: a site, a building, a floor, a space or an item of "
                                             "equipment")})
    if len(given) > 1:
        raise ValidationError({"location": _("Give one place only (the most precise one)")})
    values["location"] = (given[0], location[given[0]])
    return values


def clean_triage(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values of a triage (only the fields given), or ValidationError."""
    return clean(TRIAGE_RULES, raw, partial=True)


def clean_transition(raw: dict[str, Any]) -> dict[str, Any]:
    """The status asked for and its reason (required to refuse), or ValidationError."""
    values = clean(TRANSITION_RULES, raw)
    if values["to"] == "refused" and not values.get("reason"):
        raise ValidationError({"reason": _("Say why the request is refused")})
    return values


def check_transition(status: str, to: str, *, triage: bool, owner: bool) -> str:
    """Who moves a request from `status` to `to` ("triage" or "owner"), or ValidationError when the workflow does
    not go there or this person may not."""
    who = TRANSITIONS.get((status, to))
    if who is None:
        allowed = ", ".join(str(STATUS_LABELS[code]) for code in next_statuses(status, triage=True, owner=True))
        raise ValidationError({"to": _("A request %(status)s cannot become %(to)s (next: %(allowed)s)",
                                       status=STATUS_LABELS[status], to=STATUS_LABELS.get(to, to),
                                       allowed=allowed or _("none"))})
    if (who == "triage" and not triage) or (who == "owner" and not owner):
        raise PermissionError(who)
    return who


def response_days(priority: str) -> int:
    """Days to answer a request of this priority (REQUEST_RESPONSE_DAYS)."""
    return int(current_app.config["REQUEST_RESPONSE_DAYS"][priority])


def due_date(created: date, priority: str) -> date:
    """The due date of a request: the day it was raised plus its priority's response time."""
    return created + timedelta(days=response_days(priority))


def check_due_date(due_on: date, created: date) -> None:
    """A due date before the request was raised is refused."""
    if due_on < created:
        raise ValidationError({"due_on": _("The due date cannot be before the request was raised (%(day)s)",
                                           day=created.isoformat())})


ASSIGNEE_RULES = (
    Rule("kind", "choice", _l("Kind"), required=True, choices=lambda: ["contractor", "team"]),
    Rule("name", "text", _l("Name"), required=True, max_length=200),
    Rule("email", "text", _l("Email"), max_length=254, pattern=r"[^@\s]+@[^@\s]+\.[A-Za-z0-9-]+",
         pattern_message=_l("Email must be an address such as name@example.fr")),
    Rule("illustrative", "bool", _l("Illustrative (demo) record"), default=False),
)


def clean_assignee(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values of a contractor or team, or ValidationError."""
    return clean(ASSIGNEE_RULES, raw)
