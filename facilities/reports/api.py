"""JSON API endpoints of the reports area, under /api/v1."""

from flask import Blueprint

bp = Blueprint("reports_api", __name__)
