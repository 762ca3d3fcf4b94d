"""Issue 20 point 6: batch work in constant memory, and fresh planner statistics after a bulk load."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.bulk.test_bulk import BUILDING, FLOOR, SITE, csv_file, run, space


@pytest.fixture
def statements(db):
    """The SQL statements sent while the test runs."""
    sent: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    yield sent
    event.remove(db.engine, "before_cursor_execute", before)


def test_a_bulk_import_refreshes_the_statistics_of_the_tables_it_loads(db, statements, monkeypatch):
    """On PostgreSQL the import's transaction ends with ANALYZE of the inventory tables (pages were 5-7 times
    slower after a bulk load until someone ran it); a dry run, a small import and SQLite send none."""
    from facilities.inventory import bulk

    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 3)
    data = csv_file(SITE, BUILDING, FLOOR, space("0.01"))
    assert run(data).ok
    assert not [s for s in statements if s.lstrip().upper().startswith("ANALYZE")]
    report = run(data, apply=True)
    assert report.applied
    analyzed = [s for s in statements if s.lstrip().upper().startswith("ANALYZE")]
    if db.engine.dialect.name == "postgresql":
        assert analyzed == ['ANALYZE "sites", "site_services", "buildings", "floors", "spaces"']
        db.session.commit()
        from sqlalchemy import text

        tuples = db.session.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'spaces'")).scalar()
        assert tuples >= 1
    else:
        assert analyzed == []
    statements.clear()
    monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 1000)
    assert run(csv_file(space("0.02")), apply=True).applied
    assert not [s for s in statements if s.lstrip().upper().startswith("ANALYZE")]


def test_the_csv_export_is_streamed_in_chunks_with_the_same_content(client_as, factory, monkeypatch):
    """The download is sent as it is read (a chunk per batch of lines), byte for byte the file the command
    writes; the workbook is the same sheets as before."""
    from facilities.inventory import bulk_export

    factory.building(floors=2, spaces_per_floor=3)
    director = client_as("director")
    whole = director.get("/inventory/export.csv").data
    monkeypatch.setattr(bulk_export, "csv_chunks", _small_chunks(bulk_export.csv_chunks))
    from facilities.inventory import bulk_routes

    monkeypatch.setattr(bulk_routes, "csv_chunks", bulk_export.csv_chunks)
    response = director.get("/inventory/export.csv", buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 3
    assert b"".join(chunks) == whole
    assert whole.startswith("\ufeffentity,".encode())
    assert whole.count(b"\r\n") == 1 + 1 + 1 + 2 + 6  # header, site, building, floors, spaces


def _small_chunks(chunks):
    def small(tables, layout=None, lines_per_chunk=1000):
        return chunks(tables, lines_per_chunk=2) if layout is None else chunks(tables, layout, lines_per_chunk=2)
    return small
