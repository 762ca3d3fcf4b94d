"""Pages of the audit trail: a building's history. There is no route that edits or deletes the trail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from facilities.audit import services
from facilities.extensions import db
from facilities.formatting import format_money
from facilities.inventory import rules
from facilities.inventory.catalogue import ENTITY_LABELS
from facilities.inventory.models import Building
from facilities.pagination import paginate
from facilities.permissions import Permission, requires

bp = Blueprint("audit", __name__)

HISTORY_PER_PAGE = 50


@bp.route("/buildings/<int:building_id>/history")
@requires(Permission.READ)
def building_history(building_id: int):
    """The changes to a building, its floors and spaces, newest first."""
    building = db.session.get(Building, building_id)
    if building is None:
        abort(404)
    page = paginate(services.building_history_query(building_id),
                    per_page=current_app.config.get("AUDIT_PER_PAGE", HISTORY_PER_PAGE))
    return render_template("audit/building_history.html", building=building, site=building.site, page=page)


def _rules_by_entity() -> dict[str, dict[str, object]]:
    labels = {}
    for entity, rule_set in (("site", rules.SITE_RULES), ("building", rules.BUILDING_RULES),
                             ("floor", rules.FLOOR_RULES), ("space", rules.SPACE_RULES)):
        labels[entity] = {rule.name: rule.label for rule in rule_set}
    labels["building"]["cost_cents"] = labels["building"].get("cost_eur")
    return labels


@bp.context_processor
def history_labels() -> dict:
    """The label helpers of the history page."""
    return {"audit_field_label": audit_field_label, "audit_action_label": audit_action_label,
            "audit_entity_label": audit_entity_label, "audit_source_label": audit_source_label,
            "audit_value": audit_value}


def audit_field_label(entity: str, name: str) -> str:
    """The form label of a field, or its technical name for fields that have none."""
    label = _rules_by_entity().get(entity, {}).get(name)
    return str(label) if label is not None else name


def audit_action_label(action: str) -> str:
    """created / changed / deleted, in the reader's language."""
    return {"create": _("Created"), "update": _("Changed"), "delete": _("Deleted")}.get(action, action)


def audit_entity_label(entity: str) -> str:
    """The kind of record, in the reader's language."""
    label = ENTITY_LABELS.get(entity)
    return str(label) if label is not None else entity.replace("_", " ")


def audit_source_label(source: str) -> str:
    """Where the change came from, in the reader's language."""
    return {"web": _("page"), "api": _("API"), "cli": _("command line"), "import": _("import"),
            "system": _("system")}.get(source, source)


def audit_value(value, name: str = "") -> str:
    """A stored value as text: lists joined, booleans as yes/no, cents as money, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if name.endswith("_cents") and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, str(get_locale() or "fr"))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(f"{item.get('code', '')} {item.get('name', '')}".strip() if isinstance(item, dict)
                         else str(item) for item in value)
    return str(value)
