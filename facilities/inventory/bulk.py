"""Importing an inventory file: read it, plan every line (a dry run), and apply the plan when nothing is refused.

Importing never deletes: records that the file does not mention are left as they are. A dry run reports, line
by line, what would be created, updated (which fields), left unchanged or refused (and why). Applying writes
everything in one transaction, or nothing when a single line is refused. The caller commits.
The file layout is in `bulk_columns`, reading in `bulk_read`, planning in `bulk_plan`, writing in `bulk_apply`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from facilities.database import analyze_tables
from facilities.extensions import db
from facilities.inventory import bulk_apply, bulk_plan
from facilities.inventory.bulk_columns import FileError, Row
from facilities.inventory.bulk_plan import ImportReport
from facilities.inventory.bulk_read import Source, read_file
from facilities.validation import ValidationError

Progress = Callable[[int, str], None]  # percent done, what is being done
# After an import that writes this many records, PostgreSQL's statistics of the inventory tables are refreshed
# (ANALYZE, in the import's transaction): its planner would otherwise pick plans for the tables' former sizes.
ANALYZE_AFTER_ROWS = 1000
TABLES = ("sites", "site_services", "buildings", "floors", "spaces")


def import_rows(rows: list[Row], *, apply: bool, can_edit_sites: bool = True, can_edit_buildings: bool = True,
                progress: Progress | None = None) -> ImportReport:
    """Plan the rows (a dry run); with `apply`, write them all when none is refused (flushed; the request, the
    command or the job commits)."""
    progress = progress or _quiet
    checking = _("Checking the lines…")
    report, slots = bulk_plan.plan(rows, can_edit_sites=can_edit_sites, can_edit_buildings=can_edit_buildings,
                                   progress=lambda share: progress(50 + int(share * 40), checking))
    if apply and report.ok:
        progress(90, _("Writing the changes…"))
        try:
            bulk_apply.apply(slots)
        except (ValidationError, IntegrityError) as error:
            db.session.rollback()
            detail = "; ".join(error.errors.values()) if isinstance(error, ValidationError) else str(error.orig)
            report.file_error = _("The inventory changed while importing; nothing was written (%(detail)s). Run the "
                                  "import again.", detail=detail[:300])
            return report
        report.applied = True
        counts = report.counts
        if counts[bulk_plan.CREATE] + counts[bulk_plan.UPDATE] >= ANALYZE_AFTER_ROWS:
            analyze_tables(*TABLES)
    return report


def import_file(source: Source, fmt: str, *, apply: bool, can_edit_sites: bool = True,
                can_edit_buildings: bool = True, stop_after: int | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Read a CSV or XLSX file (bytes or a path) and plan (dry run) or apply it; a file error changes nothing.

    With `stop_after`, a file of more records raises MoreRows once that many are read, before anything else:
    the caller hands it to a background job (bulk_jobs)."""
    progress = progress or _quiet
    reading = _("Reading the file…")
    try:
        rows = read_file(source, fmt, stop_after=stop_after, progress=lambda share: progress(int(share * 50), reading))
    except FileError as error:
        return ImportReport(file_error=str(error))
    return import_rows(rows, apply=apply, can_edit_sites=can_edit_sites, can_edit_buildings=can_edit_buildings,
                       progress=progress)


def _quiet(percent: int, message: str) -> None:
    pass
