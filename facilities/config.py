"""Configuration read from the environment, with safe defaults for the embedded (SQLite) setup."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from facilities.formatting import LANGUAGES


class ConfigError(RuntimeError):
    """A required production setting is missing or wrong."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


JOB_SETTINGS = ("JOB_HEARTBEAT_SECONDS", "JOB_STALE_SECONDS", "JOB_MAX_ATTEMPTS", "JOB_TIMEOUT_SECONDS",
                "JOB_MAX_ACTIVE_PER_USER", "JOB_RESULT_RETENTION_HOURS", "JOB_POLL_SECONDS",
                "JOB_MAINTENANCE_SECONDS", "REPORT_INLINE_MAX_SPACES", "REPORT_PORTFOLIO_INLINE_MAX_SITES")


def _number(name: str) -> float:
    value = os.environ[name]
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {value!r}.") from None
    return int(number) if number.is_integer() else number


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
    if number < 0:
        raise ConfigError(f"{name} must not be negative.")
    return number


def _instance_secret_key(instance_path: Path) -> str:
    """Keep one random key per instance folder so sessions survive restarts in the embedded setup (the one
    file create_app may write: only when no SECRET_KEY is configured, outside tests)."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Return the settings for one app: environment first, then the caller's overrides."""
    overrides = dict(overrides or {})
    production = os.environ.get("FACILITIES_ENV", "development") == "production"
    debug = _bool("FLASK_DEBUG")
    database_url = overrides.pop("DATABASE_URL", None) or os.environ.get("DATABASE_URL")
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'facilities.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("SECRET_KEY must be set when FACILITIES_ENV=production.")
        # Tests get a key of their own, in memory: a test run never writes into the instance folder.
        secret_key = secrets.token_hex(32) if overrides.get("TESTING") else _instance_secret_key(instance_path)

    engine_options: dict = {"pool_pre_ping": True}
    if database_url.startswith("sqlite"):
        # The busy timeout lets concurrent writers wait for the lock instead of failing at once.
        engine_options = {"connect_args": {"timeout": 15}}

    config = {
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "DEMO_MODE": _bool("FACILITIES_DEMO"),
        "PRODUCTION": production,
        "BABEL_DEFAULT_LOCALE": LANGUAGES[0],
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": LANGUAGES,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BOOTSTRAP_BOOTSWATCH_THEME": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not debug and not _bool("FACILITIES_INSECURE_COOKIES"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not debug and not _bool("FACILITIES_INSECURE_COOKIES"),
        "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        # Behind N reverse proxies, the client's address is the one the Nth proxy saw (README, production).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Rate limits (Flask-Limiter): counts in Redis when RATELIMIT_STORAGE_URI or REDIS_URL is set.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or None,
        "API_RATE_LIMIT": _int("API_RATE_LIMIT", 600),
        "API_RATE_WINDOW_SECONDS": _int("API_RATE_WINDOW_SECONDS", 60),
        "LOGIN_FREE_FAILURES": _int("LOGIN_FREE_FAILURES", 3),
        "LOGIN_MAX_DELAY_SECONDS": _int("LOGIN_MAX_DELAY_SECONDS", 15 * 60),
        "LOGIN_ACCOUNT_FREE_FAILURES": _int("LOGIN_ACCOUNT_FREE_FAILURES", 10),
        "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": _int("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 30),
        "LOGIN_ADDRESS_LIMIT": os.environ.get("LOGIN_ADDRESS_LIMIT") or "50 per 15 minutes",
        "SITES_PER_PAGE": 25,
        "TILE_URL": os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": os.environ.get(
            "TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Bounds of an inventory import (facilities/inventory/bulk_read.py), checked while the file is read.
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", 500_000)),
        "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_BYTES", 64 * 1024 * 1024)),
        "IMPORT_MAX_UNPACKED_BYTES": int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)),
        "IMPORT_INLINE_ROWS": int(os.environ.get("IMPORT_INLINE_ROWS", 5000)),
        "EXPORT_INLINE_ROWS": int(os.environ.get("EXPORT_INLINE_ROWS", 100_000)),
        # Background jobs (facilities/jobs): unset values take the defaults of facilities/jobs/queue.py.
        **{name: _number(name) for name in JOB_SETTINGS if os.environ.get(name)},
        "JOB_LOCAL_WORKER": _bool("JOB_LOCAL_WORKER", True),
        "JOB_RQ_QUEUE": os.environ.get("JOB_RQ_QUEUE") or None,
        "JOBS_FOLDER": os.environ.get("JOBS_FOLDER") or os.environ.get("REPORTS_FOLDER") or None,
        # Capital renewal (facilities/renewal): the owner's policy for items whose condition calls for renewal
        # before the end of their expected life, "CONDITION:YEARS,…" on the register's scale (1 as new …
        # 5 to replace): renewed at the latest that many years after the condition was assessed. The département's
        # asset-management policy, not a regulation: set it to the owner's own rule.
        "RENEWAL_CONDITION_POLICY": os.environ.get("RENEWAL_CONDITION_POLICY", "5:0,4:2"),
        "RENEWAL_POLICY_SOURCE": os.environ.get("RENEWAL_POLICY_SOURCE") or None,  # None: "owner's policy", translated
        # The site's address as its users reach it, for links printed outside a request (password resets).
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or None,
        # Work requests (facilities/requests): days to answer by priority (the due date), their photos.
        "REQUEST_RESPONSE_DAYS": {
            "critical": _int("REQUEST_RESPONSE_DAYS_CRITICAL", 1), "high": _int("REQUEST_RESPONSE_DAYS_HIGH", 3),
            "normal": _int("REQUEST_RESPONSE_DAYS_NORMAL", 10), "low": _int("REQUEST_RESPONSE_DAYS_LOW", 30)},
        "REQUEST_PHOTO_MAX_BYTES": _int("REQUEST_PHOTO_MAX_BYTES", 5 * 1024 * 1024),
        "REQUEST_PHOTOS_FOLDER": os.environ.get("REQUEST_PHOTOS_FOLDER") or None,
        # Mail (facilities/mail.py): "smtp" sends through MAIL_SERVER, "log" writes each mail to the log (the
        # default outside production), "none" sends nothing (tests).
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND") or ("smtp" if production else "log"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or "localhost",
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_SENDER": os.environ.get("MAIL_SENDER") or "facilities@localhost",
        "MAIL_TIMEOUT_SECONDS": _int("MAIL_TIMEOUT_SECONDS", 10),
    }
    if overrides.get("TESTING") and "MAIL_BACKEND" not in overrides:
        config["MAIL_BACKEND"] = "none"  # a test run never sends mail (tests read facilities.mail.outbox)
    if config["MAIL_BACKEND"] not in ("smtp", "log", "none"):
        raise ConfigError(f"MAIL_BACKEND must be smtp, log or none, not {config['MAIL_BACKEND']!r}.")
    config.update(overrides)
    return config
