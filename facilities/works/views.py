"""What the works pages show, read from the stored programmes: figures per envelope and year, the multi-year
programme table (PPI), Gantt rows, the director's dashboard and the operations about a building.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from facilities import years
from facilities.extensions import db
from facilities.formatting import format_number
from facilities.i18n import current_locale
from facilities.money import cents_to_euros
from facilities.works.budget import LAPSED, Lapse, lapse_of
from facilities.works.models import ApRevision, BudgetVote, CpCarryOver, Envelope, Operation, ProgrammeAp
from facilities.works.scheduling.checks import OperationCheck, ProgrammeCheck
from facilities.works.scheduling.spreading import operation_cp
from facilities.works.services import (
    build_plan,
    check_plan,
    lapse_years_on,
    lapses,
    load_envelopes,
    load_operations,
    operation_query,
    plan_of,
    programme_aps,
)

PPI_YEARS_AHEAD = 3  # the multi-year table shows N, N+1, N+2, N+3, then "later"


@dataclass
class YearFigures:
    year: int
    cap_cents: int = 0
    allocated_cents: int = 0
    committed_cents: int = 0
    paid_cents: int = 0

    @property
    def remaining_cents(self) -> int:
        return self.cap_cents - self.allocated_cents

    @property
    def overflow_cents(self) -> int:
        return max(0, -self.remaining_cents)


@dataclass
class EnvelopeFigures:
    envelope: Envelope
    operations: list[Operation]
    years: list[YearFigures]
    programme_check: ProgrammeCheck
    totals: YearFigures = field(default_factory=lambda: YearFigures(0))
    lapses: dict[int, Lapse] = field(default_factory=dict)  # APs lapsing or lapsed, by operation id

    @property
    def lapsed_ids(self) -> set[int]:
        """Operations whose AP has lapsed (caducité): left out of the programme's totals."""
        return {op_id for op_id, lapse in self.lapses.items() if lapse.state == LAPSED}

    @property
    def overflow_by_year(self) -> dict[int, int]:
        return self.programme_check.overflow_by_year

    @property
    def unbalanced(self) -> list[OperationCheck]:
        return [o for o in self.programme_check.operations if not o.balanced]

    @property
    def ap_total_cents(self) -> int:
        """The APs in force of the programme, lapsed ones left out."""
        lapsed = self.lapsed_ids
        return sum(op.current_ap_cents for op in self.operations if op.id not in lapsed)


def envelope_figures(envelopes: Sequence[Envelope]) -> list[EnvelopeFigures]:
    """Per envelope and year: cap, CP allocated, committed, paid and remaining (cap − allocated)."""
    by_envelope = load_operations([e.id for e in envelopes])
    found_lapses = lapses([op for ops in by_envelope.values() for op in ops], date.today())
    out = []
    for envelope in envelopes:
        ops = by_envelope[envelope.id]
        programme_check = check_plan(build_plan(envelope, ops))
        years: dict[int, YearFigures] = {}
        for y in programme_check.years:
            years[y.year] = YearFigures(y.year, y.cap_cents, y.asked_cents)
        for op in ops:
            for actual in op.actuals:
                row = years.setdefault(actual.year, YearFigures(actual.year, envelope.caps_by_year.get(actual.year, 0)))
                row.committed_cents += actual.committed_cents
                row.paid_cents += actual.paid_cents
        rows = [years[y] for y in sorted(years)]
        totals = YearFigures(0, sum(r.cap_cents for r in rows), sum(r.allocated_cents for r in rows),
                             sum(r.committed_cents for r in rows), sum(r.paid_cents for r in rows))
        out.append(EnvelopeFigures(envelope, ops, rows, programme_check, totals,
                                   {op.id: found_lapses[op.id] for op in ops if op.id in found_lapses}))
    return out


@dataclass
class PpiRow:
    operation: Operation | None
    ap_cents: int
    voted_cents: int  # the AP in force on 31 December of N−1
    revision_cents: int  # votes of year N (a new AP counts whole)
    paid_before_cents: int  # CP paid before 1 January N
    to_respread_cents: int  # CP of years before N neither paid nor carried over yet: to re-spread
    cp_years: list[int]  # N … N+3
    cp_later_cents: int
    carried_over_cents: int  # unpaid CP of years before N already re-spread onto later years

    @property
    def balanced(self) -> bool:
        """Paid before N + to re-spread + CP N … N+3 + later = AP: nothing vanished, nothing is counted twice."""
        return self.accounted_cents == self.ap_cents

    @property
    def accounted_cents(self) -> int:
        return self.paid_before_cents + self.to_respread_cents + sum(self.cp_years) + self.cp_later_cents


def ppi_row(op: Operation, year: int) -> PpiRow:
    """One operation's line of the PPI for year N."""
    voted = next((r.amount_cents for r in reversed(op.ap_revisions) if r.voted_on.year < year), 0)
    in_force = next((r.amount_cents for r in reversed(op.ap_revisions) if r.voted_on.year <= year), voted)
    cp = op.cp_by_year
    paid = {a.year: a.paid_cents for a in op.actuals}
    return PpiRow(
        op, op.current_ap_cents, voted, in_force - voted,
        sum(cents for y, cents in paid.items() if y < year),
        sum(max(0, cp.get(y, 0) - paid.get(y, 0)) for y in set(cp) | set(paid) if y < year),
        [cp.get(year + k, 0) for k in range(PPI_YEARS_AHEAD + 1)],
        sum(c for y, c in cp.items() if y > year + PPI_YEARS_AHEAD),
        sum(c.amount_cents for c in op.carry_overs if c.from_year < year),
    )


def ppi_rows(operations: Sequence[Operation], year: int) -> tuple[list[PpiRow], PpiRow | None]:
    """The multi-year programme table (PPI) for year N, as départements present it, with its totals."""
    rows = [ppi_row(op, year) for op in operations]
    if not rows:
        return rows, None
    total = PpiRow(None, *(sum(getattr(r, name) for r in rows) for name in (
        "ap_cents", "voted_cents", "revision_cents", "paid_before_cents", "to_respread_cents")),
        [sum(r.cp_years[k] for r in rows) for k in range(PPI_YEARS_AHEAD + 1)],
        sum(r.cp_later_cents for r in rows), sum(r.carried_over_cents for r in rows))
    return rows, total


def gantt_rows(operations: Sequence[Operation]) -> list[dict]:
    """Plain data for facilities.works.gantt: one row per operation, its phases on the time axis."""
    rows = []
    for op in operations:
        plan = plan_of(op)
        rows.append({
            "label": op.label, "start": op.start, "end": plan.end, "fixed": op.fixed, "status": op.status,
            "draft": op.draft,
            "phases": [{"code": p.code, "start": p.start, "end": p.end} for p in op.phases],
        })
    return rows


# ---------------------------------------------------------------- dashboard and building panel


@dataclass
class Dashboard:
    years: list[YearFigures]
    status_counts: dict[str, int]
    biggest: list[Operation]
    envelopes: list[EnvelopeFigures]
    ap_total_cents: int


def dashboard(limit: int = 10) -> Dashboard:
    """The director's view: totals per year against caps, operations per status, the biggest operations."""
    figures = envelope_figures(load_envelopes(include_scenarios=False))
    years: dict[int, YearFigures] = {}
    status_counts: Counter = Counter()
    ops: list[Operation] = []
    for fig in figures:
        for row in fig.years:
            total = years.setdefault(row.year, YearFigures(row.year))
            total.cap_cents += row.cap_cents
            total.allocated_cents += row.allocated_cents
            total.committed_cents += row.committed_cents
            total.paid_cents += row.paid_cents
        for op in fig.operations:
            status_counts[op.status] += 1
            ops.append(op)
    biggest = sorted(ops, key=lambda op: (-op.current_ap_cents, op.id))[:limit]
    return Dashboard([years[y] for y in sorted(years)], dict(status_counts), biggest, figures,
                     sum(fig.ap_total_cents for fig in figures))


def operations_for_building(building_id: int | None, site_id: int | None) -> list[Operation]:
    """Operations (outside scenarios) about this building or its site."""
    conditions = []
    if building_id:
        conditions.append(Operation.building_id == building_id)
    if site_id:
        conditions.append(Operation.site_id == site_id)
    if not conditions:
        return []
    query = (operation_query().join(Envelope, Operation.envelope_id == Envelope.id)
             .where(Envelope.scenario_of_id.is_(None), or_(*conditions)))
    return list(db.session.execute(query.order_by(None).order_by(Operation.start, Operation.id)).scalars())


def cp_by_year_of(op: Operation) -> dict[int, int]:
    """The operation's échéancier (stored, or derived when none is stored)."""
    return operation_cp(plan_of(op))


def savings_operations_for_building(building_id: int) -> list[Operation]:
    """Operations (outside scenarios) of this building that are energy retrofits or expect energy savings,
    with their phases and savings (three queries); for the energy area's projection."""
    query = (
        select(Operation).options(selectinload(Operation.phases), selectinload(Operation.savings))
        .join(Envelope, Operation.envelope_id == Envelope.id)
        .where(Envelope.scenario_of_id.is_(None), Operation.building_id == building_id,
               or_(Operation.nature == "energy_retrofit", Operation.savings.any()))
        .order_by(Operation.start, Operation.id)
    )
    return list(db.session.execute(query).scalars())


# ---------------------------------------------------------------- home dashboard

HOME_YEARS_BEFORE, HOME_YEARS_AFTER = 1, 3  # the home chart: N−1 … N+3


@dataclass
class HomeFigures:
    """The works programme on the home dashboard: the AP in force, year N against the caps, and what needs
    looking at (caps exceeded in N or later, operations starting or ending this month)."""

    year: int
    ap_in_force_cents: int
    this_year: YearFigures
    years: list[YearFigures]  # N−1 … N+3, those with a cap or CP
    overflows: list[tuple[Envelope, int, int]]  # (envelope, year, cents over its cap)
    starting: list[Operation]
    ending: list[Operation]

    @property
    def used_share(self) -> int | None:
        """CP allocated in N as a share of N's caps, in whole percent (None without a cap)."""
        cap = self.this_year.cap_cents
        return None if cap <= 0 else round(self.this_year.allocated_cents * 100 / cap)


def home_figures(today: date) -> HomeFigures:
    """Figures of the works panel of the home dashboard, from the programmes in force (scenarios left out).
    Past years' overflows are left out: their accounts are closed, only N and later can still be changed."""
    board = dashboard()
    by_year = {row.year: row for row in board.years}
    this_year = by_year.get(today.year, YearFigures(today.year))
    shown = [by_year[y] for y in range(today.year - HOME_YEARS_BEFORE, today.year + HOME_YEARS_AFTER + 1)
             if y in by_year and (by_year[y].cap_cents or by_year[y].allocated_cents)]
    overflows = [(fig.envelope, year, cents) for fig in board.envelopes
                 for year, cents in sorted(fig.overflow_by_year.items()) if year >= today.year and cents > 0]
    month = (today.year, today.month)
    live = [op for fig in board.envelopes for op in fig.operations if op.status != "closed"]
    starting = [op for op in live if (op.start.year, op.start.month) == month]
    ending = [op for op in live if (plan_of(op).end.year, plan_of(op).end.month) == month]
    return HomeFigures(today.year, board.ap_total_cents, this_year, shown, overflows, starting, ending)


@dataclass
class VoteGroup:
    """What one budget vote approved for an operation (vote None: changes recorded without their vote)."""

    vote: BudgetVote | None
    day: date
    revisions: list[ApRevision] = field(default_factory=list)
    carry_overs: list[CpCarryOver] = field(default_factory=list)


def history_by_vote(op: Operation) -> list[VoteGroup]:
    """The operation's AP and CP history read vote by vote, oldest first: each vote with the AP creations or
    revisions and the CP carry-overs it approved; changes without a vote stand alone under their date."""
    groups: dict[tuple, VoteGroup] = {}
    for revision in op.ap_revisions:
        key = ("vote", revision.vote_id) if revision.vote_id else ("revision", revision.id)
        groups.setdefault(key, VoteGroup(revision.vote, revision.voted_on)).revisions.append(revision)
    for carried in op.carry_overs:
        key = ("vote", carried.vote_id) if carried.vote_id else ("carry", carried.id)
        groups.setdefault(key, VoteGroup(carried.vote, carried.carried_on)).carry_overs.append(carried)
    return sorted(groups.values(), key=lambda g: (g.day, g.vote.id if g.vote else 0))


def vote_items(vote: BudgetVote) -> list[tuple[Operation, list[ApRevision], list[CpCarryOver]]]:
    """What a vote approved, operation by operation."""
    by_op: dict[int, tuple[Operation, list, list]] = {}
    for revision in vote.revisions:
        by_op.setdefault(revision.operation_id, (revision.operation, [], []))[1].append(revision)
    for carried in vote.carry_overs:
        by_op.setdefault(carried.operation_id, (carried.operation, [], []))[2].append(carried)
    return [by_op[key] for key in sorted(by_op)]


# ---------------------------------------------------------------- the budget annex (état des AP/CP)

ANNEX_CP_YEARS = 3  # the annex shows the CP of N, N+1 and N+2, then "later"
PROGRAMME_YEARS = years.PROGRAMME


@dataclass
class AnnexLine:
    """One line of the "état des autorisations de programme et crédits de paiement" for year N."""

    label: str
    operation: Operation | None
    voted_cents: int  # AP voted before 1 January N
    revision_cents: int  # revisions voted during N (a new AP counts whole)
    paid_before_cents: int  # CP paid before 1 January N
    to_respread_cents: int  # CP of years before N neither paid nor re-spread yet
    cp_years: list[int]  # CP of N, N+1, N+2
    later_cents: int  # CP of N+3 and after
    lapsed: bool = False  # the AP lapsed (caducité): shown, left out of the totals

    @property
    def ap_cents(self) -> int:
        """The AP in force in N: voted before N + revisions of N."""
        return self.voted_cents + self.revision_cents


def _annex_line(op: Operation, year: int) -> AnnexLine:
    row = ppi_row(op, year)
    return AnnexLine(op.label, op, row.voted_cents, row.revision_cents, row.paid_before_cents, row.to_respread_cents,
                     row.cp_years[:ANNEX_CP_YEARS], sum(row.cp_years[ANNEX_CP_YEARS:]) + row.cp_later_cents)


def _annex_total(label: str, lines: Sequence[AnnexLine]) -> AnnexLine:
    lines = [line for line in lines if not line.lapsed]
    return AnnexLine(label, None, *(sum(getattr(line, name) for line in lines) for name in (
        "voted_cents", "revision_cents", "paid_before_cents", "to_respread_cents")),
        [sum(line.cp_years[k] for line in lines) for k in range(ANNEX_CP_YEARS)],
        sum(line.later_cents for line in lines))


@dataclass
class AnnexProgramme:
    envelope: Envelope
    lines: list[AnnexLine]
    total: AnnexLine


@dataclass
class BudgetAnnex:
    year: int
    programmes: list[AnnexProgramme]
    total: AnnexLine

    @property
    def cp_year_numbers(self) -> list[int]:
        return [self.year + k for k in range(ANNEX_CP_YEARS)]


def budget_annex(year: int, total_label: str = "Total") -> BudgetAnnex:
    """The annex of year N, programme (envelope, scenarios left out) by programme and operation by operation."""
    envelopes = load_envelopes(include_scenarios=False)
    operations = load_operations([e.id for e in envelopes])
    found = lapses([op for ops in operations.values() for op in ops], date.today())
    lapsed = {op_id for op_id, lapse in found.items() if lapse.state == LAPSED}
    programmes = []
    for envelope in envelopes:
        lines = [_annex_line(op, year) for op in operations[envelope.id]]
        for line in lines:
            line.lapsed = line.operation.id in lapsed
        programmes.append(AnnexProgramme(envelope, lines, _annex_total(envelope.label, lines)))
    return BudgetAnnex(year, programmes, _annex_total(total_label, [p.total for p in programmes]))

# ---------------------------------------------------------------- what the grids show beside each year


def caps_grid_context(envelope: Envelope) -> dict:
    """For the caps grid: the CP allocated in each year, so that each typed cap shows what it leaves free."""
    allocated: dict[int, int] = {}
    for op in envelope.operations:
        for year, cents in op.cp_by_year.items():
            allocated[year] = allocated.get(year, 0) + cents
    return {"years": {str(year): {"allocated_cents": cents} for year, cents in sorted(allocated.items())}}


def cp_grid_context(op: Operation, *, ap_input: str | None = None) -> dict:
    """For a CP grid: the AP to reach (or the form's field holding the new one) and, per year, the envelope's cap
    and what the other operations take of it, so that each typed amount shows what the year still has free."""
    caps = op.envelope.caps_by_year
    others: dict[int, int] = {}
    for other in op.envelope.operations:
        if other.id != op.id:
            for year, cents in other.cp_by_year.items():
                others[year] = others.get(year, 0) + cents
    years = sorted(set(caps) | set(others) | set(op.cp_by_year))
    context: dict = {"years": {str(year): {"cap_cents": caps.get(year), "others_cents": others.get(year, 0)}
                               for year in years}}
    if ap_input:
        context["ap_input"] = ap_input
    else:
        context["ap_cents"] = op.current_ap_cents
    return context


# ---------------------------------------------------------------- what the forms show for editing


def year_lines(amounts: dict[int, int]) -> str:
    """Amounts by year as the grids show them: in the reader's number format (the rules read both)."""
    locale = current_locale()
    return "\n".join(f"{year} {format_number(cents_to_euros(cents), locale)}" for year, cents in sorted(amounts.items()))


def phase_lines(op: Operation) -> str:
    """The phases as the phases grid shows them (one 'CODE START END SHARE' line each)."""
    return "\n".join(f"{p.code} {p.start.isoformat()} {p.end.isoformat()} {p.share_bp / 100:g}" for p in op.phases)


# ---------------------------------------------------------------- programme APs


@dataclass
class ProgrammeApRow:
    programme_ap: ProgrammeAp
    lapse: Lapse | None  # its caducité (no commitment on any operation it was assigned to)

    @property
    def lapsed(self) -> bool:
        return self.lapse is not None and self.lapse.state == LAPSED


@dataclass
class ProgrammeApFigures:
    rows: list[ProgrammeApRow]

    def _total(self, name: str) -> int:
        return sum(getattr(row.programme_ap, name) for row in self.rows if not row.lapsed)

    @property
    def voted_cents(self) -> int:
        """Voted for the programme, lapsed programme APs left out."""
        return self._total("amount_cents")

    @property
    def assigned_cents(self) -> int:
        return self._total("assigned_cents")

    @property
    def unassigned_cents(self) -> int:
        return self._total("unassigned_cents")


def programme_ap_figures(envelope: Envelope, today: date | None = None) -> ProgrammeApFigures:
    """Each programme AP of the envelope: voted, assigned, unassigned, and its caducité; totals without the lapsed."""
    today = today or date.today()
    years = lapse_years_on(today)
    rows = []
    for programme_ap in programme_aps(envelope):
        committed = sum(a.committed_cents for assigned in programme_ap.assignments
                        for a in assigned.operation.actuals)
        rows.append(ProgrammeApRow(programme_ap, lapse_of(programme_ap.voted_on, committed, years, today)))
    return ProgrammeApFigures(rows)
