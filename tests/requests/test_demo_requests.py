"""The demo's work requests: a dozen, every status, illustrative, some late, loaded once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select


def test_the_demo_has_a_dozen_illustrative_requests_in_every_status(db, demo):
    from facilities.demo.loader import load_demo
    from facilities.requests.catalogue import STATUS_LABELS
    from facilities.requests.models import Assignee, WorkRequest

    requests = db.session.scalars(select(WorkRequest)).all()
    assert len(requests) == 12 and all(item.illustrative and "illustratif" in item.title for item in requests)
    assert {item.status for item in requests} >= set(STATUS_LABELS) - {"cancelled"}
    assert any(item.due_on and item.is_late(date.today()) for item in requests)
    assert all(assignee.illustrative for assignee in db.session.scalars(select(Assignee)))
    load_demo(with_users=True)
    load_demo(with_users=True)
    assert db.session.scalar(select(func.count()).select_from(WorkRequest)) == 12
    from facilities.auth.models import User

    requester = db.session.scalar(select(User).where(User.email == "requester@demo.example"))
    assert requester.role == "requester" and len(requester.site_ids) == 1
    mine = db.session.scalars(select(WorkRequest).where(WorkRequest.requester_id == requester.id)).all()
    assert mine and all(item.site_id in requester.site_ids for item in mine)
