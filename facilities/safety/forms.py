"""Safety forms: fields only; the rules of the area (and of the inventory) judge the values."""

from __future__ import annotations

from facilities.forms import RuleForm, form_from_rules
from facilities.inventory.catalogue import ERP_TYPE_LABELS
from facilities.safety.reference import ACCOMMODATION_LABELS, ReferenceTable

# The labels of the reference tables' choice fields, by rule name.
_CHOICE_LABELS = {"erp_type": ERP_TYPE_LABELS, "accommodation": ACCOMMODATION_LABELS}


def reference_form(table: ReferenceTable) -> type[RuleForm]:
    """A form class for a row of a safety reference table, one field per rule."""
    return form_from_rules(f"Safety{table.name.title().replace('_', '')}Form", table.all_rules, _CHOICE_LABELS)
