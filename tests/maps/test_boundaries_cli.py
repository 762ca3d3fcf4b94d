"""`flask gis import-boundaries | export | coverage`, the boundaries cache and the location helpers."""

from __future__ import annotations

import json
import zipfile

import pyogrio
import pytest
from sqlalchemy import func, select

from facilities.maps import services
from facilities.maps.models import Boundary, BoundaryImport

ASNIERES = (48.9146, 2.2874)  # a point in Asnières-sur-Seine (92004)


def import_file(runner, path, code="code", name="nom", *extra):
    return runner.invoke(args=["gis", "import-boundaries", str(path), "--code-field", code, "--name-field", name,
                               *extra])


def boundary_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Boundary))


def test_import_reports_counts_and_stores_36_communes(runner, db, communes_file):
    result = import_file(runner, communes_file)
    assert result.exit_code == 0, result.output
    assert "36 feature(s) read, 0 repaired, 0 skipped" in result.output
    assert boundary_count(db) == 36
    record = db.session.execute(select(BoundaryImport)).scalar_one()
    assert record.source_name == "communes-92.geojson" and record.features_read == 36
    assert set(services.boundaries_gdf()["code"]) >= {"92004", "92024", "92050"}


def test_import_again_replaces_the_previous_set(runner, db, communes_file, tmp_path):
    assert import_file(runner, communes_file).exit_code == 0
    first = services.boundaries_gdf()
    subset = tmp_path / "three.geojson"
    data = json.loads(communes_file.read_text())
    data["features"] = data["features"][:3]
    subset.write_text(json.dumps(data))
    result = import_file(runner, subset)
    assert result.exit_code == 0, result.output
    assert boundary_count(db) == 3
    assert db.session.scalar(select(func.count()).select_from(BoundaryImport)) == 1
    assert len(services.boundaries_gdf()) == 3 and services.boundaries_gdf() is not first  # cache invalidated


def _polygon_feature(props):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [[[2.2, 48.8], [2.3, 48.8], [2.3, 48.9], [2.2, 48.8]]]}}


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("this is not json", ("code", "nom"), "Cannot read"),
        (None, ("insee", "nom"), "Available fields: code, nom"),
        ({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "1", "nom": "x"},
             "geometry": {"type": "Point", "coordinates": [2.2, 48.8]}}]}, ("code", "nom"), "no usable polygon"),
    ],
    ids=["unreadable", "missing-field", "no-polygon"],
)
def test_bad_files_are_refused_and_previous_boundaries_stay(runner, db, communes_file, tmp_path, content, args,
                                                            message):
    assert import_file(runner, communes_file).exit_code == 0
    bad = tmp_path / "bad.geojson"
    if content is None:
        bad.write_text(communes_file.read_text())
    else:
        bad.write_text(content if isinstance(content, str) else json.dumps(content))
    result = import_file(runner, bad, *args)
    assert result.exit_code != 0
    assert message in result.output and "previous boundaries are kept" in result.output
    assert boundary_count(db) == 36


def test_file_without_crs_is_refused(runner, db, communes_file, tmp_path):
    assert import_file(runner, communes_file).exit_code == 0
    gdf = pyogrio.read_dataframe(communes_file).set_crs(None, allow_override=True)
    shp = tmp_path / "nocrs.shp"
    pyogrio.write_dataframe(gdf.iloc[:2], shp, driver="ESRI Shapefile")
    archive = tmp_path / "nocrs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("nocrs.*"):
            if part.suffix != ".zip":
                zf.write(part, arcname=part.name)
    result = import_file(runner, archive)
    assert result.exit_code != 0 and "coordinate reference system" in result.output
    assert boundary_count(db) == 36


def test_lambert93_geopackage_is_reprojected(runner, db, communes_file, tmp_path):
    gpkg = tmp_path / "communes-l93.gpkg"
    pyogrio.write_dataframe(pyogrio.read_dataframe(communes_file).to_crs("EPSG:2154"), gpkg, layer="communes")
    result = import_file(runner, gpkg, "code", "nom", "--layer", "communes")
    assert result.exit_code == 0, result.output
    assert "EPSG:2154" in result.output
    assert services.commune_outlines_near(*ASNIERES, radius_km=0.1)  # WGS84 again


def test_commune_from_location_after_import(factory, communes):
    inside = factory.site(latitude=ASNIERES[0], longitude=ASNIERES[1], commune_code="92004")
    nowhere = factory.site(latitude=None, longitude=None)
    at_sea = factory.site(latitude=43.0, longitude=5.0)
    found = services.commune_from_location_by_site([inside.id, nowhere.id, at_sea.id])
    assert found == {inside.id: "92004", nowhere.id: None, at_sea.id: None}


def test_commune_from_location_without_boundaries_is_none(factory):
    site = factory.site(latitude=ASNIERES[0], longitude=ASNIERES[1])
    assert services.commune_from_location_by_site([site.id]) == {site.id: None}
    assert services.commune_outlines_near(*ASNIERES) == []


def test_commune_outlines_near(communes):
    outlines = services.commune_outlines_near(*ASNIERES, radius_km=3)
    assert 2 <= len(outlines) < 36
    assert all(geom.geom_type in ("Polygon", "MultiPolygon") for geom in outlines)
    assert len(services.commune_outlines_near(*ASNIERES, radius_km=0.01)) == 1


def test_site_page_warns_when_the_point_is_in_another_commune(client_as, factory, communes):
    right = factory.site(code="OK", latitude=ASNIERES[0], longitude=ASNIERES[1], commune_code="92004")
    wrong = factory.site(code="KO", latitude=ASNIERES[0], longitude=ASNIERES[1], commune_code="92024")
    client = client_as("director")
    page = client.get(f"/sites/{right.id}").get_data(as_text=True)
    assert 'id="site-location-check"' in page and "92004" in page and "alert-warning" not in page
    page = client.get(f"/sites/{wrong.id}").get_data(as_text=True)
    assert "alert-warning" in page and "92024" in page


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv"])
def test_export_each_format(runner, factory, tmp_path, suffix):
    factory.site(code="E1", name="Export one", services=["pmi", "ase"])
    factory.site(code="E2", name="Nowhere", latitude=None, longitude=None)
    target = tmp_path / f"sites{suffix}"
    result = runner.invoke(args=["gis", "export", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 site(s)" in result.output and "1 site(s) without coordinates" in result.output
    from gis.io import read_sites

    back = read_sites(target)
    assert back["code"].tolist() == ["E1"]
    assert back["services"].tolist() == [["pmi", "ase"]] or back["services"].tolist() == [["ase", "pmi"]]
    assert round(float(back["latitude"].iloc[0]), 4) == 48.9


def test_export_adds_commune_from_location_when_boundaries_are_loaded(runner, factory, tmp_path, communes):
    factory.site(code="E1", latitude=ASNIERES[0], longitude=ASNIERES[1], commune_code="92024")
    target = tmp_path / "sites.geojson"
    assert runner.invoke(args=["gis", "export", str(target)]).exit_code == 0
    props = json.loads(target.read_text())["features"][0]["properties"]
    assert props["commune_from_location"] == "92004" and props["commune_mismatch"] is True


def test_export_refuses_unknown_extension(runner, factory, tmp_path):
    factory.site()
    result = runner.invoke(args=["gis", "export", str(tmp_path / "sites.xlsx")])
    assert result.exit_code != 0 and "unsupported extension" in result.output


def test_coverage_lists_worst_served_first(runner, factory, communes):
    factory.site(code="PMI-ASN", name="PMI Asnières", latitude=ASNIERES[0], longitude=ASNIERES[1],
                 services=["pmi"], status="open")
    factory.site(code="PMI-SHUT", name="Closed PMI", latitude=48.80, longitude=2.25, services=["pmi"],
                 status="closed")
    result = runner.invoke(args=["gis", "coverage", "--service", "pmi"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 + 36
    assert all("PMI-ASN" in line for line in lines[1:])  # the closed site never counts
    distances = [float(line[40:53]) for line in lines[1:]]  # the "Distance (km)" column
    assert distances == sorted(distances, reverse=True)
    assert lines[-1].startswith("92004") and distances[-1] < 3 < distances[0]


def test_coverage_needs_boundaries_and_a_known_service(runner, factory):
    result = runner.invoke(args=["gis", "coverage", "--service", "pmi"])
    assert result.exit_code != 0 and "import-boundaries" in result.output
    result = runner.invoke(args=["gis", "coverage", "--service", "nope"])
    assert result.exit_code != 0 and "unknown service" in result.output
