"""What carries jobs to a worker: RQ when REDIS_URL is set, else the database queue itself.

- With REDIS_URL: committed jobs are put on the RQ queue; `flask --app wsgi worker` runs RQ's worker. On start,
  and at each maintenance pass, it requeues the jobs whose worker died (stale heartbeat on the row; RQ's own
  StartedJobRegistry clean-up handles its side) and the queued jobs whose RQ job vanished (Redis restarted
  without persistence, or was unreachable when the job was created).
- Without it: `flask --app wsgi worker` polls the `jobs` table; and unless JOB_LOCAL_WORKER is off, each
  application process also runs a worker thread, started when a job is created or a queued job is looked at
  (never in create_app), that runs queued jobs until none is left.
Either way every worker claims the job's row before running it (facilities/jobs/queue.py), so a job handed over
twice still runs once.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from facilities.extensions import db
from facilities.jobs import queue
from facilities.jobs.models import Job, JobStatus

QUEUE_NAME = "facilities"
# What RQ calls: facilities/worker.py builds the app for a bare `rq worker` (app wiring, above every area).
RQ_FUNCTION = "facilities.worker.run_rq_job"


def dispatch(app: Flask, job_ids: list[str]) -> None:
    """Hand committed jobs over: RQ when configured, else the local worker thread (if enabled)."""
    if app.config.get("REDIS_URL"):
        for job_id in job_ids:
            try:
                enqueue(app, job_id)
            except Exception as error:  # noqa: BLE001  (the row stays queued; a worker's next pass enqueues it)
                app.logger.warning("job %s: the RQ queue is unreachable: %s", job_id, error)
                with app.app_context(), force_locale(_locale_of(job_id)):
                    queue._write(job_id, message=_("The job queue is unreachable for the moment; the job will "
                                                   "start as soon as a worker reaches it."))
    elif queue.setting("JOB_LOCAL_WORKER", app):
        local_worker(app).wake()


def ensure_taken(app: Flask, job_ids: list[str]) -> None:
    """Queued jobs someone is looking at: make sure a worker of this process will take them (local mode)."""
    if not app.config.get("REDIS_URL") and queue.setting("JOB_LOCAL_WORKER", app):
        local_worker(app).wake()


# ---------------------------------------------------------------- handing jobs over


@event.listens_for(Session, "after_commit")
def _hand_over_after_commit(session: Session) -> None:
    """Committed jobs exist for every worker now: wake the local worker or put them on the RQ queue."""
    pending = session.info.pop(queue.PENDING, None)
    if pending:
        dispatch(current_app._get_current_object(), pending)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(queue.PENDING, None)


def get_job(job_id: str) -> Job | None:
    """A job; a running one whose worker died is queued again (or failed) first; queued ones get a worker."""
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    app = current_app._get_current_object()
    if job.status == JobStatus.RUNNING and queue.is_stale(job):
        dispatch(app, queue.requeue_stale(only=job.id))
        db.session.refresh(job)
    elif job.status == JobStatus.QUEUED:
        ensure_taken(app, [job.id])
    return job


def _locale_of(job_id: str) -> str:
    with db.engine.connect() as connection:
        return connection.execute(select(Job.locale).where(Job.id == job_id)).scalar() or "fr"


_last_maintenance: dict[int, float] = {}


def maintain(app: Flask, force: bool = False) -> list[str]:
    """Requeue jobs whose worker died and purge expired files, at most every JOB_MAINTENANCE_SECONDS per app.
    Returns the ids queued again (not dispatched: the caller does)."""
    now = time.monotonic()
    if not force and now - _last_maintenance.get(id(app), -1e9) < float(queue.setting("JOB_MAINTENANCE_SECONDS", app)):
        return []
    _last_maintenance[id(app)] = now
    with app.app_context():
        requeued = queue.requeue_stale()
        try:
            queue.purge_expired(app=app)
        except OSError as error:
            app.logger.warning("job files could not be purged: %s", error)
    return requeued


# ---------------------------------------------------------------- without Redis: the database queue


class LocalWorker:
    """A thread of an application process that runs queued jobs until none is left, then stops until woken."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pending = False

    def wake(self) -> None:
        with self.lock:
            self.pending = True
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._drain, name="facilities-jobs", daemon=True)
                self.thread.start()

    def _drain(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    self.thread = None
                    return
                self.pending = False
            try:
                maintain(self.app)
                while queue.run_next(self.app):
                    pass
            except Exception:  # noqa: BLE001  (the thread must survive a database hiccup; the rows stay queued)
                self.app.logger.exception("local job worker")


_LOCAL_LOCK = threading.Lock()


def local_worker(app: Flask) -> LocalWorker:
    with _LOCAL_LOCK:
        worker = app.extensions.get("jobs_local_worker")
        if worker is None:
            worker = app.extensions["jobs_local_worker"] = LocalWorker(app)
        return worker


def run_database_worker(app: Flask, burst: bool = False, log=print) -> int:
    """`flask worker` without Redis: poll the jobs table, run what is claimable; SIGTERM finishes the current job
    first. With `burst`, stop when nothing is claimable. Returns the number of jobs run."""
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    done = 0
    try:
        maintain(app, force=True)
        while not stopping.is_set():
            maintain(app)
            job_id = queue.run_next(app)
            if job_id:
                done += 1
                log(f"job {job_id} finished")
                continue
            if burst:
                break
            stopping.wait(float(queue.setting("JOB_POLL_SECONDS", app)))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return done


# ---------------------------------------------------------------- with Redis: RQ


def _redis(app: Flask):
    from redis import Redis

    return Redis.from_url(app.config["REDIS_URL"])


def rq_queue(app: Flask | None = None):
    from rq import Queue

    app = app or current_app
    return Queue(queue_name(app), connection=_redis(app))


def queue_name(app: Flask) -> str:
    """The RQ queue: JOB_RQ_QUEUE, by default "facilities" (several instances may share one Redis)."""
    return app.config.get("JOB_RQ_QUEUE") or QUEUE_NAME


def rq_job_id(job_id: str) -> str:
    """A new RQ job id for one hand-over of a job (RQ keeps the record of an earlier, abandoned one)."""
    return f"{rq_job_prefix(job_id)}{uuid.uuid4().hex[:8]}"


def rq_job_prefix(job_id: str) -> str:
    return f"facilities-job-{job_id}-"


def enqueue(app: Flask, job_id: str) -> None:
    """Put a job on the RQ queue (again): the RQ job only says "run this row"; the row keeps the state."""
    rq_queue(app).enqueue_call(func=RQ_FUNCTION, args=(job_id,), job_id=rq_job_id(job_id),
                               timeout=int(queue.setting("JOB_TIMEOUT_SECONDS", app)), result_ttl=0,
                               failure_ttl=24 * 3600)


def reconcile_rq(app: Flask) -> list[str]:
    """Make RQ agree with the jobs table: abandoned RQ jobs cleaned up, jobs of dead workers queued again,
    queued rows without an RQ job on the queue enqueued. Returns the ids (re-)enqueued."""
    from rq.registry import StartedJobRegistry

    rq = rq_queue(app)
    StartedJobRegistry(queue=rq).cleanup()  # RQ's side: abandoned executions go to its failed registry
    maintain(app, force=True)  # our side: stale heartbeats → queued again (or failed after the last attempt)
    on_queue = {rq_id.rsplit("-", 1)[0] + "-" for rq_id in rq.get_job_ids()}
    with app.app_context():
        queued = db.session.execute(select(Job.id).where(Job.status == JobStatus.QUEUED,
                                                         Job.kind.in_(list(queue.KINDS)))).scalars().all()
        db.session.remove()
    missing = [job_id for job_id in queued if rq_job_prefix(job_id) not in on_queue]
    for job_id in missing:
        enqueue(app, job_id)
    return missing


def rq_worker_class():
    from rq import Worker

    class FacilitiesWorker(Worker):
        """RQ's worker, whose periodic maintenance also reconciles the jobs table with the queue."""

        def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
            """The work horse died (OOM killer, SIGKILL): its job is queued again at once, not at the next pass."""
            super().handle_work_horse_killed(job, retpid, ret_val, rusage)
            if job.func_name == RQ_FUNCTION and job.args:
                app = current_app._get_current_object()
                with app.app_context():
                    requeued = queue.requeue_stale(only=job.args[0], dead=True)
                dispatch(app, requeued)

        def run_maintenance_tasks(self):
            super().run_maintenance_tasks()
            try:
                reconcile_rq(current_app._get_current_object())
            except Exception:  # noqa: BLE001  (maintenance must never stop the worker)
                current_app.logger.exception("job maintenance")

    return FacilitiesWorker


def run_rq_worker(app: Flask, burst: bool = False) -> None:
    """`flask worker` with REDIS_URL: reconcile, then RQ's forking worker (each job in a work horse)."""
    set_worker_parent_pid(os.getpid())
    reconcile_rq(app)
    worker = rq_worker_class()([queue_name(app)], connection=_redis(app),
                               maintenance_interval=int(queue.setting("JOB_MAINTENANCE_SECONDS", app)))
    worker.work(burst=burst)


# The worker command records its pid; RQ's work horse is a fork and must not reuse the parent's connections.
_WORKER_PARENT_PID: int | None = None


def set_worker_parent_pid(pid: int | None) -> None:
    global _WORKER_PARENT_PID
    _WORKER_PARENT_PID = pid


def run_rq_job(job_id: str, app: Flask | None = None) -> None:
    """An RQ job (through facilities/worker.py): claim the row (a job enqueued twice runs once), then run it, in
    `app` or in the app of the current context (`flask worker`)."""
    if app is None:
        app = current_app._get_current_object()
        if _WORKER_PARENT_PID is not None and os.getpid() != _WORKER_PARENT_PID:
            db.engine.dispose(close=False)  # forked work horse: new connections, leave the parent's alone
    queue.run_next(app, job_id)
