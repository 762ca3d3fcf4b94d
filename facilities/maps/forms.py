"""Forms of the maps area: the map filters (a GET form read by the same rules as the API)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField

from facilities.inventory.catalogue import SERVICE_LABELS, SITE_KIND_LABELS, SITE_STATUS_LABELS
from facilities.inventory.rules import SITE_FILTER_RULES
from facilities.validation import Rule, ValidationError, clean

COLOR_BY_LABELS = {"kind": _l("Kind"), "status": _l("Status")}
DPE_COLOR_LABEL = _l("Energy label (DPE)")
SAFETY_COLOR_LABEL = _l("Safety: what is due")
INDICATOR_LABELS = {
    "": _l("None"),
    "sites_count": _l("Sites serving the commune"),
    "distance": _l("Distance to the nearest open site offering the service"),
}


MAP_RULES = (
    *(rule for rule in SITE_FILTER_RULES if rule.name != "q"),
    Rule("color_by", "choice", _l("Colour by"), choices=lambda: [*COLOR_BY_LABELS, "dpe", "safety"],
         default="kind"),
    Rule("indicator", "choice", _l("Communes coloured by"), choices=lambda: [c for c in INDICATOR_LABELS if c],
         default=""),
)


def clean_map_options(args) -> tuple[dict[str, Any], dict[str, str]]:
    """Read the map's query parameters field by field: a bad one is reported and ignored, the others apply."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for rule in MAP_RULES:
        try:
            values.update(clean([rule], {rule.name: args.get(rule.name)}))
        except ValidationError as error:
            errors.update(error.errors)
            values.update(clean([rule], {}))
    if values["indicator"] == "distance" and not values["service"]:
        errors["service"] = str(_l("Choose a service to colour the communes by distance."))
        values["indicator"] = ""
    return values, errors


FILTER_FIELDS = ("service", "status", "kind", "commune", "color_by", "indicator")


def _choices(labels, blank) -> list[tuple[str, str]]:
    return [("", str(blank)), *((str(code), str(label)) for code, label in labels.items())]


class MapFilterForm(Form):
    """Filters and display options of the map; rendered by WTForms, judged by MAP_RULES."""

    service = SelectField(_l("Service"))
    status = SelectField(_l("Status"))
    kind = SelectField(_l("Kind"))
    commune = SelectField(_l("Commune"))
    color_by = SelectField(_l("Colour sites by"))
    indicator = SelectField(_l("Colour communes by"))

    @classmethod
    def build(cls, values: dict[str, Any], communes: list[tuple[str, str]], boundaries_loaded: bool,
              errors: dict[str, str] | None = None) -> MapFilterForm:
        form = cls(data={name: values.get(name) or "" for name in FILTER_FIELDS})
        form.service.choices = _choices(SERVICE_LABELS, _l("All services"))
        form.status.choices = _choices(SITE_STATUS_LABELS, _l("All statuses"))
        form.kind.choices = _choices(SITE_KIND_LABELS, _l("All kinds"))
        form.commune.choices = [("", str(_l("All communes"))), *communes]
        labels = dict(COLOR_BY_LABELS, dpe=DPE_COLOR_LABEL, safety=SAFETY_COLOR_LABEL)
        form.color_by.choices = [(code, str(label)) for code, label in labels.items()]
        form.indicator.choices = [(code, str(label)) for code, label in INDICATOR_LABELS.items()]
        for name, message in (errors or {}).items():
            if name in form._fields:
                form._fields[name].errors = [message]
        if not boundaries_loaded:
            del form.indicator
        return form
