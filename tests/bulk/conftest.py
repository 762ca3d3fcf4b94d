"""The bulk tests run on the app with the audit trail, the import pages and the security hooks wired in."""

from __future__ import annotations

import pytest

from tests.audit.conftest import build_app


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from facilities.extensions import db

    application = build_app(tmp_path_factory)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
