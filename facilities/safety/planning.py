"""Planned checks of a building: which checks its equipment needs, when each is due, and its status.

Pure Python (no database): the services hand in the reference rows in force, the building's ERP data, its
equipment and its last checks. A due date is the last check's date plus the periodicity of the reference row
in force on the day the check was done (kept on the check as `next_due_on`); a check never done has no due date
and the status `never_done`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RuleRow:
    id: int | None
    check_type: str
    equipment_category: str
    erp_types: tuple[str, ...]
    erp_categories: tuple[int, ...]
    periodicity_months: int
    performer: str
    source: str
    sourced: bool


def applies(rule: RuleRow, erp_types: Iterable[str], category: int | None) -> bool:
    """Whether a reference row applies to an ERP of these types and category (empty lists: every one)."""
    if rule.erp_types and not set(rule.erp_types) & set(erp_types):
        return False
    return not rule.erp_categories or category in rule.erp_categories


def rule_for(rules: Iterable[RuleRow], check_type: str, erp_types: Iterable[str], category: int | None
             ) -> RuleRow | None:
    """The row of a check type that applies to the ERP: the most frequent when several do."""
    found = [rule for rule in rules if rule.check_type == check_type and applies(rule, list(erp_types), category)]
    return min(found, key=lambda rule: rule.periodicity_months, default=None)


def next_due(done_on: date, rule: RuleRow | None) -> date | None:
    """When the next check is due after one done on `done_on` (None without a reference row)."""
    return add_months(done_on, rule.periodicity_months) if rule is not None else None


def status(due_on: date | None, done: bool, today: date, soon_days: int) -> str:
    """ok, due_soon (within `soon_days`), overdue (due before today) or never_done."""
    if not done:
        return "never_done"
    if due_on is None:
        return "ok"
    if due_on < today:
        return "overdue"
    return "due_soon" if due_on <= today + timedelta(days=soon_days) else "ok"


@dataclass(frozen=True)
class Item:
    id: int
    category: str
    name: str


@dataclass(frozen=True)
class LastCheck:
    id: int
    done_on: date
    next_due_on: date | None


@dataclass(frozen=True)
class PlannedCheck:
    check_type: str
    equipment_id: int
    equipment_name: str
    rule: RuleRow
    last_check_id: int | None
    last_done_on: date | None
    due_on: date | None
    status: str


def plan(items: Iterable[Item], rules: Iterable[RuleRow], erp_types: Iterable[str], category: int | None,
         last: dict[tuple[int, str], LastCheck], today: date, soon_days: int) -> list[PlannedCheck]:
    """Each check the equipment needs (one per item and check type), with its due date and status."""
    rules, erp_types = list(rules), list(erp_types)
    check_types = sorted({rule.check_type for rule in rules})
    planned = []
    for item in items:
        for check_type in check_types:
            rule = rule_for([r for r in rules if r.equipment_category == item.category], check_type, erp_types,
                            category)
            if rule is None:
                continue
            done = last.get((item.id, check_type))
            due_on = done.next_due_on if done is not None else None
            planned.append(PlannedCheck(check_type, item.id, item.name, rule, done.id if done else None,
                                        done.done_on if done else None, due_on,
                                        status(due_on, done is not None, today, soon_days)))
    order = {"overdue": 0, "never_done": 1, "due_soon": 2, "ok": 3}
    return sorted(planned, key=lambda p: (order[p.status], p.due_on or date.min, p.equipment_name))


def visit_periodicity(rules: Iterable[RuleRow], erp_types: Iterable[str], category: int | None) -> RuleRow | None:
    """The commission-visit row that applies to an ERP: the most frequent when several do (none in the 5th
    category, which the commission visits only on request, unless a row says otherwise)."""
    erp_types = list(erp_types)
    found = [rule for rule in rules if applies(rule, erp_types, category)]
    return min(found, key=lambda rule: rule.periodicity_months, default=None)
