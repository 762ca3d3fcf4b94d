"""Passwords (issue 12, point 6): a policy after NIST SP 800-63B, changing one's own, one-time reset links
issued by an administrator who never sets nor sees a password."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, login, page_text
from tests.inventory.helpers import english

NEW = "un cheval bleu dort au soleil"


# ---------------------------------------------------------------- the policy


@pytest.mark.parametrize("password", ["1234567890", "short-one", "password2026!", "azertyazerty", "Motdepasse123",
                                      "q1w2e3r4t5y6", "abababababab", "111111111111", "x" * 129])
def test_the_policy_refuses_short_common_and_repetitive_passwords(app, password):
    from facilities.auth.passwords import password_problems

    with app.test_request_context():
        assert password_problems(password, "jeanne.martin@test.example"), password


@pytest.mark.parametrize("password", ["correct-horse-battery", NEW, "Les 3 petits cochons!", "ĉiuĵaŭde-ŝi-venas",
                                      "y" * 10 + "zyxw" + "é" * 114, "demo-architect-2026"])
def test_the_policy_accepts_long_uncommon_passwords_without_composition_rules(app, password):
    from facilities.auth.passwords import password_problems

    with app.test_request_context():
        assert password_problems(password, "architect@demo.example") == []


def test_the_policy_refuses_the_account_email_and_its_name(app):
    from facilities.auth.passwords import password_problems

    with app.test_request_context():
        for password in ("jeanne.martin@test.example", "Jeanne.Martin", "jeanne.martin2026!"):
            assert password_problems(password, "jeanne.martin@test.example"), password


def test_the_common_list_ships_with_the_package():
    from facilities.auth.passwords import COMMON_PASSWORDS, common_passwords

    assert COMMON_PASSWORDS.suffix == ".gz" and (COMMON_PASSWORDS.parent / "COMMON-PASSWORDS-LICENSE.txt").exists()
    assert len(common_passwords()) > 10_000 and "motdepasse" in common_passwords()


def test_a_common_password_is_refused_at_account_creation(db):
    from facilities.auth.services import create_user
    from facilities.validation import ValidationError

    with pytest.raises(ValidationError) as refused:
        create_user("someone@test.example", "director", "1234567890")
    assert "password" in refused.value.errors


# ---------------------------------------------------------------- changing one's own password


def test_a_user_changes_their_password_and_other_devices_are_signed_out(app, client, make_user):
    make_user("director")
    english(client)
    login(client, "director@test.example")
    other_device = app.test_client()
    login(other_device, "director@test.example")

    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                      "confirmation": NEW})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other_device.get("/sites").status_code == 302  # the others are signed out
    assert login(app.test_client(), "director@test.example", NEW).status_code == 302
    assert login(app.test_client(), "director@test.example", PASSWORD).status_code == 401


def test_a_password_change_shows_every_problem_at_once_and_changes_nothing(app, client, make_user, db):
    from facilities.auth.models import User

    make_user("director")
    english(client)
    login(client, "director@test.example")
    before = db.session.execute(select(User.password_hash)).scalar_one()
    response = client.post("/account/password", data={"current_password": "wrong-wrong-wrong",
                                                      "new_password": "1234567890", "confirmation": "0987654321"})
    assert response.status_code == 422
    text = page_text(response)
    for message in ("This is not your current password", "at least 12 characters", "among the most common",
                    "The two new passwords differ"):
        assert message in text, message
    db.session.expire_all()
    assert db.session.execute(select(User.password_hash)).scalar_one() == before


# ---------------------------------------------------------------- reset links


def _link(response) -> str:
    found = re.search(r'id="reset-link"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page shows the link"
    return found.group(1)


def test_an_admin_creates_an_account_without_ever_knowing_its_password(client_as, app, db):
    from facilities.auth.models import PasswordReset, User

    admin = client_as("admin")
    form = admin.get("/admin/users").get_data(as_text=True)
    assert 'type="password"' not in form  # no password field on the users page
    response = admin.post("/admin/users", data={"email": "new@test.example", "role": "architect"})
    assert response.status_code == 200
    link = _link(response)
    token = link.rsplit("/", 1)[-1]
    reset = db.session.execute(select(PasswordReset)).scalar_one()
    assert token not in reset.token_hash and len(reset.token_hash) == 64  # only a digest is stored
    assert login(app.test_client(), "new@test.example", "").status_code != 302

    owner = app.test_client()
    path = "/" + link.split("/", 3)[-1]
    assert owner.get(path).status_code == 200
    assert owner.post(path, data={"new_password": NEW, "confirmation": NEW}).status_code == 302
    assert login(app.test_client(), "new@test.example", NEW).status_code == 302
    assert db.session.execute(select(User).where(User.email == "new@test.example")).scalar_one().role == "architect"
    # single use
    assert owner.get(path).status_code == 404
    assert owner.post(path, data={"new_password": "another long one here", "confirmation": "another long one here"}
                      ).status_code == 404


def test_a_reset_link_expires_and_a_newer_one_replaces_it(client_as, app, db, make_user):
    from facilities.auth.models import PasswordReset, User

    admin = client_as("admin")
    user = make_user("director", email="reader@test.example")
    first = "/" + _link(admin.post(f"/admin/users/{user.id}/reset-link")).split("/", 3)[-1]
    second = "/" + _link(admin.post(f"/admin/users/{user.id}/reset-link")).split("/", 3)[-1]
    assert app.test_client().get(first).status_code == 404  # replaced
    assert app.test_client().get(second).status_code == 200
    reset = db.session.execute(select(PasswordReset)).scalar_one()
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(second).status_code == 404  # expired
    assert db.session.execute(select(User).where(User.id == user.id)).scalar_one().check_password(PASSWORD)


def test_a_reset_ends_every_session_of_the_account(client_as, app, db, make_user):
    make_user("director", email="reader@test.example")
    signed_in = app.test_client()
    login(signed_in, "reader@test.example")
    from facilities.auth.models import User

    user = db.session.execute(select(User).where(User.email == "reader@test.example")).scalar_one()
    path = "/" + _link(client_as("admin").post(f"/admin/users/{user.id}/reset-link")).split("/", 3)[-1]
    assert app.test_client().post(path, data={"new_password": NEW, "confirmation": NEW}).status_code == 302
    assert signed_in.get("/sites").status_code == 302


def test_the_reset_page_shows_every_problem_at_once(client_as, app, make_user):
    user = make_user("director", email="jm.doe@test.example")
    path = "/" + _link(client_as("admin").post(f"/admin/users/{user.id}/reset-link")).split("/", 3)[-1]
    owner = app.test_client()
    english(owner)
    response = owner.post(path, data={"new_password": "JM.Doe", "confirmation": "something else"})
    assert response.status_code == 422
    text = page_text(response)
    for message in ("at least 12 characters", "must not be your e-mail address", "The two new passwords differ"):
        assert message in text, message
    assert owner.get(path).status_code == 200  # still usable


def test_a_made_up_reset_link_is_refused(client):
    assert client.get("/reset/not-a-real-token").status_code == 404
    assert client.post("/reset/not-a-real-token", data={"new_password": NEW, "confirmation": NEW}).status_code == 404


def test_only_admins_issue_reset_links(client_as, make_user, db):
    from facilities.auth.models import PasswordReset

    user = make_user("director", email="reader@test.example")
    assert client_as("facilities_manager").post(f"/admin/users/{user.id}/reset-link").status_code == 403
    assert db.session.scalar(select(func.count(PasswordReset.id))) == 0


# ---------------------------------------------------------------- command line


def test_users_create_prints_a_reset_link_and_asks_no_password(runner, app, db, monkeypatch):
    from facilities.auth.models import User

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://facilities.example.org/")
    result = runner.invoke(args=["users", "create", "Arch@Test.example", "--role", "architect"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://facilities.example.org/reset/")
    path = link.removeprefix("https://facilities.example.org")
    owner = app.test_client()
    assert owner.post(path, data={"new_password": NEW, "confirmation": NEW}).status_code == 302
    assert db.session.execute(select(User)).scalar_one().check_password(NEW)


def test_users_reset_link_prints_a_path_without_public_url(runner, app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)
    make_user("director", email="reader@test.example")
    result = runner.invoke(args=["users", "reset-link", "reader@test.example"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("/reset/")
    assert runner.invoke(args=["users", "reset-link", "nobody@test.example"]).exit_code != 0
