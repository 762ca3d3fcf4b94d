"""Command-line group of the reports area."""

from flask.cli import AppGroup

cli = AppGroup("reports", help="Commands of the reports area.")
