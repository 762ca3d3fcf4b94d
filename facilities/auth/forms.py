"""Forms of the auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from facilities.forms import RuleForm, choice_field
from facilities.permissions import ROLE_LABELS


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class TokenForm(RuleForm):
    """Judged by auth.rules.TOKEN_RULES; one that never expires needs the password again."""

    name = StringField(_l("Token name"))
    expires_in_days = StringField(_l("Expires after (days, empty for never)"),
                                  render_kw={"inputmode": "numeric", "autocomplete": "off"})
    password = PasswordField(_l("Your password (for a token that never expires)"),
                             render_kw={"autocomplete": "current-password"})


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token matters."""


class UserForm(RuleForm):
    """Judged by auth.rules.USER_RULES (the command line's `users create` too). No password: the
    administrator gets a one-time link for the person to choose one."""

    email = EmailField(_l("Email"))
    role = choice_field(_l("Role"), ROLE_LABELS)


def _new_password_fields():
    """The new password twice; the policy (facilities/auth/passwords.py) checks them, all problems at once."""
    new = PasswordField(_l("New password"), description=_l(
        "At least 12 characters. A short sentence is easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password"})
    confirmation = PasswordField(_l("New password again"), render_kw={"autocomplete": "new-password"})
    return new, confirmation


class PasswordChangeForm(RuleForm):
    current_password = PasswordField(_l("Current password"), render_kw={"autocomplete": "current-password"})
    new_password, confirmation = _new_password_fields()


class PasswordResetForm(RuleForm):
    new_password, confirmation = _new_password_fields()
