"""Forms of the auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from facilities.permissions import ROLE_LABELS


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    expires_in_days = IntegerField(_l("Expires after (days, empty for never)"),
                                   validators=[Optional(), NumberRange(min=1, max=3650)])


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token matters."""


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(min=10, max=500)])
