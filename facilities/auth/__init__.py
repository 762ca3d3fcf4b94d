"""Accounts, sign-in (sessions and API tokens) and the one access guard every request passes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Sign-in, the access guard, the account pages, the `flask users` commands and the header's forms."""
    from flask_babel import lazy_gettext as _l

    from facilities.auth.cli import users_cli
    from facilities.auth.forms import ConfirmForm, LanguageForm
    from facilities.auth.guard import init_auth
    from facilities.auth.routes import bp
    from facilities.navigation import add_nav_item
    from facilities.permissions import Permission

    init_auth(app)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    add_nav_item(app, "auth.users", _l("Users"), Permission.MANAGE_USERS, "people", order=90)

    @app.context_processor
    def header_forms() -> dict:
        """The language switch and the sign-out button of every page's header."""
        # formdata=None: these forms are only drawn, never fed this request's body (an oversized upload
        # must still get its 413 page, not fail again here reading the body).
        return {"language_form": LanguageForm(formdata=None), "logout_form": ConfirmForm(formdata=None)}
