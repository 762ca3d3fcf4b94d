"""The demo's Décret tertiaire examples (issue 15, point 7), illustrative and marked: a mixed building (offices
and staff housing) and a two-building site in one EFA."""

from __future__ import annotations

from tests.conftest import bearer


def test_demo_mixed_building_and_two_building_site(client, token_for, energy_demo, building_id, db):
    from facilities.energy import efas
    from facilities.inventory.models import Building, Site

    headers = bearer(token_for("director"))

    def tertiaire(code):
        return client.get(f"/api/v1/buildings/{building_id(code)}/energy", headers=headers).get_json()["tertiaire"]

    # PS-CHM-B1: 1,400 m² = 900 m² of offices + 500 m² of staff housing: 900 < 1,000 → not subject.
    mixed = tertiaire("PS-CHM-B1")
    assert (mixed["subject"], mixed["subject_reason"], mixed["tertiary_area_m2"]) == (False, None, 900)
    # MDA-NAN: 1,200 + 400 = 1,600 m² of tertiary area on the site → the 400 m² pavilion is subject too.
    pavilion = tertiaire("MDA-NAN-B2")
    assert (pavilion["subject"], pavilion["subject_reason"], pavilion["site_tertiary_area_m2"]) == (
        True, "site_total", 1600)
    for code in ("PS-CHM-B1", "MDA-NAN-B2"):
        building = db.session.get(Building, building_id(code))
        assert building.illustrative and "illustratif" in building.provenance_note
    site = db.session.query(Site).filter_by(code="MDA-NAN").one()
    [efa] = efas.site_efas(site.id)
    assert "démo illustrative" in efa.label
    assert sorted(p.building_id for p in efa.parts) == sorted([building_id("MDA-NAN-B1"), building_id("MDA-NAN-B2")])
    assert efas.unassigned_subject_buildings() == []  # every subject demo building is in an EFA


def test_demo_twice_changes_no_efa(energy_demo, db):
    from sqlalchemy import func, select

    from facilities.demo.loader import load_demo
    from facilities.energy.models import Efa, EfaPart

    def counts():
        return (db.session.scalar(select(func.count()).select_from(Efa)),
                db.session.scalar(select(func.count()).select_from(EfaPart)))

    before = counts()
    load_demo(with_users=False)
    db.session.flush()
    assert counts() == before
