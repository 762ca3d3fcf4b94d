"""Language choice (French by default, remembered in a cookie and on the account) and template filters."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale
from flask_login import current_user

from facilities import formatting

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
assert tuple(LANGUAGE_NAMES) == formatting.LANGUAGES


def select_locale() -> str:
    """The user's chosen language: account setting, then cookie, then French."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE) if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The request's language code ("fr" outside a request)."""
    return str(get_locale() or "fr")


def register_filters(app: Flask) -> None:
    """Jinja filters that format in the request's language."""
    app.add_template_filter(lambda cents: formatting.format_money(cents, current_locale()), "money")
    app.add_template_filter(lambda area: formatting.format_area(area, current_locale()), "area")
    app.add_template_filter(lambda value, places=None: formatting.format_number(value, current_locale(), places), "number")
    app.add_template_filter(lambda day: formatting.format_day(day, current_locale()), "day")
