"""What is due: the building, site and home panels, the portfolio page, and the personal calendar feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import page_text


@pytest.fixture
def overdue_building(factory, db):
    """A W building with a lift whose yearly check is overdue and a critical finding not lifted."""
    from facilities.safety import reference, rules, services

    reference.ensure_seeded()
    building = factory.building(name="Pôle Alerte", erp_types=["W"], public_capacity=250, staff_capacity=30)
    item = services.create_equipment(building, rules.clean_equipment({"category": "lift", "name": "Ascenseur B"}))
    done = date.today() - timedelta(days=400)
    check = services.record_check(item, rules.clean_check({"check_type": "lift_yearly", "done_on": done.isoformat(),
                                                           "body": "Otis", "result": "non_compliant"}))
    services.raise_finding(building, rules.clean_finding({"description": "Porte palière", "severity": "critical",
                                                          "raised_on": done.isoformat()}), check)
    return building


def test_home_site_building_and_portfolio_show_what_is_due(client_as, overdue_building):
    client = client_as("director")
    client.set_cookie("lang", "en")
    home = page_text(client.get("/"))
    assert "Pôle Alerte: Lift: maintenance visit (R125-2 CCH) overdue since" in home
    assert "Pôle Alerte: critical finding not lifted (Porte palière)" in home
    assert f"/buildings/{overdue_building.id}/safety#planned-checks" in home
    site = page_text(client.get(f"/sites/{overdue_building.site_id}"))
    assert "site-safety" in site and "Pôle Alerte" in site
    building = page_text(client.get(f"/buildings/{overdue_building.id}"))
    assert 'id="safety-due"' in building
    portfolio = page_text(client.get("/safety"))
    assert "1 overdue, 1 never done" in portfolio


def test_the_calendar_feed_is_personal_secret_and_revocable(client_as, client, overdue_building, db):
    from icalendar import Calendar

    manager = client_as("facilities_manager")
    manager.set_cookie("lang", "en")
    page = page_text(manager.post("/safety/calendar", data={"create": "1"}))
    address = page.split('id="calendar-address" type="text" readonly value="')[1].split('"')[0]
    path = address.split("localhost", 1)[1]
    feed = client.get(path)  # no session: the secret is the credential
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert len(events) == 1 and "Ascenseur B" in str(events[0]["SUMMARY"])
    assert events[0]["DTSTART"].dt < date.today()
    assert client.get(path.replace(path[-10:-4], "AAAAAA")).status_code == 404
    page = page_text(manager.post("/safety/calendar", data={"create": "1"}))  # a new address: the old one stops
    assert client.get(path).status_code == 404
    new_path = page.split('readonly value="')[1].split('"')[0].split("localhost", 1)[1]
    assert client.get(new_path).status_code == 200
    manager.post("/safety/calendar", data={"revoke": "1"})
    assert client.get(new_path).status_code == 404


def test_the_calendar_feed_stops_when_its_owner_no_longer_reads_the_portfolio(client_as, client, overdue_building,
                                                                             db):
    """A manager made a requester (its sites only) must not keep reading every site's due checks by its feed."""
    from facilities.auth.models import User

    manager = client_as("facilities_manager")
    page = page_text(manager.post("/safety/calendar", data={"create": "1"}))
    path = page.split('id="calendar-address" type="text" readonly value="')[1].split('"')[0].split("localhost", 1)[1]
    assert client.get(path).status_code == 200
    user = db.session.query(User).filter_by(role="facilities_manager").order_by(User.id.desc()).first()
    user.role = "requester"
    db.session.commit()
    assert client.get(path).status_code == 404
    user.role = "facilities_manager"
    db.session.commit()
    assert client.get(path).status_code == 200
