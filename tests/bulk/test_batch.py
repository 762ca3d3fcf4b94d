"""Issue 20 point 6: batch work in constant memory, and fresh planner statistics after a bulk load."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.bulk.test_bulk import BUILDING, FLOOR, SITE, counts, csv_file, run, space


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
        assert analyzed == ['ANALYZE "sites", "site_services", "buildings", "floors", "spaces", "published_figures"']
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


def test_the_planner_works_in_chunks_and_keeps_only_the_first_lines_of_each_outcome(db, monkeypatch):
    """Chunks of 2 rows: parents, duplicates and refusals are found across chunks; the report counts every line
    but keeps the first KEEP_LINES of each outcome; applying then re-importing changes nothing (idempotent)."""
    from facilities.inventory import bulk_plan

    monkeypatch.setattr(bulk_plan, "CHUNK_ROWS", 2)
    monkeypatch.setattr(bulk_plan, "KEEP_LINES", 3)
    floor_1 = {**FLOOR, "level": "1", "name": "R+1"}
    spaces = [space(f"0.0{n}") for n in range(1, 6)] + [space("1.01", level="1")]
    duplicate = space("0.02", name="Again")  # line 12: same space as line 7, two chunks later
    missing = space("2.01", level="2")  # no such floor
    data = csv_file(SITE, BUILDING, FLOOR, floor_1, *spaces, duplicate, missing)
    report = run(data)
    assert report.counts == {"create": 10, "update": 0, "unchanged": 0, "refused": 2}
    assert [line.outcome for line in report.lines].count("create") == 3
    refused = {line.where: line.errors for line in report.lines if line.outcome == "refused"}
    assert refused == {"line 12": {"code": "The same space is already on line 7"},
                       "line 13": {"level": "Building NEW-B1 has no level 2: add a line for that floor"}}
    data = csv_file(SITE, BUILDING, FLOOR, floor_1, *spaces)
    applied = run(data, apply=True)
    assert applied.applied and applied.counts["create"] == 10
    assert counts(db) == (1, 1, 2, 6)
    again = run(data, apply=True)
    assert again.counts == {"create": 0, "update": 0, "unchanged": 10, "refused": 0}
    assert counts(db) == (1, 1, 2, 6)


def test_a_line_refused_while_applying_rolls_back_what_earlier_chunks_wrote(db, monkeypatch):
    """Applying plans and writes chunk by chunk in one pass (each line is checked once); a line refused after
    earlier chunks were written leaves nothing written."""
    from facilities.inventory import bulk_plan

    monkeypatch.setattr(bulk_plan, "CHUNK_ROWS", 2)
    checks = []
    plan = bulk_plan.plan

    def plan_then_refuse(passes, **kwargs):
        report = plan(passes, **kwargs)
        checks.append(kwargs.get("write"))
        if kwargs.get("write") is not None:  # as if the last line were refused, after the chunks were written
            report.add(bulk_plan.LineResult("line 9", "space", "x", bulk_plan.REFUSED, errors={"code": "taken"}))
        return report

    monkeypatch.setattr(bulk_plan, "plan", plan_then_refuse)
    report = run(csv_file(SITE, BUILDING, FLOOR, *[space(f"0.0{n}") for n in range(1, 6)]), apply=True)
    assert len(checks) == 1 and checks[0] is not None and not report.applied and not report.ok
    assert counts(db) == (0, 0, 0, 0)


def test_an_export_edited_and_reimported_updates_its_spaces(factory, db):
    """Spaces are compared as rows of their columns and written as records: a renamed space is updated, once."""
    from facilities.inventory import bulk_export
    from facilities.inventory.models import Space

    building = factory.building(floors=1, spaces_per_floor=2)
    space_id, old_name = db.session.execute(db.select(Space.id, Space.name).order_by(Space.id)).first()
    data = bulk_export.export_file("csv").replace(f",{old_name},".encode(), ",Salle renommée,".encode(), 1)
    report = run(data, apply=True)
    assert report.applied and report.counts["update"] == 1, report.lines
    [line] = [line for line in report.lines if line.outcome == "update"]
    assert line.entity == "space" and line.changes == {"name": (old_name, "Salle renommée")}
    db.session.expire_all()
    assert db.session.get(Space, space_id).name == "Salle renommée"
    assert run(data).counts["update"] == 0
    assert building.code in line.key



def _readings(monkeypatch) -> list:
    """The kinds asked of each reading of the file."""
    from facilities.inventory import bulk

    asked = []
    iter_file = bulk.iter_file

    def counting(*args, **kwargs):
        asked.append(kwargs.get("kinds"))
        return iter_file(*args, **kwargs)

    monkeypatch.setattr(bulk, "iter_file", counting)
    return asked


def test_a_csv_file_in_kind_order_is_read_twice_and_one_in_another_order_once_per_kind(db, monkeypatch):
    """An export lists its kinds in order: after the first reading (sites) one more reads the rest. A file that
    mixes them is still read once per kind, so a building above its site's line finds it."""
    asked = _readings(monkeypatch)
    report = run(csv_file(SITE, BUILDING, FLOOR, space("0.01"), space("0.02")), apply=True)
    assert report.applied and report.counts["create"] == 5
    assert asked == [("", "sites"), ("buildings", "floors", "spaces", "published_figures")]

    asked.clear()
    other = {**SITE, "code": "OTHER-SITE"}
    mixed = csv_file(space("0.03"), {**BUILDING, "code": "NEW-B2", "site_code": "OTHER-SITE"}, other)
    report = run(mixed, apply=True)
    assert report.applied and report.counts == {"create": 3, "update": 0, "unchanged": 0, "refused": 0}, report.lines
    assert len(asked) == 5
    assert counts(db) == (2, 2, 1, 3)


def test_a_space_line_equal_to_its_export_is_unchanged_without_its_rules_and_any_other_is_checked(factory, db,
                                                                                                  monkeypatch):
    """A re-imported export is mostly lines that change nothing: a space line holding the text its export writes
    is unchanged without the rules being run again; a line that differs in anything (here its code, then its
    area) is checked as before."""
    from facilities.inventory import bulk_export, rules
    from facilities.inventory.models import Space

    factory.building(floors=1, spaces_per_floor=3)
    data = bulk_export.export_file("csv")
    checked = []
    clean_space = rules.clean_space

    def counting(raw, **kwargs):
        checked.append(raw.get("code"))
        return clean_space(raw, **kwargs)

    monkeypatch.setattr(rules, "clean_space", counting)
    assert run(data).counts == {"create": 0, "update": 0, "unchanged": 6, "refused": 0}
    assert checked == []

    first, second = db.session.execute(db.select(Space.code, Space.area_m2).order_by(Space.id).limit(2)).all()
    edited = data.replace(f",{first.code},".encode(), f",{first.code.lower()}x,".encode(), 1)
    lines = edited.decode("utf-8-sig").splitlines()
    at = next(i for i, line in enumerate(lines) if f",{second.code}," in line)
    lines[at] = lines[at].replace(f",{second.area_m2},", ",99.5,")
    report = run("\r\n".join(lines).encode())
    assert report.counts == {"create": 1, "update": 1, "unchanged": 4, "refused": 0}, report.lines
    assert sorted(checked) == sorted([f"{first.code.lower()}x", second.code])


def test_a_space_line_equal_to_its_export_but_refused_by_the_rules_is_not_taken_for_unchanged(factory, db):
    """A line of a space that the file's own floor line refuses is refused, even when it equals its export."""
    from facilities.inventory import bulk_export

    factory.building(floors=1, spaces_per_floor=1)
    lines = bulk_export.export_file("csv").decode("utf-8-sig").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("floor,"))
    lines[at] = lines[at].replace(",yes,", ",maybe,").replace(",no,", ",maybe,")
    report = run("\r\n".join(lines).encode())
    assert report.counts["refused"] == 2, report.lines
    assert {line.entity for line in report.lines if line.outcome == "refused"} == {"floor", "space"}
