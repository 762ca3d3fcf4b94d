"""Fixtures of the energy tests: seeded reference tables, demo energy data, a CSV writer."""

from __future__ import annotations

import pytest


@pytest.fixture
def seeded(db):
    """Reference tables filled with the seed rows."""
    from facilities.energy.services import ensure_reference_seeded

    ensure_reference_seeded()
    db.session.commit()


@pytest.fixture
def energy_demo(demo, db):
    """The demo inventory with its energy series (the demo loader already calls the energy loader)."""
    from facilities.energy.models import EnergyConsumption

    assert db.session.query(EnergyConsumption).count() > 0
    return demo


@pytest.fixture
def building_id(db):
    """The id of a building by its code."""
    from sqlalchemy import select

    from facilities.inventory.models import Building

    def find(code: str) -> int:
        return db.session.execute(select(Building.id).where(Building.code == code)).scalar_one()

    return find


@pytest.fixture
def write_csv(tmp_path):
    """write_csv("a,b\\n1,2\\n") → path of a file with that content (str as UTF-8, bytes as is)."""

    def write(content, name="consumption.csv"):
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write
