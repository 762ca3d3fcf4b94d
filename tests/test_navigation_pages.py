"""Pages that lead somewhere (issue 14 points 3 and 11): History on each building, floor and space, the 403 page
naming the roles that may do what was refused, and the buttons of the exports and PDFs where their data is shown."""

from __future__ import annotations

from tests.conftest import french, page_text


def test_floor_and_space_have_their_own_history(client_as, factory, db):
    from facilities.inventory import services
    from facilities.inventory.models import Floor

    building = factory.building(floors=2, spaces_per_floor=2)
    floors = db.session.scalars(db.select(Floor).where(Floor.building_id == building.id).order_by(Floor.level)).all()
    ground, first = floors
    space = ground.spaces[0]
    services.update_space(space, {"name": "Salle renommée"})
    db.session.commit()
    client = client_as("director")

    floor_page = page_text(client.get(f"/floors/{ground.id}"))
    assert f"/buildings/{building.id}/history?floor={ground.id}" in floor_page
    assert f"/buildings/{building.id}/history?space={space.id}" in floor_page  # a History button per space

    space_history = page_text(client.get(f"/buildings/{building.id}/history?space={space.id}"))
    assert "Salle renommée" in space_history and space.code in space_history
    assert f'href="/floors/{ground.id}"' in space_history.split('id="history"')[0]  # the floor in the breadcrumbs
    assert ground.spaces[1].code not in space_history.split('id="history"')[1]
    floor_history = page_text(client.get(f"/buildings/{building.id}/history?floor={ground.id}"))
    entries = floor_history.split('id="history"')[1]
    assert ground.spaces[1].code in entries and first.spaces[0].code not in entries
    # A floor or space of another building is not this building's history.
    other = factory.building(floors=1)
    other_floor = db.session.scalars(db.select(Floor).where(Floor.building_id == other.id)).one()
    assert client.get(f"/buildings/{building.id}/history?floor={other_floor.id}").status_code == 404
    assert client.get(f"/buildings/{building.id}/history?space=99999999999").status_code == 404


def test_the_403_page_names_the_roles_that_may_and_links_back(client_as, factory):
    site = factory.site()
    client = client_as("director")
    response = client.get(f"/sites/{site.id}/edit", headers={"Referer": f"http://localhost/sites/{site.id}"})
    assert response.status_code == 403
    page = page_text(response)
    assert french("Only this role may do this: %(roles)s.", roles=french("Facilities manager")) in page
    assert french("Your role: %(role)s. An administrator can change it.", role=french("Director")) in page
    assert f'id="error-back" href="http://localhost/sites/{site.id}"' in page and 'id="error-home" href="/"' in page
    architect_only = page_text(client.get("/buildings/1/edit"))  # buildings: facilities managers and architects
    assert french("Only these roles may do this: %(roles)s.",
                  roles=f"{french('Facilities manager')}, {french('Architect')}") in architect_only
    # A referrer from elsewhere is never offered as the way back.
    elsewhere = page_text(client.get(f"/sites/{site.id}/edit", headers={"Referer": "https://evil.example/x"}))
    assert "evil.example" not in elsewhere and 'id="error-back"' not in elsewhere


def test_exports_and_pdfs_are_buttons_where_their_data_is_shown(client_as, factory, db, demo):
    from facilities.works.models import Envelope

    client = client_as("director")
    sites = page_text(client.get("/sites?status=open"))
    assert "/sites.xlsx?status=open" in sites and "/sites.csv?status=open" in sites  # with the filters shown
    assert "/inventory/export.xlsx" in sites
    envelope = db.session.scalars(db.select(Envelope).order_by(Envelope.id)).first()
    assert f"/envelopes/{envelope.id}/programme.pdf" in page_text(client.get(f"/envelopes/{envelope.id}"))
    manager = page_text(client_as("architect").get("/"))
    assert 'href="/inventory/import"' in manager  # the import/export page in the menu of those who may import
    assert 'href="/inventory/import"' not in page_text(client.get("/"))
