"""Pages of a list for the HTML pages: the `page` number read safely, out-of-range pages brought back in range."""

from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from facilities.extensions import db

MAX_PAGE = 1_000_000  # far beyond any list; keeps OFFSET within every database's integer


def page_arg(name: str = "page") -> int:
    """The page asked for: 1 when missing or not a whole number, at most MAX_PAGE (never a 500 for '9' * 30)."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(1, min(int(raw[:8]), MAX_PAGE))


def paginate(query: Select, per_page: int) -> Pagination:
    """One page of `query`; a page past the end shows the last page instead of an empty list."""
    page = db.paginate(query, page=page_arg(), per_page=per_page, max_per_page=per_page, error_out=False,
                       count=True)
    if page.page > page.pages > 0:
        page = db.paginate(query, page=page.pages, per_page=per_page, max_per_page=per_page, error_out=False)
    return page
