"""Work requests: raised by anyone signed in on a place of the portfolio, triaged and followed by the facilities
managers until closed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.auth.models import User
from facilities.database import Versioned
from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.safety.models import Equipment, Finding
from facilities.timeutil import utcnow


class Assignee(db.Model):
    """Who a request can be assigned to: a contractor of the list, or an in-house team."""

    __tablename__ = "request_assignees"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(default=True)
    illustrative: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Assignee {self.kind} {self.name}>"


class WorkRequest(Versioned, db.Model):
    """A request for work on a site, a building, a floor, a space or an item of equipment."""

    __tablename__ = "work_requests"
    # What is late, per site and priority, read from the index alone (the dashboard's panel).
    __table_args__ = (Index("ix_work_requests_late", "status", "due_on", "site_id", "priority"),
                      Index("ix_work_requests_requester_id_id", "requester_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(16))
    # Where: the site always (lists and access are by site), and the most precise place given.
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    floor_id: Mapped[int | None] = mapped_column(ForeignKey("floors.id", ondelete="SET NULL"))
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id", ondelete="SET NULL"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="new")
    priority: Mapped[str | None] = mapped_column(String(16))
    due_on: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("request_assignees.id", ondelete="SET NULL"),
                                                    index=True)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    photo_file: Mapped[str | None] = mapped_column(String(80))  # the stored file's random name
    photo_type: Mapped[str | None] = mapped_column(String(32))  # image/png, image/jpeg or image/webp
    photo_bytes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    illustrative: Mapped[bool] = mapped_column(default=False)

    site: Mapped[Site] = relationship()
    building: Mapped[Building | None] = relationship()
    floor: Mapped[Floor | None] = relationship()
    space: Mapped[Space | None] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    finding: Mapped[Finding | None] = relationship()
    requester: Mapped[User | None] = relationship()
    assignee: Mapped[Assignee | None] = relationship()
    comments: Mapped[list[RequestComment]] = relationship(back_populates="request", order_by="RequestComment.id",
                                                          cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<WorkRequest {self.id} {self.status}>"

    def is_late(self, today: date) -> bool:
        return self.status in ("new", "assigned", "in_progress") and self.due_on is not None and self.due_on < today


class RequestComment(db.Model):
    """A comment on a request, or a change of its status; `for_requester` ones are shown to the requester."""

    __tablename__ = "request_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("work_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(16))  # the status it moved the request to, if any
    for_requester: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    request: Mapped[WorkRequest] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RequestComment {self.id} of request {self.request_id}>"
