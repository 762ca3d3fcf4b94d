"""Error pages for people and RFC 9457 problem documents for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from facilities.extensions import db

PROBLEM_TYPE = "application/problem+json"


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Authentication is required: send a valid token or sign in."),
        403: _("Your role does not allow this."),
        404: _("This page or record does not exist."),
        405: _("This method is not allowed here."),
        409: _("This change conflicts with existing data."),
        413: _("The file or request is too large."),
        422: _("Some values are not valid."),
        429: _("Too many requests. Please wait and try again."),
        500: _("Something went wrong on our side. Nothing was saved."),
        503: _("The database is unavailable for the moment. Nothing was saved; please try again shortly."),
    }


def problem(status: int, detail: str | None = None, errors: dict[str, str] | None = None, title: str | None = None):
    """A problem+json response; `errors` names each field at fault."""
    body = {"type": "about:blank", "title": title or _messages().get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"field": field, "message": message} for field, message in errors.items()]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    return response


def _respond(status: int, detail: str | None = None):
    if request.path.startswith("/api/"):
        return problem(status, detail)
    return render_template("errors/error.html", status=status, message=_messages().get(status, ""),
                           detail=detail), status


def register_error_handlers(app: Flask) -> None:
    """Every error answers with a clear message and leaves the session rolled back."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        detail = error.description if error.code in (400, 422) else None
        return _respond(error.code or 500, detail)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        db.session.rollback()
        return _respond(409)

    @app.errorhandler(OperationalError)
    def database_down(error: OperationalError):
        db.session.rollback()
        app.logger.warning("database error: %s", error.orig)
        response = _respond(503)
        if isinstance(response, tuple):
            return response[0], 503, {"Retry-After": "5"}
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        if app.testing:
            raise error  # let the test see the real failure
        app.logger.exception("unexpected error")
        return _respond(500)
