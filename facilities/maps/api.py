"""JSON API endpoints of the maps area, under /api/v1."""

from flask import Blueprint

bp = Blueprint("maps_api", __name__)
