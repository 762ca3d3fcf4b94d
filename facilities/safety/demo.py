"""Illustrative safety records of the demo: equipment, checks, a finding and commission visits for Asnières and
Clichy.

Every record is marked illustrative. Dates are relative to the day the demo is loaded, so that the demo always
shows one overdue check (Asnières' lift, done 13 months ago on a yearly periodicity), one check due within 30
days and one open finding; loading it again changes nothing (items by building and name, checks by item and
type, findings by building and text).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.models import Building
from facilities.safety import accessibility, reference, rules, services
from facilities.safety.models import Check, Equipment, Finding, SafetyVisit
from facilities.safety.planning import add_months

# building code -> [(category, name, make, installed, [(check type, months ago, body, result)])]
DEMO_EQUIPMENT = {
    "PS-ASN-B1": [
        ("electrical", "TGBT", "Schneider Electric", "2023-03-01",
         [("electrical", 3, "Bureau Veritas", "compliant")]),
        ("fire_alarm", "Centrale SSI catégorie A", "Siemens", "2023-03-01",
         [("fire_alarm", 2, "Socotec", "observations")]),
        ("lift", "Ascenseur principal", "Otis", "2023-03-01",
         [("lift_yearly", 13, "Otis", "compliant"), ("lift_five_yearly", 30, "Apave", "compliant")]),
        ("extinguishers", "Extincteurs (24)", "Sicli", "2023-03-01",
         [("extinguishers", 8, "Sicli", "compliant")]),
        ("emergency_lighting", "Éclairage de sécurité (BAES)", "Legrand", "2023-03-01",
         [("emergency_lighting", 11, "Bureau Veritas", "compliant")]),
    ],
    "PS-CLI-B1": [
        ("electrical", "TGBT", "Legrand", "2024-01-15", [("electrical", 5, "Dekra", "compliant")]),
        ("fire_alarm", "Centrale SSI", "Siemens", "2024-01-15", [("fire_alarm", 6, "Socotec", "compliant")]),
        ("extinguishers", "Extincteurs (18)", "Desautel", "2024-01-15", [("extinguishers", 4, "Desautel", "compliant")]),
    ],
}
DEMO_FINDING = ("PS-ASN-B1", "fire_alarm", "Détecteur optique hors service au R+2 (illustratif)", "major")
# building code -> (months ago, commission): favourable visits, so that the demo's one alert stays the lift's check.
DEMO_VISITS = {"PS-ASN-B1": (14, "Sous-commission départementale (illustratif)"),
               "PS-CLI-B1": (20, "Commission communale de sécurité de Clichy (illustratif)")}


def load_demo(today: date | None = None) -> None:
    """Create the demo's illustrative equipment, checks and finding that are missing."""
    today = today or date.today()
    reference.ensure_seeded()
    for code, items in DEMO_EQUIPMENT.items():
        building = db.session.scalar(select(Building).where(Building.code == code))
        if building is None:
            continue
        for category, name, make, installed, checks in items:
            item = db.session.scalar(select(Equipment).where(Equipment.building_id == building.id,
                                                             Equipment.name == name))
            if item is None:
                item = services.create_equipment(building, rules.clean_equipment({
                    "category": category, "name": name, "make": make, "installed_on": installed,
                    "illustrative": True}))
            for check_type, months_ago, body, result in checks:
                if db.session.scalar(select(Check.id).where(Check.equipment_id == item.id,
                                                            Check.check_type == check_type)) is None:
                    done = add_months(today, -months_ago)
                    services.record_check(item, rules.clean_check({
                        "check_type": check_type, "done_on": done.isoformat(), "body": body, "result": result,
                        "illustrative": True}))
    for code, (months_ago, commission) in DEMO_VISITS.items():
        building = db.session.scalar(select(Building).where(Building.code == code))
        if building is not None and db.session.scalar(
                select(SafetyVisit.id).where(SafetyVisit.building_id == building.id)) is None:
            services.record_visit(building, rules.clean_visit({
                "visited_on": add_months(today, -months_ago).isoformat(), "commission": commission,
                "opinion": "favourable", "illustrative": True}))
    building = db.session.scalar(select(Building).where(Building.code == "PS-ASN-B1"))
    if building is not None and accessibility.register_of(building) is None:
        accessibility.save_register(building, accessibility.clean_register({
            "public_name": "Pôle social départemental d'Asnières / Gennevilliers",
            "services": "Accueil social, PMI, centre de santé sexuelle, aide sociale à l'enfance (illustratif)",
            "status": "certificate", "status_reference": "Attestation d'accessibilité (illustratif)",
            "staff_training": "Agents d'accueil formés à l'accueil des personnes handicapées (illustratif)",
            "equipment_upkeep": "Ascenseur entretenu par contrat ; boucle magnétique à l'accueil (illustratif)",
            "updated_on": today.isoformat()}))
    code, check_type, text, severity = DEMO_FINDING
    building = db.session.scalar(select(Building).where(Building.code == code))
    if building is None or db.session.scalar(select(Finding.id).where(Finding.description == text)) is not None:
        return
    check = db.session.scalar(select(Check).where(Check.building_id == building.id, Check.check_type == check_type))
    raised = check.done_on if check is not None else today - timedelta(days=30)
    services.raise_finding(building, rules.clean_finding({"description": text, "severity": severity,
                                                          "raised_on": raised.isoformat(), "illustrative": True}), check)
