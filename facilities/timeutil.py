"""Time helpers: one notion of 'now', always timezone-aware UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


PARIS = ZoneInfo("Europe/Paris")  # the département's time: dates and times are shown, and "today" judged, in it


def paris_now() -> datetime:
    """The current time in Paris (for display and for what "this month" or "this year" means)."""
    return datetime.now(PARIS)


def paris_today() -> date:
    """Today's date in Paris: the year and month the dashboards and the energy years are judged against."""
    return paris_now().date()
