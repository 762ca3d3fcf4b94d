"""The inventory's input rules, declared once for forms, API, command line and imports."""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities import years
from facilities.inventory.catalogue import (
    ACTIVITY_CATEGORY_LABELS,
    ERP_CATEGORIES,
    ERP_TYPE_LABELS,
    LOCATION_PRECISION_LABELS,
    MEDICAL_SPECIALTY_LABELS,
    PUBLISHED_FIGURE_LABELS,
    SERVICE_LABELS,
    SITE_KIND_LABELS,
    SITE_STATUS_LABELS,
    SPACE_TYPE_LABELS,
    SpaceType,
    codes,
)
from facilities.inventory.summary import COUNT_FIGURES
from facilities.validation import Check, Rule, ValidationError, clean, format_area, merge_errors, year_rule

MAX_AREA_M2 = Decimal("1000000")  # larger figures are typing mistakes, not buildings
MIN_LEVEL, MAX_LEVEL = -10, 200
MAX_COUNT = 100_000
MAX_CAPACITY = 100_000  # people in one building: above any ERP (a stadium holds 80,000)
# Formats, as regular expressions with ASCII classes only (Python reads "\d" as any Unicode digit, "٩٢٠٠٤"
# included): the rules check them and the API's description states them as they are.
CODE_FORMAT = r"[A-Za-z0-9][A-Za-z0-9_.\-/+]*"
INSEE_FORMAT = r"[0-9]{5}|2[AB][0-9]{3}"  # Corsica's départements are 2A and 2B
POSTCODE_FORMAT = r"[0-9]{5}"
INSEE_PATTERN = re.compile(rf"^(?:{INSEE_FORMAT})$")
# communes_served as text: entries separated by new lines or ';', each (without its surrounding spaces) empty or
# an INSEE code, then optionally a space and the commune's name; what parse_communes_served reads.
_BLANK = r"[^\S\n]*"  # spaces other than the new line that separates entries
_COMMUNE_ENTRY = rf"{_BLANK}(?:(?:{INSEE_FORMAT})(?:{_BLANK}| [^\n;\x00]*))?"
COMMUNES_SERVED_FORMAT = rf"{_COMMUNE_ENTRY}(?:[\n;]{_COMMUNE_ENTRY})*"


# Rules that tie fields together (the API's description states them beside the fields' own).
LOCATION_FIELDS = ("latitude", "longitude")  # a new site's location: both or neither
SPECIALTY_SPACE_TYPES = (SpaceType.MEDICAL_CABINET,)  # the space types that may have a medical specialty
ERP_OVERRIDE_FIELDS = ("erp_category_override", "erp_category_override_reason")  # an override gives its reason


def _code(max_length: int) -> Rule:
    return Rule("code", "text", _l("Code"), required=True, max_length=max_length, pattern=CODE_FORMAT,
                pattern_message=_l("Code may contain only letters, digits and - _ . / +, and must start with a letter "
                                   "or digit"))


def _communes_message(text: str) -> str:
    """The message of a communes_served text that is not a list of INSEE codes: the first entry at fault."""
    try:
        parse_communes_served(text)
    except ValidationError as error:
        return error.errors["communes_served"]
    return _("is not in the expected format")


def _area(name: str, label, required: bool) -> Rule:
    return Rule(name, "decimal", label, required=required, minimum=Decimal(0), exclusive_minimum=True,
                maximum=MAX_AREA_M2, unit="m²", places=2)


def _area_by_use(name: str, label) -> Rule:
    """An area of one use of a building: zero allowed (a building with no housing), never negative or absurd."""
    return Rule(name, "decimal", label, minimum=Decimal(0), maximum=MAX_AREA_M2, unit="m²", places=2)


PROVENANCE_RULES = (
    Rule("provenance_source", "text", _l("Source document"), max_length=300),
    Rule("provenance_date", "date", _l("Source date")),
    Rule("illustrative", "bool", _l("Illustrative figures"), default=False),
    Rule("provenance_note", "text", _l("Provenance note"), max_length=2000),
)

SITE_RULES = (
    _code(32),
    Rule("name", "text", _l("Name"), required=True, max_length=200),
    Rule("kind", "choice", _l("Kind"), required=True, choices=lambda: codes(SITE_KIND_LABELS)),
    Rule("status", "choice", _l("Status"), required=True, choices=lambda: codes(SITE_STATUS_LABELS)),
    Rule("address", "text", _l("Address"), max_length=300),
    Rule("postcode", "text", _l("Postcode"), max_length=10, pattern=POSTCODE_FORMAT,
         pattern_message=_l("Postcode must be 5 digits")),
    Rule("commune_code", "text", _l("Commune INSEE code"), max_length=5, pattern=INSEE_FORMAT,
         pattern_message=_l("Commune INSEE code must be 5 characters, e.g. 92004")),
    Rule("commune_name", "text", _l("Commune"), max_length=120),
    # Text here (forms, files); the API also takes a list of entries (see clean_site).
    Rule("communes_served", "text", _l("Communes served"), max_length=5000, pattern=COMMUNES_SERVED_FORMAT,
         pattern_message=_communes_message),
    Rule("latitude", "float", _l("Latitude"), minimum=-90, maximum=90),
    Rule("longitude", "float", _l("Longitude"), minimum=-180, maximum=180),
    Rule("location_precision", "choice", _l("Location precision"), choices=lambda: codes(LOCATION_PRECISION_LABELS)),
    Rule("opened_on", "date", _l("Opening date")),
    Rule("opening_hours", "text", _l("Opening hours"), max_length=300),
    Rule("transport_access", "text", _l("Public-transport access"), max_length=300),
    Rule("services", "list", _l("Services"), choices=lambda: codes(SERVICE_LABELS), default=list),
    *PROVENANCE_RULES,
)

# The filters of a site list (pages, API, map): a code of each list, or a commune, or a text.
SITE_FILTER_RULES = (
    Rule("q", "text", _l("Search"), max_length=100),
    Rule("service", "choice", _l("Service"), choices=lambda: codes(SERVICE_LABELS)),
    Rule("status", "choice", _l("Status"), choices=lambda: codes(SITE_STATUS_LABELS)),
    Rule("kind", "choice", _l("Kind"), choices=lambda: codes(SITE_KIND_LABELS)),
    Rule("commune", "text", _l("Commune"), max_length=120),
)

BUILDING_RULES = (
    _code(32),
    Rule("name", "text", _l("Name"), required=True, max_length=200),
    year_rule("year_built", _l("Year built or acquired"), years.BUILDING),
    _area("gross_floor_area_m2", _l("Gross floor area"), required=False),
    Rule("erp_types", "list", _l("ERP types"), choices=lambda: codes(ERP_TYPE_LABELS), default=list),
    Rule("public_capacity", "int", _l("Public capacity"), minimum=0, maximum=MAX_CAPACITY),
    Rule("staff_capacity", "int", _l("Staff capacity"), minimum=0, maximum=MAX_CAPACITY),
    Rule("with_accommodation", "bool", _l("With accommodation"), default=False),
    Rule("erp_category_override", "int", _l("ERP category (override)"), minimum=min(ERP_CATEGORIES),
         maximum=max(ERP_CATEGORIES)),
    Rule("erp_category_override_reason", "text", _l("Reason for the override"), max_length=500),
    _area_by_use("tertiary_area_m2", _l("Tertiary floor area")),
    _area_by_use("housing_area_m2", _l("Housing floor area")),
    Rule("activity_category", "choice", _l("Activity category"), choices=lambda: codes(ACTIVITY_CATEGORY_LABELS)),
    Rule("cost_eur", "money", _l("Acquisition and fit-out cost")),
    Rule("opened_on", "date", _l("Opening date")),
    *PROVENANCE_RULES,
)

FLOOR_RULES = (
    Rule("level", "int", _l("Level"), required=True, minimum=MIN_LEVEL, maximum=MAX_LEVEL),
    Rule("name", "text", _l("Name"), required=True, max_length=120),
    _area("area_m2", _l("Area"), required=False),
    Rule("is_public", "bool", _l("Open to the public"), default=False),
)

SPACE_RULES = (
    _code(40),
    Rule("name", "text", _l("Name"), required=True, max_length=200),
    Rule("space_type", "choice", _l("Type"), required=True, choices=lambda: codes(SPACE_TYPE_LABELS)),
    _area("area_m2", _l("Area"), required=True),
    Rule("is_public", "bool", _l("Open to the public"), default=False),
    Rule("step_free", "bool", _l("Step-free access"), default=True),
    Rule("workstations", "int", _l("Workstations"), minimum=0, maximum=MAX_COUNT, default=0),
    Rule("pcs", "int", _l("PCs"), minimum=0, maximum=MAX_COUNT, default=0),
    Rule("specialty", "choice", _l("Specialty"), choices=lambda: codes(MEDICAL_SPECIALTY_LABELS)),
    Rule("equipment", "text", _l("Equipment"), max_length=2000),
)


MAX_PUBLISHED_VALUE = Decimal("999999999999")  # what the column holds (Numeric(14, 2)): above any cost in euros


def _whole_count(values: dict[str, Any]) -> dict[str, str]:
    """A published count (levels, offices…) is a whole number; areas and costs may have decimals."""
    value = values.get("value")
    if values.get("figure") in COUNT_FIGURES and value is not None and value != value.to_integral_value():
        return {"value": _("A number of %(figure)s is a whole number",
                           figure=str(PUBLISHED_FIGURE_LABELS[values["figure"]]).lower())}
    return {}


PUBLISHED_FIGURE_RULES = (
    Rule("figure", "choice", _l("Figure"), required=True, choices=lambda: codes(PUBLISHED_FIGURE_LABELS)),
    Rule("value", "decimal", _l("Published value"), required=True, minimum=Decimal(0),
         maximum=MAX_PUBLISHED_VALUE, places=2),
    Rule("source", "text", _l("Source document"), required=True, max_length=300),
    Rule("published_on", "date", _l("Published on"), minimum=date(1900, 1, 1), maximum=date.today),
    Rule("reference", "text", _l("Address or reference of the document"), max_length=500),
    Rule("note", "text", _l("Note"), max_length=2000),
)


def clean_published_figure(raw: dict[str, Any], *, partial: bool = False,
                           current_figure: str | None = None) -> dict[str, Any]:
    """Typed values of a published figure, or ValidationError listing every error at once."""

    def whole(values: dict[str, Any]) -> dict[str, str]:
        return _whole_count({"figure": values.get("figure", current_figure), "value": values.get("value")})

    return clean(PUBLISHED_FIGURE_RULES, raw, partial=partial, checks=(Check(("figure", "value"), whole),))


def parse_communes_served(text: str | list | None) -> list[dict[str, str]]:
    """Read 'INSEE code, then optional name' lines (or a list of such) into [{'code', 'name'}]."""
    if text is None:
        return []
    if isinstance(text, list):
        entries = []
        for item in text:
            if isinstance(item, dict):
                code, name = item.get("code"), item.get("name")
                name = "" if name is None else name
                if (not isinstance(code, str) or not isinstance(name, str) or not INSEE_PATTERN.match(code.strip())
                        or set(item) - {"code", "name"}):
                    raise ValidationError({"communes_served": _("each commune is an INSEE code and a name, as text")})
                entries.append(f"{code.strip()} {name}")
            elif isinstance(item, str):
                entries.append(item)
            else:
                raise ValidationError({"communes_served": _("each commune is an INSEE code and a name, as text")})
    else:
        entries = re.split(r"[\n;]+", text)
    result: list[dict[str, str]] = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        if "\x00" in entry:  # PostgreSQL cannot store it; no one types it
            raise ValidationError({"communes_served": _("must not contain NUL characters")})
        code, _sep, name = entry.partition(" ")
        if not INSEE_PATTERN.match(code):
            raise ValidationError(
                {"communes_served": _("'%(entry)s' does not start with a 5-character INSEE code", entry=entry[:40])}
            )
        result.append({"code": code, "name": name.strip()})
    return result


def _location_errors(values: dict[str, Any]) -> dict[str, str]:
    """A new site's location: both coordinates or neither."""
    latitude, longitude = LOCATION_FIELDS
    if (values.get(latitude) is None) == (values.get(longitude) is None):
        return {}
    return {longitude if values.get(longitude) is None else latitude: _("Give both latitude and longitude, or neither")}


def clean_site(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed site values from raw input, or ValidationError listing every error at once."""
    raw = copy.copy(raw)  # a copy of the same type: a JSON body stays one (its numbers are not text)
    communes = raw.pop("communes_served", None) if isinstance(raw.get("communes_served"), list) else None
    checks = () if partial else (Check(LOCATION_FIELDS, _location_errors),)
    try:
        values, errors = clean(SITE_RULES, raw, partial=partial, checks=checks), {}
    except ValidationError as error:
        values, errors = error.values, error.errors
    try:
        if communes is not None:
            values["communes_served"] = parse_communes_served(communes)
        elif values.get("communes_served") is not None and "communes_served" not in errors:
            values["communes_served"] = parse_communes_served(values["communes_served"])
        elif "communes_served" in values:
            values["communes_served"] = []
    except ValidationError as error:
        merge_errors(errors, error.errors)
    if errors:
        raise ValidationError(errors, values)
    return values


def check_areas_by_use(gross_m2: Decimal | None, tertiary_m2: Decimal | None,
                       housing_m2: Decimal | None) -> dict[str, str]:
    """The areas by use must fit in the gross floor area (when it is known): {field: message}, empty when they do."""
    if gross_m2 is None:
        return {}
    used = (tertiary_m2 or Decimal(0)) + (housing_m2 or Decimal(0))
    if used <= gross_m2:
        return {}
    field = "tertiary_area_m2" if tertiary_m2 is not None else "housing_area_m2"
    return {field: _("The tertiary area (%(tertiary)s m²) and the housing area (%(housing)s m²) add up to more than "
                     "the gross floor area (%(gross)s m²).", tertiary=format_area(tertiary_m2),
                     housing=format_area(housing_m2), gross=format_area(gross_m2))}


def tertiary_area_m2(gross_m2: Decimal | None, tertiary_m2: Decimal | None,
                     housing_m2: Decimal | None) -> Decimal | None:
    """A building's tertiary floor area: as recorded, else the gross floor area less the housing (None: unknown)."""
    if tertiary_m2 is not None:
        return tertiary_m2
    if gross_m2 is None:
        return None
    return max(gross_m2 - (housing_m2 or Decimal(0)), Decimal(0))


def _areas_by_use_errors(values: dict[str, Any]) -> dict[str, str]:
    return check_areas_by_use(values.get("gross_floor_area_m2"), values.get("tertiary_area_m2"),
                              values.get("housing_area_m2"))


def _erp_override_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    check_erp_override(values, errors)
    return errors


AREA_FIELDS = ("gross_floor_area_m2", "tertiary_area_m2", "housing_area_m2")


def clean_building(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed building values (cost in cents) from raw input, or ValidationError listing every error at once."""
    checks = [Check(ERP_OVERRIDE_FIELDS, _erp_override_errors)]
    if not partial:  # a PATCH's areas are judged with the saved ones (services)
        checks.append(Check(AREA_FIELDS, _areas_by_use_errors))
    values = clean(BUILDING_RULES, raw, partial=partial, checks=checks)
    if "cost_eur" in values:  # euros in, cents stored (the money rule returns cents)
        values["cost_cents"] = values.pop("cost_eur")
    return values


def check_erp_override(values: dict[str, Any], errors: dict[str, str]) -> None:
    """An ERP category typed over the derived one needs its reason (a new one each time it is set)."""
    override, reason = ERP_OVERRIDE_FIELDS
    if values.get(override) is not None and not values.get(reason):
        errors[reason] = _("Give the reason for overriding the derived ERP category")


def clean_floor(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Typed floor values from raw input, or ValidationError."""
    return clean(FLOOR_RULES, raw, partial=partial)


def clean_space(raw: dict[str, Any], *, partial: bool = False, current_type: str | None = None) -> dict[str, Any]:
    """Typed space values from raw input, or ValidationError listing every error at once."""

    def specialty_errors(values: dict[str, Any]) -> dict[str, str]:
        if values.get("specialty") and values.get("space_type", current_type) not in SPECIALTY_SPACE_TYPES:
            return {"specialty": _("A specialty applies to medical cabinets only")}
        return {}

    return clean(SPACE_RULES, raw, partial=partial, checks=(Check(("specialty", "space_type"), specialty_errors),))
