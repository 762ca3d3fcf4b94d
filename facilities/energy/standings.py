"""Each building's stored standing (table `energy_standings`): what the portfolio dashboard, the home panel and the
map aggregate in SQL instead of computing every building's report on each request; and the portfolio's kWh per year
and carrier (`energy_year_totals`), the dashboard's totals, recomputed in SQL for the years whose records changed
(every year when a building is deleted, as the database deletes its records).

One source of truth: a row is `portfolio.standing` (the computation the building page shows) of the building, stored.
It is kept up to date in the transaction that changes its inputs: a session listener notes, at each flush, the
buildings whose consumption, yearly areas or energy settings changed, the sites whose buildings' areas, ERP data or
kind changed (a site's tertiary areas add up: its buildings' standings move together), and any change of the energy
or ERP reference tables (every standing); before the commit those standings are recomputed and written. Bulk loads
that bypass the ORM (`demo synth`) call `refresh` themselves.

Reference changes recompute every standing in the same transaction up to `SYNC_LIMIT` buildings; above that the
rows are marked stale and a background job (`energy_standings`) recomputes them. Standings also depend on the date
(the last three complete years, the rules in force), so each row says until when it holds (`valid_until`: the next
new year or date at which a dated reference row starts or ends). Whenever the stored rows do not all hold today
(stale, expired, or a building without a row, e.g. just after the migration), the dashboard computes the
standings as before (`portfolio.dashboard`: right, only slower) and queues the refresh job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain

from flask import g, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, insert, literal_column, select, update
from sqlalchemy import inspect as sa_inspect

from facilities.energy import portfolio, services
from facilities.energy.models import (
    REFERENCE_MODELS,
    BuildingEnergySettings,
    BuildingEnergyYear,
    EnergyConsumption,
    EnergyStanding,
    EnergyStandingCount,
    EnergyYearTotal,
)
from facilities.energy.portfolio import BuildingStanding, Dashboard
from facilities.energy.reference import DPE_LETTERS, MissingReferenceError, ReferenceData
from facilities.energy.tertiaire import OFF_TRACK
from facilities.extensions import db
from facilities.inventory.erp import ErpCategoryScale, ErpTypeThreshold
from facilities.inventory.models import Building, Site
from facilities.jobs import JobContext, JobResult, job_kind
from facilities.timeutil import paris_today, utcnow

SYNC_LIMIT = 5000  # up to this many buildings, a reference change recomputes every standing in its transaction
JOB_KIND = "energy_standings"
CHUNK = 5000
PENDING = "energy_standings_pending"
SUMMARY = "energy_standings_summary"  # in flask.g: what the stored rows add up to, read once per request
UNASSIGNED_SHOWN = 20  # the dashboard names this many subject buildings in no EFA, then counts the others
# The building columns a standing reads (its own areas and ERP data, and the site's total of tertiary areas).
BUILDING_INPUTS = ("site_id", "gross_floor_area_m2", "tertiary_area_m2", "housing_area_m2", "activity_category",
                   "erp_types", "public_capacity", "staff_capacity", "with_accommodation", "erp_category_override")
REFERENCE_TYPES = (*REFERENCE_MODELS.values(), ErpTypeThreshold, ErpCategoryScale)


# ------------------------------------------------------------------------------------------- computing and storing


def valid_until(ref: ReferenceData, today: date) -> date:
    """The first day a standing computed `today` may change by the date alone: the next 1 January (the last three
    complete years, which years have ended), the next start or end of a dated reference row (energy or ERP), the
    day after the deadline of a provisional reference year."""
    bounds = [date(today.year + 1, 1, 1)]
    rows = chain.from_iterable(getattr(ref, spec.name) for spec in dataclasses.fields(ref))
    erp_rows = db.session.execute(select(ErpTypeThreshold.valid_from, ErpTypeThreshold.valid_to).union_all(
        select(ErpCategoryScale.valid_from, ErpCategoryScale.valid_to))).all()
    for valid_from, valid_to in chain(((r.valid_from, r.valid_to) for r in rows), erp_rows):
        if valid_from > today:
            bounds.append(valid_from)
        if valid_to is not None and valid_to >= today:
            bounds.append(valid_to + timedelta(days=1))
    for rule in ref.tertiaire_rules:
        if rule.first_full_year_deadline is not None and rule.first_full_year_deadline >= today:
            bounds.append(rule.first_full_year_deadline + timedelta(days=1))
    return min(bounds)


def _row(item: BuildingStanding, today: date, until: date, now) -> dict:
    return {
        "building_id": item.building_id, "site_id": item.site_id, "latest_year": item.latest_year,
        "dpe_class": item.dpe_class, "dpe_years": ",".join(str(y) for y in item.dpe_years) or None,
        "tertiaire_kwh_m2": item.tertiaire_kwh_m2, "path_kwh_m2": item.path_kwh_m2, "gap_kwh_m2": item.gap_kwh_m2,
        "gap_ratio": item.gap_ratio, "status": item.status, "reference_year": item.reference_year,
        "subject": item.subject, "dpe_display_required": item.dpe_display_required, "incomplete": item.incomplete,
        "computed_on": today, "valid_until": until, "computed_at": now,
    }


def refresh(building_ids: Iterable[int] | None = None, today: date | None = None, *,
            sites_also: Iterable[int] = ()) -> int:
    """Recompute and store the standings of the given buildings (every building when None), and the worst letter
    of their sites and of `sites_also` (sites that lost a building); flush only. Returns the number of rows written."""
    today = today or paris_today()
    _forget_summary()
    ref = services.reference_data()
    until = valid_until(ref, today)
    now = utcnow()
    sites: set[int] | None = None  # the sites whose worst letter may change (None: every site)
    if building_ids is None:
        db.session.execute(delete(EnergyStanding))
        chunks = [None]
    else:
        chunks = _chunks(set(building_ids))
        sites = set(sites_also)
    written = 0
    if building_ids is None:
        db.session.execute(delete(EnergyStandingCount))
    for chunk in chunks:
        change: dict[tuple, int] = {}
        if chunk is not None:
            for key, count in _counted(EnergyStanding.building_id.in_(chunk)):
                change[key] = -count
            sites.update(db.session.execute(select(EnergyStanding.site_id)
                                            .where(EnergyStanding.building_id.in_(chunk))).scalars())
            db.session.execute(delete(EnergyStanding).where(EnergyStanding.building_id.in_(chunk)))
        rows = []
        for item in services.load_building_energy(chunk).values():
            try:
                rows.append(_row(portfolio.standing(item, ref, today), today, until, now))
            except MissingReferenceError:
                continue  # no row: the dashboard computes as before, and says which reference row is missing
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(EnergyStanding), rows[start:start + CHUNK])
        written += len(rows)
        if sites is not None:
            sites.update(row["site_id"] for row in rows)
        added = set()
        for row in rows:
            key = (row["dpe_class"] or "", row["status"] or "", row["subject"])
            change[key] = change.get(key, 0) + 1
            added.add(key)
        _count(change, added, today, until)
    store_site_classes(sites)
    return written


def store_site_classes(site_ids: Iterable[int] | None = None) -> None:
    """Write on each site (every site when None) the worst DPE letter of its stored standings
    (sites.energy_dpe_class), so that the map's DPE colouring reads it from its tile indexes; only the sites whose
    letter changes are written, and their save time stays (a derived column, not an edit)."""
    worst = (select(func.max(EnergyStanding.dpe_class))
             .where(EnergyStanding.site_id == Site.id, EnergyStanding.dpe_class.is_not(None)).scalar_subquery())
    statement = (update(Site).where(Site.energy_dpe_class.is_distinct_from(worst))
                 .values(energy_dpe_class=worst, updated_at=Site.updated_at))
    connection = db.session.connection()
    for chunk in [None] if site_ids is None else _chunks(site_ids):
        connection.execute(statement if chunk is None else statement.where(Site.id.in_(chunk)))


def _count_key() -> tuple:
    """What the counts group the standings by ("" for no class or status; a literal, as PostgreSQL groups by the
    same expression only when it is written out the same)."""
    empty = literal_column("''")
    return (func.coalesce(EnergyStanding.dpe_class, empty), func.coalesce(EnergyStanding.status, empty),
            EnergyStanding.subject)


def _counted(*where) -> list[tuple[tuple, int]]:
    """((class, status, subject), number of stored standings) of the standings `where` says."""
    group = _count_key()
    rows = db.session.execute(select(*group, func.count()).where(*where).group_by(*group)).all()
    return [((dpe_class, status, bool(subject)), count) for dpe_class, status, subject, count in rows]


def _count(change: dict[tuple, int], added: set[tuple], today: date, until: date) -> None:
    """Apply to the counts the standings removed (negative) and added, those computed `today` holding `until`: the
    day a group stops holding only ever moves earlier, until every standing is recomputed (never claims too much)."""
    table = EnergyStandingCount
    for (dpe_class, status, subject), number in change.items():
        key = (table.dpe_class == dpe_class, table.status == status, table.subject == subject)
        values = {"count": table.count + number}
        if (dpe_class, status, subject) in added:
            values.update(valid_until=case((table.valid_until > until, until), else_=table.valid_until),
                          computed_on=case((table.computed_on < today, today), else_=table.computed_on))
        if not db.session.execute(update(table).where(*key).values(**values)).rowcount and number > 0:
            db.session.execute(insert(table).values(dpe_class=dpe_class, status=status, subject=subject, count=number,
                                                    computed_on=today, valid_until=until))
    db.session.execute(delete(table).where(table.count <= 0))


def rebuild_counts() -> None:
    """The counts from every stored standing again (after the database's cascade removed some); flush only."""
    _forget_summary()
    db.session.execute(delete(EnergyStandingCount))
    group = _count_key()
    db.session.execute(insert(EnergyStandingCount).from_select(
        ["dpe_class", "status", "subject", "count", "computed_on", "valid_until"],
        select(*group, func.count(), func.max(EnergyStanding.computed_on), func.min(EnergyStanding.valid_until))
        .group_by(*group)))


def refresh_totals(years: Iterable[int] | None = None) -> None:
    """Recompute the stored portfolio totals of the given years (every year when None) from the consumption records,
    in SQL; flush only."""
    sums = select(EnergyConsumption.year, EnergyConsumption.carrier, func.sum(EnergyConsumption.kwh), func.count()) \
        .group_by(EnergyConsumption.year, EnergyConsumption.carrier)
    clear = delete(EnergyYearTotal)
    if years is not None:
        years = sorted(set(years))
        sums = sums.where(EnergyConsumption.year.in_(years))
        clear = clear.where(EnergyYearTotal.year.in_(years))
    db.session.execute(clear)
    db.session.execute(insert(EnergyYearTotal).from_select(["year", "carrier", "kwh", "records"], sums))


def stored_totals(ref: ReferenceData | None = None) -> list[portfolio.YearTotal]:
    """The portfolio's yearly totals (`portfolio.yearly_totals`) from the stored sums."""
    rows = db.session.execute(select(EnergyYearTotal.year, EnergyYearTotal.carrier, EnergyYearTotal.kwh)
                              .order_by(EnergyYearTotal.year, EnergyYearTotal.carrier)).all()
    return portfolio.year_totals_from(rows, ref or services.reference_data())


def computed_standings(today: date | None = None) -> list[BuildingStanding]:
    """Every building's standing as computed now (what the stored rows must equal), by building code."""
    return portfolio.portfolio_standings(today or paris_today())


def stored_standings() -> list[BuildingStanding]:
    """Every stored standing, by building code (tests compare it with `computed_standings`)."""
    rows = db.session.execute(_standing_query().order_by(Building.code)).all()
    return [_standing(*row) for row in rows]


# ------------------------------------------------------------------------------------------- keeping them current


@dataclass
class _Pending:
    buildings: set[int] = field(default_factory=set)
    sites: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)  # of the portfolio's yearly totals
    every_year: bool = False  # a building went, with its consumption (deleted by the database's cascade)
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.buildings or self.sites or self.years or self.every_year or self.everything)


def _changed(obj, names: Iterable[str]) -> bool:
    attrs = sa_inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _note_changes(session, _context) -> None:
    """After each flush: note whose standing the flushed changes touch (recomputed before the commit)."""
    pending = session.info.get(PENDING) or _Pending()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, EnergyConsumption):
            history = sa_inspect(obj).attrs.year.history
            pending.years.update(y for y in chain(history.added, history.unchanged, history.deleted) if y)
        if isinstance(obj, (EnergyConsumption, BuildingEnergyYear, BuildingEnergySettings)):
            pending.buildings.add(obj.building_id)
        elif isinstance(obj, Building):
            pending.every_year |= obj in session.deleted
            if obj in session.new or obj in session.deleted or _changed(obj, BUILDING_INPUTS):
                history = sa_inspect(obj).attrs.site_id.history
                pending.sites.update(s for s in chain(history.added, history.unchanged, history.deleted) if s)
        elif isinstance(obj, Site):
            pending.every_year |= obj in session.deleted
            if obj not in session.new and obj not in session.deleted and _changed(obj, ("kind",)):
                pending.sites.add(obj.id)
        elif isinstance(obj, REFERENCE_TYPES):
            pending.everything = True
    if pending:
        session.info[PENDING] = pending


def _apply_changes(session) -> None:
    """Before the commit: recompute the standings the transaction's changes touched, in the same transaction."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    if pending.years or pending.every_year:
        refresh_totals(None if pending.every_year else pending.years)
    if pending.every_year:  # a building went: the database removed its standing
        rebuild_counts()
    if pending.everything:
        services.forget_reference_data()  # the reference rows of this transaction, not the request's copy
        refresh_everything()
        return
    ids = set(pending.buildings)
    for chunk in _chunks(pending.sites):  # an import of many sites: IN lists within the database's limits
        ids.update(session.execute(select(Building.id).where(Building.site_id.in_(chunk))).scalars())
    existing = set()
    for chunk in _chunks(ids):
        existing.update(session.execute(select(Building.id).where(Building.id.in_(chunk))).scalars())
    # A site that lost a building (moved or deleted) may lose its worst letter: written once, with the others'.
    if existing:
        refresh(existing, sites_also=pending.sites)
    elif pending.sites:
        store_site_classes(pending.sites)


def _chunks(values: Iterable[int]) -> list[list[int]]:
    ordered = sorted(values)
    return [ordered[start:start + CHUNK] for start in range(0, len(ordered), CHUNK)]


def _forget_changes(session, *_args) -> None:
    session.info.pop(PENDING, None)


def refresh_everything() -> str:
    """Every standing: recomputed now when there are at most SYNC_LIMIT buildings, else marked stale and left to
    the `energy_standings` job. Returns "done" or "queued"."""
    count = db.session.scalar(select(func.count()).select_from(Building)) or 0
    if count <= SYNC_LIMIT:
        refresh()
        return "done"
    db.session.execute(update(EnergyStanding).values(valid_until=EnergyStanding.computed_on))
    db.session.execute(update(EnergyStandingCount).values(valid_until=EnergyStandingCount.computed_on))
    _forget_summary()
    if not _refresh_job_active():
        from facilities.jobs import create_job

        create_job(JOB_KIND)
    return "queued"


def _refresh_job_active() -> bool:
    from facilities.jobs.models import Job, JobStatus

    return bool(db.session.scalar(select(func.count(Job.id)).where(
        Job.kind == JOB_KIND, Job.status.in_(JobStatus.ACTIVE))))


def _queue_refresh() -> None:
    """From a page that found the stored standings out of date: queue the refresh job (in a transaction of its
    own, as a GET request commits nothing) unless one is already waiting or running."""
    from facilities.jobs import create_job_now

    if not _refresh_job_active():
        create_job_now(JOB_KIND)


@job_kind(JOB_KIND, label=_l("Energy standings of every building"))
def refresh_job(context: JobContext) -> JobResult:
    """Recompute every building's stored energy standing (after a large reference change, or a new year)."""
    written = refresh()
    refresh_totals()
    return JobResult(message=_("%(n)s standings recomputed.", n=written))


def install_listeners() -> None:
    """Keep the standings current in every session (once per process)."""
    from sqlalchemy import event

    if not event.contains(db.session, "after_flush", _note_changes):
        event.listen(db.session, "after_flush", _note_changes)
        event.listen(db.session, "before_commit", _apply_changes)
        event.listen(db.session, "after_rollback", _forget_changes)


# ------------------------------------------------------------------------------------------- the dashboard, in SQL


def _code_order():
    """Building codes in code-point order, as Python sorts them (PostgreSQL's locale collation would not)."""
    return Building.code.collate("C") if db.session.get_bind().dialect.name == "postgresql" else Building.code


STANDING_COLUMNS = ("building_id", "site_id", "latest_year", "dpe_class", "tertiaire_kwh_m2", "path_kwh_m2",
                    "gap_kwh_m2", "status", "subject", "dpe_display_required", "dpe_years", "reference_year",
                    "incomplete")


def _standing_query():
    """Plain columns (no ORM instance per row: pages read thousands of them)."""
    table = EnergyStanding.__table__
    return select(*(table.c[name] for name in STANDING_COLUMNS), Building.code, Building.name).join(
        Building, Building.id == table.c.building_id)


def _standing(*row) -> BuildingStanding:
    (building_id, site_id, latest_year, dpe_class, tertiaire, path, gap, status, subject, display, dpe_years,
     reference_year, incomplete, code, name) = row
    years = tuple(int(y) for y in dpe_years.split(",")) if dpe_years else ()
    return BuildingStanding(building_id, site_id, code, name, latest_year, dpe_class, tertiaire, path, gap, status,
                            subject, display, years, reference_year, incomplete)


def _summary(today: date) -> tuple[dict[str, int], int, int] | None:
    """(class counts, subject, off track) from the stored rows in one query, once per request and day; None when they
    do not all hold today (a building without a row, a stale or expired row)."""
    cache = g.setdefault(SUMMARY, {}) if has_app_context() else {}
    if today not in cache:
        cache[today] = _read_summary(today)
    return cache[today]


def _forget_summary() -> None:
    if has_app_context():
        g.pop(SUMMARY, None)


def _read_summary(today: date) -> tuple[dict[str, int], int, int] | None:
    buildings = select(func.count()).select_from(Building).scalar_subquery()
    table = EnergyStandingCount
    rows = db.session.execute(select(table.dpe_class, table.status, table.subject, table.count, table.computed_on,
                                     table.valid_until, buildings)).all()
    if not rows:
        total = db.session.scalar(select(func.count()).select_from(Building))
        return ({letter: 0 for letter in (*DPE_LETTERS, "")}, 0, 0) if not total else None
    if sum(r[3] for r in rows) != rows[0][6] or max(r[4] for r in rows) > today or min(r[5] for r in rows) <= today:
        return None
    counts = {letter: 0 for letter in DPE_LETTERS}
    counts[""] = 0
    for dpe_class, _status, _subject, count, *_rest in rows:
        counts[dpe_class] += count
    return (counts, sum(r[3] for r in rows if r[2]), sum(r[3] for r in rows if r[1] == OFF_TRACK))


def dashboard(limit: int = 10, today: date | None = None) -> Dashboard:
    """The portfolio dashboard (`portfolio.dashboard`'s figures) aggregated in SQL from the stored standings: class
    counts by GROUP BY, the furthest off track by ORDER BY … LIMIT, those that must display their DPE. When the
    stored rows do not all hold today, computed as before, and the refresh job is queued."""
    today = today or paris_today()
    summary = _summary(today)
    if summary is None:
        computed = portfolio.dashboard(limit, today)
        if today == paris_today():
            _queue_refresh()
        return computed
    counts, subject, off_track = summary
    # Off track means above the path: the gap is positive, and so is its ratio, None only on a zero path (ranked as
    # 0, after every other, as portfolio.dashboard does). The index on (status, gap_ratio, gap) is read backwards.
    off = db.session.execute(
        _standing_query().where(EnergyStanding.status == OFF_TRACK)
        .order_by(EnergyStanding.gap_ratio.desc().nulls_last(), EnergyStanding.gap_kwh_m2.desc(), _code_order())
        .limit(limit)).all()
    # Few buildings must display their DPE: read from their index, ordered here (ORDER BY code had SQLite walk every
    # building in code order to find them). Python's order is code-point order, as _code_order is.
    display = sorted(db.session.execute(
        _standing_query().where(EnergyStanding.dpe_display_required.is_(True))).all(), key=lambda row: row.code)
    return Dashboard(counts, [_standing(*row) for row in off], stored_totals(), sum(counts.values()),
                     subject, off_track, [_standing(*row) for row in display])


def latest_dpe_class_by_site(today: date | None = None) -> dict[int, str]:
    """{site id: DPE letter} for the map (`portfolio.latest_dpe_class_by_site`) from the stored standings: the worst
    letter is the greatest (A … G), so MAX per site in SQL."""
    today = today or paris_today()
    if _summary(today) is None:
        return portfolio.latest_dpe_class_by_site(today)
    rows = db.session.execute(
        select(EnergyStanding.site_id, func.max(EnergyStanding.dpe_class))
        .where(EnergyStanding.dpe_class.is_not(None)).group_by(EnergyStanding.site_id)).all()
    return dict(rows)


def site_dpe_class_column(today: date | None = None):
    """Each site's worst stored DPE letter as a column (sites.energy_dpe_class, written with the standings), for
    queries over many sites (the map's viewport); None when the stored standings do not all hold today."""
    if _summary(today or paris_today()) is None:
        return None
    return Site.energy_dpe_class


def subject_building_ids(today: date | None = None) -> set[int] | None:
    """The ids of the subject buildings from the stored standings; None when they do not all hold today."""
    today = today or paris_today()
    if _summary(today) is None:
        return None
    return set(db.session.execute(select(EnergyStanding.building_id).where(EnergyStanding.subject)).scalars())


def unassigned_subject(today: date | None = None,
                       limit: int | None = None) -> tuple[list[BuildingStanding], int] | None:
    """The subject buildings in no EFA, by code (`efas.unassigned_subject_buildings` of the portfolio; the first
    `limit` of them) and how many there are, from the stored standings; None when they do not all hold today."""
    from facilities.energy.models import EfaPart

    today = today or paris_today()
    summary = _summary(today)
    if summary is None:
        return None
    assigned = select(func.count(func.distinct(EfaPart.building_id))).join(
        EnergyStanding, EnergyStanding.building_id == EfaPart.building_id).where(EnergyStanding.subject)
    query = _standing_query().add_columns(assigned.scalar_subquery()).where(
        EnergyStanding.subject, EnergyStanding.building_id.not_in(select(EfaPart.building_id))).order_by(_code_order())
    rows = db.session.execute(query if limit is None else query.limit(limit)).all()
    # How many in all, without reading them all: the subject buildings (counted) less those in an EFA.
    return [_standing(*row[:-1]) for row in rows], summary[1] - rows[0][-1] if rows else 0
