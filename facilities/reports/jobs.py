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


REPORT_KINDS = ("portfolio",)
