"""Technical equipment of buildings, and what the safety area records about it."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.database import Versioned
from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Space
from facilities.safety.catalogue import (
    CHECK_RESULT_LABELS,
    CHECK_TYPE_LABELS,
    FINDING_SEVERITY_LABELS,
    OPINION_LABELS,
)
from facilities.safety.rules import CHECK_RULES, FINDING_PATCH_RULES, VISIT_RULES
from facilities.timeutil import utcnow


class Equipment(Versioned, db.Model):
    """An item of technical equipment, located in a building (and optionally on a floor or in a space)."""

    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    floor_id: Mapped[int | None] = mapped_column(ForeignKey("floors.id", ondelete="SET NULL"), index=True)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    make: Mapped[str | None] = mapped_column(String(120))
    model: Mapped[str | None] = mapped_column(String(120))
    serial_number: Mapped[str | None] = mapped_column(String(120))
    installed_on: Mapped[date | None] = mapped_column(Date)
    expected_life_years: Mapped[int | None]
    replacement_cost_cents: Mapped[int | None] = mapped_column(BigInteger)
    condition: Mapped[int | None]
    condition_on: Mapped[date | None] = mapped_column(Date)
    criticality: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    building: Mapped[Building] = relationship()
    floor: Mapped[Floor | None] = relationship()
    space: Mapped[Space | None] = relationship()

    def __repr__(self) -> str:
        return f"<Equipment {self.id} {self.category}>"


class CheckRule(db.Model):
    """A periodic check the rules require: of which equipment, in which ERP, how often, by whom, from which text.
    A dated reference row (valid_from..valid_to); `sourced = False` marks a value to confirm against the text."""

    __tablename__ = "check_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_type: Mapped[str] = mapped_column(String(32), index=True)
    equipment_category: Mapped[str] = mapped_column(String(32))
    erp_types: Mapped[list] = mapped_column(JSON, default=list)  # empty: every type
    erp_categories: Mapped[list] = mapped_column(JSON, default=list)  # empty: every category
    periodicity_months: Mapped[int]
    performer: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    sourced: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<CheckRule {self.check_type} every {self.periodicity_months} months>"


class Check(Versioned, db.Model):
    """A periodic check done: on which item, when, by whom, its result, its report (a PDF kept outside the web
    root) and the due date of the next one, from the reference row in force on the day it was done."""

    __tablename__ = "checks"
    __audited__ = True
    __audit_entity_label__ = _l("check")
    __audit_field_labels__ = {rule.name: rule.label for rule in CHECK_RULES} | {
        "next_due_on": _l("Next check due"), "report_name": _l("Report"), "equipment_id": _l("Equipment")}
    __audit_code_labels__ = {"check_type": CHECK_TYPE_LABELS, "result": CHECK_RESULT_LABELS}

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id", ondelete="CASCADE"), index=True)
    check_type: Mapped[str] = mapped_column(String(32))
    done_on: Mapped[date] = mapped_column(Date, index=True)
    body: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("check_rules.id", ondelete="SET NULL"))
    next_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    report_file: Mapped[str | None] = mapped_column(String(80))  # the stored file's random name
    report_name: Mapped[str | None] = mapped_column(String(120))  # a safe download name
    report_bytes: Mapped[int | None]
    illustrative: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    building: Mapped[Building] = relationship()
    equipment: Mapped[Equipment] = relationship()
    rule: Mapped[CheckRule | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="check", order_by="Finding.id")

    def __repr__(self) -> str:
        return f"<Check {self.id} {self.check_type} {self.done_on}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """A check in the audit trail: its day and who did it (no code, which the history would show raw)."""
        return f"{values.get('done_on')} · {values.get('body')}"[:200]


class Finding(Versioned, db.Model):
    """An observation of a check (or a prescription of the safety commission), followed until it is lifted."""

    __tablename__ = "findings"
    __audited__ = True
    __audit_entity_label__ = _l("finding")
    __audit_field_labels__ = {rule.name: rule.label for rule in FINDING_PATCH_RULES}
    __audit_code_labels__ = {"severity": FINDING_SEVERITY_LABELS}

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("checks.id", ondelete="CASCADE"), index=True)
    # A prescription of the safety commission is a finding of its visit.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("safety_visits.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    raised_on: Mapped[date] = mapped_column(Date)
    lifted_on: Mapped[date | None] = mapped_column(Date, index=True)
    lifted_evidence: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(default=False)

    building: Mapped[Building] = relationship()
    check: Mapped[Check | None] = relationship(back_populates="findings")
    visit: Mapped[SafetyVisit | None] = relationship(back_populates="prescriptions")

    def __repr__(self) -> str:
        return f"<Finding {self.id} {self.severity}{' lifted' if self.lifted_on else ''}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """A finding in the audit trail: the start of its observation."""
        return (values.get("description") or "")[:80]

    @property
    def is_open(self) -> bool:
        return self.lifted_on is None


class CalendarFeed(db.Model):
    """A user's secret iCalendar address of due checks: only the hash of its secret is kept; a new address or a
    revocation deletes the row, so that the old address stops working at once."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<CalendarFeed of user {self.user_id}>"


class VisitRule(db.Model):
    """How often the safety commission visits an ERP of these types and categories (arrêté du 25 juin 1980,
    GE 4). A dated reference row; `sourced = False` marks a value to confirm against the text."""

    __tablename__ = "visit_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    erp_types: Mapped[list] = mapped_column(JSON, default=list)  # empty: every type
    erp_categories: Mapped[list] = mapped_column(JSON, default=list)  # empty: every category
    periodicity_months: Mapped[int]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    sourced: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<VisitRule {self.erp_types} {self.erp_categories} every {self.periodicity_months} months>"


class SafetyVisit(Versioned, db.Model):
    """A visit of the safety commission: its date, opinion, and the next visit due; its prescriptions are findings."""

    __tablename__ = "safety_visits"
    __audited__ = True
    __audit_entity_label__ = _l("safety commission visit")
    __audit_field_labels__ = {rule.name: rule.label for rule in VISIT_RULES} | {
        "next_visit_due_on": _l("Next visit due")}
    __audit_code_labels__ = {"opinion": OPINION_LABELS}

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    commission: Mapped[str | None] = mapped_column(String(200))
    opinion: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("visit_rules.id", ondelete="SET NULL"))
    next_visit_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    illustrative: Mapped[bool] = mapped_column(default=False)

    building: Mapped[Building] = relationship()
    rule: Mapped[VisitRule | None] = relationship()
    prescriptions: Mapped[list[Finding]] = relationship(back_populates="visit", order_by="Finding.id")

    def __repr__(self) -> str:
        return f"<SafetyVisit {self.id} {self.visited_on} {self.opinion}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """A visit in the audit trail: its day."""
        return str(values.get("visited_on"))


class AccessibilityRegister(Versioned, db.Model):
    """The registre public d'accessibilité of an ERP: what the public may read about its accessibility, at an
    unguessable public address (the token), and nothing else of the building."""

    __tablename__ = "accessibility_registers"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), unique=True)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    public_name: Mapped[str] = mapped_column(String(200))
    services: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    status_reference: Mapped[str | None] = mapped_column(Text)
    derogations: Mapped[str | None] = mapped_column(Text)
    staff_training: Mapped[str | None] = mapped_column(Text)
    equipment_upkeep: Mapped[str | None] = mapped_column(Text)
    updated_on: Mapped[date] = mapped_column(Date)

    building: Mapped[Building] = relationship()

    def __repr__(self) -> str:
        return f"<AccessibilityRegister of building {self.building_id}>"
