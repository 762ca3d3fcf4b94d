"""Helpers shared by the API blueprints: reading JSON bodies, pagination and sorting, problem responses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import request
from sqlalchemy import Select, func, select

from facilities.errors import problem
from facilities.extensions import db
from facilities.validation import Rule, ValidationError

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


class BadRequest(Exception):
    """A request the API cannot read (not a JSON object, bad query parameter)."""

    def __init__(self, detail: str, errors: Mapping[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors or {})


def register_api_error_handlers(blueprint) -> None:
    """Validation problems answer 422 and unreadable requests 400, as problem documents naming the field."""

    @blueprint.errorhandler(ValidationError)
    def invalid(error: ValidationError):
        db.session.rollback()
        return problem(422, "Some values are not valid.", errors=error.errors)

    @blueprint.errorhandler(BadRequest)
    def unreadable(error: BadRequest):
        db.session.rollback()
        return problem(400, error.detail, errors=error.errors or None)


def json_object(allowed: Iterable[str]) -> dict:
    """The request's JSON body as a dict, refusing anything else and any unknown field."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object (Content-Type: application/json).")
    allowed = set(allowed)
    unknown = [key for key in body if key not in allowed]
    if unknown:
        raise ValidationError({key: f"Unknown field '{key}'." for key in unknown[:20]})
    return body


def rule_names(rules: Iterable[Rule]) -> list[str]:
    return [rule.name for rule in rules]


def _int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise BadRequest(f"'{name}' must be a whole number.", {name: "must be a whole number"})
    return min(max(int(raw), minimum), maximum)


def page_params() -> tuple[int, int]:
    """`limit` (1..500, default 100) and `offset` (>= 0)."""
    return _int_arg("limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE), _int_arg("offset", 0, 0, 10**9)


def sorted_query(query: Select, sortable: Mapping[str, object], default: str, tiebreak) -> Select:
    """Apply `sort=field` or `sort=-field` among the allowed fields; `tiebreak` keeps pages stable."""
    raw = request.args.get("sort") or default
    name = raw.lstrip("-")
    if name not in sortable:
        raise BadRequest(f"Cannot sort by '{name}'.", {"sort": f"must be one of: {', '.join(sortable)}"})
    column = sortable[name]
    return query.order_by(None).order_by(column.desc() if raw.startswith("-") else column.asc(), tiebreak)


def paginated(query: Select, serialize) -> dict:
    """{"items", "total", "limit", "offset"} for a select of entities."""
    limit, offset = page_params()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.execute(query.limit(limit).offset(offset)).scalars().all()
    return {"items": [serialize(item) for item in items], "total": total, "limit": limit, "offset": offset}


def confirmed() -> bool:
    """Deleting a record that still has children needs `?confirm=true`."""
    return (request.args.get("confirm") or "").lower() in {"1", "true", "yes"}


PAGE_PARAMETERS = [
    {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
    {"in": "query", "name": "offset", "schema": {"type": "integer", "minimum": 0}},
]


def sort_parameter(fields: Iterable[str]) -> dict:
    names = list(fields)
    return {"in": "query", "name": "sort", "schema": {"type": "string", "enum": names + [f"-{n}" for n in names]}}


CONFIRM_PARAMETER = {"in": "query", "name": "confirm", "schema": {"type": "boolean"},
                     "description": "Required to delete a record that still has children."}


def child_conflict(counts: Mapping[str, int]):
    """409 explaining what a delete would also remove."""
    listed = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    return problem(409, f"This record still has {listed}. Repeat the request with ?confirm=true to delete them too.")
