"""Markup in an item's name (stored as typed by whoever recorded it) is shown as text on the renewal pages."""

from __future__ import annotations

MARKUP = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def test_an_item_named_with_markup_is_text_on_the_forecast_pages(client_as, register, db):
    register["lift"].name = MARKUP
    db.session.commit()
    reader = client_as("facilities_manager")
    building_id = register["building"].id
    for url in ("/renewal?from=2026&years=10", f"/buildings/{building_id}/renewal?from=2026&years=10",
                f"/buildings/{building_id}"):
        html = reader.get(url).get_data(as_text=True)
        assert "<script>alert(2)" not in html and "<img src=x" not in html, url
    listed = reader.get("/renewal?from=2026&years=10").get_data(as_text=True)
    assert "&lt;script&gt;alert(2)" in listed
