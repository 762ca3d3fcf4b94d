"""A request's photo, kept outside the web root (facilities/stored_files.py) under a random name.

Refused unless Pillow reads it as a PNG, JPEG or WebP image (verify()), of at most REQUEST_PHOTO_MAX_BYTES;
served back only through the request's page route, to who may read the request, with its own content type.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from facilities import stored_files
from facilities.validation import ValidationError

FORMATS = {"PNG": ("image/png", ".png"), "JPEG": ("image/jpeg", ".jpg"), "WEBP": ("image/webp", ".webp")}
STORED_NAME = stored_files.stored_pattern(r"\.png|\.jpg|\.webp")
MAX_PIXELS = 60_000_000  # a decompression bomb is refused before it is decoded


def folder() -> Path:
    return stored_files.folder("REQUEST_PHOTOS_FOLDER", "request-photos")


def max_bytes() -> int:
    return int(current_app.config.get("REQUEST_PHOTO_MAX_BYTES") or 5 * 1024 * 1024)


def store(stream: IO[bytes]) -> tuple[str, str, int]:
    """Keep an uploaded photo: (stored name, content type, size), or ValidationError (nothing kept)."""
    from PIL import Image, UnidentifiedImageError

    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"photo": _("The photo is larger than %(max)s MB", max=limit // (1024 * 1024))})
    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format
            if kind not in FORMATS:
                raise ValidationError({"photo": _("The photo must be a PNG, JPEG or WebP image")})
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError({"photo": _("The photo has too many pixels")})
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, met at open() by a header claiming far more pixels
        raise ValidationError({"photo": _("The photo has too many pixels")}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"photo": _("The file is not an image (PNG, JPEG or WebP)")}) from None
    content_type, suffix = FORMATS[kind]
    stored = stored_files.new_name(suffix)
    size = stored_files.write_capped(BytesIO(data), folder() / stored, b"", limit, "photo", "")
    return stored, content_type, size


def path_of(stored: str | None) -> Path | None:
    """The file of a stored photo name, or None (never a path outside the folder)."""
    return stored_files.path_in(folder(), stored, STORED_NAME)


def remove(stored: str | None) -> None:
    stored_files.remove_in(folder(), stored, STORED_NAME)
