"""Pages of the works area."""

from flask import Blueprint

bp = Blueprint("works", __name__)
