"""Models of the works area: envelopes (programme lines) with yearly CP caps, operations, their phases,
AP revisions, CP échéancier, actuals and expected energy savings. Money is integer cents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.database import Versioned, VersionedChild
from facilities.extensions import db
from facilities.textsearch import searchable
from facilities.timeutil import utcnow


def cents_by_year_text(amounts: dict[int, int]) -> str:
    """Cents by year as stored in one column: "2030:50000000;2031:50000000"."""
    return ";".join(f"{year}:{cents}" for year, cents in sorted(amounts.items()))


def parse_cents_by_year(text: str) -> dict[int, int]:
    """The inverse of `cents_by_year_text`."""
    pairs = (part.split(":") for part in text.split(";") if part)
    return {int(year): int(cents) for year, cents in pairs}


class Envelope(Versioned, db.Model):
    """A programme line (e.g. medico-social buildings 2023) with a CP cap per year; or a scenario copy of one."""

    __tablename__ = "envelopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(120), default="")
    # A scenario is a copy of another envelope's programme, changed freely and compared with it.
    scenario_of_id: Mapped[int | None] = mapped_column(ForeignKey("envelopes.id", ondelete="CASCADE"), index=True)
    scenario_label: Mapped[str | None] = mapped_column(String(200))
    illustrative: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    caps: Mapped[list[EnvelopeCap]] = relationship(
        back_populates="envelope", cascade="all, delete-orphan", order_by="EnvelopeCap.year"
    )
    operations: Mapped[list[Operation]] = relationship(
        back_populates="envelope", cascade="all, delete-orphan", order_by="Operation.id"
    )
    scenario_of: Mapped[Envelope | None] = relationship(remote_side=[id], back_populates="scenarios")
    scenarios: Mapped[list[Envelope]] = relationship(
        back_populates="scenario_of", cascade="all, delete-orphan", order_by="Envelope.id"
    )

    def __repr__(self) -> str:
        return f"<Envelope {self.id} {self.label!r}>"

    @property
    def is_scenario(self) -> bool:
        return self.scenario_of_id is not None

    @property
    def caps_by_year(self) -> dict[int, int]:
        return {cap.year: cap.cap_cents for cap in self.caps}


class EnvelopeCap(VersionedChild, db.Model):
    """The CP cap of an envelope for one year (a year without a cap has no money)."""

    __tablename__ = "envelope_caps"
    __version_parent__ = "envelope"
    __table_args__ = (UniqueConstraint("envelope_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("envelopes.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    cap_cents: Mapped[int] = mapped_column(BigInteger)

    envelope: Mapped[Envelope] = relationship(back_populates="caps")

    def __repr__(self) -> str:
        return f"<EnvelopeCap {self.envelope_id} {self.year} {self.cap_cents}>"


class Operation(Versioned, db.Model):
    """A works operation of an envelope: its dates, priority, status, phases and money."""

    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("envelopes.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    # A planned site is a site with status "planned"; either link may be empty.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="SET NULL"), index=True)
    nature: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(default=1)  # 1 = highest
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    fixed: Mapped[bool] = mapped_column(default=False)  # committed: the scheduler never moves it
    start: Mapped[date] = mapped_column(Date)  # first day of a month
    duration_months: Mapped[int]
    # Saved although the envelope overflowed a year's cap (explicitly confirmed).
    draft: Mapped[bool] = mapped_column(default=False)
    # In a scenario: the operation of the original envelope this one copies (to compare them).
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id", ondelete="SET NULL"), index=True)
    illustrative: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    envelope: Mapped[Envelope] = relationship(back_populates="operations")
    site = relationship("Site")
    building = relationship("Building")
    phases: Mapped[list[OperationPhase]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="(OperationPhase.start, OperationPhase.id)"
    )
    ap_revisions: Mapped[list[ApRevision]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="(ApRevision.voted_on, ApRevision.id)"
    )
    cp_rows: Mapped[list[OperationCp]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="OperationCp.year"
    )
    actuals: Mapped[list[OperationActual]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="OperationActual.year"
    )
    savings: Mapped[list[OperationSaving]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="OperationSaving.carrier"
    )
    carry_overs: Mapped[list[CpCarryOver]] = relationship(
        back_populates="operation", cascade="all, delete-orphan", order_by="(CpCarryOver.from_year, CpCarryOver.id)"
    )

    def __repr__(self) -> str:
        return f"<Operation {self.id} {self.label!r}>"

    @property
    def current_ap_cents(self) -> int:
        """The AP in force: the latest revision (0 before any vote)."""
        return self.ap_revisions[-1].amount_cents if self.ap_revisions else 0

    @property
    def cp_by_year(self) -> dict[int, int]:
        return {row.year: row.amount_cents for row in self.cp_rows}


class OperationPhase(VersionedChild, db.Model):
    """A public-works phase (loi MOP) of an operation with its planned dates and share of the cost."""

    __tablename__ = "operation_phases"
    __version_parent__ = "operation"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    share_bp: Mapped[int]  # basis points: 10 000 = 100 %

    operation: Mapped[Operation] = relationship(back_populates="phases")

    def __repr__(self) -> str:
        return f"<OperationPhase {self.operation_id} {self.code}>"


class ProgrammeAp(db.Model):
    """An AP voted for a programme (an envelope), then assigned ("affectée") to its operations in parts whose sum
    never exceeds it."""

    __tablename__ = "programme_aps"

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("envelopes.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # voted (after its latest revision)
    voted_on: Mapped[date] = mapped_column(Date)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("budget_votes.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    envelope: Mapped[Envelope] = relationship()
    vote: Mapped[BudgetVote | None] = relationship()
    assignments: Mapped[list[ApAssignment]] = relationship(
        back_populates="programme_ap", cascade="all, delete-orphan", order_by="ApAssignment.id")

    def __repr__(self) -> str:
        return f"<ProgrammeAp {self.id} {self.label!r} {self.amount_cents}>"

    @property
    def assigned_cents(self) -> int:
        return sum(a.amount_cents for a in self.assignments)

    @property
    def unassigned_cents(self) -> int:
        return self.amount_cents - self.assigned_cents


class ApAssignment(db.Model):
    """The part of a programme AP assigned to one of its operations (one line per operation, changed in place)."""

    __tablename__ = "ap_assignments"
    __table_args__ = (UniqueConstraint("programme_ap_id", "operation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_ap_id: Mapped[int] = mapped_column(ForeignKey("programme_aps.id", ondelete="CASCADE"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    assigned_on: Mapped[date] = mapped_column(Date)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("budget_votes.id"), index=True)

    programme_ap: Mapped[ProgrammeAp] = relationship(back_populates="assignments")
    operation: Mapped[Operation] = relationship()
    vote: Mapped[BudgetVote | None] = relationship()

    def __repr__(self) -> str:
        return f"<ApAssignment {self.programme_ap_id} {self.operation_id} {self.amount_cents}>"


class ApLapseRule(db.Model):
    """The caducité rule of the département's règlement budgétaire et financier, dated: an AP with no commitment
    `lapse_years` after its latest vote lapses. The row in force on a day is the latest one valid from it."""

    __tablename__ = "ap_lapse_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, unique=True)
    lapse_years: Mapped[int]
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<ApLapseRule {self.valid_from} {self.lapse_years}>"


class BudgetVote(db.Model):
    """A budget vote of the assembly (budget primitif, décision modificative…): it approves AP creations,
    revisions and CP changes, which name it."""

    __tablename__ = "budget_votes"
    __table_args__ = (UniqueConstraint("year", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))  # a code of facilities.works.catalogue.VOTE_KIND_LABELS
    number: Mapped[int] = mapped_column(default=0)  # DM1, DM2…; 0 for the others
    year: Mapped[int]  # the budget year
    voted_on: Mapped[date] = mapped_column(Date)
    deliberation_ref: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    revisions: Mapped[list[ApRevision]] = relationship(back_populates="vote", order_by="ApRevision.id")
    carry_overs: Mapped[list[CpCarryOver]] = relationship(back_populates="vote", order_by="CpCarryOver.id")

    def __repr__(self) -> str:
        return f"<BudgetVote {self.code} {self.year}>"

    @property
    def code(self) -> str:
        """BP, DM1, DM2…: how the vote is named."""
        return f"{self.kind}{self.number}" if self.number else self.kind


class ApRevision(VersionedChild, db.Model):
    """One vote of an operation's AP (initial or revision). Appended, never edited: the history is kept."""

    __tablename__ = "ap_revisions"
    __version_parent__ = "operation"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)  # the AP after this vote
    voted_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("budget_votes.id"), index=True)
    # The échéancier approved with this AP ("2030:50000000;2031:50000000"): every version is kept.
    cp_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    operation: Mapped[Operation] = relationship(back_populates="ap_revisions")
    vote: Mapped[BudgetVote | None] = relationship(back_populates="revisions")

    @property
    def cp_by_year(self) -> dict[int, int] | None:
        """The échéancier approved with this AP (None for votes recorded before échéanciers were kept)."""
        return None if self.cp_text is None else parse_cents_by_year(self.cp_text)

    def __repr__(self) -> str:
        return f"<ApRevision {self.operation_id} {self.voted_on} {self.amount_cents}>"


class OperationCp(VersionedChild, db.Model):
    """One year of an operation's CP échéancier."""

    __tablename__ = "operation_cps"
    __version_parent__ = "operation"
    __table_args__ = (UniqueConstraint("operation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    amount_cents: Mapped[int] = mapped_column(BigInteger)

    operation: Mapped[Operation] = relationship(back_populates="cp_rows")

    def __repr__(self) -> str:
        return f"<OperationCp {self.operation_id} {self.year} {self.amount_cents}>"


class CpCarryOver(db.Model):
    """CP of a year that were not paid, re-spread onto later years (report de crédits): the year's CP were
    lowered to what was paid and `amount_cents` added to the years of `to_years` ("2031:20000000;2032:…")."""

    __tablename__ = "cp_carry_overs"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    from_year: Mapped[int]
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(8))  # "next" or "even" (facilities.works.catalogue)
    to_years: Mapped[str] = mapped_column(String(400))
    carried_on: Mapped[date] = mapped_column(Date)
    vote_id: Mapped[int | None] = mapped_column(ForeignKey("budget_votes.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    operation: Mapped[Operation] = relationship(back_populates="carry_overs")
    vote: Mapped[BudgetVote | None] = relationship(back_populates="carry_overs")

    def __repr__(self) -> str:
        return f"<CpCarryOver {self.operation_id} {self.from_year} {self.amount_cents}>"

    @property
    def cents_by_year(self) -> dict[int, int]:
        """The amounts added to each later year."""
        return parse_cents_by_year(self.to_years)


class OperationActual(db.Model):
    """Commitments (engagements) and payments (mandats) of an operation in one year."""

    __tablename__ = "operation_actuals"
    __table_args__ = (UniqueConstraint("operation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    committed_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)

    operation: Mapped[Operation] = relationship(back_populates="actuals")

    def __repr__(self) -> str:
        return f"<OperationActual {self.operation_id} {self.year}>"


class OperationSaving(db.Model):
    """Expected energy savings of an energy-retrofit operation, per carrier (kept as data for the energy area)."""

    __tablename__ = "operation_savings"
    __table_args__ = (UniqueConstraint("operation_id", "carrier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(32))  # a code of facilities.carriers
    kwh_per_year: Mapped[int] = mapped_column(BigInteger)

    operation: Mapped[Operation] = relationship(back_populates="savings")

    def __repr__(self) -> str:
        return f"<OperationSaving {self.operation_id} {self.carrier} {self.kwh_per_year}>"


# Searched by index from the search page (facilities/textsearch.py).
searchable(Envelope.__table__, "label", "category")
searchable(Operation.__table__, "label")
