"""The kinds of background job of the reports area, registered on the core job queue (facilities/jobs)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from facilities.jobs import JobContext, JobResult, job_kind


@job_kind("portfolio", label=_l("Portfolio report"), back_endpoint="reports.index")
def portfolio_runner(context: JobContext) -> JobResult:
    """Render the portfolio report into the results folder."""
    from facilities.reports.portfolio import render_portfolio

    path, relative = context.new_file(".pdf")
    render_portfolio(path, context.progress)
    return JobResult(path=relative, name=f"portefeuille-{date.today().isoformat()}.pdf")


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
