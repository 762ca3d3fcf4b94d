"""Record every create, update and delete of audited records, whoever makes it: pages, API, CLI or imports.

One SQLAlchemy `after_flush` listener on `db.session` reads the unit of work (new, dirty and deleted objects
and their attribute history) and appends rows to `audit_entries` on the same connection, so that the trail
is written, or rolled back, with the change itself, and no service has to know about it.

Audited: the inventory models named in AUDITED_MODELS (they belong to another area and cannot carry a flag),
and any model that declares the class attribute `__audited__ = True`. Bulk statements
(`session.execute(update(...))`) bypass the unit of work and are not recorded: services use objects.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import Delete, Select, Update, event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from facilities.audit.models import AuditEntry, AuditTrailReadOnly
from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Site, SiteService, Space
from facilities.timeutil import utcnow

# The inventory models, which cannot carry `__audited__` themselves. SiteService rows are recorded as the
# `services` field of their site (a site's services read as one list), not as entries of their own.
AUDITED_MODELS: dict[type, str] = {
    Site: "site",
    Building: "building",
    Floor: "floor",
    Space: "space",
    SiteService: "site_service",
}

# Bookkeeping columns whose change says nothing a reader needs.
IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at"})

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
            source = "api" if request.path.startswith("/api/") else "web"
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
    if cls in AUDITED_MODELS:
        return AUDITED_MODELS[cls]
    if getattr(cls, "__audited__", False):
        return getattr(cls, "__audit_entity__", None) or _snake(cls.__name__)
    return None


def audited_entities() -> list[str]:
    """Every entity name the trail may hold, for filters and API validation."""
    names = set(AUDITED_MODELS.values())
    for mapper in db.Model.registry.mappers:
        name = entity_name(mapper.class_)
        if name:
            names.add(name)
    return sorted(names - {"site_service"})


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
    if issubclass(cls, Floor):
        return f"{values.get('level')} ({values.get('name')})"
    for name in ("code", "name", "label"):
        value = values.get(name)
        if isinstance(value, str) and value:
            return value[:200]
    return None


def _services_change(site: Site) -> dict | None:
    """old → new service codes of a site, from its collection history; None when unchanged."""
    state = inspect(site)
    if "service_links" in state.unloaded:
        return None
    history = state.attrs.service_links.history
    if not history.has_changes():
        return None
    old = sorted({link.service_code for link in (*history.unchanged, *history.deleted)})
    new = sorted({link.service_code for link in (*history.unchanged, *history.added)})
    return None if old == new else {"old": old, "new": new}


def _current_services(site: Site) -> list[str] | None:
    if "service_links" in inspect(site).unloaded:
        return None
    return sorted(link.service_code for link in site.service_links)


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
    if isinstance(obj, Site):
        services = _current_services(obj)
        if services:
            changes["services"] = {"old": None, "new": services}
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
    if isinstance(obj, Site):
        services = _services_change(obj)
        if services:
            changes["services"] = services
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
    if isinstance(obj, Site):
        services = _current_services(obj)
        if services:
            changes["services"] = {"old": services, "new": None}
    return changes


def _building_id(session: Session, obj, missing_floors: dict[int, list[dict]], row: dict) -> int | None:
    """The building a record belongs to; floors not in memory are looked up later in one query."""
    if isinstance(obj, Building):
        return obj.id
    if isinstance(obj, Site | SiteService):
        return None
    if isinstance(obj, Space):
        floor = obj.__dict__.get("floor")
        if floor is None and obj.floor_id is not None:
            floor = session.identity_map.get(identity_key(Floor, (obj.floor_id,)))
        if floor is not None:
            return floor.__dict__.get("building_id") or (floor.building.id if floor.__dict__.get("building") else None)
        if obj.floor_id is not None:
            missing_floors.setdefault(obj.floor_id, []).append(row)
        return None
    custom = getattr(obj, "__audit_building_id__", None)
    if callable(custom):
        return custom()
    building_id = obj.__dict__.get("building_id")
    if building_id is None and isinstance(obj.__dict__.get("building"), Building):
        building_id = obj.__dict__["building"].id
    return building_id


def _recording_enabled() -> bool:
    return has_app_context() and bool(current_app.extensions.get("audit"))


def _record(session: Session, flush_context) -> None:
    """after_flush: append one entry per audited record created, changed or deleted in this flush."""
    if not _recording_enabled():
        return
    actor = current_actor()
    now = utcnow()
    rows: list[dict] = []
    missing_floors: dict[int, list[dict]] = {}
    folded_sites: set[int] = set()
    link_changes: dict[int, dict[str, list[str]]] = {}

    def add(obj, action: str, changes: dict) -> None:
        if action == "update" and not changes:
            return
        identity = inspect(obj).identity
        row = {"at": now, "actor_id": actor.user_id, "actor": actor.name, "source": actor.source,
               "action": action, "entity": entity_name(type(obj)),
               "entity_id": identity[0] if identity else obj.__dict__.get("id"), "label": _label(obj),
               "building_id": None, "changes": changes}
        row["building_id"] = _building_id(session, obj, missing_floors, row)
        rows.append(row)

    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            name = entity_name(type(obj))
            if name is None:
                continue
            if isinstance(obj, SiteService):
                link_changes.setdefault(obj.site_id, {"added": [], "removed": []})[
                    "added" if action == "create" else "removed"].append(obj.service_code)
                continue
            if isinstance(obj, Site):
                folded_sites.add(obj.id)
            if action == "create":
                add(obj, action, _created(obj))
            elif action == "update":
                if session.is_modified(obj, include_collections=isinstance(obj, Site)):
                    add(obj, action, _updated(obj))
            elif not inspect(obj).was_deleted:  # deleted by an earlier flush, cascaded again by its parent
                add(obj, action, _deleted(obj))
    # Service links added or removed without their site being touched (rare: scripts working on links).
    for site_id, change in link_changes.items():
        if site_id in folded_sites or site_id is None:
            continue
        rows.append({"at": now, "actor_id": actor.user_id, "actor": actor.name, "source": actor.source,
                     "action": "update", "entity": "site", "entity_id": site_id, "label": None, "building_id": None,
                     "changes": {"services": {"old": sorted(change["removed"]) or None,
                                              "new": sorted(change["added"]) or None}}})
    if not rows:
        return
    connection = session.connection()
    if missing_floors:
        floors = Floor.__table__
        found = connection.execute(
            select(floors.c.id, floors.c.building_id).where(floors.c.id.in_(list(missing_floors)))
        ).all()
        for floor_id, building_id in found:
            for row in missing_floors[floor_id]:
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
        if entity_name(mapper.class_) is not None and mapper.class_ is not SiteService:
            _keep_old_values(mapper.class_)


# ---------------------------------------------------------------- reading


def building_history_query(building_id: int) -> Select:
    """Entries of a building, its floors and spaces (and of any audited record tied to it), newest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.building_id == building_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def entity_history_query(entity: str, entity_id: int) -> Select:
    """Entries of one record, newest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def serialize(entry: AuditEntry) -> dict:
    """An entry as the API returns it."""
    from facilities.timeutil import as_aware

    return {
        "id": entry.id,
        "at": as_aware(entry.at).isoformat(),
        "actor": entry.actor,
        "actor_id": entry.actor_id,
        "source": entry.source,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "label": entry.label,
        "building_id": entry.building_id,
        "changes": entry.changes or {},
    }
