"""Safety pages: the ERP register of the portfolio and the reference tables (thresholds, periodicities)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from facilities.extensions import db
from facilities.permissions import Permission, requires
from facilities.safety import reference, services
from facilities.safety.forms import reference_form

bp = Blueprint("safety", __name__)


@bp.route("/safety")
@requires(Permission.READ)
def index():
    """The ERP register: every building's types, capacity and category (derived or set by hand)."""
    return render_template("safety/index.html", lines=services.erp_register())


@bp.route("/safety/reference")
@requires(Permission.READ)
def reference_index():
    """The safety reference tables, each row with its validity, source and whether the source was checked."""
    tables = [(table, reference.rows_of(table)) for table in reference.TABLES.values()]
    return render_template("safety/reference.html", tables=tables)


def _table_or_404(name: str) -> reference.ReferenceTable:
    table = reference.TABLES.get(name)
    if table is None:
        abort(404)
    return table


@bp.route("/safety/reference/<name>/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def reference_new(name: str):
    """Add a row to a safety reference table."""
    table = _table_or_404(name)
    form = reference_form(table)()
    if form.submit_with(lambda raw: reference.clean_row(table, raw),
                        lambda values: reference.save_row(table, values)) is not None:
        flash(_("Row added."), "success")
        return redirect(url_for(".reference_index", _anchor=table.name))
    return render_template("safety/reference_form.html", form=form, table=table), form.status_code


@bp.route("/safety/reference/<name>/<int:row_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE)
def reference_edit(name: str, row_id: int):
    """Correct a row of a safety reference table (its value, validity, source)."""
    table = _table_or_404(name)
    row = db.session.get(table.model, row_id) or abort(404)
    form = reference_form(table)(data=reference.form_values(table, row))
    if form.submit_with(lambda raw: reference.clean_row(table, raw),
                        lambda values: reference.save_row(table, values, row)) is not None:
        flash(_("Row saved."), "success")
        return redirect(url_for(".reference_index", _anchor=table.name))
    return render_template("safety/reference_form.html", form=form, table=table, row=row), form.status_code
