"""Forms of the reports area."""

from flask_wtf import FlaskForm


class StartJobForm(FlaskForm):
    """A button that starts a job (CSRF-protected POST, no field)."""
