"""Fixtures of the work requests tests: API callers per role, a requester assigned to one site, images."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.conftest import PASSWORD, bearer, login
from tests.test_routes_permissions import real_ids  # noqa: F401  (the route walk's ids, for test_access.py)


@pytest.fixture
def site(factory):
    """A site with a building of one floor of one space."""
    building = factory.building(floors=1, spaces_per_floor=1)
    return building.site


@pytest.fixture
def other_site(factory):
    return factory.building(floors=1).site


@pytest.fixture
def api(client, make_user, db, site):
    """api(role)(method, url, body): an API call as a new user of that role (a requester assigned to `site`),
    answers in English; `.user` is the account."""
    from facilities.auth.services import create_token
    from facilities.requests import services

    made = {}

    def caller(role: str, email: str | None = None):
        email = email or f"api-{role}-{len(made)}@test.example"
        user = make_user(role, email=email)
        if role == "requester":
            services.set_user_sites(user, [site.id])
        _token, raw = create_token(user, "test")
        db.session.commit()
        client.set_cookie("lang", "en")

        def call(method: str, url: str, body=None, headers=None):
            return client.open(url, method=method, headers={**bearer(raw), **(headers or {})}, json=body)

        call.user = user
        made[email] = call
        return call

    return caller


@pytest.fixture
def browser_as(app, make_user, db, site):
    """browser_as(role): a signed-in test client (a requester assigned to `site`), pages in English."""
    from facilities.requests import services

    def signed_in(role: str, email: str | None = None):
        user = make_user(role, email=email or f"page-{role}@test.example")
        if role == "requester":
            services.set_user_sites(user, [site.id])
            db.session.commit()
        client = app.test_client()
        client.set_cookie("lang", "en")
        assert login(client, user.email, PASSWORD).status_code == 302
        client.user = user
        return client

    return signed_in


@pytest.fixture
def assignee(db):
    from facilities.requests.models import Assignee

    row = Assignee(kind="contractor", name="Plomberie Test", email="plombier@test.example")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture(autouse=True)
def _empty_outbox():
    from facilities import mail

    mail.outbox.clear()
    yield
    mail.outbox.clear()


def png_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def api_errors(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:400]
    return {error["field"]: error["message"] for error in response.get_json()["errors"]}
