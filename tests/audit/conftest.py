"""An app with the audit trail wired in (as create_app will do once the lead registers it)."""

from __future__ import annotations

import pytest

from tests.conftest import database_url, drop_alembic_version


def build_app(tmp_path_factory, **extra):
    from facilities import create_app
    from facilities.audit import init_audit
    from facilities.extensions import db
    from facilities.inventory.bulk_routes import init_bulk
    from facilities.security import init_security

    application = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        **extra,
    })
    application.instance_path = str(tmp_path_factory.mktemp("instance"))  # uploads kept between steps
    init_audit(application)
    init_bulk(application)
    init_security(application)
    with application.app_context():
        db.drop_all()
        drop_alembic_version(db)
        db.create_all()
    return application


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from facilities.extensions import db

    application = build_app(tmp_path_factory)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
