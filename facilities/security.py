"""Hardening: security headers on every response, rate limits on the API, no NUL in query strings.

The request size limit is Flask's MAX_CONTENT_LENGTH (config): a bigger body answers 413.
"""

from __future__ import annotations

import hashlib
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _

# Pages whose HTML needs inline scripts and styles: none here (the map loads its script and data as files and a
# JSON element); an app may add its own. Pages that show images from the tile server: the maps.
# Endpoint-name prefixes.
DEFAULT_INLINE_ENDPOINT_PREFIXES: tuple[str, ...] = ()
DEFAULT_TILE_ENDPOINT_PREFIXES = ("maps.",)

DEFAULTS = {
    "API_RATE_LIMIT": 600,  # requests per window, per token (or per address without a token)
    "API_RATE_WINDOW_SECONDS": 60,
    "API_RATE_LIMIT_ENABLED": True,
    "CSP_INLINE_ENDPOINT_PREFIXES": DEFAULT_INLINE_ENDPOINT_PREFIXES,
    "CSP_TILE_ENDPOINT_PREFIXES": DEFAULT_TILE_ENDPOINT_PREFIXES,
}


# ---------------------------------------------------------------- headers


def tile_origin(tile_url: str | None) -> str | None:
    """The origin CSP must allow for map tiles: 'https://{s}.tile.x.org/…' → 'https://*.tile.x.org'."""
    if not tile_url or tile_url.strip().lower() == "none":
        return None
    parts = urlsplit(tile_url.replace("{s}", "x-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.replace("x-subdomain", "*")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _matches(endpoint: str | None, prefixes) -> bool:
    return bool(endpoint) and any(endpoint.startswith(prefix) for prefix in prefixes)


def allow_inline_code(hashes: dict[str, list[str]]) -> None:
    """Let this response's page run exactly these inline elements ({"script": ["'sha256-…'"], "style": […]}),
    e.g. the map's folium code, which carries no data; anything else inline stays refused."""
    allowed = g.setdefault("csp_inline_hashes", {"script": [], "style": []})
    for kind in ("script", "style"):
        allowed[kind].extend(hashes.get(kind, ()))


def content_security_policy(endpoint: str | None, config, inline_hashes: dict[str, list[str]] | None = None) -> str:
    """The CSP of one response: same-origin everything; inline code and tile images only where needed."""
    inline = _matches(endpoint, config.get("CSP_INLINE_ENDPOINT_PREFIXES", DEFAULT_INLINE_ENDPOINT_PREFIXES))
    hashes = inline_hashes or {}
    scripts = ["'self'"] + (["'unsafe-inline'"] if inline else sorted(set(hashes.get("script", ()))))
    styles = ["'self'"] + (["'unsafe-inline'"] if inline else sorted(set(hashes.get("style", ()))))
    images = ["'self'", "data:"]
    if _matches(endpoint, config.get("CSP_TILE_ENDPOINT_PREFIXES", DEFAULT_TILE_ENDPOINT_PREFIXES)):
        origin = tile_origin(config.get("TILE_URL"))
        if origin:
            images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": styles,
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def add_security_headers(response):
    """after_request: the same headers on pages, API answers, files and errors."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(request.endpoint, config, g.get("csp_inline_hashes")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if config.get("PRODUCTION"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# ---------------------------------------------------------------- rate limits


class MemoryCounter:
    """Fixed-window counters in this process (one worker; use Redis for several)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window: int, window_seconds: int) -> int:
        with self._lock:
            if len(self._counts) > 10_000:  # drop past windows now and then
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
            return count

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisCounter:
    """Fixed-window counters shared by every worker through Redis."""

    PREFIX = "facilities:ratelimit:"

    def __init__(self, url: str) -> None:
        from redis import Redis

        self._redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def hit(self, key: str, window: int, window_seconds: int) -> int:
        name = f"{self.PREFIX}{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window_seconds * 2)
        count, _ok = pipe.execute()
        return int(count)


def _client_key() -> str:
    """Per token when one is sent (hashed: never keep secrets), else per address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "t:" + hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()[:32]
    return "a:" + (request.remote_addr or "unknown")


def limit_api_rate():
    """before_request: count API requests per client and window; answer 429 over the limit."""
    config = current_app.config
    if not request.path.startswith("/api/") or not config.get("API_RATE_LIMIT_ENABLED", True):
        return None
    limit = int(config.get("API_RATE_LIMIT", DEFAULTS["API_RATE_LIMIT"]))
    window_seconds = max(int(config.get("API_RATE_WINDOW_SECONDS", 60)), 1)
    now = time.time()
    window = int(now // window_seconds)
    counters = current_app.extensions["rate_limit"]
    key = _client_key()
    try:
        count = counters["shared"].hit(key, window, window_seconds) if counters.get("shared") else None
    except Exception as error:  # noqa: BLE001 — a Redis outage must not take the API down
        current_app.logger.warning("rate limit: Redis unavailable (%s); counting in memory", error)
        count = None
    if count is None:
        count = counters["memory"].hit(key, window, window_seconds)
    if count > limit:
        from facilities.errors import problem

        retry_after = max(int((window + 1) * window_seconds - now), 1)
        response = problem(429, _("At most %(n)s API requests per %(s)s seconds; retry in %(r)s seconds.",
                                  n=limit, s=window_seconds, r=retry_after))
        response.headers["Retry-After"] = str(retry_after)
        return response
    return None


# ---------------------------------------------------------------- query strings


def refuse_nul_in_query():
    """before_request: a NUL character in a query parameter answers 400 (PostgreSQL cannot compare it)."""
    bad = [name for name, value in request.args.items(multi=True) if "\x00" in name or "\x00" in value]
    if not bad:
        return None
    if not request.path.startswith("/api/"):
        abort(400)
    from facilities.errors import problem

    return problem(400, _("Query parameters must not contain NUL characters."),
                   errors={name.replace("\x00", "\\0"): _("must not contain NUL characters") for name in bad})


def init_security(app: Flask) -> None:
    """Security headers on every response, API rate limits and the query-string check (idempotent)."""
    if app.extensions.get("security"):
        return
    app.extensions["security"] = True
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    counters: dict = {"memory": MemoryCounter(), "shared": None}
    if app.config.get("REDIS_URL"):
        counters["shared"] = RedisCounter(app.config["REDIS_URL"])
    app.extensions["rate_limit"] = counters
    app.after_request(add_security_headers)
    # First of the before_request hooks: a flood is cut before authentication queries the database.
    app.before_request_funcs.setdefault(None, []).insert(0, limit_api_rate)
    app.before_request(refuse_nul_in_query)
