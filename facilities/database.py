"""The database: engine settings, and the one commit of each request and each command (the unit of work).

SQLite gets WAL, foreign keys and a busy timeout on every connection.

Concurrent writers on SQLite queue on the write lock instead of failing: the driver's `timeout` connect
argument (15 s, facilities/config.py) is SQLite's busy timeout, and pysqlite opens the transaction at the
first write, so a request never upgrades a stale read snapshot to a write (the case busy timeouts cannot
fix). A wait longer than the timeout surfaces as OperationalError, which facilities/errors.py answers with
503 and Retry-After, after rolling the request back.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, g, has_app_context, message_flashed, request, request_started, session
from flask.cli import with_appcontext
from sqlalchemy import Integer, event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from facilities.extensions import db
from facilities.textsearch import fold

_listening = False
DEFAULT_BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # The search indexes' triggers fold text with it (facilities/textsearch.py).
    dbapi_connection.create_function("search_fold", 1, fold, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Never lower the busy timeout the driver set from `connect_args={"timeout": …}`; raise it when it is 0.
    cursor.execute("PRAGMA busy_timeout")
    if not cursor.fetchone()[0]:
        cursor.execute(f"PRAGMA busy_timeout={DEFAULT_BUSY_TIMEOUT_MS}")
    # WAL lets readers go on while one writer writes; in-memory databases cannot use it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_folder(dialect, _connection_record, cargs, cparams) -> None:
    """Before SQLite opens a database file, make its folder (the default one, instance/, may not exist yet)."""
    if dialect.name != "sqlite":
        return
    path = cparams.get("database") or (cargs[0] if cargs else None)
    if isinstance(path, str) and path and not path.startswith((":", "file:")):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def init_database(app: Flask) -> None:
    """Install the SQLite connection settings and the version counting once per process (no file is touched
    before the first query)."""
    global _listening
    if not _listening:
        event.listen(Engine, "do_connect", _sqlite_folder)
        event.listen(Engine, "connect", _sqlite_pragmas)
        _listening = True
    install_version_listeners()


# ---------------------------------------------------------------- the unit of work
#
# One commit per request and per command, here and nowhere else: views, API views, command bodies and services
# write through the session (services `flush()` when they need an id) and never commit.
#
# - A request commits when its method writes (not GET, HEAD or OPTIONS) and its response is not an error
#   (status < 400); any other outcome rolls back, and so does any exception. The commit runs at the end of the
#   view's dispatch, before the after_request hooks, so that a failed commit reaches the app's error handlers
#   (409 page, 503 page or problem+json) instead of a success page, and the messages the view flashed ("saved")
#   are taken back. A refused form therefore answers 422, never 200. A view that must keep what it wrote
#   although it answers an error (a failed sign-in is counted) calls `keep_on_refusal()`; one that answers
#   < 400 but must change nothing calls `discard_changes()`.
# - A command of `flask …` commits when it returns (or exits with status 0) and rolls back when it raises or
#   exits with another status; a failed commit is a clean error message and exit status 1.
# - Work that must wait for the commit (handing a job to a worker) registers with `after_commit()`.
# - Background jobs are their own unit of work: facilities/jobs/queue.py writes their rows and commits a job once.

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_STATE_KEY = "_unit_of_work"


class _UnitOfWork:
    """What the current request or command asked of its commit."""

    def __init__(self) -> None:
        self.keep_on_refusal = False
        self.discard = False
        self.callbacks: list[Callable[[], object]] = []
        self.flashes: list[tuple[str, str]] = []


def _state() -> _UnitOfWork:
    if not has_app_context():
        raise RuntimeError("the unit of work needs a request or a command of the application")
    state = g.get(_STATE_KEY)
    if state is None:
        state = _UnitOfWork()
        setattr(g, _STATE_KEY, state)
    return state


def _fresh_state(*_args, **_extra) -> None:
    g.pop(_STATE_KEY, None)


def keep_on_refusal() -> None:
    """Commit what this request wrote even though it answers an error (e.g. a failed sign-in is counted)."""
    _state().keep_on_refusal = True


def discard_changes() -> None:
    """This request changes nothing, whatever it answers."""
    _state().discard = True


def after_commit(callback: Callable[[], object]) -> None:
    """Call `callback()` once the current request or command has committed (never if it rolls back)."""
    _state().callbacks.append(callback)


def _remember_flash(_app, message, category, **_extra) -> None:
    _state().flashes.append((category, message))


def _take_back_flashes(state: _UnitOfWork) -> None:
    """Remove the messages this request flashed: after a failed commit, "saved" would be a lie."""
    if not state.flashes:
        return
    remaining = list(session.get("_flashes", []))
    for flashed in state.flashes:
        if flashed in remaining:
            remaining.remove(flashed)
    session["_flashes"] = remaining


def _run_callbacks(state: _UnitOfWork) -> None:
    callbacks, state.callbacks = state.callbacks, []
    for callback in callbacks:
        callback()


def finish_request(app: Flask, rv):
    """End the request's unit of work once its view has answered: commit or roll back, as described above."""
    response = app.make_response(rv)
    state = g.pop(_STATE_KEY, None) or _UnitOfWork()
    writes = request.method not in SAFE_METHODS
    succeeded = response.status_code < 400 or state.keep_on_refusal
    if writes and succeeded and not state.discard:
        try:
            db.session.commit()
        except Exception:
            _take_back_flashes(state)
            db.session.rollback()
            raise  # to the error handlers: 409 for a conflict, 503 when the database is unavailable
        _run_callbacks(state)
    elif writes:
        db.session.rollback()
    return response


class Application(Flask):
    """The Flask application: each view's dispatch ends with its request's one commit (or rollback)."""

    def dispatch_request(self):
        return finish_request(self, super().dispatch_request())


def transactional(callback: Callable) -> Callable:
    """Wrap a command's callback: commit when it returns or exits with status 0, roll back otherwise."""
    if getattr(callback, "__unit_of_work__", False):
        return callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        _fresh_state()
        try:
            result = callback(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit) as exit_:
            code = exit_.code if isinstance(exit_, SystemExit) else exit_.exit_code
            if code not in (None, 0):
                db.session.rollback()
                raise
            _commit_command()
            raise
        except BaseException:
            db.session.rollback()
            raise
        _commit_command()
        return result

    wrapped = with_appcontext(run)
    wrapped.__unit_of_work__ = True
    return wrapped


def _commit_command() -> None:
    state = g.pop(_STATE_KEY, None) or _UnitOfWork()
    try:
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        raise click.ClickException(
            f"The database refused the changes; nothing was saved ({getattr(error, 'orig', None) or error})."
        ) from error
    _run_callbacks(state)


def _wrap_commands(group: click.Group) -> None:
    for command in list(group.commands.values()):
        if command.callback is not None:
            command.callback = transactional(command.callback)
        if isinstance(command, click.Group):
            _wrap_commands(command)


def _release_session(_error=None) -> None:
    """teardown_appcontext, before Flask-SQLAlchemy's own: end what is left of the session's transaction even on a
    connection that died after the commit, so that the answer already decided is sent rather than an error."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 (a dead connection: invalidated by the failed rollback, the pool replaces it)
        db.session.close()


def init_unit_of_work(app: Flask) -> None:
    """Give every command of `flask …` its one commit, and start each request with a fresh unit of work whose
    flashed messages are tracked. Called once every area has registered its commands."""
    _wrap_commands(app.cli)
    app.teardown_appcontext(_release_session)
    request_started.connect(_fresh_state, app)
    message_flashed.connect(_remember_flash, app)


# ---------------------------------------------------------------- optimistic concurrency
#
# Records that people edit carry a `version`: SQLAlchemy adds "AND version = <the version read>" to their
# UPDATE and DELETE statements and counts the saves, so a save based on a version someone else has replaced
# fails at flush with StaleDataError instead of silently undoing the other person's change (a "lost update").
# Forms carry the version they started from (facilities/forms.py) and the API its ETag (facilities/api/common.py).


class Versioned:
    """A record edited through forms or the API: `version` counts its saves (see above)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class VersionedChild:
    """A row that belongs to a versioned record's edit form (a site's services, an envelope's caps, an operation's
    phases and échéancier): changing it counts as a save of that record. `__version_parent__` names the
    relationship to the record."""

    __version_parent__: str


def _parent_of(child) -> Versioned | None:
    name = type(child).__version_parent__
    parent = getattr(child, name, None)
    if parent is not None:
        return parent
    relationship_ = sa_inspect(type(child)).relationships[name]
    keys = [getattr(child, sa_inspect(type(child)).get_property_by_column(column).key)
            for column in relationship_.local_columns]
    if any(key is None for key in keys):
        return None
    session = sa_inspect(child).session
    return session.get(relationship_.mapper.class_, keys[0] if len(keys) == 1 else tuple(keys)) if session else None


def _child_collections(cls: type) -> list[str]:
    """The relationships of a versioned record that hold its VersionedChild rows."""
    names = []
    for relationship_ in sa_inspect(cls).relationships:
        child = relationship_.mapper.class_
        if issubclass(child, VersionedChild) and relationship_.back_populates == child.__version_parent__:
            names.append(relationship_.key)
    return names


def _count_child_changes(session, _flush_context, _instances) -> None:
    """before_flush: a versioned record whose child rows changed gets a new version (once per flush): rows
    added to or removed from its collections, and rows changed in place."""
    parents = []
    for obj in session.dirty:
        if isinstance(obj, Versioned) and any(sa_inspect(obj).attrs[name].history.has_changes()
                                              for name in _child_collections(type(obj))):
            parents.append(obj)
    for child in (*session.new, *session.dirty, *session.deleted):
        if isinstance(child, VersionedChild) and (child not in session.dirty or session.is_modified(child)):
            parents.append(_parent_of(child))
    touched: set[int] = set()
    for parent in parents:
        if parent is None or id(parent) in touched or parent in session.new or parent in session.deleted:
            continue
        touched.add(id(parent))
        if parent.version is not None and not sa_inspect(parent).attrs.version.history.has_changes():
            parent.version = parent.version + 1


def install_version_listeners() -> None:
    """Count child changes as saves of their record, for every session (once per process)."""
    if not event.contains(db.session, "before_flush", _count_child_changes):
        event.listen(db.session, "before_flush", _count_child_changes)


def analyze_tables(*tables: str) -> None:
    """PostgreSQL: fresh planner statistics for the tables a bulk load filled (after `demo synth` or an import of
    thousands of rows, pages were 5-7 times slower until someone ran ANALYZE). In the load's own transaction:
    ANALYZE counts the rows it inserted, and the statistics are committed (or rolled back) with them. SQLite's
    planner needs none here (its statistics are refreshed by the benchmarks' and the operator's ANALYZE)."""
    if not tables or db.session.get_bind().dialect.name != "postgresql":
        return
    known = set(db.metadata.tables)
    names = [name for name in tables if name in known]  # table names from the models only, never from data
    if names:
        db.session.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in names)))
