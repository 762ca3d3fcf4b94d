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
    """Judged by auth.rules.TOKEN_RULES."""

    name = StringField(_l("Token name"))
    expires_in_days = StringField(_l("Expires after (days, empty for never)"),
                                  render_kw={"inputmode": "numeric", "autocomplete": "off"})


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token matters."""


class UserForm(RuleForm):
    """Judged by auth.rules.USER_RULES (the command line's `users create` too)."""

    email = EmailField(_l("Email"))
    role = choice_field(_l("Role"), ROLE_LABELS)
    password = PasswordField(_l("Initial password"))
