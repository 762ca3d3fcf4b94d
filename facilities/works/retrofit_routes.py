"""Pages of the candidate retrofit operations of an envelope: list, create, edit, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from facilities import carriers
from facilities.extensions import db
from facilities.inventory.models import Building
from facilities.permissions import Permission, requires
from facilities.works import retrofit
from facilities.works.forms import ConfirmForm
from facilities.works.models import Envelope
from facilities.works.retrofit_forms import CandidateForm
from facilities.works.retrofit_models import RetrofitCandidate

bp = Blueprint("retrofit_candidates", __name__)


def _or_404(entity):
    if entity is None:
        abort(404)
    return entity


def _building_choices(form: CandidateForm) -> None:
    buildings = db.session.execute(select(Building.id, Building.code, Building.name).order_by(Building.code)).all()
    form.building_id.choices = [("", "—")] + [(str(b.id), f"{b.code} — {b.name}") for b in buildings]


@bp.route("/envelopes/<int:envelope_id>/retrofit-candidates")
@requires(Permission.READ)
def candidate_list(envelope_id: int):
    """The envelope's candidate retrofit operations: building, cost, timing and savings per carrier."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    return render_template("works/retrofit_candidates.html", envelope=envelope,
                           candidates=retrofit.candidates_of(envelope.id), carrier_labels=carriers.labels(),
                           form=ConfirmForm())


@bp.route("/envelopes/<int:envelope_id>/retrofit-candidates/new", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def candidate_create(envelope_id: int):
    """Add a candidate retrofit operation (refused without a cost or without savings)."""
    envelope = _or_404(db.session.get(Envelope, envelope_id))
    form = CandidateForm()
    _building_choices(form)
    created = form.submit_with(retrofit.clean_candidate,
                               lambda values: retrofit.create_candidate(envelope.id, values))
    if created is not None:
        flash(_("Candidate %(label)s added.", label=created.label), "success")
        return redirect(url_for(".candidate_list", envelope_id=envelope.id))
    return render_template("works/form.html", form=form, envelope=envelope,
                           title=_("New retrofit candidate")), form.status_code


@bp.route("/retrofit-candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_WORKS)
def candidate_edit(candidate_id: int):
    """Edit a candidate retrofit operation."""
    candidate = _or_404(db.session.get(RetrofitCandidate, candidate_id))
    form = CandidateForm.editing(candidate, lambda: retrofit.form_values(candidate))
    _building_choices(form)
    saved = form.submit_with(retrofit.clean_candidate, lambda values: retrofit.update_candidate(candidate, values))
    if saved is not None:
        flash(_("Candidate %(label)s saved.", label=candidate.label), "success")
        return redirect(url_for(".candidate_list", envelope_id=candidate.envelope_id))
    return render_template("works/form.html", form=form, envelope=candidate.envelope,
                           title=_("Edit candidate %(label)s", label=candidate.label)), form.status_code


@bp.route("/retrofit-candidates/<int:candidate_id>/delete", methods=["POST"])
@requires(Permission.EDIT_WORKS)
def candidate_delete(candidate_id: int):
    """Delete a candidate retrofit operation."""
    candidate = _or_404(db.session.get(RetrofitCandidate, candidate_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    envelope_id, label = candidate.envelope_id, candidate.label
    retrofit.delete_candidate(candidate)
    flash(_("Candidate %(label)s deleted.", label=label), "success")
    return redirect(url_for(".candidate_list", envelope_id=envelope_id))
