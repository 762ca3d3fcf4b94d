"""Large imports run as background jobs (facilities/jobs): the request reads at most IMPORT_INLINE_ROWS records,
then a job checks the file with its progress, leaves its report for the import page, and another job applies it."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.bulk import attack_files as attack
from tests.conftest import page_text

pytestmark = pytest.mark.real_commits  # the job runs on connections of its own, as a worker does


@pytest.fixture
def job_app(app, tmp_path, monkeypatch):
    """Imports of more than 3 records go to jobs, which the test runs itself (no local worker thread)."""
    for name, value in {"IMPORT_INLINE_ROWS": 3, "JOB_LOCAL_WORKER": False, "JOBS_FOLDER": str(tmp_path / "jobs"),
                        "JOB_PAGE_REFRESH_SECONDS": 2}.items():
        monkeypatch.setitem(app.config, name, value)
    return app


def counts(db):
    from facilities.inventory.models import Building, Floor, Site, Space

    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Site, Building, Floor, Space))


def upload(client, data: bytes, name: str = "inventory.csv"):
    return client.post("/inventory/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def run_job(app, response) -> str:
    """Run the job a response redirected to, here and now, as a worker would; its id."""
    from facilities.jobs import queue

    location = response.headers["Location"]
    job_id = re.search(r"/inventory/import/jobs/([0-9a-f]+)$", location).group(1)
    assert queue.run_next(app, job_id) == job_id
    return job_id


def job_row(db, job_id: str):
    from facilities.jobs.models import Job

    db.session.expire_all()
    return db.session.get(Job, job_id)


def five_rows() -> bytes:
    return attack.csv_file(attack.space_rows(2, per_building=2))  # site, building, 10 floors, 2 spaces


def test_a_large_file_is_checked_then_applied_by_jobs_with_progress(job_app, client_as, db, monkeypatch):
    from facilities.jobs.queue import JobContext
    from facilities.trail.models import AuditEntry

    shown: list[tuple[int, str]] = []
    progress = JobContext.progress
    monkeypatch.setattr(JobContext, "progress", lambda self, percent, message: (
        shown.append((percent, message)), progress(self, percent, message)))
    client = client_as("facilities_manager")
    response = upload(client, five_rows())
    assert response.status_code == 302 and "/inventory/import/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="import-job"' in page and 'http-equiv="refresh"' in page and 'id="import-report"' not in page
    assert counts(db) == (0, 0, 0, 0)

    job_id = run_job(job_app, response)
    job = job_row(db, job_id)
    assert (job.status, job.progress, job.kind) == ("done", 100, "inventory_import")
    assert "14 à créer" in job.message or "14 to create" in job.message
    messages = {message for _percent, message in shown}
    assert {"Lecture du fichier…", "Vérification des lignes…"} <= messages, messages
    assert [percent for percent, _message in shown] == sorted(percent for percent, _message in shown)
    assert counts(db) == (0, 0, 0, 0)  # a check writes nothing

    page = client.get(f"/inventory/import/jobs/{job_id}").get_data(as_text=True)
    assert 'id="import-report"' in page and 'http-equiv="refresh"' not in page
    assert "ATK-1-B0000 / 1 / 1.0001" in page
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)

    applied = client.post("/inventory/import/apply", data={"upload": token})
    assert applied.status_code == 302 and "/inventory/import/jobs/" in applied.headers["Location"]
    assert counts(db) == (0, 0, 0, 0)
    apply_id = run_job(job_app, applied)
    assert job_row(db, apply_id).status == "done"
    assert counts(db) == (1, 1, 10, 2)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.entity == "site")).scalar_one()
    assert (entry.actor, entry.source) == ("facilities_manager@test.example", "import")
    page = client.get(f"/inventory/import/jobs/{apply_id}").get_data(as_text=True)
    assert "Import appliqué" in page and 'name="upload"' not in page
    # applied: the upload is gone, applying it again is refused
    again = client.post("/inventory/import/apply", data={"upload": token})
    assert again.status_code == 302 and again.headers["Location"].endswith("/inventory/import")


def test_an_import_job_is_shown_to_its_author_only(job_app, client_as, db):
    response = upload(client_as("facilities_manager"), five_rows())
    job_id = run_job(job_app, response)
    assert client_as("architect").get(f"/inventory/import/jobs/{job_id}").status_code == 404
    assert client_as("facilities_manager").get("/inventory/import/jobs/" + "0" * 32).status_code == 404


def test_a_large_file_with_a_refused_line_keeps_nothing(job_app, client_as, db, app):
    from pathlib import Path

    rows = attack.space_rows(2, per_building=2)
    rows["spaces"][1]["area_m2"] = "-3"
    client = client_as("facilities_manager")
    response = upload(client, attack.csv_file(rows))
    job_id = run_job(job_app, response)
    page = client.get(f"/inventory/import/jobs/{job_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "outcome-refused" in html and 'name="upload"' not in html
    kept = Path(app.instance_path) / "imports" / f"{job_row(db, job_id).created_by_id}-{job_row(db, job_id).params['upload']}"
    assert not kept.exists()  # refused: the upload is deleted once its report is shown
    assert counts(db) == (0, 0, 0, 0)


def test_a_bad_large_file_fails_its_check_cleanly(job_app, client_as, db):
    client = client_as("facilities_manager")
    data = five_rows() + b"space,\xff\n"
    response = upload(client, data)
    assert response.status_code == 302  # past 3 records before the bad byte: the job reads it
    job_id = run_job(job_app, response)
    assert job_row(db, job_id).status == "done"
    html = client.get(f"/inventory/import/jobs/{job_id}").get_data(as_text=True)
    assert 'id="file-error"' in html and "UTF-8" in html


def test_the_request_reads_no_more_than_the_inline_records(app, db):
    from facilities.inventory import bulk
    from facilities.inventory.bulk_read import MoreRows

    data = five_rows()
    with pytest.raises(MoreRows):
        bulk.import_file(data, "csv", apply=True, stop_after=13)
    assert bulk.import_file(data, "csv", apply=False, stop_after=14).counts["create"] == 14


def test_a_workbook_of_many_empty_rows_is_not_walked_in_the_request(app, client_as, db, monkeypatch, tmp_path):
    for name, value in {"JOB_LOCAL_WORKER": False, "JOBS_FOLDER": str(tmp_path / "jobs")}.items():
        monkeypatch.setitem(app.config, name, value)
    response = upload(client_as("facilities_manager"), attack.empty_rows_workbook(100_000), "empty.xlsx")
    assert response.status_code == 302 and "/inventory/import/jobs/" in response.headers["Location"]
    job_id = run_job(app, response)
    assert "1 to create" in job_row(db, job_id).message or "1 à créer" in job_row(db, job_id).message


def test_a_large_inventory_is_exported_by_a_background_job(job_app, client_as, factory, monkeypatch):
    """Past EXPORT_INLINE_ROWS records the download is a job's file (a request would pass the server's
    timeout), the same bytes; a workbook whose sheet would pass a spreadsheet's last row is refused with a message."""
    from facilities.inventory import bulk_export, bulk_jobs
    from facilities.jobs import queue

    app = job_app
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1)
    factory.building(floors=1, spaces_per_floor=12)  # 15 records: past 10 (CSV's ten times 1)
    director = client_as("director")
    response = director.get("/inventory/export.csv")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_id = response.headers["Location"].rstrip("/").split("/")[-1]
    assert director.get("/inventory/export.csv").headers["Location"] == response.headers["Location"]  # same job
    assert queue.run_next(app, job_id) == job_id
    download = director.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    with app.app_context():
        assert download.data == bulk_export.export_file("csv")
    monkeypatch.setattr(bulk_jobs, "XLSX_MAX_LINES", 1)
    refused = director.get("/inventory/export.xlsx", follow_redirects=True)
    assert "12" in page_text(refused) and "CSV" in page_text(refused)
    assert refused.request.path == "/sites"
