"""Issue 20: each site's commune from its point is stored (sites.location_commune_code) and kept right by every
kind of write, so that the commune choropleth is a GROUP BY; its numbers are those of locating every site."""

from __future__ import annotations

import math

from sqlalchemy import select

from facilities.inventory.models import Site
from facilities.inventory.services import SiteFilters
from facilities.maps import services
from tests.conftest import bearer

ASNIERES = {"latitude": 48.9109, "longitude": 2.2853}  # Asnières-sur-Seine's town hall (92004)
AT_SEA = {"latitude": 46.0, "longitude": -5.0}


def stored_and_located(db) -> tuple[dict, dict]:
    """Each site's stored commune, and the commune its point lies in, located again from the boundaries."""
    db.session.expire_all()
    rows = db.session.execute(select(Site.id, Site.latitude, Site.longitude, Site.location_commune_code)).all()
    located = services.locate_points([r[1] for r in rows], [r[2] for r in rows], services.boundaries_gdf())
    return {r[0]: r[3] for r in rows}, {r[0]: code for r, code in zip(rows, located, strict=True)}


def assert_stored_is_located(db) -> dict:
    stored, located = stored_and_located(db)
    assert stored == located
    return stored


def test_boundaries_import_locates_the_sites_already_there(db, factory, runner, communes_file):
    inside = factory.site(code="IN", **ASNIERES)
    at_sea = factory.site(code="SEA", **AT_SEA)
    nowhere = factory.site(code="NOWHERE", latitude=None, longitude=None)
    assert runner.invoke(args=["gis", "import-boundaries", str(communes_file), "--code-field", "code",
                               "--name-field", "nom"]).exit_code == 0
    stored = assert_stored_is_located(db)
    assert (stored[inside.id], stored[at_sea.id], stored[nowhere.id]) == ("92004", None, None)


def test_every_kind_of_site_write_keeps_the_stored_commune(db, factory, client, token_for, communes):
    site = factory.site(code="FORMS", **AT_SEA)  # inventory service (forms, API, bulk import share it)
    assert assert_stored_is_located(db)[site.id] is None
    headers = bearer(token_for("facilities_manager"))
    moved = client.patch(f"/api/v1/sites/{site.id}", json=ASNIERES, headers=headers)
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert assert_stored_is_located(db)[site.id] == "92004"
    assert client.patch(f"/api/v1/sites/{site.id}", json={"latitude": None, "longitude": None},
                        headers=headers).status_code == 200
    assert assert_stored_is_located(db)[site.id] is None
    # Direct ORM edit (what a form's populate does), then the bulk import and the demo's synthetic sites.
    site = db.session.get(Site, site.id)
    site.latitude, site.longitude = 48.8924, 2.2069  # Nanterre (92050)
    db.session.commit()
    assert assert_stored_is_located(db)[site.id] == "92050"
    from tests.bulk.test_bulk import SITE, csv_file, run

    assert run(csv_file(SITE), apply=True).applied
    db.session.commit()
    assert run(csv_file({**SITE, **{k: str(v) for k, v in ASNIERES.items()}}), apply=True).applied
    db.session.commit()
    stored = assert_stored_is_located(db)
    assert stored[db.session.scalar(select(Site.id).where(Site.code == "NEW-SITE"))] == "92004"
    from facilities.maps.synth import add_synthetic_sites

    assert add_synthetic_sites(30, seed=5, buildings=False)["sites"] == 30
    db.session.commit()
    stored = assert_stored_is_located(db)
    assert sum(code is not None for code in stored.values()) > 20


def reference(filters: SiteFilters, indicator: str, service: str | None):
    """The computation of before issue 20: every filtered site read and located again."""
    records = services.site_records(filters, with_communes_served=indicator == "sites_count")
    located = [r for r in records if r["latitude"] is not None and r["longitude"] is not None]
    return services.communes_indicator(located, indicator, service)


def test_choropleth_numbers_are_those_of_locating_every_site(db, demo, factory, communes):
    from facilities.maps.synth import add_synthetic_sites

    add_synthetic_sites(60, seed=11, buildings=False)
    # The fall-backs: no communes served (the point's commune, else the recorded one), a mixed list.
    factory.site(code="HOME", communes_served=[], **ASNIERES)
    factory.site(code="FALLBACK", commune_code="92009", communes_served=[], **AT_SEA)
    factory.site(code="UNLOCATED", latitude=None, longitude=None, commune_code="92004")
    site = factory.site(code="SERVES", **ASNIERES)
    site.communes_served = [{"code": "92050", "name": "Nanterre"}, {"code": "92050", "name": "again"}, "x"]
    factory.site(code="NULL-LIST", **ASNIERES).communes_served = None  # a JSON null, not a list
    db.session.commit()
    for filters in (SiteFilters(), SiteFilters(service="pmi"), SiteFilters(status="open"),
                    SiteFilters(kind="social_hub"), SiteFilters(commune="92004")):
        services._indicator_cache.clear()
        counts = services.cached_communes_indicator(filters, "sites_count", None)
        expected = reference(filters, "sites_count", None)
        assert counts["sites_count"].tolist() == expected["sites_count"].tolist(), filters
        assert counts["sites_count"].sum() > 0 or filters.commune
        for service in ("pmi", "ase"):
            distances = services.cached_communes_indicator(filters, "distance", service)
            expected = reference(filters, "distance", service)
            assert [None if math.isnan(d) else round(d, 9) for d in distances["distance_km"]] == \
                [None if math.isnan(d) else round(d, 9) for d in expected["distance_km"]], (filters, service)
            assert distances["nearest_site_code"].tolist() == expected["nearest_site_code"].tolist()


def test_the_api_record_reads_the_stored_commune(db, factory, client, token_for, communes):
    site = factory.site(code="STORED", **ASNIERES)
    db.session.execute(Site.__table__.update().where(Site.id == site.id).values(location_commune_code="92050"))
    db.session.commit()
    record = client.get(f"/api/v1/sites/{site.id}", headers=bearer(token_for("director"))).get_json()
    assert record["commune_from_location"] == "92050"  # what is stored, not located again
