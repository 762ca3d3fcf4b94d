"""Command-line group of the maps area."""

from flask.cli import AppGroup

cli = AppGroup("maps", help="Commands of the maps area.")
