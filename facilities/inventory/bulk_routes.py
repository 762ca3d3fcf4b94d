"""Pages of the bulk import (upload, dry-run report, confirm), its background jobs, and the export.

The upload is kept on disk (bulk_uploads) while it is checked: a file of at most IMPORT_INLINE_ROWS records is
checked and applied within the request; a larger one, as soon as reading it passes that many, is handed to a
background job (bulk_jobs) whose page shows its progress, then its report and the button to apply it (as another
job). A refused file is deleted at once.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField

from facilities import jobs
from facilities.database import after_commit, discard_changes
from facilities.inventory import bulk, bulk_jobs, bulk_uploads
from facilities.inventory.bulk_columns import FORMATS, FileError, file_format
from facilities.inventory.bulk_export import csv_chunks, export_counts, export_tables, write_export
from facilities.inventory.bulk_plan import ImportReport
from facilities.inventory.bulk_read import MoreRows
from facilities.permissions import Permission, requires
from facilities.timeutil import utcnow
from facilities.trail.recorder import acting_as

bp = Blueprint("bulk", __name__)


class UploadForm(FlaskForm):
    file = FileField(_l("Inventory file (.csv or .xlsx)"), validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Check the file"))


class ApplyForm(FlaskForm):
    upload = HiddenField()
    submit = SubmitField(_l("Apply the import"))


def _run(path: Path, fmt: str, apply: bool) -> ImportReport:
    """Check (or apply) a kept upload within the request; MoreRows when it is one for a background job."""
    with acting_as(source="import"):
        return bulk.import_file(path, fmt, apply=apply, can_edit_sites=current_user.can(Permission.EDIT_SITES),
                                can_edit_buildings=current_user.can(Permission.EDIT_BUILDINGS),
                                stop_after=bulk_jobs.inline_rows())


def _start_job(upload: str, fmt: str, filename: str | None, apply: bool):
    """Queue the job (handed to a worker when the request commits) and show its page, or say why not."""
    try:
        job = bulk_jobs.start(current_user, upload, fmt, filename, apply=apply,
                              can_edit_sites=current_user.can(Permission.EDIT_SITES),
                              can_edit_buildings=current_user.can(Permission.EDIT_BUILDINGS),
                              locale=str(get_locale() or "fr"))
    except jobs.JobLimitReached as limit:
        flash(limit.message, "warning")
        return redirect(url_for(".import_upload"))
    return redirect(url_for(".import_job", job_id=job.id))


def _page(report: ImportReport | None, *, apply_upload: str | None = None, filename: str | None = None,
          job=None, status: int = 200):
    apply_form = ApplyForm(upload=apply_upload) if apply_upload else None
    return render_template("inventory/bulk_import.html", form=UploadForm(formdata=None), report=report,
                           apply_form=apply_form, filename=filename, job=job,
                           refresh=current_app.config.get("JOB_PAGE_REFRESH_SECONDS", 2)), status


@bp.route("/inventory/import", methods=["GET", "POST"])
@requires(Permission.EDIT_BUILDINGS)
def import_upload():
    """Upload a file and see, line by line, what importing it would do (nothing is written yet)."""
    form = UploadForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("inventory/bulk_import.html", form=form, report=None), status
    upload = form.file.data
    try:
        fmt = file_format(upload.filename)
    except FileError as error:
        form.file.errors = [str(error)]
        return render_template("inventory/bulk_import.html", form=form, report=None), 422
    name, path = bulk_uploads.keep(upload.stream, fmt, current_user.id)
    try:
        report = _run(path, fmt, apply=False)
    except MoreRows:
        return _start_job(name, fmt, upload.filename, apply=False)
    discard_changes()  # a preview: nothing is written
    if not (report.ok and report.changes_anything):
        path.unlink(missing_ok=True)  # nothing to apply: nothing kept
    return _page(report, apply_upload=name if report.ok and report.changes_anything else None,
                 filename=upload.filename, status=200 if report.ok else 422)


@bp.route("/inventory/import/apply", methods=["POST"])
@requires(Permission.EDIT_BUILDINGS)
def import_apply():
    """Apply a checked file: everything in one transaction, or nothing if a line is now refused."""
    form = ApplyForm()
    name = form.upload.data or ""
    path = bulk_uploads.path_of(name, current_user.id) if form.validate_on_submit() else None
    if path is None:
        flash(_("This import is no longer available: upload the file again."), "warning")
        return redirect(url_for(".import_upload"))
    fmt = path.suffix.lstrip(".")
    try:
        report = _run(path, fmt, apply=True)
    except MoreRows:
        return _start_job(name, fmt, None, apply=True)
    if not report.ok:
        return _page(report, status=422)
    after_commit(lambda: path.unlink(missing_ok=True))
    counts = report.counts
    flash(_("Import applied: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=counts["create"], updated=counts["update"], unchanged=counts["unchanged"]), "success")
    return redirect(url_for(".import_upload"))


@bp.route("/inventory/import/jobs/<job_id>")
@requires(Permission.EDIT_BUILDINGS)
def import_job(job_id: str):
    """A large import checked or applied in the background: its progress, then its report (and the button to
    apply a checked file). Only its author sees it: the page can apply their upload."""
    job = jobs.get_job(job_id) if len(job_id) <= 32 else None
    if job is None or job.kind != bulk_jobs.KIND or job.created_by_id != current_user.id:
        abort(404)
    params = job.params or {}
    if not job.finished or job.status == jobs.JobStatus.FAILED:
        return _page(None, job=job, filename=params.get("filename"))
    report = bulk_jobs.report_of(job)
    if report is None:
        flash(_("The report of this import is no longer available: upload the file again."), "warning")
        return redirect(url_for(".import_upload"))
    upload = params.get("upload", "")
    kept = bulk_uploads.path_of(upload, current_user.id)
    if kept is not None and (report.applied or not (report.ok and report.changes_anything)):
        kept.unlink(missing_ok=True)  # applied, or nothing to apply: the upload has served
        kept = None
    return _page(report, job=job, filename=params.get("filename"),
                 apply_upload=upload if kept is not None and not report.applied else None)


@bp.route("/inventory/export.<fmt>")
@requires(Permission.READ)
def export(fmt: str):
    """Download the whole inventory as CSV or XLSX, in the layout the import reads; a large inventory's file is
    written by a background job (the user is sent to its page), a workbook only while each sheet can hold it."""
    if fmt not in FORMATS:
        abort(404)
    counts = export_counts()
    if fmt == "xlsx" and max(counts.values()) > bulk_jobs.XLSX_MAX_LINES:
        flash(_("The inventory has %(count)s spaces: a workbook sheet holds at most %(max)s lines. Export it as CSV.",
                count=format_number(counts["spaces"]), max=format_number(bulk_jobs.XLSX_MAX_LINES)), "warning")
        return redirect(url_for("inventory.site_list"))
    if sum(counts.values()) > bulk_jobs.export_inline_rows(fmt):
        return _start_export_job(fmt)
    name = f"inventory-{utcnow():%Y-%m-%d}.{fmt}"
    if fmt == "csv":  # sent as it is read: a few hundred kB in memory whatever the inventory's size
        response = Response(stream_with_context(csv_chunks(export_tables())), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    out = tempfile.TemporaryFile()  # noqa: SIM115 — send_file closes it (and the disk space goes with it)
    write_export(fmt, out)
    out.seek(0)
    return send_file(out, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=name)


def _start_export_job(fmt: str):
    """The export's job page: the user's own waiting or running one, or a new one (committed at once: a GET
    request's unit of work commits nothing)."""
    params = {"fmt": fmt}
    for job in jobs.active_jobs(current_user.id, bulk_jobs.EXPORT_KIND):
        if job.params == params:
            return redirect(url_for("jobs.detail", job_id=job.id))
    try:
        job_id = jobs.create_job_now(bulk_jobs.EXPORT_KIND, params, user=current_user,
                                     locale=str(get_locale() or "fr"))
    except jobs.JobLimitReached as limit:
        discard_changes()
        flash(limit.message, "warning")
        return redirect(url_for("inventory.site_list"))
    return redirect(url_for("jobs.detail", job_id=job_id))
