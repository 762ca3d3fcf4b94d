"""Imports that cannot hurt the service: every bound is checked while reading, with a clear message, and a refused
file changes nothing. The hostile files are built by code (tests/bulk/attack_files.py)."""

from __future__ import annotations

import io
import threading
import tracemalloc

import pytest
from sqlalchemy import func, select

from tests.bulk import attack_files as attack
from tests.conftest import french


def run(data: bytes, fmt: str = "xlsx", apply: bool = False, **kwargs):
    """Import as an English-speaking user (the French messages are checked separately)."""
    from flask_babel import force_locale

    from facilities.inventory import bulk

    with force_locale("en"):
        return bulk.import_file(data, fmt, apply=apply, **kwargs)


def sites(db) -> int:
    from facilities.inventory.models import Site

    return db.session.scalar(select(func.count()).select_from(Site))


def read_in_thread(app, data: bytes, fmt: str = "xlsx", seconds: float = 60):
    """Read a file in a thread that may not outlive `seconds` (a guard against a hang, not a speed target)."""
    from flask_babel import force_locale

    from facilities.inventory import bulk_read

    outcome: dict = {}

    def target():
        with app.app_context(), force_locale("en"):
            try:
                outcome["rows"] = bulk_read.read_file(data, fmt)
            except bulk_read.FileError as error:
                outcome["error"] = str(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"reading did not finish within {seconds} s"
    return outcome


@pytest.fixture
def limits(app, monkeypatch):
    """Set IMPORT_* limits for one test."""
    def set_limits(**values):
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)

    return set_limits


# ---------------------------------------------------------------- XLSX


def test_a_sheet_is_read_by_its_real_extent_not_its_declared_dimension(app, db):
    data = attack.dimension_bomb()
    assert len(data) < 8000  # a few kB claiming A1:XFD1048576 on every sheet
    outcome = read_in_thread(app, data)
    assert "error" not in outcome, outcome
    assert [(row.kind, row.line, row.raw["code"]) for row in outcome["rows"]] == [("sites", 2, "ATK-1")]


def test_a_row_numbered_beyond_the_grid_is_refused(app, db):
    outcome = read_in_thread(app, attack.row_number_bomb(2_000_000_000))
    assert "numbers its rows out of order or beyond line 1,048,576" in outcome["error"]
    assert "Sheet sites" in outcome["error"]


def test_a_huge_shared_string_is_refused_before_it_is_unpacked(db):
    data = attack.shared_string_bomb(100 * 1024 * 1024)  # 100 MB of text in ~100 kB
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        report = run(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "xl/sharedStrings.xml" in report.file_error and "64 MB" in report.file_error
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB while refusing"
    assert sites(db) == 0


def test_a_shared_string_within_the_limits_is_read(db):
    report = run(attack.shared_string_bomb(1000), apply=False)
    [line] = report.lines
    assert line.outcome == "refused" and "name" in line.errors  # 1,000 characters: longer than a site's name


def test_the_unpacked_size_of_a_workbook_is_capped(db, limits):
    limits(IMPORT_MAX_UNPACKED_BYTES=10_000)
    report = run(attack.workbook({"sites": [attack.SITE]}))
    assert "The workbook unpacks to 0" in report.file_error and "an import reads at most 0 MB" in report.file_error


def test_a_value_beyond_the_columns_an_import_reads_is_refused(db):
    report = run(attack.far_column_workbook())
    assert report.file_error == ("Sheet sites, line 2 has values beyond column 64; an import reads at most 64 "
                                 "columns.")


def test_a_zip_with_thousands_of_parts_is_refused_before_its_directory_is_read(db):
    report = run(attack.many_parts_zip(1500))
    assert "holds 1513 parts" in report.file_error  # 1,500 added to the 13 of a five-sheet workbook


def test_the_records_of_a_workbook_are_capped_while_reading(db, limits):
    limits(IMPORT_MAX_ROWS=50)
    report = run(attack.workbook(attack.space_rows(60)))
    assert report.file_error == "The file has more than 50 records; an import reads at most 50. Split it into " \
                                "several files."


def test_the_cells_of_a_workbook_are_capped_while_reading(app, db):
    from flask_babel import force_locale

    from facilities.inventory import bulk_read

    limits = bulk_read.Limits(max_cells=100)
    with pytest.raises(bulk_read.FileError, match="more than 100 cells"), force_locale("en"):
        bulk_read.read_file(attack.workbook(attack.space_rows(20)), "xlsx", limits)


# ---------------------------------------------------------------- CSV


def test_a_csv_file_larger_than_the_limit_is_refused_before_reading(db, limits):
    limits(IMPORT_MAX_BYTES=1024 * 1024)
    data = attack.csv_file(attack.space_rows(20_000))
    assert len(data) > 1024 * 1024
    report = run(data, "csv")
    assert report.file_error.startswith("The file is 1.") and "at most 1 MB" in report.file_error
    assert not report.lines


def test_the_records_of_a_csv_file_are_capped_while_reading(db, limits):
    limits(IMPORT_MAX_ROWS=3)
    report = run(attack.csv_file(attack.space_rows(5)), "csv")
    assert report.file_error == "The file has more than 3 records; an import reads at most 3. Split it into " \
                                "several files."


def test_a_csv_line_longer_than_the_limit_is_refused_before_it_is_read_whole(db):
    data = b"entity,code,name\n" + b"site,A," + b"x" * (300 * 1024) + b"\n"
    assert run(data, "csv").file_error == "Line 2 is longer than 256 kB; is this an inventory CSV file?"


def test_a_csv_line_with_too_many_columns_is_refused(db):
    data = b"entity," + b",".join(b"c%d" % i for i in range(70)) + b"\nsite\n"
    assert "beyond column 64" in run(data, "csv").file_error


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_csv_lines_may_end_in_any_way_and_an_encoding_error_names_its_byte(db, newline):
    from flask_babel import force_locale

    from facilities.inventory import bulk_read

    sites = {"sites": [{**attack.SITE, "code": "A", "name": "Deux\nlignes"}, {**attack.SITE, "code": "B"}],
             "buildings": [], "floors": [], "spaces": []}
    data = b"\xef\xbb\xbf" + attack.csv_file(sites).replace(b"\n", newline)
    rows = bulk_read.read_file(data, "csv")
    assert [(row.line, row.raw["code"], row.raw["name"]) for row in rows] == [
        (2, "A", "Deux" + newline.decode() + "lignes"), (3, "B", "Site")]
    bad = data + b"site,\xff" + newline
    with pytest.raises(bulk_read.FileError, match=rf"line 5, byte {len(data) + 6}\)"), force_locale("en"):
        bulk_read.read_file(bad, "csv")


def test_a_crlf_split_between_two_reads_is_one_line_end(app, db, monkeypatch):
    from facilities.inventory import bulk_read

    monkeypatch.setattr(bulk_read, "_CHUNK", 8)
    sites = {"sites": [{**attack.SITE, "code": "A"}, {**attack.SITE, "code": "B"}], "buildings": [], "floors": [],
             "spaces": []}
    data = attack.csv_file(sites).replace(b"\n", b"\r\n")
    assert [(row.line, row.raw["code"]) for row in bulk_read.read_file(data, "csv")] == [(2, "A"), (3, "B")]


# ---------------------------------------------------------------- messages and pages


def test_limit_messages_are_in_french_too(db, limits):
    from flask_babel import force_locale

    from facilities.inventory import bulk

    limits(IMPORT_MAX_ROWS=3)
    with force_locale("fr"):
        report = bulk.import_file(attack.csv_file(attack.space_rows(5)), "csv", apply=True)
    assert report.file_error == french("The file has more than %(max)s records; an import reads at most %(max)s. "
                                       "Split it into several files.", max="3")
    assert report.file_error.startswith("Le fichier")


def test_a_refused_upload_keeps_nothing(client_as, db, app):
    from pathlib import Path

    folder = Path(app.instance_path) / "imports"  # the session's app: earlier tests may have left uploads there
    before = set(folder.iterdir()) if folder.exists() else set()
    client = client_as("facilities_manager")
    response = client.post("/inventory/import", data={"file": (io.BytesIO(attack.row_number_bomb()), "bomb.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert (set(folder.iterdir()) if folder.exists() else set()) == before
    assert sites(db) == 0
