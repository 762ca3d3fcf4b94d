"""The kinds of background job of the reports area, registered on the core job queue (facilities/jobs)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from facilities.jobs import JobContext, JobResult, job_kind


def portfolio_filename(params: dict) -> str:
    """The file name of a portfolio report: portefeuille[-synthese][-commune-kind-status]-date.pdf."""
    from facilities.reports.services import safe_filename

    parts = ["portefeuille"] + (["synthese"] if params.get("summary_only") else [])
    parts += [str(params[name]) for name in ("commune", "kind", "status") if params.get(name)]
    return safe_filename(*parts, date.today().isoformat(), extension="pdf")


@job_kind("portfolio", label=_l("Portfolio report"), back_endpoint="reports.index")
def portfolio_runner(context: JobContext) -> JobResult:
    """Render the portfolio report (of the sites its selection names, or its summary alone) into the results
    folder."""
    from facilities.inventory.services import SiteFilters
    from facilities.reports.portfolio import render_portfolio

    params = context.params
    filters = SiteFilters(**{name: str(params.get(name) or "") for name in ("commune", "kind", "status")})
    path, relative = context.new_file(".pdf")
    render_portfolio(path, context.progress, filters=filters, summary_only=bool(params.get("summary_only")))
    return JobResult(path=relative, name=portfolio_filename(params))


@job_kind("inventory_pdf", label=_l("Building inventory (PDF)"), back_endpoint="reports.index")
def inventory_runner(context: JobContext) -> JobResult:
    """Render the inventory PDF of a big building, chunk by chunk."""
    from facilities.reports.inventory_pdf import render_inventory
    from facilities.reports.services import load_building_code, safe_filename

    building_id = int(context.params["building_id"])
    path, relative = context.new_file(".pdf")
    render_inventory(building_id, path, context.progress)
    return JobResult(path=relative, name=safe_filename("inventaire", load_building_code(building_id), extension="pdf"))


REPORT_KINDS = ("portfolio", "inventory_pdf")
