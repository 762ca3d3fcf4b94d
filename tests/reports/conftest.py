"""Fixtures of the reports tests: PDF text, a results folder per test, the Asnières building."""

from __future__ import annotations

import io
import re

import pytest


def pdf_pages(body: bytes) -> list[str]:
    """Text of each page, whitespace normalised (Babel puts narrow no-break spaces in numbers)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    return [normalise(page.extract_text() or "") for page in reader.pages]


def normalise(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip()


def french(message: str, **variables) -> str:
    """A message as the French catalogue prints it today (reports are in French by default), so that tests do
    not break when a translation is added or reworded."""
    from flask_babel import force_locale, gettext

    with force_locale("fr"):
        return normalise(gettext(message, **variables))


@pytest.fixture
def results_folder(app, tmp_path):
    """Job results go to a temporary folder, not the real instance folder."""
    previous = app.config.get("REPORTS_FOLDER")
    app.config["REPORTS_FOLDER"] = str(tmp_path / "reports")
    yield tmp_path / "reports"
    app.config["REPORTS_FOLDER"] = previous


@pytest.fixture
def asnieres(demo, db):
    from facilities.inventory.models import Building

    return db.session.query(Building).filter_by(code="PS-ASN-B1").one()
