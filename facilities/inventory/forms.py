"""Inventory forms. Fields are plain text where the domain rules parse numbers, so messages are the same everywhere."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from facilities.forms import RuleForm, choice_field
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
)
from facilities.inventory.floor_copy import COPY_MODE_LABELS


def _decimal(label):
    return StringField(label, render_kw={"inputmode": "decimal", "autocomplete": "off"})


def _integer(label):
    return StringField(label, render_kw={"inputmode": "numeric", "autocomplete": "off"})


class ProvenanceFields:
    provenance_source = StringField(_l("Source document"))
    provenance_date = StringField(_l("Source date"), render_kw={"type": "date"})
    illustrative = BooleanField(_l("Illustrative figures (not from a source document)"))
    provenance_note = TextAreaField(_l("Provenance note"), render_kw={"rows": 2})


class SiteForm(ProvenanceFields, RuleForm):
    code = StringField(_l("Code"), description=_l("Unique, e.g. PS-ASN"))
    name = StringField(_l("Name"))
    kind = choice_field(_l("Kind"), SITE_KIND_LABELS)
    status = choice_field(_l("Status"), SITE_STATUS_LABELS)
    address = StringField(_l("Address"))
    postcode = StringField(_l("Postcode"))
    commune_code = StringField(_l("Commune INSEE code"))
    commune_name = StringField(_l("Commune"))
    communes_served = TextAreaField(_l("Communes served"), description=_l("One per line: INSEE code then name"),
                                    render_kw={"rows": 3})
    latitude = _decimal(_l("Latitude"))
    longitude = _decimal(_l("Longitude"))
    location_precision = choice_field(_l("Location precision"), LOCATION_PRECISION_LABELS, blank=True)
    opened_on = StringField(_l("Opening date"), render_kw={"type": "date"})
    opening_hours = StringField(_l("Opening hours"))
    transport_access = StringField(_l("Public-transport access"))
    services = choice_field(_l("Services"), SERVICE_LABELS, multiple=True, widget=ListWidget(prefix_label=False),
                            option_widget=CheckboxInput())


class BuildingForm(ProvenanceFields, RuleForm):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    year_built = _integer(_l("Year built or acquired"))
    gross_floor_area_m2 = _decimal(_l("Gross floor area (m²)"))
    erp_types = choice_field(_l("ERP types"), ERP_TYPE_LABELS, multiple=True, widget=ListWidget(prefix_label=False),
                             option_widget=CheckboxInput())
    public_capacity = _integer(_l("Public capacity (people)"))
    staff_capacity = _integer(_l("Staff capacity (people)"))
    with_accommodation = BooleanField(_l("With accommodation (avec hébergement)"))
    erp_category_override = choice_field(
        _l("ERP category (override)"), {category: str(category) for category in ERP_CATEGORIES}, blank=True,
        description=_l("Leave blank to use the category derived from the capacity and the type's threshold"))
    erp_category_override_reason = TextAreaField(_l("Reason for the override"), render_kw={"rows": 2})
    tertiary_area_m2 = _decimal(_l("Tertiary floor area (m²)"))
    housing_area_m2 = _decimal(_l("Housing floor area (m²)"))
    activity_category = choice_field(_l("Activity category (tertiary part)"), ACTIVITY_CATEGORY_LABELS, blank=True)
    cost_eur = _decimal(_l("Acquisition and fit-out cost (€)"))
    opened_on = StringField(_l("Opening date (if different from the site's)"), render_kw={"type": "date"})


class FloorForm(RuleForm):
    level = _integer(_l("Level"))
    name = StringField(_l("Name"), description=_l("e.g. RDC, R+1"))
    area_m2 = _decimal(_l("Area (m²)"))
    is_public = BooleanField(_l("Open to the public"))


class SpaceForm(RuleForm):
    code = StringField(_l("Code"))
    name = StringField(_l("Name"))
    space_type = choice_field(_l("Type"), SPACE_TYPE_LABELS)
    area_m2 = _decimal(_l("Area (m²)"))
    is_public = BooleanField(_l("Open to the public"))
    step_free = BooleanField(_l("Step-free access"), default=True)
    workstations = _integer(_l("Workstations"))
    pcs = _integer(_l("PCs"))
    specialty = choice_field(_l("Specialty (medical cabinets)"), MEDICAL_SPECIALTY_LABELS, blank=True)
    equipment = TextAreaField(_l("Equipment"), render_kw={"rows": 2})


class CopyFloorForm(RuleForm):
    levels = StringField(_l("Target levels"), description=_l("Comma-separated, e.g. 3, 4, 5"))
    mode = choice_field(_l("Existing floors"), COPY_MODE_LABELS, default="new")
    confirmed = HiddenField()  # "yes" once the preview was shown: the copy is then applied


class PublishedFigureForm(RuleForm):
    figure = choice_field(_l("Figure"), PUBLISHED_FIGURE_LABELS)
    value = _decimal(_l("Published value"))
    source = StringField(_l("Source document"), description=_l("Its title, e.g. the press release of 6 June 2023"))
    published_on = StringField(_l("Published on"), render_kw={"type": "date"})
    reference = StringField(_l("Address or reference of the document"))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2},
                         description=_l("How the document words it, e.g. « 7 niveaux »"))


class DeleteForm(FlaskForm):
    confirm = BooleanField(_l("I understand that this also deletes everything listed above"))
