"""Reference tables in the database, consumption records and default settings."""

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from facilities.energy import portfolio, services
from facilities.energy.models import REFERENCE_MODELS, BuildingEnergySettings, EnergyConsumption
from facilities.energy.reference import ScaleCode
from facilities.energy.reference_seed import seed_reference_data
from facilities.validation import ValidationError


def _counts(db):
    return {name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in REFERENCE_MODELS.items()}


def test_seeding_is_idempotent_and_matches_the_seed(db):
    first = services.ensure_reference_seeded()
    db.session.commit()
    seed = seed_reference_data()
    assert first == {name: len(getattr(seed, name)) for name in REFERENCE_MODELS}
    counts = _counts(db)
    assert services.ensure_reference_seeded() == {name: 0 for name in REFERENCE_MODELS}
    db.session.commit()
    assert _counts(db) == counts
    db.session.expire_all()
    assert services.load_reference_data() == seed  # same rows, same order, same values


def test_a_table_with_rows_is_not_reseeded(db, seeded):
    model = REFERENCE_MODELS["tertiaire_targets"]
    db.session.execute(model.__table__.delete().where(model.year == 2050))
    db.session.commit()
    services.ensure_reference_seeded()
    assert db.session.scalar(select(func.count()).select_from(model)) == 2  # an admin's deletion is kept


def test_stored_factor_keeps_its_exact_value(db, seeded):
    from datetime import date

    ref = services.load_reference_data()
    assert ref.primary_factor("electricity", date(2025, 1, 1)).factor == D("2.3")
    assert ref.primary_factor("electricity", date(2026, 1, 1)).describe()["value"] == "1.9"


def test_default_scale_by_site_kind(factory):
    home = factory.building(site=factory.site(kind="child_welfare_home"))
    ime = factory.building(site=factory.site(kind="ime"))
    hub = factory.building()
    assert services.settings_for(home).scale_code is ScaleCode.TERTIARY_CONTINUOUS
    assert services.settings_for(ime).scale_code is ScaleCode.TERTIARY_CONTINUOUS
    assert services.settings_for(hub).scale_code is ScaleCode.TERTIARY_OFFICE
    assert services.settings_for(hub).stored is False


def test_record_consumption_replaces_same_year_and_carrier(db, seeded, factory):
    building = factory.building(gross_floor_area_m2="1000")
    values = services.clean_entry(building, {"year": "2024", "carrier": "electricity", "kwh": "1 000",
                                             "source": "invoice"})
    _record, created = services.record_consumption(building, values)
    assert created
    values = services.clean_entry(building, {"year": "2024", "carrier": "electricity", "kwh": "1500,5"})
    _record, created = services.record_consumption(building, values)
    db.session.commit()
    assert not created
    rows = db.session.execute(select(EnergyConsumption)).scalars().all()
    assert [(r.year, r.carrier, r.kwh, r.source) for r in rows] == [(2024, "electricity", D("1500.50"), None)]


@pytest.mark.parametrize("raw, field", [
    ({"year": "2024", "carrier": "electricity", "kwh": "-5"}, "kwh"),
    ({"year": "1999", "carrier": "electricity", "kwh": "5"}, "year"),
    ({"year": "2024", "carrier": "steam", "kwh": "5"}, "carrier"),
    ({"year": "2024", "carrier": "electricity", "kwh": "5", "dju": "2000"}, "dju_mean"),
])
def test_clean_entry_names_the_field(factory, raw, field):
    building = factory.building(gross_floor_area_m2="1000")
    with pytest.raises(ValidationError) as error:
        services.clean_entry(building, raw)
    assert field in error.value.errors


def test_area_required_when_the_building_has_none(factory, seeded):
    building = factory.building()  # no gross floor area
    with pytest.raises(ValidationError) as error:
        services.clean_entry(building, {"year": "2024", "carrier": "electricity", "kwh": "5"})
    assert "area_m2" in error.value.errors
    values = services.clean_entry(building, {"year": "2024", "carrier": "electricity", "kwh": "5", "area_m2": "500"})
    services.record_consumption(building, values)
    # Once the year has an area, the next entry of that year needs none.
    assert services.clean_entry(building, {"year": "2024", "carrier": "natural_gas", "kwh": "5"})["area_m2"] is None


def test_report_uses_year_area_and_settings(db, seeded, factory):
    building = factory.building(gross_floor_area_m2="1000")
    for year, kwh in [(2015, "200000"), (2016, "150000"), (2024, "100000")]:
        services.record_consumption(building, services.clean_entry(
            building, {"year": year, "carrier": "natural_gas", "kwh": kwh}))
    services.record_consumption(building, services.clean_entry(
        building, {"year": 2024, "carrier": "electricity", "kwh": "0", "area_m2": "800"}))
    db.session.add(BuildingEnergySettings(building_id=building.id, scale_code="tertiary_other",
                                          reference_year=2016, cabs_kwh_m2=D("130")))
    db.session.commit()
    report = services.building_report(building.id)
    assert report["scale"] == "tertiary_other"
    by_year = {y["year"]: y for y in report["years"]}
    assert by_year[2024]["area_m2"] == 800.0 and by_year[2024]["final_kwh_m2"] == 125.0  # 100,000 / 800
    assert report["tertiaire"]["reference_year"] == 2016  # the user's choice, not the highest (2015)
    assert report["tertiaire"]["cabs_kwh_m2"] == 130.0
    assert report["tertiaire"]["status"] == "on_track"  # 125 > path but <= Cabs 130


def test_building_report_query_count_does_not_grow_with_years(db, seeded, factory):
    from tests.conftest import count_queries

    building = factory.building(gross_floor_area_m2="1000")
    services.record_consumption(building, services.clean_entry(
        building, {"year": 2015, "carrier": "natural_gas", "kwh": "1000"}))
    db.session.commit()
    services.forget_reference_data()
    with count_queries(db) as few:
        services.building_report(building.id)
    for year in range(2016, 2026):
        for carrier in ("natural_gas", "electricity", "district_heating"):
            services.record_consumption(building, services.clean_entry(
                building, {"year": year, "carrier": carrier, "kwh": "1000", "dju": "2000", "dju_mean": "2100"}))
    db.session.commit()
    services.forget_reference_data()
    with count_queries(db) as many:
        services.building_report(building.id)
    assert len(many) == len(few)


def test_latest_dpe_class_by_site_is_the_worst_building(db, seeded, factory):
    from tests.conftest import count_queries

    site = factory.site()
    good = factory.building(site=site, gross_floor_area_m2="1000")
    bad = factory.building(site=site, gross_floor_area_m2="1000")
    # Office scale on primary energy: 40 kWh/m² → A; 400 kWh/m² gas → E.
    services.record_consumption(good, services.clean_entry(good, {"year": 2024, "carrier": "natural_gas", "kwh": "40000"}))
    services.record_consumption(bad, services.clean_entry(bad, {"year": 2024, "carrier": "natural_gas", "kwh": "400000"}))
    other = factory.building(gross_floor_area_m2="500")  # another site, no data
    db.session.commit()
    with count_queries(db) as queries:
        classes = portfolio.latest_dpe_class_by_site()
    assert classes == {site.id: "E"}
    assert other.site_id not in classes
    # One per reference table (seven), the ERP thresholds and scale (two), the buildings, their kWh and years.
    assert len(queries) <= 12
