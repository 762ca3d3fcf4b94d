"""JSON API endpoints of the energy area, under /api/v1."""

from flask import Blueprint

bp = Blueprint("energy_api", __name__)
