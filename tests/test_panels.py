"""Cross-area panels and header entries come from registries the areas fill at start-up (facilities/panels.py,
facilities/navigation.py), not from templates that include other areas' files or query while rendering."""

from __future__ import annotations

import pytest


def test_the_building_page_shows_every_area_panel_in_order(client_as, factory):
    building = factory.building(floors=1, spaces_per_floor=1)
    page = client_as("director").get(f"/buildings/{building.id}").get_data(as_text=True)
    markers = ('id="fact-sheet-link"', f'href="/buildings/{building.id}/history"', 'id="energy-panel"',
               'class="card mt-3 works-panel"')
    positions = [page.find(marker) for marker in markers]
    assert -1 not in positions, dict(zip(markers, positions, strict=True))
    assert positions == sorted(positions)  # header actions (reports, then audit), then energy, then works


def test_the_site_page_shows_the_location_panel_of_the_maps_area(client_as, factory):
    site = factory.site()
    page = client_as("director").get(f"/sites/{site.id}").get_data(as_text=True)
    assert 'id="site-location-check"' in page


def test_panels_are_registered_per_app(app):
    places = app.extensions["panels"]
    assert [panel.template for panel in places["building.actions"]] == [
        "reports/_building_actions.html", "audit/_building_history_link.html", "plans/_building_actions.html",
        "requests/_building_action.html"]
    assert [panel.template for panel in places["building.panels"]] == [
        "energy/_building_panel.html", "works/_building_panel.html", "safety/_building_panel.html",
        "renewal/_building_panel.html", "plans/_building_panel.html"]
    assert [panel.template for panel in places["operation.panels"]] == ["renewal/_operation_panel.html"]
    assert [panel.template for panel in places["works.links"]] == ["renewal/_works_link.html"]
    assert [panel.template for panel in places["floor.panels"]] == ["plans/_floor_panel.html"]
    assert [panel.template for panel in places["site.panels"]] == [
        "maps/_site_panel.html", "energy/_site_panel.html", "safety/_site_panel.html",
        "reports/_site_safety_register.html", "requests/_site_panel.html"]
    assert [panel.template for panel in places["login.panels"]] == ["demo/_login_panel.html"]


def test_a_panel_names_a_known_place_once(app):
    from flask import Flask

    from facilities.panels import register_panel

    other = Flask(__name__)
    with pytest.raises(ValueError, match="unknown panel place"):
        register_panel(other, "building.sidebar", "x.html")
    register_panel(other, "site.panels", "x.html")
    with pytest.raises(ValueError, match="already registered"):
        register_panel(other, "site.panels", "x.html")


def test_the_header_lists_the_areas_each_role_may_use(client_as):
    director = client_as("director").get("/sites").get_data(as_text=True)
    admin = client_as("admin").get("/sites").get_data(as_text=True)
    for endpoint_url in ("/sites", "/map", "/energy", "/reports"):
        assert f'href="{endpoint_url}"' in director
    assert 'href="/admin/users"' not in director
    assert 'href="/admin/users"' in admin
