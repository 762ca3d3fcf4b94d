"""Hardening: security headers on every response, rate limits (Flask-Limiter), trusted proxies, no NUL in
query strings.

The request size limit is Flask's MAX_CONTENT_LENGTH (config): a bigger body answers 413.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_babel import gettext as _
from flask_limiter import Limit, Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from facilities.errors import is_api_path

# Pages whose HTML needs inline scripts and styles: none here (the map loads its script and data as files and a
# JSON element); an app may add its own. Pages that show images from the tile server: the maps.
# Endpoint-name prefixes.
DEFAULT_INLINE_ENDPOINT_PREFIXES: tuple[str, ...] = ()
DEFAULT_TILE_ENDPOINT_PREFIXES = ("maps.",)

LIMITER = "facilities.limiter"

DEFAULTS = {
    "API_RATE_LIMIT": 600,  # requests per window, per token (or per address without a token)
    "API_RATE_WINDOW_SECONDS": 60,
    "API_RATE_LIMIT_ENABLED": True,
    "TRUSTED_PROXIES": 0,
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


# ---------------------------------------------------------------- the Authorization header


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None: the one place that reads it.

    The scheme is case-insensitive (RFC 9110) and any run of whitespace separates it from the token, so that
    `bearer x`, `Bearer  x` and `BEARER\tx` are the same credential to authentication and rate limits alike.
    """
    parts = (header or "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1]


# ---------------------------------------------------------------- rate limits (Flask-Limiter)


def client_address() -> str:
    """The client's address: the peer, or what the TRUSTED_PROXIES in front of us saw (ProxyFix)."""
    return request.remote_addr or "unknown"


def api_client_key() -> str:
    """The API's rate-limit bucket: the authenticated token, else the signed-in user, else the address.

    Reading `current_user` runs authentication first, so a made-up or differently spelt token never gets a
    fresh bucket of its own: only a token that authenticated counts apart from its address.
    """
    from flask_login import current_user

    try:
        if current_user.is_authenticated:
            token_id = g.get("api_token_id")
            return f"token:{token_id}" if token_id is not None else f"user:{current_user.id}"
    except Exception:  # noqa: BLE001 — the database is down: count by address; the guard answers 503 next
        pass
    return f"address:{client_address()}"


def _api_limit() -> str:
    """API_RATE_LIMIT requests per API_RATE_WINDOW_SECONDS, or API_RATE_LIMIT itself when it is a string."""
    config = current_app.config
    limit = config.get("API_RATE_LIMIT", DEFAULTS["API_RATE_LIMIT"])
    if isinstance(limit, str):
        return limit
    window = max(int(config.get("API_RATE_WINDOW_SECONDS", DEFAULTS["API_RATE_WINDOW_SECONDS"])), 1)
    return f"{int(limit)} per {window} seconds"


def _not_api() -> bool:
    return not is_api_path(request.path) or not current_app.config.get("API_RATE_LIMIT_ENABLED", True)


def retry_after_seconds(request_limit) -> int:
    return max(int(request_limit.reset_at - time.time()), 1)


def _api_breached(request_limit):
    """The API's 429: a problem document that says the limit and when to come back."""
    from facilities.errors import problem

    retry_after = retry_after_seconds(request_limit)
    item = request_limit.limit
    response = problem(429, _("At most %(n)s API requests per %(s)s seconds; retry in %(r)s seconds.",
                              n=item.amount, s=item.get_expiry(), r=retry_after))
    response.headers["Retry-After"] = str(retry_after)
    return response


def storage_uri(config) -> str:
    """RATELIMIT_STORAGE_URI, else REDIS_URL (counts shared by every worker and server), else this process."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def init_rate_limits(app: Flask) -> Limiter:
    """The app's Flask-Limiter (idempotent): the API limit per token, and the storage the sign-in throttle uses.

    Its check runs before every other before_request hook, so a flood is counted even when the guard
    then refuses it (401 for a missing or wrong token).
    """
    limiter = app.extensions.get(LIMITER)
    if limiter is not None:
        return limiter
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "facilities")
    limiter = Limiter(
        client_address,
        default_limits=[Limit(_api_limit, key_function=api_client_key, scope="api", shared=True,
                              exempt_when=_not_api, on_breach=_api_breached)],
        strategy="fixed-window",
        swallow_errors=True,  # a Redis outage must not take the service down...
        in_memory_fallback_enabled=True,  # ...and counting goes on in this process meanwhile
    )
    limiter.init_app(app)
    hooks = app.before_request_funcs.setdefault(None, [])
    check = next((hook for hook in hooks if getattr(hook, "__self__", None) is limiter), None)
    if check is not None:
        hooks.remove(check)
        hooks.insert(0, check)
    app.extensions[LIMITER] = limiter
    return limiter


def rate_limiter() -> Limiter:
    """The current app's limiter."""
    return current_app.extensions[LIMITER]


# ---------------------------------------------------------------- query strings


def refuse_nul_in_query():
    """before_request: a NUL character in a query parameter answers 400 (PostgreSQL cannot compare it)."""
    bad = [name for name, value in request.args.items(multi=True) if "\x00" in name or "\x00" in value]
    if not bad:
        return None
    if not is_api_path(request.path):
        abort(400)
    from facilities.errors import problem

    return problem(400, _("Query parameters must not contain NUL characters."),
                   errors={name.replace("\x00", "\\0"): _("must not contain NUL characters") for name in bad})


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address (and scheme) from what they forwarded.

    Only that many hops are believed: a client cannot choose its address by sending X-Forwarded-For itself.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def init_security(app: Flask) -> None:
    """Security headers on every response, rate limits, trusted proxies and the query-string check (idempotent)."""
    if app.extensions.get("security"):
        return
    app.extensions["security"] = True
    trust_proxies(app)
    init_rate_limits(app)
    app.after_request(add_security_headers)
    app.before_request(refuse_nul_in_query)
