"""Audit API: the recorded changes of one record. Read-only by design."""

from __future__ import annotations

from flask import jsonify

from facilities.api.common import BadRequest, choice_arg, id_arg, query_parameter, whole_number_arg
from facilities.api.openapi import ApiBlueprint, problems
from facilities.api.schemas import nullable, ok
from facilities.audit import services
from facilities.errors import problem
from facilities.extensions import db
from facilities.permissions import Permission, requires
from facilities.trail.recorder import audited_entities
from facilities.validation import MAX_ID

bp = ApiBlueprint("audit_api", __name__, description="Audit trail: who changed what, when, from which value.")

MAX_PAGE_SIZE = 500
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _parameters() -> list[dict]:
    """The filters, each optional and combined with AND; every bound the endpoint enforces is stated."""
    return [
        query_parameter("entity", {"type": "string", "enum": sorted(audited_entities())}, "The kind of record"),
        query_parameter("id", ID, "The record's id (with entity: that record)"),
        query_parameter("building_id", ID, "A building: its changes and those of its floors and spaces"),
        query_parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 100}),
        query_parameter("offset", {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0}),
    ]


ENTRY = {"type": "object", "required": ["id", "at", "actor", "source", "action", "entity", "entity_id", "changes"],
         "properties": {
             "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "actor": {"type": "string"},
             "actor_id": nullable("integer"), "source": {"type": "string"}, "action": {"type": "string"},
             "entity": {"type": "string"}, "entity_id": {"type": "integer"}, "label": nullable("string"),
             "building_id": nullable("integer"),
             "changes": {"type": "object", "description": "{field: {old, new}}"}}}
ENTRIES = {"type": "object", "required": ["items", "limit", "offset"], "properties": {
    "items": {"type": "array", "items": ENTRY}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


@bp.route("/audit", methods=["GET"])
@bp.doc(summary="The audit trail, filtered by record and/or building", parameters=_parameters(),
        responses={"200": ok(ENTRIES), **problems(400)})
@requires(Permission.READ)
def audit_entries():
    """Changes, newest first: of one record (`entity` and `id`), of a kind of record, of a building and its
    contents (`building_id`); the filters combine."""
    try:
        entity = choice_arg("entity", sorted(audited_entities()))
        entity_id = id_arg("id")
        building_id = id_arg("building_id")
        limit, offset = whole_number_arg("limit", 1, MAX_PAGE_SIZE), whole_number_arg("offset", 0, MAX_ID)
    except BadRequest as error:
        return problem(400, error.detail, errors=error.errors)
    query = services.history_query(entity=entity, entity_id=entity_id, building_id=building_id)
    limit, offset = limit or 100, offset or 0
    entries = db.session.execute(query.limit(limit).offset(offset)).scalars().all()
    return jsonify(items=[services.serialize(entry) for entry in entries], limit=limit, offset=offset)
