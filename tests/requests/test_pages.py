"""Work request pages: raising with a photo, photos checked and served to readers only, triage and workflow on the
page, the requester's pages and landing, the finding's one-click request, the dashboard panel, the sites of a
user."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

from tests.conftest import page_text
from tests.requests.conftest import png_bytes


def post_request(client, site, photo: tuple[bytes, str] | None = None, **extra):
    data = {"title": "Fuite", "description": "Sous l'évier", "urgency": "urgent", "location": f"site_id:{site.id}",
            **extra}
    if photo is not None:
        data["photo"] = (BytesIO(photo[0]), photo[1])
    return client.post("/requests/new", data=data, content_type="multipart/form-data")


def count(db):
    from sqlalchemy import func, select

    from facilities.requests.models import WorkRequest

    return db.session.scalar(select(func.count()).select_from(WorkRequest))


def test_a_requester_lands_on_their_requests_and_raises_one_with_a_photo(browser_as, site, db, app):
    requester = browser_as("requester")
    assert requester.get("/").headers["Location"].endswith("/requests")
    response = post_request(requester, site, (png_bytes(), "fuite.png"))
    assert response.status_code == 302, page_text(response)[-2000:]
    page = requester.get(response.headers["Location"])
    assert "Fuite" in page_text(page) and 'id="request-photo"' in page_text(page)
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    photo = requester.get(f"/requests/{request_id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data == png_bytes()
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    # Another requester cannot see it, nor its photo.
    other = browser_as("requester", email="other@test.example")
    assert other.get(f"/requests/{request_id}").status_code == 404
    assert other.get(f"/requests/{request_id}/photo").status_code == 404


def test_a_photo_that_is_not_an_image_or_too_large_is_refused_and_nothing_kept(browser_as, site, db, app,
                                                                                 monkeypatch):
    from facilities.requests import photos

    requester = browser_as("requester")
    before = count(db)
    with app.test_request_context():
        kept = set(photos.folder().iterdir())
    response = post_request(requester, site, (b"%PDF-1.4 not an image", "photo.png"))
    assert response.status_code == 422 and "not an image" in page_text(response)
    response = post_request(requester, site, (png_bytes()[:40], "broken.png"))
    assert response.status_code == 422
    monkeypatch.setitem(app.config, "REQUEST_PHOTO_MAX_BYTES", 100)
    response = post_request(requester, site, (png_bytes((300, 300)), "big.png"))
    assert response.status_code == 422 and "larger than" in page_text(response)
    assert count(db) == before
    with app.test_request_context():
        assert set(photos.folder().iterdir()) == kept


def test_a_request_without_a_place_is_refused(browser_as, site, db):
    manager = browser_as("facilities_manager")
    before = count(db)
    response = post_request(manager, site, location="")
    assert response.status_code == 422 and "Say where" in page_text(response)
    assert count(db) == before


def test_the_manager_triages_assigns_and_closes_and_the_requester_sees_it(browser_as, site, assignee, db):
    from facilities import mail

    requester, manager = browser_as("requester"), browser_as("facilities_manager")
    location = post_request(requester, site).headers["Location"]
    request_id = int(location.rsplit("/", 1)[1])
    response = manager.post(f"/requests/{request_id}/triage", data={
        "priority": "high", "due_on": "", "assignee_id": str(assignee.id), "comment": "Plombier prévenu",
        "comment_for_requester": "y"})
    assert response.status_code == 302, page_text(response)[-1500:]
    # Skipping the workflow is refused with a message, nothing saved.
    refused = manager.post(f"/requests/{request_id}/transition", data={"to": "closed"})
    assert refused.status_code == 422 and "cannot become" in page_text(refused)
    for status in ("assigned", "in_progress", "done", "closed"):
        assert manager.post(f"/requests/{request_id}/transition", data={"to": status}).status_code == 302, status
    page = page_text(requester.get(location))
    assert "Request closed" in page and "Plombier prévenu" in page
    assert len(mail.outbox) == 2


def test_a_due_date_before_the_request_is_refused_on_the_page(browser_as, site):
    requester, manager = browser_as("requester"), browser_as("facilities_manager")
    request_id = int(post_request(requester, site).headers["Location"].rsplit("/", 1)[1])
    response = manager.post(f"/requests/{request_id}/triage", data={
        "priority": "low", "due_on": (date.today() - timedelta(days=10)).isoformat()})
    assert response.status_code == 422 and "cannot be before" in page_text(response)
    assert "not set yet" in page_text(manager.get(f"/requests/{request_id}"))


def test_a_requester_reads_their_sites_pages_only(browser_as, site, other_site):
    requester = browser_as("requester")
    building = site.buildings[0]
    for url in (f"/sites/{site.id}", f"/buildings/{building.id}", f"/floors/{building.floors[0].id}"):
        response = requester.get(url)
        assert response.status_code == 200, url
        assert "Raise a request" in page_text(response)
    other = other_site.buildings[0]
    for url in (f"/sites/{other_site.id}", f"/buildings/{other.id}", f"/floors/{other.floors[0].id}", "/sites",
                "/map", "/safety", f"/buildings/{building.id}/safety", f"/sites/{site.id}/edit"):
        assert requester.get(url).status_code in (403, 404), url
    nav = page_text(requester.get("/requests"))
    assert 'href="/sites"' not in nav and "My requests" in nav
    assert 'href="/sites"' not in page_text(requester.get(f"/buildings/{building.id}"))  # no link to a 403


def test_a_finding_raises_a_request_in_one_click(browser_as, db, factory):
    from facilities.safety.models import Finding

    building = factory.building(floors=1)
    finding = Finding(building=building, description="Extincteur manquant", severity="major",
                      raised_on=date.today())
    db.session.add(finding)
    db.session.commit()
    manager = browser_as("facilities_manager")
    page = page_text(manager.get(f"/buildings/{building.id}/safety"))
    assert f'action="/findings/{finding.id}/request"' in page
    response = manager.post(f"/findings/{finding.id}/request")
    assert response.status_code == 302
    detail = page_text(manager.get(response.headers["Location"]))
    assert "Extincteur manquant" in detail
    # Again: the request that follows it, not a second one.
    again = manager.post(f"/findings/{finding.id}/request")
    assert again.headers["Location"] == response.headers["Location"]
    assert "Request #" in page_text(manager.get(f"/buildings/{building.id}/safety"))
    assert browser_as("director").post(f"/findings/{finding.id}/request").status_code == 403


def test_the_dashboard_shows_late_requests_per_site_and_the_time_to_close(browser_as, site, db):
    from facilities.requests.models import WorkRequest
    from facilities.timeutil import utcnow

    now = utcnow()
    db.session.add_all([
        WorkRequest(site=site, title="En retard", description="x", urgency="urgent", status="assigned",
                    priority="high", due_on=date.today() - timedelta(days=2)),
        WorkRequest(site=site, title="Fermée", description="x", urgency="normal", status="closed", priority="normal",
                    created_at=now - timedelta(days=5), closed_at=now - timedelta(days=1))])
    db.session.commit()
    page = page_text(browser_as("director").get("/"))
    assert 'id="late-requests"' in page and site.name in page
    assert 'id="requests-close-chart"' in page and "4 d" in page
    assert f"{site.name}: late work requests: 1" in page  # the alert at the top


def test_an_administrator_assigns_sites_to_a_user(browser_as, site, other_site, make_user, db):
    requester = make_user("requester", email="someone@test.example")
    admin = browser_as("admin")
    assert f'/admin/users/{requester.id}/sites' in page_text(admin.get("/admin/users"))
    response = admin.post(f"/admin/users/{requester.id}/sites", data={"site_ids": [str(other_site.id)]})
    assert response.status_code == 302
    db.session.refresh(requester)
    assert requester.site_ids == {other_site.id}
    assert admin.post(f"/admin/users/{requester.id}/sites", data={"site_ids": ["999999"]}).status_code == 422
    db.session.refresh(requester)
    assert requester.site_ids == {other_site.id}


def test_pages_in_french(browser_as, site):
    manager = browser_as("facilities_manager")
    manager.set_cookie("lang", "fr")
    page = page_text(manager.get("/requests"))
    assert "Demandes d'intervention" in page and "Nouvelle demande" in page
