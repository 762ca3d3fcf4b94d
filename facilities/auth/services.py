"""Accounts: creation, authentication with rate limiting, personal API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from facilities.auth.models import ApiToken, LoginFailure, User, hash_token
from facilities.auth.rules import USER_RULES
from facilities.extensions import db
from facilities.timeutil import utcnow
from facilities.validation import ValidationError, clean

TOKEN_PREFIX = "fac_"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(email: str, role: str, password: str, locale: str | None = None) -> User:
    """Create an account (rules.USER_RULES); refuses a bad email, an unknown role, a short password or a
    duplicate."""
    try:
        values, errors = clean(USER_RULES, {"email": email, "role": role, "password": password}), {}
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    email = normalise_email(values.get("email") or email)
    if "email" not in errors and ("@" not in email or email.startswith("@") or email.endswith("@")):
        errors["email"] = _("Enter a valid email address")
    if not errors and find_user(email) is not None:
        errors["email"] = _("An account already exists for %(email)s", email=email)
    if errors:
        raise ValidationError(errors)
    user = User(email=email, role=values["role"], locale=locale)
    user.set_password(values["password"])
    db.session.add(user)
    db.session.flush()
    return user


def find_user(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


class TooManyAttempts(Exception):
    """Login refused for a while after repeated failures."""


def _recent_failures(window: timedelta, **where) -> int:
    since = utcnow() - window
    query = select(func.count(LoginFailure.id)).where(LoginFailure.at >= since)
    for column, value in where.items():
        query = query.where(getattr(LoginFailure, column) == value)
    return db.session.scalar(query) or 0


def authenticate(email: str, password: str, address: str, *, max_per_account: int, max_per_address: int,
                 window_seconds: int) -> User | None:
    """The user whose credentials match, None otherwise; raises TooManyAttempts when rate-limited.

    Failures are counted per account and per client address over a sliding window, in the database, so
    that every application server sees the same counts.
    """
    email = normalise_email(email)
    window = timedelta(seconds=window_seconds)
    if (_recent_failures(window, email=email) >= max_per_account
            or _recent_failures(window, address=address) >= max_per_address):
        raise TooManyAttempts()
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password or ""):
        db.session.add(LoginFailure(email=email[:254], address=address[:64]))
        db.session.flush()
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


def prune_login_failures(older_than: timedelta = timedelta(days=1)) -> None:
    """Forget old failures so the table stays small."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - older_than))


def create_token(user: User, name: str = "token", expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a personal API token; the raw value is returned once and only its hash is kept."""
    name = (name or "").strip()[:100] or "token"
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationError({"expires_at": _("The expiry date must be in the future")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:12], expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    return token, raw


def user_for_token(raw: str) -> User | None:
    """The active user owning a valid (not revoked, not expired) token."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw))
    ).scalar_one_or_none()
    now = utcnow()
    if token is None or not token.is_usable(now) or not token.user.active:
        return None
    return token.user


def revoke_token(token: ApiToken) -> None:
    """Revoke a token: it answers 401 from now on."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
