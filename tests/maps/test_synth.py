"""`flask demo synth` / `remove-synth` (facilities.maps.synth): reproducible, bulk, removable synthetic sites."""

from __future__ import annotations

from sqlalchemy import func, select

from facilities.inventory.models import Building, Floor, Site, SiteService, Space
from facilities.maps.synth import remove_synth_command, synth_command


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot(db) -> list[tuple]:
    return db.session.execute(
        select(Site.code, Site.name, Site.kind, Site.latitude, Site.longitude, Site.commune_code)
        .where(Site.synthetic.is_(True)).order_by(Site.code)
    ).all()


def test_synth_adds_n_sites_with_buildings_floors_and_spaces(runner, db):
    result = runner.invoke(synth_command, ["--sites", "25", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert count(db, Site, Site.synthetic.is_(True)) == 25
    assert count(db, Building) == 25
    floors = count(db, Floor)
    assert 25 <= floors <= 125
    assert count(db, Space) == floors * 16
    assert count(db, SiteService) >= 25
    lat, lon = db.session.execute(select(func.min(Site.latitude), func.max(Site.longitude))).one()
    assert 48.7 < lat < 49.0 and 2.1 < lon < 2.4  # the default bounding box, never 0,0


def test_same_seed_same_sites_and_rerun_is_refused(runner, db):
    assert runner.invoke(synth_command, ["--sites", "10", "--seed", "3"]).exit_code == 0
    first = snapshot(db)
    again = runner.invoke(synth_command, ["--sites", "10", "--seed", "3"])
    assert again.exit_code != 0 and "remove-synth" in again.output
    assert runner.invoke(remove_synth_command).exit_code == 0
    assert runner.invoke(synth_command, ["--sites", "10", "--seed", "3"]).exit_code == 0
    assert snapshot(db) == first
    assert runner.invoke(synth_command, ["--sites", "10", "--seed", "4"]).exit_code == 0
    assert count(db, Site) == 20


def test_synth_spreads_over_loaded_communes(runner, db, communes):
    assert runner.invoke(synth_command, ["--sites", "30", "--seed", "1"]).exit_code == 0
    from facilities.maps import services

    sites = db.session.execute(select(Site.id, Site.commune_code).where(Site.synthetic.is_(True))).all()
    located = services.commune_from_location_by_site([s.id for s in sites])
    assert all(located[s.id] == s.commune_code and s.commune_code.startswith("92") for s in sites)


def test_remove_synth_keeps_real_sites(runner, db, factory):
    real = factory.building(floors=1, spaces_per_floor=2)
    assert runner.invoke(synth_command, ["--sites", "5"]).exit_code == 0
    result = runner.invoke(remove_synth_command)
    assert result.exit_code == 0 and "5 sites" in result.output
    assert count(db, Site) == 1 and count(db, Building) == 1 and count(db, Space) == 2
    assert db.session.get(Building, real.id) is not None


def test_synth_refuses_a_bad_count(runner, db):
    result = runner.invoke(synth_command, ["--sites", "0"])
    assert result.exit_code != 0 and "--sites" in result.output
    assert count(db, Site) == 0


def test_synth_commands_are_reachable_from_the_application_cli(runner, db):
    added = runner.invoke(args=["demo", "synth", "--sites", "3", "--seed", "5"])
    assert added.exit_code == 0, added.output
    assert db.session.scalar(select(func.count(Site.id)).where(Site.synthetic.is_(True))) == 3
    removed = runner.invoke(args=["demo", "remove-synth"])
    assert removed.exit_code == 0, removed.output
    assert db.session.scalar(select(func.count(Site.id))) == 0


def test_synth_leaves_fresh_statistics_on_postgresql(runner, db):
    """Issue 20 point 6: the planner knows the loaded rows at once (no one has to run ANALYZE by hand)."""
    from sqlalchemy import text

    result = runner.invoke(args=["demo", "synth", "--sites", "30", "--seed", "9"])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "postgresql":
        analyzed = db.session.execute(text(
            "SELECT reltuples FROM pg_class WHERE relname = 'sites'")).scalar()
        assert analyzed >= 30


def test_synth_buildings_have_areas_energy_data_and_stored_standings(runner, db, communes):
    from facilities.energy import portfolio, standings
    from facilities.energy.models import EnergyConsumption, EnergyStanding, EnergyYearTotal
    from facilities.energy.services import ensure_reference_seeded
    from facilities.timeutil import paris_today

    ensure_reference_seeded()
    db.session.commit()
    result = runner.invoke(synth_command, ["--sites", "40", "--seed", "2"])
    assert result.exit_code == 0 and "consumptions" in result.output, result.output
    assert count(db, Building, Building.gross_floor_area_m2.is_(None)) == 0
    carriers = set(db.session.execute(select(EnergyConsumption.carrier)).scalars())
    assert "electricity" in carriers and carriers & {"natural_gas", "district_heating", "fuel_oil"}
    years = sorted(set(db.session.execute(select(EnergyConsumption.year)).scalars()))
    assert years[0] == 2019 and years[-1] == paris_today().year - 1
    assert count(db, EnergyStanding) == 40
    assert standings.stored_standings() == standings.computed_standings()
    assert standings.stored_totals() == portfolio.yearly_totals()
    board = standings.dashboard()
    assert board.buildings == 40 and board.off_track and board.off_track < 40  # some on track, some off
    assert sum(n for letter, n in board.class_counts.items() if letter) == 40
    assert runner.invoke(remove_synth_command).exit_code == 0
    assert count(db, EnergyConsumption) == count(db, EnergyStanding) == count(db, EnergyYearTotal) == 0
