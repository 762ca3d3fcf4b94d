"""The registre public d'accessibilité of an ERP (arrêté du 19 avril 2017): kept per building, shown to the public
at an unguessable address (a random token the owner may print as a QR code) with its fields and nothing else."""

from __future__ import annotations

import io
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.catalogue import codes
from facilities.inventory.models import Building
from facilities.safety.catalogue import ACCESSIBILITY_STATUS_LABELS
from facilities.safety.models import AccessibilityRegister
from facilities.safety.rules import past_date
from facilities.validation import Rule, clean

TOKEN_PATTERN = r"[A-Za-z0-9_-]{32}"

REGISTER_RULES = (
    Rule("public_name", "text", _l("Name shown to the public"), required=True, max_length=200),
    Rule("services", "text", _l("Services offered"), required=True, max_length=4000),
    Rule("status", "choice", _l("Accessibility"), required=True, choices=lambda: codes(ACCESSIBILITY_STATUS_LABELS)),
    Rule("status_reference", "text", _l("Certificate or Ad'AP schedule (reference, dates)"), max_length=4000),
    Rule("derogations", "text", _l("Derogations granted"), max_length=4000),
    Rule("staff_training", "text", _l("Staff training to welcome disabled people"), max_length=4000),
    Rule("equipment_upkeep", "text", _l("Upkeep of the accessibility equipment (lifts, ramps…)"), max_length=4000),
    past_date("updated_on", _l("Up to date on"), required=True),
)
PUBLIC_FIELDS = tuple(rule.name for rule in REGISTER_RULES)  # what the public page shows, and nothing else


def clean_register(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values of a register, or ValidationError."""
    return clean(REGISTER_RULES, raw)


def register_of(building: Building) -> AccessibilityRegister | None:
    return db.session.scalar(select(AccessibilityRegister).where(AccessibilityRegister.building_id == building.id))


def save_register(building: Building, values: dict[str, Any]) -> AccessibilityRegister:
    """Create or change a building's register; its public address is made once and kept."""
    register = register_of(building)
    if register is None:
        register = AccessibilityRegister(building=building, public_token=secrets.token_urlsafe(24))
        db.session.add(register)
    for name, value in values.items():
        setattr(register, name, value)
    db.session.flush()
    return register


def by_token(token: str) -> AccessibilityRegister | None:
    return db.session.scalar(select(AccessibilityRegister).where(AccessibilityRegister.public_token == token))


def public_view(register: AccessibilityRegister) -> dict[str, Any]:
    """The register's public fields only: the public page and PDF see this, never the building."""
    return {name: getattr(register, name) for name in PUBLIC_FIELDS}


def qr_svg(url: str) -> bytes:
    """The public address as an SVG QR code, to print and put up at the entrance."""
    out = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(out)
    return out.getvalue()
