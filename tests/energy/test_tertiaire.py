"""Décret tertiaire: subject threshold, reference year, targets, trajectory (hand-computed examples)."""

from datetime import date
from decimal import Decimal as D

import pytest

from facilities.energy.reference import ScaleCode
from facilities.energy.reference_seed import seed_reference_data
from facilities.energy.tertiaire import (
    OFF_TRACK,
    ON_TRACK,
    ReferenceYearError,
    choose_reference_year,
    is_subject,
    trajectory,
)
from facilities.energy.year_indicators import YearConsumption, compute_year

REF = seed_reference_data()
TODAY = date(2025, 6, 1)


def test_subject_from_1000_m2():
    assert is_subject(D("999.99"), REF, today=TODAY) is False
    assert is_subject(D("1000"), REF, today=TODAY) is True
    assert is_subject(D("1000.01"), REF, today=TODAY) is True


class TestReferenceYear:
    # tertiaire kWh/m² per year; 2009 and 2023 are higher but outside the 2010–2022 window.
    SERIES = {2009: D(300), 2012: D(180), 2015: D(210), 2019: D(190), 2023: D(250)}

    def test_highest_consumption_in_the_window_wins(self):
        chosen = choose_reference_year(self.SERIES, REF, today=TODAY)
        assert (chosen.year, chosen.kwh_m2, chosen.chosen_by) == (2015, D(210), "highest")
        assert (chosen.rule.reference_first_year, chosen.rule.reference_last_year) == (2010, 2022)

    def test_user_choice_overrides(self):
        chosen = choose_reference_year(self.SERIES, REF, user_choice=2019, today=TODAY)
        assert (chosen.year, chosen.kwh_m2, chosen.chosen_by) == (2019, D(190), "user")

    def test_invalid_user_choice_is_refused(self):
        with pytest.raises(ReferenceYearError, match=r"between 2010 and 2022 \(got 2023\)"):
            choose_reference_year(self.SERIES, REF, user_choice=2023, today=TODAY)
        with pytest.raises(ReferenceYearError, match="2009"):
            choose_reference_year(self.SERIES, REF, user_choice=2009, today=TODAY)
        with pytest.raises(ReferenceYearError, match="2011 has no consumption data"):
            choose_reference_year(self.SERIES, REF, user_choice=2011, today=TODAY)

    def test_window_in_force_on_the_day_of_computation(self):
        series = {2012: D(180), 2021: D(220)}
        # Before 2024 the window ended in 2019: 2021 was not allowed.
        assert choose_reference_year(series, REF, today=date(2023, 6, 1)).year == 2012
        assert choose_reference_year(series, REF, today=date(2024, 1, 1)).year == 2021

    def test_tie_keeps_the_earliest_year_and_no_data_gives_none(self):
        assert choose_reference_year({2016: D(200), 2012: D(200)}, REF, today=TODAY).year == 2012
        assert choose_reference_year({}, REF, today=TODAY) is None
        # Only the current (incomplete) year: nothing to take.
        assert choose_reference_year({2025: D(200)}, REF, today=TODAY) is None

    def test_chosen_on_the_weighted_tertiaire_consumption_not_final_energy(self):
        # 1,000 m². 2014: 150,000 kWh gas → tertiaire 150 kWh/m².
        # 2018: 180,000 kWh district heating → final 180 kWh/m² but tertiaire 180,000 × 0.77 / 1,000 = 138.6.
        # The highest Décret tertiaire consumption is 2014's, although 2018 has more final energy.
        years = [
            compute_year(
                YearConsumption(2014, {"natural_gas": D(150_000)}, D(1000)), ScaleCode.TERTIARY_OFFICE, REF
            ),
            compute_year(
                YearConsumption(2018, {"district_heating": D(180_000)}, D(1000)),
                ScaleCode.TERTIARY_OFFICE,
                REF,
            ),
        ]
        assert years[1].final_kwh_m2 == D(180) and years[1].tertiaire_kwh_m2 == D("138.6")
        chosen = choose_reference_year(years, REF, today=TODAY)
        assert (chosen.year, chosen.kwh_m2) == (2014, D(150))


def test_targets_minus_40_50_60_percent():
    # Créf 200 kWh/m²: 2030 = 200 × 0.60 = 120; 2040 = 200 × 0.50 = 100; 2050 = 200 × 0.40 = 80.
    assert trajectory({}, 2022, D(200), REF, today=TODAY).targets == {2030: D(120), 2040: D(100), 2050: D(80)}
    # Créf 137.5: 82.5, 68.75, 55.
    assert trajectory({}, 2022, D("137.5"), REF, today=TODAY).targets == {
        2030: D("82.5"), 2040: D("68.75"), 2050: D(55)
    }


class TestTrajectory:
    # Reference year 2022 at 200 kWh/m²; targets 120 (2030), 100 (2040), 80 (2050).
    # Path 2022→2030: 200 + (120 − 200) × (year − 2022) / 8 = 200 − 10 × (year − 2022)
    #   2023: 190, 2024: 180, 2025: 170
    ACTUAL = {2020: D(230), 2022: D(200), 2023: D(185), 2024: D(180), 2025: D(175)}

    def test_path_gap_and_status(self):
        result = trajectory(self.ACTUAL, 2022, D(200), REF, today=TODAY)
        rows = [(p.year, p.path_kwh_m2, p.gap_kwh_m2, p.next_target_year, p.status) for p in result.points]
        assert rows == [
            (2023, D(190), D(-5), 2030, ON_TRACK),  # 185 − 190 = −5, below the path
            (2024, D(180), D(0), 2030, ON_TRACK),  # exactly on the path counts as on track
            (2025, D(170), D(5), 2030, OFF_TRACK),  # 175 − 170 = +5, above the path
        ]
        assert result.status == OFF_TRACK  # the latest year, 2025
        assert result.targets == {2030: D(120), 2040: D(100), 2050: D(80)}

    def test_absolute_target_cabs_also_counts_as_on_track(self):
        # Cabs 176: 2025 at 175 <= 176 → on track although above the relative path (170).
        result = trajectory(self.ACTUAL, 2022, D(200), REF, cabs_kwh_m2=D(176), today=TODAY)
        assert [p.status for p in result.points] == [ON_TRACK, ON_TRACK, ON_TRACK]
        assert result.points[-1].gap_kwh_m2 == D(5)  # the gap stays measured against the path
        assert result.status == ON_TRACK
        # Cabs 175: 175 <= 175 → on track (the bound is inclusive).
        assert trajectory(self.ACTUAL, 2022, D(200), REF, cabs_kwh_m2=D(175), today=TODAY).status == ON_TRACK
        # Cabs 174: 175 > 174 and 175 > 170 → off track.
        assert trajectory(self.ACTUAL, 2022, D(200), REF, cabs_kwh_m2=D(174), today=TODAY).status == OFF_TRACK

    def test_later_segments_and_after_2050(self):
        # 2030: 120 (aiming at 2030 itself); 2035: 120 + (100 − 120) × 5/10 = 110 → next target 2040;
        # 2045: 100 + (80 − 100) × 5/10 = 90 → 2050; 2052: stays at 80, no next target.
        actual = {2030: D(119), 2035: D(111), 2045: D(90), 2052: D(79)}
        result = trajectory(actual, 2022, D(200), REF, today=TODAY)
        assert [(p.year, p.path_kwh_m2, p.next_target_year, p.status) for p in result.points] == [
            (2030, D(120), 2030, ON_TRACK),
            (2035, D(110), 2040, OFF_TRACK),  # 111 > 110
            (2045, D(90), 2050, ON_TRACK),
            (2052, D(80), None, ON_TRACK),
        ]

    def test_path_over_eleven_years_keeps_precision(self):
        # Reference 2019 at 100 → 2030 target 60. 2020: 100 − 40 / 11 = 96.3636…
        result = trajectory({2020: D(96)}, 2019, D(100), REF, today=TODAY)
        point = result.points[0]
        assert point.path_kwh_m2.quantize(D("0.000001")) == D("96.363636")
        assert point.status == ON_TRACK  # 96 <= 96.36…
        assert point.gap_kwh_m2.quantize(D("0.000001")) == D("-0.363636")

    def test_no_year_after_the_reference_year(self):
        result = trajectory({2015: D(210)}, 2015, D(210), REF, today=TODAY)
        assert result.points == () and result.status is None


def _office(year, kwh_gas, area=1000, dju=None, dju_mean=None):
    return compute_year(
        YearConsumption(year, {"natural_gas": D(kwh_gas)}, D(area), dju, dju_mean), ScaleCode.TERTIARY_OFFICE, REF
    )


class TestReferenceYearPerTheLaw:
    """Issue 15 point 4: climate-adjusted comparison, first-full-year fallback, reference area kept."""

    def test_climate_adjusted_comparison_picks_the_colder_adjusted_year(self):
        # 1,000 m², 180,000 kWh gas → 180 kWh/m² raw in 2014 (DJU 2,500) and in 2019 (DJU 2,100), mean 2,400;
        # heating share 0.5 (the default): adjusted = 90 + 90 × 2,400 / DJU
        #   2014: 90 + 90 × 2,400 / 2,500 = 90 + 86.4 = 176.4
        #   2019: 90 + 90 × 2,400 / 2,100 = 90 + 102.857… = 192.857…  → 2019 (raw figures tie and gave 2014)
        years = [_office(2014, 180_000, dju=2500, dju_mean=2400), _office(2019, 180_000, dju=2100, dju_mean=2400)]
        assert years[0].climate_adjusted_tertiaire_kwh_m2 == D("176.4")
        chosen = choose_reference_year(years, REF, today=TODAY)
        assert (chosen.year, chosen.chosen_by, chosen.basis) == (2019, "highest", "climate_adjusted")
        assert chosen.kwh_m2 == D(180)  # Créf stays the raw weighted figure; the targets follow from it
        assert round(chosen.compared_kwh_m2, 3) == D("192.857")
        assert chosen.area_m2 == D(1000) and not chosen.provisional
        # Without degree-days the raw figures tie and the earliest year is kept, on the raw basis.
        raw = choose_reference_year([_office(2014, 180_000), _office(2019, 180_000)], REF, today=TODAY)
        assert (raw.year, raw.basis, raw.compared_kwh_m2) == (2014, "raw", D(180))

    def test_a_year_without_degree_days_is_compared_on_its_raw_figure(self):
        # 2014 adjusted 176.4 (as above); 2016 has no DJU: raw 178,000 / 1,000 = 178 > 176.4 → 2016, raw basis.
        chosen = choose_reference_year(
            [_office(2014, 180_000, dju=2500, dju_mean=2400), _office(2016, 178_000)], REF, today=TODAY
        )
        assert (chosen.year, chosen.basis, chosen.kwh_m2) == (2016, "raw", D(178))

    def test_reference_area_is_the_reference_year_area(self):
        # 2012: 240,000 / 1,200 m² = 200; 2018: 190,000 / 1,000 m² = 190 → 2012, area 1,200 m².
        chosen = choose_reference_year(
            [_office(2012, 240_000, area=1200), _office(2018, 190_000, area=1000)], REF, today=TODAY
        )
        assert (chosen.year, chosen.kwh_m2, chosen.area_m2) == (2012, D(200), D(1200))

    def test_no_year_in_the_window_falls_back_to_the_first_full_year_reported(self):
        # Opened in 2023: 2023 (1,500 m², 225,000 kWh → 150), 2024 (1,500 m², 240,000 → 160), 2026 (current year).
        years = [_office(2023, 225_000, area=1500), _office(2024, 240_000, area=1500), _office(2026, 90_000, area=1500)]
        chosen = choose_reference_year(years, REF, today=date(2026, 11, 30))
        assert (chosen.year, chosen.kwh_m2, chosen.chosen_by, chosen.area_m2) == (
            2023, D(150), "first_full_year", D(1500)
        )
        assert chosen.provisional and chosen.provisional_until == date(2027, 9, 30)
        assert choose_reference_year(years, REF, today=date(2027, 9, 30)).provisional  # still on the day
        after = choose_reference_year(years, REF, today=date(2027, 10, 1))
        assert (after.year, after.provisional, after.provisional_until) == (2023, False, None)
        # Only the current year, which is not complete: no reference yet.
        assert choose_reference_year([_office(2026, 90_000)], REF, today=date(2026, 11, 30)) is None

    def test_the_rule_before_2024_had_no_fallback(self):
        # In 2023 the window was 2010–2019 and the rule row has no first_full_year_deadline.
        assert REF.tertiaire_rule(date(2023, 6, 1)).first_full_year_deadline is None
        assert choose_reference_year({2021: D(150)}, REF, today=date(2023, 6, 1)) is None
        rule = REF.tertiaire_rule(date(2026, 1, 1))
        assert rule.first_full_year_deadline == date(2027, 9, 30) and "art. 3" in rule.source

    def test_a_deadline_inside_the_window_is_refused(self):
        from facilities.energy.reference import TertiaireRule

        with pytest.raises(ValueError, match="after the reference window"):
            TertiaireRule(min_area_m2=D(1000), reference_first_year=2010, reference_last_year=2022,
                          first_full_year_deadline=date(2022, 9, 30), valid_from=date(2024, 1, 1), source="test")
