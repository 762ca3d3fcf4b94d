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
