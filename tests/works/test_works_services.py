"""Works services on the database: plan built in bulk, proposal applied, AP history, voting and draft rules."""

import re
from datetime import date

import pytest

from facilities.validation import ValidationError
from facilities.works import rules, services, views
from facilities.works.models import ApRevision, Operation
from tests.conftest import count_queries, french

K = 100_000  # 1 000 € in cents


def add(env, label, ap_eur, start, months, **extra):
    raw = {"label": label, "envelope_id": env.id, "nature": "renovation", "ap_eur": ap_eur,
           "start": start.isoformat(), "duration_months": months, **extra}
    return services.create_operation(rules.clean_operation(raw))


def test_build_plan_from_db_in_bulk(db, envelope):
    for i in range(20):
        add(envelope, f"Op {i}", "1000", date(2031, 1, 1), 12, phases=[
            {"code": "APS", "start": "2031-01-01", "end": "2031-03-31", "share_bp": 2000},
            {"code": "DET", "start": "2031-04-01", "end": "2031-12-31", "share_bp": 8000}])
    db.session.commit()
    db.session.expire_all()
    with count_queries(db) as statements:
        plan = services.build_plan(envelope)
    # envelope + caps (expired) + operations, phases, CP, AP revisions, actuals, carry-overs: constant, whatever
    # the count
    assert len(statements) <= 8
    assert len(plan.operations) == 21
    assert plan.caps_by_year == {2030: 1_000 * K, 2031: 1_000 * K}
    first = plan.operations[0]
    assert first.ap_cents == 600 * K and first.cp_by_year == {2030: 600 * K}
    assert plan.operations[1].phases[1].share_bp == 8000


def test_overflow_needs_draft_confirmation_then_proposal_applied(db, envelope):
    with pytest.raises(ValidationError) as refused:
        add(envelope, "Second", "600000", date(2030, 1, 1), 12)
    assert "draft" in refused.value.errors and "2030" in refused.value.errors["draft"]
    db.session.rollback()
    assert db.session.query(Operation).count() == 1  # nothing saved
    second = add(envelope, "Second", "600000", date(2030, 1, 1), 12, priority=2, draft=True)
    db.session.commit()
    assert second.draft
    assert services.check(envelope).overflow_by_year == {2030: 200 * K}
    proposal = services.propose(envelope)
    moved = {o.id: o for o in proposal.operations}[second.id]
    assert proposal.feasible and moved.shifted_months == 4  # 8 months in 2030 = 400 000 €: fits
    assert services.apply_proposal(envelope, proposal) == 1
    db.session.commit()
    db.session.expire_all()
    second = db.session.get(Operation, second.id)
    assert second.start == date(2030, 5, 1)
    assert second.cp_by_year == {2030: 400 * K, 2031: 200 * K}
    assert not second.draft
    assert services.check(envelope).overflow_by_year == {}


def test_fixed_operations_never_move(db, envelope):
    fixed = add(envelope, "Fixed", "600000", date(2030, 1, 1), 12, fixed=True, draft=True)
    db.session.commit()
    proposal = services.propose(envelope)
    services.apply_proposal(envelope, proposal)
    db.session.commit()
    assert db.session.get(Operation, fixed.id).start == date(2030, 1, 1)
    first = next(o for o in envelope.operations if o.label == "First")
    assert first.start == date(2030, 5, 1)  # the movable one gave way


def test_ap_revision_history_and_voting_needs_balance(db, envelope):
    op = envelope.operations[0]
    services.add_ap_revision(op, {"amount_cents": 700 * K, "voted_on": date(2030, 6, 1), "reason": "DM1"})
    db.session.commit()
    assert [r.amount_cents for r in op.ap_revisions] == [600 * K, 700 * K]
    assert op.current_ap_cents == 700 * K
    with pytest.raises(ValidationError, match=re.escape(
            french("A revision cannot be dated before the latest vote (%(day)s)", day="2030-06-01"))):
        services.add_ap_revision(op, {"amount_cents": 1, "voted_on": date(2030, 1, 1), "reason": "x"})
    db.session.rollback()
    assert db.session.query(ApRevision).count() == 2
    with pytest.raises(ValidationError) as refused:
        services.update_operation(op, {"status": "voted"})
    assert "ne peut pas être votée" in refused.value.errors["status"]  # "cannot be voted"
    db.session.rollback()
    assert db.session.get(Operation, op.id).status == "proposed"
    services.derive_cp_from_phases(op)
    services.update_operation(op, {"status": "voted"})
    db.session.commit()
    assert op.status == "voted" and sum(op.cp_by_year.values()) == 700 * K


def test_ppi_rows_for_a_year(db, envelope):
    op = envelope.operations[0]
    services.add_ap_revision(op, {"amount_cents": 700 * K, "voted_on": date(2030, 6, 1), "reason": "DM1"})
    services.derive_cp_from_phases(op)
    services.set_actual(op, {"year": 2030, "committed_cents": 700 * K, "paid_cents": 500 * K})
    rows, total = views.ppi_rows([op], 2031)
    assert (rows[0].voted_cents, rows[0].revision_cents, rows[0].paid_before_cents) == (700 * K, 0, 500 * K)
    rows, total = views.ppi_rows([op], 2030)
    assert (rows[0].voted_cents, rows[0].revision_cents) == (600 * K, 100 * K)
    assert rows[0].cp_years == [700 * K, 0, 0, 0] and total.ap_cents == 700 * K


def test_scenario_copy_change_and_compare(db, envelope):
    scenario = services.create_scenario(envelope, "Later")
    db.session.commit()
    copy = scenario.operations[0]
    services.update_operation(copy, {"start": date(2030, 7, 1)})
    db.session.commit()
    comparison = services.compare(envelope, scenario)
    row = comparison.operations[0]
    assert row.shift_months == 6 and row.start_b == date(2030, 7, 1)
    assert envelope.operations[0].start == date(2030, 1, 1)  # the original is untouched
    assert {y.year: y.cp_b for y in comparison.years}[2031] == 300 * K


def test_bad_operation_input_names_fields(db, envelope):
    cases = {
        "ap_eur": {"ap_eur": "-5"},
        "phases[0].end": {"phases": [{"code": "APS", "start": "2030-05-01", "end": "2030-03-01", "share_bp": 10000}]},
        "cp.2035": {"cp": {"2035": "600000"}},
        "envelope_id": {"envelope_id": 999},
        "site_id": {"site_id": 999},
        "start": {"start": "9999-12-01"},  # beyond the programme's years: the form refuses it too
    }
    for field, change in cases.items():
        raw = {"label": "X", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "600000",
               "start": "2030-01-01", "duration_months": 12, **change}
        with pytest.raises(ValidationError) as refused:
            rules.clean_operation(raw)
        assert field in refused.value.errors, (field, refused.value.errors)
