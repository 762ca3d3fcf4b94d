"""The safety area's code lists, in one place: equipment categories, condition, criticality. Codes are stored;
labels are translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Technical equipment subject to periodic checks in an ERP (règlement de sécurité, arrêté du 25 juin 1980).
EQUIPMENT_CATEGORY_LABELS = {
    "electrical": _l("Electrical installation"),
    "gas": _l("Gas installation"),
    "heating": _l("Heating / boiler"),
    "ventilation": _l("Ventilation"),
    "kitchen_hood": _l("Kitchen hood"),
    "fire_alarm": _l("Fire-alarm system (SSI)"),
    "smoke_extraction": _l("Smoke extraction"),
    "emergency_lighting": _l("Emergency lighting"),
    "extinguishers": _l("Extinguishers"),
    "fire_doors": _l("Fire doors"),
    "lift": _l("Lift"),
    "automatic_doors": _l("Automatic doors"),
    "lightning_protection": _l("Lightning protection"),
    "hot_water": _l("Hot-water network (legionella)"),
    "accessibility_equipment": _l("Accessibility equipment (ramp, platform lift)"),
    "other": _l("Other"),
}

# Condition of an item on the day it was assessed: 1 (as new) to 5 (to replace), the worst the highest as in
# condition surveys (NEN 2767) and in the renewal policy ("earlier when its condition is 4–5").
CONDITION_LABELS = {
    1: _l("1 – as new"),
    2: _l("2 – good"),
    3: _l("3 – fair"),
    4: _l("4 – poor"),
    5: _l("5 – to replace"),
}

CRITICALITY_LABELS = {
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High (safety of people)"),
}

# The periodic checks the rules require (one code each); the reference table says to what, how often and by whom.
CHECK_TYPE_LABELS = {
    "electrical": _l("Electrical installations (EL 19)"),
    "gas": _l("Gas installations (GZ 30)"),
    "heating_ventilation": _l("Heating and ventilation (CH 58)"),
    "kitchen_hood": _l("Kitchen hoods (GC 21)"),
    "fire_alarm": _l("Fire-alarm system (MS 73)"),
    "smoke_extraction": _l("Smoke extraction (DF 10)"),
    "emergency_lighting": _l("Emergency lighting (EC 15)"),
    "extinguishers": _l("Extinguishers (MS 38)"),
    "fire_doors": _l("Fire doors and shutters (CO 48)"),
    "lift_yearly": _l("Lift: maintenance visit (R125-2 CCH)"),
    "lift_five_yearly": _l("Lift: five-yearly technical check (R134-11 CCH)"),
    "automatic_doors": _l("Automatic doors (twice a year)"),
    "lightning_protection": _l("Lightning protection"),
    "legionella": _l("Hot water: legionella sampling"),
}

PERFORMER_LABELS = {
    "approved_body": _l("Approved body (organisme agréé)"),
    "competent_technician": _l("Competent technician"),
}

CHECK_RESULT_LABELS = {
    "compliant": _l("Compliant"),
    "observations": _l("With observations"),
    "non_compliant": _l("Not compliant"),
}

FINDING_SEVERITY_LABELS = {
    "minor": _l("Minor"),
    "major": _l("Major"),
    "critical": _l("Critical (danger)"),
}

# What a planned check's status says (the API's `status` of the compliance answer).
CHECK_STATUS_LABELS = {
    "ok": _l("Up to date"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "never_done": _l("Never done"),
}

# The safety commission's opinion after a visit.
OPINION_LABELS = {
    "favourable": _l("Favourable"),
    "unfavourable": _l("Unfavourable (défavorable)"),
}

# How an ERP stands against the accessibility rules (registre public d'accessibilité, arrêté du 19 avril 2017).
ACCESSIBILITY_STATUS_LABELS = {
    "certificate": _l("Accessible: accessibility certificate"),
    "adap": _l("Works under way: Ad'AP schedule approved"),
    "derogation": _l("Accessible with derogations"),
    "pending": _l("Being made accessible"),
}
