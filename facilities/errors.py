"""Error pages for people and RFC 9457 problem documents for the API."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    PendingRollbackError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from facilities.extensions import db

PROBLEM_TYPE = "application/problem+json"

# The machine interfaces: the JSON API and the OGC API – Features service. They authenticate by bearer token (or
# the session, to read), answer problem documents and count against the API's rate limit.
API_PATH_PREFIXES = ("/api/", "/ogc/")


def is_api_path(path: str) -> bool:
    """True for a URL of the JSON API or of the OGC API – Features service (not a page)."""
    return path.startswith(API_PATH_PREFIXES) or path == "/ogc"


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Authentication is required: send a valid token or sign in."),
        403: _("Your role does not allow this."),
        404: _("This page or record does not exist."),
        405: _("This method is not allowed here."),
        409: _("This change conflicts with existing data."),
        412: _("This record was changed since you read it."),
        413: _("The file or request is too large."),
        422: _("Some values are not valid."),
        429: _("Too many requests. Please wait and try again."),
        500: _("Something went wrong on our side. Nothing was saved."),
        503: _("The database is unavailable for the moment. Nothing was saved; please try again shortly."),
    }


def problem(status: int, detail: str | None = None, errors: dict[str, str] | None = None, title: str | None = None,
            extensions: dict | None = None):
    """A problem+json response; `errors` names each field at fault; `extensions` adds members (RFC 9457 §3.2)."""
    body = {"type": "about:blank", "title": title or _messages().get(status, "Error"), "status": status,
            **(extensions or {})}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"field": field, "message": message} for field, message in errors.items()]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def error_response(status: int, detail: str | None = None, message: str | None = None):
    """The error as the client expects it: problem+json under /api/, else the error page; `message` replaces
    the status's standard sentence (for an area's own errors)."""
    message = message or _messages().get(status, "")
    if is_api_path(request.path):
        return problem(status, detail, title=message or None)
    try:
        return render_template("errors/error.html", status=status, message=message, detail=detail,
                               allowed_roles=_allowed_roles(status), back=_back_link()), status
    except Exception:  # the error page itself failed (e.g. the database went away meanwhile): stay standalone
        current_app.logger.exception("error page failed")
        return _standalone_page(status, message), status



def _allowed_roles(status: int) -> list[str]:
    """On a 403 from the guard: the roles that hold the permission refused, as the interface names them."""
    from facilities.permissions import ROLE_LABELS, roles_with

    permission = g.get("denied_permission") if status == 403 else None
    return [str(ROLE_LABELS[role]) for role in roles_with(permission)] if permission is not None else []


def _back_link() -> str | None:
    """The page the user came from, when it is one of this site's (a link back from an error page)."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url) and referrer != request.url:
        return referrer
    return None


def _forget_user() -> None:
    """Treat the rest of this request as anonymous so nothing below (locale, menus) asks the database again."""
    from facilities.extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def _rollback_quietly() -> None:
    """Roll the request's transaction back; a dead connection is discarded instead of raising again."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 (the connection is gone; the pool replaces it on the next checkout)
        db.session.close()


def _standalone_page(status: int, message: str) -> str:
    """A page rendered without base.html or context processors: they read the signed-in user from the database."""
    from flask_babel import get_locale

    template = current_app.jinja_env.get_template("errors/unavailable.html")
    return template.render(status=status, message=message, retry_after=RETRY_AFTER_SECONDS,
                           lang=str(get_locale() or "fr"))


RETRY_AFTER_SECONDS = 5


def is_database_unavailable(error: BaseException) -> bool:
    """True for the errors that mean "cannot reach or lock the database now", however they were wrapped."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError | DisconnectionError):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, PendingRollbackError) and "rolled back due to a previous exception" in str(error):
            return True  # a flush failed on a lost connection earlier in this request
        error = error.__cause__ or error.__context__
    return False


def _remember_commit(session) -> None:
    """after_commit: this request's writes are in the database, whatever fails after (see database_unavailable)."""
    if has_request_context():
        g.database_committed = True


def database_unavailable(error: BaseException):
    """503 with Retry-After; the page never touches the database, and the request's writes are rolled back (or,
    when the connection died after the request committed, the page says the change was saved)."""
    _rollback_quietly()
    _forget_user()
    current_app.logger.warning("database unavailable: %s", getattr(error, "orig", None) or error)
    committed = g.get("database_committed", False)
    message = _("Your change was saved, but the connection to the database was lost before the next page could be "
                "shown. Reload the page in a few seconds.") if committed else _messages()[503]
    if is_api_path(request.path):
        detail = message if committed else _("The database did not answer; retry in a few seconds.")
        response = problem(503, str(detail))
    else:
        response = current_app.response_class(_standalone_page(503, message), status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def size_text(size: int) -> str:
    """A byte count as people read it: '20 Mo', '1,5 Mo', '512 ko' (in the interface language)."""
    from flask_babel import get_locale

    from facilities.formatting import format_number

    locale = str(get_locale() or "fr")
    if size >= 1024 * 1024:
        return _("%(number)s MB", number=format_number(round(size / (1024 * 1024), 1), locale))
    if size >= 1024:
        return _("%(number)s kB", number=format_number(round(size / 1024, 1), locale))
    return _("%(number)s bytes", number=format_number(size, locale))


def too_large(error: HTTPException):
    """413 saying the largest request accepted; the page never reads the oversized body."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    message = _("The file or request is too large: at most %(size)s.", size=size_text(limit)) if limit else None
    if is_api_path(request.path):
        return problem(413, message, extensions={"max_bytes": limit} if limit else None)
    return error_response(413, message=message)


def register_error_handlers(app: Flask) -> None:
    """Every error answers with a clear message and leaves the session rolled back."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _rollback_quietly()
        if error.code == 413:
            return too_large(error)
        if error.response is not None:
            return error.response  # an answer made for this case (e.g. a rate limit's 429 with Retry-After)
        original = getattr(error, "original_exception", None)  # a 500 wrapping an error raised outside the view
        if error.code == 500 and original is not None and is_database_unavailable(original):
            return database_unavailable(original)
        detail = error.description if error.code in (400, 422) else None
        response = error_response(error.code or 500, detail)
        allowed = getattr(error, "valid_methods", None)
        if error.code == 405 and allowed:  # RFC 9110: a 405 lists the methods the resource supports
            response = current_app.make_response(response)
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        _rollback_quietly()
        return error_response(409)

    @app.errorhandler(StaleDataError)
    def saved_meanwhile(error: StaleDataError):
        """Someone else saved the record between this request's read and its write (edit forms and If-Match
        catch the slower cases): nothing is saved, and the client is told to read the record again."""
        _rollback_quietly()
        detail = _("Someone else saved this record at the same moment. Nothing was saved: read it again to see "
                   "their changes, then repeat yours.")
        if is_api_path(request.path):
            return problem(412 if request.headers.get("If-Match") else 409, detail)
        return error_response(409, message=detail)

    # Lost connections, refused connections, "database is locked" after the busy timeout, an exhausted pool.
    for lost in (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError):
        app.register_error_handler(lost, database_unavailable)
    if not event.contains(Session, "after_commit", _remember_commit):
        event.listen(Session, "after_commit", _remember_commit)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if is_database_unavailable(error):
            return database_unavailable(error)
        _rollback_quietly()
        if app.testing:
            raise error  # let the test see the real failure
        app.logger.exception("unexpected error")
        return error_response(500)
