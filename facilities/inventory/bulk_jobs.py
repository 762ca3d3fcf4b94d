"""Large inventory imports as background jobs (facilities/jobs): a file of more than IMPORT_INLINE_ROWS records is
checked, and applied, by a worker with its progress shown, never inside a request.

The job reads the kept upload (bulk_uploads) of its author, with the permissions they had when they started it,
and leaves its report as a JSON file of the job (the counts and the first 1,000 notable lines) that the import
page shows. Applying is all or nothing in the job's one transaction, which the queue commits; started over after a
worker died, a job finds what the first run wrote unchanged (imports are keyed by codes).
"""

from __future__ import annotations

import json

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities import jobs
from facilities.inventory import bulk, bulk_uploads
from facilities.inventory.bulk_plan import ImportReport
from facilities.trail.recorder import Actor, acting_as

KIND = "inventory_import"
DEFAULT_INLINE_ROWS = 5000


def inline_rows() -> int:
    """Up to this many records, a file is checked and applied within the request (IMPORT_INLINE_ROWS)."""
    return int(current_app.config.get("IMPORT_INLINE_ROWS") or DEFAULT_INLINE_ROWS)


def start(user, upload: str, fmt: str, filename: str | None, *, apply: bool, can_edit_sites: bool,
          can_edit_buildings: bool, locale: str) -> jobs.Job:
    """Queue the check (or the application) of a kept upload; JobLimitReached when the user has too many jobs."""
    return jobs.create_job(KIND, {"upload": upload, "fmt": fmt, "filename": (filename or "")[:200], "apply": apply,
                                  "actor": user.email, "can_edit_sites": can_edit_sites,
                                  "can_edit_buildings": can_edit_buildings}, user=user, locale=locale)


@jobs.job_kind(KIND, label=_l("Inventory import"), back_endpoint="bulk.import_upload")
def run(context: jobs.JobContext) -> jobs.JobResult:
    """Check or apply the file, then keep the report for the import page."""
    params = context.params
    path = bulk_uploads.path_of(params["upload"], context.user_id)
    if path is None:
        report = ImportReport(file_error=_("This import is no longer available: upload the file again."))
    else:
        shown: list[tuple[int, str]] = []

        def progress(percent: int, message: str) -> None:
            if not shown or shown[-1] != (percent, message):  # one write per step, not per chunk or row
                shown.append((percent, message))
                context.progress(percent, message)

        with acting_as(Actor(params["actor"], context.user_id), source="import"):
            report = bulk.import_file(path, params["fmt"], apply=params["apply"],
                                      can_edit_sites=params["can_edit_sites"],
                                      can_edit_buildings=params["can_edit_buildings"], progress=progress)
    result, relative = context.new_file(".json")
    result.write_text(json.dumps(report.to_json()), encoding="utf-8")
    return jobs.JobResult(path=relative, name="import-report.json", mimetype="application/json",
                          message=summary(report))


def summary(report: ImportReport) -> str:
    """One line for the job page and the list of jobs."""
    if report.file_error:
        return report.file_error[:300]
    counts = report.counts
    text = _("%(created)s to create, %(updated)s to update, %(unchanged)s unchanged, %(refused)s refused.",
             created=counts["create"], updated=counts["update"], unchanged=counts["unchanged"],
             refused=counts["refused"])
    return _("Applied: %(counts)s", counts=text) if report.applied else text


def report_of(job: jobs.Job) -> ImportReport | None:
    """The report a finished import job left, or None (not finished, failed, or its file purged)."""
    path = jobs.result_file(job)
    if path is None:
        return None
    return ImportReport.from_json(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- export

EXPORT_KIND = "inventory_export"
DEFAULT_EXPORT_INLINE_ROWS = 100_000  # a workbook of 100,000 records takes about 9 s; CSV ten times as many
CSV_INLINE_FACTOR = 10
XLSX_MAX_LINES = 1_048_575  # records on one sheet: a spreadsheet's last row, less the header


def export_inline_rows(fmt: str) -> int:
    """Up to this many records (all kinds), the export is sent within the request (EXPORT_INLINE_ROWS for a
    workbook, ten times as many for CSV); a larger inventory's is written by a background job."""
    rows = int(current_app.config.get("EXPORT_INLINE_ROWS") or DEFAULT_EXPORT_INLINE_ROWS)
    return rows * CSV_INLINE_FACTOR if fmt == "csv" else rows


@jobs.job_kind(EXPORT_KIND, label=_l("Inventory export"), back_endpoint="inventory.site_list")
def run_export(context: jobs.JobContext) -> jobs.JobResult:
    """Write the whole inventory to the job's file, as it is read (bulk_export.write_export)."""
    from facilities.inventory.bulk_export import write_export
    from facilities.timeutil import utcnow

    fmt = context.params["fmt"]
    path, relative = context.new_file(f".{fmt}")
    context.progress(5, _("Writing the file…"))
    with path.open("wb") as out:
        write_export(fmt, out)
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return jobs.JobResult(path=relative, name=f"inventory-{utcnow():%Y-%m-%d}.{fmt}", mimetype=mimetype)
