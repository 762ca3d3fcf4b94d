"""Caducité: an AP with no commitment N years after its latest vote lapses (N from the dated rule, default 3);
flagged a year ahead on the home dashboard, left out of the programme's totals once lapsed, unless a vote renews it."""

from datetime import date

import pytest

from facilities.works import budget, rules, services, views
from facilities.works.models import ApLapseRule
from tests.conftest import page_text

K = 100_000  # 1 000 € in cents
TODAY = date.today()


def test_lapse_dates_by_hand():
    voted = date(2020, 1, 15)
    assert budget.lapse_of(voted, 0, 3, date(2021, 1, 1)).state is None  # more than a year ahead
    lapsing = budget.lapse_of(voted, 0, 3, date(2022, 6, 1))
    assert lapsing.lapses_on == date(2023, 1, 15) and lapsing.state == budget.LAPSING
    assert budget.lapse_of(voted, 0, 3, date(2023, 1, 15)).state == budget.LAPSED
    assert budget.lapse_of(voted, 1, 3, date(2030, 1, 1)) is None  # anything committed: it never lapses
    assert budget.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)


@pytest.fixture
def sleeping(db, envelope):
    """A voted AP of 400 000 € voted four years ago, nothing committed since."""
    voted = budget.add_years(TODAY, -4)
    op = services.create_operation(rules.clean_operation({
        "label": "Sleeping AP", "envelope_id": envelope.id, "nature": "studies", "ap_eur": "400000",
        "start": f"{TODAY.year}-01-01", "duration_months": 12, "ap_voted_on": voted.isoformat(),
        "ap_reason": "BP", "status": "voted", "draft": True}))
    db.session.commit()
    return op


def test_a_lapsed_ap_leaves_the_totals_until_a_vote_renews_it(app, db, envelope, sleeping, client_as):
    from facilities.works.routes import lapse_alerts

    figures = views.envelope_figures([envelope])[0]
    assert figures.lapses[sleeping.id].state == budget.LAPSED
    assert figures.ap_total_cents == 600 * K  # the envelope's other AP only (600 000 €), not 1 000 000 €
    annex = views.budget_annex(TODAY.year)
    line = next(line for p in annex.programmes for line in p.lines if line.operation.id == sleeping.id)
    assert line.lapsed and annex.total.cp_years[0] == 0  # its 400 000 € of CP this year left out of the total
    with app.test_request_context():  # the home dashboard's alert (works panel at "home.panels")
        alerts = lapse_alerts("fr")
    assert [(a.level, "Sleeping AP" in a.text) for a in alerts] == [("danger", True)]
    manager = client_as("facilities_manager")
    assert 'id="lapse"' in page_text(manager.get(f"/operations/{sleeping.id}"))
    response = manager.post(f"/operations/{sleeping.id}/renew", data={"voted_on": TODAY.isoformat()})
    assert response.status_code == 302, page_text(response)
    db.session.expire_all()
    figures = views.envelope_figures([envelope])[0]
    assert sleeping.id not in figures.lapses and figures.ap_total_cents == 1_000 * K
    assert sleeping.current_ap_cents == 400 * K and len(sleeping.ap_revisions) == 2


def test_the_rule_comes_from_the_settings_and_refuses_less_than_a_year(db, envelope, sleeping, client_as):
    admin = client_as("admin")
    response = admin.post("/works/caducite", data={"valid_from": "2000-01-01", "lapse_years": "0",
                                                    "source": "RBF"})
    assert response.status_code == 422 and db.session.query(ApLapseRule).count() == 0
    response = admin.post("/works/caducite", data={"valid_from": "2000-01-01", "lapse_years": "5",
                                                    "source": "RBF du Département, art. 12"})
    assert response.status_code == 302
    assert services.lapse_years_on(TODAY) == 5
    state = views.envelope_figures([envelope])[0].lapses[sleeping.id]
    assert state.state == budget.LAPSING and state.lapses_on == budget.add_years(sleeping.ap_revisions[0].voted_on, 5)
    assert client_as("facilities_manager").post("/works/caducite", data={
        "valid_from": "2001-01-01", "lapse_years": "4", "source": "x"}).status_code == 403
    assert "5" in page_text(client_as("director").get("/works/caducite"))
