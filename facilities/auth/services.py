"""Accounts: creation, authentication, personal API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from facilities.auth.models import ApiToken, PasswordReset, User, hash_token
from facilities.auth.passwords import password_problems
from facilities.auth.rules import USER_RULES
from facilities.extensions import db
from facilities.timeutil import utcnow
from facilities.validation import ValidationError, clean

TOKEN_PREFIX = "fac_"
RESET_LIFETIME = timedelta(hours=24)


def _sentences(problems: list[str]) -> str:
    """Several problems of one field as one message: sentences, each ending with a full stop."""
    return ". ".join(problems) + ("." if len(problems) > 1 else "")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(email: str, role: str, password: str | None = None, locale: str | None = None) -> User:
    """Create an account (rules.USER_RULES, passwords.password_problems); refuses a bad email, an unknown role,
    a password against the policy or a duplicate.

    Without a password (an administrator creating the account) nobody can sign in until the person sets one
    through a reset link (`issue_reset`).
    """
    try:
        values, errors = clean(USER_RULES, {"email": email, "role": role}), {}
    except ValidationError as error:
        values, errors = {}, dict(error.errors)
    email = normalise_email(values.get("email") or email)
    if "email" not in errors and ("@" not in email or email.startswith("@") or email.endswith("@")):
        errors["email"] = _("Enter a valid email address")
    if password is not None and (problems := password_problems(password, email)):
        errors["password"] = _sentences(problems)
    if "email" not in errors and find_user(email) is not None:
        errors["email"] = _("An account already exists for %(email)s", email=email)
    if errors:
        raise ValidationError(errors)
    user = User(email=email, role=values["role"], locale=locale)
    user.set_password(password if password is not None else secrets.token_urlsafe(32))  # unknown to all
    db.session.add(user)
    db.session.flush()
    return user


def find_user(email: str) -> User | None:
    """The account with this email, if any."""
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


_dummy_hash: dict[str, object] = {}


def _check_dummy_password(password: str) -> None:
    """Spend the time of a real password check, so that an unknown e-mail answers as slowly as a known one."""
    from facilities.auth import models

    if _dummy_hash.get("made_by") is not models.generate_password_hash:  # tests swap the hashing function
        _dummy_hash.update(made_by=models.generate_password_hash,
                           value=models.generate_password_hash(secrets.token_urlsafe(16)))
    models.check_password_hash(str(_dummy_hash["value"]), password)


def authenticate(email: str, password: str) -> User | None:
    """The active user whose credentials match, else None; as slow for an unknown e-mail as for a known one."""
    user = find_user(email)
    if user is None:
        _check_dummy_password(password or "")
        return None
    matches = user.check_password(password or "")  # checked even for a deactivated account: same time
    return user if matches and user.active else None


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


def token_for(raw: str | None) -> ApiToken | None:
    """The valid (not revoked, not expired) token with this value, owned by an active user; else None."""
    if not raw or len(raw) > 200:
        return None
    with db.session.no_autoflush:  # authentication reads only; a flush here would ask who the user is
        token = db.session.execute(
            select(ApiToken).where(ApiToken.token_hash == hash_token(raw))
        ).scalar_one_or_none()
        if token is None or not token.is_usable(utcnow()) or not token.user.active:
            return None
    return token


def user_for_token(raw: str | None) -> User | None:
    """The active user owning a valid token."""
    token = token_for(raw)
    return token.user if token is not None else None


def revoke_token(token: ApiToken) -> None:
    """Revoke a token: it answers 401 from now on."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


# ---------------------------------------------------------------- passwords


def change_password(user: User, current: str, new: str, confirmation: str) -> None:
    """The user changes their own password: the current one, then the new one twice; every problem at once.

    Every other session and remember-me cookie of the user ends (the caller signs this browser in again).
    """
    errors = {}
    if not user.check_password(current or ""):
        errors["current_password"] = _("This is not your current password")
    problems = password_problems(new, user.email)
    if problems:
        errors["new_password"] = _sentences(problems)
    if (new or "") != (confirmation or ""):
        errors["confirmation"] = _("The two new passwords differ")
    if errors:
        raise ValidationError(errors)
    user.set_password(new)
    _forget_resets(user)


def issue_reset(user: User, issued_by: User | None = None, lifetime: timedelta = RESET_LIFETIME
                ) -> tuple[PasswordReset, str]:
    """A one-time link to choose a password: returns it with its raw token (shown once; only a digest is kept).

    An earlier unused link of the same account stops working.
    """
    _forget_resets(user)
    raw = secrets.token_urlsafe(32)
    reset = PasswordReset(user=user, token_hash=hash_token(raw), expires_at=utcnow() + lifetime,
                          created_by_id=issued_by.id if issued_by is not None else None)
    db.session.add(reset)
    db.session.flush()
    return reset, raw


def reset_for(raw: str | None) -> PasswordReset | None:
    """The usable reset (not used, not expired, account active) with this token; else None."""
    if not raw or len(raw) > 200:
        return None
    reset = db.session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(raw))
    ).scalar_one_or_none()
    if reset is None or not reset.is_usable(utcnow()) or not reset.user.active:
        return None
    return reset


def reset_password(reset: PasswordReset, new: str, confirmation: str) -> User:
    """Choose a password through a reset link; the link is used up and every session of the account ends."""
    user = reset.user
    errors = {}
    problems = password_problems(new, user.email)
    if problems:
        errors["new_password"] = _sentences(problems)
    if (new or "") != (confirmation or ""):
        errors["confirmation"] = _("The two new passwords differ")
    if errors:
        raise ValidationError(errors)
    user.set_password(new)
    reset.used_at = utcnow()
    db.session.flush()
    _forget_resets(user, keep=reset)
    return user


def _forget_resets(user: User, keep: PasswordReset | None = None) -> None:
    """Earlier unused links of this account stop working."""
    query = delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
    if keep is not None:
        query = query.where(PasswordReset.id != keep.id)
    db.session.execute(query)
