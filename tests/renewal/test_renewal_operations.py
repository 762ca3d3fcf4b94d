"""Capital renewal with the database: the forecast of the portfolio and of a building (pages, XLSX, API), needs
turned into draft works operations linked to their equipment, and every bad input refused with nothing saved."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import bearer, page_text

FIRST = 2026  # the fixture's dates are fixed; the forecasts below start in this year


def counts(db) -> tuple[int, int]:
    from facilities.renewal.models import RenewalLink
    from facilities.works.models import Operation

    return (db.session.scalar(select(func.count(Operation.id))),
            db.session.scalar(select(func.count(RenewalLink.id))))


def test_the_api_forecast_counts_items_and_cost_by_year_and_category(client, token_for, register):
    headers = bearer(token_for("director"))
    answer = client.get(f"/api/v1/renewal-forecast?from={FIRST}&years=10&building_id={register['building'].id}",
                        headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    rows = {(row["year"], row["category"]): row for row in body["rows"]}
    assert rows[(2030, "lift")]["cost_eur"] == "150000.00" and rows[(2030, "lift")]["items"] == 1
    assert rows[(FIRST, "heating")]["cost_eur"] == "90000.00"  # due 2020: counted in the first year
    assert rows[(FIRST, "fire_alarm")]["cost_eur"] == "40000.50"  # condition 5: the year it was assessed
    tgbt = rows[(2030, "electrical")]
    assert (tgbt["items"], tgbt["cost_eur"], tgbt["items_without_cost"]) == (1, "0.00", 1)
    assert body["backlog_items"] == 1 and body["total"]["cost_eur"] == "280000.50"
    assert [year["year"] for year in body["by_year"]] == list(range(FIRST, FIRST + 10))
    assert body["policy"]["conditions"] == [{"condition": 4, "within_years": 2}, {"condition": 5, "within_years": 0}]


@pytest.mark.parametrize("query", ["from=1500", "from=3000", "years=0", "years=31", "from=abc", "building_id=0"])
def test_the_api_refuses_absurd_options(client, token_for, register, query):
    answer = client.get(f"/api/v1/renewal-forecast?{query}", headers=bearer(token_for("director")))
    assert answer.status_code == 400 and answer.get_json()["errors"]


def test_an_unknown_building_is_not_found(client, token_for, register):
    assert client.get("/api/v1/renewal-forecast?building_id=999999",
                      headers=bearer(token_for("director"))).status_code == 404


def test_needs_become_draft_operations_linked_to_their_equipment(client, token_for, register, db):
    from facilities.renewal.models import RenewalLink
    from facilities.works.models import Operation

    headers = bearer(token_for("facilities_manager"))
    client.set_cookie("lang", "en")
    ids = [register["lift"].id, register["boiler"].id]
    answer = client.post("/api/v1/renewal-forecast/operations", headers=headers,
                         json={"envelope_id": register["envelope"].id, "equipment_ids": ids})
    assert answer.status_code == 201, answer.get_json()
    made = answer.get_json()["operations"]
    assert [op["equipment_id"] for op in made] == ids
    lift_op = db.session.get(Operation, made[0]["id"])
    assert (lift_op.status, lift_op.nature, lift_op.start, lift_op.current_ap_cents) == (
        "proposed", "renovation", date(2030, 1, 1), 150_000_00)
    assert lift_op.draft  # 150 000 € over the envelope's 100 000 € cap of 2030: saved as a confirmed draft
    assert sum(row.amount_cents for row in lift_op.cp_rows) == 150_000_00  # the works derived its échéancier
    assert lift_op.building_id == register["building"].id and lift_op.site_id == register["building"].site_id
    boiler_op = db.session.get(Operation, made[1]["id"])
    assert boiler_op.start.year == date.today().year  # overdue: this year
    links = dict(db.session.execute(select(RenewalLink.equipment_id, RenewalLink.operation_id)).all())
    assert links == {register["lift"].id: lift_op.id, register["boiler"].id: boiler_op.id}
    # The operation's page shows the item it renews (the operation.panels place).
    page = client_page(client, token_for, f"/operations/{lift_op.id}")
    assert 'id="renewed-equipment"' in page and "Lift" in page
    # The forecast now says the lift is planned.
    forecast = client.get(f"/api/v1/renewal-forecast?from={FIRST}&building_id={register['building'].id}",
                          headers=headers).get_json()
    assert {(r["year"], r["category"]): r["planned_items"] for r in forecast["rows"]}[(2030, "lift")] == 1


def client_page(client, token_for, url):
    """A page as a facilities manager (signed in through the form)."""
    from facilities.auth.models import User
    from facilities.extensions import db
    from tests.conftest import login

    user = db.session.scalar(select(User).where(User.email == "api-facilities_manager@test.example"))
    login(client, user.email)
    answer = client.get(url)
    assert answer.status_code == 200
    return page_text(answer)


def test_bad_choices_are_refused_and_nothing_is_saved(client, token_for, register, db):
    headers = bearer(token_for("facilities_manager"))
    client.set_cookie("lang", "en")
    url = "/api/v1/renewal-forecast/operations"
    envelope_id, lift = register["envelope"].id, register["lift"].id
    before = counts(db)

    def refused(body, field):
        answer = client.post(url, headers=headers, json=body)
        assert answer.status_code == 422, answer.get_json()
        errors = {e["field"]: e["message"] for e in answer.get_json()["errors"]}
        assert field in errors, errors
        assert counts(db) == before
        return errors[field]

    assert "does not exist" in refused({"envelope_id": 999999, "equipment_ids": [lift]}, "envelope_id")
    assert "does not exist" in refused({"envelope_id": envelope_id, "equipment_ids": [lift, 999999]},
                                       "equipment_ids")
    assert "no replacement cost" in refused({"envelope_id": envelope_id,
                                             "equipment_ids": [lift, register["nocost"].id]}, "equipment_ids")
    assert "twice" in refused({"envelope_id": envelope_id, "equipment_ids": [lift, lift]}, "equipment_ids")
    refused({"envelope_id": envelope_id, "equipment_ids": []}, "equipment_ids")
    refused({"envelope_id": envelope_id, "equipment_ids": ["1"]}, "equipment_ids")
    refused({"envelope_id": envelope_id, "equipment_ids": [lift], "extra": 1}, "extra")
    # Already in an operation: the second action is refused whole, the first item included.
    assert client.post(url, headers=headers, json={"envelope_id": envelope_id, "equipment_ids": [lift]}).status_code == 201
    before = counts(db)
    assert "already renewed by operation" in refused({"envelope_id": envelope_id,
                                                      "equipment_ids": [register["boiler"].id, lift]}, "equipment_ids")


def test_an_item_without_any_year_is_refused(client, token_for, register, db):
    from facilities.safety import services as safety_services

    safety_services.update_equipment(register["lift"], {"installed_on": None})
    db.session.commit()
    answer = client.post("/api/v1/renewal-forecast/operations", headers=bearer(token_for("facilities_manager")),
                         json={"envelope_id": register["envelope"].id, "equipment_ids": [register["lift"].id]})
    assert answer.status_code == 422 and counts(db)[1] == 0


def test_only_a_works_editor_may_create_operations(client, token_for, register, db):
    for role in ("director", "architect", "admin"):
        answer = client.post("/api/v1/renewal-forecast/operations", headers=bearer(token_for(role)),
                             json={"envelope_id": register["envelope"].id, "equipment_ids": [register["lift"].id]})
        assert answer.status_code == 403
    assert counts(db)[1] == 0


def test_deleting_the_operation_makes_the_item_a_need_again(client, token_for, register, db):
    from facilities.renewal import services
    from facilities.works import services as works_services

    with client.application.test_request_context():
        [op] = services.create_operations(register["envelope"].id, [register["lift"].id])
        db.session.commit()
        works_services.delete_operation(op)
        db.session.commit()
        assert counts(db)[1] == 0
        assert services.create_operations(register["envelope"].id, [register["lift"].id])


def test_the_pages_show_the_forecast_and_create_operations(client_as, register, db):
    manager = client_as("facilities_manager")
    manager.set_cookie("lang", "en")
    page = manager.get(f"/renewal?from={FIRST}&years=10")
    assert page.status_code == 200
    text = page_text(page)
    assert 'id="renewal-chart"' in text and 'id="forecast-table"' in text and "150,000" in text
    assert "Renewal building" in text and f'name="equipment_ids" value="{register["lift"].id}"' in text
    assert f'value="{register["nocost"].id}"' not in text  # no cost: cannot be chosen
    building_page = page_text(manager.get(f"/buildings/{register['building'].id}/renewal?from={FIRST}"))
    assert "Lift" in building_page and "Renewal building" in building_page
    back = f"/renewal?from={FIRST}&years=10"
    answer = manager.post("/renewal/operations", data={
        "envelope_id": str(register["envelope"].id), "equipment_ids": [str(register["lift"].id)], "back": back})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(back)
    assert counts(db)[1] == 1
    shown = page_text(manager.get(back))
    assert "draft operation(s) created" in shown and "Renewal: Lift (REN-B1)" in shown
    # Refused: nothing saved, the reason said.
    refused = manager.post("/renewal/operations", data={
        "envelope_id": str(register["envelope"].id), "equipment_ids": [str(register["lift"].id)], "back": back},
        follow_redirects=True)
    assert "Nothing was saved." in page_text(refused) and "already renewed" in page_text(refused)
    assert counts(db)[1] == 1
    # A director reads the forecast but gets no checkboxes.
    director = client_as("director")
    assert 'name="equipment_ids"' not in page_text(director.get(back))
    assert manager.get("/renewal?from=1200").status_code == 400


def test_the_forecast_exports_as_a_workbook(client_as, register):
    from openpyxl import load_workbook

    manager = client_as("director")
    manager.set_cookie("lang", "en")
    answer = manager.get(f"/renewal/forecast.xlsx?from={FIRST}&years=10&building_id={register['building'].id}")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Year", "Category", "Items", "Replacement cost (€)")
    assert (2030, "Lift", 1, 150000) in [row[:4] for row in rows[1:]]
    assert manager.get("/renewal/forecast.xlsx?building_id=999999").status_code == 404


def test_the_building_page_and_the_works_list_link_the_forecast(client_as, register):
    reader = client_as("director")
    building = page_text(reader.get(f"/buildings/{register['building'].id}"))
    assert 'id="renewal-panel"' in building and f"/buildings/{register['building'].id}/renewal" in building
    assert 'id="renewal-link"' in page_text(reader.get("/envelopes"))


def test_the_database_sums_as_the_pure_rules_do(app, db, register):
    """The SQL of the forecast (services.forecast_groups) gives the groups of the pure rules (rules.group_items),
    on random items: every mix of installation, life, condition (assessed or not), cost, link and demo flag."""
    import random

    from facilities.renewal import rules, services
    from facilities.safety.models import Equipment

    rng = random.Random(19)
    building_id = register["building"].id
    for number in range(120):
        db.session.add(Equipment(
            building_id=building_id, category=rng.choice(["lift", "heating", "other"]), name=f"Random {number}",
            installed_on=rng.choice([None, date(rng.randint(1980, 2030), rng.randint(1, 12), 1)]),
            expected_life_years=rng.choice([None, rng.randint(1, 40)]),
            replacement_cost_cents=rng.choice([None, rng.randint(0, 10**9)]),
            condition=rng.choice([None, 1, 2, 3, 4, 5]),
            condition_on=rng.choice([None, date(rng.randint(2015, 2026), 3, 1)]), illustrative=rng.random() < 0.3))
    db.session.commit()
    today = date(2026, 11, 30)
    with app.test_request_context():
        expected = rules.group_items(services.items(), services.policy(), today)
        found = services.forecast_groups(today=today)
        key = lambda group: (group.year is None, group.year or 0, group.category)  # noqa: E731
        assert sorted(found, key=key) == sorted(expected, key=key)
        for first, count in ((2026, 10), (2020, 3), (2035, 30), (1990, 1)):
            assert services.forecast(first, count, today=today) == rules.forecast(services.items(), first, count,
                                                                                  services.policy(), today)
        one = services.forecast_groups(building_id=register["building"].id, today=today)
        assert sum(group.items for group in one) == 124


def test_needs_are_paged_in_the_forecast_order(app, db, register):
    from facilities.renewal import services

    with app.test_request_context():
        fc = services.forecast(FIRST, 10, register["building"].id)
        needs, total = services.needs(fc, register["building"].id)
        # By renewal year, then building, then category code: the boiler (2020), the SSI (2026), then 2030's
        # electrical and lift.
        assert total == 4 and [need.item.name for need in needs] == ["Boiler", "SSI", "TGBT", "Lift"]
        assert [need.year for need in needs] == [FIRST, FIRST, 2030, 2030]
        assert [need.renewal.reason for need in needs if need.item.name == "SSI"] == ["condition"]
        only_lifts, count = services.needs(fc, register["building"].id, year=2030, category="lift")
        assert count == 1 and only_lifts[0].item.name == "Lift"


def test_the_cached_sums_follow_every_change_of_the_register(app, db, register):
    """The forecast's sums are kept while the register is unchanged; adding, changing or deleting an item, and
    linking it to an operation or deleting that operation, are seen at the next reading."""
    from facilities.renewal import services
    from facilities.safety import rules as safety_rules
    from facilities.safety import services as safety_services
    from facilities.works import services as works_services

    def total(building=register["building"].id):
        with app.test_request_context():
            fc = services.forecast(FIRST, 10, building)
            return fc.total.items, fc.total.cost_cents, fc.total.planned

    assert total() == (4, 280_000_50, 0)
    with app.test_request_context():
        assert services.cached_groups(register["building"].id) is services.cached_groups(register["building"].id)
    safety_services.update_equipment(register["lift"], safety_rules.clean_equipment(
        {"replacement_cost_eur": "160000"}, partial=True))
    db.session.commit()
    assert total() == (4, 290_000_50, 0)
    safety_services.create_equipment(register["building"], safety_rules.clean_equipment({
        "category": "lift", "name": "Lift 2", "installed_on": "2010-01-01", "expected_life_years": 20,
        "replacement_cost_eur": "1"}))
    db.session.commit()
    assert total() == (5, 290_001_50, 0)
    with app.test_request_context():
        [op] = services.create_operations(register["envelope"].id, [register["lift"].id])
    db.session.commit()
    assert total() == (5, 290_001_50, 1)
    works_services.delete_operation(op)
    db.session.commit()
    assert total() == (5, 290_001_50, 0)
    safety_services.delete_equipment(register["boiler"])
    db.session.commit()
    assert total() == (4, 200_001_50, 0)
    assert total(None) == total()  # the portfolio is this one building
