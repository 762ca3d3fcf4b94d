"""JSON API v1 of the work requests: list, read, raise, PATCH (triage or comment), transitions; the list of
contractors and teams; the sites a user is assigned to.

The same rules (facilities.requests.rules) and services validate and write as the pages. A requester reads and
changes only their own requests: another's answers 404, as one that does not exist.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from facilities.api.common import (
    ID_SCHEMA,
    PAGE_PARAMETERS,
    check_if_match,
    get_or_404,
    json_object,
    paginated,
    register_api_error_handlers,
    rule_args,
    rule_parameters,
    sort_parameter,
    sorted_query,
    versioned,
)
from facilities.api.openapi import ApiBlueprint, field_names, json_body, rules_schema
from facilities.api.schemas import ok, page_of
from facilities.auth.models import User
from facilities.permissions import Permission, requires
from facilities.requests import rules, services
from facilities.requests.catalogue import STATUS_LABELS
from facilities.requests.models import Assignee, WorkRequest
from facilities.requests.serializers import ASSIGNEE, WORK_REQUEST, assignee_record, request_record
from facilities.timeutil import paris_today
from facilities.validation import ValidationError

bp = ApiBlueprint("requests_api", __name__, description="Work requests: raised, triaged, followed until closed.")
register_api_error_handlers(bp)


@bp.errorhandler(services.NotAllowed)
def not_allowed(_error):
    from facilities.errors import problem
    from facilities.extensions import db

    db.session.rollback()
    return problem(403, _("You may not do this to this request. Nothing was saved."))


SORT = {"id": WorkRequest.id, "created_at": WorkRequest.created_at, "due_on": WorkRequest.due_on,
        "priority": WorkRequest.priority, "status": WorkRequest.status}
_LOCATION = {name: ID_SCHEMA for name in rules.LOCATION_FIELDS}
REQUEST_INPUT = rules_schema(
    "WorkRequestInput", rules.REQUEST_RULES, extra=_LOCATION,
    ties=[{"oneOf": [{"required": [name]} for name in rules.LOCATION_FIELDS],
           "description": "Exactly one place: a site, a building, a floor, a space or an item of equipment."}])
REQUEST_PATCH = rules_schema("WorkRequestPatch", rules.TRIAGE_RULES, partial=True, extra={"status": {
    "type": "string", "enum": ["cancelled"],
    "description": "Its requester cancels a new request (any other change of status: POST …/transitions)."}})
_REFUSED_NEEDS_REASON = {"anyOf": [
    {"properties": {"to": {"type": "string", "enum": [code for code in STATUS_LABELS if code != "refused"]}}},
    {"required": ["reason"], "properties": {"reason": {"type": "string", "pattern": r"\S"}}}]}
TRANSITION_INPUT = rules_schema("WorkRequestTransition", rules.TRANSITION_RULES, ties=[_REFUSED_NEEDS_REASON])


def _visible(work_request_id: int) -> WorkRequest:
    found = services.load_visible(current_user, work_request_id) if 0 < work_request_id <= 2**31 - 1 else None
    if found is None:
        abort(404)
    return found


def _record(request: WorkRequest) -> dict:
    return request_record(request, paris_today(), services.comments_for(current_user, request))


@bp.route("/work-requests", methods=["GET"])
@bp.doc(summary="List work requests", parameters=[*rule_parameters(rules.FILTER_RULES), *PAGE_PARAMETERS,
                                                  sort_parameter(SORT)],
        responses={"200": ok(page_of(WORK_REQUEST))})
@requires(Permission.RAISE_REQUESTS)
def work_requests():
    """Work requests the reader may see (a requester: their own), by site, status, priority, late or mine."""
    query = services.request_query(current_user, rule_args(rules.FILTER_RULES))
    today = paris_today()
    return paginated(sorted_query(query, SORT, "-id", WorkRequest.id), lambda item: request_record(item, today))


@bp.route("/work-requests", methods=["POST"])
@bp.doc(summary="Raise a work request", requestBody=json_body(REQUEST_INPUT),
        responses={"201": ok(WORK_REQUEST, "Created")})
@versioned(WorkRequest)
@requires(Permission.RAISE_REQUESTS)
def create_work_request():
    """Raise a request on one place (site_id, building_id, floor_id, space_id or equipment_id); the photo is
    added on the request's page."""
    body = json_object(field_names(REQUEST_INPUT))
    for name in rules.LOCATION_FIELDS:
        if name in body and body[name] is None:
            raise ValidationError({name: _("must be the id of a place")})
    created = services.raise_request(current_user, rules.clean_request(body))
    return _record(created), 201


@bp.route("/work-requests/<int:work_request_id>", methods=["GET"])
@bp.doc(summary="Read a work request", responses={"200": ok(WORK_REQUEST)})
@requires(Permission.RAISE_REQUESTS)
def work_request(work_request_id: int):
    """One request with the comments the reader may see."""
    found = _visible(work_request_id)
    response = _etagged(_record(found), found)
    return response


def _etagged(body: dict, found: WorkRequest):
    from flask import current_app

    from facilities.api.common import etag_value
    from facilities.extensions import db

    db.session.flush()
    response = current_app.make_response(body)
    response.set_etag(etag_value(found), weak=True)
    return response


@bp.route("/work-requests/<int:work_request_id>", methods=["PATCH"])
@bp.doc(summary="Triage or comment a work request", requestBody=json_body(REQUEST_PATCH),
        responses={"200": ok(WORK_REQUEST)})
@requires(Permission.RAISE_REQUESTS)
def update_work_request(work_request_id: int):
    """A facilities manager sets the priority (the due date follows unless given), the due date, the assignee
    and comments; a requester may only comment their own request, or cancel it while it is new (status
    "cancelled"). Other changes of status go through …/transitions."""
    found = _visible(work_request_id)
    check_if_match(WorkRequest, work_request_id)
    body = json_object(field_names(REQUEST_PATCH))
    cancel = "status" in body
    if cancel and body.pop("status") != "cancelled":
        raise ValidationError({"status": _("Only a cancellation is written here; other changes of status go "
                                           "through …/transitions")})
    values = rules.clean_triage(body)
    if values:
        services.triage(found, current_user, values)
    if cancel:
        services.transition(found, current_user, "cancelled")
    return _etagged(_record(found), found)


@bp.route("/work-requests/<int:work_request_id>/transitions", methods=["POST"])
@bp.doc(summary="Move a work request along its workflow", requestBody=json_body(TRANSITION_INPUT),
        responses={"200": ok(WORK_REQUEST)})
@requires(Permission.RAISE_REQUESTS)
def transition(work_request_id: int):
    """Change the status: new → assigned | refused (reason) | cancelled (its requester), assigned → in progress
    | done | refused, in progress → done, done → closed | in progress. Anything else is refused (422)."""
    found = _visible(work_request_id)
    check_if_match(WorkRequest, work_request_id)
    values = rules.clean_transition(json_object(field_names(TRANSITION_INPUT)))
    services.transition(found, current_user, values["to"], values.get("reason"))
    return _etagged(_record(found), found)


# ---------------------------------------------------------------- contractors and teams

ASSIGNEE_INPUT = rules_schema("RequestAssigneeInput", rules.ASSIGNEE_RULES)


@bp.route("/request-assignees", methods=["GET"])
@bp.doc(summary="List the contractors and teams requests are assigned to", parameters=PAGE_PARAMETERS,
        responses={"200": ok(page_of(ASSIGNEE))})
@requires(Permission.TRIAGE_REQUESTS)
def assignees():
    """The contractors and in-house teams of the list."""
    from sqlalchemy import select

    return paginated(select(Assignee).order_by(Assignee.kind, Assignee.name, Assignee.id), assignee_record)


@bp.route("/request-assignees", methods=["POST"])
@bp.doc(summary="Add a contractor or a team", requestBody=json_body(ASSIGNEE_INPUT),
        responses={"201": ok(ASSIGNEE, "Created")})
@requires(Permission.TRIAGE_REQUESTS)
def create_assignee():
    """Add a contractor or an in-house team (its e-mail receives the assignments)."""
    body = json_object(field_names(ASSIGNEE_INPUT))
    return assignee_record(services.create_assignee(rules.clean_assignee(body))), 201


# ---------------------------------------------------------------- the sites of a user

USER_SITES = {"type": "object", "required": ["site_ids"], "properties": {
    "site_ids": {"type": "array", "items": ID_SCHEMA, "maxItems": 1000, "uniqueItems": True}}}
USER_SITES_INPUT = rules_schema("UserSitesInput", (), extra={"site_ids": USER_SITES["properties"]["site_ids"]},
                                required_extra=["site_ids"])


@bp.route("/users/<int:user_id>/sites", methods=["GET"])
@bp.doc(summary="The sites a user is assigned to", responses={"200": ok(USER_SITES)})
@requires(Permission.MANAGE_USERS)
def user_sites(user_id: int):
    """The sites a user is assigned to (a requester raises requests on them and reads their pages)."""
    return {"site_ids": sorted(get_or_404(User, user_id).site_ids)}


@bp.route("/users/<int:user_id>/sites", methods=["PUT"])
@bp.doc(summary="Assign a user to sites", requestBody=json_body(USER_SITES_INPUT), responses={"200": ok(USER_SITES)})
@requires(Permission.MANAGE_USERS)
def set_user_sites(user_id: int):
    """Replace the sites a user is assigned to."""
    user = get_or_404(User, user_id)
    raw = json_object(field_names(USER_SITES_INPUT)).get("site_ids")
    if not isinstance(raw, list) or any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= 2**31 - 1
                                        for i in raw) or len(raw) > 1000 or len(set(raw)) != len(raw):
        raise ValidationError({"site_ids": _("must be a list of distinct site ids")})
    services.set_user_sites(user, raw)
    return {"site_ids": sorted(user.site_ids)}
