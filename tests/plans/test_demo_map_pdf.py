"""The demo's drawn floors (Asnières, illustrative), the footprint on the map, the plan in the inventory PDF."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.conftest import page_text


def asnieres(db):
    from facilities.inventory.models import Building

    return db.session.scalar(select(Building).where(Building.code == "PS-ASN-B1"))


def test_the_demo_draws_the_public_floors_of_asnieres_marked_illustrative(client_as, demo, db):
    from facilities.plans import services

    building = asnieres(db)
    floors = {floor.level: floor for floor in building.floors}
    ground, first = services.floor_plan(floors[0]), services.floor_plan(floors[1])
    assert len(ground.rooms) == len(floors[0].spaces) == 11 and not ground.undrawn
    assert len(first.rooms) == 12 and ground.illustrative and first.illustrative
    assert all(not room.flagged for room in ground.rooms)  # drawn from the declared areas
    # RDC: 248 m² declared, 240 m² drawn (3.2 %); R+1: 181 m² declared for 172 m² of rooms, drawn with a 2 m
    # corridor: 206.4 m², 14 % more, flagged.
    assert (ground.outline_area_m2, ground.outline_flagged) == (Decimal("240.00"), False)
    assert (first.outline_area_m2, first.outline_flagged) == (Decimal("206.40"), True)
    assert services.floor_plan(floors[2]).drawn is False  # staff floors are not drawn
    page = page_text(client_as("director").get(f"/floors/{floors[0].id}"))
    assert "Plan illustratif" in page


def test_the_map_shows_georeferenced_footprints_at_high_zoom(client_as, demo, db):
    from facilities.plans import services

    building = asnieres(db)
    footprints = services.footprints_geojson(lambda building_id: f"/buildings/{building_id}")
    [feature] = footprints["features"]
    assert feature["properties"] == {"name": building.name, "url": f"/buildings/{building.id}"}
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert abs(lat - building.site.latitude) < 0.001 and abs(lon - building.site.longitude) < 0.001
    import html

    page = html.unescape(client_as("director").get("/map").get_data(as_text=True))  # the map is a srcdoc frame
    assert '"footprints":{' in page and '"minZoom":17' in page


def test_the_inventory_pdf_draws_each_drawn_floor_to_scale(client_as, demo, db):
    from facilities.plans.figures import print_scale

    assert print_scale(20.6, 13) == 200 and print_scale(8, 6) == 50 and print_scale(150, 100) == 1000
    building = asnieres(db)
    client = client_as("director")
    response = client.get(f"/buildings/{building.id}/inventory.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    from facilities.reports import services

    with client.application.test_request_context("/"):
        context = services.inventory_context(services.load_building_inventory(building.id))
    assert len(context["floor_plans"]) == 2
    assert "Plan au 1/200" in str(next(iter(context["floor_plans"].values())))
