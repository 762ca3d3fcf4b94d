"""Pages of the retrofit plan of an envelope: the plan the optimiser proposes, and its application as
proposed operations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField

from facilities import carriers
from facilities.database import discard_changes
from facilities.energy import retrofit
from facilities.extensions import db
from facilities.permissions import Permission, requires
from facilities.validation import ValidationError
from facilities.works.models import Envelope

bp = Blueprint("retrofit_plan", __name__)

class ApplyForm(FlaskForm):
    """Apply the plan computed with these options (recomputed from the stored candidates)."""

    target_year = HiddenField()
    first_year = HiddenField()


def envelope_action(envelope: Envelope, **_objects) -> dict:
    """Data of the retrofit plan button of the envelope page."""
    return {"envelope_id": envelope.id}


def _or_404(entity):
    if entity is None:
        abort(404)
    return entity


def _options(raw) -> tuple[dict | None, dict[str, str]]:
    try:
        return retrofit.clean_options({k: raw.get(k) for k in ("target_year", "first_year", "time_limit_s")
                                       if raw.get(k) not in (None, "")}), {}
    except ValidationError as error:
        return None, error.errors


@bp.route("/envelopes/<int:envelope_id>/retrofit-plan")
@requires(Permission.READ)
def plan(envelope_id: int):
    """The least-cost plan that brings the envelope's buildings to their Décret tertiaire target within its caps."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    options, errors = _options(request.args)
    result = None
    if options is not None:
        try:
            result = retrofit.retrofit_plan(envelope, options)
        except ValidationError as error:
            errors = error.errors
    form = ApplyForm(data={"target_year": options["target_year"], "first_year": options["first_year"]}
                     if options else None, formdata=None)
    return render_template("energy/retrofit_plan.html", envelope=envelope, result=result,
                           data=result.to_json() if result else None, errors=errors, form=form,
                           carrier_labels=carriers.labels(), options=options or {},
                           status_labels=retrofit.STATUS_LABELS, reason_labels=retrofit.REASON_LABELS), \
        200 if not errors else 422


@bp.route("/envelopes/<int:envelope_id>/retrofit-plan/apply", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def apply(envelope_id: int):
    """Create the plan's chosen candidates as proposed operations of the envelope (the plan is recomputed)."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = ApplyForm()
    if not form.validate_on_submit():
        abort(400)
    options, errors = _options(form.data)
    if options is None:
        flash(" ".join(errors.values()), "danger")
        return redirect(url_for(".plan", envelope_id=envelope.id))
    try:
        created = retrofit.apply_as_drafts(retrofit.retrofit_plan(envelope, options))
    except ValidationError as error:
        discard_changes()
        flash(" ".join(error.errors.values()), "danger")
        return redirect(url_for(".plan", envelope_id=envelope.id, **options))
    flash(_("%(n)s proposed operation(s) created from the retrofit plan.", n=len(created)), "success")
    return redirect(url_for("works.envelope_detail", envelope_id=envelope.id))
