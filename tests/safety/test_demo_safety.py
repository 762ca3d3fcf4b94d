"""The demo's safety records: ERP data of W/U buildings, equipment and checks at Asnières and Clichy with one
overdue check and one open finding, all illustrative."""

from __future__ import annotations


def test_demo_shows_one_overdue_check_and_one_open_finding(demo, db):
    from sqlalchemy import select

    from facilities.inventory import erp
    from facilities.inventory.models import Building
    from facilities.safety import services
    from facilities.safety.models import Check, Equipment, Finding

    buildings = {b.code: b for b in db.session.scalars(select(Building).where(
        Building.code.in_(["PS-ASN-B1", "PS-CLI-B1", "IME-VLG-B1", "FOY-RUE-B1"])))}
    categories = {code: erp.building_category(b) for code, b in buildings.items()}
    assert {code: (c.category, c.source) for code, c in categories.items()} == {
        "PS-ASN-B1": (4, "derived"), "PS-CLI-B1": (4, "derived"), "IME-VLG-B1": (4, "derived"),
        "FOY-RUE-B1": (4, "derived")}
    assert buildings["PS-ASN-B1"].erp_types == ["W", "U"]
    lines = {line.building.code: line for line in services.buildings_due()}
    assert set(lines) == {"PS-ASN-B1", "PS-CLI-B1"}
    assert sum(line.summary.overdue for line in lines.values()) == 1
    overdue = [p for p in lines["PS-ASN-B1"].plan if p.status == "overdue"]
    assert [(p.check_type, p.equipment_name) for p in overdue] == [("lift_yearly", "Ascenseur principal")]
    assert lines["PS-ASN-B1"].summary.due_soon == 1  # emergency lighting, done 11 months ago
    assert [f.severity for line in lines.values() for f in line.open_findings] == ["major"]
    for model in (Equipment, Check, Finding):
        assert all(row.illustrative for row in db.session.scalars(select(model)))
