"""Pages of the audit trail: a building's history. There is no route that edits or deletes the trail."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities.audit import services
from facilities.extensions import db
from facilities.formatting import format_area, format_money, format_number
from facilities.inventory import rules
from facilities.inventory.catalogue import (
    ENTITY_LABELS,
    ERP_TYPE_LABELS,
    LOCATION_PRECISION_LABELS,
    MEDICAL_SPECIALTY_LABELS,
    SERVICE_LABELS,
    SITE_KIND_LABELS,
    SITE_STATUS_LABELS,
    SPACE_TYPE_LABELS,
)
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.pagination import paginate
from facilities.permissions import Permission, requires
from facilities.trail.recorder import declared_labels
from facilities.validation import MAX_ID

bp = Blueprint("audit", __name__)

HISTORY_PER_PAGE = 50


@bp.route("/buildings/<int:building_id>/history")
@requires(Permission.READ)
def building_history(building_id: int):
    """The changes to a building, its floors and spaces, newest first; ?floor=ID: one floor and its spaces;
    ?space=ID: one space."""
    building = db.session.get(Building, building_id)
    if building is None:
        abort(404)
    floor = _part_of(building, Floor, request.args.get("floor", type=int))
    space = _part_of(building, Space, request.args.get("space", type=int))
    if space is not None:
        query, subject = services.records_history_query(building_id, {"space": [space.id]}), space
    elif floor is not None:
        query = services.records_history_query(building_id, {"floor": [floor.id], "space": [s.id for s in floor.spaces]})
        subject = floor
    else:
        query, subject = services.building_history_query(building_id), None
    page = paginate(query, per_page=current_app.config.get("AUDIT_PER_PAGE", HISTORY_PER_PAGE))
    return render_template("audit/building_history.html", building=building, site=building.site, page=page,
                           floor=floor, space=space, subject=subject)


def _part_of(building: Building, model, record_id: int | None):
    """The floor or space asked for, which must be the building's (404 otherwise); None when none is asked."""
    if record_id is None:
        return None
    record = db.session.get(model, record_id) if 0 < record_id <= MAX_ID else None
    floor = getattr(record, "floor", record)
    if record is None or floor.building_id != building.id:
        abort(404)
    return record


def recent_changes_panel(**_objects) -> dict:
    """Data of the home dashboard's "Recent changes": the latest entries, each with the page of its record."""
    changes = []
    for entry in services.recent_entries(limit=8):
        done = {"create": _("creation"), "update": _("modification"), "delete": _("deletion")}.get(entry.action, entry.action)
        changes.append({"at": entry.at, "label": entry.label or str(entry.entity_id), "url": _record_url(entry),
                        "what": audit_entity_label(entry.entity), "done": done})
    return {"changes": changes}


def _record_url(entry) -> str | None:
    """The page showing an entry's record, while it exists (a space is shown on its floor's page)."""
    if entry.action == "delete":
        return None
    if entry.entity == "site" and db.session.get(Site, entry.entity_id) is not None:
        return url_for("inventory.site_detail", site_id=entry.entity_id)
    if entry.entity == "building" and db.session.get(Building, entry.entity_id) is not None:
        return url_for("inventory.building_detail", building_id=entry.entity_id)
    if entry.entity == "floor" and db.session.get(Floor, entry.entity_id) is not None:
        return url_for("inventory.floor_detail", floor_id=entry.entity_id)
    space = db.session.get(Space, entry.entity_id) if entry.entity == "space" else None
    if space is not None:
        return url_for("inventory.floor_detail", floor_id=space.floor_id, _anchor=f"space-{space.id}")
    return None


# The records a field points to, named as the forms name them (the history shows "Floor: no. 4", not "floor_id").
REFERENCE_LABELS = {"site_id": _l("Site"), "building_id": _l("Building"), "floor_id": _l("Floor")}
# Recorded fields that no form rule labels.
FIELD_LABELS = {"illustrative": _l("Illustrative"), **REFERENCE_LABELS}
# The code lists of the fields that hold codes: the history shows their French (or English) labels.
CODE_LABELS = {
    "site": {"kind": SITE_KIND_LABELS, "status": SITE_STATUS_LABELS, "location_precision": LOCATION_PRECISION_LABELS,
             "services": SERVICE_LABELS},
    "building": {"erp_type": ERP_TYPE_LABELS, "erp_types": ERP_TYPE_LABELS},
    "space": {"space_type": SPACE_TYPE_LABELS, "specialty": MEDICAL_SPECIALTY_LABELS},
}
ACTORS = {"system": _l("system")}
DECIMAL_TEXT = re.compile(r"-?\d+\.\d+")  # the actor of changes no person made (the demo loader, migrations)


def _rules_by_entity() -> dict[str, dict[str, object]]:
    labels = {}
    for entity, rule_set in (("site", rules.SITE_RULES), ("building", rules.BUILDING_RULES),
                             ("floor", rules.FLOOR_RULES), ("space", rules.SPACE_RULES)):
        labels[entity] = {rule.name: rule.label for rule in rule_set}
    labels["building"]["cost_cents"] = labels["building"].get("cost_eur")
    return labels


def _text_fields() -> dict[str, set[str]]:
    """The fields each kind of record holds as text (their values are shown as typed)."""
    return {entity: {rule.name for rule in rule_set if rule.kind == "text"}
            for entity, rule_set in (("site", rules.SITE_RULES), ("building", rules.BUILDING_RULES),
                                     ("floor", rules.FLOOR_RULES), ("space", rules.SPACE_RULES))}


@bp.context_processor
def history_labels() -> dict:
    """The label helpers of the history page."""
    return {"audit_field_label": audit_field_label, "audit_action_label": audit_action_label,
            "audit_entity_label": audit_entity_label, "audit_source_label": audit_source_label,
            "audit_value": audit_value, "audit_actor": audit_actor}


def audit_actor(actor: str | None) -> str:
    """Who made a change: a person's e-mail, or "system" in the reader's language."""
    return str(ACTORS.get(actor or "", actor or "—"))


def audit_field_label(entity: str, name: str) -> str:
    """The form label of a field, or its technical name for fields that have none."""
    label = (_rules_by_entity().get(entity, {}).get(name) or declared_labels().get(entity, (None, {}, {}))[1].get(name)
             or FIELD_LABELS.get(name))
    return str(label) if label is not None else name.replace("_", " ")


def audit_action_label(action: str) -> str:
    """created / changed / deleted, in the reader's language."""
    return {"create": _("Creation"), "update": _("Change of"), "delete": _("Deletion")}.get(action, action)


def audit_entity_label(entity: str) -> str:
    """The kind of record, in the reader's language."""
    label = ENTITY_LABELS.get(entity) or declared_labels().get(entity, (None,))[0]
    return str(label) if label is not None else entity.replace("_", " ")


def audit_source_label(source: str) -> str:
    """Where the change came from, in the reader's language."""
    return {"web": _("page"), "api": _("API"), "cli": _("command line"), "import": _("import"),
            "system": _("system")}.get(source, source)


def audit_value(value, name: str = "", entity: str = "") -> str:
    """A stored value as text: codes as their labels, lists joined, booleans as yes/no, cents as money, the id of
    another record as its number, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    codes = CODE_LABELS.get(entity, {}).get(name) or declared_labels().get(entity, (None, {}, {}))[2].get(name)
    if codes is not None and isinstance(value, str | list):
        return ", ".join(str(codes.get(code, code)) for code in (value if isinstance(value, list) else [value]))
    if name in REFERENCE_LABELS and isinstance(value, int):
        return _("no. %(id)s", id=value)
    if isinstance(value, str) and name in _text_fields().get(entity, ()):
        return value  # a code such as "0.90" is text, not a number
    if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value):  # areas and other decimals, stored as text
        number = Decimal(value)
        locale = str(get_locale() or "fr")
        return format_area(number, locale) if name.endswith("_m2") else format_number(number, locale)
    if name.endswith("_cents") and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, str(get_locale() or "fr"))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(f"{item.get('code', '')} {item.get('name', '')}".strip() if isinstance(item, dict)
                         else str(item) for item in value)
    return str(value)
