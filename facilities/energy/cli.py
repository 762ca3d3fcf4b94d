"""Command-line group of the energy area."""

from flask.cli import AppGroup

cli = AppGroup("energy", help="Commands of the energy area.")
