"""Background jobs: long work (the portfolio report, later large imports) runs outside the request.

Two ways to run a job, chosen by configuration:
- embedded default: a local worker thread of the application, started lazily on the first submitted job
  (never in create_app), so `make run` needs nothing more;
- when `REDIS_URL` is set: the job is enqueued through RQ and run by `flask --app wsgi worker`, so that several
  application servers share the workers.

Either way the job runs inside an app context built from the same configuration and writes its progress and a
heartbeat to its `jobs` row; a running job whose heartbeat stopped is marked failed when it is read.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from facilities.extensions import db
from facilities.reports.models import Job, JobStatus
from facilities.timeutil import as_aware, utcnow

QUEUE_NAME = "facilities"
DEFAULT_HEARTBEAT_SECONDS = 5
DEFAULT_STALE_SECONDS = 60
DEFAULT_JOB_TIMEOUT_SECONDS = 3600

Progress = Callable[[int, str], None]
# kind → runner(job params, progress, result folder) → (file path relative to the folder, download name)
RUNNERS: dict[str, Callable[[dict, Progress, Path], tuple[str, str]]] = {}


def runner(kind: str):
    """Declare the function that does the work of one kind of job."""

    def register(function):
        RUNNERS[kind] = function
        return function

    return register


def results_folder(app: Flask | None = None) -> Path:
    """Where job results are written: `REPORTS_FOLDER`, by default instance/reports."""
    app = app or current_app
    folder = Path(app.config.get("REPORTS_FOLDER") or Path(app.instance_path) / "reports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ---------------------------------------------------------------- creating and reading


def create_job(kind: str, params: dict | None = None, user=None, locale: str = "fr") -> Job:
    """A queued job row (flushed; the caller commits, then calls `submit`)."""
    if kind not in RUNNERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=params or {}, locale=locale, status=JobStatus.QUEUED, progress=0,
              message=_("Waiting for a worker…"), created_by_id=getattr(user, "id", None))
    db.session.add(job)
    db.session.flush()
    return job


def submit(job_id: str, app: Flask | None = None) -> str:
    """Hand a committed job to RQ (when REDIS_URL is set) or to the local worker; return which one."""
    app = app or current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        try:
            queue(app).enqueue_call(func="facilities.reports.jobs.run_queued_job", args=(job_id,),
                                    timeout=app.config.get("JOB_TIMEOUT_SECONDS", DEFAULT_JOB_TIMEOUT_SECONDS),
                                    result_ttl=0, failure_ttl=24 * 3600)
        except Exception as error:  # noqa: BLE001  (Redis down: the job fails visibly instead of hanging)
            _finish(job_id, JobStatus.FAILED, error=_("The job queue is unreachable: %(error)s", error=str(error)))
            return "failed"
        return "rq"
    local_worker(app).submit(run_job_in_app, app, job_id)
    return "local"


def queue(app: Flask | None = None):
    """The RQ queue of the application's Redis."""
    from redis import Redis
    from rq import Queue

    app = app or current_app
    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def get_job(job_id: str) -> Job | None:
    """A job, marked failed first if it claims to run but its worker stopped beating (flushes; caller commits)."""
    job = db.session.get(Job, job_id)
    if job is not None:
        fail_if_stale(job)
    return job


def fail_if_stale(job: Job, now=None) -> bool:
    """A running job without a heartbeat for JOB_STALE_SECONDS is failed: its worker died."""
    if job.status != JobStatus.RUNNING:
        return False
    limit = timedelta(seconds=current_app.config.get("JOB_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    last_sign = as_aware(job.heartbeat_at or job.started_at or job.created_at)
    if (now or utcnow()) - last_sign <= limit:
        return False
    job.status = JobStatus.FAILED
    job.error = _("The worker running this job stopped responding (no heartbeat since %(time)s UTC).",
                  time=last_sign.strftime("%Y-%m-%d %H:%M:%S"))
    job.finished_at = utcnow()
    db.session.flush()
    return True


def recent_jobs(limit: int = 20) -> list[Job]:
    """The latest jobs, newest first, with stale ones marked failed."""
    jobs = list(db.session.execute(db.select(Job).order_by(Job.created_at.desc()).limit(limit)).scalars())
    for job in jobs:
        fail_if_stale(job)
    return jobs


def result_file(job: Job) -> Path | None:
    """The file a finished job produced, if it is still there."""
    if job.status != JobStatus.DONE or not job.result_path:
        return None
    path = results_folder() / job.result_path
    return path if path.is_file() else None


# ---------------------------------------------------------------- running


def _write(job_id: str, **values) -> None:
    """Write to the job row on a connection of its own, so the job's session and transaction stay untouched."""
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(**values))


def _finish(job_id: str, status: str, **values) -> None:
    _write(job_id, status=status, finished_at=utcnow(), heartbeat_at=utcnow(), **values)


class _Heartbeat:
    """Beats every few seconds while the job runs, from a thread with its own app context."""

    def __init__(self, app: Flask, job_id: str):
        self.app, self.job_id = app, job_id
        self.interval = app.config.get("JOB_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def _beat(self) -> None:
        with self.app.app_context():
            while not self.stopped.wait(self.interval):
                try:
                    _write(self.job_id, heartbeat_at=utcnow())
                except Exception:  # noqa: BLE001  (a missed beat is retried; a dead worker stops beating anyway)
                    pass

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=self.interval + 5)


def run_job(job_id: str) -> None:
    """Run one job in a fresh context of the current app: status, progress, heartbeat, result or error on its row.

    The fresh app context gives the job a database session of its own, so that a worker running in the caller's
    process (RQ's SimpleWorker, tests) never detaches or rolls back the caller's objects.
    """
    app = current_app._get_current_object()
    with app.app_context():
        _run_job(app, job_id)


def _run_job(app: Flask, job_id: str) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return  # unknown, already taken or cancelled: nothing to do
    kind, params, locale = job.kind, dict(job.params or {}), job.locale
    db.session.rollback()  # end the read transaction before the long work
    _write(job_id, status=JobStatus.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(), progress=0,
           message=_("Started"))

    def progress(percent: int, message: str) -> None:
        _write(job_id, progress=max(0, min(100, int(percent))), message=message[:300], heartbeat_at=utcnow())

    try:
        with _Heartbeat(app, job_id), force_locale(locale):
            relative_path, name = RUNNERS[kind](params, progress, results_folder(app))
            done_message = _("Done")
    except Exception as error:  # noqa: BLE001  (every failure is recorded on the job for the user to see)
        db.session.rollback()
        app.logger.exception("job %s failed", job_id)
        _finish(job_id, JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000],
                message=traceback.format_exception_only(error)[-1].strip()[:300])
        return
    finally:
        db.session.remove()
    _finish(job_id, JobStatus.DONE, progress=100, message=done_message, result_path=relative_path,
            result_name=name)


def run_job_in_app(app: Flask, job_id: str) -> None:
    """Entry point of the local worker: a fresh app context of the very app that submitted the job."""
    with app.app_context():
        run_job(job_id)


# The worker command records its pid; RQ's work horse is a fork and must not reuse the parent's connections.
_WORKER_PARENT_PID: int | None = None


def run_queued_job(job_id: str) -> None:
    """Entry point of RQ workers: the worker command created the app; a bare RQ worker gets one created here."""
    if has_app_context():
        if _WORKER_PARENT_PID is not None and os.getpid() != _WORKER_PARENT_PID:
            db.engine.dispose(close=False)  # forked work horse: new connections, leave the parent's alone
        run_job(job_id)
        return
    from facilities import create_app

    app = create_app()
    with app.app_context():
        run_job(job_id)


_LOCAL_WORKER_LOCK = threading.Lock()


def local_worker(app: Flask) -> ThreadPoolExecutor:
    """The app's local worker, started on first use (one thread: reports are heavy, they run one at a time)."""
    with _LOCAL_WORKER_LOCK:
        worker = app.extensions.get("reports_local_worker")
        if worker is None:
            worker = ThreadPoolExecutor(max_workers=app.config.get("JOB_LOCAL_WORKERS", 1),
                                        thread_name_prefix="facilities-job")
            app.extensions["reports_local_worker"] = worker
        return worker


def set_worker_parent_pid(pid: int | None) -> None:
    global _WORKER_PARENT_PID
    _WORKER_PARENT_PID = pid


# ---------------------------------------------------------------- kinds of jobs


@runner("portfolio")
def portfolio_runner(params: dict, progress: Progress, folder: Path) -> tuple[str, str]:
    """Render the portfolio report into the results folder."""
    from datetime import date

    from facilities.reports.portfolio import render_portfolio

    name = f"portefeuille-{date.today().isoformat()}.pdf"
    relative = f"portfolio-{utcnow().strftime('%Y%m%dT%H%M%S%f')}.pdf"
    render_portfolio(folder / relative, progress)
    return relative, name
