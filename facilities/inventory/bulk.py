"""Importing an inventory file: read it, plan every line (a dry run), and apply the plan when nothing is refused.

Importing never deletes: records that the file does not mention are left as they are. A dry run reports, line
by line, what would be created, updated (which fields), left unchanged or refused (and why). Applying writes
everything in one transaction, or nothing when a single line is refused. The caller commits.
The file layout is in `bulk_columns`, reading in `bulk_read`, planning in `bulk_plan`, writing in `bulk_apply`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from facilities.database import analyze_tables
from facilities.extensions import db
from facilities.inventory import bulk_apply, bulk_plan
from facilities.inventory.bulk_columns import KINDS, FileError
from facilities.inventory.bulk_plan import ImportReport
from facilities.inventory.bulk_read import Limits, Source, iter_file
from facilities.validation import ValidationError

Progress = Callable[[int, str], None]  # percent done, what is being done
# After an import that writes this many records, PostgreSQL's statistics of the inventory tables are refreshed
# (ANALYZE, in the import's transaction): its planner would otherwise pick plans for the tables' former sizes.
ANALYZE_AFTER_ROWS = 1000
TABLES = ("sites", "site_services", "buildings", "floors", "spaces", "published_figures")


# The kinds read by each pass over a CSV file, whose lines may come in any order ("" is a line of an unknown
# entity); a workbook's sheets come in order, so one pass reads it.
CSV_PASSES = (("", "sites"), ("buildings",), ("floors",), ("spaces",), ("published_figures",))


def import_file(source: Source, fmt: str, *, apply: bool, can_edit_sites: bool = True,
                can_edit_buildings: bool = True, stop_after: int | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Read a CSV or XLSX file (bytes or a path) and plan (dry run) or apply it; a file error changes nothing.

    The file is read as it is planned, a chunk at a time (bulk_plan): memory stays flat whatever its size. Applying
    plans and writes in the same pass, each chunk as it is planned, all in the caller's transaction (flushed; the
    request, the command or the job commits): the planner stops writing at the first refused line and goes on
    checking the rest of the file (every refused line is reported), then everything written is rolled back. (A dry
    run before the writing pass checked every line twice: a 100,000-space import took twice as long.)

    With `stop_after`, a file of more records raises MoreRows once that many are read, before anything else:
    the caller hands it to a background job (bulk_jobs)."""
    progress = progress or _quiet
    limits = Limits.from_config()
    progress(0, _("Reading the file…"))
    try:
        if stop_after is not None:
            for _row in iter_file(_again(source), fmt, limits, stop_after=stop_after):
                pass
        if apply:
            # On SQLite a job's progress is written on a connection of its own, which would wait for this
            # transaction's write lock: it is shown once, here.
            progress(5, _("Writing the changes…"))
            postgres = db.session.get_bind().dialect.name == "postgresql"
            report = _plan(source, fmt, limits, can_edit_sites, can_edit_buildings, bulk_apply.apply,
                           (lambda share: progress(5 + int(share * 90), _("Writing the changes…"))) if postgres
                           else (lambda share: None))
        else:
            report = _plan(source, fmt, limits, can_edit_sites, can_edit_buildings, None,
                           lambda share: progress(int(share * 90), _("Checking the lines…")))
            return report
    except FileError as error:
        if apply:
            db.session.rollback()
        return ImportReport(file_error=str(error))
    except (ValidationError, IntegrityError) as error:
        db.session.rollback()
        detail = "; ".join(error.errors.values()) if isinstance(error, ValidationError) else str(error.orig)
        return ImportReport(file_error=_("The inventory changed while importing; nothing was written (%(detail)s). "
                                         "Run the import again.", detail=detail[:300]))
    if not report.ok:
        db.session.rollback()  # a refused line: what the pass wrote before it goes
        return report
    report.applied = True
    counts = report.counts
    if counts[bulk_plan.CREATE] + counts[bulk_plan.UPDATE] >= ANALYZE_AFTER_ROWS:
        analyze_tables(*TABLES)
    return report


def _plan(source: Source, fmt: str, limits: Limits, can_edit_sites: bool, can_edit_buildings: bool, write,
          progress: Callable[[float], None]) -> ImportReport:
    groups: list = list(CSV_PASSES) if fmt == "csv" else [None]
    kind_runs: list[str] = []

    def passes():
        index = 0
        while index < len(groups):
            def share(read: float, index: int = index) -> None:
                progress((index + read) / len(groups))

            yield iter_file(_again(source), fmt, limits, progress=share, kinds=groups[index],
                            kind_runs=kind_runs if index == 0 else None)
            if index == 0 and len(groups) > 1 and _in_order(kind_runs):
                # Every kind after the first pass's comes in order (an export): one more reading takes them all.
                groups[1:] = [tuple(kind for group in groups[1:] for kind in group)]
            index += 1

    return bulk_plan.plan(passes(), can_edit_sites=can_edit_sites, can_edit_buildings=can_edit_buildings,
                          write=write)


def _in_order(kind_runs: list[str]) -> bool:
    """Whether the lines come kind after kind in KINDS' order (lines of an unknown entity aside)."""
    positions = [KINDS.index(kind) for kind in kind_runs if kind]
    return positions == sorted(positions)


def _again(source: Source) -> Source:
    """The source read from its start (a path or bytes are; a file object is rewound)."""
    if not isinstance(source, bytes | Path):
        source.seek(0)
    return source


def _quiet(percent: int, message: str) -> None:
    pass
