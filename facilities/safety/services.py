"""Safety services: what the safety pages and the API read and write. They flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from facilities.database import after_commit
from facilities.extensions import db
from facilities.inventory import erp
from facilities.inventory.catalogue import label
from facilities.inventory.models import Building, Floor, Space
from facilities.safety import planning, report_files
from facilities.safety.catalogue import EQUIPMENT_CATEGORY_LABELS, FINDING_SEVERITY_LABELS
from facilities.safety.models import Check, CheckRule, Equipment, Finding, SafetyVisit, VisitRule
from facilities.validation import MAX_ID, ValidationError


@dataclass(frozen=True)
class ErpLine:
    building: Building
    category: erp.BuildingCategory


def erp_register() -> list[ErpLine]:
    """Every building with its ERP data and category (the thresholds read once), by site then code."""
    reference = erp.reference_in_force()
    buildings = db.session.scalars(select(Building).options(joinedload(Building.site))
                                   .where(Building.site.has(synthetic=False))
                                   .order_by(Building.code)).all()
    return [ErpLine(building, erp.building_category(building, reference)) for building in buildings]


# ---------------------------------------------------------------- equipment


def _as_id(raw: Any, field: str, message: str) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = int(raw) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        value = None
    if value is None or not 0 < value <= MAX_ID:
        raise ValidationError({field: message})
    return value


def locate(building: Building, floor_id: Any, space_id: Any) -> tuple[Floor | None, Space | None]:
    """The floor and space of an item of `building` from their ids (either may be empty), or ValidationError
    when they are not of that building; a space alone gives its floor."""
    floor_id = _as_id(floor_id, "floor_id", _("floor_id must be the id of a floor of the building"))
    space_id = _as_id(space_id, "space_id", _("space_id must be the id of a space of the building"))
    floor = db.session.get(Floor, floor_id) if floor_id is not None else None
    if floor_id is not None and (floor is None or floor.building_id != building.id):
        raise ValidationError({"floor_id": _("This floor is not in building %(code)s", code=building.code)})
    space = db.session.get(Space, space_id) if space_id is not None else None
    if space_id is not None and (space is None or space.floor.building_id != building.id):
        raise ValidationError({"space_id": _("This space is not in building %(code)s", code=building.code)})
    if space is not None and floor is not None and space.floor_id != floor.id:
        raise ValidationError({"space_id": _("This space is not on the floor chosen")})
    return (floor or (space.floor if space is not None else None)), space


def _dated_condition(item: Equipment) -> None:
    if item.condition is not None and item.condition_on is None:
        item.condition_on = date.today()  # a condition is always dated: today unless said otherwise


def create_equipment(building: Building, values: dict[str, Any], floor: Floor | None = None,
                     space: Space | None = None) -> Equipment:
    """Record an item of equipment in a building (optionally on a floor or in a space)."""
    item = Equipment(building=building, floor=floor, space=space, **values)
    _dated_condition(item)
    db.session.add(item)
    db.session.flush()
    return item


def update_equipment(item: Equipment, values: dict[str, Any], location: tuple[Floor | None, Space | None] | None = None
                     ) -> Equipment:
    """Change an item with cleaned (possibly partial) values, and its place when `location` is given."""
    for name, value in values.items():
        setattr(item, name, value)
    if location is not None:
        item.floor, item.space = location
    _dated_condition(item)
    db.session.flush()
    return item


def delete_equipment(item: Equipment) -> None:
    """Remove an item of equipment."""
    db.session.delete(item)
    db.session.flush()


def equipment_query(filters: dict[str, Any]) -> Select:
    """The equipment matching the filters (site, building, category), with building and site loaded."""
    query = (select(Equipment).join(Equipment.building)
             .options(contains_eager(Equipment.building).joinedload(Building.site),
                      joinedload(Equipment.floor), joinedload(Equipment.space)))
    query = _scoped(query, Equipment, filters)
    if filters.get("category"):
        query = query.where(Equipment.category == filters["category"])
    return query


def building_equipment(building: Building) -> list[Equipment]:
    """A building's equipment, by category then name."""
    return list(db.session.scalars(equipment_query({"building_id": building.id})
                                   .order_by(Equipment.category, Equipment.name, Equipment.id)).unique())


def equipment_count(building: Building) -> int:
    """How many items of equipment a building has."""
    return db.session.scalar(select(func.count(Equipment.id)).where(Equipment.building_id == building.id)) or 0


def building_places(building: Building) -> tuple[list[Floor], list[tuple[Space, Floor]]]:
    """The floors and the spaces (with their floor) of a building, for choosing where an item is."""
    floors = list(db.session.scalars(select(Floor).where(Floor.building_id == building.id).order_by(Floor.level)))
    spaces = db.session.execute(select(Space, Floor).join(Space.floor).where(Floor.building_id == building.id)
                                .order_by(Floor.level, Space.code)).all()
    return floors, [(space, floor) for space, floor in spaces]


# ---------------------------------------------------------------- periodic checks


def _rule_row(rule: CheckRule) -> planning.RuleRow:
    return planning.RuleRow(rule.id, rule.check_type, rule.equipment_category, tuple(rule.erp_types or ()),
                            tuple(rule.erp_categories or ()), rule.periodicity_months, rule.performer, rule.source,
                            rule.sourced)


def rules_in_force(on: date | None = None) -> list[planning.RuleRow]:
    """The periodic-check reference rows in force on a day (today by default)."""
    on = on or date.today()
    query = select(CheckRule).where(CheckRule.valid_from <= on,
                                    CheckRule.valid_to.is_(None) | (CheckRule.valid_to >= on)).order_by(CheckRule.id)
    return [_rule_row(rule) for rule in db.session.scalars(query)]


def soon_days() -> int:
    """How many days ahead a check counts as due soon (SAFETY_DUE_SOON_DAYS, 30 by default)."""
    return int(current_app.config.get("SAFETY_DUE_SOON_DAYS") or 30)


def _last_checks(building_ids: list[int]) -> dict[tuple[int, str], planning.LastCheck]:
    """The latest check of each item and check type of these buildings."""
    last: dict[tuple[int, str], planning.LastCheck] = {}
    rows = db.session.execute(select(Check.id, Check.equipment_id, Check.check_type, Check.done_on, Check.next_due_on)
                              .where(Check.building_id.in_(building_ids))
                              .order_by(Check.done_on, Check.id)).all()
    for check_id, equipment_id, check_type, done_on, next_due_on in rows:
        last[(equipment_id, check_type)] = planning.LastCheck(check_id, done_on, next_due_on)
    return last


def building_plans(buildings: list[Building], today: date | None = None) -> dict[int, list[planning.PlannedCheck]]:
    """The planned checks of several buildings (reference read once, three queries)."""
    today = today or date.today()
    if not buildings:
        return {}
    rules = rules_in_force(today)
    reference = erp.reference_in_force(today)
    ids = [building.id for building in buildings]
    items: dict[int, list[planning.Item]] = {building_id: [] for building_id in ids}
    for item_id, building_id, category, name in db.session.execute(
            select(Equipment.id, Equipment.building_id, Equipment.category, Equipment.name)
            .where(Equipment.building_id.in_(ids)).order_by(Equipment.name)):
        items[building_id].append(planning.Item(item_id, category, name))
    last = _last_checks(ids)
    plans = {}
    for building in buildings:
        category = erp.building_category(building, reference).category
        plans[building.id] = planning.plan(items[building.id], rules, building.erp_types or [], category, last,
                                           today, soon_days())
    return plans


def building_plan(building: Building, today: date | None = None) -> list[planning.PlannedCheck]:
    """The checks a building's equipment needs, with their due dates and status."""
    return building_plans([building], today)[building.id]


def _check_applies(item: Equipment, check_type: str) -> None:
    known = db.session.scalar(select(CheckRule.id).where(CheckRule.check_type == check_type,
                                                         CheckRule.equipment_category == item.category).limit(1))
    if known is None:
        raise ValidationError({"check_type": _("This check does not apply to this kind of equipment (%(kind)s)",
                                               kind=label(EQUIPMENT_CATEGORY_LABELS, item.category))})


def _schedule(check: Check) -> None:
    """The reference row in force on the day the check was done, and the next due date it gives."""
    building = check.building
    category = erp.building_category(building, erp.reference_in_force(check.done_on)).category
    rule = planning.rule_for(rules_in_force(check.done_on), check.check_type, building.erp_types or [], category)
    check.rule_id = rule.id if rule else None
    check.next_due_on = planning.next_due(check.done_on, rule)


def record_check(item: Equipment, values: dict[str, Any], report: tuple[str, str, int] | None = None) -> Check:
    """Record a check done on an item (with its stored report, if any); its next due date follows."""
    _check_applies(item, values["check_type"])
    check = Check(building=item.building, equipment=item, **values)
    if report is not None:
        check.report_file, check.report_name, check.report_bytes = report
    _schedule(check)
    db.session.add(check)
    db.session.flush()
    return check


def update_check(check: Check, values: dict[str, Any], report: tuple[str, str, int] | None = None) -> Check:
    """Change a check (possibly partly); its next due date is computed again."""
    if "check_type" in values:
        _check_applies(check.equipment, values["check_type"])
    for name, value in values.items():
        setattr(check, name, value)
    if report is not None:
        old = check.report_file
        check.report_file, check.report_name, check.report_bytes = report
        after_commit(lambda: report_files.remove(old))
    _schedule(check)
    db.session.flush()
    return check


def delete_check(check: Check) -> None:
    """Remove a check, its findings and (once committed) its report file."""
    stored = check.report_file
    for finding in list(check.findings):
        db.session.delete(finding)
    db.session.delete(check)
    db.session.flush()
    after_commit(lambda: report_files.remove(stored))


def _scoped(query: Select, model, filters: dict[str, Any]) -> Select:
    """A query of records of a building narrowed to one site or one building (the lists' filters)."""
    if filters.get("site_id") is not None:
        query = query.where(Building.site_id == filters["site_id"])
    if filters.get("building_id") is not None:
        query = query.where(model.building_id == filters["building_id"])
    return query


def check_query(filters: dict[str, Any]) -> Select:
    """Checks matching the filters (site, building, result, next check due before a day)."""
    query = select(Check).join(Check.building)
    query = _scoped(query, Check, filters)
    if filters.get("status"):
        query = query.where(Check.result == filters["status"])
    if filters.get("due_before") is not None:
        query = query.where(Check.next_due_on < filters["due_before"])
    return query


# ---------------------------------------------------------------- findings


def raise_finding(building: Building, values: dict[str, Any], check: Check | None = None) -> Finding:
    """Record an observation (of a check, or of the building) to follow until it is lifted."""
    finding = Finding(building=building, check=check, **values)
    db.session.add(finding)
    db.session.flush()
    return finding


def update_finding(finding: Finding, values: dict[str, Any]) -> Finding:
    """Change a finding (possibly partly): its description, severity, dates; lifted needs a day on or after the
    day it was raised, and evidence."""
    for name, value in values.items():
        setattr(finding, name, value)
    errors = {}
    if finding.lifted_on is not None and finding.lifted_on < finding.raised_on:
        errors["lifted_on"] = _("A finding cannot be lifted before it was raised (%(day)s)",
                                day=finding.raised_on.isoformat())
    if (finding.lifted_on is None) != (not finding.lifted_evidence):
        errors["lifted_evidence" if finding.lifted_on else "lifted_on"] = _(
            "A lifted finding has both the day it was lifted and the evidence")
    if errors:
        raise ValidationError(errors)
    db.session.flush()
    return finding


def lift_finding(finding: Finding, values: dict[str, Any]) -> Finding:
    """Record that a finding is lifted: the day and the evidence (cleaned by rules.clean_lift)."""
    finding.lifted_on, finding.lifted_evidence = values["lifted_on"], values["lifted_evidence"]
    db.session.flush()
    return finding


def delete_finding(finding: Finding) -> None:
    """Remove a finding."""
    db.session.delete(finding)
    db.session.flush()


def finding_query(filters: dict[str, Any]) -> Select:
    """Findings matching the filters (site, building, open or lifted, severity)."""
    query = select(Finding).join(Finding.building)
    query = _scoped(query, Finding, filters)
    if filters.get("status") == "open":
        query = query.where(Finding.lifted_on.is_(None))
    elif filters.get("status") == "lifted":
        query = query.where(Finding.lifted_on.is_not(None))
    if filters.get("severity"):
        query = query.where(Finding.severity == filters["severity"])
    return query


def open_findings(building_ids: list[int]) -> list[Finding]:
    """The findings not lifted yet of these buildings, most severe first."""
    order = {code: index for index, code in enumerate(reversed(list(FINDING_SEVERITY_LABELS)))}
    found = db.session.scalars(select(Finding).where(Finding.building_id.in_(building_ids),
                                                     Finding.lifted_on.is_(None)).order_by(Finding.raised_on))
    return sorted(found, key=lambda finding: order.get(finding.severity, 99))


@dataclass(frozen=True)
class DueSummary:
    overdue: int
    never_done: int
    due_soon: int
    due_90_days: int
    soon_days: int

    @property
    def alerts(self) -> int:
        return self.overdue + self.never_done


def due_summary(plan: list[planning.PlannedCheck], today: date | None = None) -> DueSummary:
    """How many planned checks are overdue, never done, due soon, and due within 90 days."""
    today = today or date.today()
    horizon = today + timedelta(days=90)
    statuses = [planned.status for planned in plan]
    return DueSummary(statuses.count("overdue"), statuses.count("never_done"), statuses.count("due_soon"),
                      sum(1 for planned in plan if planned.due_on is not None and today <= planned.due_on <= horizon),
                      soon_days())


@dataclass(frozen=True)
class BuildingDue:
    building: Building
    plan: list[planning.PlannedCheck]
    summary: DueSummary
    open_findings: list[Finding]
    last_visit: SafetyVisit | None = None

    @property
    def unfavourable(self) -> bool:
        return self.last_visit is not None and self.last_visit.opinion == "unfavourable"

    def visit_overdue(self, today: date) -> bool:
        due = self.last_visit.next_visit_due_on if self.last_visit is not None else None
        return due is not None and due < today


def buildings_due(site_id: int | None = None, today: date | None = None) -> list[BuildingDue]:
    """What is due in each building that has equipment or findings (of one site, or of the whole portfolio)."""
    today = today or date.today()
    ids = (set(db.session.scalars(select(Equipment.building_id).distinct()))
           | set(db.session.scalars(select(Finding.building_id).where(Finding.lifted_on.is_(None)).distinct()))
           | set(db.session.scalars(select(SafetyVisit.building_id).distinct())))
    query = select(Building).options(joinedload(Building.site)).where(Building.id.in_(ids)).order_by(Building.code)
    if site_id is not None:
        query = query.where(Building.site_id == site_id)
    buildings = list(db.session.scalars(query))
    plans = building_plans(buildings, today)
    findings = open_findings([building.id for building in buildings])
    visits = last_visits([building.id for building in buildings])
    return [BuildingDue(building, plans[building.id], due_summary(plans[building.id], today),
                        [finding for finding in findings if finding.building_id == building.id],
                        visits.get(building.id))
            for building in buildings]


# ---------------------------------------------------------------- safety commission visits


def _visit_rule_row(rule: VisitRule) -> planning.RuleRow:
    return planning.RuleRow(rule.id, "commission_visit", "", tuple(rule.erp_types or ()),
                            tuple(rule.erp_categories or ()), rule.periodicity_months, "commission", rule.source,
                            rule.sourced)


def visit_rules_in_force(on: date) -> list[planning.RuleRow]:
    """The commission-visit reference rows in force on a day."""
    query = select(VisitRule).where(VisitRule.valid_from <= on,
                                    VisitRule.valid_to.is_(None) | (VisitRule.valid_to >= on)).order_by(VisitRule.id)
    return [_visit_rule_row(rule) for rule in db.session.scalars(query)]


def _schedule_visit(visit: SafetyVisit) -> None:
    """The periodicity in force on the day of the visit (by the building's types and category) and the next visit."""
    building = visit.building
    category = erp.building_category(building, erp.reference_in_force(visit.visited_on)).category
    rule = planning.visit_periodicity(visit_rules_in_force(visit.visited_on), building.erp_types or [], category)
    visit.rule_id = rule.id if rule else None
    visit.next_visit_due_on = planning.next_due(visit.visited_on, rule)


def record_visit(building: Building, values: dict[str, Any], prescriptions: list[str] = ()) -> SafetyVisit:
    """Record a commission visit and its prescriptions (each a major finding raised on the day of the visit)."""
    visit = SafetyVisit(building=building, **values)
    _schedule_visit(visit)
    db.session.add(visit)
    for text in prescriptions:
        db.session.add(Finding(building=building, visit=visit, description=text, severity="major",
                               raised_on=visit.visited_on, illustrative=visit.illustrative))
    db.session.flush()
    return visit


def update_visit(visit: SafetyVisit, values: dict[str, Any]) -> SafetyVisit:
    """Change a visit (possibly partly); its next visit follows."""
    for name, value in values.items():
        setattr(visit, name, value)
    _schedule_visit(visit)
    db.session.flush()
    return visit


def delete_visit(visit: SafetyVisit) -> None:
    """Remove a visit and its prescriptions."""
    for finding in list(visit.prescriptions):
        db.session.delete(finding)
    db.session.delete(visit)
    db.session.flush()


def visit_query(filters: dict[str, Any]) -> Select:
    """Visits matching the filters (site, building, opinion, next visit due before a day)."""
    query = select(SafetyVisit).join(SafetyVisit.building)
    query = _scoped(query, SafetyVisit, filters)
    if filters.get("status"):
        query = query.where(SafetyVisit.opinion == filters["status"])
    if filters.get("due_before") is not None:
        query = query.where(SafetyVisit.next_visit_due_on < filters["due_before"])
    return query


def last_visits(building_ids: list[int]) -> dict[int, SafetyVisit]:
    """The latest commission visit of each of these buildings."""
    last: dict[int, SafetyVisit] = {}
    for visit in db.session.scalars(select(SafetyVisit).where(SafetyVisit.building_id.in_(building_ids))
                                    .order_by(SafetyVisit.visited_on, SafetyVisit.id)):
        last[visit.building_id] = visit
    return last


# ---------------------------------------------------------------- safety status of each site (the map)

#: Worst first: an overdue or never-done check, an unfavourable opinion or an overdue commission visit; a check or
#: a visit due within SAFETY_DUE_SOON_DAYS; nothing due. Sites without ERP data nor safety records have none.
SITE_STATUSES = ("alert", "due_soon", "ok")


def building_status(due: BuildingDue, today: date) -> str:
    """The worst of a building's planned checks and commission visit: alert, due_soon or ok."""
    if due.summary.alerts or due.unfavourable or due.visit_overdue(today):
        return "alert"
    visit_due = due.last_visit.next_visit_due_on if due.last_visit is not None else None
    if due.summary.due_soon or (visit_due is not None and visit_due <= today + timedelta(days=due.summary.soon_days)):
        return "due_soon"
    return "ok"


def site_statuses(today: date | None = None) -> dict[int, str]:
    """{site id: worst status of its buildings} for the sites whose buildings have equipment, findings or visits,
    from the same planning as the safety pages; the cost follows the safety records, not the number of sites."""
    today = today or date.today()
    worst: dict[int, str] = {}
    for due in buildings_due(today=today):
        status = building_status(due, today)
        site_id = due.building.site_id
        if SITE_STATUSES.index(status) < SITE_STATUSES.index(worst.get(site_id, "ok")):
            worst[site_id] = status
        worst.setdefault(site_id, status)
    return worst
