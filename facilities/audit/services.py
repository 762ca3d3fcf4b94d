"""Reading the audit trail (facilities/trail records it): a building's history, a record's history, as JSON."""

from __future__ import annotations

from sqlalchemy import Select, select

from facilities.trail.models import AuditEntry


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
