"""The stored standings (energy/standings.py) equal the computation after every kind of change, and the dashboard
aggregated from them in SQL shows what the computed dashboard showed."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from facilities.energy import portfolio, services, standings
from facilities.energy.models import EnergyStandingCount
from facilities.timeutil import paris_today


def assert_current(db):
    """Every building has its stored standing, equal to the one computed now, and it holds today."""
    db.session.commit()
    assert standings.stored_standings() == standings.computed_standings()
    assert standings._read_summary(paris_today()) is not None
    counted = sorted(db.session.execute(select(
        EnergyStandingCount.dpe_class, EnergyStandingCount.status, EnergyStandingCount.subject,
        EnergyStandingCount.count)).all())
    assert counted == sorted((*key, n) for key, n in standings._counted())  # the counts follow the rows
    from facilities.inventory.models import Site

    on_sites = dict(db.session.execute(select(Site.id, Site.energy_dpe_class)
                                       .where(Site.energy_dpe_class.is_not(None))).all())
    assert on_sites == portfolio.latest_dpe_class_by_site(paris_today())  # each site's worst letter follows too


def same_dashboard(stored, computed):
    for spec in dataclasses.fields(computed):
        assert getattr(stored, spec.name) == getattr(computed, spec.name), spec.name


def record(building, year, carrier, kwh, **extra):
    return services.record_consumption(building, services.clean_entry(
        building, {"year": year, "carrier": carrier, "kwh": kwh, **extra}))


@pytest.fixture
def portfolio_of_three(factory, seeded, db):
    site = factory.site()
    first = factory.building(site=site, code="A", gross_floor_area_m2="600")
    second = factory.building(site=site, code="B", gross_floor_area_m2="700")
    lone = factory.building(code="C", gross_floor_area_m2="2000")
    for building, gas in ((first, "90000"), (second, "120000"), (lone, "300000")):
        for year in (2015, 2022, 2023, 2024, 2025):
            record(building, year, "natural_gas", gas)
            record(building, year, "electricity", "40000")
    db.session.commit()
    return first, second, lone


def test_demo_dashboard_from_stored_standings_equals_the_computed_one(energy_demo, db):
    assert_current(db)
    for limit in (10, 5):
        same_dashboard(standings.dashboard(limit), portfolio.dashboard(limit, paris_today()))
    assert standings.latest_dpe_class_by_site() == portfolio.latest_dpe_class_by_site(paris_today())
    from facilities.energy import efas

    every = {b.building_id for b in efas.unassigned_subject_buildings()}
    stored = [s for s in standings.stored_standings() if s.building_id in every]
    assert standings.unassigned_subject() == (stored, len(every))


def test_consumption_added_edited_deleted(portfolio_of_three, db):
    first, _second, _lone = portfolio_of_three
    assert_current(db)
    before = db.session.get(standings.EnergyStanding, first.id).tertiaire_kwh_m2
    record(first, 2025, "natural_gas", "300000")  # edited: off its trajectory now
    assert_current(db)
    assert db.session.get(standings.EnergyStanding, first.id).tertiaire_kwh_m2 > before
    added, _created = record(first, 2021, "fuel_oil", "5000")
    assert_current(db)
    services.delete_consumption(first, added.id)
    assert_current(db)


def test_area_change_moves_every_building_of_the_site(portfolio_of_three, db):
    from facilities.inventory import rules
    from facilities.inventory import services as inventory

    first, second, _lone = portfolio_of_three
    assert db.session.get(standings.EnergyStanding, second.id).subject  # the site's 600 + 700 m² reach 1,000
    inventory.update_building(first, rules.clean_building({"code": "A", "name": first.name,
                                                           "gross_floor_area_m2": "200"}))
    assert_current(db)
    assert not db.session.get(standings.EnergyStanding, second.id).subject  # the site's total is 900 m² now


def test_yearly_area_and_settings(portfolio_of_three, db):
    _first, _second, lone = portfolio_of_three
    record(lone, 2024, "natural_gas", "300000", area_m2="1500")
    assert_current(db)
    services.save_settings(lone, services.clean_settings({"scale_code": "tertiary_office", "reference_year": "2022",
                                                          "cabs_kwh_m2": "90"}, lone.id))
    assert_current(db)
    assert db.session.get(standings.EnergyStanding, lone.id).reference_year == 2022


def test_factor_change_recomputes_every_standing(portfolio_of_three, db):
    from facilities.energy.models import PrimaryEnergyFactorRecord

    before = [s.dpe_class for s in standings.stored_standings()]
    for row in db.session.execute(select(PrimaryEnergyFactorRecord)).scalars():
        row.factor = row.factor * 3
    assert_current(db)
    assert [s.dpe_class for s in standings.stored_standings()] != before


def test_reference_page_change_recomputes(portfolio_of_three, client_as, db):
    from facilities.energy.models import PrimaryEnergyFactorRecord

    gas = db.session.execute(select(PrimaryEnergyFactorRecord).where(
        PrimaryEnergyFactorRecord.carrier == "natural_gas", PrimaryEnergyFactorRecord.valid_to.is_(None))).scalar_one()
    admin = client_as("admin")
    yesterday = paris_today() - timedelta(days=1)
    assert admin.post(f"/energy/reference/primary_energy_factors/{gas.id}/close",
                      data={"valid_to": yesterday.isoformat()}).status_code == 302
    assert admin.post("/energy/reference/primary_energy_factors/new", data={
        "carrier": "natural_gas", "factor": "4", "valid_from": paris_today().isoformat(), "valid_to": "",
        "source": "test"}).status_code == 302
    assert_current(db)


def test_consumption_import(portfolio_of_three, db):
    from facilities.energy import transfer

    report = transfer.import_consumption_csv(b"building_code,year,carrier,kwh\nA,2025,natural_gas,500000\n"
                                             b"B,2025,natural_gas,1000\n")
    assert report.ok and report.written
    assert_current(db)


def test_inventory_import_creates_and_resizes_buildings(portfolio_of_three, db, monkeypatch):
    from tests.bulk.test_bulk import csv_file, run

    monkeypatch.setattr(standings, "CHUNK", 1)  # many sites at once go by chunks (the IN lists' limits)

    site = {"entity": "site", "code": "NEW-SITE", "name": "Nouveau site", "kind": "social_hub", "status": "open",
            "latitude": "48.9", "longitude": "2.3", "services": "pmi"}
    building = {"entity": "building", "site_code": "NEW-SITE", "code": "NEW-B1", "name": "Bâtiment 1",
                "gross_floor_area_m2": "1500"}
    other_site = {**site, "code": "NEW-SITE-2", "name": "Autre site"}
    other = {**building, "site_code": "NEW-SITE-2", "code": "NEW-B2", "gross_floor_area_m2": "1200"}
    assert run(csv_file(site, other_site, building, other), apply=True).applied
    assert_current(db)
    assert run(csv_file(site, {**building, "gross_floor_area_m2": "800"}), apply=True).applied
    assert_current(db)


def test_site_kind_changes_the_default_scale(portfolio_of_three, db):
    from facilities.inventory.models import Site

    _first, _second, lone = portfolio_of_three
    db.session.get(Site, lone.site_id).kind = "child_welfare_home"
    assert_current(db)


def test_deleted_building_leaves_no_row(portfolio_of_three, db):
    from facilities.inventory import services as inventory

    first, _second, _lone = portfolio_of_three
    inventory.delete_building(first)
    assert_current(db)


@pytest.mark.real_commits  # the page queues the refresh job in a transaction of its own
def test_rows_not_holding_today_make_the_dashboard_compute_and_queue_the_refresh(portfolio_of_three, db, runner, app,
                                                                                 monkeypatch):
    from facilities.jobs.models import Job

    monkeypatch.setitem(app.config, "JOB_LOCAL_WORKER", False)

    for table in (standings.EnergyStanding, EnergyStandingCount):  # expired today
        db.session.execute(update(table).values(valid_until=paris_today()))
    db.session.commit()
    today = paris_today()
    same_dashboard(standings.dashboard(), portfolio.dashboard(10, today))
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == standings.JOB_KIND)) == 1
    standings.dashboard()  # a refresh already waits: no second job
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == standings.JOB_KIND)) == 1
    result = runner.invoke(args=["energy", "standings", "refresh"])
    assert result.exit_code == 0 and "3 energy standings recomputed" in result.output
    assert_current(db)


def test_a_large_reference_change_is_left_to_the_job(portfolio_of_three, db, monkeypatch, app):
    from facilities.energy.models import PrimaryEnergyFactorRecord
    from facilities.jobs import JobContext
    from facilities.jobs.models import Job

    monkeypatch.setitem(app.config, "JOB_LOCAL_WORKER", False)

    monkeypatch.setattr(standings, "SYNC_LIMIT", 2)
    for row in db.session.execute(select(PrimaryEnergyFactorRecord)).scalars():
        row.factor = row.factor * 3
    db.session.commit()
    assert standings._summary(paris_today()) is None  # stale: the dashboard computes meanwhile
    assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == standings.JOB_KIND)) == 1
    same_dashboard(standings.dashboard(), portfolio.dashboard(10, paris_today()))
    standings.refresh_job(JobContext("x", {}, None, "en", None, lambda *_: None))
    assert_current(db)


def test_valid_until_is_the_next_new_year_or_reference_change(seeded, db):
    ref = services.reference_data()
    today = date(2025, 6, 1)
    assert standings.valid_until(ref, today) == date(2026, 1, 1)  # electricity 2.3 → 1.9 on 1 January 2026
    assert standings.valid_until(ref, date(2027, 3, 1)) <= date(2028, 1, 1)


def test_dashboard_queries_do_not_grow(portfolio_of_three, client_as, factory, db):
    from tests.conftest import count_queries

    director = client_as("director")
    director.get("/energy")
    with count_queries(db) as few:
        assert director.get("/energy").status_code == 200
    for number in range(5):
        building = factory.building(gross_floor_area_m2="1200")
        record(building, 2024, "natural_gas", str(100000 + number))
    db.session.commit()
    with count_queries(db) as many:
        assert director.get("/energy").status_code == 200
    assert len(many) == len(few)


def test_yearly_totals_follow_the_records(portfolio_of_three, db):
    from facilities.inventory import services as inventory

    def same_totals():
        db.session.commit()
        assert standings.stored_totals() == portfolio.yearly_totals()

    first, _second, _lone = portfolio_of_three
    same_totals()
    added, _created = record(first, 2020, "fuel_oil", "5000.25")
    same_totals()
    services.record_consumption(first, {**services.clean_entry(first, {"year": 2020, "carrier": "fuel_oil",
                                                                      "kwh": "7000"})})
    same_totals()
    services.delete_consumption(first, added.id)
    same_totals()
    inventory.delete_building(first)
    same_totals()
    standings.refresh_totals()
    same_totals()


def test_the_dashboard_names_the_first_unassigned_buildings_and_counts_the_others(portfolio_of_three, client_as,
                                                                                  monkeypatch):
    shown, total = standings.unassigned_subject(limit=2)
    assert [s.code for s in shown] == ["A", "B"] and total == 3
    monkeypatch.setattr(standings, "UNASSIGNED_SHOWN", 2)
    html = client_as("director").get("/energy").get_data(as_text=True)
    assert ">A</a>" in html and ">B</a>" in html and ">C</a>" not in html and "et 1 de plus" in html


def test_a_building_moved_to_another_site_changes_both_sites_worst_letter_not_their_save(portfolio_of_three, db):
    """Each site holds the worst DPE letter of its stored standings (the map's DPE colouring reads it): moving a
    building takes its letter from one site to the other; the sites' save time and version stay (derived data)."""
    from facilities.inventory.models import Site

    first, second, lone = portfolio_of_three
    record(first, 2025, "natural_gas", "900000")  # the worst letter of the shared site now
    assert_current(db)
    shared, alone = first.site, lone.site
    worst = db.session.get(standings.EnergyStanding, first.id).dpe_class
    assert shared.energy_dpe_class == worst != db.session.get(standings.EnergyStanding, second.id).dpe_class
    saved = {site.id: (site.updated_at, site.version) for site in (shared, alone)}
    first.site_id = alone.id
    assert_current(db)
    db.session.expire_all()
    assert db.session.get(Site, alone.id).energy_dpe_class == worst
    assert db.session.get(Site, shared.id).energy_dpe_class == db.session.get(
        standings.EnergyStanding, second.id).dpe_class
    assert {site.id: (site.updated_at, site.version) for site in db.session.scalars(
        select(Site).where(Site.id.in_(saved)))} == saved
