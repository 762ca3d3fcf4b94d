"""The floor page's plan, the outline forms (same rules and audit trail), and the area flags on the floor page,
the building page and the dashboard."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.conftest import page_text
from tests.plans.conftest import outline_text, square


def outline_of(db, space_id):
    from facilities.plans.models import SpaceOutline

    return db.session.scalar(select(SpaceOutline).where(SpaceOutline.space_id == space_id))


def test_the_floor_page_draws_each_room_coloured_labelled_and_linked(client_as, drawn_floor):
    client = client_as("architect")
    page = client.get(f"/floors/{drawn_floor.id}").get_data(as_text=True)
    assert 'id="floor-plan-svg"' in page
    assert page.count('class="room ') == 3
    for space in drawn_floor.spaces:
        assert f'href="/spaces/{space.id}/edit"' in page  # a click opens the room's form
        assert f'data-space-id="{space.id}"' in page
        assert f">{space.code}</text>" in page
    assert "/plans/plan.css" in page and "js/floorplan.js" in page
    assert "style=" not in page.split('id="floor-plan"')[1].split("</section>")[0]  # CSP: no style attributes
    css = client.get("/plans/plan.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert ".floor-plan.mode-occupancy .room.o-4 path" in css.get_data(as_text=True)


def test_a_reader_clicking_a_room_reaches_its_row(client_as, drawn_floor):
    page = client_as("director").get(f"/floors/{drawn_floor.id}").get_data(as_text=True)
    space = drawn_floor.spaces[0]
    assert f'href="#space-{space.id}"' in page and f'id="space-{space.id}"' in page
    assert "/outline" not in page


def test_an_architect_draws_a_room_by_coordinates_and_the_trail_records_it(client_as, factory, db):
    from facilities.trail.models import AuditEntry

    building = factory.building(floors=1, spaces_per_floor=1)
    space = building.floors[0].spaces[0]
    client = client_as("architect")
    assert client.get(f"/spaces/{space.id}/outline").status_code == 200
    response = client.post(f"/spaces/{space.id}/outline", data={"outline": outline_text(0, 0, 4, 3),
                                                               "move_x": "1,5", "move_y": ""})
    assert response.status_code == 302
    row = outline_of(db, space.id)
    assert row.drawn_area_m2 == Decimal("12.00")
    assert row.geometry["coordinates"][0][0] == [1.5, 0.0]  # moved 1.5 m east
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "space_outline")).all()
    assert entry.action == "create" and entry.entity_id == outline_of(db, space.id).id and entry.building_id == building.id and entry.source == "web"
    # The form shows the outline back, in French numbers.
    assert "5,5 3" in client.get(f"/spaces/{space.id}/outline").get_data(as_text=True)


def test_bad_outlines_are_refused_with_a_clear_message_and_nothing_saved(client_as, drawn_floor, db):
    client = client_as("architect")
    space = sorted(drawn_floor.spaces, key=lambda s: s.code)[0]
    before = dict(outline_of(db, space.id).geometry)
    cases = {
        "0 0\n4 4\n4 0\n0 4": "se croise",  # crosses itself
        "0 0\n4 0": "au moins 3 points",
        "0 0\n4 abc\n0 4": "ligne 2",
        "2 0\n6 0\n6 3\n2 3": "se chevauchent",  # over the next room
        "0 0\n4 0\n4 5\n0 5": "hors du contour",  # beyond the floor's outline
        "0 0\n4000000 0\n0 3": "100",
    }
    for outline, message in cases.items():
        response = client.post(f"/spaces/{space.id}/outline", data={"outline": outline})
        assert response.status_code == 422, outline
        assert message in page_text(response), (outline, page_text(response)[:2000])
        db.session.expire_all()
        assert outline_of(db, space.id).geometry == before


def test_an_empty_outline_erases_the_room_from_the_plan(client_as, drawn_floor, db):
    space = drawn_floor.spaces[0]
    response = client_as("architect").post(f"/spaces/{space.id}/outline", data={"outline": ""})
    assert response.status_code == 302
    assert outline_of(db, space.id) is None


def test_a_floor_outline_that_would_leave_rooms_outside_is_refused(client_as, drawn_floor, db):
    client = client_as("architect")
    response = client.post(f"/floors/{drawn_floor.id}/outline", data={"outline": outline_text(0, 0, 8, 3)})
    assert response.status_code == 422
    assert "hors du contour" in page_text(response)
    response = client.post(f"/floors/{drawn_floor.id}/outline", data={"outline": outline_text(0, 0, 12, 4)})
    assert response.status_code == 302


def test_readers_cannot_draw(client_as, drawn_floor):
    space = drawn_floor.spaces[0]
    assert client_as("director").post(f"/spaces/{space.id}/outline", data={"outline": ""}).status_code == 403


def test_drawn_and_declared_areas_more_than_5_percent_apart_are_flagged_everywhere(client_as, drawn_floor, db):
    """12 m² declared; drawn 4 × 3 = 12 m² (0 %), then 4 × 3.2 = 12.8 m² (6.7 % > 5 %): flagged."""
    from facilities.plans import geometry, services

    client = client_as("architect")
    assert "plan-area-flags" not in client.get(f"/floors/{drawn_floor.id}").get_data(as_text=True)
    space = sorted(drawn_floor.spaces, key=lambda s: s.code)[0]
    services.save_floor_outline(drawn_floor, geometry.polygon(square(0, 0, 12, 3.2)))
    services.save_space_outline(space, geometry.polygon(square(0, 0, 4, 3.2)))
    db.session.commit()
    floor_page = page_text(client.get(f"/floors/{drawn_floor.id}"))
    assert "plus de 5 %" in floor_page and space.code in floor_page and "12,8" in floor_page
    # The floor's own outline: 38.4 m² drawn for 36 declared, 6.7 % too.
    assert "l’étage" in floor_page or "l'étage" in floor_page
    building_page = page_text(client.get(f"/buildings/{drawn_floor.building_id}"))
    assert "1 local" in building_page or "1 local(aux)" in building_page
    count, buildings = services.portfolio_flags()
    assert count == 1 and buildings[0].building_id == drawn_floor.building_id and buildings[0].flagged_spaces == 1
    home = page_text(client.get("/"))
    assert "Plans et surfaces déclarées" in home
    assert f"{drawn_floor.building.name} : 2 local(aux) dessiné(s) à plus de 5 %" in home  # a room and the floor


def test_the_plan_downloads_as_svg_geojson_and_dxf(client_as, drawn_floor):
    import io

    import ezdxf

    client = client_as("director")
    svg = client.get(f"/floors/{drawn_floor.id}/plan.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert text.startswith("<?xml") and 'width="' in text and "mm" in text and "1:100" in text
    assert "Bureau d" not in text or "&#39;" in text or "&#x27;" in text  # names escaped
    geojson = client.get(f"/floors/{drawn_floor.id}/plan.geojson").get_json(force=True)
    assert [f["properties"]["role"] for f in geojson["features"]] == ["floor", "space", "space", "space"]
    dxf = client.get(f"/floors/{drawn_floor.id}/plan.dxf")
    document = ezdxf.read(io.StringIO(dxf.get_data(as_text=True)))
    rooms = document.modelspace().query('LWPOLYLINE[layer=="ROOMS"]')
    assert len(rooms) == 3 and all(polyline.closed for polyline in rooms)
    assert client.get(f"/floors/{drawn_floor.id}/plan.geojson?crs=EPSG:4326").status_code == 404  # not placed


def test_a_room_dragged_on_the_plan_moves_through_the_same_checks(client_as, drawn_floor, db):
    spaces = sorted(drawn_floor.spaces, key=lambda s: s.code)
    client = client_as("architect")
    page = client.get(f"/floors/{drawn_floor.id}").get_data(as_text=True)
    assert 'id="plan-move-form"' in page and "/spaces/{id}/move" in page
    # The floor is 12 × 3 m, its first room 4 × 3 m: 0.2 m north leaves the floor (0.8 m² outside), refused.
    response = client.post(f"/spaces/{spaces[0].id}/move", data={"move_x": "0", "move_y": "0.2"},
                           follow_redirects=True)
    assert "non déplacé" in page_text(response) and "hors du contour" in page_text(response)
    assert outline_of(db, spaces[0].id).geometry["coordinates"][0][0] == [0.0, 0.0]
    # Enlarge the floor, then move the room 1 m north: accepted, audited.
    client.post(f"/floors/{drawn_floor.id}/outline", data={"outline": outline_text(0, 0, 12, 5)})
    response = client.post(f"/spaces/{spaces[0].id}/move", data={"move_x": "0", "move_y": "1"}, follow_redirects=True)
    assert "déplacé" in page_text(response)
    db.session.expire_all()
    assert outline_of(db, spaces[0].id).geometry["coordinates"][0][0] == [0.0, 1.0]
    assert client_as("director").post(f"/spaces/{spaces[0].id}/move", data={"move_y": "1"}).status_code == 403
