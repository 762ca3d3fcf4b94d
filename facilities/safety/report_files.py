"""Check reports (PDF) kept outside the web root, in the instance folder, under random names.

A report is refused unless it is a PDF (its name ends in .pdf and its content starts with the PDF signature)
of at most SAFETY_REPORT_MAX_BYTES (10 MiB by default); it is served back only through the check's page route,
to users who may read the building, as application/pdf with a safe download name.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from facilities.validation import ValidationError

PDF_SIGNATURE = b"%PDF-"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.pdf$")
_CHUNK = 1024 * 1024


def folder() -> Path:
    path = Path(current_app.config.get("SAFETY_REPORTS_FOLDER") or Path(current_app.instance_path) / "safety-reports")
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    stored = f"{secrets.token_urlsafe(24)}.pdf"
    path = folder() / stored
    size = len(head)
    try:
        with path.open("wb") as out:
            out.write(head)
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError({"report": _("The report is larger than %(max)s MB",
                                                       max=limit // (1024 * 1024))})
                out.write(chunk)
    except ValidationError:
        path.unlink(missing_ok=True)
        raise
    return stored, safe_name(filename), size


def path_of(stored: str | None) -> Path | None:
    """The file of a stored report name, or None (never a path outside the folder)."""
    if not stored or not STORED_NAME.match(stored):
        return None
    path = folder() / stored
    return path if path.is_file() else None


def remove(stored: str | None) -> None:
    path = path_of(stored)
    if path is not None:
        path.unlink(missing_ok=True)
