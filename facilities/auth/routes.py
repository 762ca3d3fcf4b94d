"""Login, logout, language choice, the user's account (password, tokens), user administration, password resets."""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from facilities.auth import services
from facilities.auth.forms import (
    ConfirmForm,
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenForm,
    UserForm,
)
from facilities.auth.models import ApiToken, User
from facilities.auth.rules import TOKEN_RULES
from facilities.auth.throttle import LoginThrottle, wait_message
from facilities.extensions import db
from facilities.i18n import LANGUAGE_COOKIE
from facilities.panels import collect
from facilities.permissions import ROLE_LABELS, Permission, requires
from facilities.security import client_address, retry_after_seconds
from facilities.timeutil import utcnow
from facilities.validation import ValidationError, clean

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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; repeated failures slow that client down (facilities/auth/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        throttle = LoginThrottle(services.normalise_email(form.email.data), client_address())
        wait = throttle.wait()
        if wait is not None:
            flash(wait_message(wait), "warning" if wait.account_under_attack else "danger")
            response = make_response(*login_page(form, 429))
            response.headers["Retry-After"] = str(wait.seconds)
            return response
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            throttle.succeeded()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("home"))
        throttle.failed()
        flash(_("Invalid email or password."), "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return login_page(form, status)


def login_page(form: LoginForm, status: int = 200):
    """The sign-in page, with the panels other areas add to it (the demo accounts)."""
    return render_template("auth/login.html", form=form, panels=collect("login.panels")), status


def address_breached(request_limit):
    """Flask-Limiter's answer when an address failed too many sign-ins: the page again, saying when."""
    retry_after = retry_after_seconds(request_limit)
    flash(_("Too many failed sign-ins from your network. Try again in %(n)s minutes.",
            n=math.ceil(retry_after / 60)), "danger")
    response = make_response(*login_page(LoginForm(), 429))
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/logout", methods=["POST"])
@requires(Permission.OWN_ACCOUNT)
def logout():
    """Sign out: the session ends on the server too, so a copied cookie no longer opens anything."""
    current_user.revoke_sessions()
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
    response = redirect(safe_next(form.next.data) or url_for("home"))
    response.set_cookie(LANGUAGE_COOKIE, form.lang.data, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _account_page(token_form: TokenForm | None = None, password_form: PasswordChangeForm | None = None,
                  new_token: str | None = None, status: int = 200):
    tokens = db.session.execute(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id)
    ).scalars().all()
    return render_template("auth/account.html", form=token_form or TokenForm(formdata=None),
                           password_form=password_form or PasswordChangeForm(formdata=None), tokens=tokens,
                           new_token=new_token, confirm=ConfirmForm(), now=utcnow()), status


def _own_password_problem(password: str | None) -> str | None:
    """Why the signed-in user's password, typed again, is not accepted; wrong ones count as failed sign-ins."""
    throttle = LoginThrottle(current_user.email, client_address())
    wait = throttle.wait()
    if wait is not None:
        return wait_message(wait)
    if password and current_user.check_password(password):
        return None
    if password:
        throttle.failed()
    return _("Enter your password to create a token that never expires")


@bp.route("/account", methods=["GET", "POST"])
@requires(Permission.OWN_ACCOUNT)
def account():
    """The user's account: password, personal API tokens, signing out everywhere.

    Only a signed-in session gets here (a token never opens a page), and a token that never expires needs
    the password again: a borrowed browser cannot mint a permanent credential.
    """
    form = TokenForm()
    if request.method == "GET":
        return _account_page(form)

    def judge(raw: dict) -> dict:
        errors, values = {}, {}
        try:
            values = clean(TOKEN_RULES, raw)
        except ValidationError as error:
            errors = dict(error.errors)
        if not str(raw.get("expires_in_days") or "").strip() and (problem := _own_password_problem(raw.get("password"))):
            errors["password"] = problem
        if errors:
            raise ValidationError(errors)
        return values

    def create(values: dict) -> str:
        days = values["expires_in_days"]
        return services.create_token(current_user._get_current_object(), values["name"],
                                     utcnow() + timedelta(days=days) if days else None)[1]

    new_token = form.submit_with(judge, create)
    if new_token is None:
        return _account_page(form, status=422)
    flash(_("Token created. Copy it now: it will not be shown again."), "success")
    return _account_page(TokenForm(formdata=None), new_token=new_token)


@bp.route("/account/password", methods=["POST"])
@requires(Permission.OWN_ACCOUNT)
def change_password():
    """Change one's own password: the current one, then the new one twice. Other devices are signed out."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    throttle = LoginThrottle(user.email, client_address())
    wait = throttle.wait()  # a borrowed session must not become a way to guess the password
    if wait is not None:
        form.current_password.errors.append(wait_message(wait))
        return _account_page(password_form=form, status=429)
    try:
        services.change_password(user, form.current_password.data, form.new_password.data, form.confirmation.data)
    except ValidationError as error:
        if "current_password" in error.errors:
            throttle.failed()
        form.attach_errors(error.errors)
        return _account_page(password_form=form, status=422)
    login_user(user)  # this browser stays signed in, under the new session token
    flash(_("Your password is changed. Your other devices are signed out."), "success")
    return redirect(url_for("auth.account"))


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


def _users_page(form: UserForm | None = None, issued: tuple[User, str] | None = None, status: int = 200):
    accounts = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("auth/users.html", form=form or UserForm(formdata=None), accounts=accounts,
                           role_labels=ROLE_LABELS, confirm=ConfirmForm(), issued=issued,
                           reset_hours=int(services.RESET_LIFETIME.total_seconds() // 3600),
                           panels=collect("users.panels", accounts=accounts)), status


@bp.route("/admin/users", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def users():
    """List accounts and create one; the new account's person chooses a password through a one-time link."""
    form = UserForm()
    if request.method == "GET":
        return _users_page(form)
    user = form.submit_with(lambda raw: raw, lambda values: services.create_user(values["email"], values["role"]))
    if user is None:
        return _users_page(form, status=422)
    _reset, raw = services.issue_reset(user, current_user._get_current_object())
    flash(_("Account created. Send the link below to its owner to choose a password."), "success")
    return _users_page(issued=(user, reset_url(raw)))


@bp.route("/admin/users/<int:user_id>/reset-link", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def reset_link(user_id: int):
    """Issue a one-time link for the account's owner to choose a new password (the administrator never
    sets or sees a password)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = db.get_or_404(User, user_id)
    if not user.active:
        flash(_("Reactivate the account before sending it a link."), "warning")
        return redirect(url_for("auth.users"))
    _reset, raw = services.issue_reset(user, current_user._get_current_object())
    return _users_page(issued=(user, reset_url(raw)))


def reset_url(raw: str) -> str:
    """The link to send: on PUBLIC_URL when it is set, else on the address this request came to."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/") + url_for("auth.reset_password", token=raw)
    return url_for("auth.reset_password", token=raw, _external=True)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a password through a one-time link (the one page besides sign-in that needs no session)."""
    reset = services.reset_for(token)
    form = PasswordResetForm()
    if reset is None:
        response = make_response(render_template("auth/reset.html", form=None, email=None), 404)
    elif request.method == "POST" and form.validate_on_submit():
        try:
            services.reset_password(reset, form.new_password.data, form.confirmation.data)
        except ValidationError as error:
            form.attach_errors(error.errors)
            response = make_response(render_template("auth/reset.html", form=form, email=reset.user.email), 422)
        else:
            logout_user()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("auth.login"))
    else:
        response = make_response(render_template("auth/reset.html", form=form, email=reset.user.email),
                                 400 if request.method == "POST" else 200)
    response.headers["Cache-Control"] = "no-store"
    return response


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


