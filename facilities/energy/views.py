"""What the energy pages show, assembled from the services (keeps the routes thin)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from facilities import formatting
from facilities.energy import charts, efas, operat, services, standings
from facilities.energy.building_report import headline
from facilities.energy.forms import CARRIER_LABELS, SCALE_LABELS, SOURCE_LABELS, EfaProposeForm, SettingsForm
from facilities.energy.reference import DPE_LETTERS, MissingReferenceError
from facilities.inventory.models import Building
from facilities.panels import Alert
from facilities.timeutil import paris_today
from facilities.works.catalogue import STATUS_LABELS as WORKS_STATUS_LABELS


def settings_values(building: Building) -> dict[str, str]:
    """The settings form's values for the building's current (or default) settings."""
    current = services.settings_for(building)
    return {
        "scale_code": str(current.scale_code),
        "reference_year": "" if current.reference_year is None else str(current.reference_year),
        "cabs_kwh_m2": "" if current.cabs_kwh_m2 is None else str(current.cabs_kwh_m2),
        "network": current.network or "",
    }


def settings_form(building: Building) -> SettingsForm:
    """The settings form filled with the building's current (or default) settings, and their version."""
    values = settings_values(building)
    form = SettingsForm(formdata=None, data=values)
    form.remember(services.settings_record(building), values)
    return form


def number(value, places: int) -> str:
    """A figure in the request's language (1 234,5 in French)."""
    return formatting.format_number(value, str(get_locale() or "fr"), places)


def _factor_used(year: dict[str, Any]) -> str:
    """'Électricité × 2,3' for each non-unit primary factor used that year (labels and numbers in the reader's
    language)."""
    locale = str(get_locale() or "fr")
    parts = [f"{CARRIER_LABELS.get(row['key'], row['key'])} × {formatting.format_number(row['value'], locale)}"
             for row in year["references"] if row["table"] == "primary_energy_factors" and row["value"] != "1"]
    return ", ".join(parts) or "× 1"


def trajectory_chart(report: dict[str, Any], code: str) -> tuple[str | None, str]:
    """The trajectory SVG (None without a reference year) and a sentence saying what it shows."""
    tertiaire = report["tertiaire"]
    if tertiaire["reference_year"] is None:
        return None, _("No trajectory: no consumption in the reference window %(first)s–%(last)s.",
                       first=tertiaire["reference_window"][0], last=tertiaire["reference_window"][1])
    actual = {y["year"]: y["tertiaire_kwh_m2"] for y in report["years"]
              if y["tertiaire_kwh_m2"] is not None and y["complete"]}  # an incomplete year is never judged
    targets = {int(y): v for y, v in tertiaire["targets"].items()}
    latest = next((y for y in reversed(report["years"]) if y["status"]), None)
    description = _("Reference %(year)s: %(ref)s kWh/m². Targets: %(targets)s.", year=tertiaire["reference_year"],
                    ref=tertiaire["reference_kwh_m2"],
                    targets=", ".join(f"{y} {v} kWh/m²" for y, v in targets.items()))
    if latest:
        description += " " + _("In %(year)s: %(actual)s kWh/m² against %(path)s on the path (%(status)s).",
                               year=latest["year"], actual=latest["tertiaire_kwh_m2"], path=latest["path_kwh_m2"],
                               status=status_label(latest["status"]))
    projection = report.get("projection") or {}
    projected = None
    if projection.get("tertiaire_kwh_m2") is not None:
        projected = (projection["year"], projection["tertiaire_kwh_m2"])
        description += " " + projection_sentence(projection)
    svg = charts.trajectory_svg(
        actual, {y["year"]: y["path_kwh_m2"] for y in report["years"] if y["path_kwh_m2"] is not None}, targets,
        reference=(tertiaire["reference_year"], tertiaire["reference_kwh_m2"]), cabs=tertiaire["cabs_kwh_m2"],
        projected=projected,
        labels={"title": _("Décret tertiaire trajectory of %(code)s", code=code),
                "actual": _("Consumption (kWh final/m², weighted)"), "path": _("Straight-line path"),
                "target": _("Target"), "reference": _("Reference year"), "cabs": _("Absolute target (Cabs)"),
                "projected": _("Projected after the retrofit works"),
                "y": _("kWh final/m²/yr"), "description": description},
    )
    return svg, description


def reference_sentence(tertiaire: dict[str, Any]) -> str | None:
    """How the reference year was set, what it was compared on, its area, and whether it is provisional."""
    year = tertiaire["reference_year"]
    if year is None:
        return None
    first, last = tertiaire["reference_window"]
    chosen_by = tertiaire["reference_chosen_by"]
    if chosen_by == "user":
        text = _("Reference year %(year)s, set by a user.", year=year)
    elif chosen_by == "first_full_year":
        text = _("Reference year %(year)s: no complete year in %(first)s–%(last)s, so the first complete year "
                 "reported.", year=year, first=first, last=last)
        if tertiaire["reference_provisional"]:
            text += " " + _("Provisional until %(date)s; definitive if no other reference is declared by then.",
                            date=formatting.format_day(date.fromisoformat(tertiaire["reference_provisional_until"]),
                                                       str(get_locale() or "fr")))
    elif tertiaire["reference_basis"] == "climate_adjusted":
        text = _("Reference year %(year)s: highest consumption in %(first)s–%(last)s, compared on the "
                 "climate-adjusted estimates (%(adjusted)s kWh/m² adjusted, %(raw)s recorded).", year=year,
                 first=first, last=last, adjusted=number(tertiaire["reference_compared_kwh_m2"], 1),
                 raw=number(tertiaire["reference_kwh_m2"], 1))
    else:
        text = _("Reference year %(year)s: highest recorded consumption in %(first)s–%(last)s (no degree-days "
                 "for that year).", year=year, first=first, last=last)
    if tertiaire["reference_area_m2"] is not None:
        text += " " + _("Reference area: %(area)s m².", area=number(tertiaire["reference_area_m2"], 0))
    return text


def subject_sentence(tertiaire: dict[str, Any]) -> str:
    """Whether the building is subject to the Décret tertiaire and why, with the areas that decided it."""
    threshold = number(tertiaire["min_area_m2"], 0)
    area = number(tertiaire.get("tertiary_area_m2"), 0) if tertiaire.get("tertiary_area_m2") is not None else "—"
    site = number(tertiaire.get("site_tertiary_area_m2"), 0) if tertiaire.get(
        "site_tertiary_area_m2") is not None else "—"
    reason = tertiaire.get("subject_reason")
    if reason == "building":
        return _("Subject to the Décret tertiaire: %(area)s m² of tertiary floor area (%(n)s m² or more).",
                 area=area, n=threshold)
    if reason == "mixed_building":
        return _("Subject to the Décret tertiaire: the tertiary parts of this mixed building total %(area)s m² "
                 "(%(n)s m² or more; housing does not count).", area=area, n=threshold)
    if reason == "site_total":
        return _("Subject to the Décret tertiaire: the buildings of the site total %(site)s m² of tertiary floor "
                 "area (%(n)s m² or more), this one %(area)s m².", site=site, area=area, n=threshold)
    if reason == "previously_subject":
        return _("Subject to the Décret tertiaire: an earlier year's area reached %(n)s m² (a building once "
                 "subject stays subject), %(area)s m² today.", area=area, n=threshold)
    return _("Not subject to the Décret tertiaire: %(area)s m² of tertiary floor area, %(site)s m² on the site "
             "(under %(n)s m²); the trajectory is shown for information.", area=area, site=site, n=threshold)


def dpe_display_sentence(display: dict[str, Any]) -> str | None:
    """The mandatory DPE display flag, with the thresholds of the dated rule; None when not required."""
    if not display.get("required"):
        return None
    area, category = display["references"][0]["value"]
    return _("Must display its DPE where the public sees it: a public owner's building over %(area)s m² hosting an "
             "ERP of category 1 to %(category)s.", area=number(area, 0), category=category)


def dpe_current_sentence(dpe: dict[str, Any] | None) -> str:
    """Which years today's DPE averages and the date of its factors; or why there is none."""
    locale = str(get_locale() or "fr")
    if dpe is None:
        return _("No consumption recorded in the last three complete years: no DPE of today.")
    text = _("As a DPE made today: the average of %(years)s, every year converted with the factors in force on "
             "%(date)s.", years=", ".join(str(y) for y in dpe["years"]),
             date=formatting.format_day(date.fromisoformat(dpe["factors_date"]), locale))
    if dpe["missing_years"]:
        text += " " + _("No consumption for %(years)s.", years=", ".join(str(y) for y in dpe["missing_years"]))
    return text


def projection_sentence(projection: dict[str, Any]) -> str:
    """'Projected after the retrofit works received: 127 kWh/m² in 2026 (on track); 2030 target …'."""
    text = _("Projected after the received retrofit works: %(value)s kWh/m² in %(year)s, against %(before)s in "
             "%(base)s.", value=number(projection["tertiaire_kwh_m2"], 1), year=projection["year"],
             before=number(projection["base_tertiaire_kwh_m2"], 1), base=projection["base_year"])
    if projection.get("status"):
        text += " " + _("Path value that year: %(path)s kWh/m² (%(status)s).",
                        path=number(projection["path_kwh_m2"], 1), status=status_label(projection["status"]))
    gap = projection.get("gap_to_target_kwh_m2")
    if gap is not None:
        if gap > 0:
            text += " " + _("%(gap)s kWh/m² above the %(year)s target (%(target)s).", gap=number(gap, 1),
                            year=projection["target_year"], target=number(projection["target_kwh_m2"], 1))
        else:
            text += " " + _("The %(year)s target (%(target)s kWh/m²) is met.", year=projection["target_year"],
                            target=number(projection["target_kwh_m2"], 1))
    return text


def incomplete_text(year: dict[str, Any]) -> str:
    """Why a year of the report is incomplete, and what that means for it (facilities/energy/completeness.py)."""
    reasons = []
    if year["year_not_ended"]:
        reasons.append(_("the year has not ended"))
    if year["missing_carriers"]:
        reasons.append(_("no record for %(carriers)s, used the year before", carriers=", ".join(
            str(CARRIER_LABELS.get(c, c)) for c in year["missing_carriers"])))
    return _("%(year)s is incomplete (%(reasons)s): shown, but never judged against the trajectory nor given a "
             "DPE class.", year=year["year"], reasons="; ".join(reasons))


def status_label(status: str | None) -> str:
    return {"on_track": _("on track"), "off_track": _("off track")}.get(status or "", _("no status"))


def building_page(building: Building, consumption_form, settings_form_) -> dict[str, Any]:
    """Context of the building energy page."""
    loaded = services.load_building_energy([building.id])[building.id]
    report = loaded.report(services.reference_data(), operations=services.retrofit_operations(building.id))
    records = services.consumption_records(building.id)
    carriers = sorted({r.carrier for r in records})
    table: dict[int, dict[str, Any]] = {}
    for record in records:
        table.setdefault(record.year, {})[record.carrier] = record
    for year in report["years"]:
        year["factor_used"] = _factor_used(year)
    chart, chart_text = trajectory_chart(report, building.code)
    return {
        "building": building, "site": building.site, "report": report, "settings": loaded.settings,
        "carriers": carriers, "table": dict(sorted(table.items())), "chart": chart, "chart_text": chart_text,
        "consumption_form": consumption_form, "settings_form": settings_form_,
        "CARRIER_LABELS": CARRIER_LABELS, "SOURCE_LABELS": SOURCE_LABELS, "SCALE_LABELS": SCALE_LABELS,
        "status_label": status_label, "reference_text": reference_sentence(report["tertiaire"]),
        "incomplete_text": incomplete_text,
        "dpe_current_text": dpe_current_sentence(report["dpe_current"]),
        "subject_text": subject_sentence(report["tertiaire"]),
        "display_text": dpe_display_sentence(report["dpe_display"]),
        "building_efas": efas.building_efas(building.id),
        **projection_context(report.get("projection")),
    }


def projection_context(projection: dict[str, Any] | None) -> dict[str, Any]:
    """What the page's "Projected after the retrofit works" section needs (the report's `projection`)."""
    projected = projection is not None and projection["tertiaire_kwh_m2"] is not None
    return {
        "projection": projection,
        "projection_text": projection_sentence(projection) if projected else None,
        "projection_floored": ", ".join(str(CARRIER_LABELS.get(c, c)) for c in (projection or {}).get(
            "floored_carriers", [])),
        "WORKS_STATUS_LABELS": WORKS_STATUS_LABELS,
        "ROLE_LABELS": {"counted": _("counted"), "already_reflected": _("already in the recorded consumption"),
                        "planned": _("planned savings (not yet received)")},
    }


def panel(building: Building) -> dict[str, Any]:
    """The building page's energy panel: latest year, class, tertiaire status."""
    loaded = services.load_building_energy([building.id]).get(building.id)
    if loaded is None:
        return {"latest": None}
    try:
        report = loaded.report(services.reference_data())
    except MissingReferenceError:
        # A database migrated but never seeded: the building page still answers and says what to do.
        return {"latest": None, "missing_reference": True}
    incomplete = [y for y in report["years"] if not y["complete"] and y["year"] > (report["headline_year"] or 0)]
    return {"latest": headline(report), "incomplete": incomplete, "incomplete_text": incomplete_text,
            "tertiaire": report["tertiaire"], "subject_text": subject_sentence(report["tertiaire"]),
            "current": report["dpe_current"], "display_text": dpe_display_sentence(report["dpe_display"]),
            "scale": SCALE_LABELS.get(loaded.settings.scale_code, loaded.settings.scale_code),
            "status": status_label(report["tertiaire"]["status"])}


def dashboard_page() -> dict[str, Any]:
    """Context of the portfolio dashboard."""
    data = standings.dashboard()
    counts = {letter: data.class_counts[letter] for letter in DPE_LETTERS}
    class_text = ", ".join(f"{letter}: {n}" for letter, n in counts.items())
    class_chart = charts.dpe_distribution_svg(counts, labels={
        "title": _("Buildings per DPE class (today's DPE)"), "y": _("Buildings"), "description": class_text})
    totals_chart = None
    if data.totals:
        totals_chart = charts.yearly_totals_svg(
            [t.year for t in data.totals], [float(t.kwh) / 1000 for t in data.totals],
            [None if t.kg_co2e is None else float(t.kg_co2e) / 1000 for t in data.totals],
            labels={"title": _("Portfolio consumption and emissions by year"), "mwh": _("MWh final"),
                    "co2": _("t CO2e"), "description": _("See the table of totals by year.")})
    return {"data": data, "counts": counts, "class_chart": class_chart, "totals_chart": totals_chart,
            "status_label": status_label, **declaration_context()}


def declaration_context(today: date | None = None) -> dict[str, Any]:
    """The OPERAT declaration of last year: its deadline, the days left, the subject EFAs whose year is missing or
    incomplete, the subject buildings in no EFA."""
    today = today or date.today()
    year, deadline, pending = operat.pending_declarations(today)
    return {"declaration_year": year, "declaration_deadline": deadline, "pending": pending,
            "days_left": (deadline - today).days if deadline else None,
            **_unassigned(today),
            "YEAR_STATUS_LABELS": {"missing": _("missing"), "incomplete": _("incomplete"), "complete": _("complete")},
            "propose_form": EfaProposeForm(formdata=None)}


def _unassigned(today: date) -> dict[str, Any]:
    """The subject buildings in no EFA (the first UNASSIGNED_SHOWN) and their number: from the stored standings,
    else computed."""
    stored = standings.unassigned_subject(paris_today(), standings.UNASSIGNED_SHOWN)  # the day rows are computed for
    if stored is None:
        every = efas.unassigned_subject_buildings(today=today)
        stored = every[:standings.UNASSIGNED_SHOWN], len(every)
    return {"unassigned": stored[0], "unassigned_count": stored[1]}


HOME_OFF_TRACK = 5  # the home panel names the buildings furthest off track, up to this many


def home_panel() -> dict[str, Any]:
    """The energy panel of the home dashboard: buildings per DPE class (a chart and its figures) and the
    buildings off their Décret tertiaire trajectory, furthest first."""
    try:  # a database migrated but never seeded: the home page still answers and says what to do
        data = standings.dashboard(limit=HOME_OFF_TRACK)
        declaration = declaration_context()
    except MissingReferenceError:
        return {"missing_reference": True}
    counts = {letter: data.class_counts[letter] for letter in DPE_LETTERS}
    chart = charts.dpe_distribution_svg(counts, labels={
        "title": _("Buildings per DPE class (today's DPE)"), "y": _("Buildings"),
        "description": ", ".join(f"{letter}: {n}" for letter, n in counts.items())})
    alerts = []
    if declaration["pending"] and declaration["days_left"] is not None:
        day = formatting.format_day(declaration["declaration_deadline"], str(get_locale() or "fr"))
        late = declaration["days_left"] < 0
        text = (_("OPERAT: %(n)s EFA(s) without complete %(year)s consumption, the deadline (%(date)s) passed %(days)s "
                  "day(s) ago.", n=len(declaration["pending"]), year=declaration["declaration_year"],
                  days=-declaration["days_left"], date=day) if late else
                _("OPERAT: %(n)s EFA(s) without complete %(year)s consumption, %(days)s day(s) before %(date)s.",
                  n=len(declaration["pending"]), year=declaration["declaration_year"], days=declaration["days_left"],
                  date=day))
        alerts.append(Alert(
            text,
            url_for("energy.dashboard") + "#declaration", "danger" if late else "warning",
            _("Décret tertiaire")))
    return {"data": data, "counts": counts, "chart": chart, "alerts": alerts, **declaration}
