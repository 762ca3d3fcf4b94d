"""Services of the works area: the pure programme built from the database in bulk, checks, proposals,
their application, AP revisions, échéanciers, actuals and scenarios. What the pages show from them (figures
per year, the PPI table, Gantt rows, the dashboard) is in facilities.works.views.

Services flush, never commit: the request or command wrapper (facilities/database.py) commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from facilities.extensions import db
from facilities.formatting import format_money
from facilities.validation import ValidationError
from facilities.works.budget import Lapse, Ledger, lapse_of, ledger_errors
from facilities.works.models import (
    ApAssignment,
    ApLapseRule,
    ApRevision,
    BudgetVote,
    CpCarryOver,
    Envelope,
    EnvelopeCap,
    Operation,
    OperationActual,
    OperationCp,
    OperationPhase,
    OperationSaving,
    ProgrammeAp,
    cents_by_year_text,
)
from facilities.works.scheduling.checks import OperationCheck, ProgrammeCheck, check_programme
from facilities.works.scheduling.errors import SchedulingError
from facilities.works.scheduling.months import add_months, month_index, months_by_year
from facilities.works.scheduling.plans import OperationPlan, Phase, ProgrammePlan
from facilities.works.scheduling.proposal import ScheduleProposal, propose_schedule
from facilities.works.scheduling.scenarios import ScenarioComparison, compare_scenarios
from facilities.works.scheduling.spreading import derive_cp, operation_cp, shift

# Statuses that mean the AP has been voted: the échéancier must balance (sum of CP == AP) to enter them.
VOTED_STATUSES = ("voted", "studies", "works")
# Statuses of an operation whose AP has been voted: its amounts change only by a revision, and ΣCP = AP.
AMOUNTS_LOCKED = (*VOTED_STATUSES, "received", "closed")


def is_voted(op: Operation) -> bool:
    """Whether the operation's AP has been voted (its amounts then change only by a revision)."""
    return op.status in AMOUNTS_LOCKED


def ledger_of(op: Operation) -> Ledger:
    """The budget figures of an operation: AP in force, échéancier, commitments and payments by year."""
    return Ledger(op.current_ap_cents, op.cp_by_year, {a.year: a.committed_cents for a in op.actuals},
                  {a.year: a.paid_cents for a in op.actuals}, is_voted(op))


def check_ledger(op: Operation, *, checking_ap: bool = False, rename: dict[str, str] | None = None,
                 only: tuple[str, ...] | None = None) -> None:
    """Refuse (ValidationError) a change that breaks the AP/CP rules (facilities.works.budget); flushes first.

    `rename` maps the rules' field names onto those of the form or endpoint that made the change; messages
    that land on one field are joined; `only` keeps the rules a change can break (recording actuals does not
    unbalance an échéancier)."""
    db.session.flush()
    errors: dict[str, str] = {}
    for key, message in ledger_errors(ledger_of(op), checking_ap=checking_ap).items():
        if only is not None and key not in only:
            continue
        key = (rename or {}).get(key, key)
        errors[key] = f"{errors[key]} {message}" if key in errors else message
    if errors:
        raise ValidationError(errors)


def revision_needed(op: Operation) -> str:
    """The message refusing a change of a voted operation's amounts outside a revision."""
    return _("%(label)s is voted: its AP and CP change only by a revision (the AP with its échéancier, dated, with "
             "its vote): \"Record a revision\" on the operation page, or POST /api/v1/operations/%(id)s/revisions.",
             label=op.label, id=op.id)


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")


# ---------------------------------------------------------------- loading and the pure plan


def operation_query():
    """Operations with their phases, échéancier, AP history and actuals loaded in bulk."""
    return select(Operation).options(
        selectinload(Operation.phases), selectinload(Operation.cp_rows), selectinload(Operation.ap_revisions),
        selectinload(Operation.actuals), selectinload(Operation.carry_overs),
    ).order_by(Operation.id)


def load_operations(envelope_ids: Iterable[int]) -> dict[int, list[Operation]]:
    """Operations of these envelopes with phases, CP, AP revisions and actuals: five queries in all."""
    ids = list(envelope_ids)
    by_envelope: dict[int, list[Operation]] = {i: [] for i in ids}
    if ids:
        for op in db.session.execute(operation_query().where(Operation.envelope_id.in_(ids))).scalars():
            by_envelope[op.envelope_id].append(op)
    return by_envelope


def load_envelopes(include_scenarios: bool = True) -> list[Envelope]:
    """Every envelope with its caps (two queries)."""
    query = select(Envelope).options(selectinload(Envelope.caps)).order_by(Envelope.label, Envelope.id)
    if not include_scenarios:
        query = query.where(Envelope.scenario_of_id.is_(None))
    return list(db.session.execute(query).scalars())


def plan_of(op: Operation, *, origin_id: bool = False) -> OperationPlan:
    """The scheduler's view of an operation: stored phases and échéancier, the AP in force.

    With `origin_id`, a scenario's copy takes the id of the operation it copies, so that two
    scenarios of one programme compare operation by operation.
    """
    phases = tuple(Phase(p.code, p.start, p.end, p.share_bp) for p in op.phases) or None
    return OperationPlan(
        (op.copied_from_id or op.id) if origin_id else op.id,
        op.label,
        op.current_ap_cents,
        op.start,
        op.duration_months,
        op.priority,
        op.fixed,
        phases,
        op.cp_by_year if op.cp_rows else None,
    )


def build_plan(envelope: Envelope, operations: Sequence[Operation] | None = None, *,
               origin_ids: bool = False) -> ProgrammePlan:
    """The pure ProgrammePlan of an envelope (its operations loaded in bulk when not given)."""
    if operations is None:
        operations = load_operations([envelope.id])[envelope.id]
    return ProgrammePlan(
        envelope.caps_by_year,
        tuple(plan_of(op, origin_id=origin_ids) for op in operations),
        envelope.scenario_label or envelope.label,
        envelope.id,
    )


def check_plan(plan: ProgrammePlan) -> ProgrammeCheck:
    """Per year CP asked against the cap; per operation AP against the sum of its CP."""
    return check_programme(plan.caps_by_year, plan.operations)


def check(envelope: Envelope) -> ProgrammeCheck:
    """The check of an envelope's programme as stored."""
    return check_plan(build_plan(envelope))


def operation_check(op: Operation) -> OperationCheck:
    """One operation's AP against the sum of its CP, and its structural issues."""
    return check_plan(build_plan(op.envelope, [op])).operations[0]


def propose(envelope: Envelope) -> ScheduleProposal:
    """A schedule that fits the caps (pure, nothing saved); raises ValidationError on unusable data."""
    try:
        plan = build_plan(envelope)
        return propose_schedule(plan.caps_by_year, plan.operations)
    except SchedulingError as error:
        raise ValidationError({"schedule": str(error)}) from None


def overflow_text(overflow: dict[int, int]) -> str:
    """'2023: 1 500 000 € over the cap; 2024: …' in the request's language."""
    locale = _locale()
    return "; ".join(
        _("%(year)s: %(amount)s over the cap", year=year, amount=format_money(cents, locale))
        for year, cents in sorted(overflow.items())
    )


# ---------------------------------------------------------------- the overflow guard


def _guard_overflow(envelope: Envelope, before: dict[int, int], draft: bool,
                    changed: Iterable[Operation] = ()) -> dict[int, int]:
    """After a change (flushed): a new or larger overflow is refused unless saved as a draft (confirmed).

    Confirmed: the changed operations are marked draft. When the envelope fits again, drafts are cleared.
    Returns the envelope's overflow by year after the change.
    """
    db.session.flush()
    after = check(envelope).overflow_by_year
    worse = {year: cents for year, cents in after.items() if cents > before.get(year, 0)}
    if worse and not draft:
        raise ValidationError({"draft": _(
            "The programme would exceed its cap (%(years)s). Save it as a draft to confirm, or change the dates.",
            years=overflow_text(worse))})
    if worse:
        for op in changed:
            op.draft = True
    if not after:
        for op in envelope.operations:
            op.draft = False
    db.session.flush()
    return after


def _balance_error(op: Operation) -> str | None:
    cp_total = sum(row.amount_cents for row in op.cp_rows)
    if cp_total == op.current_ap_cents:
        return None
    locale = _locale()
    return _("%(label)s cannot be voted: the CP total (%(cp)s) differs from the AP (%(ap)s) by %(diff)s. "
             "Balance the échéancier first.", label=op.label, cp=format_money(cp_total, locale),
             ap=format_money(op.current_ap_cents, locale), diff=format_money(cp_total - op.current_ap_cents, locale))


def _set_status(op: Operation, status: str) -> None:
    if status in VOTED_STATUSES and status != op.status:
        message = _balance_error(op)
        if message:
            raise ValidationError({"status": message})
    op.status = status


def _replace_cp(op: Operation, cp: dict[int, int]) -> None:
    """Replace the échéancier, updating rows in place (one row per year)."""
    rows = {row.year: row for row in op.cp_rows}
    for year, row in rows.items():
        if year not in cp or not cp[year]:
            op.cp_rows.remove(row)
    for year, cents in sorted(cp.items()):
        if not cents:
            continue
        if year in rows:
            rows[year].amount_cents = cents
        else:
            op.cp_rows.append(OperationCp(year=year, amount_cents=cents))
    op.cp_rows.sort(key=lambda row: row.year)


def _replace_phases(op: Operation, phases: list[dict] | None) -> None:
    op.phases.clear()
    for p in phases or []:
        op.phases.append(OperationPhase(code=str(p["code"]).upper(), start=_as_date(p["start"]),
                                        end=_as_date(p["end"]), share_bp=int(p["share_bp"])))
    op.phases.sort(key=lambda p: (p.start, p.end))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value).strip())


# ---------------------------------------------------------------- envelopes


def create_envelope(values: dict) -> Envelope:
    """A new envelope with its caps."""
    envelope = Envelope(label=values["label"], category=values.get("category") or "",
                        illustrative=bool(values.get("illustrative")), note=values.get("note"))
    for year, cents in sorted(values.get("caps", {}).items()):
        envelope.caps.append(EnvelopeCap(year=year, cap_cents=cents))
    db.session.add(envelope)
    db.session.flush()
    return envelope


def update_envelope(envelope: Envelope, values: dict, draft: bool = False) -> Envelope:
    """Change label, category and caps; lowering a cap below the CP asked needs the draft confirmation."""
    before = check(envelope).overflow_by_year
    envelope.label = values.get("label", envelope.label)
    envelope.category = values.get("category", envelope.category) or ""
    if "scenario_label" in values and envelope.is_scenario:
        envelope.scenario_label = values["scenario_label"]
    if "caps" in values:
        caps = values["caps"]
        existing = {cap.year: cap for cap in envelope.caps}
        for year, cap in existing.items():
            if year not in caps:
                envelope.caps.remove(cap)
        for year, cents in sorted(caps.items()):
            if year in existing:
                existing[year].cap_cents = cents
            else:
                envelope.caps.append(EnvelopeCap(year=year, cap_cents=cents))
        envelope.caps.sort(key=lambda cap: cap.year)
    _guard_overflow(envelope, before, draft)
    return envelope


# ---------------------------------------------------------------- operations


def _current_values(op: Operation) -> dict:
    return {
        "label": op.label, "start": op.start, "duration_months": op.duration_months, "priority": op.priority,
        "fixed": op.fixed, "ap_cents": op.current_ap_cents,
        "phases": [{"code": p.code, "start": p.start, "end": p.end, "share_bp": p.share_bp} for p in op.phases]
        or None,
        "cp": op.cp_by_year if op.cp_rows else None,
    }


def current_values(op: Operation) -> dict:
    """The operation's present values, for partial updates checked as a whole."""
    return _current_values(op)


def envelope_children(envelope: Envelope) -> dict[str, int]:
    """What deleting an envelope takes with it: its operations and its scenarios."""
    return {"operations": len(envelope.operations), "scenarios": len(envelope.scenarios)}


def delete_envelope(envelope: Envelope) -> None:
    """Delete an envelope with its caps, operations and scenarios (the caller has had them confirmed)."""
    db.session.delete(envelope)
    db.session.flush()


def delete_operation(op: Operation) -> None:
    """Delete an operation with its phases, AP votes, échéancier, actuals and savings."""
    db.session.delete(op)
    db.session.flush()


def create_operation(values: dict) -> Operation:
    """A new operation: its initial AP vote, phases and échéancier (given, or derived from the phases).

    A new or larger overflow of the envelope's caps is refused unless `draft` confirms it.
    """
    envelope = db.session.get(Envelope, values["envelope_id"])
    before = check(envelope).overflow_by_year
    vote = vote_for(values.get("ap_vote_id"), values.get("ap_voted_on"), "ap_vote_id")  # before the new row
    op = Operation(
        envelope=envelope, label=values["label"], site_id=values.get("site_id"),
        building_id=values.get("building_id"), nature=values["nature"], priority=values.get("priority") or 1,
        status="proposed", fixed=bool(values.get("fixed")), start=values["start"],
        duration_months=values["duration_months"], illustrative=bool(values.get("illustrative")),
        note=values.get("note"),
    )
    _replace_phases(op, values.get("phases"))
    op.ap_revisions.append(ApRevision(amount_cents=values["ap_cents"], vote=vote,
                                      voted_on=vote.voted_on if vote else values.get("ap_voted_on") or date.today(),
                                      reason=values.get("ap_reason") or _("Initial AP")))
    cp = values.get("cp")
    _replace_cp(op, cp if cp is not None else derive_cp(plan_of(op)))
    op.ap_revisions[-1].cp_text = cents_by_year_text(op.cp_by_year)
    db.session.add(op)
    _set_status(op, values.get("status") or "proposed")
    _guard_overflow(envelope, before, bool(values.get("draft")), [op])
    return op


def update_operation(op: Operation, values: dict) -> Operation:
    """Change an operation. A new start moves its phases and échéancier with it; a new duration or new
    phases re-derive the échéancier; a new AP amount is appended as a revision (the history is kept).

    On a voted operation the AP and the CP change only by a revision (`add_ap_revision`): both are refused here.
    Every change of amounts or status is checked against the budget rules (facilities.works.budget).
    """
    envelope = op.envelope
    new_ap = values.get("ap_cents")
    ap_changes = new_ap is not None and new_ap != op.current_ap_cents
    cp_changes = values.get("cp") is not None and values["cp"] != op.cp_by_year
    if is_voted(op) and (ap_changes or cp_changes):
        raise ValidationError({"ap_eur" if ap_changes else "cp": revision_needed(op)})
    before = check(envelope).overflow_by_year
    old_status, old_cp = op.status, op.cp_by_year
    for name in ("label", "site_id", "building_id", "nature", "priority", "fixed", "illustrative", "note"):
        if name in values:
            setattr(op, name, values[name])
    new_start, new_duration = values.get("start", op.start), values.get("duration_months", op.duration_months)
    if "phases" in values:
        _replace_phases(op, values["phases"])
    if new_duration != op.duration_months or "phases" in values:
        op.start, op.duration_months = new_start, new_duration
        _replace_cp(op, derive_cp(plan_of(op)) if "cp" not in values else values["cp"])
    elif new_start != op.start:
        moved = shift(plan_of(op), month_index(new_start) - month_index(op.start))
        _apply_plan(op, moved)
    if ap_changes:
        vote = vote_for(values.get("ap_vote_id"), values.get("ap_voted_on"), "ap_vote_id")
        op.ap_revisions.append(ApRevision(
            amount_cents=new_ap, vote=vote, reason=values.get("ap_reason") or _("AP revised"),
            voted_on=vote.voted_on if vote else values.get("ap_voted_on") or date.today()))
    if "cp" in values and values["cp"] is not None and not ("phases" in values or new_duration != op.duration_months):
        _replace_cp(op, values["cp"])
    if "status" in values:
        _set_status(op, values["status"])
    if ap_changes:
        op.ap_revisions[-1].cp_text = cents_by_year_text(op.cp_by_year)
    if ap_changes or op.cp_by_year != old_cp or op.status != old_status:
        check_ledger(op, checking_ap=ap_changes, rename={"amount_eur": "ap_eur"})
    _guard_overflow(envelope, before, bool(values.get("draft")), [op])
    return op


def _apply_plan(op: Operation, plan: OperationPlan, cp: dict[int, int] | None = None) -> None:
    """Write a (shifted) plan back: start, phase dates in order, échéancier."""
    op.start = plan.start
    if plan.phases:
        for row, phase in zip(op.phases, plan.phases, strict=True):
            row.start, row.end = phase.start, phase.end
    _replace_cp(op, cp if cp is not None else operation_cp(plan))


def _span_errors(op: Operation, cp: dict[int, int]) -> dict[str, str]:
    """CP years outside the operation's span, each named."""
    years = months_by_year(op.start, add_months(op.start, op.duration_months - 1))
    return {f"cp.{year}": _("CP year %(year)s is outside the operation's span (%(first)s to %(last)s)",
                            year=year, first=min(years), last=max(years))
            for year in cp if year not in years}


def add_ap_revision(op: Operation, values: dict) -> ApRevision:
    """Append an AP vote (never edit one) with its échéancier: the CP given (they must add up to the new AP),
    or, on a voted operation, the new AP spread over the phases. Never below what is committed (nor paid);
    not dated before the latest vote."""
    vote = vote_for(values.get("vote_id"), values.get("voted_on"))
    voted_on = vote.voted_on if vote is not None else values["voted_on"]
    latest = op.ap_revisions[-1] if op.ap_revisions else None
    if latest is not None and voted_on < latest.voted_on:
        raise ValidationError({"voted_on": _("A revision cannot be dated before the latest vote (%(day)s)",
                                             day=latest.voted_on.isoformat())})
    cp = values.get("cp")
    if cp is not None:
        errors = _span_errors(op, cp)
        if sum(cp.values()) != values["amount_cents"]:
            locale = _locale()
            errors["cp"] = _("The new échéancier totals %(cp)s but the new AP is %(ap)s (difference %(diff)s): the "
                             "CP of a revision add up to its AP.", cp=format_money(sum(cp.values()), locale),
                             ap=format_money(values["amount_cents"], locale),
                             diff=format_money(sum(cp.values()) - values["amount_cents"], locale))
        if errors:
            raise ValidationError(errors)
    revision = ApRevision(amount_cents=values["amount_cents"], voted_on=voted_on, reason=values["reason"], vote=vote)
    op.ap_revisions.append(revision)
    if cp is not None:
        _replace_cp(op, cp)
    elif is_voted(op):
        _replace_cp(op, derive_cp(plan_of(op)))
    revision.cp_text = cents_by_year_text(op.cp_by_year)
    check_ledger(op, checking_ap=True)
    return revision


def set_cp(op: Operation, values: dict) -> Operation:
    """Replace the échéancier of an operation not yet voted (years inside its span); overflow needs the draft
    confirmation. A voted operation's CP change only with its AP, by a revision."""
    if is_voted(op) and values["cp"] != op.cp_by_year:
        raise ValidationError({"cp": revision_needed(op)})
    errors = _span_errors(op, values["cp"])
    if errors:
        raise ValidationError(errors)
    before = check(op.envelope).overflow_by_year
    _replace_cp(op, values["cp"])
    check_ledger(op, rename={"paid_eur": "cp", "committed_eur": "cp"})
    _guard_overflow(op.envelope, before, bool(values.get("draft")), [op])
    return op


def derive_cp_from_phases(op: Operation, draft: bool = False) -> Operation:
    """Re-spread the current AP over the phases (or evenly over the duration): the échéancier balances."""
    before = check(op.envelope).overflow_by_year
    _replace_cp(op, derive_cp(plan_of(op)))
    check_ledger(op, rename={"paid_eur": "cp"})
    _guard_overflow(op.envelope, before, draft, [op])
    return op


def set_actual(op: Operation, values: dict) -> OperationActual:
    """Record (or correct) the commitments and payments of one year."""
    row = next((a for a in op.actuals if a.year == values["year"]), None)
    if row is None:
        row = OperationActual(year=values["year"])
        op.actuals.append(row)
    row.committed_cents, row.paid_cents = values["committed_cents"], values["paid_cents"]
    op.actuals.sort(key=lambda a: a.year)
    check_ledger(op, only=("committed_eur", "paid_eur"))
    return row


# ---------------------------------------------------------------- budget votes


def vote_for(vote_id: int | None, voted_on: date | None, field: str = "vote_id") -> BudgetVote | None:
    """The budget vote a change names (None when it names none); a date given with it must be the vote's."""
    if vote_id is None:
        return None
    vote = db.session.get(BudgetVote, vote_id)
    if vote is None:
        raise ValidationError({field: _("Budget vote %(id)s does not exist", id=vote_id)})
    if voted_on is not None and voted_on != vote.voted_on:
        raise ValidationError({field: _("%(vote)s %(year)s was voted on %(day)s, not on %(other)s: a change is dated "
                                        "by the vote that approved it.", vote=vote.code, year=vote.year,
                                        day=vote.voted_on.isoformat(), other=voted_on.isoformat())})
    return vote


def load_votes() -> list[BudgetVote]:
    """Every budget vote, the latest first."""
    return list(db.session.execute(select(BudgetVote).order_by(BudgetVote.voted_on.desc(),
                                                              BudgetVote.id.desc())).scalars())


def create_vote(values: dict) -> BudgetVote:
    """Record a budget vote (BP, BS, DMn, CA of a year); the same vote twice is refused."""
    existing = db.session.execute(select(BudgetVote).where(
        BudgetVote.year == values["year"], BudgetVote.kind == values["kind"],
        BudgetVote.number == (values.get("number") or 0))).scalar_one_or_none()
    if existing is not None:
        raise ValidationError({"kind": _("%(vote)s %(year)s is already recorded (voted on %(day)s).",
                                         vote=existing.code, year=existing.year, day=existing.voted_on.isoformat())})
    vote = BudgetVote(kind=values["kind"], number=values.get("number") or 0, year=values["year"],
                      voted_on=values["voted_on"], deliberation_ref=values["deliberation_ref"], note=values.get("note"))
    db.session.add(vote)
    db.session.flush()
    return vote


# ---------------------------------------------------------------- programme APs and their assignments


def _over_assigned(programme_ap: ProgrammeAp, field: str) -> None:
    """Refuse when the assignments add up to more than the programme AP, naming the amounts."""
    db.session.flush()
    if programme_ap.assigned_cents > programme_ap.amount_cents:
        locale = _locale()
        raise ValidationError({field: _(
            "The assignments of %(label)s would total %(assigned)s, above its AP of %(voted)s by %(over)s: the sum "
            "assigned never exceeds the programme AP.", label=programme_ap.label,
            assigned=format_money(programme_ap.assigned_cents, locale),
            voted=format_money(programme_ap.amount_cents, locale),
            over=format_money(programme_ap.assigned_cents - programme_ap.amount_cents, locale))})


def create_programme_ap(envelope: Envelope, values: dict) -> ProgrammeAp:
    """Record an AP voted for the programme (the envelope), dated by its vote."""
    vote = vote_for(values.get("vote_id"), values.get("voted_on"))
    programme_ap = ProgrammeAp(envelope=envelope, label=values["label"], amount_cents=values["amount_cents"],
                               voted_on=vote.voted_on if vote else values["voted_on"], vote=vote)
    db.session.add(programme_ap)
    db.session.flush()
    return programme_ap


def revise_programme_ap(programme_ap: ProgrammeAp, values: dict) -> ProgrammeAp:
    """A vote changing the programme AP's amount: never below what is already assigned."""
    vote = vote_for(values.get("vote_id"), values.get("voted_on"))
    programme_ap.amount_cents = values["amount_cents"]
    programme_ap.voted_on = vote.voted_on if vote else values["voted_on"]
    programme_ap.vote = vote
    programme_ap.label = values.get("label") or programme_ap.label
    _over_assigned(programme_ap, "amount_eur")
    return programme_ap


def assign(envelope: Envelope, values: dict) -> ProgrammeAp:
    """Assign part of a programme AP to an operation of the same programme (replacing its previous part; 0
    removes it); the sum assigned never exceeds the programme AP. Returns the programme AP."""
    programme_ap = db.session.get(ProgrammeAp, values["programme_ap_id"])
    if programme_ap is None or programme_ap.envelope_id != envelope.id:
        raise ValidationError({"programme_ap_id": _("Programme AP %(id)s does not exist in this programme",
                                                    id=values["programme_ap_id"])})
    op = db.session.get(Operation, values["operation_id"])
    if op is None or op.envelope_id != envelope.id:
        raise ValidationError({"operation_id": _("Operation %(id)s does not exist in this programme",
                                                 id=values["operation_id"])})
    vote = vote_for(values.get("vote_id"), values.get("voted_on"))
    row = next((a for a in programme_ap.assignments if a.operation_id == op.id), None)
    if values["amount_cents"] == 0:
        if row is not None:
            programme_ap.assignments.remove(row)
        db.session.flush()
        return programme_ap
    if row is None:
        row = ApAssignment(operation=op, amount_cents=0, assigned_on=date.today())
        programme_ap.assignments.append(row)
    row.amount_cents = values["amount_cents"]
    row.assigned_on = vote.voted_on if vote else values["voted_on"]
    row.vote = vote
    _over_assigned(programme_ap, "amount_eur")
    return programme_ap


def programme_aps(envelope: Envelope) -> list[ProgrammeAp]:
    """The programme APs of an envelope with their assignments."""
    return list(db.session.execute(select(ProgrammeAp).where(ProgrammeAp.envelope_id == envelope.id)
                                   .options(selectinload(ProgrammeAp.assignments))
                                   .order_by(ProgrammeAp.voted_on, ProgrammeAp.id)).scalars())


# ---------------------------------------------------------------- caducité

# When no rule is recorded: three years, the term most règlements budgétaires et financiers set (each
# département sets its own; an administrator records it on the caducité page).
DEFAULT_LAPSE_YEARS = 3
FINISHED_STATUSES = ("received", "closed")


def lapse_rules() -> list[ApLapseRule]:
    """The caducité rules recorded, the latest first."""
    return list(db.session.execute(select(ApLapseRule).order_by(ApLapseRule.valid_from.desc())).scalars())


def lapse_years_on(day: date) -> int:
    """The years without commitment after which an AP lapses, by the rule in force on `day`."""
    rule = db.session.execute(select(ApLapseRule).where(ApLapseRule.valid_from <= day)
                              .order_by(ApLapseRule.valid_from.desc()).limit(1)).scalar_one_or_none()
    return rule.lapse_years if rule is not None else DEFAULT_LAPSE_YEARS


def create_lapse_rule(values: dict) -> ApLapseRule:
    """Record a caducité rule from a date (one rule per date)."""
    if db.session.execute(select(ApLapseRule.id).where(ApLapseRule.valid_from == values["valid_from"])).first():
        raise ValidationError({"valid_from": _("A rule already starts on %(day)s.", day=values["valid_from"].isoformat())})
    rule = ApLapseRule(**values)
    db.session.add(rule)
    db.session.flush()
    return rule


def lapse_of_operation(op: Operation, years: int, today: date) -> Lapse | None:
    """The caducité of a voted AP not yet finished: from its latest vote (a vote renews it), unless committed."""
    if not is_voted(op) or op.status in FINISHED_STATUSES or not op.ap_revisions:
        return None
    last_vote = max(r.voted_on for r in op.ap_revisions)
    return lapse_of(last_vote, sum(a.committed_cents for a in op.actuals), years, today)


def lapses(operations: Iterable[Operation], today: date) -> dict[int, Lapse]:
    """The APs lapsing (within a year) or lapsed among these operations, by operation id."""
    years = lapse_years_on(today)
    found = {op.id: lapse_of_operation(op, years, today) for op in operations}
    return {op_id: lapse for op_id, lapse in found.items() if lapse is not None and lapse.state}


def renew_ap(op: Operation, values: dict) -> ApRevision:
    """Renew an AP by a vote: the same amount and échéancier, voted again, so that its caducité starts over."""
    return add_ap_revision(op, {**values, "amount_cents": op.current_ap_cents, "cp": op.cp_by_year,
                                "reason": values.get("reason") or _("AP renewed (caducité)")})


# ---------------------------------------------------------------- CP carried over (report de crédits)


def span_years(op: Operation) -> list[int]:
    """The years the operation runs in, first to last."""
    return sorted(months_by_year(op.start, add_months(op.start, op.duration_months - 1)))


def carry_over_amounts(op: Operation, year: int, mode: str) -> dict[int, int]:
    """Where the unpaid CP of `year` go: all onto the next year, or evenly over the remaining years (the cents
    left over to the earliest). Empty when everything was paid; ValidationError when no year is left."""
    paid = sum(a.paid_cents for a in op.actuals if a.year == year)
    unpaid = op.cp_by_year.get(year, 0) - paid
    if unpaid <= 0:
        return {}
    later = [y for y in span_years(op) if y > year]
    if not later:
        locale = _locale()
        raise ValidationError({"year": _(
            "%(label)s: %(amount)s of CP %(year)s were not paid, but the operation ends in %(last)s: no later year "
            "can take them. Extend its duration first.", label=op.label, amount=format_money(unpaid, locale),
            year=year, last=span_years(op)[-1])})
    targets = later[:1] if mode == "next" else later
    share, rest = divmod(unpaid, len(targets))
    return {y: share + (1 if i < rest else 0) for i, y in enumerate(targets)}


def carry_over(op: Operation, year: int, mode: str = "next", on: date | None = None,
               vote: BudgetVote | None = None) -> CpCarryOver | None:
    """Re-spread what was not paid of `year`'s CP onto later years and record it: the year's CP become what was
    paid; the AP and the CP total are unchanged. None when nothing is left unpaid."""
    moved = carry_over_amounts(op, year, mode)
    if not moved:
        return None
    cp = op.cp_by_year
    cp[year] = sum(a.paid_cents for a in op.actuals if a.year == year)
    for target, cents in moved.items():
        cp[target] = cp.get(target, 0) + cents
    _replace_cp(op, cp)
    record = CpCarryOver(from_year=year, amount_cents=sum(moved.values()), mode=mode, carried_on=on or date.today(),
                         to_years=cents_by_year_text(moved), vote=vote)
    op.carry_overs.append(record)
    check_ledger(op, rename={"paid_eur": "year", "cp": "year", "committed_eur": "year"})
    return record


def carry_over_envelope(envelope: Envelope, values: dict, on: date | None = None) -> list[CpCarryOver]:
    """Carry over the unpaid CP of a year for every operation of the envelope (year end, or on demand), all or
    none: an operation that cannot take them (it ends that year) is named and nothing is saved."""
    today = on or date.today()
    year, mode = values["year"], values["mode"]
    if year > today.year:
        raise ValidationError({"year": _("%(year)s has not started: only the CP of a past or current year can be "
                                         "carried over.", year=year)})
    vote = vote_for(values.get("vote_id"), None)
    records, errors = [], {}
    for op in load_operations([envelope.id])[envelope.id]:
        try:
            record = carry_over(op, year, mode, vote.voted_on if vote else today, vote)
        except ValidationError as error:
            errors[f"year.{op.id}"] = " ".join(error.errors.values())
            continue
        if record is not None:
            records.append(record)
    if errors:
        raise ValidationError(errors)
    db.session.flush()
    return records


def set_saving(op: Operation, values: dict) -> OperationSaving:
    """Record the expected yearly savings of an energy carrier (0 kWh removes it)."""
    row = next((s for s in op.savings if s.carrier == values["carrier"]), None)
    if values["kwh_per_year"] == 0:
        if row is not None:
            op.savings.remove(row)
        db.session.flush()
        return row
    if row is None:
        row = OperationSaving(carrier=values["carrier"])
        op.savings.append(row)
    row.kwh_per_year = values["kwh_per_year"]
    db.session.flush()
    return row


def apply_proposal(envelope: Envelope, proposal: ScheduleProposal) -> int:
    """Save a proposal: new starts, phase dates and échéanciers; fixed operations never move.

    Returns the number of operations moved. Drafts are cleared when the programme now fits.
    """
    ops = {op.id: op for op in load_operations([envelope.id])[envelope.id]}
    moved = 0
    for scheduled in proposal.operations:
        if not scheduled.shifted_months:
            continue
        op = ops[scheduled.id]
        if op.fixed:  # the core never moves them; refuse loudly rather than corrupt a commitment
            raise ValidationError({"schedule": _("%(label)s has fixed dates and cannot move", label=op.label)})
        _apply_plan(op, scheduled.plan, scheduled.cp_by_year)
        check_ledger(op, rename={"paid_eur": "schedule", "cp": "schedule", "committed_eur": "schedule"})
        moved += 1
    db.session.flush()
    if not check(envelope).overflow_by_year:
        for op in ops.values():
            op.draft = False
    db.session.flush()
    return moved


def propose_and_apply(envelope: Envelope) -> tuple[ScheduleProposal, int]:
    """Compute the proposal from the stored programme and save it."""
    proposal = propose(envelope)
    return proposal, apply_proposal(envelope, proposal)


# ---------------------------------------------------------------- scenarios


def create_scenario(envelope: Envelope, scenario_label: str) -> Envelope:
    """Copy an envelope's programme (caps, operations, phases, AP history, échéanciers) into a scenario.

    Actuals are not copied: a scenario is a plan, not the accounts.
    """
    source_ops = load_operations([envelope.id])[envelope.id]
    scenario = Envelope(label=envelope.label, category=envelope.category, scenario_of=envelope,
                        scenario_label=scenario_label, illustrative=envelope.illustrative)
    db.session.add(scenario)
    for cap in envelope.caps:
        scenario.caps.append(EnvelopeCap(year=cap.year, cap_cents=cap.cap_cents))
    for op in source_ops:
        copy = Operation(
            label=op.label, site_id=op.site_id, building_id=op.building_id, nature=op.nature, priority=op.priority,
            status=op.status, fixed=op.fixed, start=op.start, duration_months=op.duration_months, draft=op.draft,
            copied_from_id=op.copied_from_id or op.id, illustrative=op.illustrative, note=op.note,
        )
        copy.phases = [OperationPhase(code=p.code, start=p.start, end=p.end, share_bp=p.share_bp) for p in op.phases]
        copy.ap_revisions = [ApRevision(amount_cents=r.amount_cents, voted_on=r.voted_on, reason=r.reason,
                                        vote_id=r.vote_id, cp_text=r.cp_text) for r in op.ap_revisions]
        copy.cp_rows = [OperationCp(year=r.year, amount_cents=r.amount_cents) for r in op.cp_rows]
        scenario.operations.append(copy)
    db.session.add(scenario)
    db.session.flush()
    return scenario


def comparable(envelope: Envelope) -> list[Envelope]:
    """The envelopes an envelope can be compared with: its original and every scenario of the same root."""
    root = envelope
    while root.scenario_of is not None:
        root = root.scenario_of
    family, todo = [], [root]
    while todo:
        current = todo.pop(0)
        family.append(current)
        todo.extend(current.scenarios)
    return [e for e in family if e.id != envelope.id]


def compare(a: Envelope, b: Envelope) -> ScenarioComparison:
    """Two programmes side by side (operations matched through the operation a scenario copies)."""
    ops = load_operations([a.id, b.id])
    return compare_scenarios(build_plan(a, ops[a.id], origin_ids=True), build_plan(b, ops[b.id], origin_ids=True))
