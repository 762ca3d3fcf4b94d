"""Services of the capital renewal area: the register read for the forecast (one query, whatever its size),
the needs to choose from, and choosing them: draft works operations made by the works area's own rules and
services, linked to the items they renew. They flush, never commit (facilities/database.py commits once)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from threading import Lock

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, func, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import FunctionElement

from facilities.extensions import db
from facilities.inventory.models import Building
from facilities.money import money_json
from facilities.renewal import rules
from facilities.renewal.models import RenewalLink
from facilities.safety.catalogue import CONDITION_LABELS
from facilities.safety.models import Equipment
from facilities.timeutil import paris_today
from facilities.validation import ValidationError
from facilities.works import rules as works_rules
from facilities.works import services as works_services
from facilities.works.models import Envelope, Operation

NEEDS_PER_PAGE = 50


class year_of(FunctionElement):
    """The year of a date column as an integer: SQLite keeps dates as ISO text, whose first four characters are
    cheaper to read than strftime over 50,000 rows; PostgreSQL extracts it."""

    type = Integer()
    inherit_cache = True
    name = "year_of"


@compiles(year_of)
def _year_of(element, compiler, **kw) -> str:
    return f"CAST(EXTRACT(YEAR FROM {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(year_of, "sqlite")
def _year_of_sqlite(element, compiler, **kw) -> str:
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 1, 4) AS INTEGER)"


def policy() -> rules.ConditionPolicy:
    """The owner's condition policy in force (RENEWAL_CONDITION_POLICY, with its source)."""
    config = current_app.config
    return rules.parse_policy(config.get("RENEWAL_CONDITION_POLICY") or "", CONDITION_LABELS,
                              config.get("RENEWAL_POLICY_SOURCE") or _("owner's policy"))


def items(building_id: int | None = None) -> list[rules.Item]:
    """Every item of the register (or of one building) as the pure rules read it, with its live operation."""
    query = (select(Equipment.id, Equipment.building_id, Equipment.category, Equipment.installed_on,
                    Equipment.expected_life_years, Equipment.replacement_cost_cents, Equipment.condition,
                    Equipment.condition_on, RenewalLink.operation_id, Equipment.illustrative)
             .outerjoin(RenewalLink, RenewalLink.equipment_id == Equipment.id))
    if building_id is not None:
        query = query.where(Equipment.building_id == building_id)
    return [rules.Item(*row) for row in db.session.execute(query)]


def renewal_year_sql(pol: rules.ConditionPolicy, today: date):
    """`rules.renewal_of` as an SQL expression (SQLite and PostgreSQL): the earlier of installation year + life
    and the year the condition allows, NULL when neither is known."""
    by_life = year_of(Equipment.installed_on) + case(
        (Equipment.expected_life_years > 0, Equipment.expected_life_years), else_=null())
    assessed = func.coalesce(year_of(Equipment.condition_on), today.year)
    whens = [(Equipment.condition == condition, assessed + wait) for condition, wait in pol.within_years.items()]
    by_condition = case(*whens, else_=null()) if whens else null()
    return case((and_(by_condition.is_not(None), or_(by_life.is_(None), by_condition < by_life)), by_condition),
                else_=by_life)


def _scheduled(building_id: int | None, today: date):
    """Each item's renewal year (`rules.renewal_of` in SQL), category, cost and live operation: a subquery of one
    row per item, read from the columns of one index (models.RENEWAL_COLUMNS_INDEX)."""
    query = (select(Equipment.id, Equipment.building_id, Equipment.category,
                    Equipment.replacement_cost_cents.label("cost"), Equipment.illustrative,
                    RenewalLink.operation_id, renewal_year_sql(policy(), today).label("renewal"))
             .outerjoin(RenewalLink, RenewalLink.equipment_id == Equipment.id))
    if building_id is not None:
        query = query.where(Equipment.building_id == building_id)
    return query.subquery("scheduled")


def forecast_groups(building_id: int | None = None, today: date | None = None) -> list[rules.Group]:
    """The register summed by renewal year and category in the database (one query, whatever its size)."""
    sub = _scheduled(building_id, today or paris_today())
    query = (select(sub.c.renewal, sub.c.category, func.count(), func.coalesce(func.sum(sub.c.cost), 0),
                    func.count(sub.c.operation_id), func.sum(case((sub.c.cost.is_(None), 1), else_=0)),
                    func.sum(case((sub.c.illustrative.is_(True), 1), else_=0)))
             .group_by(sub.c.renewal, sub.c.category))
    return [rules.Group(None if year is None else int(year), category, *(int(n or 0) for n in sums))
            for year, category, *sums in db.session.execute(query)]


# The sums by renewal year and category, kept per application for each scope (portfolio, building) while the
# register does not change: reading them again scans every item (50,000: a few hundred ms), checking that
# nothing changed reads three indexes. Any item added, changed or deleted, any operation linked or unlinked,
# changes the stamp.
CACHE_SCOPES = 256


def register_stamp() -> tuple:
    """What changes whenever the forecast may: the items' count, largest id and latest change, the links' count
    and largest id (an operation deleted takes its links with it)."""
    items = db.session.execute(select(func.count(Equipment.id), func.max(Equipment.id),
                                      func.max(Equipment.updated_at))).one()
    links = db.session.execute(select(func.count(RenewalLink.id), func.max(RenewalLink.id))).one()
    return (*items, *links)


def cached_groups(building_id: int | None = None, today: date | None = None) -> list[rules.Group]:
    """`forecast_groups`, computed again only when the register changed since it was last computed."""
    today = today or paris_today()
    stamp = register_stamp()  # before the sums: a change committed in between only makes the next read recompute
    key = (building_id, tuple(sorted(policy().within_years.items())), today.year)
    cache, lock = current_app.extensions.setdefault("renewal_groups", (OrderedDict(), Lock()))
    with lock:
        found = cache.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    groups = forecast_groups(building_id, today)
    with lock:
        cache[key] = (stamp, groups)
        cache.move_to_end(key)
        while len(cache) > CACHE_SCOPES:
            cache.popitem(last=False)
    return groups


def forecast(first: int, count: int, building_id: int | None = None, today: date | None = None) -> rules.Forecast:
    """The forecast of the portfolio (or of one building)."""
    return rules.forecast_from_groups(cached_groups(building_id, today), first, count)


@dataclass(frozen=True)
class Need:
    item: Equipment
    renewal: rules.Renewal
    year: int  # the forecast year it is counted in
    operation: Operation | None


def needs(fc: rules.Forecast, building_id: int | None = None, *, year: int | None = None,
          category: str | None = None, page: int = 1, today: date | None = None) -> tuple[list[Need], int]:
    """One page of the needs of the forecast (of one year and category when given), by year, building, category,
    and how many there are (the forecast's own count): three queries (the page, its items, their operations),
    whatever the register's size."""
    today = today or paris_today()
    sub = _scheduled(building_id, today)
    where = [sub.c.renewal.is_not(None), sub.c.renewal <= fc.years[-1]]
    if year is not None:  # the first year also holds the backlog
        where.append(sub.c.renewal <= year if year == fc.first else sub.c.renewal == year)
    if category:
        where.append(sub.c.category == category)
    total = sum(cell.items for (cell_year, cell_category), cell in fc.cells.items()
                if (year is None or cell_year == year) and (not category or cell_category == category))
    start = (max(page, 1) - 1) * NEEDS_PER_PAGE
    shown = db.session.execute(select(sub.c.id, sub.c.renewal, sub.c.operation_id).where(*where)
                               .order_by(sub.c.renewal, sub.c.building_id, sub.c.category, sub.c.id)
                               .limit(NEEDS_PER_PAGE).offset(start)).all()
    ids = [row.id for row in shown]
    loaded = {item.id: item for item in db.session.scalars(
        select(Equipment).options(joinedload(Equipment.building)).where(Equipment.id.in_(ids)))} if ids else {}
    op_ids = {row.operation_id for row in shown if row.operation_id is not None}
    ops = {op.id: op for op in db.session.scalars(select(Operation).where(Operation.id.in_(op_ids)))} if op_ids else {}
    pol, found = policy(), []
    for row in shown:
        item = loaded[row.id]
        found.append(Need(item, rules.renewal_of(_as_item(item), pol, today), max(int(row.renewal), fc.first),
                          ops.get(row.operation_id)))
    return found, total


def building_summary(building: Building, first: int, count: int) -> rules.Forecast:
    """The building's forecast (for its page's panel)."""
    return forecast(first, count, building.id)


def operation_equipment(operation: Operation) -> list[Equipment]:
    """The items of equipment an operation renews, with their building."""
    return list(db.session.scalars(
        select(Equipment).join(RenewalLink, RenewalLink.equipment_id == Equipment.id)
        .options(joinedload(Equipment.building))
        .where(RenewalLink.operation_id == operation.id).order_by(Equipment.name, Equipment.id)))


def envelopes() -> list[Envelope]:
    """The envelopes an operation may go into, by label."""
    return works_services.load_envelopes()


# ------------------------------------------------------------------------------------------ choosing needs


def create_operations(envelope_id: int, ids: list[int], today: date | None = None) -> list[Operation]:
    """Draft works operations (status "proposed", confirmed over the caps), one per item of equipment, in the
    envelope, each costing the item's replacement cost and linked to it. All or nothing: any item at fault
    refuses the whole action (ValidationError naming each), before anything is written. The caller has read
    the envelope id and the item ids with rules.clean_create and rules.clean_equipment_ids."""
    today = today or paris_today()
    envelope = db.session.get(Envelope, envelope_id)
    if envelope is None:
        raise ValidationError({"envelope_id": _("Envelope %(id)s does not exist", id=envelope_id)})
    found = {item.id: item for item in db.session.scalars(
        select(Equipment).options(joinedload(Equipment.building)).where(Equipment.id.in_(ids)))}
    linked = dict(db.session.execute(select(RenewalLink.equipment_id, RenewalLink.operation_id)
                                     .where(RenewalLink.equipment_id.in_(ids))).all())
    pol, errors, plans = policy(), [], []
    for item_id in ids:
        item = found.get(item_id)
        if item is None:
            errors.append(_("Item of equipment %(id)s does not exist.", id=item_id))
            continue
        if item_id in linked:
            errors.append(_("%(name)s (%(building)s) is already renewed by operation %(op)s.", name=item.name,
                            building=item.building.code, op=linked[item_id]))
            continue
        renewal = rules.renewal_of(_as_item(item), pol, today)
        if renewal is None:
            errors.append(_("%(name)s (%(building)s) has no renewal year: record its installation date and "
                            "expected life, or its condition.", name=item.name, building=item.building.code))
        elif not item.replacement_cost_cents:
            errors.append(_("%(name)s (%(building)s) has no replacement cost: record it first.", name=item.name,
                            building=item.building.code))
        else:
            plans.append((item, renewal))
    if errors:
        raise ValidationError({"equipment_ids": " ".join(errors)})
    created = []
    for item, renewal in plans:
        op = _create_operation(envelope, item, renewal, today)
        db.session.add(RenewalLink(operation=op, equipment=item))
        created.append(op)
    db.session.flush()
    return created


def _as_item(item: Equipment) -> rules.Item:
    return rules.Item(item.id, item.building_id, item.category, item.installed_on, item.expected_life_years,
                      item.replacement_cost_cents, item.condition, item.condition_on)


def _create_operation(envelope: Envelope, item: Equipment, renewal: rules.Renewal, today: date) -> Operation:
    """One draft operation through the works area's rules (as its form and API read them) and service."""
    year = rules.operation_year(renewal, today)
    raw = {
        "envelope_id": envelope.id, "label": _("Renewal: %(name)s (%(building)s)", name=item.name,
                                               building=item.building.code)[:200],
        "site_id": item.building.site_id, "building_id": item.building_id, "nature": "renovation",
        "start": date(year, 1, 1).isoformat(), "duration_months": rules.OPERATION_MONTHS,
        "ap_eur": money_json(item.replacement_cost_cents), "status": "proposed",
        "draft": True, "illustrative": item.illustrative,
        "ap_reason": _("Capital renewal forecast"),
        "note": _("Renews item %(id)s of the equipment register (%(reason)s, due %(year)s).", id=item.id,
                  reason=str(rules.REASON_LABELS[renewal.reason]).lower(), year=renewal.year),
    }
    try:
        return works_services.create_operation(works_rules.clean_operation(raw))
    except ValidationError as error:  # named after the item, so that the reader knows which one
        raise ValidationError({"equipment_ids": f"{item.name} ({item.building.code}): "
                                                + " ".join(error.errors.values())}) from None


def links_of(operations: list[Operation]) -> dict[int, int]:
    """Operation id → the item of equipment it renews, for operations just created."""
    ids = [op.id for op in operations]
    return dict(db.session.execute(select(RenewalLink.operation_id, RenewalLink.equipment_id)
                                   .where(RenewalLink.operation_id.in_(ids))).all()) if ids else {}
