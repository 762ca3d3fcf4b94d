"""SQLite under concurrent writers: they queue on the lock (busy timeout); none sees "database is locked"."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import func, select

from tests.ops.conftest import build_app, create_schema, signed_in, site_form

THREADS = 8
SITES_PER_THREAD = 6


def test_concurrent_writers_all_succeed_while_another_process_holds_the_lock(sqlite_app, tmp_path):
    from facilities.extensions import db
    from facilities.inventory.models import Site

    clients = [signed_in(sqlite_app, "facilities_manager")]
    path = tmp_path / "ops.sqlite3"
    statuses: list[int] = []
    bodies: list[str] = []
    start = threading.Barrier(THREADS + 1)

    def writer(number: int) -> None:
        client = clients[0]
        start.wait()
        for index in range(SITES_PER_THREAD):
            response = client.post("/sites/new", data=site_form(f"T{number}-{index}"))
            statuses.append(response.status_code)
            if response.status_code != 302:
                bodies.append(response.get_data(as_text=True)[:300])

    # Another process (here: a raw connection) holds the write lock for a second while the writers start.
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(1.0)
    blocker.execute("COMMIT")
    blocker.close()
    for thread in threads:
        thread.join(60)

    assert bodies == []
    assert statuses == [302] * (THREADS * SITES_PER_THREAD)
    with sqlite_app.app_context():
        codes = set(db.session.execute(select(Site.code)).scalars())
    assert codes == {f"T{n}-{i}" for n in range(THREADS) for i in range(SITES_PER_THREAD)}


def test_a_lock_held_past_the_busy_timeout_is_503_with_retry_after_then_works(tmp_path):
    from facilities.extensions import db
    from facilities.inventory.models import Site

    path = tmp_path / "short.sqlite3"
    application = build_app(f"sqlite:///{path}", SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}})
    create_schema(application)
    client = signed_in(application, "facilities_manager")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        response = client.post("/sites/new", data=site_form("LOCK-1"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "locked" not in response.get_data(as_text=True)  # the user sees our message, not SQLite's
    assert client.post("/sites/new", data=site_form("LOCK-1")).status_code == 302
    with application.app_context():
        assert db.session.execute(select(func.count(Site.id))).scalar_one() == 1
        db.engine.dispose()
