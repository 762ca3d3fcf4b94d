"""Services of the energy area: reference tables, consumption records, building and portfolio indicators.

Data is loaded in bulk (a fixed number of queries whatever the number of buildings or years) and handed
to the pure functions (`year_indicators`, `tertiaire`, `building_report`, `projection`). Services flush, never
commit: the request or command wrapper (facilities/database.py) commits once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask import g, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from facilities import years
from facilities.energy import reference_seed
from facilities.energy.building_report import building_energy_report
from facilities.energy.input_validation import check_entry
from facilities.energy.models import (
    REFERENCE_MODELS,
    BuildingEnergySettings,
    BuildingEnergyYear,
    DpeScaleRecord,
    EnergyConsumption,
)
from facilities.energy.projection import RetrofitOperation, reception_year
from facilities.energy.reference import (
    MissingReferenceError,
    ReferenceData,
    ScaleCode,
)
from facilities.energy.tertiaire import SubjectTest, subject_test
from facilities.energy.year_indicators import YearConsumption
from facilities.extensions import db
from facilities.inventory import rules as inventory_rules
from facilities.inventory.models import Building, Site
from facilities.validation import Rule, ValidationError, clean, year_rule

# The portfolio is the département's own: every building has a public owner (the mandatory DPE display).
PORTFOLIO_IS_PUBLIC = True
# Sites whose buildings are occupied day and night are rated on the continuous-occupation scale.
CONTINUOUS_OCCUPATION_KINDS = frozenset({"child_welfare_home", "ime"})


# ------------------------------------------------------------------------------------ reference data


def _seed_rows_by_table() -> dict[str, tuple]:
    seed = reference_seed.seed_reference_data()
    return {name: getattr(seed, name) for name in REFERENCE_MODELS}


def record_values(row) -> dict[str, Any]:
    """Column values of a reference record from a pure dataclass row."""
    values = {"valid_from": row.valid_from, "valid_to": row.valid_to, "source": row.source}
    for spec in dataclasses.fields(row):
        name = spec.name
        if name in values:
            continue
        value = getattr(row, name)
        if name == "upper_bounds":
            values.update(zip(DpeScaleRecord.BOUND_COLUMNS, value, strict=True))
        else:
            values[name] = str(value) if isinstance(value, str) else value  # enums stored as their code
    return values


def ensure_reference_seeded() -> dict[str, int]:
    """Insert the seed rows into each empty reference table (a table with rows is left alone); idempotent.
    Returns the number of rows inserted per table."""
    inserted = {}
    for name, rows in _seed_rows_by_table().items():
        model = REFERENCE_MODELS[name]
        if db.session.scalar(select(func.count()).select_from(model)):
            inserted[name] = 0
            continue
        for row in rows:
            db.session.add(model(**record_values(row)))
        inserted[name] = len(rows)
    db.session.flush()
    forget_reference_data()
    return inserted


def load_reference_data() -> ReferenceData:
    """The pure reference container built from the database tables (one query per table)."""
    tables = {}
    for name, model in REFERENCE_MODELS.items():
        records = db.session.execute(select(model).order_by(model.id)).scalars()
        tables[name] = tuple(record.to_row() for record in records)
    return ReferenceData(**tables)


def reference_data() -> ReferenceData:
    """The reference data, loaded once per request or command."""
    if not has_app_context():
        return load_reference_data()
    if "energy_reference" not in g:
        g.energy_reference = load_reference_data()
    return g.energy_reference


def forget_reference_data() -> None:
    """Drop the per-request copy after the tables changed."""
    if has_app_context():
        g.pop("energy_reference", None)
        g.pop("erp_reference", None)


# ------------------------------------------------------------------------------------ settings


def default_scale(site_kind: str | None) -> ScaleCode:
    """The DPE scale of a building by default: continuous occupation for homes and IMEs, else offices."""
    if site_kind in CONTINUOUS_OCCUPATION_KINDS:
        return ScaleCode.TERTIARY_CONTINUOUS
    return ScaleCode.TERTIARY_OFFICE


@dataclass(frozen=True)
class EnergySettings:
    scale_code: ScaleCode
    reference_year: int | None
    cabs_kwh_m2: Decimal | None
    stored: bool  # False: defaults, nothing saved yet
    network: str | None = None  # the heating/cooling network the building is on


def settings_record(building: Building) -> BuildingEnergySettings | None:
    """The building's saved energy settings (None: the defaults apply, nothing saved yet)."""
    return db.session.get(BuildingEnergySettings, building.id)


def settings_for(building: Building, record: BuildingEnergySettings | None = None,
                 site_kind: str | None = None) -> EnergySettings:
    """A building's energy settings, or the defaults when none were saved."""
    if record is None:
        record = db.session.get(BuildingEnergySettings, building.id)
    if record is not None:
        return EnergySettings(ScaleCode(record.scale_code), record.reference_year, record.cabs_kwh_m2, True,
                              record.network)
    kind = site_kind if site_kind is not None else (building.site.kind if building.site else None)
    return EnergySettings(default_scale(kind), None, None, False)


def save_settings(building: Building, values: dict) -> BuildingEnergySettings:
    """Store the scale, reference year and Cabs of a building (values checked by `clean_settings`)."""
    record = db.session.get(BuildingEnergySettings, building.id)
    if record is None:
        record = BuildingEnergySettings(building_id=building.id)
        db.session.add(record)
    record.scale_code = str(values["scale_code"])
    record.reference_year = values.get("reference_year")
    record.cabs_kwh_m2 = values.get("cabs_kwh_m2")
    record.network = values.get("network")
    db.session.flush()
    return record


# ------------------------------------------------------------------------------------ consumption


def clean_consumption(raw: dict, *, area_required: bool = False, today: date | None = None) -> dict:
    """Typed values of one consumption entry (with optional area and DJU of the year), or ValidationError."""
    values, errors = check_entry(raw, today=today, area_required=area_required)
    if errors:
        raise ValidationError(errors)
    return values


def needs_area(building: Building, year: int | None) -> bool:
    """True when a year's consumption cannot be put per m²: no floor area and no area stored for the year."""
    if building.gross_floor_area_m2 is not None:
        return False
    if year is None:
        return True
    stored = db.session.execute(
        select(BuildingEnergyYear.area_m2).where(BuildingEnergyYear.building_id == building.id,
                                                 BuildingEnergyYear.year == year)
    ).scalar_one_or_none()
    return stored is None


def _set_year_data(building_id: int, year: int, values: dict) -> None:
    changes = {k: values.get(k) for k in ("area_m2", "dju", "dju_mean") if values.get(k) is not None}
    if not changes:
        return
    record = db.session.execute(
        select(BuildingEnergyYear).where(BuildingEnergyYear.building_id == building_id,
                                         BuildingEnergyYear.year == year)
    ).scalar_one_or_none()
    if record is None:
        record = BuildingEnergyYear(building_id=building_id, year=year)
        db.session.add(record)
    for key, value in changes.items():
        setattr(record, key, value)


def record_consumption(building: Building, values: dict) -> tuple[EnergyConsumption, bool]:
    """Create or replace the consumption of a building for a year and carrier; returns (record, created)."""
    carrier = str(values["carrier"])
    record = db.session.execute(
        select(EnergyConsumption).where(EnergyConsumption.building_id == building.id,
                                        EnergyConsumption.year == values["year"],
                                        EnergyConsumption.carrier == carrier)
    ).scalar_one_or_none()
    created = record is None
    if created:
        record = EnergyConsumption(building_id=building.id, year=values["year"], carrier=carrier)
        db.session.add(record)
    record.kwh = values["kwh"]
    record.source = str(values["source"]) if values.get("source") else None
    if values.get("note") is not None:
        record.note = values["note"]
    _set_year_data(building.id, values["year"], values)
    db.session.flush()
    return record, created


def delete_consumption(building: Building, consumption_id: int) -> bool:
    """Delete one consumption record of the building; False when it does not exist."""
    record = db.session.get(EnergyConsumption, consumption_id)
    if record is None or record.building_id != building.id:
        return False
    db.session.delete(record)
    db.session.flush()
    return True


def consumption_records(building_id: int) -> list[EnergyConsumption]:
    """The consumption records of a building, by year then carrier."""
    return list(db.session.execute(
        select(EnergyConsumption).where(EnergyConsumption.building_id == building_id)
        .order_by(EnergyConsumption.year, EnergyConsumption.carrier)
    ).scalars())


# ------------------------------------------------------------------------------------ indicators


@dataclass
class BuildingEnergy:
    """What the pure report needs about one building, loaded in bulk."""

    building_id: int
    site_id: int
    code: str
    name: str
    gross_floor_area_m2: Decimal | None
    settings: EnergySettings
    kwh: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # year → carrier → kWh
    tertiary_area_m2: Decimal | None = None  # as recorded, else the gross area less the housing
    housing_area_m2: Decimal | None = None
    site_tertiary_area_m2: Decimal | None = None  # the tertiary areas of every building of the site, added up
    activity_category: str | None = None
    erp_category: int | None = None
    years: dict[int, dict[str, Any]] = field(default_factory=dict)  # year → area_m2, dju, dju_mean

    def consumptions(self) -> tuple[list[YearConsumption], list[int]]:
        """YearConsumption per year with data, and the years left out for want of an area."""
        result, no_area = [], []
        for year in sorted(self.kwh):
            extra = self.years.get(year, {})
            area = extra.get("area_m2") if extra.get("area_m2") is not None else self.gross_floor_area_m2
            if area is None or area <= 0:
                no_area.append(year)
                continue
            result.append(YearConsumption(year, self.kwh[year], area, extra.get("dju"), extra.get("dju_mean")))
        return result, no_area

    def tertiary(self) -> Decimal | None:
        """The tertiary floor area: as recorded, else the gross area less the housing."""
        return inventory_rules.tertiary_area_m2(self.gross_floor_area_m2, self.tertiary_area_m2, self.housing_area_m2)

    def recorded_areas(self) -> list[Decimal]:
        """The areas recorded for the years (not the defaults): what made the building subject before."""
        return [extra["area_m2"] for extra in self.years.values() if extra.get("area_m2") is not None]

    def subject(self, ref: ReferenceData, today: date | None = None) -> SubjectTest:
        """The Décret tertiaire subject test of the building, without computing its years."""
        return subject_test(self.tertiary(), ref, housing_area_m2=self.housing_area_m2,
                            gross_area_m2=self.gross_floor_area_m2, site_tertiary_area_m2=self.site_tertiary_area_m2,
                            past_areas_m2=self.recorded_areas(), today=today)

    def dpe_display(self, ref: ReferenceData, today: date | None = None) -> dict[str, Any]:
        """Whether the building must display its DPE (`DpeDisplayRule`: a public owner, the département, over the
        area, an ERP of category 1 to 4); `required` None when no rule is in force."""
        try:
            rule = ref.dpe_display_rule(today or date.today())
        except MissingReferenceError as error:
            return {"required": None, "references": [], "missing": [str(error)]}
        required = rule.applies(self.gross_floor_area_m2, self.erp_category, public_owner=PORTFOLIO_IS_PUBLIC)
        return {"required": required, "references": [rule.describe()], "missing": []}

    def report(self, ref: ReferenceData, today: date | None = None,
               operations: list[RetrofitOperation] | None = None) -> dict[str, Any]:
        """The API payload of `building_energy_report`, plus `years_without_area`; with `operations`
        (`retrofit_operations`), the `projection` after the received retrofit works too."""
        consumptions, no_area = self.consumptions()
        reference_year = self.settings.reference_year
        report = building_energy_report(
            consumptions, self.settings.scale_code, ref, building_area_m2=self.gross_floor_area_m2,
            reference_year=reference_year, cabs_kwh_m2=self.settings.cabs_kwh_m2, today=today,
            operations=operations, network=self.settings.network, tertiary_area_m2=self.tertiary(),
            housing_area_m2=self.housing_area_m2, site_tertiary_area_m2=self.site_tertiary_area_m2,
            recorded_areas_m2=self.recorded_areas(),
        )
        report["years_without_area"] = no_area
        report["dpe_display"] = self.dpe_display(ref, today)
        return report


def load_building_energy(building_ids: Iterable[int] | None = None) -> dict[int, BuildingEnergy]:
    """Energy inputs of the given buildings (all when None) in four queries, whatever their number."""
    ids = None if building_ids is None else list(building_ids)
    query = (
        select(Building.id, Building.site_id, Building.code, Building.name, Building.gross_floor_area_m2,
               Site.kind, BuildingEnergySettings, Building.tertiary_area_m2, Building.housing_area_m2,
               Building.activity_category, Building.erp_types, Building.public_capacity, Building.staff_capacity,
               Building.with_accommodation, Building.erp_category_override)
        .join(Site, Building.site_id == Site.id)
        .outerjoin(BuildingEnergySettings, BuildingEnergySettings.building_id == Building.id)
        .order_by(Building.code)
    )
    if ids is not None:
        query = query.where(Building.id.in_(ids))
    result: dict[int, BuildingEnergy] = {}
    rows = db.session.execute(query).all()
    erp_ref = erp_reference() if rows else None
    for bid, site_id, code, name, area, kind, settings, tertiary, housing, category, *erp_data in rows:
        if settings is not None:
            chosen = EnergySettings(ScaleCode(settings.scale_code), settings.reference_year, settings.cabs_kwh_m2,
                                    True, settings.network)
        else:
            chosen = EnergySettings(default_scale(kind), None, None, False)
        result[bid] = BuildingEnergy(bid, site_id, code, name, area, chosen,
                                     tertiary_area_m2=inventory_rules.tertiary_area_m2(area, tertiary, housing),
                                     housing_area_m2=housing, activity_category=category,
                                     erp_category=_erp_category(erp_data, erp_ref))
    if not result:
        return result
    if ids is None:  # every building is loaded: add up the sites' tertiary areas without another query
        totals: dict[int, Decimal] = {}
        for item in result.values():
            totals[item.site_id] = totals.get(item.site_id, Decimal(0)) + (item.tertiary_area_m2 or Decimal(0))
    else:
        totals = site_tertiary_areas({item.site_id for item in result.values()})
    for item in result.values():
        item.site_tertiary_area_m2 = totals.get(item.site_id)
    kwh_query = (
        select(EnergyConsumption.building_id, EnergyConsumption.year, EnergyConsumption.carrier,
               func.sum(EnergyConsumption.kwh))
        .group_by(EnergyConsumption.building_id, EnergyConsumption.year, EnergyConsumption.carrier)
    )
    year_query = select(BuildingEnergyYear)
    if ids is not None:
        kwh_query = kwh_query.where(EnergyConsumption.building_id.in_(ids))
        year_query = year_query.where(BuildingEnergyYear.building_id.in_(ids))
    for bid, year, carrier, kwh in db.session.execute(kwh_query):
        if bid in result:
            result[bid].kwh.setdefault(year, {})[carrier] = Decimal(kwh)
    for record in db.session.execute(year_query).scalars():
        if record.building_id in result:
            result[record.building_id].years[record.year] = {
                "area_m2": record.area_m2, "dju": record.dju, "dju_mean": record.dju_mean}
    return result


def erp_reference():
    """The ERP thresholds and category scale in force today (inventory.erp), read once per request or command."""
    from facilities.inventory import erp

    if not has_app_context():
        return erp.reference_in_force()
    if "erp_reference" not in g:
        g.erp_reference = erp.reference_in_force()
    return g.erp_reference


def _erp_category(erp_data, reference) -> int | None:
    """A building's ERP category in force (its override, else derived from its types and capacities)."""
    from facilities.inventory import erp

    types, public, staff, accommodation, override = erp_data
    building = SimpleNamespace(erp_types=types, public_capacity=public, staff_capacity=staff,
                               with_accommodation=accommodation, erp_category_override=override)
    return erp.building_category(building, reference).category


def site_tertiary_areas(site_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """{site id: the tertiary floor areas of its buildings added up} (one query; all sites when None)."""
    query = select(Building.site_id, Building.gross_floor_area_m2, Building.tertiary_area_m2, Building.housing_area_m2)
    if site_ids is not None:
        query = query.where(Building.site_id.in_(list(site_ids)))
    totals: dict[int, Decimal] = {}
    for site_id, gross, tertiary, housing in db.session.execute(query):
        area = inventory_rules.tertiary_area_m2(gross, tertiary, housing)
        totals[site_id] = totals.get(site_id, Decimal(0)) + (area or Decimal(0))
    return totals


def retrofit_operations(building_id: int) -> list[RetrofitOperation]:
    """The works operations of the building that are energy retrofits or expect savings, as the pure
    projection sees them (three queries; operations of a scenario or only of the site are left out)."""
    from facilities.works import views as works
    from facilities.works.scheduling.months import add_months

    result = []
    for op in works.savings_operations_for_building(building_id):
        end = add_months(op.start, op.duration_months) - timedelta(days=1)
        result.append(RetrofitOperation(
            op.id, op.label, op.status, op.nature,
            reception_year([(p.code, p.start, p.end) for p in op.phases], end),
            {s.carrier: Decimal(s.kwh_per_year) for s in op.savings}, op.illustrative))
    return result


def building_report(building_id: int, today: date | None = None) -> dict[str, Any] | None:
    """The energy report of one building (the API shape, with its `projection` after the retrofit works),
    or None when the building does not exist."""
    loaded = load_building_energy([building_id]).get(building_id)
    if loaded is None:
        return None
    return loaded.report(reference_data(), today, operations=retrofit_operations(building_id))


SETTINGS_RULES = (
    Rule("scale_code", "choice", _l("DPE scale"), required=True, choices=lambda: [str(c) for c in ScaleCode]),
    year_rule("reference_year", _l("Reference year"), years.CONSUMPTION),
    Rule("cabs_kwh_m2", "decimal", _l("Absolute target Cabs"), minimum=Decimal(0), exclusive_minimum=True,
         maximum=Decimal(100000), places=2, unit="kWh/m²"),
    Rule("network", "text", _l("Heating or cooling network"), max_length=100),
)


def clean_settings(raw: dict, building_id: int, today: date | None = None) -> dict:
    """Typed energy settings; the reference year must lie in the window in force and have consumption data."""
    values = clean(SETTINGS_RULES, raw)
    year = values.get("reference_year")
    if year is not None:
        rule = reference_data().tertiaire_rule(today or date.today())
        if not rule.reference_first_year <= year <= rule.reference_last_year:
            raise ValidationError({"reference_year": _(
                "The reference year must be between %(first)s and %(last)s.",
                first=rule.reference_first_year, last=rule.reference_last_year)})
        has_data = db.session.scalar(select(func.count()).select_from(EnergyConsumption).where(
            EnergyConsumption.building_id == building_id, EnergyConsumption.year == year))
        if not has_data:
            raise ValidationError({"reference_year": _(
                "No consumption is recorded for %(year)s: enter it first.", year=year)})
        _check_complete_year(building_id, year, today or date.today())
    return values


def _check_complete_year(building_id: int, year: int, today: date) -> None:
    """A reference year must be complete (energy.completeness): a carrier used the year before with no record
    that year would make the reference too low."""
    from facilities.energy.completeness import year_completeness

    loaded = load_building_energy([building_id]).get(building_id)
    consumptions, _no_area = loaded.consumptions() if loaded else ([], [])
    found = year_completeness(consumptions, today).get(year)
    if found is not None and found.missing_carriers:
        raise ValidationError({"reference_year": _(
            "%(year)s is incomplete: no consumption recorded for %(carriers)s, used the year before.", year=year,
            carriers=", ".join(found.missing_carriers))})


def clean_entry(building: Building, raw: dict, today: date | None = None) -> dict:
    """A consumption entry for a known building (form or API): the building's code is implied."""
    values = clean_consumption({**raw, "building_code": building.code}, today=today)
    if values["area_m2"] is None and needs_area(building, values["year"]):
        raise ValidationError({"area_m2": _("The building has no floor area: give the area for this year.")})
    return values
