"""Pages of the reports area."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
