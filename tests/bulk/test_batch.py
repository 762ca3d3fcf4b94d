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
