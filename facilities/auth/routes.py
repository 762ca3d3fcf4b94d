"""Login, logout, language choice, the user's account and tokens, and user administration."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from facilities.auth import services
from facilities.auth.forms import ConfirmForm, LanguageForm, LoginForm, TokenForm, UserForm
from facilities.auth.models import ApiToken, User
from facilities.auth.rules import TOKEN_RULES
from facilities.database import keep_on_refusal
from facilities.extensions import db
from facilities.i18n import LANGUAGE_COOKIE
from facilities.panels import collect
from facilities.permissions import ROLE_LABELS, Permission, requires
from facilities.timeutil import utcnow
from facilities.validation import clean

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target: no scheme, no host, no '//' or backslash trick, no
    control character (CR/LF would split the Location header)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target) or len(target) > 2000:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("inventory.site_list"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        config = current_app.config
        keep_on_refusal()  # a failed attempt is counted even though the answer is 401 or 429
        try:
            user = services.authenticate(
                form.email.data, form.password.data, client_address(),
                max_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                max_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                window_seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"],
            )
        except services.TooManyAttempts:
            minutes = config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60
            flash(_("Too many failed attempts. Try again in %(n)s minutes.", n=minutes), "danger")
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("inventory.site_list"))
        flash(_("Invalid email or password."), "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, panels=collect("login.panels")), status


@bp.route("/logout", methods=["POST"])
@requires(Permission.OWN_ACCOUNT)
def logout():
    """Sign out of this browser."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    """Choose the interface language; remembered in a cookie and on the account."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = form.lang.data
    response = redirect(safe_next(form.next.data) or url_for("inventory.site_list"))
    response.set_cookie(LANGUAGE_COOKIE, form.lang.data, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/account", methods=["GET", "POST"])
@requires(Permission.OWN_ACCOUNT)
def account():
    """The user's account: language, personal API tokens, signing out everywhere."""
    form = TokenForm()
    status = 422 if request.method == "POST" else 200

    def create(values: dict) -> str:
        days = values["expires_in_days"]
        return services.create_token(current_user, values["name"],
                                     utcnow() + timedelta(days=days) if days else None)[1]

    new_token = form.submit_with(lambda raw: clean(TOKEN_RULES, raw), create)
    if new_token is not None:
        status = 200
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id)
    ).scalars().all()
    return render_template("auth/account.html", form=form, tokens=tokens, new_token=new_token,
                           confirm=ConfirmForm(), now=utcnow()), status


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.OWN_ACCOUNT)
def revoke_token(token_id: int):
    """Revoke one of the user's own tokens."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    flash(_("Token revoked."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@requires(Permission.OWN_ACCOUNT)
def sign_out_everywhere():
    """Invalidate every session and remember-me cookie of the user."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    current_user.revoke_sessions()
    logout_user()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/admin/users", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def users():
    """List accounts and create one."""
    form = UserForm()
    status = 422 if request.method == "POST" else 200  # refused unless it redirects below
    if form.submit_with(lambda raw: raw, lambda values: services.create_user(values["email"], values["role"],
                                                                              values["password"])) is not None:
        flash(_("Account created."), "success")
        return redirect(url_for("auth.users"))
    accounts = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("auth/users.html", form=form, accounts=accounts, role_labels=ROLE_LABELS,
                           confirm=ConfirmForm()), status


@bp.route("/admin/users/<int:user_id>/toggle", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def toggle_user(user_id: int):
    """Deactivate or reactivate an account (never one's own)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "warning")
        return redirect(url_for("auth.users"))
    user.active = not user.active
    user.revoke_sessions()
    return redirect(url_for("auth.users"))


