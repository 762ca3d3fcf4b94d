"""Helpers shared by the API blueprints: reading JSON bodies and ids, pagination and sorting, problem responses."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import abort, current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from werkzeug.http import parse_etags

from facilities.api.openapi import rule_schema
from facilities.errors import problem
from facilities.extensions import db
from facilities.validation import MAX_ID, JsonNumber, Rule, ValidationError, clean, json_object_hook

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000_000  # far beyond any list; keeps OFFSET within every database's integer
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


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
        return problem(422, _("Some values are not valid. Nothing was saved."), errors=error.errors)

    @blueprint.errorhandler(BadRequest)
    def unreadable(error: BadRequest):
        db.session.rollback()
        return problem(400, error.detail, errors=error.errors or None)


# ---------------------------------------------------------------- request bodies


def _text_paths(value: Any, path: str, bad: Callable[[str], bool]) -> list[str]:
    """Where strings (values or keys) for which `bad` is true hide in a parsed JSON value."""
    if isinstance(value, str):
        return [path] if bad(value) else []
    if isinstance(value, Mapping):
        found = []
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found += [_printable(name)] if bad(key) else _text_paths(item, name, bad)
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _text_paths(item, f"{path}[{i}]", bad)]
    return []


def _printable(name: str) -> str:
    """A field name safe to put in a JSON answer: NUL and lone surrogates written as escapes."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\0")


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _has_lone_surrogate(text: str) -> bool:
    """JSON may escape half of a UTF-16 pair (\\ud800) alone; no database or page can store or show it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_object(allowed: Iterable[str], *, empty_ok: bool = False) -> dict:
    """The request's JSON body as a dict: 400 when it is not a JSON object, 422 naming each unknown field,
    each field given twice and each string holding a NUL character. With `empty_ok`, no body reads as {}.

    Numbers with decimals are read exactly (JsonNumber, a Decimal), so that the rules see what was sent and
    the money rule can refuse them."""
    data = request.get_data(cache=True)
    try:
        body = json.loads(data or (b"{}" if empty_ok else b"null"), parse_float=JsonNumber,
                          object_pairs_hook=json_object_hook)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        body = None
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object (Content-Type: application/json)."))
    broken = _text_paths(body, "", _has_lone_surrogate)
    if broken:
        raise BadRequest(_("The body holds text that is not valid Unicode (a lone UTF-16 surrogate such as "
                           "\\ud800)."), {path: _("not valid Unicode text") for path in broken[:20]})
    allowed = set(allowed)
    errors = {key: _("Unknown field '%(name)s'.", name=key[:100]) for key in list(body)[:1000] if key not in allowed}
    errors.update({key: _("given twice") for key in getattr(body, "duplicates", ())})
    errors.update({path: _("must not contain NUL characters") for path in _text_paths(body, "", _has_nul)})
    if errors:
        raise ValidationError(dict(list(errors.items())[:20]))
    return body


# ---------------------------------------------------------------- ids


def get_or_404(model, entity_id: int):
    """The row with this id, or a 404 problem."""
    entity = db.session.get(model, entity_id) if 0 < entity_id <= MAX_ID else None
    if entity is None:
        abort(404)
    return entity


def body_id(raw: Any, field: str) -> int:
    """An id read from a JSON body, or a 422 naming the field."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_ID:
        raise ValidationError({field: _("%(field)s must be the id of an existing record", field=field)})
    return raw


def referenced(model, raw: Any, field: str):
    """The row named by an id in the body, or a 422 naming the field."""
    entity = db.session.get(model, body_id(raw, field))
    if entity is None:
        raise ValidationError({field: _("No record with id %(id)s", id=raw)})
    return entity


def whole_number_arg(name: str, minimum: int, maximum: int) -> int | None:
    """An optional whole number in the query string (absent: None), or a 400 naming the parameter; an empty value
    is not a number (the description says integer)."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or not minimum <= int(raw) <= maximum:
        raise BadRequest(_("'%(name)s' must be a whole number from %(lo)s to %(hi)s.", name=name, lo=minimum,
                           hi=maximum), {name: _("must be a whole number from %(lo)s to %(hi)s", lo=minimum,
                                                 hi=maximum)})
    return int(raw)


def id_arg(name: str) -> int | None:
    """An optional id in the query string, or a 400 naming the parameter."""
    return whole_number_arg(name, 1, MAX_ID)


def choice_arg(name: str, choices: Iterable[str]) -> str | None:
    """An optional value among `choices` in the query string (absent: None), or a 400 naming the parameter."""
    raw = request.args.get(name)
    if raw is None:
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise BadRequest(_("'%(name)s' is not a known value.", name=name),
                         {name: _("must be one of: %(choices)s", choices=", ".join(allowed))})
    return raw


def rule_args(rules: Iterable[Rule]) -> dict[str, Any]:
    """Query parameters read by their rules (a closed list, a bounded text…), or a 400 naming each one at fault.
    A parameter given empty is refused unless it is a text (the description lists the values of the others)."""
    rules = list(rules)
    empty = {rule.name: _("must be one of the values the description lists") for rule in rules
             if rule.kind != "text" and request.args.get(rule.name) == ""}
    if empty:
        raise BadRequest(_("Some query parameters are not valid."), empty)
    try:
        return clean(rules, {rule.name: request.args.get(rule.name) for rule in rules})
    except ValidationError as error:
        raise BadRequest(_("Some query parameters are not valid."), error.errors) from None


def rule_parameters(rules: Iterable[Rule]) -> list[dict]:
    """The OpenAPI query parameters read by `rule_args`, with the rules' enums and bounds."""
    return [query_parameter(rule.name, {key: value for key, value in rule_schema(rule).items()
                                        if key not in ("nullable", "description")}, str(rule.label or ""))
            for rule in rules]


def text_arg(name: str, max_length: int = 100) -> str:
    """An optional search text in the query string, trimmed; longer than `max_length` (the maxLength the
    description states) is a 400 naming the parameter."""
    raw = request.args.get(name) or ""
    if len(raw) > max_length:
        raise BadRequest(_("'%(name)s' is longer than %(max)s characters.", name=name, max=max_length),
                         {name: _("at most %(max)s characters", max=max_length)})
    return raw.strip()


# ---------------------------------------------------------------- versions (ETag and If-Match)

WRITE_METHODS = frozenset({"PUT", "PATCH", "DELETE"})


def etag_value(record) -> str:
    """The opaque part of a versioned record's ETag: its id and version ("12-3")."""
    return f"{record.id}-{record.version}"


def check_if_match(model, record_id: int) -> None:
    """412 (problem+json, with the current ETag) when an If-Match header names none of the record's current
    version; no header, or `*`, lets the write go ahead. Weak comparison: the tag names the record's version,
    and the representation also shows figures of other records."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    record = db.session.get(model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None:
        return  # the view answers 404
    tags = parse_etags(header)
    if tags.star_tag or tags.contains_weak(etag_value(record)):
        return
    response = problem(412, _("The record was changed since you read it (its ETag is now %(etag)s): read it again, "
                              "then repeat your change. Nothing was saved.", etag=f'W/"{etag_value(record)}"'))
    response.set_etag(etag_value(record), weak=True)
    abort(response)


def versioned(model, id_arg: str | None = None):
    """A view of one versioned record: its answers carry the record's ETag (W/"<id>-<version>"), and a PUT, PATCH
    or DELETE with an If-Match header naming another version is refused with 412 before anything is written.
    Without `id_arg` (a creation), the record is the one whose id the answer's body gives."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            record_id = kwargs.get(id_arg) if id_arg else None
            if record_id is not None and request.method in WRITE_METHODS:
                check_if_match(model, record_id)
            response = current_app.make_response(view(*args, **kwargs))
            if request.method != "DELETE" and 200 <= response.status_code < 300:
                if record_id is None:
                    body = response.get_json(silent=True)
                    record_id = body.get("id") if isinstance(body, dict) else None
                record = db.session.get(model, record_id) if isinstance(record_id, int) else None
                if record is not None:
                    db.session.flush()  # the version this request's changes give the record
                    response.set_etag(etag_value(record), weak=True)
            return response

        wrapper._apidoc = {**getattr(view, "_apidoc", {}), "versioned": True}
        return wrapper

    return decorate


# ---------------------------------------------------------------- lists


def page_params() -> tuple[int, int]:
    """`limit` (1..500, default 100) and `offset` (0..MAX_OFFSET, default 0); anything else is a 400 naming the
    parameter and its bounds, as the description (PAGE_PARAMETERS) states them."""
    limit = whole_number_arg("limit", 1, MAX_PAGE_SIZE)
    offset = whole_number_arg("offset", 0, MAX_OFFSET)
    return DEFAULT_PAGE_SIZE if limit is None else limit, offset or 0


def sorted_query(query: Select, sortable: Mapping[str, object], default: str, tiebreak) -> Select:
    """Apply `sort=field` or `sort=-field` among the allowed fields; `tiebreak` keeps pages stable."""
    raw = request.args.get("sort", default)  # present but empty is not one of the fields: refused below
    name = raw.removeprefix("-")
    if name not in sortable:
        raise BadRequest(_("Cannot sort by '%(name)s'.", name=name[:100]),
                         {"sort": _("must be one of: %(choices)s", choices=", ".join(sortable))})
    column = sortable[name]
    return query.order_by(None).order_by(column.desc() if raw.startswith("-") else column.asc(), tiebreak)


def paginated(query: Select, serialize: Callable | None = None, *,
              serialize_page: Callable[[list], list] | None = None) -> dict:
    """{"items", "total", "limit", "offset"} for a select of entities, serialized one by one or page by page."""
    limit, offset = page_params()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.execute(query.limit(limit).offset(offset)).scalars().all())
    serialized = serialize_page(items) if serialize_page else [serialize(item) for item in items]
    return {"items": serialized, "total": total, "limit": limit, "offset": offset}


def confirmed() -> bool:
    """Deleting a record that still has children needs `?confirm=true`."""
    return (request.args.get("confirm") or "").lower() in {"1", "true", "yes"}


def child_conflict(counts: Mapping[str, int]):
    """409 explaining what a delete would also remove."""
    listed = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
    return problem(409, _("This record still has %(listed)s. Repeat the request with ?confirm=true to delete them "
                          "too.", listed=listed))


# ---------------------------------------------------------------- documented query parameters

PAGE_PARAMETERS = [
    {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                                                "default": DEFAULT_PAGE_SIZE}},
    {"in": "query", "name": "offset", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}},
]
CONFIRM_PARAMETER = {"in": "query", "name": "confirm", "schema": {"type": "boolean"},
                     "description": "Required to delete a record that still has children."}


def sort_parameter(fields: Iterable[str]) -> dict:
    names = list(fields)
    return {"in": "query", "name": "sort", "schema": {"type": "string", "enum": names + [f"-{n}" for n in names]}}


def query_parameter(name: str, schema: dict, description: str = "") -> dict:
    """A query parameter's description; a text one states that it holds no NUL (every parameter is refused with
    one: 400)."""
    if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
        schema = {**schema, "pattern": "^[^\\x00]*$"}
    return {"in": "query", "name": name, "schema": schema, **({"description": description} if description else {})}


def id_parameter(name: str, description: str = "") -> dict:
    return query_parameter(name, ID_SCHEMA, description)


# ---------------------------------------------------------------- large documents


def streamed(chunks: Iterable[str], mimetype: str, version: str):
    """A large document sent as it is written, gzip-compressed when the client accepts it, tagged by `version`.

    The tag is weak (`W/"…"`: the same content compressed or not); a client sending it back in If-None-Match
    gets 304 and nothing is read. The chunks are produced inside the request (its session and language).
    """
    import zlib

    from flask import stream_with_context

    etag = f'W/"{version}"'
    response = current_app.response_class(mimetype=mimetype)
    response.headers["ETag"] = etag
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "private, no-cache"  # a private copy, always checked again
    if parse_etags(request.headers.get("If-None-Match")).contains_weak(version):
        response.status_code = 304
        return response
    gzipped = "gzip" in request.accept_encodings

    def body():
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31) if gzipped else None  # 31: gzip framing
        for chunk in chunks:
            data = chunk.encode()
            data = compressor.compress(data) if compressor else data
            if data:
                yield data
        if compressor:
            yield compressor.flush()

    response.response = stream_with_context(body())
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response
