"""Audit API: the recorded changes of one record. Read-only by design."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from facilities.api.common import query_parameter
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
WHOLE = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
PARAMETERS = [
    query_parameter("entity", {"type": "string", "maxLength": 40}, "site, building, floor, space, …; with id"),
    query_parameter("id", WHOLE, "The record's id; with entity"),
    query_parameter("building_id", WHOLE, "A building: its changes and those of its floors and spaces"),
    query_parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
    query_parameter("offset", WHOLE),
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


def _whole_number(name: str, default: int | None, minimum: int, maximum: int) -> int | None:
    """A query parameter as a whole number within [minimum, maximum]; ValueError(name) otherwise."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if len(raw) > 18 or not (raw.strip().isascii() and raw.strip().isdigit()):
        raise ValueError(name)
    number = int(raw)
    if number > maximum:  # an id beyond what an INTEGER column holds: PostgreSQL would refuse the query
        raise ValueError(name)
    return max(number, minimum)


@bp.route("/audit", methods=["GET"])
@bp.doc(summary="The audit trail of a record or of a building", parameters=PARAMETERS,
        responses={"200": ok(ENTRIES), **problems(400)})
@requires(Permission.READ)
def audit_entries():
    """Changes of one record (`entity` and `id`) or of a building and its contents (`building_id`), newest first."""
    entity = (request.args.get("entity") or "").strip()
    try:
        entity_id = _whole_number("id", None, 0, MAX_ID)
        building_id = _whole_number("building_id", None, 0, MAX_ID)
        limit = min(_whole_number("limit", 100, 1, 10**18), MAX_PAGE_SIZE)
        offset = _whole_number("offset", 0, 0, MAX_ID)
    except ValueError as error:
        return problem(400, _("%(name)s must be a whole number from 0 to %(max)s", name=error.args[0], max=MAX_ID),
                       errors={error.args[0]: _("must be a whole number from 0 to %(max)s", max=MAX_ID)})
    if building_id is not None and not entity:
        query = services.building_history_query(building_id)
    else:
        errors = {}
        if entity not in audited_entities():
            errors["entity"] = _("must be one of: %(choices)s", choices=", ".join(audited_entities()))
        if entity_id is None:
            errors["id"] = _("is required")
        if errors:
            return problem(400, _("Give entity and id, or building_id."), errors=errors)
        query = services.entity_history_query(entity, entity_id)
    entries = db.session.execute(query.limit(limit).offset(offset)).scalars().all()
    return jsonify(items=[services.serialize(entry) for entry in entries], limit=limit, offset=offset)
