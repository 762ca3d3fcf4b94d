"""Every feature is reachable in at most three clicks from the page a role lands on after signing in (issue 14
point 3): the pages, PDFs and exports a role may use are all linked, none is a URL only the developers know.

From the landing page, the links of each page (and the header's search form) are followed breadth-first, as each
role, up to three clicks; every GET endpoint the role's permissions open must be among those reached, except the
few that only make sense for a record made in the moment (a job's page and file, an import's progress, a
password link). Files (PDF, XLSX, CSV, SVG) are counted when linked, without being downloaded.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import ROLES

MAX_CLICKS = 3

# GET endpoints no link can lead to without a record made just before: each is linked from the page that makes it.
NEED_A_FRESH_RECORD = {
    "jobs.detail": "a report or import job's page: the form that queues the job redirects to it",
    "jobs.file": "a finished job's file: linked from the job's page",
    "bulk.import_job": "the progress of a large import: the upload redirects to it",
    "auth.reset_password": "a one-time password link, sent to its owner",
    "safety.check_report": "a check's PDF report, once one is uploaded: linked from the check and the building's "
                           "safety page",
    "requests.photo": "a work request's photo, once one is uploaded: shown on the request's page",
}
# Not pages: what the pages themselves fetch (stylesheets, scripts, the map's data).
NOT_PAGES = {"static", "bootstrap.static", "assets.vendor", "palette_css", "health", "maps.site_figures",
             "apidocs.asset", "api-docs.openapi_json"}
PAGES_PER_KIND = 25  # pages of one kind (endpoint) opened: enough to meet those that have children
FILES = (".pdf", ".xlsx", ".csv", ".svg", ".json", ".geojson", ".png")


class Links(HTMLParser):
    """The targets of a page's links and of its GET forms (the header's search)."""

    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.targets.append(attributes["href"])
        elif tag == "img" and attributes.get("src"):  # an image the page shows (a QR code): reached with it
            self.targets.append(attributes["src"])
        elif tag == "form" and (attributes.get("method") or "get").lower() == "get" and attributes.get("action"):
            self.targets.append(attributes["action"])


def endpoint_of(app, path: str) -> str | None:
    from werkzeug.exceptions import HTTPException

    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def reached(app, client, start: str = "/") -> dict[str, int]:
    """Endpoint → the fewest clicks that reach it from `start` (the landing page is 0 clicks)."""
    response = client.get(start, follow_redirects=True)
    assert response.status_code == 200
    depth_of: dict[str, int] = {}
    queue = deque([(response.request.path, response, 0)])
    seen_urls = {response.request.path}
    pages_per_endpoint: dict[str, int] = {}
    while queue:
        path, response, depth = queue.popleft()
        endpoint = endpoint_of(app, path)
        if endpoint is not None:
            depth_of.setdefault(endpoint, depth)
        if depth == MAX_CLICKS or response is None or response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Links()
        parser.feed(response.get_data(as_text=True))
        for target in parser.targets:
            url = urlsplit(urljoin(f"http://localhost{path}", target))
            if url.netloc not in ("", "localhost") or url.scheme not in ("http", "https"):
                continue
            full = url.path + (f"?{url.query}" if url.query else "")
            if full in seen_urls or url.path.startswith(("/static/", "/vendor/", "/api/", "/logout")):
                continue
            seen_urls.add(full)
            target_endpoint = endpoint_of(app, url.path)
            if target_endpoint is None or target_endpoint in NOT_PAGES:
                continue
            if url.path.endswith(FILES):  # a file: linked is enough
                depth_of.setdefault(target_endpoint, depth + 1)
                continue
            # Some pages of each kind are enough to see the links that kind of page has.
            pages_per_endpoint[target_endpoint] = pages_per_endpoint.get(target_endpoint, 0) + 1
            if pages_per_endpoint[target_endpoint] > PAGES_PER_KIND:
                depth_of.setdefault(target_endpoint, depth + 1)
                continue
            queue.append((url.path, client.get(full), depth + 1))
    return depth_of


def usable_endpoints(app, role: str) -> set[str]:
    """The GET page endpoints a role's permissions open."""
    from facilities.permissions import PUBLIC_ENDPOINTS, required_permission, role_has

    usable = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/ogc")) or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.endswith((".css", ".js")):  # stylesheets and scripts of the pages
            continue
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue  # the sign-in page and the like: before the landing page
        permission = required_permission(app.view_functions[rule.endpoint])
        if permission is not None and role_has(role, permission):
            usable.add(rule.endpoint)
    return usable


@pytest.fixture
def fresh_works(db, demo):
    """Records whose pages the demo has none of: a scenario of the first envelope (comparing it with its original is
    a feature) and an operation not voted yet (its échéancier is edited as such; a voted one changes by revision)."""
    from facilities.works import rules, services
    from facilities.works.models import Envelope

    envelope = db.session.scalars(db.select(Envelope).order_by(Envelope.id)).first()
    services.create_scenario(envelope, "Variante")
    services.create_operation(rules.clean_operation({
        "label": "Étude de faisabilité", "envelope_id": envelope.id, "nature": "studies", "ap_eur": "10000",
        "start": "2027-01-01", "duration_months": 6, "draft": True}))
    db.session.commit()


@pytest.mark.parametrize("role", ROLES)
def test_every_feature_is_three_clicks_from_the_landing_page(app, client_as, demo, fresh_works, role):
    depth_of = reached(app, client_as(role))
    missing = usable_endpoints(app, role) - set(depth_of) - set(NEED_A_FRESH_RECORD)
    assert not missing, f"{role}: not reachable in {MAX_CLICKS} clicks from the landing page: {sorted(missing)}"
