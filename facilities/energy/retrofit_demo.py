"""Demo of the retrofit plan: an envelope "Décret tertiaire 2030" with illustrative caps and, for each demo
building off its Décret tertiaire trajectory, three illustrative candidate retrofit operations sized on its
latest recorded consumption. No source names any of them: every figure is invented, and each record says so.
Idempotent: an envelope or candidate that exists is left alone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from facilities.energy.portfolio import portfolio_standings
from facilities.energy.services import load_building_energy
from facilities.energy.tertiaire import OFF_TRACK
from facilities.extensions import db
from facilities.works import retrofit, rules, services
from facilities.works.models import Envelope
from facilities.works.retrofit_models import RetrofitCandidate

ENVELOPE = "Plan de rénovation Décret tertiaire 2030 (illustratif)"
CAPS = "2027 400000\n2028 500000\n2029 300000"
ENVELOPE_NOTE = ("Enveloppe inventée pour illustrer le plan de rénovation : plafonds illustratifs, candidats "
                 "générés pour les bâtiments hors trajectoire.")
NOTE = ("Candidat inventé (illustratif) : coût et économies calculés sur la dernière consommation connue du "
        "bâtiment, pour montrer l'optimiseur ; aucune étude ne les fonde.")
HEATING = ("natural_gas", "fuel_oil", "district_heating", "lpg", "wood")
# (label, carriers it saves on: "heating" or "electricity", share saved, € per kWh saved a year, start, years)
TEMPLATES = (
    ("Isolation de l'enveloppe", "heating", Decimal("0.25"), Decimal("3.2"), 2027, 2),
    ("Remplacement de la production de chaleur", "heating", Decimal("0.35"), Decimal("2.1"), 2027, 1),
    ("Éclairage LED et gestion technique du bâtiment", "electricity", Decimal("0.25"), Decimal("1.4"), 2027, 1),
)


def load_demo() -> None:
    """Create the demo envelope and the candidates of the off-track buildings; flush only."""
    envelope = db.session.execute(
        select(Envelope).where(Envelope.label == ENVELOPE, Envelope.scenario_of_id.is_(None))).scalar_one_or_none()
    if envelope is None:
        values = rules.clean_envelope({"label": ENVELOPE, "category": "Énergie", "caps": CAPS})
        envelope = services.create_envelope({**values, "illustrative": True, "note": ENVELOPE_NOTE})
    off_track = sorted(s.building_id for s in portfolio_standings() if s.status == OFF_TRACK)
    energy = load_building_energy(off_track)
    existing = {(c.building_id, c.label) for c in db.session.execute(
        select(RetrofitCandidate).where(RetrofitCandidate.envelope_id == envelope.id)).scalars()}
    for building_id in off_track:
        item = energy[building_id]
        latest = item.kwh[max(item.kwh)]
        for label, kind, share, euros_per_kwh, start, years in TEMPLATES:
            name = f"{label} — {item.code} (illustratif)"
            carriers = [c for c in latest if (c in HEATING) == (kind == "heating")]
            if not carriers or (building_id, name) in existing:
                continue
            savings = {c: int((latest[c] * share).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for c in carriers}
            cost = (sum(savings.values()) * euros_per_kwh).quantize(Decimal("1E3"), rounding=ROUND_HALF_UP)
            values = retrofit.clean_candidate({
                "label": name, "building_id": building_id, "cost_eur": str(int(cost)),
                "earliest_start_year": start, "duration_years": years, "illustrative": True, "note": NOTE,
                **{retrofit.saving_field(c): kwh for c, kwh in savings.items()}})
            retrofit.create_candidate(envelope.id, values)
    db.session.flush()
