"""Record every create, update and delete of audited records, whoever makes it: pages, API, CLI or imports.

One SQLAlchemy `after_flush` listener on `db.session` reads the unit of work (new, dirty and deleted objects
and their attribute history) and appends rows to `audit_entries` on the same connection, so that the trail
is written, or rolled back, with the change itself, and no service has to know about it.

What is audited is declared by the models themselves, with class attributes (the recorder imports no area):
- `__audited__ = True`: the model's creates, updates and deletes are recorded;
- `__audit_entity__ = "name"`: the entity name in the trail (default: the class name in snake_case);
- `__audit_building__ = "building_id"`: where the building a record belongs to is read, so that a building's
  history is one indexed query: a column ("building_id", the default when the model has one; "id" for the
  building itself) or a relationship and its column ("floor.building_id"); None: no building;
- `__audit_label__(values) -> str`: the label of a record from its column values (default: code, name or label);
- `__audit_collections__ = {"field": ("relationship", "attribute")}`: a one-to-many collection recorded as one
  field of its parent (a site's `services`: the `service_code` of its `service_links`), not as records of its own.
Bulk statements (`session.execute(update(...))`) bypass the unit of work and are not recorded: services use
objects; bulk INSERTs call `record_inserted`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import Delete, Select, Update, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from facilities.errors import is_api_path
from facilities.extensions import db
from facilities.timeutil import utcnow
from facilities.trail.models import AuditEntry, AuditTrailReadOnly

# Bookkeeping columns whose change says nothing a reader needs.
# location_commune_code and map_tile_*: derived from the point by the maps area; energy_dpe_class: from the stored
# energy standings; not an edit of anyone.
IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "location_commune_code", "map_tile_4",
                            "map_tile_7", "map_tile_10", "map_tile_13", "map_tile_16", "energy_dpe_class"})

ACTIONS = ("create", "update", "delete")


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user (id and email), or a non-person name such as "cli" or "system"."""

    name: str
    user_id: int | None = None
    source: str | None = None  # web, api, cli, import, system; None: guessed from the context


# Set by commands, imports and scripts; requests fall back to the signed-in user.
audit_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
audit_source: ContextVar[str | None] = ContextVar("audit_source", default=None)


@contextlib.contextmanager
def acting_as(actor: Actor | str | None = None, source: str | None = None) -> Iterator[None]:
    """Attribute the changes made inside the block to `actor` (or keep the current one) and/or `source`."""
    if isinstance(actor, str):
        actor = Actor(actor)
    actor_token = audit_actor.set(actor) if actor is not None else None
    source_token = audit_source.set(source) if source is not None else None
    try:
        yield
    finally:
        if source_token is not None:
            audit_source.reset(source_token)
        if actor_token is not None:
            audit_actor.reset(actor_token)


def _in_cli() -> bool:
    import click

    return click.get_current_context(silent=True) is not None


def current_actor() -> Actor:
    """The explicit actor if one is set, else the signed-in user of the request, else "cli" or "system"."""
    actor = audit_actor.get()
    source = audit_source.get()
    if actor is None:
        if has_request_context():
            from flask_login import current_user

            if current_user and current_user.is_authenticated:
                actor = Actor(current_user.email, current_user.id)
            else:
                actor = Actor("system")
        elif _in_cli():
            actor = Actor("cli")
        else:
            actor = Actor("system")
    if source is None:
        source = actor.source
    if source is None:
        if has_request_context():
            source = "api" if is_api_path(request.path) else "web"
        elif actor.name == "cli" or _in_cli():
            source = "cli"
        else:
            source = "system"
    return Actor(actor.name[:254], actor.user_id, source)


# ---------------------------------------------------------------- what is audited


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def entity_name(cls: type) -> str | None:
    """The audit name of a model class, or None when it is not audited."""
    if not getattr(cls, "__audited__", False):
        return None
    return getattr(cls, "__audit_entity__", None) or _snake(cls.__name__)


def declared_labels() -> dict[str, tuple[Any, Mapping[str, Any], Mapping[str, Mapping]]]:
    """What audited models of the areas the history page does not know declare of themselves, by entity name:
    (`__audit_entity_label__`, `__audit_field_labels__` {field: label}, `__audit_code_labels__` {field: {code:
    label}}), so that their entries read in the reader's language."""
    found = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        name = entity_name(cls)
        if name and getattr(cls, "__audit_entity_label__", None) is not None:
            found[name] = (cls.__audit_entity_label__, getattr(cls, "__audit_field_labels__", {}),
                           getattr(cls, "__audit_code_labels__", {}))
    return found


def audited_entities() -> list[str]:
    """Every entity name the trail may hold, for filters and API validation."""
    return sorted({name for mapper in db.Model.registry.mappers if (name := entity_name(mapper.class_))})


@functools.cache
def _building_path(cls: type) -> tuple[str, ...] | None:
    """Where a record's building id is read: (column,) or (relationship, column of the related record)."""
    path = getattr(cls, "__audit_building__", "building_id" if "building_id" in inspect(cls).columns else None)
    return tuple(path.split(".")) if path else None


@dataclass(frozen=True)
class Membership:
    """Rows of a collection recorded as one field of their parent (e.g. a site's services)."""

    parent: type
    entity: str
    parent_key: str  # the member's column holding the parent's id
    field: str
    attribute: str  # the member's attribute listed in the field


@functools.cache
def _memberships() -> dict[type, Membership]:
    """Member class → how its rows fold into their parent, from the parents' `__audit_collections__`."""
    found = {}
    for mapper in db.Model.registry.mappers:
        for field, (relationship_name, attribute) in _collections(mapper.class_).items():
            relationship = mapper.relationships[relationship_name]
            (column,) = relationship.remote_side
            member_key = relationship.mapper.get_property_by_column(column).key
            found[relationship.mapper.class_] = Membership(mapper.class_, entity_name(mapper.class_), member_key,
                                                           field, attribute)
    return found


def _collections(cls: type) -> dict[str, tuple[str, str]]:
    return getattr(cls, "__audit_collections__", {}) if entity_name(cls) else {}


def to_json(value: Any) -> Any:
    """A value as the trail stores it: Decimals and dates as strings, JSON structures as they are."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.loads(json.dumps(value, default=str))
    return str(value)


def _stored(obj, key: str, value: Any) -> Any:
    """A value as the database keeps it (Decimals at the column's scale), as JSON."""
    return _stored_as(type(obj), key, value)


def _stored_as(cls: type, key: str, value: Any) -> Any:
    if type(value) in (str, int, bool):  # most values, stored as they are (100,000 of them in a bulk import)
        return value
    if isinstance(value, Decimal) and value.is_finite():
        scale = _column_scale(cls, key)
        if scale is not None:
            value = value.quantize(Decimal(1).scaleb(-scale))
    return to_json(value)


@functools.cache
def _column_scale(cls: type, key: str) -> int | None:
    return getattr(inspect(cls).columns[key].type, "scale", None)


def _columns(obj) -> list[str]:
    return _column_keys(type(obj))


@functools.cache
def _column_keys(cls: type) -> list[str]:
    return [attr.key for attr in inspect(cls).column_attrs if attr.key not in IGNORED_FIELDS]


def _label(obj) -> str | None:
    return _label_of(type(obj), obj.__dict__)


def _label_of(cls: type, values: Mapping[str, Any]) -> str | None:
    custom: Callable[[Mapping[str, Any]], str] | None = getattr(cls, "__audit_label__", None)
    if custom is not None:
        return custom(values)[:200]
    for name in ("code", "name", "label"):
        value = values.get(name)
        if isinstance(value, str) and value:
            return value[:200]
    return None


def _members(obj, relationship: str, attribute: str) -> list | None:
    """The sorted `attribute` of the records of a loaded collection; None when it is not loaded."""
    if relationship in inspect(obj).unloaded:
        return None
    return sorted(getattr(member, attribute) for member in getattr(obj, relationship))


def _members_change(obj, relationship: str, attribute: str) -> dict | None:
    """old → new members of a collection, from its history; None when unchanged."""
    state = inspect(obj)
    if relationship in state.unloaded:
        return None
    history = state.attrs[relationship].history
    if not history.has_changes():
        return None
    old = sorted({getattr(m, attribute) for m in (*history.unchanged, *history.deleted)})
    new = sorted({getattr(m, attribute) for m in (*history.unchanged, *history.added)})
    return None if old == new else {"old": old, "new": new}


def _created_changes(cls: type, values: Mapping[str, Any]) -> dict:
    """The "create" changes of a record from its column values: every non-empty value, as stored."""
    changes = {}
    for key in _column_keys(cls):
        value = values.get(key)
        if value is not None and value != [] and value != {}:
            changes[key] = {"old": None, "new": _stored_as(cls, key, value)}
    return changes


def _created(obj) -> dict:
    changes = _created_changes(type(obj), obj.__dict__)
    for field, (relationship, attribute) in _collections(type(obj)).items():
        members = _members(obj, relationship, attribute)
        if members:
            changes[field] = {"old": None, "new": members}
    return changes


def _updated(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        old, new = _stored(obj, key, old), _stored(obj, key, new)
        if old == new:
            continue
        changes[key] = {"old": old, "new": new}
    for field, (relationship, attribute) in _collections(type(obj)).items():
        members = _members_change(obj, relationship, attribute)
        if members:
            changes[field] = members
    return changes


def _deleted(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        # A value changed and then deleted in the same flush: the stored (old) value is what disappears.
        value = history.deleted[0] if history.deleted else obj.__dict__.get(key)
        if value is not None and value != [] and value != {}:
            changes[key] = {"old": _stored(obj, key, value), "new": None}
    for field, (relationship, attribute) in _collections(type(obj)).items():
        members = _members(obj, relationship, attribute)
        if members:
            changes[field] = {"old": members, "new": None}
    return changes


def _value(obj, key: str):
    """A column value of a flushed record, or the id of the related record that sets it."""
    value = obj.__dict__.get(key)
    if value is not None:
        return value
    if key == "id":
        identity = inspect(obj).identity
        return identity[0] if identity else None
    for relationship in inspect(type(obj)).relationships:
        related = obj.__dict__.get(relationship.key)
        if related is not None and any(column.key == key for column in relationship.local_columns):
            return related.__dict__.get("id")
    return None


MissingParents = dict[tuple[type, str], dict[int, list[dict]]]


def _building_id(session: Session, obj, missing: MissingParents, row: dict) -> int | None:
    """The building a record belongs to; related records not in memory are looked up later in one query."""
    path = _building_path(type(obj))
    if path is None:
        return None
    if len(path) == 1:
        return _value(obj, path[0])
    relationship_name, column = path
    parent = obj.__dict__.get(relationship_name)
    if parent is None:
        relationship = inspect(type(obj)).relationships[relationship_name]
        (local,) = relationship.local_columns
        parent_id = obj.__dict__.get(inspect(type(obj)).get_property_by_column(local).key)
        if parent_id is None:
            return None
        parent_class = relationship.mapper.class_
        parent = session.identity_map.get(identity_key(parent_class, (parent_id,)))
        if parent is None:
            missing.setdefault((parent_class, column), {}).setdefault(parent_id, []).append(row)
            return None
    return _value(parent, column)


def _recording_enabled() -> bool:
    return has_app_context() and bool(current_app.extensions.get("audit"))


def _record(session: Session, flush_context) -> None:
    """after_flush: append one entry per audited record created, changed or deleted in this flush."""
    if not _recording_enabled():
        return
    actor = current_actor()
    now = utcnow()
    rows: list[dict] = []
    missing: MissingParents = {}
    folded: set[tuple[type, int]] = set()  # parents recorded in this flush: their collections are in their entry
    member_changes: dict[tuple[Membership, int], dict[str, list]] = {}
    memberships = _memberships()

    def add(obj, action: str, changes: dict) -> None:
        if action == "update" and not changes:
            return
        identity = inspect(obj).identity
        row = {"at": now, "actor_id": actor.user_id, "actor": actor.name, "source": actor.source,
               "action": action, "entity": entity_name(type(obj)),
               "entity_id": identity[0] if identity else obj.__dict__.get("id"), "label": _label(obj),
               "building_id": None, "changes": changes}
        row["building_id"] = _building_id(session, obj, missing, row)
        rows.append(row)

    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            membership = memberships.get(type(obj))
            if membership is not None and action != "update":
                change = member_changes.setdefault((membership, obj.__dict__.get(membership.parent_key)),
                                                   {"added": [], "removed": []})
                change["added" if action == "create" else "removed"].append(getattr(obj, membership.attribute))
                continue
            if entity_name(type(obj)) is None:
                continue
            collections = _collections(type(obj))
            if collections:
                folded.add((type(obj), obj.id))
            if action == "create":
                add(obj, action, _created(obj))
            elif action == "update":
                if session.is_modified(obj, include_collections=bool(collections)):
                    add(obj, action, _updated(obj))
            elif not inspect(obj).was_deleted:  # deleted by an earlier flush, cascaded again by its parent
                add(obj, action, _deleted(obj))
    # Members added or removed without their parent being touched (rare: scripts working on the links).
    for (membership, parent_id), change in member_changes.items():
        if parent_id is None or (membership.parent, parent_id) in folded:
            continue
        rows.append({"at": now, "actor_id": actor.user_id, "actor": actor.name, "source": actor.source,
                     "action": "update", "entity": membership.entity, "entity_id": parent_id, "label": None,
                     "building_id": None,
                     "changes": {membership.field: {"old": sorted(change["removed"]) or None,
                                                    "new": sorted(change["added"]) or None}}})
    if not rows:
        return
    connection = session.connection()
    for (parent_class, column), waiting in missing.items():
        table = parent_class.__table__
        found = connection.execute(select(table.c.id, table.c[column]).where(table.c.id.in_(list(waiting)))).all()
        for parent_id, building_id in found:
            for row in waiting[parent_id]:
                row["building_id"] = building_id
    connection.execute(AuditEntry.__table__.insert(), rows)


def record_inserted(cls: type, rows: Sequence[Mapping[str, Any]], building_ids: Sequence[int | None]) -> None:
    """Append the "create" entries of records written by one bulk INSERT, which bypasses the unit of work
    that `_record` reads. Each row holds the new record's `id` and the column values it was inserted with."""
    entity = entity_name(cls)
    if not rows or entity is None or not _recording_enabled():
        return
    actor = current_actor()
    now = utcnow()
    entries = [{"at": now, "actor_id": actor.user_id, "actor": actor.name, "source": actor.source,
                "action": "create", "entity": entity, "entity_id": row["id"], "label": _label_of(cls, row),
                "building_id": building_id, "changes": _created_changes(cls, row)}
               for row, building_id in zip(rows, building_ids, strict=True)]
    db.session.connection().execute(AuditEntry.__table__.insert(), entries)


def _refuse_bulk_writes(execute_state) -> None:
    """do_orm_execute: `session.execute(update(AuditEntry))` / `delete(...)` are refused like object writes."""
    statement = execute_state.statement
    if isinstance(statement, Update | Delete) and not isinstance(statement, Select):
        table = getattr(statement, "table", None)
        if table is not None and getattr(table, "name", None) == AuditEntry.__tablename__:
            raise AuditTrailReadOnly("Audit entries cannot be changed or deleted.")


def _keep_old_values(cls: type) -> None:
    """Load an attribute's stored value before it is overwritten, so that the trail knows the old value."""
    if getattr(cls, "_audit_history_kept", False):
        return
    for attr in inspect(cls).column_attrs:
        if attr.key not in IGNORED_FIELDS:
            event.listen(getattr(cls, attr.key), "set", _noop_set, active_history=True)
    cls._audit_history_kept = True


def _noop_set(target, value, oldvalue, initiator):
    return value


def install_listeners() -> None:
    """Attach the trail to `db.session` once per process (every app's sessions come from it)."""
    if not event.contains(db.session, "after_flush", _record):
        event.listen(db.session, "after_flush", _record)
        event.listen(db.session, "do_orm_execute", _refuse_bulk_writes)
    db.Model.registry.configure()
    for mapper in db.Model.registry.mappers:
        if entity_name(mapper.class_) is not None:
            _keep_old_values(mapper.class_)
