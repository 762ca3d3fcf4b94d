"""Forms of the reports area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import ValidationError

from facilities.inventory.catalogue import SITE_KIND_LABELS, SITE_STATUS_LABELS
from facilities.inventory.services import SiteFilters, commune_choices


class StartJobForm(FlaskForm):
    """A button that starts a job (CSRF-protected POST, no field)."""


class PortfolioJobForm(FlaskForm):
    """The selection of a portfolio report: the site list's commune, kind and status filters (SiteFilters), and
    whether to print the summary alone; posted to prepare it in the background (CSRF-protected)."""

    commune = SelectField(_l("Commune"), default="", validate_choice=False)
    kind = SelectField(_l("Kind"), default="", validate_choice=False)
    status = SelectField(_l("Status"), default="", validate_choice=False)
    summary = BooleanField(_l("Summary only (without a section per site)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _l("All"))]
        self.commune.choices = everything + commune_choices()
        self.kind.choices = everything + [(str(code), label) for code, label in SITE_KIND_LABELS.items()]
        self.status.choices = everything + [(str(code), label) for code, label in SITE_STATUS_LABELS.items()]

    @staticmethod
    def _known(field) -> None:
        if field.data not in {str(code) for code, _label in field.choices}:
            raise ValidationError(_l("Choose one of the list (or “All”)."))

    def validate_commune(self, field) -> None:
        self._known(field)

    def validate_kind(self, field) -> None:
        self._known(field)

    def validate_status(self, field) -> None:
        self._known(field)

    @property
    def filters(self) -> SiteFilters:
        return SiteFilters(commune=self.commune.data or "", kind=self.kind.data or "", status=self.status.data or "")

    @property
    def params(self) -> dict:
        """The selection as a job keeps it (only what is chosen)."""
        params: dict = self.filters.active()
        if self.summary.data:
            params["summary_only"] = True
        return params


class PortfolioForm(PortfolioJobForm):
    """The same selection as a GET form, for the PDF made within the request: it chooses, it writes nothing."""

    class Meta:
        csrf = False
