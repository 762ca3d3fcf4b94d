"""EFAs (issue 15, point 2): one site, parts of buildings, one activity category; the consumption of an EFA is
that of its parts (pro rata of floor area); pages and API; every subject building in an EFA; bad input refused
with nothing saved. Hand-computed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from facilities.energy.efa_figures import COMPLETE, INCOMPLETE, MISSING, PartData, efa_area, efa_year
from tests.conftest import bearer, page_text


def test_pro_rata_of_floor_area():
    # A mixed building: 1,400 m² gross, 900 m² tertiary, 500 m² housing; 140,000 kWh of gas in 2024.
    # Spread evenly over 1,400 m²: 100 kWh/m²; the 900 m² tertiary part takes 90,000 kWh.
    mixed = PartData(1, "MIX", None, D(900), D(1400), {2024: {"natural_gas": D(140000)}})
    # A 1,200 m² office building of which this EFA holds 300 m²: a quarter of its 48,000 kWh = 12,000 kWh.
    offices = PartData(2, "OFF", D(300), D(1200), D(1200), {2024: {"electricity": D(48000)}, 2023: {}})
    year = efa_year([mixed, offices], 2024)
    assert year.status == COMPLETE
    assert year.by_carrier == {"natural_gas": D(90000), "electricity": D(12000)}
    assert year.total_kwh == D(102000) and year.area_m2 == D(1200) == efa_area([mixed, offices])
    # 2023: only OFF has a (empty) entry, MIX nothing: missing; a year with one of two parts: incomplete.
    assert efa_year([mixed, offices], 2023).status == MISSING
    partial = PartData(2, "OFF", D(300), D(1200), D(1200), {2022: {"electricity": D(1)}})
    assert efa_year([mixed, partial], 2022).status == INCOMPLETE
    assert efa_year([mixed, partial], 2022).missing_buildings == ("MIX",)


@pytest.fixture
def site_two(factory, db, seeded):
    """A site with two 600 m² office buildings (1,200 m² of tertiary area: both subject, site_total) and
    another site's building."""
    from facilities.energy import services

    site = factory.site(code="S-TWO", name="Deux bâtiments")
    a = factory.building(site=site, code="B-A", name="A", gross_floor_area_m2="600")
    b = factory.building(site=site, code="B-B", name="B", gross_floor_area_m2="600")
    other = factory.building(code="B-ELSE", name="Ailleurs", gross_floor_area_m2="2000")
    for building, kwh in ((a, "60000"), (b, "90000")):
        services.record_consumption(building, services.clean_entry(
            building, {"year": 2019, "carrier": "electricity", "kwh": kwh}))
    db.session.commit()
    return site, a, b, other


def manager(client, token_for):
    headers = bearer(token_for("facilities_manager"))

    def call(method, url, body=None, extra=None):
        return client.open(url, method=method, headers={**headers, **(extra or {})}, json=body)

    return call


def test_every_subject_building_gets_an_efa_then_merge(client_as, site_two, db):
    from facilities.energy import efas
    from facilities.energy.models import Efa

    site, a, b, _other = site_two
    assert [item.code for item in efas.unassigned_subject_buildings(site.id)] == ["B-A", "B-B"]
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    page = client.get(f"/sites/{site.id}/efas").get_data(as_text=True)
    assert "Subject buildings in no EFA" in page and "B-A" in page
    csrf = client.get(f"/sites/{site.id}/efas")  # the propose form's token comes with the page
    response = client.post(f"/sites/{site.id}/efas/propose", data={"csrf_token": _token(csrf)})
    assert response.status_code == 302
    found = efas.site_efas(site.id)
    assert [(e.label, [p.building_id for p in e.parts]) for e in found] == [("A", [a.id]), ("B", [b.id])]
    assert efas.unassigned_subject_buildings(site.id) == []
    merged = client.post(f"/sites/{site.id}/efas/merge", data={
        "csrf_token": _token(client.get(f"/sites/{site.id}/efas")), "target": str(found[0].id),
        "others": [str(found[1].id)]})
    assert merged.status_code == 302
    db.session.expire_all()
    [efa] = efas.site_efas(site.id)
    assert [p.building_id for p in efa.parts] == [a.id, b.id]
    # One EFA of 1,200 m²: 2019 = 60,000 + 90,000 = 150,000 kWh → 125 kWh/m², the reference (only year).
    [figures] = efas.efa_figures([efa], today=date(2026, 6, 1))
    assert figures.area_m2 == D(1200) and figures.subject
    assert figures.year(2019).total_kwh == D(150000)
    assert (figures.reference.year, figures.reference.kwh_m2) == (2019, D(125))
    assert db.session.scalar(select(func.count()).select_from(Efa)) == 1
    site_page = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert "efa-panel" in site_page and efa.label in site_page
    energy_page = client.get(f"/buildings/{b.id}/energy").get_data(as_text=True)
    assert "Declared in the EFA" in energy_page.split('id="building-efas"')[1][:400]


def _token(response) -> str:
    import re

    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))
    return found.group(1) if found else ""  # the tests' configuration may leave CSRF checks off


def test_api_lifecycle(client, token_for, site_two, db):
    site, a, b, _other = site_two
    call = manager(client, token_for)
    created = call("POST", "/api/v1/efas", {"site_id": site.id, "label": "Pôle", "activity_category": "offices",
                                            "parts": [{"building_id": a.id}, {"building_id": b.id,
                                                                              "tertiary_area_m2": 300}]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["parts"] == [{"building_id": a.id, "tertiary_area_m2": None},
                             {"building_id": b.id, "tertiary_area_m2": 300}]
    assert (body["site_id"], body["tertiary_area_m2"], body["subject"]) == (site.id, 900, True)
    efa_id = body["id"]
    etag = created.headers["ETag"]
    listed = call("GET", f"/api/v1/efas?site_id={site.id}").get_json()
    assert listed["total"] == 1 and listed["items"][0]["label"] == "Pôle"
    patched = call("PATCH", f"/api/v1/efas/{efa_id}", {"label": "Pôle A+B"}, {"If-Match": etag})
    assert patched.status_code == 200 and patched.get_json()["label"] == "Pôle A+B"
    assert call("PATCH", f"/api/v1/efas/{efa_id}", {"reference_year": 2019}).get_json()["reference_year"] == 2019
    assert call("GET", f"/api/v1/efas/{efa_id}").status_code == 200
    assert call("DELETE", f"/api/v1/efas/{efa_id}").status_code == 204
    assert call("GET", f"/api/v1/efas/{efa_id}").status_code == 404


BAD = [
    ("another site's building", lambda a, b, other: {"parts": [{"building_id": other.id}]}, "parts[0].building_id"),
    ("part above the tertiary area", lambda a, b, o: {"parts": [{"building_id": a.id, "tertiary_area_m2": 700}]},
     "parts[0].tertiary_area_m2"),
    ("negative area", lambda a, b, o: {"parts": [{"building_id": a.id, "tertiary_area_m2": -5}]},
     "parts[0].tertiary_area_m2"),
    ("absurd area", lambda a, b, o: {"parts": [{"building_id": a.id, "tertiary_area_m2": 5e9}]},
     "parts[0].tertiary_area_m2"),
    ("no part", lambda a, b, o: {"parts": []}, "parts"),
    ("reference year out of the window", lambda a, b, o: {"parts": [{"building_id": a.id}], "reference_year": 2024},
     "reference_year"),
    ("reference year incomplete", lambda a, b, o: {"parts": [{"building_id": a.id}], "reference_year": 2018},
     "reference_year"),
    ("unknown category", lambda a, b, o: {"parts": [{"building_id": a.id}], "activity_category": "casino"},
     "activity_category"),
]


@pytest.mark.parametrize(("case", "body", "field"), BAD, ids=[case for case, _b, _f in BAD])
def test_api_refuses_bad_input_and_saves_nothing(client, token_for, site_two, db, case, body, field):
    from facilities.energy.models import Efa

    site, a, b, other = site_two
    call = manager(client, token_for)
    response = call("POST", "/api/v1/efas", {"site_id": site.id, "label": "X", "activity_category": "offices",
                                             **body(a, b, other)})
    assert response.status_code == 422, response.get_json()
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert db.session.scalar(select(func.count()).select_from(Efa)) == 0


def test_parts_of_one_building_in_two_efas_may_not_exceed_it(client, token_for, site_two, db):
    site, a, _b, _other = site_two
    call = manager(client, token_for)
    first = call("POST", "/api/v1/efas", {"site_id": site.id, "label": "1", "activity_category": "offices",
                                          "parts": [{"building_id": a.id, "tertiary_area_m2": 400}]})
    assert first.status_code == 201
    over = call("POST", "/api/v1/efas", {"site_id": site.id, "label": "2", "activity_category": "teaching",
                                         "parts": [{"building_id": a.id, "tertiary_area_m2": 250}]})
    assert over.status_code == 422 and "200" in over.get_json()["errors"][0]["message"]  # 600 − 400 left
    whole = call("POST", "/api/v1/efas", {"site_id": site.id, "label": "3", "activity_category": "teaching",
                                          "parts": [{"building_id": a.id}]})
    assert whole.status_code == 422
    assert call("POST", "/api/v1/efas", {"site_id": site.id, "label": "2", "activity_category": "teaching",
                                         "parts": [{"building_id": a.id, "tertiary_area_m2": 200}]}).status_code == 201


def test_form_refuses_another_sites_building_and_saves_nothing(client_as, site_two, db):
    from facilities.energy.models import Efa

    site, a, _b, other = site_two
    client = client_as("facilities_manager")
    client.set_cookie("lang", "en")
    page = client.get(f"/sites/{site.id}/efas/new")
    assert page.status_code == 200 and "B-ELSE" not in page.get_data(as_text=True)  # only the site's buildings
    refused = client.post(f"/sites/{site.id}/efas/new", data={
        "csrf_token": _token(page), "label": "X", "activity_category": "offices", f"part_{a.id}": "y",
        f"area_{a.id}": "900"})
    assert refused.status_code == 422
    assert "is larger than its tertiary floor area" in page_text(refused)
    assert db.session.scalar(select(func.count()).select_from(Efa)) == 0
    saved = client.post(f"/sites/{site.id}/efas/new", data={
        "csrf_token": _token(page), "label": "Bureaux A", "activity_category": "offices", f"part_{a.id}": "y",
        f"area_{a.id}": ""})
    assert saved.status_code == 302
    [efa] = db.session.execute(select(Efa)).scalars()
    edit = client.get(f"/efas/{efa.id}/edit")
    assert edit.status_code == 200
    deleted = client.post(f"/efas/{efa.id}/delete", data={"csrf_token": _token(edit)})
    assert deleted.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Efa)) == 0


def test_director_reads_but_does_not_edit(client_as, site_two):
    site, *_rest = site_two
    client = client_as("director")
    assert client.get(f"/sites/{site.id}/efas").status_code == 200
    assert client.get(f"/sites/{site.id}/efas/new").status_code == 403


def test_a_refused_field_and_a_refused_part_come_in_one_answer(client, token_for, site_two, db):
    """Every error at once (issue 14 point 8): the parts are judged even when a field of the EFA is refused."""
    site, a, _b, other = site_two
    response = manager(client, token_for)("POST", "/api/v1/efas", {
        "site_id": site.id, "label": "", "activity_category": "casino", "parts": [{"building_id": other.id}]})
    assert response.status_code == 422
    assert {"label", "activity_category", "parts[0].building_id"} <= {e["field"] for e in response.get_json()["errors"]}
