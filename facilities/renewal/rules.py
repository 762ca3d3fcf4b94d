"""Capital renewal, the pure part: when an item of equipment is due for renewal, and the forecast of what falls
due, year by year and category by category. No Flask request, no database: plain values in, plain values out.

An item reaches its renewal year from its installation and expected life (installed in 2010, 20 years: 2030),
or earlier when its assessed condition says so: the owner's policy (`ConditionPolicy`, a setting with its
source, never a number in this code) maps a condition to the most years it may wait after it was assessed.
A need that fell due before the forecast's first year is counted in that first year (the backlog).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities import years
from facilities.validation import MAX_ID, Rule, ValidationError, clean

# The forecast's horizon: ten years by default (a multi-year investment plan, PPI, runs 5 to 10 years); at most
# thirty, the longest expected life the register usually records for building services.
DEFAULT_YEARS = 10
MAX_YEARS = 30
# Its first year: a year of the works programme, early enough that its last year stays within the programme.
FIRST_YEARS = years.Years(years.PROGRAMME.first, years.PROGRAMME.last - MAX_YEARS + 1,
                          reason="programme years, so that the last forecast year is one too")
# A renewal operation is planned over one year (one financial year of works) unless the works pages change it.
OPERATION_MONTHS = 12
# The most items turned into operations in one action (a page of needs is 50; the API allows a few pages).
MAX_ITEMS_PER_ACTION = 200

REASON_LABELS = {
    "life": _l("End of expected life"),
    "condition": _l("Condition (owner's policy)"),
}


# ------------------------------------------------------------------------------------------ policy


@dataclass(frozen=True)
class ConditionPolicy:
    """Condition → the most years an item in that condition may wait after it was assessed (0: that year)."""

    within_years: Mapping[int, int]
    source: str = "owner's policy"

    def deadline(self, condition: int | None, assessed_on: date | None, today: date) -> int | None:
        """The latest renewal year the condition allows, or None when the policy says nothing of it."""
        if condition is None or condition not in self.within_years:
            return None
        return (assessed_on or today).year + self.within_years[condition]


def parse_policy(text: str, conditions: Iterable[int], source: str = "owner's policy") -> ConditionPolicy:
    """"5:0,4:2" (condition:years, comma separated) → a ConditionPolicy; ValueError naming what is wrong."""
    known = set(conditions)
    within: dict[int, int] = {}
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        condition, sep, wait = part.partition(":")
        if not sep or not condition.strip().isdigit() or not wait.strip().isdigit():
            raise ValueError(f"renewal policy: {part!r} is not CONDITION:YEARS")
        if int(condition) not in known:
            raise ValueError(f"renewal policy: condition {condition.strip()} is not on the scale {sorted(known)}")
        if int(wait) > MAX_YEARS:
            raise ValueError(f"renewal policy: {wait.strip()} years is more than {MAX_YEARS}")
        within[int(condition)] = int(wait)
    return ConditionPolicy(within, source)


# ------------------------------------------------------------------------------------------ one item


@dataclass(frozen=True)
class Item:
    """What the forecast needs of an item of equipment (a row of the register)."""

    id: int
    building_id: int
    category: str
    installed_on: date | None
    expected_life_years: int | None
    replacement_cost_cents: int | None
    condition: int | None
    condition_on: date | None
    operation_id: int | None = None  # the live works operation that renews it, if any
    illustrative: bool = False  # a demo record


@dataclass(frozen=True)
class Renewal:
    year: int  # the renewal year the rules give (may be past: overdue)
    reason: str  # "life" or "condition" (the earlier of the two)


def renewal_of(item: Item, policy: ConditionPolicy, today: date) -> Renewal | None:
    """The item's renewal year and why, or None when neither its life nor its condition says (no data)."""
    by_life = (item.installed_on.year + item.expected_life_years
               if item.installed_on is not None and item.expected_life_years else None)
    by_condition = policy.deadline(item.condition, item.condition_on, today)
    if by_condition is not None and (by_life is None or by_condition < by_life):
        return Renewal(by_condition, "condition")
    if by_life is not None:
        return Renewal(by_life, "life")
    return None


def due_year(renewal: Renewal, first: int) -> int:
    """The forecast year a need is counted in: its renewal year, or the first year for a backlog."""
    return max(renewal.year, first)


def operation_year(renewal: Renewal, today: date) -> int:
    """The year a renewal operation starts: its renewal year, this year for one overdue."""
    return max(renewal.year, today.year)


# ------------------------------------------------------------------------------------------ forecast


@dataclass
class Cell:
    items: int = 0
    cost_cents: int = 0
    planned: int = 0  # items already in a works operation
    without_cost: int = 0  # items whose replacement cost is unknown (counted, costing nothing)

    def add(self, group: Group) -> None:
        self.items += group.items
        self.cost_cents += group.cost_cents
        self.planned += group.planned
        self.without_cost += group.without_cost


@dataclass(frozen=True)
class Group:
    """The items of one renewal year and category, summed (what the database's GROUP BY gives); `year` is None
    for the items whose year no rule gives."""

    year: int | None
    category: str
    items: int
    cost_cents: int = 0
    planned: int = 0
    without_cost: int = 0
    illustrative: int = 0


@dataclass
class Forecast:
    first: int
    years: list[int]
    cells: dict[tuple[int, str], Cell] = field(default_factory=dict)
    by_year: dict[int, Cell] = field(default_factory=dict)
    by_category: dict[str, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)
    backlog: int = 0  # items due before the first year, counted in it
    unknown: int = 0  # items neither whose life nor whose condition gives a year
    later: int = 0  # items due after the last year
    illustrative: int = 0  # demo items among those counted

    @property
    def categories(self) -> list[str]:
        return sorted(self.by_category)

    def cell(self, year: int, category: str) -> Cell:
        return self.cells.get((year, category)) or Cell()


def group_items(items: Iterable[Item], policy: ConditionPolicy, today: date) -> list[Group]:
    """Items summed by renewal year and category, as `services.forecast_groups` does in SQL (the reference the
    tests hold the SQL to)."""
    sums: dict[tuple[int | None, str], list[int]] = {}
    for item in items:
        renewal = renewal_of(item, policy, today)
        row = sums.setdefault((None if renewal is None else renewal.year, item.category), [0] * 5)
        row[0] += 1
        row[1] += item.replacement_cost_cents or 0
        row[2] += item.operation_id is not None
        row[3] += item.replacement_cost_cents is None
        row[4] += bool(item.illustrative)
    return [Group(year, category, *row) for (year, category), row in sums.items()]


def forecast_from_groups(groups: Iterable[Group], first: int, count: int) -> Forecast:
    """Per year (first … first + count − 1) and category: the items due and their replacement cost; what fell
    due before the first year counts in it (the backlog), what falls due after the last is only counted."""
    last = first + count - 1
    result = Forecast(first, list(range(first, last + 1)))
    result.by_year = {year: Cell() for year in result.years}
    for group in groups:
        if group.year is None:
            result.unknown += group.items
            continue
        if group.year > last:
            result.later += group.items
            continue
        year = max(group.year, first)
        result.backlog += group.items if group.year < first else 0
        result.illustrative += group.illustrative
        result.cells.setdefault((year, group.category), Cell()).add(group)
        result.by_year[year].add(group)
        result.by_category.setdefault(group.category, Cell()).add(group)
        result.total.add(group)
    return result


def forecast(items: Iterable[Item], first: int, count: int, policy: ConditionPolicy, today: date) -> Forecast:
    """The forecast of plain items (pure): `group_items` then `forecast_from_groups`."""
    return forecast_from_groups(group_items(items, policy, today), first, count)


# ------------------------------------------------------------------------------------------ input


def forecast_rules(today: date | None = None) -> tuple[Rule, ...]:
    """The forecast's query: first year (this year by default), number of years, optionally one building."""
    return (
        Rule("from", "int", _l("First year"), minimum=FIRST_YEARS.first, maximum=FIRST_YEARS.last,
             default=(today or date.today()).year, extra={"year": True}),
        Rule("years", "int", _l("Number of years"), minimum=1, maximum=MAX_YEARS, default=DEFAULT_YEARS),
        Rule("building_id", "int", _l("Building"), minimum=1, maximum=MAX_ID),
    )


FORECAST_RULES = forecast_rules()  # for the API description (the default year is read when a request comes)

CREATE_RULES = (Rule("envelope_id", "int", _l("Envelope"), required=True, minimum=1, maximum=MAX_ID),)


def clean_forecast(raw: Mapping, today: date | None = None) -> dict:
    """Typed forecast options (first year, number of years, building), or ValidationError."""
    return clean(forecast_rules(today), raw)


def clean_create(raw: Mapping, *, typed: bool = False) -> dict:
    """The envelope and the items of the operations to create ({"envelope_id", "equipment_ids"}), or
    ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    values: dict = {}
    try:
        values = clean(CREATE_RULES, raw)
    except ValidationError as error:
        errors.update(error.errors)
    try:
        values["equipment_ids"] = clean_equipment_ids(raw.get("equipment_ids"), typed=typed)
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        raise ValidationError(errors)
    return values


def clean_equipment_ids(raw, *, typed: bool = False, field_name: str = "equipment_ids") -> list[int]:
    """A non-empty list of distinct item ids, at most MAX_ITEMS_PER_ACTION, or ValidationError. `typed`: from
    JSON, where an id is a number (a form sends digits as text)."""
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError({field_name: _("Choose at least one item of equipment.")})
    if len(raw) > MAX_ITEMS_PER_ACTION:
        raise ValidationError({field_name: _("At most %(n)s items in one action.", n=MAX_ITEMS_PER_ACTION)})
    ids = []
    for value in raw:
        if not typed and isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise ValidationError({field_name: _("Each item must be the id of an item of equipment.")})
        ids.append(value)
    if len(set(ids)) != len(ids):
        raise ValidationError({field_name: _("An item of equipment is chosen twice.")})
    return ids
