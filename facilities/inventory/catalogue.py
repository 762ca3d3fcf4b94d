"""Code lists of the inventory: site kinds and statuses, services, space types. Codes are stored; labels are translated."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class SiteKind(StrEnum):
    SOCIAL_HUB = "social_hub"
    IME = "ime"
    CHILD_WELFARE_HOME = "child_welfare_home"
    MAISON_DEPARTEMENTALE = "maison_departementale"
    OTHER = "other"


SITE_KIND_LABELS = {
    SiteKind.SOCIAL_HUB: _l("Social hub"),
    SiteKind.IME: _l("Medico-educational institute (IME)"),
    SiteKind.CHILD_WELFARE_HOME: _l("Child-welfare home"),
    SiteKind.MAISON_DEPARTEMENTALE: _l("Maison départementale"),
    SiteKind.OTHER: _l("Other"),
}


class SiteStatus(StrEnum):
    PLANNED = "planned"
    IN_WORKS = "in_works"
    OPEN = "open"
    CLOSED = "closed"


SITE_STATUS_LABELS = {
    SiteStatus.PLANNED: _l("Planned"),
    SiteStatus.IN_WORKS: _l("In works"),
    SiteStatus.OPEN: _l("Open"),
    SiteStatus.CLOSED: _l("Closed"),
}


# The figures a source document (a press release, a report) may publish about a building, compared with what the
# inventory counts (facilities/inventory/published.py): the key figures, the areas and the cost.
PUBLISHED_FIGURE_LABELS = {
    "floors": _l("Levels"),
    "public_floors": _l("Public floors"),
    "interview_offices": _l("Interview offices"),
    "medical_cabinets": _l("Medical cabinets"),
    "digital_spaces": _l("Digital spaces"),
    "public_pcs": _l("Public PCs"),
    "mediation_spaces": _l("Mediation spaces"),
    "workstations": _l("Workstations"),
    "spaces": _l("Spaces"),
    "gross_floor_area_m2": _l("Gross floor area (m²)"),
    "usable_area_m2": _l("Usable area (m²)"),
    "cost_eur": _l("Acquisition and fit-out cost (€)"),
}

# The kinds of inventory record, as imports, exports and the audit trail name them.
ENTITY_LABELS = {"site": _l("site"), "building": _l("building"), "floor": _l("floor"), "space": _l("space"),
                 "published_figure": _l("published figure")}


class LocationPrecision(StrEnum):
    ADDRESS = "address"
    COMMUNE = "commune"


LOCATION_PRECISION_LABELS = {
    LocationPrecision.ADDRESS: _l("Address"),
    LocationPrecision.COMMUNE: _l("Commune"),
}

# The catalogue of services a site may offer.
SERVICE_LABELS = {
    "pmi": _l("Maternal and child protection (PMI)"),
    "ase": _l("Child welfare (ASE)"),
    "sexual_health": _l("Sexual health centre"),
    "social_action": _l("Social action and integration"),
    "access_to_rights": _l("Access to rights (RSA, CAF, CSS, FSL)"),
    "digital_help": _l("Help with online procedures"),
    "solidarity_desk": _l("Solidarity desk"),
    "rsa_support": _l("Support of RSA recipients"),
    "disability": _l("Disability support"),
    "residential_care": _l("Residential care"),
    "education": _l("Specialised education"),
}


class SpaceType(StrEnum):
    INTERVIEW_OFFICE = "interview_office"
    MEDICAL_CABINET = "medical_cabinet"
    DIGITAL_SPACE = "digital_space"
    MEDIATION_SPACE = "mediation_space"
    OFFICE = "office"
    MEETING_ROOM = "meeting_room"
    RECEPTION = "reception"
    WAITING_AREA = "waiting_area"
    SANITARY = "sanitary"
    TECHNICAL = "technical"
    STORAGE = "storage"
    CIRCULATION = "circulation"
    OTHER = "other"


SPACE_TYPE_LABELS = {
    SpaceType.INTERVIEW_OFFICE: _l("Interview office"),
    SpaceType.MEDICAL_CABINET: _l("Medical cabinet"),
    SpaceType.DIGITAL_SPACE: _l("Digital space"),
    SpaceType.MEDIATION_SPACE: _l("Parent/child mediation space"),
    SpaceType.OFFICE: _l("Office"),
    SpaceType.MEETING_ROOM: _l("Meeting room"),
    SpaceType.RECEPTION: _l("Reception"),
    SpaceType.WAITING_AREA: _l("Waiting area"),
    SpaceType.SANITARY: _l("Sanitary"),
    SpaceType.TECHNICAL: _l("Technical room"),
    SpaceType.STORAGE: _l("Storage"),
    SpaceType.CIRCULATION: _l("Circulation"),
    SpaceType.OTHER: _l("Other"),
}

MEDICAL_SPECIALTY_LABELS = {
    "sexual_health": _l("Sexual health centre"),
    "pmi": _l("PMI consultations"),
    "general": _l("General"),
}

# ERP types (règlement de sécurité contre l'incendie, arrêté du 25 juin 1980, art. GN 1): the establishments
# in buildings (J to Y), then the special establishments (PA to EF). Categories 1..5 (CCH R143-19): the
# category of a building is derived from its capacity by facilities.inventory.erp.
ERP_TYPE_LABELS = {
    "J": _l("J – facilities for elderly or disabled people"),
    "L": _l("L – meeting, conference and performance rooms"),
    "M": _l("M – shops and shopping centres"),
    "N": _l("N – restaurants and bars"),
    "O": _l("O – hotels and tourist accommodation"),
    "P": _l("P – dance halls and game rooms"),
    "R": _l("R – teaching, holiday camps"),
    "S": _l("S – libraries, archives"),
    "T": _l("T – exhibition halls"),
    "U": _l("U – health-care establishments"),
    "V": _l("V – places of worship"),
    "W": _l("W – offices, administrations"),
    "X": _l("X – indoor sports halls"),
    "Y": _l("Y – museums"),
    "PA": _l("PA – open-air establishments"),
    "CTS": _l("CTS – marquees, tents and structures"),
    "SG": _l("SG – inflatable structures"),
    "PS": _l("PS – covered car parks"),
    "GA": _l("GA – railway stations"),
    "OA": _l("OA – high-altitude hotels and restaurants"),
    "REF": _l("REF – mountain refuges"),
    "EF": _l("EF – floating establishments"),
}
ERP_CATEGORIES = (1, 2, 3, 4, 5)


class ActivityCategory(StrEnum):
    """The activity of a building's tertiary part, as the Décret tertiaire declares it (OPERAT's main
    categories; the EFAs of the energy area use the same list)."""

    OFFICES = "offices"
    HEALTH = "health"
    MEDICO_SOCIAL = "medico_social"
    ACCOMMODATION = "accommodation"
    TEACHING = "teaching"
    EARLY_CHILDHOOD = "early_childhood"
    CULTURE = "culture"
    SPORT = "sport"
    CATERING = "catering"
    OTHER = "other"


ACTIVITY_CATEGORY_LABELS = {
    ActivityCategory.OFFICES: _l("Offices, public administration"),
    ActivityCategory.HEALTH: _l("Health care"),
    ActivityCategory.MEDICO_SOCIAL: _l("Medico-social care"),
    ActivityCategory.ACCOMMODATION: _l("Accommodation (homes, residences)"),
    ActivityCategory.TEACHING: _l("Teaching, training"),
    ActivityCategory.EARLY_CHILDHOOD: _l("Early childhood (crèches)"),
    ActivityCategory.CULTURE: _l("Culture, leisure"),
    ActivityCategory.SPORT: _l("Sport"),
    ActivityCategory.CATERING: _l("Catering"),
    ActivityCategory.OTHER: _l("Other tertiary activity"),
}


def label(labels: dict, code: str | None) -> str:
    """The translated label of a code, or the code itself when unknown."""
    if code is None:
        return ""
    found = labels.get(code)
    return str(found) if found is not None else code


def codes(labels: dict) -> list[str]:
    """The codes of a catalogue, in catalogue order."""
    return [str(code) for code in labels]
