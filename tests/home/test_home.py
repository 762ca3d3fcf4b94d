"""The home dashboard: the landing page of every role, made of the panels the areas register at "home.panels",
with the alerts they return gathered in one list that links to each item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import login

ROLES = ("admin", "facilities_manager", "architect", "director")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lands_on_the_home_dashboard(client, make_user, role):
    user = make_user(role)
    response = login(client, user.email)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-inventory"' in page and 'id="home-alerts"' in page


def test_home_shows_the_portfolio_key_figures(client_as, factory):
    site = factory.site(status="open")
    factory.building(site=site, floors=2, spaces_per_floor=3)
    page = client_as("director").get("/").get_data(as_text=True)
    assert "Patrimoine" in page and "Postes de travail" in page
    assert 'href="/sites?status=open"' in page


def test_usable_area_over_gross_area_is_an_alert_linking_to_the_building(client_as, factory, db):
    building = factory.building(floors=1, spaces_per_floor=2)
    building.gross_floor_area_m2 = Decimal("10")
    db.session.commit()
    page = client_as("director").get("/").get_data(as_text=True)
    assert f'href="/buildings/{building.id}"' in page
    assert "dépasse la surface de plancher" in page and "10\u00a0m²" in page


def test_usable_over_gross_is_judged_only_with_a_known_gross_area():
    from facilities.inventory.dashboard import usable_over_gross

    rows = [(1, "A", "a", Decimal("100"), Decimal("100.5")), (2, "B", "b", None, Decimal("50")),
            (3, "C", "c", Decimal("100"), Decimal("100"))]
    assert [item.code for item in usable_over_gross(rows)] == ["A"]


def test_panels_of_the_home_place_are_registered_by_their_areas(app):
    templates = [panel.template for panel in app.extensions["panels"]["home.panels"]]
    assert templates[0] == "inventory/_home_panel.html"  # key figures first (first on a phone too)


def test_home_shows_the_works_programme_and_energy_panels(client_as, demo):
    page = client_as("director").get("/").get_data(as_text=True)
    assert 'id="home-works"' in page and 'id="home-energy"' in page
    assert "AP en vigueur" in page and "50\u202f570\u202f000\u00a0€" in page  # the demo's operations
    assert 'class="bar-chart"' in page and "style=" not in page.split('id="home-works"')[1].split("</section>")[0]
    assert 'href="/buildings/' in page.split('id="home-off-track"')[1]  # buildings off trajectory link to energy


def test_works_alerts_name_this_months_starts_and_acceptances(demo):
    """Worked example on the demo: in January 2023 four operations start (IME, Issy, Antony, Clichy); in March
    2024 two end (Clichy's works, 15 months from January 2023; Clichy / Levallois, 33 months from July 2021)."""
    from datetime import date

    from facilities.works.views import home_figures

    january = home_figures(date(2023, 1, 10))
    assert len(january.starting) == 4 and not january.ending
    march = home_figures(date(2024, 3, 1))
    assert sorted(op.label for op in march.ending) == [
        "Poursuite des travaux du pôle social de Clichy", "Pôle social de Clichy / Levallois"]
    assert march.ap_in_force_cents == 5_057_000_000


def test_a_cap_exceeded_this_year_or_later_is_a_danger_alert(client_as, demo, db, monkeypatch):
    from datetime import date

    from facilities.works import routes
    from facilities.works.models import EnvelopeCap

    caps = db.session.query(EnvelopeCap).filter_by(year=2026).all()
    for cap in caps:
        cap.cap_cents = 100_000  # 1 000 € for 2026: the CP already allocated exceed it
    db.session.commit()
    monkeypatch.setattr(routes, "paris_today", lambda: date(2026, 11, 30))
    page = client_as("director").get("/").get_data(as_text=True)
    alerts = page.split('id="home-alerts"')[1].split("</section>")[0]
    assert "Plafond dépassé" in alerts and "dépassent le plafond de" in alerts
    assert any(f'href="/envelopes/{cap.envelope_id}?year=2026"' in alerts for cap in caps)
    monkeypatch.setattr(routes, "paris_today", lambda: date(2027, 1, 5))  # 2026 is closed: no longer an alert
    assert "Plafond dépassé" not in client_as("director").get("/").get_data(as_text=True)


def test_bar_chart_geometry_shares_one_scale():
    from facilities.barchart import BAR_AREA, bar_chart

    chart = bar_chart([("2025", [("bar-cap", 200, "200"), ("bar-cp", 100, "100"), ("bar-paid", 0, "0")]),
                       ("2026", [("bar-cp", -5, "-5")])])
    widths = [bar.width for row in chart.rows for bar in row.bars]
    assert widths == [BAR_AREA, BAR_AREA / 2, 0]  # the zero bar is left out
    assert chart.rows[1].bars[0].y > chart.rows[0].bars[1].y
