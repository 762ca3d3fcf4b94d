"""Command-line group of the works area."""

from flask.cli import AppGroup

cli = AppGroup("works", help="Commands of the works area.")
