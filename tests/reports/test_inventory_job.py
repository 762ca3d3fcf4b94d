"""The inventory PDF of a big building is prepared by a background job, in chunks; small ones stay immediate."""

from __future__ import annotations

import pytest

from tests.reports.conftest import french, pdf_pages


@pytest.fixture
def big_threshold(app, monkeypatch):
    """Buildings of more than 30 spaces count as big; jobs are run by the test, chunks are small."""
    from facilities.reports import inventory_pdf

    monkeypatch.setitem(app.config, "REPORT_INLINE_MAX_SPACES", 30)
    monkeypatch.setitem(app.config, "JOB_LOCAL_WORKER", False)
    monkeypatch.setattr(inventory_pdf, "ROWS_PER_CHUNK", 40)


@pytest.mark.real_commits  # the job row is committed on a connection of its own; the job runs on others
def test_a_big_buildings_inventory_pdf_is_a_job_and_the_user_is_sent_to_its_page(client_as, factory, db, app,
                                                                                big_threshold, results_folder):
    from facilities.jobs import queue
    from facilities.jobs.models import Job

    building = factory.building(name="Tour", code="TOUR-1", floors=3, spaces_per_floor=45)
    client = client_as("director")
    response = client.get(f"/buildings/{building.id}/inventory.pdf")
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[-1]
    assert response.headers["Location"].endswith(f"/jobs/{job_id}")
    # Asking again while it waits leads to the same job, not a second one.
    assert client.get(f"/buildings/{building.id}/inventory.pdf").headers["Location"].endswith(job_id)
    assert db.session.query(Job).count() == 1

    assert queue.run_next(app, job_id) == job_id
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status="done"' in page and french("Building inventory (PDF)") in page
    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert 'filename=inventaire-TOUR-1.pdf' in download.headers["Content-Disposition"]
    pages = pdf_pages(download.data)
    text = " ".join(pages)
    for level in range(3):
        for number in range(45):
            assert f"{level}.{number:02d}" in text
    assert text.count(french("Floor total")) == 3 and text.count(french("Building total")) == 1
    assert f"({french('continued')})" in text  # floors of 45 spaces, chunks of 40
    assert f"1 / {len(pages)}" in pages[0] and f"{len(pages)} / {len(pages)}" in pages[-1]


def test_a_small_buildings_inventory_pdf_comes_at_once(client_as, factory, big_threshold):
    building = factory.building(floors=1, spaces_per_floor=30)
    response = client_as("director").get(f"/buildings/{building.id}/inventory.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


@pytest.mark.real_commits
def test_the_cap_of_jobs_per_user_also_holds_for_inventories(client_as, factory, app, big_threshold, monkeypatch):
    from tests.conftest import page_text

    monkeypatch.setitem(app.config, "JOB_MAX_ACTIVE_PER_USER", 1)
    first, second = factory.building(floors=1, spaces_per_floor=31), factory.building(floors=1, spaces_per_floor=31)
    client = client_as("director")
    assert "/jobs/" in client.get(f"/buildings/{first.id}/inventory.pdf").headers["Location"]
    refused = client.get(f"/buildings/{second.id}/inventory.pdf", follow_redirects=True)
    assert refused.request.path == f"/buildings/{second.id}"
    assert french("You already have %(active)d jobs waiting or running (at most %(limit)d at a time): wait for one "
                  "of them to finish, then start this one again.", active=1, limit=1) in page_text(refused)


class _Floor:
    def __init__(self, name, spaces):
        self.name, self.spaces = name, list(range(spaces))


def test_floors_are_cut_into_chunks_of_rows():
    from facilities.reports.inventory_pdf import chunk_sections

    floors = [_Floor("R+3", 0), _Floor("R+2", 5), _Floor("R+1", 90), _Floor("RDC", 3)]
    chunks = chunk_sections(floors, rows_per_chunk=40)
    shape = [[(floor.name, len(spaces), continued, last) for floor, spaces, continued, last in chunk]
             for chunk in chunks]
    assert shape == [[("R+3", 0, False, True), ("R+2", 5, False, True), ("R+1", 34, False, False)],
                     [("R+1", 40, True, False)],
                     [("R+1", 16, True, True), ("RDC", 3, False, True)]]
    # A floor is not begun in the last rows of a chunk.
    shape = [[(f.name, len(s)) for f, s, *_ in chunk] for chunk in chunk_sections([_Floor("A", 35),
                                                                                  _Floor("B", 30)], 40)]
    assert shape == [[("A", 35)], [("B", 30)]]
