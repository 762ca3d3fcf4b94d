"""Copying a floor onto existing levels (merge or replace) with a preview; previous/next floor links."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from facilities.inventory.models import Floor, Space
from tests.inventory.helpers import english


@pytest.fixture
def architect(client_as):
    return english(client_as("architect"))


def _floor(db, building, level) -> Floor:
    return db.session.execute(select(Floor).filter_by(building_id=building.id, level=level)).scalar_one()


def _codes(floor) -> list[str]:
    return sorted(space.code for space in floor.spaces)


@pytest.fixture()
def tower(factory, db):
    """Levels 0-2, three 12 m² rooms each; level 2 then differs: 2.01 renamed, 2.02 gone, 2.09 added."""
    building = factory.building(floors=3, spaces_per_floor=3, gross_floor_area_m2="100")
    top = _floor(db, building, 2)
    spaces = {space.code: space for space in top.spaces}
    spaces["2.01"].name = "Salle d'attente"
    db.session.delete(spaces["2.02"])
    db.session.add(Space(floor=top, code="2.09", name="Archives", space_type="storage", area_m2=Decimal("30")))
    db.session.commit()
    return building


def test_merge_adds_what_the_floor_lacks_and_keeps_the_rest(architect, db, tower):
    source = _floor(db, tower, 1)
    kept_id = next(space.id for space in _floor(db, tower, 2).spaces if space.code == "2.01")
    data = {"levels": "2", "mode": "merge"}
    preview = architect.post(f"/floors/{source.id}/copy", data=data)
    assert preview.status_code == 200
    assert _codes(_floor(db, tower, 2)) == ["2.00", "2.01", "2.09"]  # nothing saved yet
    assert architect.post(f"/floors/{source.id}/copy", data={**data, "confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    top = _floor(db, tower, 2)
    assert _codes(top) == ["2.00", "2.01", "2.02", "2.09"]
    kept = db.session.get(Space, kept_id)
    assert kept.name == "Salle d'attente" and kept.floor_id == top.id  # merge keeps the existing spaces as they are


def test_replace_updates_in_place_adds_and_deletes_after_a_preview(architect, db, tower):
    source = _floor(db, tower, 1)
    kept_id = next(space.id for space in _floor(db, tower, 2).spaces if space.code == "2.01")
    data = {"levels": "2", "mode": "replace"}
    page = english(architect).post(f"/floors/{source.id}/copy", data=data).get_data(as_text=True)
    # Before: 12 + 12 + 30 = 54 m² on level 2; after: three 12 m² rooms. The building had 36 + 36 + 54 = 126 m²
    # of spaces on a gross floor area of 100 m²: the preview says so.
    assert "2.02" in page and "2.09" in page and 'id="copy-over-gross"' in page
    assert "126\xa0m² before, 108\xa0m² after" in page  # 126 - 54 + 36
    assert architect.post(f"/floors/{source.id}/copy", data={**data, "confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    top = _floor(db, tower, 2)
    assert _codes(top) == ["2.00", "2.01", "2.02"]
    replaced = db.session.get(Space, kept_id)
    assert replaced is not None and replaced.name == "Room 1"  # same record, the source's values


def test_new_only_refuses_an_existing_level_and_saves_nothing(architect, db, tower):
    source = _floor(db, tower, 1)
    before = db.session.scalar(select(Space.id).order_by(Space.id.desc()).limit(1))
    response = english(architect).post(f"/floors/{source.id}/copy",
                                       data={"levels": "2", "mode": "new", "confirmed": "yes"})
    assert response.status_code == 422
    assert "Level 2 already exists" in response.get_data(as_text=True)
    assert db.session.scalar(select(Space.id).order_by(Space.id.desc()).limit(1)) == before


def test_an_unknown_mode_is_refused(architect, db, tower):
    source = _floor(db, tower, 1)
    response = architect.post(f"/floors/{source.id}/copy", data={"levels": "5", "mode": "overwrite",
                                                                 "confirmed": "yes"})
    assert response.status_code == 422
    assert db.session.execute(select(Floor).filter_by(building_id=tower.id, level=5)).first() is None


def test_floor_page_links_the_floors_below_and_above(client_as, db, tower):
    client = english(client_as("director"))
    middle = client.get(f"/floors/{_floor(db, tower, 1).id}").get_data(as_text=True)
    assert f'rel="prev" href="/floors/{_floor(db, tower, 0).id}"' in middle
    assert f'rel="next" href="/floors/{_floor(db, tower, 2).id}"' in middle
    bottom = client.get(f"/floors/{_floor(db, tower, 0).id}").get_data(as_text=True)
    assert 'rel="prev"' not in bottom and 'rel="next"' in bottom
