"""Candidate retrofit operations of an envelope: what the retrofit optimiser may choose and schedule (cost,
yearly savings per carrier, earliest start, duration). Money in integer cents, energy in kWh of final energy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.database import Versioned, VersionedChild
from facilities.extensions import db
from facilities.timeutil import utcnow


class RetrofitCandidate(Versioned, db.Model):
    """A retrofit operation that could be carried out on a building, under an envelope's caps."""

    __tablename__ = "retrofit_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    envelope_id: Mapped[int] = mapped_column(ForeignKey("envelopes.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    cost_cents: Mapped[int] = mapped_column(BigInteger)
    earliest_start_year: Mapped[int]
    duration_years: Mapped[int]
    illustrative: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    envelope = relationship("Envelope")
    building = relationship("Building")
    savings: Mapped[list[RetrofitCandidateSaving]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="RetrofitCandidateSaving.carrier"
    )

    def __repr__(self) -> str:
        return f"<RetrofitCandidate {self.id} {self.label!r}>"

    @property
    def savings_by_carrier(self) -> dict[str, int]:
        return {row.carrier: row.kwh_per_year for row in self.savings}


class RetrofitCandidateSaving(VersionedChild, db.Model):
    """The kWh of final energy a candidate is expected to save each year in one carrier."""

    __tablename__ = "retrofit_candidate_savings"
    __version_parent__ = "candidate"
    __table_args__ = (UniqueConstraint("candidate_id", "carrier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("retrofit_candidates.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str] = mapped_column(String(32))  # a code of facilities.carriers
    kwh_per_year: Mapped[int] = mapped_column(BigInteger)

    candidate: Mapped[RetrofitCandidate] = relationship(back_populates="savings")

    def __repr__(self) -> str:
        return f"<RetrofitCandidateSaving {self.candidate_id} {self.carrier} {self.kwh_per_year}>"
