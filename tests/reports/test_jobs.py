"""The portfolio report as a background job, end to end with the local worker and with RQ (the queue itself:
tests/jobs)."""

from __future__ import annotations

import time

import pytest
from markupsafe import escape

from tests.reports.conftest import french, pdf_pages

# Jobs run in threads, work horses and CLI processes with connections of their own: they read committed data.
pytestmark = pytest.mark.real_commits


def wait_until_finished(db, job_id: str, timeout: float = 120):
    from facilities.jobs.models import Job

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def test_portfolio_job_with_the_local_worker(client_as, demo, db, results_folder, app):
    client = client_as("director")
    assert app.config.get("REDIS_URL") is None
    response = client.post("/reports/portfolio")
    assert response.status_code == 302
    job_id = response.headers["Location"].rstrip("/").split("/")[-1]
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    job = wait_until_finished(db, job_id)
    assert job.status == "done", job.error
    assert job.progress == 100
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"/jobs/{job_id}/file" in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    pages = pdf_pages(download.data)
    text = " ".join(pages)
    assert "Pôle social Asnières / Gennevilliers" in text and "PS-CLI-B1" in text
    assert f"page 1 / {len(pages)}" in pages[0]
    assert f"page {len(pages)} / {len(pages)}" in pages[-1]
    assert job_id in client.get("/reports").get_data(as_text=True)


def test_a_running_job_shows_its_progress_and_refreshes(client_as, db, results_folder):
    from facilities import jobs

    job = jobs.create_job("portfolio")
    job.status, job.progress, job.message = "running", 42, "21 of 50 sites"
    job.heartbeat_at = job.started_at = job.created_at
    db.session.commit()
    page = client_as("director").get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "42 %" in page and "21 of 50 sites" in page and 'http-equiv="refresh"' in page
    assert client_as("director").get(f"/jobs/{job.id}/file").status_code == 404


def test_a_failing_job_shows_its_error(client_as, db, results_folder, monkeypatch, app):
    from facilities.jobs import queue

    def broken(context):
        context.progress(10, "halfway")
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(queue.KINDS, "broken", queue.JobKind("broken", broken, "Broken", None))
    monkeypatch.setitem(app.config, "JOB_LOCAL_WORKER", False)
    job_id = queue.create_job("broken").id
    db.session.commit()
    assert queue.run_next(app, job_id) == job_id
    page = client_as("director").get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "the disk is full" in page and 'data-status="failed"' in page


@pytest.mark.redis
def test_portfolio_job_through_rq(client_as, demo, db, results_folder, redis_queue):
    from rq import SimpleWorker

    from facilities.jobs import worker

    client = client_as("director")
    response = client.post("/reports/portfolio")
    job_id = response.headers["Location"].rstrip("/").split("/")[-1]
    assert worker.rq_queue().count == 1
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status="queued"' in page
    SimpleWorker([worker.rq_queue()], connection=redis_queue).work(burst=True)
    job = wait_until_finished(db, job_id, timeout=5)
    assert job.status == "done", job.error
    download = client.get(f"/jobs/{job_id}/file")
    assert "PS-ASN-B1" in " ".join(pdf_pages(download.data))


def test_an_unreachable_queue_keeps_the_job_queued_and_says_so(client_as, db, results_folder, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/15"
    try:
        response = client_as("director").post("/reports/portfolio")
        job_id = response.headers["Location"].rstrip("/").split("/")[-1]
        page = client_as("director").get(f"/jobs/{job_id}").get_data(as_text=True)
    finally:
        app.config["REDIS_URL"] = None
    assert 'data-status="queued"' in page
    assert escape(french("The job queue is unreachable for the moment; the job will start as soon as a worker "
                         "reaches it.")) in page


def test_cli_renders_the_portfolio_in_the_foreground(runner, demo, tmp_path):
    target = tmp_path / "portfolio.pdf"
    result = runner.invoke(args=["reports", "portfolio", str(target)])
    assert result.exit_code == 0, result.output
    assert "pages" in result.output
    assert "PS-ASN-B1" in " ".join(pdf_pages(target.read_bytes()))


@pytest.mark.redis
def test_worker_command_runs_the_queued_portfolio(runner, client_as, demo, db, results_folder, redis_queue):
    """`flask --app wsgi worker`: RQ's forking worker, each job in a work horse with its own connections."""
    from facilities.jobs import worker

    client = client_as("director")
    job_id = client.post("/reports/portfolio").headers["Location"].rstrip("/").split("/")[-1]
    assert worker.rq_queue().count == 1
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    job = wait_until_finished(db, job_id, timeout=5)
    assert job.status == "done", job.error
    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200
    assert "PS-ASN-B1" in " ".join(pdf_pages(download.data))
