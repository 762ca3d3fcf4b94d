"""Reading the audit trail (facilities/trail records it): a building's history, a record's history, as JSON."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, false, or_, select

from facilities.extensions import db
from facilities.money import money_json
from facilities.trail.models import AuditEntry
from facilities.trail.recorder import entity_name


def last_change(record) -> tuple[str, datetime] | None:
    """Who saved `record` last and when, from the trail (None for a record the trail does not follow)."""
    entity = entity_name(type(record))
    if entity is None or getattr(record, "id", None) is None:
        return None
    found = db.session.execute(
        select(AuditEntry.actor, AuditEntry.at).where(AuditEntry.entity == entity, AuditEntry.entity_id == record.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1)
    ).first()
    return (found.actor, found.at) if found else None


def building_history_query(building_id: int) -> Select:
    """Entries of a building, its floors and spaces (and of any audited record tied to it), newest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.building_id == building_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def records_history_query(building_id: int, ids_by_entity: dict[str, list[int]]) -> Select:
    """Entries of some records of a building (a floor and its spaces), newest first."""
    wanted = [and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids)) for entity, ids in ids_by_entity.items()
              if ids]
    return (
        select(AuditEntry)
        .where(AuditEntry.building_id == building_id, or_(*wanted) if wanted else false())
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def recent_entries(limit: int) -> list[AuditEntry]:
    """The latest entries of the whole trail, newest first."""
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                   .limit(limit)))


def entity_history_query(entity: str, entity_id: int) -> Select:
    """Entries of one record, newest first."""
    return (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def history_query(entity: str | None = None, entity_id: int | None = None, building_id: int | None = None) -> Select:
    """Entries matching every filter given (none: the whole trail), newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    if building_id is not None:
        query = query.where(AuditEntry.building_id == building_id)
    return query


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
        "changes": _money_as_euros(entry.changes or {}),
    }


def _money_as_euros(changes: dict) -> dict:
    """Amounts stored in cents (cost_cents) leave as euros in a decimal string (cost_eur), as in every API."""
    out = {}
    for name, change in changes.items():
        if name.endswith("_cents") and isinstance(change, dict):
            out[name.removesuffix("_cents") + "_eur"] = {
                key: money_json(value) if isinstance(value, int) and not isinstance(value, bool) else value
                for key, value in change.items()}
        else:
            out[name] = change
    return out
