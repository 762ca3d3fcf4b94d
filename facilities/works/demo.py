"""Demo data of the works area (illustrative, marked so); idempotent.

Facts from the sources (/work/shared/sources/facts.md): in 2023 the département voted 12.5 M€ for works in
its medico-social buildings, naming the IME of Villeneuve-la-Garenne (works to open it), the Maison de
l'Avenir in Nanterre and the child-welfare home of Rueil-Malmaison (studies), and continued works on the
social hubs of Issy-les-Moulineaux, Antony, Clichy and Bagneux; the Asnières hub cost 11.32 M€ (opened
16 May 2023) and the Clichy hub 17.6 M€ (inaugurated 23 April 2024). Every other amount, date, phase, cap
and actual below is illustrative, and each record says so. The energy retrofit of the Châtenay-Malabry hub
(with its expected savings, for the energy area's projection) is invented altogether, and says so too.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory.models import Building, Site
from facilities.money import money_text
from facilities.works import rules, services
from facilities.works.models import BudgetVote, Envelope, Operation
from facilities.works.scheduling.months import month_date, month_index
from facilities.works.scheduling.plans import OperationPlan, Phase
from facilities.works.scheduling.spreading import derive_cp

SOURCE_2023 = "Communiqué de presse du Département des Hauts-de-Seine, 6 juin 2023"
SOURCE_CLICHY = "Communiqué de presse du Département des Hauts-de-Seine, 23 avril 2024"

ENVELOPE_2023 = "Bâtiments médico-sociaux 2023"
ENVELOPE_EARLIER = "Pôles sociaux (programmes antérieurs)"
ILLUSTRATIVE_CAPS = ("Plafond 2023 de 12 500 000 € selon la source ; plafonds 2024–2027 illustratifs.")
ILLUSTRATIVE_OP = "Cité dans le programme 2023 ({source}) ; montant, dates, phases et réalisations illustratifs."


def _phases(start: date, spec: list[tuple[str, int, str]]) -> str:
    """Consecutive phases from (code, months, share %) as the form's text lines."""
    lines, cursor = [], start
    for code, months, share in spec:
        following = month_date(month_index(cursor) + months)
        end = date.fromordinal(following.toordinal() - 1)  # last day of the phase's last month
        lines.append(f"{code} {cursor.isoformat()} {end.isoformat()} {share}")
        cursor = following
    return "\n".join(lines)


# (site code, label, nature, status, fixed, priority, AP €, start, phases)
OPERATIONS_2023 = [
    ("IME-VLG", "Travaux d'ouverture de l'IME de Villeneuve-la-Garenne", "fit_out", "works", True, 1, "5400000",
     date(2023, 1, 1), [("ACT", 2, "5"), ("DET", 15, "90"), ("AOR", 1, "5")]),
    ("MDA-NAN", "Études de la Maison de l'Avenir (Nanterre)", "studies", "studies", False, 2, "1200000",
     date(2023, 3, 1), [("ESQ", 3, "15"), ("APS", 4, "20"), ("APD", 4, "20"), ("PRO", 6, "30"), ("ACT", 7, "15")]),
    ("FOY-RUE", "Études du foyer ASE de Rueil-Malmaison", "studies", "studies", False, 2, "900000",
     date(2023, 4, 1), [("DIAG", 3, "15"), ("APS", 4, "25"), ("APD", 4, "25"), ("PRO", 6, "25"), ("ACT", 4, "10")]),
    ("PS-ISS", "Poursuite des travaux du pôle social d'Issy-les-Moulineaux", "renovation", "works", True, 1,
     "4800000", date(2023, 1, 1), [("DET", 19, "95"), ("AOR", 1, "5")]),
    ("PS-ANT", "Poursuite des travaux du pôle social d'Antony", "renovation", "works", False, 1, "3600000",
     date(2023, 1, 1), [("DET", 23, "95"), ("AOR", 1, "5")]),
    ("PS-CLI", "Poursuite des travaux du pôle social de Clichy", "fit_out", "works", True, 1, "2500000",
     date(2023, 1, 1), [("DET", 14, "95"), ("AOR", 1, "5")]),
    ("PS-BAG", "Poursuite des travaux du pôle social de Bagneux", "renovation", "works", False, 3, "2000000",
     date(2023, 6, 1), [("DET", 23, "95"), ("AOR", 1, "5")]),
]
CAPS_2023 = "2023 12500000\n2024 10000000\n2025 8000000\n2026 8000000\n2027 8000000"

# Received operations of earlier programmes: totals from the sources, dates and phases illustrative.
OPERATIONS_EARLIER = [
    ("PS-ASN", "Pôle social d'Asnières / Gennevilliers : acquisition et aménagement", "acquisition", "11320000",
     date(2021, 1, 1), [("APS", 3, "5"), ("PRO", 4, "5"), ("ACT", 3, "5"), ("DET", 17, "80"), ("AOR", 1, "5")],
     "Coût de 11 320 000 € selon la source (acquisition et aménagement ; ouvert depuis le 16 mai 2023). Dates et phases illustratives.",
     SOURCE_2023),
    ("PS-CLI", "Pôle social de Clichy / Levallois", "construction", "17600000", date(2021, 7, 1),
     [("APS", 3, "5"), ("PRO", 5, "5"), ("ACT", 3, "5"), ("DET", 21, "80"), ("AOR", 1, "5")],
     "Investissement de 17 600 000 € selon la source (inauguré le 23 avril 2024). Dates et phases illustratives.",
     SOURCE_CLICHY),
]


# An energy retrofit with expected savings, to show the link to the energy area (the received works project the
# building's Décret tertiaire trajectory). No source names it: the operation, its amount, dates, phases and savings
# are all invented, and say so.
ENVELOPE_RETROFIT = "Rénovation énergétique (illustratif)"
RETROFIT = ("PS-CHM", "Rénovation énergétique du pôle social de Châtenay-Malabry", "850000", date(2025, 1, 1),
            [("ACT", 2, "5"), ("DET", 14, "90"), ("AOR", 1, "5")], {"natural_gas": 100_000})
RETROFIT_NOTE = ("Opération inventée pour illustrer le lien entre travaux et énergie : aucune source ne la cite ; "
                 "montant, dates, phases et économies attendues illustratifs.")


def _site_and_building(code: str) -> tuple[int | None, int | None]:
    site = db.session.execute(select(Site).where(Site.code == code)).scalar_one_or_none()
    building = db.session.execute(select(Building).where(Building.code == f"{code}-B1")).scalar_one_or_none()
    return (site.id if site else None), (building.id if building else None)


def _envelope(label: str, category: str, caps: str, note: str) -> tuple[Envelope, bool]:
    found = db.session.execute(
        select(Envelope).where(Envelope.label == label, Envelope.scenario_of_id.is_(None))
    ).scalar_one_or_none()
    if found is not None:
        return found, False
    values = rules.clean_envelope({"label": label, "category": category, "caps": caps})
    envelope = services.create_envelope({**values, "illustrative": True, "note": note})
    return envelope, True


def _operation(envelope: Envelope, raw: dict) -> Operation | None:
    exists = db.session.execute(
        select(Operation.id).where(Operation.envelope_id == envelope.id, Operation.label == raw["label"])
    ).first()
    if exists:
        return None
    return services.create_operation(rules.clean_operation({**raw, "envelope_id": envelope.id}))


# The budget votes of 2023 that approved the demo's APs: dates and references illustrative.
VOTES_2023 = [
    {"kind": "BP", "number": 0, "year": 2023, "voted_on": date(2022, 12, 12),
     "deliberation_ref": "CD 2022-12-12 (illustratif)", "note": "Vote illustratif de la démonstration."},
    {"kind": "DM", "number": 1, "year": 2023, "voted_on": date(2023, 6, 26),
     "deliberation_ref": "CD 2023-06-26 (illustratif)", "note": "Vote illustratif de la démonstration."},
]


def _vote(values: dict) -> BudgetVote:
    found = db.session.execute(select(BudgetVote).where(
        BudgetVote.year == values["year"], BudgetVote.kind == values["kind"],
        BudgetVote.number == values["number"])).scalar_one_or_none()
    return found or services.create_vote(values)


def load_demo() -> None:
    """Create the missing demo envelopes and operations (a second run changes nothing); flush only."""
    bp_2023, dm1_2023 = (_vote(values) for values in VOTES_2023)
    envelope, _created = _envelope(ENVELOPE_2023, "Bâtiments médico-sociaux", CAPS_2023, ILLUSTRATIVE_CAPS)
    for code, label, nature, status, fixed, priority, ap_eur, start, spec in OPERATIONS_2023:
        site_id, building_id = _site_and_building(code)
        months = sum(m for _c, m, _s in spec)
        op = _operation(envelope, {
            "label": label, "nature": nature, "status": status, "fixed": fixed, "priority": priority,
            "ap_eur": ap_eur, "start": start.isoformat(), "duration_months": months, "site_id": site_id,
            "building_id": building_id, "phases": _phases(start, spec), "ap_vote_id": bp_2023.id,
            "ap_reason": "Initial AP, budget 2023 (illustrative)", "illustrative": True,
            "note": ILLUSTRATIVE_OP.format(source=SOURCE_2023),
        })
        if op is None:
            continue
        if code == "IME-VLG":  # a revision voted during 2023, to show the AP history (illustrative)
            services.add_ap_revision(op, {"amount_cents": 580_000_000, "vote_id": dm1_2023.id,
                                          "reason": "Décision modificative 2023 (illustrative)"})
            services.derive_cp_from_phases(op)
        cp_2023 = op.cp_by_year.get(2023, 0)
        services.set_actual(op, {"year": 2023, "committed_cents": min(op.current_ap_cents, cp_2023 * 3 // 2),
                                 "paid_cents": cp_2023 * 9 // 10})

    plans = []
    for code, label, nature, ap_eur, start, spec, note, source in OPERATIONS_EARLIER:
        plan = _operation_plan(label, ap_eur, start, spec)
        plans.append((code, label, nature, ap_eur, start, plan.duration_months, spec, note, source, plan))
    caps: dict[int, int] = {}
    for *_rest, plan in plans:
        for year, cents in derive_cp(plan).items():
            caps[year] = caps.get(year, 0) + cents
    earlier, _created = _envelope(ENVELOPE_EARLIER, "Pôles sociaux", _caps_text(caps),
                                  "Plafonds égaux aux CP des deux opérations réceptionnées (illustratif).")
    for code, label, nature, ap_eur, start, months, spec, note, source, _plan in plans:
        site_id, building_id = _site_and_building(code)
        op = _operation(earlier, {
            "label": label, "nature": nature, "fixed": True, "priority": 1, "ap_eur": ap_eur,
            "start": start.isoformat(), "duration_months": months, "site_id": site_id, "building_id": building_id,
            "phases": _phases(start, spec), "ap_voted_on": f"{start.year - 1}-12-14",
            "ap_reason": f"Initial AP (vote date illustrative; total from: {source})", "illustrative": True,
            "note": note,
        })
        if op is not None:
            _mark_received(op)
    _load_retrofit()
    db.session.flush()


def _load_retrofit() -> None:
    """The illustrative received energy retrofit and its expected savings, in an envelope of its own."""
    code, label, ap_eur, start, spec, savings = RETROFIT
    site_id, building_id = _site_and_building(code)
    if building_id is None:
        return
    plan = _operation_plan(label, ap_eur, start, spec)
    months = plan.duration_months
    envelope, _created = _envelope(ENVELOPE_RETROFIT, "Énergie", _caps_text(derive_cp(plan)),
                                   "Plafonds égaux aux CP de l'opération (illustratif).")
    op = _operation(envelope, {
        "label": label, "nature": "energy_retrofit", "fixed": True, "priority": 1, "ap_eur": ap_eur,
        "start": start.isoformat(), "duration_months": months, "site_id": site_id, "building_id": building_id,
        "phases": _phases(start, spec), "ap_voted_on": f"{start.year - 1}-12-14",
        "ap_reason": "AP initiale (illustratif)", "illustrative": True, "note": RETROFIT_NOTE,
    })
    if op is None:
        return
    _mark_received(op)
    for carrier, kwh in savings.items():
        services.set_saving(op, {"carrier": carrier, "kwh_per_year": kwh})


def _operation_plan(label: str, ap_eur: str, start: date, spec) -> OperationPlan:
    """The scheduling plan of a demo operation from its phase spec (code, months, share)."""
    errors: dict[str, str] = {}
    phases = rules.parse_phases(_phases(start, spec), errors)
    ap_cents = rules.parse_money(ap_eur, "ap_eur", errors)
    assert not errors, errors  # the demo's own data
    return OperationPlan(label, label, ap_cents, start, sum(m for _c, m, _s in spec),
                         phases=tuple(Phase(p["code"], p["start"], p["end"], p["share_bp"]) for p in phases))


def _caps_text(cents_by_year: dict[int, int]) -> str:
    """Caps as the envelope form reads them ("2023 1234.56" a line)."""
    return "\n".join(f"{year} {money_text(cents)}" for year, cents in sorted(cents_by_year.items()))


def _mark_received(op) -> None:
    """A finished operation of an earlier programme: each year's CP committed and paid, then received."""
    for year, cents in sorted(op.cp_by_year.items()):
        services.set_actual(op, {"year": year, "committed_cents": cents, "paid_cents": cents})
    services.update_operation(op, {"status": "received"})
