"""One vocabulary: each fact that had several sources has one, and the form, the API and the importer refuse the
same bad value with the same message (issue 13, point 4)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.bulk.test_bulk import csv_file
from tests.conftest import bearer, page_text
from tests.inventory.helpers import BUILDING_FORM, SPACE_FORM, english


def imported_errors(*lines: dict) -> dict[str, str]:
    """The errors of the one refused line of an inventory import (dry run), in English."""
    from flask_babel import force_locale

    from facilities.inventory import bulk

    with force_locale("en"):
        report = bulk.import_file(csv_file(*lines), "csv", apply=False)
    refused = [line for line in report.lines if line.outcome == "refused"]
    assert len(refused) == 1, [(line.where, line.outcome, line.errors) for line in report.lines]
    return refused[0].errors


@pytest.fixture
def api(client, token_for):
    """api(method, url, body) as a facilities manager, in English."""
    headers = bearer(token_for("facilities_manager"))
    client.set_cookie("lang", "en")

    def call(method: str, url: str, body=None):
        return client.open(url, method=method, headers=headers, json=body)

    return call


def api_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    return {error["field"]: error["message"] for error in response.get_json()["errors"]}


@pytest.fixture
def manager_pages(client_as):
    return english(client_as("facilities_manager"))


def form_refuses(response, message: str) -> None:
    assert response.status_code == 422, response.status_code
    assert message in page_text(response), message


# ---------------------------------------------------------------- money


def test_a_third_decimal_is_refused_with_one_message_by_form_api_and_importer(api, manager_pages, factory):
    site = factory.site(code="S-M")
    message = api_errors(api("POST", "/api/v1/buildings", {"site_id": site.id, "code": "B-M", "name": "B",
                                                           "cost_eur": "12.345"}))["cost_eur"]
    assert message == "Acquisition and fit-out cost must not have more than two decimals (whole cents)"
    form_refuses(manager_pages.post(f"/sites/{site.id}/buildings/new",
                                    data={**BUILDING_FORM, "code": "B-M", "name": "B", "cost_eur": "12.345"}), message)
    assert imported_errors({"entity": "building", "site_code": "S-M", "code": "B-M", "name": "B",
                            "cost_eur": "12.345"})["cost_eur"] == message


def operation_refused(api, manager_pages, db, field: str, **values) -> str:
    """The message of the API for a bad operation field, checked to be the operation form's too."""
    from facilities.works import rules, services

    envelope = services.create_envelope(rules.clean_envelope({"label": "E", "caps": {"2030": "1000000"}}))
    db.session.commit()
    body = {"label": "Op", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "10",
            "start": "2030-01-01", "duration_months": 12, **values}
    message = api_errors(api("POST", "/api/v1/operations", body))[field]
    form_refuses(manager_pages.post(f"/envelopes/{envelope.id}/operations/new",
                                    data={**body, "envelope_id": "", "site_id": "", "building_id": ""}), message)
    return message


def test_works_amounts_follow_the_same_money_rule(api, manager_pages, db):
    assert operation_refused(api, manager_pages, db, "ap_eur", ap_eur="12.345") == (
        "AP must not have more than two decimals (whole cents)")


def test_json_numbers_with_decimals_are_refused_as_money_everywhere(api, factory, db):
    from facilities.works import rules, services

    site = factory.site()
    refused = api_errors(api("POST", "/api/v1/buildings", {"site_id": site.id, "code": "B-F", "name": "B",
                                                           "cost_eur": 1200.5}))
    assert "written as text" in refused["cost_eur"]
    envelope = services.create_envelope(rules.clean_envelope({"label": "E", "caps": {}}))
    db.session.commit()
    refused = api_errors(api("PATCH", f"/api/v1/envelopes/{envelope.id}", {"caps": {"2030": 10.5}}))
    assert "written as text" in refused["caps.2030"]
    # Whole numbers and decimal strings are exact: accepted.
    assert api("PATCH", f"/api/v1/envelopes/{envelope.id}", {"caps": {"2030": 10, "2031": "10.50"}}).status_code == 200


def test_money_leaves_every_api_as_a_decimal_string(api, factory, db):
    from facilities.works import rules, services

    site = factory.site()
    created = api("POST", "/api/v1/buildings", {"site_id": site.id, "code": "B-J", "name": "B", "cost_eur": "1234.5"})
    assert created.get_json()["cost_eur"] == "1234.50"
    assert api("GET", f"/api/v1/buildings?site_id={site.id}").get_json()["items"][0]["cost_eur"] == "1234.50"
    envelope = services.create_envelope(rules.clean_envelope({"label": "E", "caps": {"2030": "1000000"}}))
    db.session.commit()
    operation = api("POST", "/api/v1/operations", {
        "label": "Op", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": 120000,
        "start": "2030-01-01", "duration_months": 12}).get_json()
    assert operation["ap_eur"] == "120000.00" and operation["cp"] == {"2030": "120000.00"}
    read = api("GET", f"/api/v1/envelopes/{envelope.id}").get_json()
    assert read["caps"] == {"2030": "1000000.00"} and read["committed_eur"] == "0.00"


# ---------------------------------------------------------------- years


def test_each_year_range_is_defined_once_in_core():
    from facilities import years
    from facilities.energy import api as energy_api
    from facilities.energy import services as energy_services
    from facilities.inventory import rules as inventory_rules
    from facilities.works import rules as works_rules

    def bounds(rules, name):
        return next(rule for rule in rules if rule.name == name).bounds()

    assert bounds(inventory_rules.BUILDING_RULES, "year_built") == (years.BUILDING.first, years.BUILDING.last)
    assert bounds(works_rules.ACTUAL_RULES, "year") == (years.PROGRAMME.first, years.PROGRAMME.last)
    assert works_rules.YEARS is years.PROGRAMME
    consumption = (years.CONSUMPTION.first, years.CONSUMPTION.last_year())
    assert bounds(energy_api.RECORD_RULES, "year") == consumption
    assert bounds(energy_services.SETTINGS_RULES, "reference_year") == consumption


def test_a_building_year_out_of_range_is_refused_with_one_message(api, manager_pages, factory):
    site = factory.site(code="S-Y")
    message = api_errors(api("POST", "/api/v1/buildings", {"site_id": site.id, "code": "B-Y", "name": "B",
                                                           "year_built": 1499}))["year_built"]
    assert message == "Year built or acquired must be at least 1500"
    form_refuses(manager_pages.post(f"/sites/{site.id}/buildings/new",
                                    data={**BUILDING_FORM, "code": "B-Y", "name": "B", "year_built": "1499"}), message)
    assert imported_errors({"entity": "building", "site_code": "S-Y", "code": "B-Y", "name": "B",
                            "year_built": "1499"})["year_built"] == message


def test_a_consumption_year_out_of_range_is_refused_with_one_message(api, manager_pages, factory, db):
    from facilities.energy.services import ensure_reference_seeded

    ensure_reference_seeded()
    building = factory.building(code="B-E", gross_floor_area_m2="1000")
    api_message = api_errors(api("POST", "/api/v1/energy-records", {
        "building_id": building.id, "year": 1999, "carrier": "electricity", "kwh": "10"}))["year"]
    assert api_message == "Year must be at least 2000"
    form_refuses(manager_pages.post(f"/buildings/{building.id}/energy/consumption",
                                    data={"year": "1999", "carrier": "electricity", "kwh": "10"}), api_message)
    csv = b"building_code,year,carrier,kwh\nB-E,1999,electricity,10\n"
    form_refuses(manager_pages.post("/energy/import", data={"file": (io.BytesIO(csv), "c.csv")},
                                    content_type="multipart/form-data"), api_message)


def test_a_programme_date_out_of_range_is_refused_with_one_message(api, manager_pages, db):
    assert operation_refused(api, manager_pages, db, "start", start="1989-12-01") == (
        "Start must be at least 1990-01-01")


# ---------------------------------------------------------------- energy carriers


def test_one_carrier_list_for_energy_and_works():
    from facilities import carriers
    from facilities.energy import api as energy_api
    from facilities.energy.reference import Carrier
    from facilities.works import rules as works_rules

    assert Carrier is carriers.Carrier and "district_heating" in carriers.CODES
    assert "heating_network" not in carriers.CODES
    works_carrier = next(rule for rule in works_rules.SAVING_RULES if rule.name == "carrier")
    energy_carrier = next(rule for rule in energy_api.RECORD_RULES if rule.name == "carrier")
    assert list(works_carrier.choices()) == list(energy_carrier.choices()) == list(carriers.CODES)


def test_heating_network_is_refused_by_every_entry_path(api, manager_pages, factory, db):
    from facilities.energy.services import ensure_reference_seeded
    from facilities.works import rules, services

    ensure_reference_seeded()
    building = factory.building(code="B-C", gross_floor_area_m2="1000")
    message = api_errors(api("POST", "/api/v1/energy-records", {
        "building_id": building.id, "year": 2024, "carrier": "heating_network", "kwh": "10"}))["carrier"]
    assert message == ("Energy must be one of: electricity, natural_gas, fuel_oil, lpg, district_heating, "
                       "district_cooling, wood")
    form_refuses(manager_pages.post(f"/buildings/{building.id}/energy/consumption",
                                    data={"year": "2024", "carrier": "heating_network", "kwh": "10"}), message)
    csv = b"building_code,year,carrier,kwh\nB-C,2024,heating_network,10\n"
    form_refuses(manager_pages.post("/energy/import", data={"file": (io.BytesIO(csv), "c.csv")},
                                    content_type="multipart/form-data"), message)
    envelope = services.create_envelope(rules.clean_envelope({"label": "E", "caps": {}}))
    operation = services.create_operation(rules.clean_operation({
        "label": "Op", "envelope_id": envelope.id, "nature": "energy_retrofit", "ap_eur": "10",
        "start": "2030-01-01", "duration_months": 12, "draft": True}))
    db.session.commit()
    refused = manager_pages.post(f"/operations/{operation.id}/savings",
                                 data={"carrier": "heating_network", "kwh_per_year": "10"})
    form_refuses(refused, "must be one of: electricity, natural_gas, fuel_oil, lpg, district_heating, "
                          "district_cooling, wood")


# ---------------------------------------------------------------- closed lists


def test_an_unknown_specialty_is_refused_with_one_message_by_form_api_and_importer(api, manager_pages, factory, db):
    from facilities.inventory import services

    building = factory.building(code="B-S")
    floor = services.create_floor(building, {"level": 0, "name": "RDC", "area_m2": None, "is_public": True})
    db.session.commit()
    space = {"code": "0.01", "name": "Cabinet", "space_type": "medical_cabinet", "area_m2": "14",
             "specialty": "cardiology"}
    message = api_errors(api("POST", "/api/v1/spaces", {"floor_id": floor.id, **space}))["specialty"]
    assert message == "Specialty must be one of: sexual_health, pmi, general"
    form_refuses(manager_pages.post(f"/floors/{floor.id}/spaces/new", data={**SPACE_FORM, **space}), message)
    assert imported_errors({"entity": "space", "building_code": "B-S", "level": "0", **space})["specialty"] == message


@pytest.mark.parametrize(("field", "value"), [("kind", "castle"), ("status", "sold"), ("services", ["spa"])])
def test_site_lists_are_choices_in_the_form_the_api_and_the_importer(api, manager_pages, field, value):
    site = {"code": "S-L", "name": "S", "kind": "social_hub", "status": "open", field: value}
    message = api_errors(api("POST", "/api/v1/sites", site))[field]
    form_refuses(manager_pages.post("/sites/new", data={"location_precision": "", **site}), message)
    as_text = ", ".join(value) if isinstance(value, list) else value
    assert imported_errors({"entity": "site", **site, field: as_text})[field] == message


def test_list_filters_of_the_api_are_closed_lists(api):
    refused = api("GET", "/api/v1/sites?status=sold")
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["field"] == "status"
    assert api("GET", "/api/v1/sites?status=open&kind=social_hub&service=pmi").status_code == 200
    assert api("GET", "/api/v1/spaces?type=ballroom").status_code == 400
    spec = api("GET", "/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/sites"]["get"]["parameters"]}
    assert "open" in parameters["status"]["enum"] and "pmi" in parameters["service"]["enum"]
    assert parameters["q"]["maxLength"] == 100
    spaces = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/spaces"]["get"]["parameters"]}
    assert "medical_cabinet" in spaces["type"]["enum"]


# ---------------------------------------------------------------- DPE palette


def test_one_dpe_palette_for_map_charts_css_and_pdf(client, client_as, demo, db, monkeypatch):
    """The official colours, from facilities/palette.py, in the map's legend, the chart's bars, the pages' CSS and
    the energy PDF."""
    import re

    from facilities import palette
    from facilities.energy import charts
    from facilities.maps import mapview
    from facilities.reports import routes as report_routes

    assert palette.DPE_COLORS["C"] == "#78bd76" and list(palette.DPE_COLORS) == list("ABCDEFG")
    # Map: the legend of "colour by DPE" is drawn from the palette.
    legend, _title, _other = mapview._palette("dpe")
    assert {code: color for code, (color, _label) in legend.items()} == palette.DPE_COLORS
    # Chart: the bars of the distribution, in the palette's colours (matplotlib writes them as fill colours).
    svg = charts.dpe_distribution_svg({letter: 1 for letter in palette.DPE_COLORS})
    for color in palette.DPE_COLORS.values():
        assert f"fill: {color}" in svg or f"fill:{color}" in svg or color in svg.lower()
    # CSS: served from the palette, linked from every page, and no colour of a DPE class left in app.css.
    css = client.get("/css/palette.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    for letter, color in palette.DPE_COLORS.items():
        assert f'.dpe-letter[data-dpe="{letter}"] {{ background-color: {color};' in css.get_data(as_text=True)
    app_css = (Path(report_routes.__file__).parents[1] / "static" / "css" / "app.css").read_text()
    assert not re.search(r"dpe-letter\[data-dpe", app_css)
    assert 'href="/css/palette.css"' in client_as("director").get("/sites").get_data(as_text=True)
    # PDF: every report template sees the palette; the energy report colours its class badge with it.
    from facilities.reports.pdf import _report_context, render_html

    assert _report_context()["DPE_COLORS"] is palette.DPE_COLORS
    seen = {}
    monkeypatch.setattr(report_routes, "render_pdf",
                        lambda template, **context: seen.update(html=render_html(template, **context)) or b"%PDF")
    from sqlalchemy import select

    from facilities.inventory.models import Building

    building = db.session.execute(select(Building).where(Building.code == "PS-CLI-B1")).scalar_one()
    assert client_as("director").get(f"/buildings/{building.id}/energy.pdf").status_code == 200
    assert re.search(r'class="value dpe" style="background: #[0-9a-f]{6}; color: #[0-9a-f]{3}"', seen["html"])
    letter = re.search(r'class="value dpe" style="background: (#[0-9a-f]{6})[^>]*>([A-G])<', seen["html"])
    assert palette.DPE_COLORS[letter.group(2)] == letter.group(1)


# ---------------------------------------------------------------- accounts


def test_an_account_is_read_by_the_same_rules_in_the_form_and_the_command_line(client_as, runner, db):
    admin = english(client_as("admin"))
    result = runner.invoke(args=["users", "create", "x@test.example", "--role", "superuser"])
    assert result.exit_code != 0
    message = "Role must be one of: admin, facilities_manager, architect, director"
    assert message in result.output
    form_refuses(admin.post("/admin/users", data={"email": "x@test.example", "role": "superuser"}), message)
    refused = english(client_as("director")).post("/account", data={"name": "t", "expires_in_days": "0"})
    form_refuses(refused, "Expires after (days, empty for never) must be at least 1")


# ---------------------------------------------------------------- the API's description


def _rule_sets():
    from facilities.energy import api as energy_api
    from facilities.inventory import rules as inventory_rules
    from facilities.works import rules as works_rules

    return {"SiteInput": inventory_rules.SITE_RULES, "BuildingInput": inventory_rules.BUILDING_RULES,
            "FloorInput": inventory_rules.FLOOR_RULES, "SpaceInput": inventory_rules.SPACE_RULES,
            "OperationInput": works_rules.OPERATION_RULES, "EnvelopeInput": works_rules.ENVELOPE_RULES,
            "PhaseInput": works_rules.PHASE_RULES, "EnergyRecordInput": energy_api.RECORD_RULES}


def test_the_openapi_description_states_every_bound_the_rules_enforce(client):
    """Request bodies are generated from the rules: each enum, bound and length the API enforces is stated."""
    from decimal import Decimal

    from facilities import money
    from facilities.api.openapi import date_pattern, text_pattern

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    checked = 0
    for name, rule_set in _rule_sets().items():
        properties = schemas[name]["properties"]
        for rule in rule_set:
            prop = properties[rule.name]
            minimum, maximum = rule.bounds()
            if rule.kind == "choice":  # (null among the values of an optional choice)
                assert [c for c in prop["enum"] if c is not None] == list(rule.choices()), (name, rule.name)
            elif rule.kind == "list":
                assert prop["items"]["enum"] == list(rule.choices()), (name, rule.name)
            elif rule.kind == "text":  # (the text among the forms the API also takes, e.g. a list of communes)
                text = next(form for form in prop.get("anyOf", [prop]) if form.get("type") == "string")
                assert text.get("maxLength") == rule.max_length, (name, rule.name)
                assert text.get("minLength") == (rule.min_length or (1 if rule.required else None)), (name, rule.name)
                assert text["pattern"] == text_pattern(rule), (name, rule.name)  # its format, no NUL, not blank
            elif rule.kind == "date" and (minimum or maximum):  # bounds (and the first of a month) as a pattern
                assert prop["pattern"] == date_pattern(minimum, maximum, first_of_month=bool(
                    rule.extra.get("first_of_month"))), (name, rule.name)
            elif rule.kind in ("int", "decimal", "float") and rule.exclusive_minimum and rule.places:
                # Rounded half up to its places, the smallest value accepted is half a step above the minimum.
                smallest = minimum + Decimal(5).scaleb(-rule.places - 1)
                assert Decimal(str(prop.get("minimum"))) == smallest and prop.get("maximum") == maximum, (name, rule.name)
                assert "exclusiveMinimum" not in prop, (name, rule.name)
            elif rule.kind in ("int", "decimal", "float"):
                assert prop.get("minimum") == minimum and prop.get("maximum") == maximum, (name, rule.name)
                assert prop.get("exclusiveMinimum", False) == rule.exclusive_minimum, (name, rule.name)
            elif rule.kind == "money":
                whole = next(form for form in prop["anyOf"] if form["type"] == "integer")
                assert (whole["minimum"], Decimal(whole["maximum"])) == (0, money.MAX_EUROS), (name, rule.name)
            assert (rule.name in schemas[name].get("required", [])) == rule.required, (name, rule.name)
            checked += 1
        assert schemas[name]["additionalProperties"] is False
    assert checked > 50
    # Responses carry the same enums and money as a decimal string.
    assert schemas["SiteSummary"]["properties"]["kind"]["enum"][:5] == schemas["SiteInput"]["properties"]["kind"]["enum"]
    assert schemas["Space"]["properties"]["specialty"]["enum"][:3] == ["sexual_health", "pmi", "general"]
    assert schemas["BuildingDetail"]["properties"]["cost_eur"]["pattern"] == money.JSON_PATTERN
    assert schemas["Operation"]["properties"]["ap_eur"]["type"] == "string"
    assert schemas["EnergyRecord"]["properties"]["carrier"]["enum"][4] == "district_heating"


def test_the_audit_api_sends_a_changed_amount_as_euros_too(api, factory, db):
    site = factory.site()
    created = api("POST", "/api/v1/buildings", {"site_id": site.id, "code": "B-A", "name": "B", "cost_eur": "10"})
    building_id = created.get_json()["id"]
    api("PATCH", f"/api/v1/buildings/{building_id}", {"cost_eur": "12.50"})
    entries = api("GET", f"/api/v1/audit?building_id={building_id}").get_json()["items"]
    changed = [entry["changes"]["cost_eur"] for entry in entries if "cost_eur" in entry["changes"]]
    assert {"old": "10.00", "new": "12.50"} in changed
    assert not any("cost_cents" in entry["changes"] for entry in entries)
