"""Fixtures of the renewal tests: a building with equipment due at known years, an envelope."""

from __future__ import annotations

import pytest


@pytest.fixture
def register(db, factory):
    """A building with four items: a lift due 2030 (150 000 €), a boiler overdue (2020, 90 000 €), an SSI whose
    condition (5, to replace) makes it due this year, an item without cost; and an envelope capped in 2030."""
    from facilities.safety import rules as safety_rules
    from facilities.safety import services as safety_services
    from facilities.works import rules as works_rules
    from facilities.works import services as works_services

    building = factory.building(code="REN-B1", name="Renewal building")
    made = {}
    for key, values in {
        "lift": {"category": "lift", "name": "Lift", "installed_on": "2010-03-01", "expected_life_years": 20,
                 "replacement_cost_eur": "150000"},
        "boiler": {"category": "heating", "name": "Boiler", "installed_on": "2000-10-01", "expected_life_years": 20,
                   "replacement_cost_eur": "90000"},
        "ssi": {"category": "fire_alarm", "name": "SSI", "installed_on": "2020-01-01", "expected_life_years": 15,
                "replacement_cost_eur": "40000.50", "condition": 5, "condition_on": "2026-02-01"},
        "nocost": {"category": "electrical", "name": "TGBT", "installed_on": "2000-01-01",
                   "expected_life_years": 30},
    }.items():
        made[key] = safety_services.create_equipment(building, safety_rules.clean_equipment(values))
    envelope = works_services.create_envelope(works_rules.clean_envelope({
        "label": "Renewal envelope", "caps": {"2030": "100000"}}))
    db.session.commit()
    return {"building": building, "envelope": envelope, **made}
