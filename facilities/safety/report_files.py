"""Check reports (PDF) kept outside the web root, in the instance folder, under random names.

A report is refused unless it is a PDF (its name ends in .pdf and its content starts with the PDF signature)
of at most SAFETY_REPORT_MAX_BYTES (10 MiB by default); it is served back only through the check's page route,
to users who may read the building, as application/pdf with a safe download name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from facilities import stored_files
from facilities.validation import ValidationError

PDF_SIGNATURE = b"%PDF-"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STORED_NAME = stored_files.stored_pattern(r"\.pdf")


def folder() -> Path:
    return stored_files.folder("SAFETY_REPORTS_FOLDER", "safety-reports")


def max_bytes() -> int:
    return int(current_app.config.get("SAFETY_REPORT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def safe_name(filename: str | None) -> str:
    """A download name made of ASCII letters, digits, dots, dashes and underscores, ending in .pdf."""
    text = unicodedata.normalize("NFKD", filename or "").encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(text).stem).strip("-.")[:100] or "report"
    return f"{stem}.pdf"


def store(stream: IO[bytes], filename: str | None) -> tuple[str, str, int]:
    """Keep an uploaded report: (stored name, safe download name, size), or ValidationError (nothing kept)."""
    if not (filename or "").lower().endswith(".pdf"):
        raise ValidationError({"report": _("The report must be a PDF file (.pdf)")})
    head = stream.read(len(PDF_SIGNATURE))
    if head != PDF_SIGNATURE:
        raise ValidationError({"report": _("The report is not a PDF file (its content does not start as a PDF does)")})
    limit = max_bytes()
    stored = stored_files.new_name(".pdf")
    size = stored_files.write_capped(stream, folder() / stored, head, limit, "report",
                                     _("The report is larger than %(max)s MB", max=limit // (1024 * 1024)))
    return stored, safe_name(filename), size


def path_of(stored: str | None) -> Path | None:
    """The file of a stored report name, or None (never a path outside the folder)."""
    return stored_files.path_in(folder(), stored, STORED_NAME)


def remove(stored: str | None) -> None:
    stored_files.remove_in(folder(), stored, STORED_NAME)
