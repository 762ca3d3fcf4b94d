"""Sign-in throttling that slows guessing down without ever locking the real user out.

Three layers, counted in the rate-limit storage (Redis when configured, so every worker and server sees the
same counts; this process's memory otherwise):

- **per account and address**: after LOGIN_FREE_FAILURES failures, each further failure makes that pair wait
  LOGIN_BASE_DELAY_SECONDS x 2^n (at most LOGIN_MAX_DELAY_SECONDS) before its next attempt is even checked.
  Only the client that failed waits: the owner, signing in from elsewhere, is not concerned.
- **per account, from every address** (a distributed attack): past LOGIN_ACCOUNT_FREE_FAILURES failures
  within LOGIN_ACCOUNT_WINDOW_SECONDS, each client must wait before its attempt on that account counts,
  LOGIN_BASE_DELAY_SECONDS x 2^n again but at most LOGIN_ACCOUNT_MAX_DELAY_SECONDS. A delay, never a
  refusal: the owner waits once and signs in; an attacker pays the wait for every guess from every address.
- **per address, over every account** (password spraying): LOGIN_ADDRESS_LIMIT failed sign-ins, through
  Flask-Limiter (see `init_login_limits`).

E-mails and addresses are hashed before they reach the storage. An unknown e-mail is counted like a known
one, so throttling tells nothing about which accounts exist. A storage outage lets sign-ins through (logged).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import gettext as _
from limits import parse_many

from facilities.config import ConfigError
from facilities.security import client_address, init_rate_limits, rate_limiter

DEFAULTS = {
    "LOGIN_FREE_FAILURES": 3,
    "LOGIN_BASE_DELAY_SECONDS": 1,
    "LOGIN_MAX_DELAY_SECONDS": 15 * 60,
    "LOGIN_FAILURE_MEMORY_SECONDS": 24 * 3600,
    "LOGIN_ACCOUNT_FREE_FAILURES": 10,
    "LOGIN_ACCOUNT_WINDOW_SECONDS": 15 * 60,
    "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": 30,
    "LOGIN_ADDRESS_LIMIT": "50 per 15 minutes",
}
# How long a finished wait stays usable: time enough to type the password again.
TICKET_GRACE_SECONDS = 120


def backoff_delay(failures: int, free: int, base: float, cap: float) -> int:
    """Seconds to wait after `failures` failures: none for the first `free`, then base, 2 x base, 4 x base..."""
    if failures <= free:
        return 0
    return int(min(cap, base * 2 ** min(failures - free - 1, 32)))


@dataclass(frozen=True)
class Wait:
    seconds: int
    account_under_attack: bool


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class LoginThrottle:
    """The throttle for one sign-in attempt: `wait()` before checking the password, then `failed()` or
    `succeeded()`."""

    def __init__(self, email: str, address: str) -> None:
        self.config = current_app.config
        self.storage = rate_limiter().storage
        account = _digest("account", email)
        pair = _digest("pair", email, address)
        prefix = f"{self.config.get('RATELIMIT_KEY_PREFIX') or 'facilities'}:login"
        self.keys = {"pair_failures": f"{prefix}:pf:{pair}", "pair_wait": f"{prefix}:pw:{pair}",
                     "ticket": f"{prefix}:tk:{pair}", "account_failures": f"{prefix}:af:{account}"}

    def _setting(self, name: str) -> float:
        return float(self.config.get(name, DEFAULTS[name]))

    def wait(self) -> Wait | None:
        """How long this client must wait before its attempt is checked, or None to check it now."""
        try:
            return self._wait(time.time())
        except Exception as error:  # noqa: BLE001 — the storage went away: never lock everyone out for it
            current_app.logger.warning("sign-in throttle unavailable (%s): attempt let through", error)
            return None

    def _wait(self, now: float) -> Wait | None:
        storage, keys = self.storage, self.keys
        if storage.get(keys["pair_wait"]) > 0:
            return Wait(max(math.ceil(storage.get_expiry(keys["pair_wait"]) - now), 1), False)
        failures = storage.get(keys["account_failures"])
        free = self._setting("LOGIN_ACCOUNT_FREE_FAILURES")
        if failures < free:
            return None
        if storage.get(keys["ticket"]) > 0:  # this client was told to wait: is the wait over?
            ready_at = storage.get_expiry(keys["ticket"]) - TICKET_GRACE_SECONDS
            if now < ready_at:
                return Wait(max(math.ceil(ready_at - now), 1), True)
            storage.clear(keys["ticket"])  # used once: the next attempt waits again
            return None
        delay = max(backoff_delay(int(failures) + 1, int(free), self._setting("LOGIN_BASE_DELAY_SECONDS"),
                                  self._setting("LOGIN_ACCOUNT_MAX_DELAY_SECONDS")), 1)
        storage.incr(keys["ticket"], delay + TICKET_GRACE_SECONDS)
        return Wait(delay, True)

    def failed(self) -> None:
        """Count a wrong password for this pair and this account; make the pair wait when past the free ones."""
        storage, keys = self.storage, self.keys
        try:
            failures = storage.incr(keys["pair_failures"], int(self._setting("LOGIN_FAILURE_MEMORY_SECONDS")))
            storage.incr(keys["account_failures"], int(self._setting("LOGIN_ACCOUNT_WINDOW_SECONDS")))
            delay = backoff_delay(failures, int(self._setting("LOGIN_FREE_FAILURES")),
                                  self._setting("LOGIN_BASE_DELAY_SECONDS"), self._setting("LOGIN_MAX_DELAY_SECONDS"))
            if delay:
                storage.clear(keys["pair_wait"])
                storage.incr(keys["pair_wait"], delay)
        except Exception as error:  # noqa: BLE001
            current_app.logger.warning("sign-in throttle unavailable (%s): failure not counted", error)

    def succeeded(self) -> None:
        """The right password: this pair starts afresh (the account's count stays while an attack goes on)."""
        try:
            for name in ("pair_failures", "pair_wait", "ticket"):
                self.storage.clear(self.keys[name])
        except Exception as error:  # noqa: BLE001
            current_app.logger.warning("sign-in throttle unavailable (%s)", error)


def wait_message(wait: Wait) -> str:
    if wait.account_under_attack:
        return _("Many failed sign-ins target this account. To protect it, wait %(n)s seconds, then sign in "
                 "again.", n=wait.seconds)
    if wait.seconds < 120:
        return _("Too many failed attempts. Wait %(n)s seconds before trying again.", n=wait.seconds)
    return _("Too many failed attempts. Try again in %(n)s minutes.", n=math.ceil(wait.seconds / 60))


# ---------------------------------------------------------------- per address, through Flask-Limiter


def _address_limit() -> str:
    return str(current_app.config.get("LOGIN_ADDRESS_LIMIT", DEFAULTS["LOGIN_ADDRESS_LIMIT"]))


def _not_a_sign_in() -> bool:
    return request.endpoint != "auth.login"


def _failed_sign_in(response) -> bool:
    return response.status_code == 401


def init_login_limits(app: Flask, blueprint, on_breach) -> None:
    """Limit failed sign-ins per address (LOGIN_ADDRESS_LIMIT), counted only when the password was wrong;
    `on_breach(request_limit)` answers the refused attempt."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    try:
        parse_many(str(app.config["LOGIN_ADDRESS_LIMIT"]))
    except ValueError:
        raise ConfigError(f"LOGIN_ADDRESS_LIMIT must read like '50 per 15 minutes', not "
                          f"{app.config['LOGIN_ADDRESS_LIMIT']!r}.") from None
    limiter = init_rate_limits(app)
    limiter.limit(_address_limit, key_func=client_address, methods=["POST"], exempt_when=_not_a_sign_in,
                  deduct_when=_failed_sign_in, on_breach=on_breach, override_defaults=False,
                  scope="address")(blueprint)
