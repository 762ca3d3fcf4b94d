"""The test fixtures behave like real requests: each request knows only its own user."""

import pytest


def test_two_clients_keep_their_own_identity(client_as):
    director = client_as("director")
    manager = client_as("facilities_manager")
    assert director.get("/sites/new").status_code == 403
    assert manager.get("/sites/new").status_code == 200
    assert director.get("/sites/new").status_code == 403


# ---------------------------------------------------------------- isolation by rollback (tests/conftest.py)


def site_rows(db) -> int:
    from sqlalchemy import func, select

    from facilities.inventory.models import Site

    return db.session.scalar(select(func.count()).select_from(Site))


def committed_sites(db) -> int:
    """Sites as another connection sees them: what is really committed in the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM sites")).scalar()
    finally:
        engine.dispose()


def test_a_test_commits_inside_its_own_transaction_only(factory, db, client_as):
    factory.site(code="ROLLED-1")
    client = client_as("facilities_manager")
    assert client.post("/sites/new", data={"code": "", "name": ""}).status_code in (200, 422)  # refused, rolled back
    assert site_rows(db) == 1  # the commit before the failed request stays
    assert committed_sites(db) == 0  # ...inside the test's transaction, never in the database


def test_the_next_test_starts_from_empty_tables(db):
    assert site_rows(db) == 0


def test_ids_start_again_at_one(factory):
    assert factory.site().id == 1  # as TRUNCATE ... RESTART IDENTITY did: PostgreSQL sequences are restarted


def test_code_that_opens_its_own_connection_is_caught(db, request):
    from tests.conftest import STRAYS, OtherConnection

    with pytest.raises(OtherConnection):
        db.engine.connect()
    assert request.node.stash[STRAYS] == ["the code under test opened a connection of its own (db.engine)"]
    request.node.stash[STRAYS].clear()  # (the fixture would fail the test: "mark the test real_commits")


@pytest.mark.real_commits
def test_real_commits_reach_the_database_and_are_cleaned_after(factory, db):
    factory.site(code="REAL-1")
    assert committed_sites(db) == 1


def test_and_are_gone_for_the_next_test(db):
    assert site_rows(db) == 0 and committed_sites(db) == 0


def test_demo_is_the_loaded_portfolio(demo, db):
    from sqlalchemy import func, select

    from facilities.demo.data import DEMO_SITES
    from facilities.demo.loader import load_demo
    from facilities.inventory.models import Building, Site

    assert site_rows(db) == len(DEMO_SITES)
    buildings = db.session.scalar(select(func.count()).select_from(Building))
    report = load_demo(with_users=False)  # idempotent: the snapshot is exactly what the loader makes
    assert report.created == {"sites": 0, "buildings": 0, "floors": 0, "spaces": 0, "users": 0}
    assert db.session.scalar(select(func.count()).select_from(Building)) == buildings
    assert db.session.scalar(select(func.count()).select_from(Site)) == len(DEMO_SITES)


def test_rows_added_after_the_demo_get_new_ids(demo, factory, db):
    from facilities.demo.data import DEMO_SITES

    factory.site(code="AFTER-DEMO")  # the sequences follow the copied ids
    assert site_rows(db) == len(DEMO_SITES) + 1


def test_demo_asked_for_after_other_data_is_loaded_beside_it(factory, db, request):
    from facilities.demo.data import DEMO_SITES

    factory.site(code="BEFORE-DEMO")
    request.getfixturevalue("demo")  # tables not empty: the loader runs instead of the copy
    assert site_rows(db) == len(DEMO_SITES) + 1
