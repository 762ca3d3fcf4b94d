"""JSON shapes of the work requests: the API's response schemas next to the serializers."""

from __future__ import annotations

from facilities.api.openapi import pick, response_schema
from facilities.api.schemas import ID, nullable
from facilities.api.serializers import iso
from facilities.requests import rules
from facilities.requests.catalogue import STATUS_LABELS
from facilities.requests.models import Assignee, RequestComment, WorkRequest
from facilities.timeutil import as_aware

_COMMENT = {"type": "object", "required": ["id", "body", "created_at"], "properties": {
    "id": ID, "body": {"type": "string"}, "status": nullable("string", enum=[*STATUS_LABELS, None]),
    "for_requester": {"type": "boolean"}, "author_id": nullable("integer"),
    "created_at": {"type": "string", "format": "date-time"}}}

WORK_REQUEST = response_schema(
    "WorkRequest", [*pick(rules.REQUEST_RULES, "title", "description", "urgency", "illustrative"),
                    *pick(rules.TRIAGE_RULES, "priority", "due_on")],
    extra={"id": ID, "site_id": ID, "building_id": nullable("integer"), "floor_id": nullable("integer"),
           "space_id": nullable("integer"), "equipment_id": nullable("integer"), "finding_id": nullable("integer"),
           "requester_id": nullable("integer"), "assignee_id": nullable("integer"),
           "status": {"type": "string", "enum": list(STATUS_LABELS)}, "refusal_reason": nullable("string"),
           "late": {"type": "boolean"}, "has_photo": {"type": "boolean"},
           "created_at": {"type": "string", "format": "date-time"},
           "closed_at": nullable("string", format="date-time"),
           "comments": {"type": "array", "items": _COMMENT,
                        "description": "The comments the reader may see (a requester: those meant for them)."}},
    required=["id", "site_id", "title", "description", "urgency", "status", "created_at"])

ASSIGNEE = response_schema("RequestAssignee", rules.ASSIGNEE_RULES, extra={"id": ID, "active": {"type": "boolean"}},
                           required=["id", "kind", "name"])


def comment_record(comment: RequestComment) -> dict:
    return {"id": comment.id, "body": comment.body, "status": comment.status, "for_requester": comment.for_requester,
            "author_id": comment.author_id, "created_at": as_aware(comment.created_at).isoformat()}


def request_record(request: WorkRequest, today, comments: list[RequestComment] | None = None) -> dict:
    return {
        "id": request.id, "title": request.title, "description": request.description, "urgency": request.urgency,
        "site_id": request.site_id, "building_id": request.building_id, "floor_id": request.floor_id,
        "space_id": request.space_id, "equipment_id": request.equipment_id, "finding_id": request.finding_id,
        "requester_id": request.requester_id, "status": request.status, "priority": request.priority,
        "due_on": iso(request.due_on), "assignee_id": request.assignee_id, "refusal_reason": request.refusal_reason,
        "late": request.is_late(today), "has_photo": request.photo_file is not None,
        "created_at": as_aware(request.created_at).isoformat(),
        "closed_at": as_aware(request.closed_at).isoformat() if request.closed_at else None,
        "illustrative": request.illustrative,
        **({"comments": [comment_record(c) for c in comments]} if comments is not None else {}),
    }


def assignee_record(assignee: Assignee) -> dict:
    return {"id": assignee.id, "kind": assignee.kind, "name": assignee.name, "email": assignee.email,
            "active": assignee.active, "illustrative": assignee.illustrative}
