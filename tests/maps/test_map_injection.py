"""Data never becomes template source on the map: every text field that can reach it shows as typed.

A site named ``x {{ 7*191 }}`` once showed ``1337`` on /map, and a Jinja-globals payload ran shell commands
in the web process: folium/branca compile element text again as a Jinja2 template.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from gis.webmap import build_site_map

PAYLOADS = [
    "x {{ 7*191 }}",
    "{% if true %}yes{% endif %}",
    "{# unterminated comment",
    "{{ cycler.__init__.__globals__.os.popen('echo PWNED-$((6*7))').read() }}",
    "{{ config.SECRET_KEY }} {{ 'TEMPLATE' ~ 'RAN' }}",
    "{% raw %}",
]


def _square(x: float, y: float, size: float = 0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def _assert_safe(page: str) -> None:
    text = html.unescape(page)
    assert "x 1337" not in text
    assert "PWNED-42" not in text and "TEMPLATERAN" not in text
    for payload in PAYLOADS:
        assert json.dumps(payload, ensure_ascii=False)[1:-1].replace("<", "\\u003c") in text, payload


def test_build_site_map_keeps_payloads_in_every_field_as_typed():
    palette = {"social_hub": ("#1f77b4", PAYLOADS[1]), "other": ("#777777", PAYLOADS[2])}
    sites = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.28 + i / 100, 48.9]},
         "properties": {"name": payload, "address": payload, "kind": "social_hub", "services": [payload],
                        "url": f"/sites/{i}", "floors": 1}}
        for i, payload in enumerate(PAYLOADS)]}
    communes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": _square(2.2 + i / 50, 48.8), "properties": {"name": payload, "v": i}}
        for i, payload in enumerate(PAYLOADS)]}
    page = build_site_map(
        sites, palette=palette, communes=communes, indicator="v", indicator_label=PAYLOADS[3],
        indicator_unit=PAYLOADS[4], legend_title=PAYLOADS[0], communes_legend_title=PAYLOADS[5],
        labels={key: PAYLOADS[0] for key in ("address", "services", "floors", "open_site", "no_value", "other")},
        service_labels={payload: payload for payload in PAYLOADS},
    )
    _assert_safe(page)


def test_map_page_shows_template_syntax_in_site_fields_as_typed(client_as, factory):
    for i, payload in enumerate(PAYLOADS):
        factory.site(name=payload, address=payload, commune_name=payload, latitude=48.9 + i / 100)
    client = client_as("director")
    for color_by in ("kind", "status", "dpe", "safety"):
        response = client.get(f"/map?color_by={color_by}")
        assert response.status_code == 200, color_by
        text = html.unescape(response.get_data(as_text=True))
        assert "x 1337" not in text and "PWNED-42" not in text and "TEMPLATERAN" not in text
        # The sites come as JSON from the viewport endpoint, never through a template: exactly as typed.
        answer = client.get(f"/api/v1/map/viewport?bbox=-180,-90,180,90&zoom=3&color_by={color_by}").get_json()
        assert sorted(site["n"] for site in answer["sites"]) == sorted(PAYLOADS)
        assert {site["a"] for site in answer["sites"]} == {f"{p}, {p}" for p in PAYLOADS}


def test_map_choropleth_shows_imported_commune_names_as_typed(client_as, factory, runner, tmp_path: Path):
    features = [{"type": "Feature", "geometry": _square(2.2 + i / 50, 48.85),
                 "properties": {"code": f"920{i:02d}", "nom": payload}} for i, payload in enumerate(PAYLOADS)]
    path = tmp_path / "communes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = runner.invoke(args=["gis", "import-boundaries", str(path), "--code-field", "code", "--name-field", "nom"])
    assert result.exit_code == 0, result.output
    factory.site(name=PAYLOADS[0], latitude=48.855, longitude=2.205, communes_served=["92000", "92001"])
    for query in ("indicator=sites_count", "indicator=distance&service=pmi"):
        response = client_as("director").get(f"/map?{query}")
        assert response.status_code == 200, (query, response.get_data(as_text=True)[:500])
        text = html.unescape(response.get_data(as_text=True))
        assert "x 1337" not in text and "PWNED-42" not in text
        assert json.dumps(PAYLOADS[3], ensure_ascii=False)[1:-1] in text


@pytest.mark.parametrize("field", ["name", "address", "commune_name"])
def test_site_api_accepts_template_syntax_and_map_still_answers(client_as, token_for, field):
    from tests.conftest import bearer

    token = token_for("facilities_manager")
    body = {"code": f"INJ-{field}", "name": "Safe", "kind": "social_hub", "status": "open",
            "latitude": 48.9, "longitude": 2.28, field: PAYLOADS[3]}
    created = client_as("facilities_manager").post("/api/v1/sites", json=body, headers=bearer(token))
    assert created.status_code == 201, created.get_data(as_text=True)
    response = client_as("director").get("/map")
    assert response.status_code == 200
    assert "PWNED-42" not in html.unescape(response.get_data(as_text=True))
