"""The durable job queue: jobs survive the death of their worker (database queue and RQ), one claim per job,
a cap per user, files deleted after the retention period."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape

from tests.conftest import french, page_text
from tests.jobs.conftest import wait_for

# Workers are threads and processes with connections of their own: they read committed data.
pytestmark = pytest.mark.real_commits


def job_row(db, job_id):
    from facilities.jobs.models import Job

    db.session.expire_all()
    return db.session.get(Job, job_id)


def queued_job(db, seconds: float = 0, user=None) -> str:
    from facilities import jobs

    job = jobs.create_job("test_sleep", {"seconds": seconds}, user=user)
    db.session.commit()
    return job.id


# ---------------------------------------------------------------- a worker killed mid-job


def running_pid(db, job_id) -> int:
    """The process running a job (the worker, or RQ's work horse), from the row's `worker` (host:pid:thread)."""
    return int(job_row(db, job_id).worker.split(":")[1])


def kill_mid_job_then_restart(db, app, worker_process, job_id: str) -> str:
    """Start a worker, SIGKILL it while the job runs, start another: the job must be taken up and finish."""
    first = worker_process(app)
    wait_for(lambda: (row := job_row(db, job_id)).status == "running" and row.progress > 0, timeout=90,
             what="the first worker running the job")
    first.kill(running_pid(db, job_id))
    row = job_row(db, job_id)
    assert row.status == "running" and row.attempts == 1  # nobody is left to say otherwise
    time.sleep(app.config["JOB_STALE_SECONDS"] + 0.5)  # its heartbeat is stale now
    output = worker_process(app, "--burst").finish()
    row = job_row(db, job_id)
    assert row.status == "done", (row.status, row.error, output)
    assert row.attempts == 2
    assert (Path(app.config["JOBS_FOLDER"]) / row.result_path).read_text() == f"done by {job_id}"
    return output


def test_a_job_whose_worker_was_killed_is_taken_up_again_database_queue(queue_app, db, worker_process):
    job_id = queued_job(db, seconds=4)
    kill_mid_job_then_restart(db, queue_app, worker_process, job_id)


@pytest.mark.redis
def test_a_job_whose_worker_was_killed_is_taken_up_again_rq(queue_app, db, worker_process, redis_queue):
    from facilities.jobs import worker

    job_id = queued_job(db, seconds=4)
    assert [rq_id.startswith(worker.rq_job_prefix(job_id)) for rq_id in worker.rq_queue().get_job_ids()] == [True]
    kill_mid_job_then_restart(db, queue_app, worker_process, job_id)


@pytest.mark.redis
def test_a_job_whose_work_horse_was_killed_is_run_again_by_the_same_rq_worker(queue_app, db, worker_process,
                                                                            redis_queue):
    """The OOM killer takes RQ's work horse, the worker survives: the job is queued again at once and finishes."""
    job_id = queued_job(db, seconds=2)
    worker = worker_process(queue_app)
    wait_for(lambda: (row := job_row(db, job_id)).status == "running" and row.progress > 0, timeout=90,
             what="the worker running the job")
    horse = running_pid(db, job_id)
    assert horse != worker.process.pid
    os.kill(horse, signal.SIGKILL)
    wait_for(lambda: job_row(db, job_id).status == "done", timeout=60, what="the job done")
    assert job_row(db, job_id).attempts == 2


@pytest.mark.redis
def test_a_queued_job_whose_rq_job_vanished_is_enqueued_again(queue_app, db, redis_queue):
    """Redis restarted without persistence (here: the queue emptied): the row still says queued, the worker
    enqueues it again."""
    from facilities.jobs import worker

    job_id = queued_job(db)
    worker.rq_queue().empty()
    assert worker.reconcile_rq(queue_app) == [job_id]
    assert [rq_id.startswith(worker.rq_job_prefix(job_id)) for rq_id in worker.rq_queue().get_job_ids()] == [True]
    assert worker.reconcile_rq(queue_app) == []  # already there: not enqueued twice


# ---------------------------------------------------------------- claims and dead workers, in process


def test_a_job_is_claimed_once_however_many_workers_try(queue_app, db):
    from facilities.jobs import queue

    ids = {queued_job(db) for _ in range(3)}
    claimed, barrier = [], threading.Barrier(6)

    def take():
        with queue_app.app_context():
            barrier.wait()
            while (got := queue.claim()) is not None:
                claimed.append(got[0])

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)
    assert queue.claim() is None


def test_a_stale_job_is_queued_again_then_given_up_after_the_last_attempt(queue_app, db, client_as):
    from facilities.jobs import queue
    from facilities.timeutil import utcnow

    job_id = queued_job(db)
    for attempt in (1, 2, 3):
        assert queue.claim()[0] == job_id
        assert job_row(db, job_id).attempts == attempt
        old = utcnow() - timedelta(seconds=10)
        queue._write(job_id, heartbeat_at=old, started_at=old)
        page = page_text(client_as("director").get(f"/jobs/{job_id}"))  # reading the job notices the dead worker
        row = job_row(db, job_id)
        if attempt < 3:
            assert row.status == "queued", row.error
            assert f"(tentative {attempt + 1} sur 3)" in row.message  # in the job's language
            assert 'data-status="queued"' in page
    assert row.status == "failed" and row.finished_at is not None
    assert row.error.startswith(french("The worker running this job stopped responding (no heartbeat since "
                                       "%(time)s UTC), %(attempts)d times: the job was given up.",
                                       time="", attempts=3)[:30])
    assert 'data-status="failed"' in page and row.error in page


def test_a_worker_given_up_for_dead_cannot_overwrite_its_successor(queue_app, db):
    from facilities.jobs import queue
    from facilities.timeutil import utcnow

    job_id = queued_job(db)
    _, old_token = queue.claim()
    old = utcnow() - timedelta(seconds=10)
    queue._write(job_id, heartbeat_at=old)
    assert queue.requeue_stale() == [job_id]
    _, new_token = queue.claim()
    assert not queue._write(job_id, old_token, status="failed", error="late")
    assert queue._write(job_id, new_token, progress=50)
    assert job_row(db, job_id).status == "running"


def test_the_database_worker_runs_queued_jobs_and_stops_in_burst_mode(queue_app, db, runner):
    ids = [queued_job(db) for _ in range(2)]
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert all(job_row(db, job_id).status == "done" for job_id in ids)
    assert all(f"job {job_id} finished" in result.output for job_id in ids)


def test_the_local_worker_thread_runs_a_job_found_queued_after_a_restart(queue_app, db, client_as, monkeypatch):
    """A job queued by a process that died before running it: the next look at its page starts a worker."""
    job_id = queued_job(db)  # the local worker is off: nobody takes it
    assert job_row(db, job_id).status == "queued"
    monkeypatch.setitem(queue_app.config, "JOB_LOCAL_WORKER", True)
    client_as("director").get(f"/jobs/{job_id}")
    wait_for(lambda: job_row(db, job_id).status == "done", timeout=30, what="the job done")


# ---------------------------------------------------------------- a cap per user


def test_each_user_may_have_a_limited_number_of_jobs_waiting_or_running(queue_app, db, client_as, monkeypatch):
    from facilities import jobs
    from facilities.auth.models import User
    from facilities.jobs.models import Job

    monkeypatch.setitem(queue_app.config, "JOB_MAX_ACTIVE_PER_USER", 2)
    client = client_as("director")
    director = db.session.query(User).filter_by(email="director@test.example").one()
    jobs.create_job("test_sleep", {"n": 1}, user=director)
    db.session.commit()
    assert client.post("/reports/portfolio").status_code == 302  # the second one
    refused = client.post("/reports/portfolio", follow_redirects=True)  # the same again: its page
    assert refused.request.path.startswith("/jobs/")
    with pytest.raises(jobs.JobLimitReached) as limit:
        jobs.create_job("test_sleep", {"n": 2}, user=director)
    assert limit.value.message == french(
        "You already have %(active)d jobs waiting or running (at most %(limit)d at a time): wait for one of them to "
        "finish, then start this one again.", active=2, limit=2)
    db.session.rollback()
    db.session.query(Job).filter_by(kind="portfolio").update({"status": "done"})
    db.session.commit()
    jobs.create_job("test_sleep", {"n": 3}, user=director)  # a finished job frees a place
    db.session.commit()
    refused = client.post("/reports/portfolio", follow_redirects=True)
    assert refused.request.path == "/reports"
    assert escape(limit.value.message) in refused.get_data(as_text=True)
    assert client_as("architect").post("/reports/portfolio").status_code == 302  # others are not held back
    assert db.session.query(Job).filter(Job.status.in_(("queued", "running"))).count() == 3


# ---------------------------------------------------------------- retention of job files


def finished_job(db, app, days_ago: float) -> tuple[str, Path]:
    from facilities.timeutil import utcnow

    job_id = queued_job(db)
    from facilities.jobs import queue

    assert queue.run_next(app, job_id) == job_id
    finished = utcnow() - timedelta(days=days_ago)
    queue._write(job_id, finished_at=finished)
    path = Path(app.config["JOBS_FOLDER"]) / job_row(db, job_id).result_path
    os.utime(path, (finished.timestamp(), finished.timestamp()))
    return job_id, path


def test_job_files_are_deleted_after_the_retention_period(queue_app, db, runner, client_as, monkeypatch):
    monkeypatch.setitem(queue_app.config, "JOB_RESULT_RETENTION_HOURS", 48)
    old_id, old_file = finished_job(db, queue_app, days_ago=3)
    new_id, new_file = finished_job(db, queue_app, days_ago=1)
    stray = Path(queue_app.config["JOBS_FOLDER"]) / "left-by-a-killed-worker.pdf"
    stray.write_bytes(b"%PDF")
    os.utime(stray, (time.time() - 3 * 86400,) * 2)
    client = client_as("director")
    assert client.get(f"/jobs/{old_id}/file").status_code == 200

    result = runner.invoke(args=["jobs", "purge"])
    assert result.exit_code == 0, result.output
    assert "2 expired job file(s) deleted." in result.output
    assert not old_file.exists() and not stray.exists() and new_file.exists()
    assert job_row(db, old_id).result_expired_at is not None and job_row(db, new_id).result_expired_at is None
    assert client.get(f"/jobs/{old_id}/file").status_code == 404
    page = page_text(client.get(f"/jobs/{old_id}"))
    assert 'id="job-expired"' in page and 'id="job-file"' not in page
    assert 'id="job-file"' in page_text(client.get(f"/jobs/{new_id}"))


def test_a_running_worker_purges_expired_files_itself(queue_app, db, runner, monkeypatch):
    monkeypatch.setitem(queue_app.config, "JOB_RESULT_RETENTION_HOURS", 1)
    old_id, old_file = finished_job(db, queue_app, days_ago=1)
    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0
    assert not old_file.exists() and job_row(db, old_id).result_expired_at is not None
