"""Issue 20 point 5: the communes menu (site list and map) from an indexed query, not a GROUP BY over every site."""

from __future__ import annotations


def test_each_commune_once_by_name_accents_ignored(factory):
    from facilities.inventory.services import commune_choices

    factory.site(code="C1", commune_code="92050", commune_name="Nanterre")
    factory.site(code="C2", commune_code="92050", commune_name="Nanterre")
    factory.site(code="C3", commune_code="92004", commune_name="Asnières-sur-Seine")
    factory.site(code="C4", commune_code="92032", commune_name="Fontenay-aux-Roses")
    factory.site(code="C5", commune_code="92026", commune_name="Courbevoie")
    factory.site(code="C6", commune_code=None, commune_name=None)
    factory.site(code="C7", commune_code="92999", commune_name=None)
    assert commune_choices() == [("92999", "92999"), ("92004", "Asnières-sur-Seine"), ("92026", "Courbevoie"),
                                 ("92032", "Fontenay-aux-Roses"), ("92050", "Nanterre")]


def test_no_site_no_commune(db):
    from facilities.inventory.services import commune_choices

    assert commune_choices() == []


def test_the_menu_uses_the_index(db, factory):
    """The query plan seeks the (commune_code, commune_name) index instead of scanning the sites."""
    from sqlalchemy import text

    from facilities.inventory.services import _DISTINCT_COMMUNES

    factory.site(code="P1", commune_code="92050", commune_name="Nanterre")
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + _DISTINCT_COMMUNES.text)))
        assert "ix_sites_commune_code" in plan and "SCAN sites" not in plan, plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text("EXPLAIN " + _DISTINCT_COMMUNES.text)))
        assert "ix_sites_commune_code" in plan, plan
