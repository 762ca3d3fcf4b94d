"""The demo portfolio has exactly the figures the département published, and marks the rest illustrative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.inventory.helpers import english

OTHER_SITES = {
    "IME-VLG": "Villeneuve-la-Garenne", "MDA-NAN": "Nanterre", "FOY-RUE": "Rueil-Malmaison",
    "PS-ISS": "Issy-les-Moulineaux", "PS-ANT": "Antony", "PS-BAG": "Bagneux", "PS-CHM": "Châtenay-Malabry",
    "PS-VLG": "Villeneuve-la-Garenne", "PS-CHT": "Châtillon",
}


def get(db, model_name: str, code: str):
    from facilities.inventory import models

    model = getattr(models, model_name)
    return db.session.execute(select(model).where(model.code == code)).scalar_one()


def summary_of(building):
    from facilities.inventory.services import building_summaries

    return building_summaries([building.id])[building.id][0]


@pytest.fixture
def asn(db, demo):
    return get(db, "Site", "PS-ASN"), get(db, "Building", "PS-ASN-B1")


def test_asnieres_key_figures(asn):
    _site, building = asn
    total = summary_of(building)
    assert total.key_figures() == {
        "floors": 7, "public_floors": 2, "interview_offices": 10, "medical_cabinets": 4, "digital_spaces": 2,
        "public_pcs": 4, "mediation_spaces": 3, "workstations": 96,
    }
    assert total.public_floor_areas_m2 == [Decimal("181"), Decimal("248")]
    assert total.pcs == 4
    assert total.medical_cabinets_by_specialty["sexual_health"] == 1


def test_asnieres_floors_and_spaces(asn):
    _site, building = asn
    assert sorted(floor.level for floor in building.floors) == list(range(7))
    public = {floor.level: floor.area_m2 for floor in building.floors if floor.is_public}
    assert sorted(public.values()) == [Decimal("181"), Decimal("248")]
    spaces = [space for floor in building.floors for space in floor.spaces]
    digital = [space for space in spaces if space.space_type == "digital_space"]
    assert len(digital) == 2 and sum(space.pcs for space in digital) == 4
    assert sum(space.pcs for space in spaces) == 4
    assert len([s for s in spaces if s.space_type == "mediation_space"]) == 3
    cabinets = [space for space in spaces if space.space_type == "medical_cabinet"]
    assert len(cabinets) == 4 and [c.specialty for c in cabinets].count("sexual_health") == 1
    assert sum(space.workstations for space in spaces) == 96


def test_asnieres_identity(asn):
    site, building = asn
    assert building.cost_cents == 11_320_000 * 100
    assert site.opened_on == date(2023, 5, 16) and building.effective_opened_on == date(2023, 5, 16)
    assert site.address == "4 rue Teddy Riner"
    assert "8h30" in site.opening_hours and "17h30" in site.opening_hours
    assert "undi" in site.opening_hours and "endredi" in site.opening_hours
    assert "T1" in site.transport_access and "Les Courtilles" in site.transport_access
    assert sorted(site.service_codes) == ["ase", "pmi", "sexual_health", "social_action"]
    assert {c["code"] for c in site.communes_served} == {"92004", "92036"}
    assert site.kind == "social_hub" and site.status == "open"


def test_clichy(db, demo):
    site, building = get(db, "Site", "PS-CLI"), get(db, "Building", "PS-CLI-B1")
    assert building.cost_cents == 17_600_000 * 100
    assert site.opened_on == date(2024, 4, 23)
    assert summary_of(building).digital_spaces == 2
    assert {"access_to_rights", "digital_help", "solidarity_desk"} <= set(site.service_codes)
    assert site.provenance_source and not site.illustrative


def test_every_named_site_is_present(db, demo):
    for code, commune in OTHER_SITES.items():
        site = get(db, "Site", code)
        assert site.commune_name == commune, code
        # MDA-NAN is also the demo's two-building site (Décret tertiaire: the tertiary areas of a site add up).
        extra = ["MDA-NAN-B2"] if code == "MDA-NAN" else []
        assert [building.code for building in site.buildings] == [f"{code}-B1", *extra]
    assert get(db, "Site", "IME-VLG").kind == "ime"
    assert get(db, "Site", "FOY-RUE").kind == "child_welfare_home"
    assert "Maison de l'Avenir" in get(db, "Site", "MDA-NAN").name


def test_silent_sources_are_marked_illustrative(db, demo):
    from facilities.inventory.models import Building, Site

    for code in OTHER_SITES:
        assert get(db, "Site", code).illustrative, code
        assert get(db, "Building", f"{code}-B1").illustrative, code
    # Every site and building records where its figures come from, or says they are illustrative.
    for entity in [*db.session.execute(select(Site)).scalars(), *db.session.execute(select(Building)).scalars()]:
        assert entity.illustrative or entity.provenance_source, entity
        assert entity.provenance_note, entity
    # Where the layout is invented on a sourced building, the note says so.
    assert "Illustratif" in get(db, "Building", "PS-ASN-B1").provenance_note
    assert get(db, "Site", "PS-CLI").location_precision == "commune"


def test_pages_show_the_provenance(client_as, asn, db):
    site, building = asn
    client = english(client_as("director"))
    building_page = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "Communiqué de presse du Département des Hauts-de-Seine" in building_page
    assert 'class="small text-muted mb-0 provenance"' in building_page
    illustrative = get(db, "Site", "PS-ANT")
    site_page = client.get(f"/sites/{illustrative.id}").get_data(as_text=True)
    assert "Illustrative" in site_page and "provenance" in site_page
