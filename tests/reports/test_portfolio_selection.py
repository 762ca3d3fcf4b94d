"""Issue 20 point 6: the portfolio report of a selection (the site list's commune, kind and status filters) or its
summary alone, within the request up to REPORT_PORTFOLIO_INLINE_MAX_SITES sites; a larger one is only offered as a
background job, with a message saying so."""

from __future__ import annotations

from tests.conftest import page_text
from tests.reports.conftest import pdf_pages


def sites(factory):
    nanterre = factory.site(name="Site de Nanterre", commune_code="92050", commune_name="Nanterre", status="planned")
    factory.building(site=nanterre, code="NAN-B1", floors=1, spaces_per_floor=2)
    asnieres = factory.site(name="Site d'Asnières")
    factory.building(site=asnieres, code="ASN-B1", floors=1, spaces_per_floor=2)
    return nanterre, asnieres


def test_a_selection_prints_its_sites_only_and_says_which(client_as, factory):
    sites(factory)
    response = client_as("director").get("/reports/portfolio.pdf?commune=92050&status=planned")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "portefeuille-92050-planned-" in response.headers["Content-Disposition"]
    text = " ".join(pdf_pages(response.data))
    assert "NAN-B1" in text and "ASN-B1" not in text
    assert "Commune : Nanterre" in text and "Statut : En projet" in text


def test_the_summary_alone_has_no_site_section(client_as, factory):
    sites(factory)
    director = client_as("director")
    full = pdf_pages(director.get("/reports/portfolio.pdf").data)
    summary = pdf_pages(director.get("/reports/portfolio.pdf?summary=y").data)
    assert len(summary) < len(full)
    assert "NAN-B1" not in " ".join(summary) and "NAN-B1" in " ".join(full)


def test_a_selection_too_large_is_offered_as_a_background_job(client_as, factory, app, db):
    from facilities.jobs.models import Job

    sites(factory)
    app.config["REPORT_PORTFOLIO_INLINE_MAX_SITES"] = 1
    app.config["JOB_LOCAL_WORKER"] = False  # queued only: its parameters are what this test reads
    director = client_as("director")
    response = director.get("/reports/portfolio.pdf?kind=social_hub")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'id="portfolio-too-big"' in page and 'name="kind" value="social_hub"' in page
    assert "2" in page_text(response)
    assert director.get("/reports/portfolio.pdf?kind=social_hub&summary=y").mimetype == "application/pdf"
    started = director.post("/reports/portfolio", data={"kind": "social_hub"})
    assert started.status_code == 302
    job = db.session.execute(db.select(Job).order_by(Job.created_at.desc())).scalars().first()
    assert job.kind == "portfolio" and job.params == {"kind": "social_hub"}


def test_a_bad_selection_gets_a_clear_message_and_no_pdf(client_as, factory):
    sites(factory)
    director = client_as("director")
    response = director.get("/reports/portfolio.pdf?kind=castle")
    assert response.status_code == 422 and 'id="p-kind-error"' in response.get_data(as_text=True)
    empty = director.get("/reports/portfolio.pdf?commune=92050&status=closed")
    assert empty.status_code == 422 and empty.mimetype == "text/html"
    assert director.post("/reports/portfolio", data={"status": "bogus"}).status_code == 422


def test_the_job_renders_the_selection_it_was_given(app, factory, db, tmp_path):
    from facilities.inventory.services import SiteFilters
    from facilities.reports.portfolio import render_portfolio

    sites(factory)
    with app.test_request_context():
        pages = render_portfolio(tmp_path / "p.pdf", filters=SiteFilters(commune="92004"), summary_only=False)
    text = " ".join(pdf_pages((tmp_path / "p.pdf").read_bytes()))
    assert pages >= 2 and "ASN-B1" in text and "NAN-B1" not in text
