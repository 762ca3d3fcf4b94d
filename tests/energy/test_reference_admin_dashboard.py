"""Reference tables administration (overlaps refused) and the dashboard figures on a hand-made portfolio."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from facilities.energy import portfolio, services
from facilities.energy.models import PrimaryEnergyFactorRecord
from tests.conftest import page_text


def _electricity_rows(db):
    return db.session.execute(select(PrimaryEnergyFactorRecord).where(
        PrimaryEnergyFactorRecord.carrier == "electricity").order_by(PrimaryEnergyFactorRecord.valid_from)).scalars().all()


def test_reference_pages_for_an_admin_only(client_as, seeded):
    admin = client_as("admin")
    page = admin.get("/energy/reference")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "arrêté du 13 août 2025" in html and "31 décembre 2025" in html  # dates in French
    assert admin.get("/energy/reference/nope/new").status_code == 404


def test_reference_pages_refused_to_a_facilities_manager(client_as, seeded):
    manager = client_as("facilities_manager")
    assert manager.get("/energy/reference").status_code == 403
    assert manager.post("/energy/reference/primary_energy_factors/new", data={}).status_code == 403


def test_overlapping_row_is_refused_with_a_clear_message(client_as, seeded, db):
    admin = client_as("admin")
    response = admin.post("/energy/reference/primary_energy_factors/new", data={
        "carrier": "electricity", "factor": "1.8", "valid_from": "2027-01-01", "source": "hypothetical arrêté"})
    assert response.status_code == 422
    html = page_text(response)
    assert "périodes de validité d'une même clé" in html and "2026-01-01" in html  # "…must not overlap"
    assert len(_electricity_rows(db)) == 2


def test_close_then_add_a_row(client_as, seeded, db):
    admin = client_as("admin")
    current = _electricity_rows(db)[-1]
    refused = admin.post(f"/energy/reference/primary_energy_factors/{current.id}/close", data={"valid_to": "2020-01-01"})
    assert refused.status_code == 422
    closed = admin.post(f"/energy/reference/primary_energy_factors/{current.id}/close", data={"valid_to": "2026-12-31"})
    assert closed.status_code == 302
    added = admin.post("/energy/reference/primary_energy_factors/new", data={
        "carrier": "electricity", "factor": "1.8", "valid_from": "2027-01-01", "source": "hypothetical arrêté"})
    assert added.status_code == 302
    db.session.expire_all()
    services.forget_reference_data()
    ref = services.load_reference_data()
    assert ref.primary_factor("electricity", date(2027, 1, 1)).factor == D("1.8")
    assert ref.primary_factor("electricity", date(2026, 6, 1)).factor == D("1.9")


def test_dpe_scale_row_needs_six_increasing_bounds(client_as, seeded):
    admin = client_as("admin")
    response = admin.post("/energy/reference/dpe_scales/new", data={
        "code": "tertiary_other", "metric": "ghg", "label": "x", "upper_bounds": "1, 2, 3",
        "valid_from": "2000-01-01", "source": "test"})
    assert response.status_code == 422 and "needs 6 upper bounds" in response.get_data(as_text=True)


def _portfolio(factory, db):
    """Three 2015/2024 buildings, figures by hand:
    A 1,000 m²: gas 200,000 → 190,000 kWh: 200 → 190 kWh/m²; path 2015→2030 (target 120) in 2024:
      200 − 80 × 9/15 = 152 → gap +38 (25 %), off track; primary 190 → C.
    B 1,000 m²: gas 100,000 → 80,000: 100 → 80; path 100 − 40 × 9/15 = 76 → gap +4 (5.3 %), off track; B.
    C 2,000 m²: gas 300,000 → electricity 100,000: 150 → 50; path 114, on track; primary 100,000 × 2.3 / 2,000
      = 115 → C as labelled in 2024, but today's DPE (the last three complete years, factors of today:
      electricity 1.9 from 2026) is 100,000 × 1.9 / 2,000 = 95 → B: the dashboard counts today's DPE.
    Totals: 2015 600,000 kWh, 600,000 × 0.227 = 136,200 kg; 2024 370,000 kWh,
      270,000 × 0.227 + 100,000 × 0.079 = 61,290 + 7,900 = 69,190 kg."""
    data = [("A", "1000", [(2015, "natural_gas", "200000"), (2024, "natural_gas", "190000")]),
            ("B", "1000", [(2015, "natural_gas", "100000"), (2024, "natural_gas", "80000")]),
            ("C", "2000", [(2015, "natural_gas", "300000"), (2024, "electricity", "100000")])]
    for code, area, rows in data:
        building = factory.building(code=code, gross_floor_area_m2=area)
        for year, carrier, kwh in rows:
            services.record_consumption(building, services.clean_entry(
                building, {"year": year, "carrier": carrier, "kwh": kwh}))
    db.session.commit()


def test_dashboard_figures(factory, seeded, db):
    _portfolio(factory, db)
    board = portfolio.dashboard(today=date(2026, 11, 30))
    assert {k: v for k, v in board.class_counts.items() if v} == {"B": 2, "C": 1}
    assert [(s.code, s.gap_kwh_m2) for s in board.furthest_off_track] == [("A", 38.0), ("B", 4.0)]
    assert [(t.year, t.kwh, t.kg_co2e) for t in board.totals] == [
        (2015, D(600000), D(136200)), (2024, D(370000), D(69190))]
    assert (board.buildings, board.subject, board.off_track) == (3, 3, 2)


def test_dashboard_page_and_query_count(client_as, factory, seeded, db):
    from tests.conftest import count_queries

    _portfolio(factory, db)
    director = client_as("director")
    with count_queries(db) as few:
        html = director.get("/energy").get_data(as_text=True)
    assert 'data-class="B">2<' in html and "+38" in html and "69" in html
    for number in range(6):
        building = factory.building(gross_floor_area_m2="1200")
        for year in (2015, 2020, 2024):
            services.record_consumption(building, services.clean_entry(
                building, {"year": year, "carrier": "natural_gas", "kwh": str(100000 + number)}))
    db.session.commit()
    with count_queries(db) as many:
        assert director.get("/energy").status_code == 200
    assert len(many) <= len(few)


def test_building_page_query_count_does_not_grow(client_as, factory, seeded, db):
    from tests.conftest import count_queries

    building = factory.building(gross_floor_area_m2="1200")
    services.record_consumption(building, services.clean_entry(
        building, {"year": 2015, "carrier": "natural_gas", "kwh": "1000"}))
    db.session.commit()
    manager = client_as("facilities_manager")
    with count_queries(db) as few:
        assert manager.get(f"/buildings/{building.id}/energy").status_code == 200
    for year in range(2016, 2026):
        for carrier in ("natural_gas", "electricity"):
            services.record_consumption(building, services.clean_entry(
                building, {"year": year, "carrier": carrier, "kwh": "900"}))
    db.session.commit()
    with count_queries(db) as many:
        assert manager.get(f"/buildings/{building.id}/energy").status_code == 200
    assert len(many) <= len(few)


def test_charts_are_svg_with_a_title():
    from facilities.energy import charts

    svg = charts.dpe_distribution_svg({"B": 1, "C": 2}, labels={"title": "Classes", "description": "B: 1, C: 2"})
    assert svg.startswith("<svg") and "<title" in svg and "B: 1, C: 2" in svg and "<?xml" not in svg
    first = charts.trajectory_svg({2020: 150.0}, {}, {2030: 120.0}, reference=(2015, 200.0))
    second = charts.trajectory_svg({2020: 150.0}, {}, {2030: 120.0}, reference=(2015, 200.0))
    ids = lambda text: set(__import__("re").findall(r'id="([^"]+)"', text))  # noqa: E731
    assert not ids(first) & ids(second)  # two charts on one page do not share ids


def test_charts_are_drawn_once_per_distinct_data(monkeypatch):
    from facilities.energy import charts

    drawn = []
    real_svg = charts._svg
    monkeypatch.setattr(charts, "_svg", lambda *args: drawn.append(args[1]) or real_svg(*args))
    first = charts.dpe_distribution_svg({"A": 1, "D": 2}, labels={"title": "Classes 1"})
    again = charts.dpe_distribution_svg({"D": 2, "A": 1}, labels={"title": "Classes 1"})
    changed = charts.dpe_distribution_svg({"A": 1, "D": 3}, labels={"title": "Classes 1"})
    relabelled = charts.dpe_distribution_svg({"A": 1, "D": 2}, labels={"title": "Classes 2"})
    assert drawn == ["Classes 1", "Classes 1", "Classes 2"]  # the repeated figures were not drawn again
    same_ids = lambda text: __import__("re").sub(r"ec\d+-", "ec-", text)  # noqa: E731
    assert same_ids(again) == same_ids(first) and again != first  # the stored drawing, under fresh ids
    assert ">3<" in changed and "Classes 2" in relabelled


@pytest.mark.parametrize("area", [D(1500), D(1000), D(999), None])
def test_standing_without_consumption_matches_the_full_report(seeded, area):
    from facilities.energy.reference import ScaleCode

    settings = services.EnergySettings(list(ScaleCode)[0], None, None, False)
    item = services.BuildingEnergy(1, 1, "B-1", "Empty", area, settings)
    ref = services.reference_data()
    quick = portfolio.standing(item, ref)
    report = item.report(ref)
    assert report["years"] == []
    assert quick.subject is report["tertiaire"]["subject"]
    assert (quick.latest_year, quick.dpe_class, quick.status, quick.gap_kwh_m2) == (None, None, None, None)
