"""Works pages: reading for everyone, editing for facilities managers, the overflow → proposal → apply flow."""

import re

import pytest

from facilities.works.models import Envelope, Operation
from tests.conftest import french, page_text


def _demo_envelope(db):
    return db.session.query(Envelope).filter_by(label="Bâtiments médico-sociaux 2023").one()


@pytest.mark.parametrize("role", ["director", "architect", "facilities_manager", "admin"])
def test_pages_read_by_everyone(db, demo, client_as, role):
    client = client_as(role)
    env = _demo_envelope(db)
    op = env.operations[0]
    for url in ["/envelopes", f"/envelopes/{env.id}", f"/envelopes/{env.id}?year=2024", f"/envelopes/{env.id}/schedule",
                f"/operations/{op.id}", "/works/dashboard", f"/envelopes/{env.id}/gantt.svg"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    page = client.get(f"/envelopes/{env.id}?year=2023").get_data(as_text=True)
    assert "12\u202f500\u202f000\u00a0€" in page and 'id="ppi"' in page and "<svg" in page


@pytest.mark.parametrize("role", ["director", "architect"])
def test_edit_forms_forbidden_to_readers(db, demo, client_as, role):
    client = client_as(role)
    env = _demo_envelope(db)
    op = env.operations[0]
    for url in ["/envelopes/new", f"/envelopes/{env.id}/edit", f"/envelopes/{env.id}/operations/new",
                f"/operations/{op.id}/edit", f"/operations/{op.id}/phases", f"/operations/{op.id}/cp"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/envelopes/{env.id}/schedule", data={"confirm": "1"}).status_code == 403
    assert client.post(f"/operations/{op.id}/ap", data={"amount_eur": "1"}).status_code == 403
    page = client.get(f"/envelopes/{env.id}").get_data(as_text=True)
    assert "/operations/new" not in page


def test_building_panel_lists_operations(db, demo, client_as):
    from facilities.inventory.models import Building

    building = db.session.query(Building).filter_by(code="IME-VLG-B1").one()
    page = client_as("director").get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "works-panel" in page and "IME de Villeneuve-la-Garenne" in page


def test_manager_overflow_proposal_apply_changes_gantt(db, demo, client_as):
    client = client_as("facilities_manager")
    env = _demo_envelope(db)
    svg_before = client.get(f"/envelopes/{env.id}/gantt.svg").get_data(as_text=True)
    form = {"label": "Nouvelle opération urgente", "nature": "renovation", "ap_eur": "3 000 000",
            "start": "2023-01-01", "duration_months": "12", "priority": "5", "site_id": "", "building_id": "",
            "phases": "DET 2023-01-01 2023-11-30 90\nAOR 2023-12-01 2023-12-31 10"}
    refused = client.post(f"/envelopes/{env.id}/operations/new", data=form)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="overflow-warning"' in text and "2023" in text
    assert db.session.query(Operation).filter_by(label=form["label"]).count() == 0
    saved = client.post(f"/envelopes/{env.id}/operations/new", data={**form, "draft": "y"})
    assert saved.status_code == 302
    page = client.get(f"/envelopes/{env.id}").get_data(as_text=True)
    overflow = re.search(r'id="overflow".*?</div>', page, re.S).group(0)
    assert "2023" in overflow
    proposal = page_text(client.get(f"/envelopes/{env.id}/schedule"))
    assert 'id="proposal"' in proposal
    # Before and after, per year: 2023 is over its cap today (in red) and within it once the proposal applies.
    row_2023 = re.search(r'<tr><th scope="row">2023</th>(.*?)</tr>', proposal, re.S).group(1)
    cells = re.findall(r'<td class="num( table-danger)?">', row_2023)
    assert cells == ["", " table-danger", ""]
    # Why it moves, in French: "moved N month(s) later: YEAR cap exceeded by AMOUNT" as the catalogue says it.
    reason = re.search(r'<td class="small reason" data-code="moved">(.*?)</td>', proposal).group(1)
    moved_words = french("moved %(months)s month(s) later: %(overflow)s", months="\0", overflow="\0").split("\0")
    assert reason.startswith(moved_words[0]) and moved_words[1] in reason and "2023" in reason
    assert "later" not in reason and "cap exceeded" not in reason
    applied = client.post(f"/envelopes/{env.id}/schedule", data={"confirm": "1"})
    assert applied.status_code == 302
    db.session.expire_all()
    moved = db.session.query(Operation).filter_by(label=form["label"]).one()
    assert moved.start.year >= 2023 and (moved.start.month > 1 or moved.start.year > 2023)
    assert not moved.draft
    page = client.get(f"/envelopes/{env.id}").get_data(as_text=True)
    assert 'id="overflow"' not in page
    svg_after = client.get(f"/envelopes/{env.id}/gantt.svg").get_data(as_text=True)
    assert svg_after != svg_before and "Nouvelle opération urgente" in svg_after


def test_operation_forms_for_manager(db, demo, client_as):
    client = client_as("facilities_manager")
    op = _demo_envelope(db).operations[1]
    response = client.post(f"/operations/{op.id}/ap", data={"amount_eur": "-3", "voted_on": "2024-01-10", "reason": "x"})
    assert response.status_code == 422 and "amount_eur" in response.get_data(as_text=True)
    response = client.post(f"/operations/{op.id}/ap", data={"amount_eur": "1300000", "voted_on": "2024-01-10",
                                                           "reason": "DM 2024"})
    assert response.status_code == 302
    page = client.get(f"/operations/{op.id}").get_data(as_text=True)
    # a voted operation's revision comes with its échéancier (here spread over the phases): it stays balanced
    assert 'id="unbalanced"' not in page and "1\u202f300\u202f000\u00a0€" in page
    assert sum(op.cp_by_year.values()) == 130_000_000
    assert client.post(f"/operations/{op.id}/actuals",
                       data={"year": "2024", "committed_eur": "100", "paid_eur": "50"}).status_code == 302
    assert client.post(f"/operations/{op.id}/savings",
                       data={"carrier": "natural_gas", "kwh_per_year": "120000"}).status_code == 302
    assert "120" in client.get(f"/operations/{op.id}").get_data(as_text=True)


def test_schedule_reasons_in_both_languages(app, db):
    """Every reason code has a catalogue message; the English one is the scheduler's own wording."""
    from flask_babel import force_locale

    from facilities.works.reasons import REASON_MESSAGES, reason_text
    from facilities.works.scheduling.explanations import ReasonCode, reason_english

    cases = [(ReasonCode.FIXED, {}), (ReasonCode.FIXED_OVER, {"overflow": {2023: 50_000_000}}),
             (ReasonCode.NOT_MOVED, {}), (ReasonCode.MOVED, {"months": 3, "overflow": {2023: 1, 2024: 100}}),
             (ReasonCode.UNPLACED, {"year": 2030, "overflow": {2030: 90_000}})]
    assert {code for code, _params in cases} == set(REASON_MESSAGES) == set(ReasonCode)
    with app.test_request_context():
        with force_locale("en"):
            assert reason_text(ReasonCode.MOVED, {"months": 3, "overflow": {2023: 150_000_000}}) == (
                "moved 3 month(s) later: 2023 cap exceeded by €1,500,000")
            for code, params in cases:
                if code is not ReasonCode.MOVED:
                    assert reason_text(code, params) == reason_english(code, params, "en")
        french_texts = [reason_text(code, params) for code, params in cases]
    assert french_texts[1] == french("fixed: not moved although %(overflow)s", overflow=french(
        "%(year)s cap exceeded by %(amount)s", year=2023, amount="500\u202f000\u00a0€"))
    assert all("cap" not in text and "moved" not in text for text in french_texts)
