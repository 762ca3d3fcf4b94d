"""The durable job queue: the `jobs` table says what is queued, running, done or failed; workers claim from it.

A job is created in the caller's transaction (`create_job` flushes); once that transaction commits, it is handed
to Redis/RQ (when REDIS_URL is set) or to the local worker thread of the process. Whatever carries it, a worker
runs a job only after claiming its row with one atomic UPDATE ... WHERE status = 'queued' (FOR UPDATE SKIP
LOCKED on PostgreSQL), so that a job handed over twice still runs once. While it runs, the job beats a heartbeat
on its row; a running job whose heartbeat stopped (its process was killed, or the machine went down) is queued
again by the next maintenance pass, up to JOB_MAX_ATTEMPTS claims, then failed with a message.
"""

from __future__ import annotations

import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from facilities.extensions import db
from facilities.jobs.models import Job, JobStatus
from facilities.timeutil import as_aware, utcnow

DEFAULTS = {
    "JOB_HEARTBEAT_SECONDS": 5,
    "JOB_STALE_SECONDS": 60,
    "JOB_MAX_ATTEMPTS": 3,
    "JOB_TIMEOUT_SECONDS": 3600,
    "JOB_MAX_ACTIVE_PER_USER": 3,
    "JOB_RESULT_RETENTION_HOURS": 7 * 24,
    "JOB_POLL_SECONDS": 2,
    "JOB_MAINTENANCE_SECONDS": 60,
    "JOB_LOCAL_WORKER": True,
}


def setting(name: str, app: Flask | None = None):
    app = app or current_app
    value = app.config.get(name)
    return DEFAULTS[name] if value is None else value


# ---------------------------------------------------------------- kinds


@dataclass
class JobContext:
    """What a job's function receives: its parameters, a progress callback and where to write its file."""

    job_id: str
    params: dict
    user_id: int | None
    locale: str
    folder: Path
    report: Callable[[int, str], None]
    files: list[Path] = field(default_factory=list)

    def progress(self, percent: int, message: str) -> None:
        """Record progress (0-100) and a short message on the job's row; also counts as a heartbeat."""
        self.report(percent, message)

    def new_file(self, suffix: str) -> tuple[Path, str]:
        """A fresh file in the results folder: (absolute path, path relative to the folder for JobResult).

        The file is deleted if the job fails, and by the retention purge once the job is old enough.
        """
        relative = f"{self.job_id}-{uuid.uuid4().hex[:8]}{suffix}"
        path = self.folder / relative
        self.files.append(path)
        return path, relative


@dataclass(frozen=True)
class JobResult:
    """What a finished job leaves: a file to download (relative to the results folder) and/or a message."""

    path: str | None = None
    name: str | None = None
    mimetype: str = "application/pdf"
    message: str | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[JobContext], JobResult | None]
    label: str  # shown on the job page; a lazy string
    back_endpoint: str | None  # the page the job was started from (the job page links back to it)


KINDS: dict[str, JobKind] = {}


def register_kind(name: str, run: Callable[[JobContext], JobResult | None], *, label=None,
                  back_endpoint: str | None = None) -> JobKind:
    """Declare a kind of job: the function that does the work, its label and the page it belongs to."""
    if len(name) > 32:
        raise ValueError(f"job kind {name!r} is longer than 32 characters")
    kind = JobKind(name, run, label if label is not None else name, back_endpoint)
    KINDS[name] = kind
    return kind


def job_kind(name: str, *, label=None, back_endpoint: str | None = None):
    """Decorator form of `register_kind`."""

    def decorate(function):
        register_kind(name, function, label=label, back_endpoint=back_endpoint)
        return function

    return decorate


def kind_label(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return str(kind.label) if kind else job.kind


# ---------------------------------------------------------------- creating and reading


class JobLimitReached(Exception):
    """The user already has as many queued or running jobs as allowed (JOB_MAX_ACTIVE_PER_USER)."""

    def __init__(self, active: int, limit: int):
        self.active, self.limit = active, limit
        super().__init__(str(self.message))

    @property
    def message(self) -> str:
        return _("You already have %(active)d jobs waiting or running (at most %(limit)d at a time): wait for "
                 "one of them to finish, then start this one again.", active=self.active, limit=self.limit)


# Jobs created in the session's transaction, handed to a worker once it commits (facilities/jobs/worker.py).
PENDING = "facilities_jobs_pending"


def create_job(kind: str, params: dict | None = None, user=None, locale: str = "fr", *, session=None) -> Job:
    """A queued job (flushed in the caller's transaction); it is handed to a worker once that transaction commits.

    Raises JobLimitReached when `user` already has JOB_MAX_ACTIVE_PER_USER jobs queued or running.
    """
    session = session or db.session
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    user_id = getattr(user, "id", None)
    if user_id is not None:
        limit = int(setting("JOB_MAX_ACTIVE_PER_USER"))
        active = session.scalar(select(func.count(Job.id)).where(
            Job.created_by_id == user_id, Job.status.in_(JobStatus.ACTIVE))) or 0
        if limit and active >= limit:
            raise JobLimitReached(active, limit)
    job = Job(kind=kind, params=params or {}, locale=locale, status=JobStatus.QUEUED, progress=0, attempts=0,
              message=_("Waiting for a worker…"), created_by_id=user_id)
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING, []).append(job.id)
    return job


def create_job_now(kind: str, params: dict | None = None, user=None, locale: str = "fr") -> str:
    """`create_job` in a transaction of its own, committed at once; returns the job's id.

    For a GET request (a link to a report that turns out too big to render at once): its unit of work never
    commits (facilities/database.py), and the job is the only thing it writes.
    """
    with Session(db.engine) as session:
        job_id = create_job(kind, params, user, locale, session=session).id
        session.commit()
    return job_id


def active_jobs(user_id: int | None, kind: str | None = None) -> list[Job]:
    """The jobs a user has waiting or running (of one kind), oldest first."""
    query = select(Job).where(Job.created_by_id == user_id, Job.status.in_(JobStatus.ACTIVE)).order_by(Job.created_at)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(db.session.execute(query).scalars())


def recent_jobs(limit: int = 20, kinds: tuple[str, ...] | None = None) -> list[Job]:
    """The latest jobs, newest first (only `kinds` when given)."""
    query = select(Job).order_by(Job.created_at.desc()).limit(limit)
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    return list(db.session.execute(query).scalars())


def results_folder(app: Flask | None = None) -> Path:
    """Where job files are written: JOBS_FOLDER (formerly REPORTS_FOLDER), by default instance/reports."""
    app = app or current_app
    folder = Path(app.config.get("JOBS_FOLDER") or app.config.get("REPORTS_FOLDER")
                  or Path(app.instance_path) / "reports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def result_file(job: Job) -> Path | None:
    """The file a finished job produced, if it is still there."""
    if job.status != JobStatus.DONE or not job.result_path or job.result_expired_at is not None:
        return None
    path = results_folder() / job.result_path
    return path if path.is_file() else None


# ---------------------------------------------------------------- claiming and running


def _write(job_id: str, token: str | None = None, **values) -> bool:
    """Write to a job row on a connection of its own (never the job's session); with `token`, only while this
    claim still holds. True when the row was written."""
    statement = update(Job).where(Job.id == job_id)
    if token is not None:
        statement = statement.where(Job.claim_token == token, Job.status == JobStatus.RUNNING)
    with db.engine.begin() as connection:
        return connection.execute(statement.values(**values)).rowcount == 1


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:120]


def claim(job_id: str | None = None) -> tuple[str, str] | None:
    """Take the oldest queued job of a known kind (or `job_id`): (job id, claim token), or None.

    One atomic UPDATE: two workers can never both take a job. On PostgreSQL the candidate row is locked with
    SKIP LOCKED, so concurrent workers take different jobs instead of waiting for each other.
    """
    candidate = select(Job.id).where(Job.status == JobStatus.QUEUED, Job.kind.in_(list(KINDS)))
    if job_id is not None:
        candidate = candidate.where(Job.id == job_id)
    candidate = candidate.order_by(Job.created_at, Job.id).limit(1)
    if db.engine.dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    token, now = uuid.uuid4().hex, utcnow()
    statement = (update(Job).where(Job.id == candidate.scalar_subquery(), Job.status == JobStatus.QUEUED)
                 .values(status=JobStatus.RUNNING, claim_token=token, attempts=Job.attempts + 1, started_at=now,
                         heartbeat_at=now, worker=worker_name(), progress=0)
                 .returning(Job.id))
    with db.engine.begin() as connection:
        claimed = connection.execute(statement).scalar()
    return (claimed, token) if claimed else None


class _Heartbeat:
    """Beats every JOB_HEARTBEAT_SECONDS while the job runs, from a thread with its own app context."""

    def __init__(self, app: Flask, job_id: str, token: str):
        self.app, self.job_id, self.token = app, job_id, token
        self.interval = float(setting("JOB_HEARTBEAT_SECONDS", app))
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        with self.app.app_context():
            while not self.stopped.wait(self.interval):
                try:
                    _write(self.job_id, self.token, heartbeat_at=utcnow())
                except Exception:  # noqa: BLE001  (a missed beat is retried; a dead worker stops beating anyway)
                    pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=self.interval + 5)


def run_claimed(app: Flask, job_id: str, token: str) -> None:
    """Run a job this worker claimed, in a fresh app context (its own session), and record how it ended.

    The job's own work commits nothing: a runner that writes data flushes, and its transaction is committed here,
    once, when it succeeds (rolled back when it fails).
    """
    with app.app_context():
        job = db.session.get(Job, job_id)
        kind = KINDS.get(job.kind) if job is not None else None
        if kind is None:
            _write(job_id, token, status=JobStatus.FAILED, finished_at=utcnow(),
                   error=f"unknown job kind {getattr(job, 'kind', '?')!r}")
            return
        context = JobContext(job_id, dict(job.params or {}), job.created_by_id, job.locale, results_folder(app),
                             lambda percent, message: _write(job_id, token, heartbeat_at=utcnow(),
                                                             progress=max(0, min(100, int(percent))),
                                                             message=str(message)[:300]))
        db.session.rollback()  # end the read transaction before the long work
        try:
            with _Heartbeat(app, job_id, token), force_locale(context.locale):
                _write(job_id, token, message=_("Started"))
                result = kind.run(context) or JobResult()
                done_message = result.message or _("Done")
                db.session.commit()  # the one commit of a job's own writes
        except Exception as error:  # noqa: BLE001  (every failure is recorded on the job for the user to see)
            db.session.rollback()
            app.logger.exception("job %s failed", job_id)
            for path in context.files:
                path.unlink(missing_ok=True)
            _write(job_id, token, status=JobStatus.FAILED, finished_at=utcnow(), heartbeat_at=utcnow(),
                   error=f"{type(error).__name__}: {error}"[:2000],
                   message=traceback.format_exception_only(error)[-1].strip()[:300])
            return
        finally:
            db.session.remove()
        _write(job_id, token, status=JobStatus.DONE, finished_at=utcnow(), heartbeat_at=utcnow(), progress=100,
               message=str(done_message)[:300], result_path=result.path, result_name=result.name,
               result_mimetype=result.mimetype if result.path else None)


def run_next(app: Flask, job_id: str | None = None) -> str | None:
    """Claim and run one job (the oldest, or `job_id`); the id of the job run, or None when none was claimable."""
    with app.app_context():
        claimed = claim(job_id)
    if claimed is None:
        return None
    run_claimed(app, *claimed)
    return claimed[0]


# ---------------------------------------------------------------- maintenance: dead workers, old files


def is_stale(job: Job, now=None) -> bool:
    limit = timedelta(seconds=float(setting("JOB_STALE_SECONDS")))
    last_sign = as_aware(job.heartbeat_at or job.started_at or job.created_at)
    return (now or utcnow()) - last_sign > limit


def requeue_stale(now=None, only: str | None = None, dead: bool = False) -> list[str]:
    """Running jobs whose worker stopped beating (or, with `dead`, job `only` whose worker is known to be dead):
    queued again while attempts remain, else failed. The ids queued again (the caller dispatches them)."""
    now = now or utcnow()
    query = select(Job.id, Job.claim_token, Job.attempts, Job.locale, Job.heartbeat_at, Job.started_at,
                   Job.created_at).where(Job.status == JobStatus.RUNNING)
    if only is not None:
        query = query.where(Job.id == only)
    with db.engine.connect() as connection:
        rows = connection.execute(query).all()
    max_attempts = int(setting("JOB_MAX_ATTEMPTS"))
    requeued = []
    for row in rows:
        if not dead and not is_stale(row, now):
            continue
        last_sign = as_aware(row.heartbeat_at or row.started_at or row.created_at).strftime("%Y-%m-%d %H:%M:%S")
        with force_locale(row.locale or "fr"):
            if row.attempts < max_attempts:
                values = {"status": JobStatus.QUEUED, "claim_token": None, "worker": None, "message": _(
                    "The worker running this job stopped (no heartbeat since %(time)s UTC); the job is queued "
                    "again (attempt %(attempt)d of %(attempts)d).", time=last_sign, attempt=row.attempts + 1,
                    attempts=max_attempts)}
            else:
                values = {"status": JobStatus.FAILED, "finished_at": now, "claim_token": None, "error": _(
                    "The worker running this job stopped responding (no heartbeat since %(time)s UTC), "
                    "%(attempts)d times: the job was given up.", time=last_sign, attempts=row.attempts)}
        statement = update(Job).where(Job.id == row.id, Job.status == JobStatus.RUNNING,
                                      Job.claim_token == row.claim_token)
        with db.engine.begin() as connection:
            written = connection.execute(statement.values(**values)).rowcount == 1
        if written and values["status"] == JobStatus.QUEUED:
            requeued.append(row.id)
    return requeued


def purge_expired(now=None, app: Flask | None = None) -> int:
    """Delete the files of jobs finished more than JOB_RESULT_RETENTION_HOURS ago; their rows say the file expired.

    Also deletes stray files that old (left by a worker killed while writing). Returns how many files went.
    """
    app = app or current_app
    now = now or utcnow()
    cutoff = now - timedelta(hours=float(setting("JOB_RESULT_RETENTION_HOURS", app)))
    folder = results_folder(app)
    deleted = 0
    with db.engine.connect() as connection:
        rows = connection.execute(select(Job.id, Job.result_path, Job.finished_at).where(
            Job.status.in_(JobStatus.FINISHED), Job.result_path.is_not(None), Job.result_expired_at.is_(None))).all()
        kept = set(connection.execute(select(Job.result_path).where(
            Job.result_path.is_not(None), Job.result_expired_at.is_(None))).scalars())
    for row in rows:
        if row.finished_at is None or as_aware(row.finished_at) > cutoff:
            continue
        path = folder / row.result_path
        if path.is_file():
            path.unlink(missing_ok=True)
            deleted += 1
        _write(row.id, result_expired_at=now)
        kept.discard(row.result_path)
    for path in folder.iterdir():
        if path.is_file() and path.name not in kept and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
