"""JSON API endpoints of the works area, under /api/v1."""

from flask import Blueprint

bp = Blueprint("works_api", __name__)
