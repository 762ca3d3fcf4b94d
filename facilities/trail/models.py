"""The audit trail: one row per create, update or delete of an audited record; never edited afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from facilities.extensions import db
from facilities.timeutil import utcnow


class AuditTrailReadOnly(RuntimeError):
    """The audit trail is append-only: its rows are never updated nor deleted by the application."""


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity_entity_id", "entity", "entity_id"),
        Index("ix_audit_entries_building_id_at", "building_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # No foreign key to users: the trail must outlive the accounts it names.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(254))  # the user's email, or "cli" / "system"
    source: Mapped[str] = mapped_column(String(16))  # web, api, cli, import, system
    action: Mapped[str] = mapped_column(String(8))  # create, update, delete
    entity: Mapped[str] = mapped_column(String(40))  # site, building, floor, space, …
    entity_id: Mapped[int]
    label: Mapped[str | None] = mapped_column(String(200))  # the record's code or name at the time
    # The building the record belongs to, so that a building's history is one indexed query.
    building_id: Mapped[int | None]
    # {"field": {"old": …, "new": …}}; Decimals and dates as strings.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.entity} {self.entity_id} by {self.actor}>"


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AuditTrailReadOnly("Audit entries cannot be changed.")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AuditTrailReadOnly("Audit entries cannot be deleted.")
