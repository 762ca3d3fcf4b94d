"""Pages of the bulk import (upload, dry-run report, confirm) and export of the inventory.

Between the dry run and the confirmation the uploaded file is kept server-side in the instance folder under
a random name prefixed by the uploader's id, so that only they can apply it; it is removed once applied
and forgotten after a day.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SubmitField

from facilities.database import after_commit, discard_changes
from facilities.inventory import bulk
from facilities.inventory.bulk_columns import FORMATS, FileError, file_format
from facilities.inventory.bulk_export import export_file
from facilities.inventory.bulk_plan import ImportReport
from facilities.permissions import Permission, requires
from facilities.timeutil import utcnow
from facilities.trail.recorder import acting_as

bp = Blueprint("bulk", __name__)

UPLOAD_LIFETIME_SECONDS = 24 * 3600
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(csv|xlsx)$")


class UploadForm(FlaskForm):
    file = FileField(_l("Inventory file (.csv or .xlsx)"), validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("Check the file"))


class ApplyForm(FlaskForm):
    upload = HiddenField()
    submit = SubmitField(_l("Apply the import"))


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_LIFETIME_SECONDS
    for path in folder.glob("*"):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _keep_upload(data: bytes, fmt: str) -> str:
    """Store the uploaded bytes for the confirmation step; return the name to send back."""
    folder = _upload_dir()
    _forget_old_uploads(folder)
    name = f"{secrets.token_urlsafe(24)}.{fmt}"
    (folder / f"{current_user.id}-{name}").write_bytes(data)
    return name


def _upload_path(name: str) -> Path | None:
    if not name or not TOKEN_PATTERN.match(name):
        return None
    path = _upload_dir() / f"{current_user.id}-{name}"
    return path if path.is_file() else None


def _run(data: bytes, fmt: str, apply: bool) -> ImportReport:
    with acting_as(source="import"):
        return bulk.import_file(data, fmt, apply=apply, can_edit_sites=current_user.can(Permission.EDIT_SITES),
                                can_edit_buildings=current_user.can(Permission.EDIT_BUILDINGS))


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
    data = upload.read()
    report = _run(data, fmt, apply=False)
    discard_changes()  # a preview: nothing is written
    apply_form = ApplyForm(upload=_keep_upload(data, fmt)) if report.ok and report.changes_anything else None
    return render_template("inventory/bulk_import.html", form=UploadForm(formdata=None), report=report,
                           apply_form=apply_form, filename=upload.filename), 200 if report.ok else 422


@bp.route("/inventory/import/apply", methods=["POST"])
@requires(Permission.EDIT_BUILDINGS)
def import_apply():
    """Apply a checked file: everything in one transaction, or nothing if a line is now refused."""
    form = ApplyForm()
    path = _upload_path(form.upload.data or "") if form.validate_on_submit() else None
    if path is None:
        flash(_("This import is no longer available: upload the file again."), "warning")
        return redirect(url_for(".import_upload"))
    report = _run(path.read_bytes(), path.suffix.lstrip("."), apply=True)
    if not report.ok:
        return render_template("inventory/bulk_import.html", form=UploadForm(formdata=None), report=report,
                               apply_form=None, filename=None), 422
    after_commit(lambda: path.unlink(missing_ok=True))
    counts = report.counts
    flash(_("Import applied: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=counts["create"], updated=counts["update"], unchanged=counts["unchanged"]), "success")
    return redirect(url_for(".import_upload"))


@bp.route("/inventory/export.<fmt>")
@requires(Permission.READ)
def export(fmt: str):
    """Download the whole inventory as CSV or XLSX, in the layout the import reads."""
    if fmt not in FORMATS:
        abort(404)
    data = export_file(fmt)
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    import io

    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"inventory-{utcnow():%Y-%m-%d}.{fmt}")
