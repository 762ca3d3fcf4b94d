"""Initial rows of the energy reference tables (domain-rules.md §1 and §2), with their sources.

Used to fill the database tables and in tests; after seeding, the database rows are the truth and an
administrator corrects them there. "(secondary)" in a source marks a value seen only in third-party
sources, to be checked against the official text.

The rows start on SEED_START (1 January 2000, the first year the application accepts) because the
application computes past years on these values; an administrator who needs an older value for past
years (e.g. electricity 2.58 before the DPE 2021 reform) splits the row.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from facilities.energy.reference import (
    Carrier,
    DpeDisplayRule,
    DpeScale,
    EmissionFactor,
    PrimaryEnergyFactor,
    ReferenceData,
    ScaleCode,
    ScaleMetric,
    TertiaireRule,
    TertiaireTarget,
    TertiaireWeight,
)
from facilities.years import CONSUMPTION as CONSUMPTION_YEARS

SEED_START = date(CONSUMPTION_YEARS.first, 1, 1)  # the rows cover every consumption year accepted
DECRET_TERTIAIRE_START = date(2019, 10, 1)  # décret n° 2019-771 of 23 July 2019, in force 1 October 2019

_NON_ELECTRIC = [c for c in Carrier if c is not Carrier.ELECTRICITY]
DISTRICT_COOLING_SOURCE = (
    "Arrêté du 15 septembre 2006, annexe 7 (contenus CO2 des réseaux): a cooling network not listed takes the "
    "least favourable content, coal's 0.385 (secondary) per Cerema, DPE des réseaux de chaleur et de froid; each "
    "listed network has its own value")

PRIMARY_ENERGY_FACTORS: tuple[PrimaryEnergyFactor, ...] = (
    PrimaryEnergyFactor(
        carrier=Carrier.ELECTRICITY,
        factor=D("2.3"),
        valid_from=SEED_START,
        valid_to=date(2025, 12, 31),
        source="DPE 2021 method: electricity 2.3 until 31 Dec 2025",
    ),
    PrimaryEnergyFactor(
        carrier=Carrier.ELECTRICITY,
        factor=D("1.9"),
        valid_from=date(2026, 1, 1),
        source="arrêté du 13 août 2025: electricity 1.9 from 1 Jan 2026",
    ),
    *(
        PrimaryEnergyFactor(
            carrier=carrier,
            factor=D("1"),
            valid_from=SEED_START,
            source="DPE method: gas, fuel oil, wood 1; other non-electric carriers 1",
        )
        for carrier in _NON_ELECTRIC
    ),
)

# kg CO2e per kWh of final energy. A network's own row (network = its name, the CO2 content of the DPE
# arrêté's annex 7) replaces the generic value of district heating or cooling for the buildings that name it in
# their energy settings; a network the arrêté does not list takes the least favourable content, coal's (0.385),
# for heating and cooling alike.
EMISSION_FACTORS: tuple[EmissionFactor, ...] = tuple(
    EmissionFactor(carrier=carrier, kg_co2e_per_kwh=D(value), valid_from=SEED_START, source=source)
    for carrier, value, source in [
        (
            Carrier.ELECTRICITY,
            "0.079",
            "DPE 2021, electricity for heating (secondary); 0.064–0.079 by use, uses not split here",
        ),
        (Carrier.NATURAL_GAS, "0.227", "DPE 2021, natural gas (secondary)"),
        (Carrier.FUEL_OIL, "0.324", "DPE 2021, heating oil (secondary)"),
        (Carrier.LPG, "0.272", "DPE 2021, LPG (secondary)"),
        (Carrier.WOOD, "0.030", "DPE 2021, wood logs/pellets (secondary); wood chips 0.024"),
        (
            Carrier.DISTRICT_HEATING,
            "0.385",
            "DPE 2021, district heating default (secondary); each network has its own value",
        ),
        (Carrier.DISTRICT_COOLING, "0.385", DISTRICT_COOLING_SOURCE),
    ]
)


def _bounds(*values: str) -> tuple[D, D, D, D, D, D]:
    return tuple(D(v) for v in values)  # type: ignore[return-value]


_TERTIARY_SOURCE = "arrêté du 15 septembre 2006 as amended (tertiary DPE)"
DPE_SCALES: tuple[DpeScale, ...] = (
    DpeScale(
        code=ScaleCode.TERTIARY_OFFICE,
        label="Tertiary: offices, administration, teaching (kWh primary energy/m²/yr)",
        metric=ScaleMetric.PRIMARY_ENERGY,
        upper_bounds=_bounds("50", "110", "210", "350", "540", "750"),
        upper_inclusive=True,
        valid_from=SEED_START,
        source=_TERTIARY_SOURCE,
    ),
    DpeScale(
        code=ScaleCode.TERTIARY_OFFICE,
        label="Tertiary: offices, administration, teaching (kg CO2e/m²/yr, climate label)",
        metric=ScaleMetric.GHG,
        upper_bounds=_bounds("5", "15", "30", "60", "100", "145"),
        upper_inclusive=True,
        in_label=False,
        valid_from=SEED_START,
        source=_TERTIARY_SOURCE + " (secondary)",
    ),
    DpeScale(
        code=ScaleCode.TERTIARY_CONTINUOUS,
        label="Tertiary: continuous occupation (kWh primary energy/m²/yr)",
        metric=ScaleMetric.PRIMARY_ENERGY,
        upper_bounds=_bounds("100", "210", "370", "580", "830", "1130"),
        upper_inclusive=True,
        valid_from=SEED_START,
        source=_TERTIARY_SOURCE + " (secondary)",
    ),
    DpeScale(
        code=ScaleCode.TERTIARY_OTHER,
        label="Tertiary: other buildings (kWh primary energy/m²/yr)",
        metric=ScaleMetric.PRIMARY_ENERGY,
        upper_bounds=_bounds("30", "90", "170", "270", "380", "510"),
        upper_inclusive=True,
        valid_from=SEED_START,
        source=_TERTIARY_SOURCE + " (secondary)",
    ),
    DpeScale(
        code=ScaleCode.RESIDENTIAL,
        label="Residential DPE 2021: energy (kWh primary energy/m²/yr)",
        metric=ScaleMetric.PRIMARY_ENERGY,
        upper_bounds=_bounds("70", "110", "180", "250", "330", "420"),
        upper_inclusive=False,
        valid_from=SEED_START,
        source="DPE 2021 (housing): label is the worse of energy and GHG classes",
    ),
    DpeScale(
        code=ScaleCode.RESIDENTIAL,
        label="Residential DPE 2021: greenhouse gases (kg CO2e/m²/yr)",
        metric=ScaleMetric.GHG,
        upper_bounds=_bounds("6", "11", "30", "50", "70", "100"),
        upper_inclusive=False,
        valid_from=SEED_START,
        source="DPE 2021 (housing): label is the worse of energy and GHG classes",
    ),
)

_WEIGHT_SOURCE = "Décret tertiaire, arrêté « méthode » du 10 avril 2020"
TERTIAIRE_WEIGHTS: tuple[TertiaireWeight, ...] = tuple(
    TertiaireWeight(carrier=carrier, weight=D(weight), valid_from=SEED_START, source=source)
    for carrier, weight, source in [
        (Carrier.DISTRICT_HEATING, "0.77", _WEIGHT_SOURCE + ": district heating × 0.77"),
        (Carrier.DISTRICT_COOLING, "0.25", _WEIGHT_SOURCE + ": district cooling × 0.25"),
        *(
            (c, "1", _WEIGHT_SOURCE + ": final energy counted as is")
            for c in Carrier
            if c not in (Carrier.DISTRICT_HEATING, Carrier.DISTRICT_COOLING)
        ),
    ]
)

TERTIAIRE_TARGETS: tuple[TertiaireTarget, ...] = tuple(
    TertiaireTarget(
        year=year,
        reduction=D(reduction),
        valid_from=DECRET_TERTIAIRE_START,
        source=f"CCH L174-1: −{int(D(reduction) * 100)} % of the reference consumption by {year}",
    )
    for year, reduction in [(2030, "0.40"), (2040, "0.50"), (2050, "0.60")]
)

FIRST_FULL_YEAR_DEADLINE = date(2027, 9, 30)
FIRST_FULL_YEAR_SOURCE = (
    "CCH R174-22 and following: subject from 1,000 m²; reference year 2010–2022 since 2024; "
    "arrêté du 10 avril 2020 art. 3 as amended in 2024: without a reference declared by 30 September 2027, "
    "the first full year of operation reported on OPERAT"
)  # the declaration date: arrêté du 10 avril 2020 (year N by 30 September of N + 1)
# Year N is declared on OPERAT by 30 September of N + 1 (arrêté du 10 avril 2020, art. 4 as amended).
DECLARATION_MONTH, DECLARATION_DAY = 9, 30
TERTIAIRE_RULES: tuple[TertiaireRule, ...] = (
    TertiaireRule(
        min_area_m2=D("1000"),
        reference_first_year=2010,
        reference_last_year=2019,
        declaration_month=DECLARATION_MONTH,
        declaration_day=DECLARATION_DAY,
        valid_from=DECRET_TERTIAIRE_START,
        valid_to=date(2023, 12, 31),
        source="CCH R174-22 and following: subject from 1,000 m²; reference year 2010–2019 before 2024",
    ),
    TertiaireRule(
        min_area_m2=D("1000"),
        reference_first_year=2010,
        reference_last_year=2022,
        first_full_year_deadline=FIRST_FULL_YEAR_DEADLINE,
        declaration_month=DECLARATION_MONTH,
        declaration_day=DECLARATION_DAY,
        valid_from=date(2024, 1, 1),
        source=FIRST_FULL_YEAR_SOURCE,
    ),
)


DPE_DISPLAY_RULES: tuple[DpeDisplayRule, ...] = (
    DpeDisplayRule(
        min_area_m2=D("250"),
        max_erp_category=4,
        public_owner_only=True,
        valid_from=date(2015, 7, 1),
        source="CCH R126-30 (formerly R134-4-3), décret n° 2013-695 du 30 juillet 2013: a public body's building "
               "over 250 m² hosting an ERP of category 1 to 4 displays its DPE, from 1 July 2015 (secondary)",
    ),
)


def seed_reference_data() -> ReferenceData:
    """The seed rows as a ReferenceData (for tests; the application reads the database tables)."""
    return ReferenceData(
        primary_energy_factors=PRIMARY_ENERGY_FACTORS,
        emission_factors=EMISSION_FACTORS,
        dpe_scales=DPE_SCALES,
        tertiaire_weights=TERTIAIRE_WEIGHTS,
        tertiaire_targets=TERTIAIRE_TARGETS,
        tertiaire_rules=TERTIAIRE_RULES,
        dpe_display_rules=DPE_DISPLAY_RULES,
    )
