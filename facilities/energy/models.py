"""Models of the energy area: yearly consumption, per-year building data, energy settings, and the dated
reference tables that mirror `facilities.energy.reference` (one model per dataclass, same table name)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.database import Versioned, VersionedChild
from facilities.energy import reference as ref
from facilities.extensions import db
from facilities.timeutil import utcnow

KWH = Numeric(16, 2)
AREA = Numeric(12, 2)
FACTOR = Numeric(12, 6)


class EnergyConsumption(Versioned, db.Model):
    """kWh of final energy used by a building in one calendar year, for one carrier."""

    __tablename__ = "energy_consumptions"
    __table_args__ = (
        UniqueConstraint("building_id", "year", "carrier", name="uq_energy_consumptions_building_year_carrier"),
        Index("ix_energy_consumptions_year", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    carrier: Mapped[str] = mapped_column(String(32))
    kwh: Mapped[Decimal] = mapped_column(KWH)
    source: Mapped[str | None] = mapped_column(String(16))  # invoice, meter, estimate; None: not stated
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<EnergyConsumption {self.building_id} {self.year} {self.carrier} {self.kwh}>"


class BuildingEnergyYear(db.Model):
    """Per building and year: energy reference area (None: the building's gross floor area) and DJU."""

    __tablename__ = "building_energy_years"
    __table_args__ = (UniqueConstraint("building_id", "year", name="uq_building_energy_years_building_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    dju: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    dju_mean: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))

    def __repr__(self) -> str:
        return f"<BuildingEnergyYear {self.building_id} {self.year}>"


class BuildingEnergySettings(Versioned, db.Model):
    """A building's DPE scale, the reference year set by a user and its optional absolute target (Cabs)."""

    __tablename__ = "building_energy_settings"

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True)
    scale_code: Mapped[str] = mapped_column(String(32))
    reference_year: Mapped[int | None]
    cabs_kwh_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    network: Mapped[str | None] = mapped_column(String(100))  # heating/cooling network (emission_factors.network)

    def __repr__(self) -> str:
        return f"<BuildingEnergySettings {self.building_id} {self.scale_code}>"


class Efa(Versioned, db.Model):
    """An EFA (entité fonctionnelle assujettie), the unit declared on OPERAT: one site, one activity category,
    one or more buildings or parts of buildings (`parts`), with an optional reference year chosen by a user."""

    __tablename__ = "efas"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    activity_category: Mapped[str | None] = mapped_column(String(32))  # inventory.catalogue; None: not stated
    reference_year: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parts: Mapped[list[EfaPart]] = relationship(back_populates="efa", cascade="all, delete-orphan",
                                                order_by="EfaPart.building_id")

    def __repr__(self) -> str:
        return f"<Efa {self.id} {self.label}>"


class EfaPart(VersionedChild, db.Model):
    """A building, or the part of it with `tertiary_area_m2` of tertiary floor area, in an EFA; None: the
    building's whole tertiary area (it follows the building's)."""

    __tablename__ = "efa_parts"
    __version_parent__ = "efa"
    __table_args__ = (UniqueConstraint("efa_id", "building_id", name="uq_efa_parts_efa_building"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    efa_id: Mapped[int] = mapped_column(ForeignKey("efas.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    tertiary_area_m2: Mapped[Decimal | None] = mapped_column(AREA)

    efa: Mapped[Efa] = relationship(back_populates="parts")

    def __repr__(self) -> str:
        return f"<EfaPart {self.efa_id} {self.building_id} {self.tertiary_area_m2}>"


# ---------------------------------------------------------------------------------------------- reference


def plain_decimal(value) -> Decimal:
    """A stored number without the padding zeros of its column scale (2.300000 → 2.3, 100.00 → 100)."""
    number = Decimal(value)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


class DatedRowMixin(Versioned):
    """Validity (both bounds inclusive; valid_to None: still in force) and the text it comes from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))

    row_type: type[ref.DatedRow]  # the pure dataclass this table mirrors

    def _dated(self) -> dict:
        return {"valid_from": self.valid_from, "valid_to": self.valid_to, "source": self.source}

    def to_row(self) -> ref.DatedRow:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.valid_from}..{self.valid_to or ''}>"


class PrimaryEnergyFactorRecord(DatedRowMixin, db.Model):
    __tablename__ = ref.PrimaryEnergyFactor.table
    row_type = ref.PrimaryEnergyFactor

    carrier: Mapped[str] = mapped_column(String(32), index=True)
    factor: Mapped[Decimal] = mapped_column(FACTOR)

    def to_row(self) -> ref.PrimaryEnergyFactor:
        return ref.PrimaryEnergyFactor(carrier=self.carrier, factor=plain_decimal(self.factor), **self._dated())


class EmissionFactorRecord(DatedRowMixin, db.Model):
    __tablename__ = ref.EmissionFactor.table
    row_type = ref.EmissionFactor

    carrier: Mapped[str] = mapped_column(String(32), index=True)
    kg_co2e_per_kwh: Mapped[Decimal] = mapped_column(FACTOR)
    network: Mapped[str | None] = mapped_column(String(100))  # None: the generic row of the carrier

    def to_row(self) -> ref.EmissionFactor:
        return ref.EmissionFactor(carrier=self.carrier, kg_co2e_per_kwh=plain_decimal(self.kg_co2e_per_kwh),
                                  network=self.network, **self._dated())


class DpeScaleRecord(DatedRowMixin, db.Model):
    """Upper bounds of classes A..F (G above) of one scale code and metric."""

    __tablename__ = ref.DpeScale.table
    row_type = ref.DpeScale
    BOUND_COLUMNS = ("bound_a", "bound_b", "bound_c", "bound_d", "bound_e", "bound_f")

    code: Mapped[str] = mapped_column(String(32), index=True)
    metric: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200))
    bound_a: Mapped[Decimal] = mapped_column(FACTOR)
    bound_b: Mapped[Decimal] = mapped_column(FACTOR)
    bound_c: Mapped[Decimal] = mapped_column(FACTOR)
    bound_d: Mapped[Decimal] = mapped_column(FACTOR)
    bound_e: Mapped[Decimal] = mapped_column(FACTOR)
    bound_f: Mapped[Decimal] = mapped_column(FACTOR)
    upper_inclusive: Mapped[bool] = mapped_column(default=True)
    in_label: Mapped[bool] = mapped_column(default=True)

    def to_row(self) -> ref.DpeScale:
        return ref.DpeScale(
            code=self.code, label=self.label, metric=self.metric,
            upper_bounds=tuple(plain_decimal(getattr(self, name)) for name in self.BOUND_COLUMNS),
            upper_inclusive=self.upper_inclusive, in_label=self.in_label, **self._dated(),
        )


class TertiaireWeightRecord(DatedRowMixin, db.Model):
    __tablename__ = ref.TertiaireWeight.table
    row_type = ref.TertiaireWeight

    carrier: Mapped[str] = mapped_column(String(32), index=True)
    weight: Mapped[Decimal] = mapped_column(FACTOR)

    def to_row(self) -> ref.TertiaireWeight:
        return ref.TertiaireWeight(carrier=self.carrier, weight=plain_decimal(self.weight), **self._dated())


class TertiaireTargetRecord(DatedRowMixin, db.Model):
    __tablename__ = ref.TertiaireTarget.table
    row_type = ref.TertiaireTarget

    year: Mapped[int]
    reduction: Mapped[Decimal] = mapped_column(FACTOR)

    def to_row(self) -> ref.TertiaireTarget:
        return ref.TertiaireTarget(year=self.year, reduction=plain_decimal(self.reduction), **self._dated())


class TertiaireRuleRecord(DatedRowMixin, db.Model):
    __tablename__ = ref.TertiaireRule.table
    row_type = ref.TertiaireRule

    min_area_m2: Mapped[Decimal] = mapped_column(AREA)
    reference_first_year: Mapped[int]
    reference_last_year: Mapped[int]
    first_full_year_deadline: Mapped[date | None] = mapped_column(Date)
    declaration_month: Mapped[int | None]
    declaration_day: Mapped[int | None]

    def to_row(self) -> ref.TertiaireRule:
        return ref.TertiaireRule(
            min_area_m2=plain_decimal(self.min_area_m2), reference_first_year=self.reference_first_year,
            reference_last_year=self.reference_last_year, first_full_year_deadline=self.first_full_year_deadline,
            declaration_month=self.declaration_month, declaration_day=self.declaration_day, **self._dated(),
        )


class DpeDisplayRuleRecord(DatedRowMixin, db.Model):
    __tablename__ = ref.DpeDisplayRule.table
    row_type = ref.DpeDisplayRule

    min_area_m2: Mapped[Decimal] = mapped_column(AREA)
    max_erp_category: Mapped[int]
    public_owner_only: Mapped[bool] = mapped_column(default=True)

    def to_row(self) -> ref.DpeDisplayRule:
        return ref.DpeDisplayRule(min_area_m2=plain_decimal(self.min_area_m2), max_erp_category=self.max_erp_category,
                                  public_owner_only=self.public_owner_only, **self._dated())


# ReferenceData field name → model, in the order of the ReferenceData fields.
REFERENCE_MODELS: dict[str, type[DatedRowMixin]] = {
    "primary_energy_factors": PrimaryEnergyFactorRecord,
    "emission_factors": EmissionFactorRecord,
    "dpe_scales": DpeScaleRecord,
    "tertiaire_weights": TertiaireWeightRecord,
    "tertiaire_targets": TertiaireTargetRecord,
    "tertiaire_rules": TertiaireRuleRecord,
    "dpe_display_rules": DpeDisplayRuleRecord,
}


class EnergyStanding(db.Model):
    """A building's stored standing (`portfolio.standing`, the building page's own computation): the cache the
    portfolio dashboard, the home panel and the map aggregate in SQL. Kept up to date in the transaction that
    changes its inputs (`energy/standings.py`); valid from `computed_on` until the day before `valid_until` (the
    next new year or change of a dated reference row), after which it is recomputed."""

    __tablename__ = "energy_standings"
    __table_args__ = (
        Index("ix_energy_standings_status_gap", "status", "gap_ratio", "gap_kwh_m2"),
        # A site's worst DPE letter from the index alone (the map's DPE colouring asks it of every site in view).
        Index("ix_energy_standings_site_id_dpe_class", "site_id", "dpe_class"),
    )

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int]
    latest_year: Mapped[int | None]  # the latest complete year (the one judged)
    dpe_class: Mapped[str | None] = mapped_column(String(1), index=True)  # today's DPE
    dpe_years: Mapped[str | None] = mapped_column(String(40))  # the years today's DPE averages, "2023,2024,2025"
    tertiaire_kwh_m2: Mapped[float | None] = mapped_column(Float)
    path_kwh_m2: Mapped[float | None] = mapped_column(Float)
    gap_kwh_m2: Mapped[float | None] = mapped_column(Float)
    gap_ratio: Mapped[float | None] = mapped_column(Float)  # gap / path: what "furthest off track" sorts on
    status: Mapped[str | None] = mapped_column(String(16))  # on_track / off_track on the latest complete year
    reference_year: Mapped[int | None]  # the Décret tertiaire reference year used
    subject: Mapped[bool] = mapped_column(default=False)
    dpe_display_required: Mapped[bool | None] = mapped_column(index=True)  # the dashboard lists the few that must
    incomplete: Mapped[bool] = mapped_column(default=False)  # a year after the latest complete one is incomplete
    computed_on: Mapped[date] = mapped_column(Date)  # the day (Paris) it was computed for
    valid_until: Mapped[date] = mapped_column(Date)  # first day it may no longer hold
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<EnergyStanding {self.building_id} {self.dpe_class} {self.status}>"


class EnergyYearTotal(db.Model):
    """The portfolio's kWh of one year and carrier (the sum of `energy_consumptions`), stored for the dashboard's
    totals; recomputed for the years a transaction's consumption changes touch (`energy/standings.py`)."""

    __tablename__ = "energy_year_totals"

    year: Mapped[int] = mapped_column(primary_key=True)
    carrier: Mapped[str] = mapped_column(String(32), primary_key=True)
    kwh: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    records: Mapped[int]  # consumption records summed

    def __repr__(self) -> str:
        return f"<EnergyYearTotal {self.year} {self.carrier} {self.kwh}>"


class EnergyStandingCount(db.Model):
    """How many stored standings share a DPE class, a status and the subject flag ("" for none), with the latest day
    they were computed for and the earliest day one of them stops holding: the dashboard's counts without reading
    every standing (kept by `energy/standings.py` with the standings)."""

    __tablename__ = "energy_standing_counts"

    dpe_class: Mapped[str] = mapped_column(String(1), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[bool] = mapped_column(primary_key=True)
    count: Mapped[int]
    computed_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<EnergyStandingCount {self.dpe_class} {self.status} {self.subject} {self.count}>"
