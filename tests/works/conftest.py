"""Fixtures of the works area: a small envelope built through the services."""

from datetime import date

import pytest


@pytest.fixture
def envelope(db):
    """An envelope capped at 1 000 000 € in 2030 and 2031, with one movable operation of 600 000 € in 2030."""
    from facilities.works import rules, services

    env = services.create_envelope(rules.clean_envelope({"label": "Test envelope", "category": "Tests",
                                                         "caps": {"2030": "1000000", "2031": "1000000"}}))
    services.create_operation(rules.clean_operation({
        "label": "First", "envelope_id": env.id, "nature": "renovation", "ap_eur": "600000",
        "start": date(2030, 1, 1).isoformat(), "duration_months": 12, "priority": 1,
        "ap_voted_on": "2029-12-01", "ap_reason": "Initial",
    }))
    db.session.commit()
    return env
