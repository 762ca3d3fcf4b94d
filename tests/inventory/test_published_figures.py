"""Figures a source document publishes about a building, compared with the inventory (issue 14 points 1 and 7): the
comparison (pure), the form and API that record them, the warnings of the building and floor pages, the home
dashboard's alert, and the demo, whose Asnières building matches its press release until a floor is copied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.conftest import bearer, page_text
from tests.inventory.helpers import english

SOURCE = "Communiqué de presse, 6 juin 2023"


def _published(figure, value, record_id=1):
    return SimpleNamespace(id=record_id, figure=figure, value=Decimal(value), source=SOURCE,
                           published_on=date(2023, 6, 6))


def test_counts_must_be_equal_areas_and_cost_equal_to_the_unit_and_an_empty_inventory_contradicts_nothing():
    from facilities.inventory.published import compare, contradictions, recorded_figures
    from facilities.inventory.summary import InventorySummary

    summary = InventorySummary(floors=8, interview_offices=10, spaces=40, net_area_m2=Decimal("1730.40"))
    recorded = recorded_figures(summary, Decimal("1730"), 1_132_000_000)
    found = compare([_published("workstations", "96"), _published("floors", "7"), _published("interview_offices", "10"),
                     _published("usable_area_m2", "1730"), _published("gross_floor_area_m2", "1731"),
                     _published("cost_eur", "11320000")], recorded)
    assert [c.figure for c in found][:3] == ["floors", "interview_offices", "workstations"]  # the catalogue's order
    assert {c.figure: c.contradicted for c in found} == {
        "floors": True, "interview_offices": False, "workstations": True, "usable_area_m2": False,
        "gross_floor_area_m2": True, "cost_eur": False}
    empty = recorded_figures(InventorySummary(), None, None)
    assert contradictions(compare([_published("floors", "7"), _published("cost_eur", "1")], empty)) == []


def test_the_demo_matches_its_press_release_until_a_floor_copy_adds_a_level(client_as, demo, db):
    from facilities.inventory import floor_copy, services
    from facilities.inventory.models import Building, Floor

    manager = english(client_as("facilities_manager"))
    asnieres = db.session.scalars(select(Building).where(Building.code == "PS-ASN-B1")).one()
    assert len(asnieres.published_figures) == 9
    assert services.contradicted_buildings() == []
    home = page_text(manager.get("/"))
    assert "contradicts" not in home
    page = page_text(manager.get(f"/buildings/{asnieres.id}"))
    assert "Published figures" in page and "inventory-warnings" not in page and "11,320,000" in page

    top = max(asnieres.floors, key=lambda floor: floor.level)
    floor_copy.apply_copy(floor_copy.plan_copy(top, [top.level + 1], "new"))
    db.session.commit()
    wrong = dict(services.contradicted_buildings())
    assert [c.figure for c in wrong[asnieres]][0] == "floors"
    home = page_text(manager.get("/"))
    assert "PS-ASN-B1 · Pôle social Asnières / Gennevilliers: the inventory contradicts" in home
    assert "Levels 8, published 7" in home
    page = page_text(manager.get(f"/buildings/{asnieres.id}"))
    assert "Levels: 8 in the inventory, 7 published by" in page and "contradicted" in page
    new_floor = db.session.scalars(select(Floor).where(Floor.building_id == asnieres.id)
                                   .order_by(Floor.level.desc())).first()
    assert "Levels: 8 in the inventory, 7 published by" in page_text(manager.get(f"/floors/{new_floor.id}"))


def test_the_floor_page_warns_of_usable_area_over_gross(client_as, factory):
    building = factory.building(floors=1, spaces_per_floor=3, gross_floor_area_m2="20")
    page = page_text(english(client_as("director")).get(f"/floors/{building.floors[0].id}"))
    assert "usable-over-gross" in page and "exceeds the gross floor area" in page


def test_the_form_records_a_figure_refusing_every_error_at_once(client_as, factory, db):
    from facilities.inventory.models import PublishedFigure

    building = factory.building()
    architect = english(client_as("architect"))
    assert "published-figures/new" in page_text(architect.get(f"/buildings/{building.id}"))
    refused = architect.post(f"/buildings/{building.id}/published-figures/new",
                             data={"figure": "floors", "value": "7.5", "source": "", "published_on": "2999-01-01"})
    assert refused.status_code == 422
    text = page_text(refused)
    assert "A number of levels is a whole number" in text and "Source document is required" in text
    assert "Published on must be at most" in text
    assert db.session.scalar(select(func.count()).select_from(PublishedFigure)) == 0
    assert architect.post(f"/buildings/{building.id}/published-figures/new", data={
        "figure": "floors", "value": "7", "source": SOURCE, "published_on": "2023-06-06",
        "note": "« 7 étages »"}).status_code == 302
    twice = architect.post(f"/buildings/{building.id}/published-figures/new",
                           data={"figure": "floors", "value": "8", "source": SOURCE})
    assert twice.status_code == 422 and "already has a published value of levels" in page_text(twice)
    record = db.session.scalars(select(PublishedFigure)).one()
    form = page_text(architect.get(f"/published-figures/{record.id}/edit"))
    assert 'value="7"' in form
    assert architect.post(f"/published-figures/{record.id}/edit", data={
        "figure": "floors", "value": "6", "source": SOURCE, "version": str(record.version)}).status_code == 302
    db.session.refresh(record)
    assert record.value == 6
    assert english(client_as("director")).get(f"/published-figures/{record.id}/edit").status_code == 403
    assert architect.post(f"/published-figures/{record.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PublishedFigure)) == 0


def test_the_api_records_compares_and_refuses(client, token_for, factory):
    building = factory.building(floors=2)
    headers = bearer(token_for("architect"))
    client.set_cookie("lang", "en")
    body = {"building_id": building.id, "figure": "floors", "value": 3, "source": SOURCE,
            "published_on": "2023-06-06"}
    created = client.post("/api/v1/published-figures", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert record["recorded"] == 2 and record["contradicted"] is True and record["value"] == 3
    again = client.post("/api/v1/published-figures", json={**body, "value": 2.5, "source": ""}, headers=headers)
    fields = {error["field"] for error in again.get_json()["errors"]}
    assert again.status_code == 422 and fields == {"figure", "value", "source"}
    listed = client.get(f"/api/v1/published-figures?building_id={building.id}", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [record["id"]]
    etag = client.get(f"/api/v1/published-figures/{record['id']}", headers=headers).headers["ETag"]
    changed = client.patch(f"/api/v1/published-figures/{record['id']}", json={"value": 2},
                           headers={**headers, "If-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["contradicted"] is False
    gone = client.delete(f"/api/v1/published-figures/{record['id']}",
                         headers={**headers, "If-Match": changed.headers["ETag"]})
    assert gone.status_code == 204


@pytest.mark.parametrize("role", ["director"])
def test_readers_see_the_figures_but_no_edit_button(client_as, demo, db, role):
    from facilities.inventory.models import Building

    asnieres = db.session.scalars(select(Building).where(Building.code == "PS-ASN-B1")).one()
    page = page_text(english(client_as(role)).get(f"/buildings/{asnieres.id}"))
    assert "Published figures" in page and "published-figures/new" not in page


def test_the_inventory_file_carries_published_figures_and_an_older_workbook_still_imports(db, factory):
    import io

    from openpyxl import Workbook, load_workbook

    from facilities.inventory import bulk, bulk_columns, bulk_export
    from facilities.inventory.models import PublishedFigure

    building = factory.building(code="PUB-B", floors=1)
    lines = ("entity,building_code,figure,value,source,published_on,reference,note\r\n"
             f"published_figure,PUB-B,floors,1,{SOURCE.replace(',', '')},2023-06-06,,\r\n"
             "published_figure,PUB-B,workstations,2.5,x,,,\r\n").encode()
    refused = bulk.import_file(lines, "csv", apply=True)
    assert not refused.applied and refused.counts["refused"] == 1
    assert "nombre entier" in str([line.errors for line in refused.lines if line.errors])  # French by default
    assert db.session.scalar(select(func.count()).select_from(PublishedFigure)) == 0
    done = bulk.import_file(lines.rsplit(b"\r\npublished_figure,PUB-B,workstations", 1)[0] + b"\r\n", "csv",
                            apply=True)
    assert done.applied and done.counts["create"] == 1
    record = db.session.scalars(select(PublishedFigure)).one()
    assert (record.building_id, record.figure, record.value) == (building.id, "floors", 1)
    workbook = load_workbook(io.BytesIO(bulk_export.export_file("xlsx")))
    assert workbook["published_figures"]["A2"].value == "PUB-B"
    older = Workbook()
    older.remove(older.active)
    for kind in bulk_columns.KINDS[:4]:  # a file written before published figures: four sheets
        older.create_sheet(kind).append(bulk_columns.HEADERS[kind])
    out = io.BytesIO()
    older.save(out)
    assert bulk.import_file(out.getvalue(), "xlsx", apply=False).ok


def test_markup_and_formulas_in_a_published_figure_stay_text(client_as, factory, db, app):
    """A source or wording typed with markup is text on the building page; one that starts like a formula is
    neutralised in the inventory export, as every other text cell is."""
    from facilities.inventory import bulk_export

    building = factory.building()
    architect = english(client_as("architect"))
    markup = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    assert architect.post(f"/buildings/{building.id}/published-figures/new", data={
        "figure": "floors", "value": "7", "source": markup, "note": "=HYPERLINK(\"http://evil\",\"x\")"}
    ).status_code == 302
    html = architect.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "<script>alert(2)" not in html and "<img src=x" not in html
    with app.test_request_context():
        exported = bulk_export.export_file("csv").decode("utf-8-sig")
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells
    assert not [cell for cell in cells if cell.startswith("=")]
