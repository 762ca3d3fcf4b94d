"""The demo's renewal forecast: the safety demo's equipment with lives, costs and conditions (illustrative, marked
as such on the page), needs in the coming years, and a second load that changes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.conftest import page_text


def test_the_demo_forecast_has_needs_in_the_coming_years_and_is_marked(app, db, demo, client_as):
    from facilities.renewal import demo as renewal_demo
    from facilities.renewal import services
    from facilities.safety.models import Equipment

    year = date.today().year
    with app.test_request_context():
        fc = services.forecast(year, 10)
    assert fc.total.items >= 5 and fc.total.cost_cents > 0 and len([y for y in fc.years if fc.by_year[y].items]) >= 4
    assert fc.illustrative == fc.total.items  # every demo item is illustrative
    items = db.session.scalars(select(Equipment)).all()
    assert all(item.illustrative for item in items)
    assert all(item.expected_life_years and item.replacement_cost_cents for item in items)
    count = db.session.scalar(select(func.count(Equipment.id)))
    renewal_demo.load_demo()
    assert db.session.scalar(select(func.count(Equipment.id))) == count
    page = page_text(client_as("director").get("/renewal"))
    assert 'id="forecast-illustrative"' in page and "Illustratif" in page
