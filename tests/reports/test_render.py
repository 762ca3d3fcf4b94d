"""Reports render without a request: in jobs and on the command line there is no signed-in user.

Regression: the portfolio job failed with AttributeError("'NoneType' object has no attribute
'is_authenticated'") because its template was rendered with the page context (context processors reading
current_user). Report templates now have an environment of their own without anything bound to a request.
"""

from __future__ import annotations

import io

import pytest
from flask import has_request_context
from jinja2 import UndefinedError

from tests.reports.conftest import french, pdf_pages


def test_the_report_environment_has_nothing_bound_to_a_request(app):
    from facilities.reports.pdf import report_environment

    environment = report_environment(app)
    for name in ("current_user", "request", "session", "g", "csrf_token", "url_for", "config"):
        assert name not in environment.globals, name
    for template in ("{{ current_user.is_authenticated }}", "{% if current_user.is_authenticated %}x{% endif %}",
                     "{{ request.path }}"):
        with pytest.raises(UndefinedError):
            environment.from_string(template).render()
    assert app.jinja_env.globals.get("request") is not None  # the pages' environment is untouched


def test_report_templates_do_not_use_the_request_user():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "facilities" / "templates" / "pdf"
    for template in folder.glob("*.html"):
        text = template.read_text()
        for name in ("current_user", "request.", "session", "url_for"):
            assert name not in text, (template.name, name)


def test_every_report_renders_outside_a_request_without_a_forced_locale(app, demo, db, tmp_path):
    """What a job or the command line does: an app context, no request, no user, no force_locale."""
    from facilities.energy.charts import trajectory_svg
    from facilities.energy.services import building_report
    from facilities.inventory import services as inventory
    from facilities.inventory.models import Building
    from facilities.reports import services
    from facilities.reports.pdf import render_pdf
    from facilities.reports.portfolio import render_portfolio

    assert not has_request_context()
    building_id = db.session.query(Building.id).filter_by(code="PS-ASN-B1").scalar()
    building = inventory.load_building(building_id)
    fact_sheet = render_pdf("fact_sheet.html", title="Fiche", **services.fact_sheet_context(building))
    assert "11 320 000 €" in pdf_pages(fact_sheet)[0]
    building = services.load_building_inventory(building_id)
    assert render_pdf("inventory.html", title="Inventaire", **services.inventory_context(building))
    report = building_report(building_id)
    assert render_pdf("energy.html", title="Énergie", building=building, site=building.site, report=report,
                      chart_uri=None, projection_text=None, references=services.energy_references(report),
                      today=None)
    target = tmp_path / "portfolio.pdf"
    pages = render_portfolio(target)
    assert pages >= 2 and "PS-ASN-B1" in " ".join(pdf_pages(target.read_bytes()))
    assert trajectory_svg  # imported: the energy area provides the chart


def test_portfolio_in_several_chunks_opens_with_the_summary_and_numbers_every_page(app, demo, db, tmp_path):
    from pypdf import PdfReader

    from facilities.inventory.models import Building, Site
    from facilities.reports.portfolio import render_portfolio

    seen: list[tuple[int, str]] = []
    target = tmp_path / "portfolio.pdf"
    count = render_portfolio(target, lambda percent, message: seen.append((percent, message)), sites_per_chunk=3)
    body = target.read_bytes()
    pages = pdf_pages(body)
    assert len(pages) == count == len(PdfReader(io.BytesIO(body)).pages)
    sites, buildings = db.session.query(Site).count(), db.session.query(Building).count()
    assert f"{sites} sites · {buildings}" in pages[0]  # the summary, laid out last, comes first
    assert french("In a few figures") in pages[0]
    assert "28 920 000 €" in pages[0]  # cost of the demo buildings that have one
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {count}" in page, number
    text = " ".join(pages[1:])
    for site in db.session.query(Site):
        assert site.name in text, site.name  # one section per site
    # Each site is a bookmark pointing at its page, carried over from the chunks into the merged file.
    reader = PdfReader(io.BytesIO(body))
    bookmarks = {item.title: reader.get_destination_page_number(item) for item in reader.outline
                 if not isinstance(item, list)}
    for site in db.session.query(Site):
        assert site.name in pages[bookmarks[site.name]], site.name
    percents = [percent for percent, _message in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert len([p for p in percents if 1 < p < 90]) >= 3  # progress after each chunk
    box = PdfReader(io.BytesIO(body)).pages[1].mediabox
    assert box.width > box.height


def test_hostile_names_stay_text_in_the_portfolio(app, factory, tmp_path, monkeypatch):
    from facilities.reports import pdf
    from facilities.reports.portfolio import render_portfolio

    asked: list[str] = []
    original = pdf.StaticFileFetcher.fetch
    monkeypatch.setattr(pdf.StaticFileFetcher, "fetch",
                        lambda self, url, headers=None: asked.append(url) or original(self, url, headers))
    site = factory.site(name='<img src="file:///etc/passwd">')
    factory.building(site=site, name="<style>@import url(http://evil.example/x.css);</style>b")
    target = tmp_path / "portfolio.pdf"
    render_portfolio(target)
    text = " ".join(pdf_pages(target.read_bytes()))
    assert '<img src="file:///etc/passwd">' in text and "<style>@import url(http://evil.example/" in text
    assert all(url.startswith(("app:///static/", "data:")) for url in asked), asked
