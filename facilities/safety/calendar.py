"""The personal iCalendar feed of due checks: a secret address per user, revocable, read by calendar programs.

The address carries a random secret (the credential, as a one-time reset link does); only its SHA-256 is stored,
so the address is shown once, when it is made. Making a new one or revoking it deletes the old row.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import delete, select

from facilities.extensions import db
from facilities.safety import services
from facilities.safety.catalogue import CHECK_STATUS_LABELS, CHECK_TYPE_LABELS
from facilities.safety.models import CalendarFeed

SECRET_PATTERN = r"[A-Za-z0-9_-]{43}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_feed(user_id: int) -> str:
    """Make a new secret address for a user (the previous one stops working); returns the secret, shown once."""
    revoke(user_id)
    secret = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user_id, secret_hash=_hash(secret)))
    db.session.flush()
    return secret


def revoke(user_id: int) -> None:
    """Stop the user's calendar address working."""
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    db.session.flush()


def feed_of(user_id: int) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))


def owner_of(secret: str):
    """The active user whose address holds this secret and who still reads the portfolio, or None: an account
    made a requester (no READ) keeps no feed of every site's checks from the role it had."""
    from facilities.auth.models import User
    from facilities.permissions import Permission

    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.secret_hash == _hash(secret)))
    user = db.session.get(User, feed.user_id) if feed is not None else None
    return user if user is not None and user.active and user.can(Permission.READ) else None


def ical(locale: str, today: date | None = None) -> bytes:
    """The due checks of the portfolio as an iCalendar file: one all-day event per planned check with a due date."""
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", "-//Facilities//Safety checks//FR")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("Safety checks due"))
        stamp = datetime.now(UTC)
        for line in services.buildings_due(today=today):
            page = url_for("safety.building_safety", building_id=line.building.id, _external=True)
            for planned in line.plan:
                if planned.due_on is None:
                    continue
                event = Event()
                event.add("uid", f"check-{planned.equipment_id}-{planned.check_type}@facilities")
                event.add("dtstamp", stamp)
                event.add("dtstart", planned.due_on)
                event.add("summary", f"{CHECK_TYPE_LABELS.get(planned.check_type, planned.check_type)} · "
                                     f"{planned.equipment_name} · {line.building.name}")
                event.add("description", f"{CHECK_STATUS_LABELS[planned.status]} · {page}")
                event.add("url", page)
                calendar.add_component(event)
        return calendar.to_ical()
