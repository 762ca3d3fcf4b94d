"""A requester as an attacker: other sites' places named in the form, other people's requests by id, triage
fields, transitions it may not make; photos that are not what they say; markup in a title."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.conftest import page_text
from tests.requests.conftest import png_bytes


def post_request(client, site, photo=None, **extra):
    data = {"title": "Fuite", "description": "Sous l'évier", "urgency": "urgent", "location": f"site_id:{site.id}",
            **extra}
    if photo is not None:
        data["photo"] = (BytesIO(photo[0]), photo[1])
    return client.post("/requests/new", data=data, content_type="multipart/form-data")


def test_the_form_names_no_place_of_another_site(browser_as, site, other_site, factory, db):
    """/requests/new?space_id=… of a site the requester is not assigned to must not show that place's name."""
    from facilities.inventory.models import Building, Floor, Space

    other_site.name = "Site-secret-XYZ"
    building = db.session.query(Building).filter_by(site_id=other_site.id).first()
    building.name = "Batiment-secret-XYZ"
    db.session.commit()
    floor = db.session.query(Floor).filter_by(building_id=building.id).first()
    space = db.session.query(Space).filter_by(floor_id=floor.id).first() if floor else None
    requester = browser_as("requester")
    urls = [f"/requests/new?building_id={building.id}", f"/requests/new?site_id={other_site.id}"]
    urls += [f"/requests/new?floor_id={floor.id}"] if floor else []
    urls += [f"/requests/new?space_id={space.id}"] if space else []
    for url in urls:
        response = requester.get(url)
        assert response.status_code == 200, url
        assert "secret-XYZ" not in page_text(response), url
    # Its own site's places are still offered as presets.
    own = db.session.query(Building).filter_by(site_id=site.id).first()
    own_floor = db.session.query(Floor).filter_by(building_id=own.id).first()
    page = page_text(requester.get(f"/requests/new?floor_id={own_floor.id}"))
    assert f'value="floor_id:{own_floor.id}"' in page


def test_a_requester_cannot_reach_or_change_another_request(api, site, assignee):
    owner, intruder, manager = api("requester"), api("requester"), api("facilities_manager")
    raised = owner("POST", "/api/v1/work-requests", {"title": "Porte", "description": "x", "urgency": "low",
                                                     "site_id": site.id}).get_json()
    url = f"/api/v1/work-requests/{raised['id']}"
    assert intruder("GET", url).status_code == 404
    assert intruder("PATCH", url, {"comment": "hello"}).status_code == 404
    assert intruder("POST", url + "/transitions", {"to": "cancelled"}).status_code == 404
    # Its owner may not triage it, nor cancel it once assigned.
    assert owner("PATCH", url, {"priority": "critical"}).status_code == 403
    assert owner("PATCH", url, {"assignee_id": assignee.id}).status_code == 403
    assert owner("PATCH", url, {"due_on": "2099-01-01"}).status_code == 403
    assert owner("POST", url + "/transitions", {"to": "closed"}).status_code in (403, 422)
    manager("PATCH", url, {"priority": "high", "assignee_id": assignee.id})
    assert manager("POST", url + "/transitions", {"to": "assigned"}).get_json()["status"] == "assigned"
    assert owner("POST", url + "/transitions", {"to": "cancelled"}).status_code in (403, 422)
    assert owner("GET", url).get_json()["status"] == "assigned"
    assert owner("GET", url).get_json()["priority"] == "high"


def test_a_requester_cannot_page_through_another_request_on_the_pages(browser_as, site, db):
    owner = browser_as("requester", email="owner@test.example")
    response = post_request(owner, site, (png_bytes(), "a.png"))
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    intruder = browser_as("requester", email="intruder@test.example")
    for method, url, data in (("GET", f"/requests/{request_id}", None), ("GET", f"/requests/{request_id}/photo", None),
                              ("POST", f"/requests/{request_id}/comment", {"comment": "x"}),
                              ("POST", f"/requests/{request_id}/transition", {"to": "cancelled"}),
                              ("POST", f"/requests/{request_id}/triage", {"priority": "high"})):
        assert intruder.open(url, method=method, data=data).status_code in (403, 404), url
    assert intruder.get("/requests").status_code == 200
    assert f"/requests/{request_id}" not in page_text(intruder.get("/requests"))


def _svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _html_in_png() -> bytes:
    """A real PNG followed by HTML (a polyglot a browser sniffing content could run)."""
    return png_bytes() + b"<html><script>alert(1)</script></html>"


def _bomb(size=(30_000, 30_000)) -> bytes:
    """A PNG whose header claims 30,000 x 30,000 pixels (900 million), tiny on disk."""
    from PIL import Image

    out = BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("content,name", [(_svg(), "photo.svg"), (_svg(), "photo.png"),
                                          (b"<html><script>alert(1)</script>", "photo.jpg"),
                                          (b"GIF89a" + b"\x00" * 40, "anim.gif")])
def test_a_photo_that_is_markup_or_another_format_is_refused(browser_as, site, content, name):
    response = post_request(browser_as("requester"), site, (content, name))
    assert response.status_code == 422


@pytest.mark.parametrize("size", [(30_000, 30_000), (10_000, 7_000)])  # past Pillow's limit; past ours only
def test_a_decompression_bomb_is_refused(browser_as, site, size):
    response = post_request(browser_as("requester"), site, (_bomb(size), "bomb.png"))
    assert response.status_code == 422
    assert "too many pixels" in page_text(response)  # said as such, not "not an image"


def test_a_served_photo_is_never_run_as_a_page(browser_as, site):
    requester = browser_as("requester")
    response = post_request(requester, site, (_html_in_png(), "../../etc/passwd.html"))
    assert response.status_code == 302, page_text(response)[-1500:]
    photo = requester.get(response.headers["Location"] + "/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in photo.headers["Content-Security-Policy"]
    disposition = photo.headers.get("Content-Disposition", "")
    assert "passwd" not in disposition and ".." not in disposition


def test_markup_in_a_title_is_shown_as_text(browser_as, site, db):
    requester = browser_as("requester")
    title = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    response = post_request(requester, site, title=title)
    assert response.status_code == 302
    manager = browser_as("facilities_manager")
    for client, url in ((requester, response.headers["Location"]), (requester, "/requests"),
                        (manager, response.headers["Location"]), (manager, "/requests"),
                        (manager, f"/sites/{site.id}")):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(2)" not in html and "<img src=x" not in html, url


def test_a_requester_is_offered_no_link_it_would_meet_a_403_behind(browser_as, site):
    """Every link, form and source of the requester's pages (its site's and its requests') answers; the portfolio
    search is not offered (it reads every site)."""
    import re

    requester = browser_as("requester")
    for url in ("/requests", "/requests/new", f"/sites/{site.id}"):
        page = requester.get(url).get_data(as_text=True)
        assert 'role="search"' not in page, url
        for link in set(re.findall(r'(?:href|src|action)="(/[^"#?]*)', page)) - {"/logout", "/language"}:
            assert requester.get(link).status_code in (200, 302, 405), (url, link)
    assert 'role="search"' in browser_as("director").get(f"/sites/{site.id}").get_data(as_text=True)


def test_deleting_a_site_or_building_removes_the_photos_of_its_requests(browser_as, site, factory, db, app):
    """The database's cascade deletes a site's requests; their photos must not stay on disk, unreachable."""
    from facilities.inventory.models import Building
    from facilities.requests import photos
    from facilities.requests.models import WorkRequest

    requester = browser_as("requester")
    raised = post_request(requester, site, (png_bytes(), "a.png"))
    assert raised.status_code == 302
    building = db.session.query(Building).filter_by(site_id=site.id).first()
    on_building = post_request(requester, site, (png_bytes(), "b.png"), location=f"building_id:{building.id}")
    assert on_building.status_code == 302
    stored = [row.photo_file for row in db.session.query(WorkRequest).filter_by(site_id=site.id)]
    with app.test_request_context():
        paths = [photos.path_of(name) for name in stored]
    assert len(paths) == 2 and all(path is not None for path in paths)
    manager = browser_as("facilities_manager")
    assert manager.post(f"/buildings/{building.id}/delete", data={"confirm": "y"}).status_code == 302
    assert not paths[1].exists() and paths[0].exists()  # the building's request went; the site's stays
    assert manager.post(f"/sites/{site.id}/delete", data={"confirm": "y"}).status_code == 302
    assert not paths[0].exists()
