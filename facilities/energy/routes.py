"""Pages of the energy area."""

from flask import Blueprint

bp = Blueprint("energy", __name__)
