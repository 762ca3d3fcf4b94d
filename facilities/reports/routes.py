"""Pages of the reports area: PDF reports, spreadsheet exports, and background jobs with their progress."""

from __future__ import annotations

import base64
import re
import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from facilities import jobs as job_queue
from facilities.database import discard_changes
from facilities.energy import services as energy
from facilities.energy import views as energy_views
from facilities.extensions import db
from facilities.inventory import services as inventory
from facilities.inventory.models import Site
from facilities.permissions import Permission, requires
from facilities.reports import exports, jobs, services
from facilities.reports.forms import PortfolioForm, PortfolioJobForm
from facilities.reports.pdf import render_pdf
from facilities.safety import accessibility
from facilities.works import gantt
from facilities.works import views as works
from facilities.works.models import Envelope

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Above this many spaces a building's inventory PDF is prepared by a job: about 10 s of layout inside a request.
DEFAULT_INLINE_MAX_SPACES = 1000
# Up to this many sites a portfolio PDF is made within the request (about 30 s for 1,000); its summary alone lays
# out no section: up to SUMMARY_INLINE_FACTOR times as many.
DEFAULT_PORTFOLIO_INLINE_MAX_SITES = 1000
SUMMARY_INLINE_FACTOR = 20


def _or_404(entity, message: str | None = None):
    if entity is None:
        abort(404, message)
    return entity


def _download(body: bytes | str, filename: str, mimetype: str, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf(body: bytes, filename: str) -> Response:
    return _download(body, filename, "application/pdf", inline=True)


# ---------------------------------------------------------------- building reports


@bp.route("/buildings/<int:building_id>/fact-sheet.pdf")
@requires(Permission.READ)
def fact_sheet(building_id: int):
    """The one-page fact sheet of a building, its key figures 'in a few figures'."""
    building = _or_404(inventory.load_building(building_id))
    body = render_pdf("fact_sheet.html", title=_("Fact sheet · %(name)s", name=building.name),
                      **services.fact_sheet_context(building))
    return _pdf(body, services.safe_filename("fiche", building.code, extension="pdf"))


@bp.route("/buildings/<int:building_id>/inventory.pdf")
@requires(Permission.READ)
def inventory_pdf(building_id: int):
    """The floor-by-floor inventory of a building: spaces, floor totals and building totals. A building with
    more than REPORT_INLINE_MAX_SPACES spaces gets it from a background job (the user is sent to its page)."""
    if services.building_space_count(building_id) > current_app.config.get("REPORT_INLINE_MAX_SPACES",
                                                                           DEFAULT_INLINE_MAX_SPACES):
        _or_404(inventory.load_building(building_id))
        return _start_job("inventory_pdf", {"building_id": building_id},
                          url_for("inventory.building_detail", building_id=building_id))
    building = _or_404(services.load_building_inventory(building_id))
    body = render_pdf("inventory.html", title=_("Inventory · %(name)s", name=building.name),
                      **services.inventory_context(building))
    return _pdf(body, services.safe_filename("inventaire", building.code, extension="pdf"))


def _inventory_labels() -> dict[str, str]:
    return {"summary": _("Summary"), "building_total": _("Building total"), "level": _("Level"),
            "floor": _("Floor"), "public": _("Public"), "floor_area": _("Floor area (m²)"),
            "spaces": _("Spaces"), "net_area_m2": _("Net area (m²)"), "interview_offices": _("Interview offices"),
            "medical_cabinets": _("Medical cabinets"), "digital_spaces": _("Digital spaces"), "pcs": _("PCs"),
            "mediation_spaces": _("Mediation spaces"), "workstations": _("Workstations"), "code": _("Code"),
            "name": _("Name"), "type": _("Type"), "area": _("Area (m²)"), "step_free": _("Step-free"),
            "specialty": _("Specialty"), "equipment": _("Equipment")}


@bp.route("/buildings/<int:building_id>/inventory.xlsx")
@requires(Permission.READ)
def inventory_xlsx(building_id: int):
    """The building inventory as a workbook: a summary sheet and one sheet per floor."""
    building = _or_404(services.load_building_inventory(building_id))
    body = exports.inventory_workbook(building, _inventory_labels())
    return _download(body, services.safe_filename("inventaire", building.code, extension="xlsx"), XLSX)


def _site_header() -> list[str]:
    names = {"code": _("Code"), "name": _("Name"), "kind": _("Kind"), "status": _("Status"),
             "address": _("Address"), "postcode": _("Postcode"), "commune_code": _("INSEE code"),
             "commune_name": _("Commune"), "latitude": _("Latitude"), "longitude": _("Longitude"),
             "opened_on": _("Opened"), "services": _("Services"), "buildings": _("Buildings"), "floors": _("Floors"),
             "spaces": _("Spaces"), "interview_offices": _("Interview offices"),
             "medical_cabinets": _("Medical cabinets"), "workstations": _("Workstations"),
             "net_area_m2": _("Net area (m²)"), "cost_eur": _("Cost (€)")}
    return [names[column] for column in exports.SITE_COLUMNS]


@bp.route("/sites.xlsx")
@requires(Permission.READ)
def sites_xlsx():
    """The site list, with the filters of the site list page, as a workbook."""
    body = exports.sites_xlsx(inventory.SiteFilters.from_args(request.args), _site_header())
    return _download(body, f"sites-{date.today().isoformat()}.xlsx", XLSX)


@bp.route("/sites.csv")
@requires(Permission.READ)
def sites_csv():
    """The site list, with the filters of the site list page, as CSV."""
    body = exports.sites_csv(inventory.SiteFilters.from_args(request.args), _site_header())
    return _download(body, f"sites-{date.today().isoformat()}.csv", "text/csv; charset=utf-8")


# ---------------------------------------------------------------- reports of the energy and works areas


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@bp.route("/buildings/<int:building_id>/energy.pdf")
@requires(Permission.READ)
def energy_pdf(building_id: int):
    """The energy report of a building: yearly indicators, DPE class and the Décret tertiaire trajectory."""
    building = _or_404(inventory.load_building(building_id))
    report = _or_404(energy.building_report(building.id))
    # The same chart and projection sentence as the building's energy tab: one drawing of the trajectory.
    chart, _chart_text = energy_views.trajectory_chart(report, building.code)
    projection_text = energy_views.projection_context(report.get("projection"))["projection_text"]
    body = render_pdf("energy.html", title=_("Energy report · %(name)s", name=building.name), building=building,
                      site=building.site, report=report, chart_uri=_svg_data_uri(chart) if chart else None,
                      projection_text=projection_text,
                      reference_text=energy_views.reference_sentence(report["tertiaire"]),
                      subject_text=energy_views.subject_sentence(report["tertiaire"]),
                      references=services.energy_references(report),
                      today=date.today())
    return _pdf(body, services.safe_filename("energie", building.code, extension="pdf"))


def site_list_actions(filters, **_objects) -> dict:
    """Data of the site list's export buttons: the filters in force, which the exports apply too."""
    return {"filters": filters.active()}


def envelope_actions(envelope: Envelope, **_objects) -> dict:
    """Data of the envelope page's programme PDF button."""
    return {"envelope_id": envelope.id}


@bp.route("/envelopes/<int:envelope_id>/programme.pdf")
@requires(Permission.READ)
def programme_pdf(envelope_id: int):
    """The multi-year works programme of an envelope: PPI table, consumption of each year's cap, Gantt chart."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    figures = works.envelope_figures([envelope])[0]
    year = date.today().year
    rows, total = works.ppi_rows(figures.operations, year)
    chart = gantt.gantt_svg(services.numbered_gantt_rows(works.gantt_rows(figures.operations)),
                      title=_("Gantt chart of the operations"), today=date.today(),
                      description=_("Operations by phase on a time axis; the table gives the amounts."),
                      labels={"fixed": _("fixed"), "draft": _("draft"), "empty": _("No operation")}
                      ) if figures.operations else None
    body = render_pdf("programme.html", title=_("Works programme · %(label)s", label=envelope.label),
                      envelope=envelope, figures=figures, rows=rows, total=total, year=year,
                      chart_uri=_svg_data_uri(chart) if chart else None, today=date.today())
    return _pdf(body, services.safe_filename("programme", str(envelope.id), envelope.label, extension="pdf"))


def _annex(year: int) -> works.BudgetAnnex:
    if not works.PROGRAMME_YEARS.first <= year <= works.PROGRAMME_YEARS.last:
        abort(404)
    return works.budget_annex(year, _("Total"))


@bp.route("/works/annex/<int:year>.pdf")
@requires(Permission.READ)
def annex_pdf(year: int):
    """The budget annex "état des AP/CP" of a year as a PDF (landscape), programme by programme."""
    annex = _annex(year)
    body = render_pdf("annex.html", title=_("AP/CP statement %(year)s", year=year), annex=annex, today=date.today())
    return _pdf(body, services.safe_filename("etat-ap-cp", str(year), extension="pdf"))


@bp.route("/works/annex/<int:year>.xlsx")
@requires(Permission.READ)
def annex_xlsx(year: int):
    """The budget annex of a year as a workbook: one line per operation with its programme, amounts in euros."""
    annex = _annex(year)
    header = [_("Programme"), _("Operation"), _("AP voted before %(year)s", year=year),
              _("Revisions %(year)s", year=year), _("AP in force"),
              _("CP paid before 1 January %(year)s", year=year), _("To re-spread"),
              *[_("CP %(year)s", year=y) for y in annex.cp_year_numbers], _("Later")]
    body = exports.annex_xlsx(annex, header, _("AP/CP statement %(year)s", year=year), _("Subtotal"))
    return _download(body, services.safe_filename("etat-ap-cp", str(year), extension="xlsx"), XLSX)


# ---------------------------------------------------------------- index and jobs


def _index(selection: PortfolioForm | None = None, too_big: services.PortfolioTotals | None = None,
           status: int = 200):
    selection = selection or PortfolioForm(formdata=None)
    job_form = PortfolioJobForm(formdata=None, data={"commune": selection.commune.data, "kind": selection.kind.data,
                                                     "status": selection.status.data,
                                                     "summary": selection.summary.data})
    return render_template("reports/index.html", form=job_form, selection=selection, too_big=too_big,
                           inline_max=_portfolio_inline_max(), jobs=job_queue.recent_jobs(kinds=jobs.REPORT_KINDS),
                           totals=services.portfolio_totals()), status


def _portfolio_inline_max(summary_only: bool = False) -> int:
    limit = int(current_app.config.get("REPORT_PORTFOLIO_INLINE_MAX_SITES") or DEFAULT_PORTFOLIO_INLINE_MAX_SITES)
    return limit * SUMMARY_INLINE_FACTOR if summary_only else limit


@bp.route("/reports")
@requires(Permission.READ)
def index():
    """The reports: what each one contains, where to find it, the portfolio report's selection, the report jobs."""
    return _index()


@bp.route("/reports/portfolio.pdf")
@requires(Permission.READ)
def portfolio_pdf():
    """The portfolio report of a selection of sites (commune, kind, status), or its summary alone, made within the
    request up to REPORT_PORTFOLIO_INLINE_MAX_SITES sites; a larger selection is offered as a background job."""
    from facilities.reports.portfolio import render_portfolio

    selection = PortfolioForm(request.args)
    if not selection.validate():
        return _index(selection, status=422)
    totals = services.portfolio_totals(selection.filters)
    summary_only = bool(selection.summary.data)
    if not totals.sites:
        flash(_("No site matches this selection."), "warning")
        return _index(selection, status=422)
    if totals.sites > _portfolio_inline_max(summary_only):
        return _index(selection, too_big=totals)
    with tempfile.TemporaryDirectory(prefix="portfolio-") as folder:
        target = Path(folder) / "portfolio.pdf"
        render_portfolio(target, filters=selection.filters, summary_only=summary_only)
        body = target.read_bytes()
    discard_changes()
    return _pdf(body, jobs.portfolio_filename(selection.params))


@bp.route("/reports/portfolio", methods=["POST"])
@requires(Permission.READ)
def start_portfolio():
    """Start the portfolio report (of the whole portfolio or of a selection) as a background job and show its
    progress."""
    form = PortfolioJobForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _index(PortfolioForm(request.form), status=422)
    return _start_job("portfolio", form.params, url_for(".index"))


def _start_job(kind: str, params: dict, refused_url: str):
    """Send the user to the page of a new background job, or of the same job they already have waiting or
    running; back to `refused_url` with the reason when they have too many jobs."""
    for job in job_queue.active_jobs(current_user.id, kind):
        if job.params == params:
            return redirect(url_for("jobs.detail", job_id=job.id))
    locale = str(get_locale() or "fr")
    try:
        if request.method == "GET":  # a report link: its request commits nothing, the job commits itself
            job_id = job_queue.create_job_now(kind, params, user=current_user, locale=locale)
        else:
            job_id = job_queue.create_job(kind, params, user=current_user, locale=locale).id
    except job_queue.JobLimitReached as limit:
        discard_changes()
        flash(limit.message, "warning")
        return redirect(refused_url)
    return redirect(url_for("jobs.detail", job_id=job_id))


# ---------------------------------------------------------------- safety registers


@bp.route("/sites/<int:site_id>/safety-register.pdf")
@requires(Permission.READ)
def safety_register(site_id: int):
    """The registre de sécurité of a site, ready to hand to the safety commission: ERP data, equipment, checks
    with their results and reports, findings and their follow-up, commission visits."""
    site = db.session.get(Site, site_id) or abort(404)
    body = render_pdf("safety_register.html", title=_("Safety register · %(name)s", name=site.name),
                      **services.safety_register_context(site))
    return _pdf(body, services.safe_filename("registre-securite", site.code, extension="pdf"))


def site_safety_panel(site, **_objects) -> dict:
    """The site page's link to its registre de sécurité."""
    return {"site": site}


@bp.route("/accessibility/<token>.pdf")
def accessibility_register_pdf(token: str):
    """The public accessibility register of an ERP as a PDF, without sign-in (its unguessable address): the
    register's fields and nothing else."""
    register = accessibility.by_token(token) if re.fullmatch(accessibility.TOKEN_PATTERN, token) else None
    if register is None:
        abort(404)
    view = accessibility.public_view(register)
    body = render_pdf("accessibility_register.html", title=_("Public accessibility register · %(name)s",
                                                             name=view["public_name"]),
                      register=view, today=date.today(), **services.safety_labels())
    return _pdf(body, "registre-accessibilite.pdf")
