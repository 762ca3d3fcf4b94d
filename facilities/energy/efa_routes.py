"""Pages of the EFAs (entités fonctionnelles assujetties) of a site: list, propose, create, edit, merge, delete."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from facilities import years
from facilities.energy import efas, operat
from facilities.energy.forms import EfaForm, EfaMergeForm, EfaProposeForm, efa_parts_from
from facilities.energy.models import Efa
from facilities.energy.reference import MissingReferenceError
from facilities.energy.routes import bp
from facilities.extensions import db
from facilities.inventory.models import Site
from facilities.inventory.services import load_site
from facilities.permissions import Permission, requires
from facilities.validation import ValidationError


def _site_or_404(site_id: int) -> Site:
    site = load_site(site_id)
    if site is None:
        abort(404)
    return site


def _efa_or_404(efa_id: int) -> Efa:
    efa = db.session.get(Efa, efa_id)
    if efa is None:
        abort(404)
    return efa


def site_panel(site: Site, **_objects) -> dict:
    """Data of the site page's EFA panel: the site's EFAs and its subject buildings in none."""
    try:
        unassigned = efas.unassigned_subject_buildings(site.id)
    except MissingReferenceError:  # a database migrated but never seeded: the site page still answers
        unassigned = []
    return {"efas": efas.site_efas(site.id), "unassigned": unassigned}


def _list_page(site: Site, merge_form: EfaMergeForm | None = None, status: int = 200):
    found = efas.site_efas(site.id)
    merge_form = merge_form or EfaMergeForm(formdata=None)
    merge_form.target.choices = merge_form.others.choices = [(str(e.id), e.label) for e in found]
    return render_template("energy/efas.html", site=site, figures=efas.efa_figures(found),
                           unassigned=efas.unassigned_subject_buildings(site.id), merge_form=merge_form,
                           propose_form=EfaProposeForm(formdata=None)), status


@bp.route("/sites/<int:site_id>/efas")
@requires(Permission.READ)
def site_efas(site_id: int):
    """The EFAs of a site, the subject buildings in none, and the forms to propose and merge EFAs."""
    return _list_page(_site_or_404(site_id))


@bp.route("/sites/<int:site_id>/efas/propose", methods=["POST"])
@requires(Permission.EDIT_ENERGY)
def efa_propose(site_id: int):
    """Propose one EFA per building of the site that has tertiary area and belongs to no EFA."""
    site = _site_or_404(site_id)
    if not EfaProposeForm().validate_on_submit():
        abort(400)
    created = efas.propose_efas([site.id])
    flash(_("%(n)s EFA(s) proposed, one per building.", n=len(created)), "success")
    return redirect(url_for(".site_efas", site_id=site.id))


@bp.route("/sites/<int:site_id>/efas/merge", methods=["POST"])
@requires(Permission.EDIT_ENERGY)
def efa_merge(site_id: int):
    """Merge EFAs of the site into the one kept."""
    site = _site_or_404(site_id)
    form = EfaMergeForm()
    if form.validate_on_submit():
        target = db.session.get(Efa, int(form.target.data)) if (form.target.data or "").isdigit() else None
        others = [db.session.get(Efa, int(i)) for i in form.others.data or [] if str(i).isdigit()]
        try:
            if target is None or target.site_id != site.id or None in others:
                raise ValidationError({"target": _("Choose EFAs of this site.")})
            efas.merge_efas(target, others)
        except ValidationError as error:
            db.session.rollback()
            form.target.errors = list(error.errors.values())
            return _list_page(site, form, 422)
        flash(_("EFAs merged into “%(label)s”.", label=target.label), "success")
        return redirect(url_for(".site_efas", site_id=site.id))
    return _list_page(site, form, 422)


def _form_page(site: Site, form: EfaForm, efa: Efa | None, title: str, chosen: dict):
    return render_template("energy/efa_form.html", site=site, form=form, efa=efa, title=title,
                           buildings=site.buildings, chosen=chosen), form.status_code


def _chosen(efa: Efa | None) -> dict:
    """{building id: area text} of the parts shown ticked."""
    if request.method == "POST":
        return {int(k[5:]): request.form.get(f"area_{k[5:]}", "") for k in request.form if k.startswith("part_")
                and k[5:].isdigit()}
    if efa is None:
        return {}
    return {p.building_id: "" if p.tertiary_area_m2 is None else str(p.tertiary_area_m2) for p in efa.parts}


@bp.route("/sites/<int:site_id>/efas/new", methods=["GET", "POST"])
@requires(Permission.EDIT_ENERGY)
def efa_create(site_id: int):
    """Create an EFA: label, activity category, buildings or parts of buildings of the site."""
    site = _site_or_404(site_id)
    form = EfaForm()
    ids = [b.id for b in site.buildings]
    efa = form.submit_with(lambda raw: efas.clean_efa({**raw, "parts": efa_parts_from(request.form, ids)}, site),
                           lambda values: efas.create_efa(site, values))
    if efa is not None:
        flash(_("EFA “%(label)s” created.", label=efa.label), "success")
        return redirect(url_for(".site_efas", site_id=site.id))
    return _form_page(site, form, None, _("New EFA"), _chosen(None))


@bp.route("/efas/<int:efa_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_ENERGY)
def efa_edit(efa_id: int):
    """Edit an EFA: its label, activity category, reference year and parts."""
    efa = _efa_or_404(efa_id)
    site = _site_or_404(efa.site_id)
    form = EfaForm.editing(efa, lambda: {"label": efa.label, "activity_category": efa.activity_category or "",
                                         "reference_year": "" if efa.reference_year is None else str(efa.reference_year)})
    ids = [b.id for b in site.buildings]
    saved = form.submit_with(
        lambda raw: efas.clean_efa({**raw, "parts": efa_parts_from(request.form, ids)}, site, efa),
        lambda values: efas.update_efa(efa, values))
    if saved is not None:
        flash(_("EFA “%(label)s” saved.", label=efa.label), "success")
        return redirect(url_for(".site_efas", site_id=site.id))
    return _form_page(site, form, efa, _("Edit EFA “%(label)s”", label=efa.label), _chosen(efa))


@bp.route("/efas/<int:efa_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_ENERGY)
def efa_delete(efa_id: int):
    """Delete an EFA after confirmation (its buildings stay)."""
    efa = _efa_or_404(efa_id)
    site = _site_or_404(efa.site_id)
    form = EfaProposeForm()
    if form.validate_on_submit():
        efas.delete_efa(efa)
        flash(_("EFA deleted."), "success")
        return redirect(url_for(".site_efas", site_id=site.id))
    return render_template("energy/efa_delete.html", site=site, efa=efa, form=form)


@bp.route("/energy/efas/propose", methods=["POST"])
@requires(Permission.EDIT_ENERGY)
def efa_propose_all():
    """Propose one EFA for each subject building that belongs to none, across the portfolio."""
    if not EfaProposeForm().validate_on_submit():
        abort(400)
    created = efas.propose_efas([item.site_id for item in efas.unassigned_subject_buildings()])
    flash(_("%(n)s EFA(s) proposed, one per building.", n=len(created)), "success")
    return redirect(url_for(".dashboard") + "#declaration")


@bp.route("/energy/operat/<int:year>.<fmt>")
@requires(Permission.READ)
def operat_export(year: int, fmt: str):
    """The OPERAT declaration of a year, one row per subject EFA, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx") or not years.CONSUMPTION.first <= year <= years.CONSUMPTION.last_year():
        abort(404)
    if fmt == "xlsx":
        data, _count = operat.operat_xlsx(year)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        text, _count = operat.operat_csv(year)
        data, mimetype = ("\ufeff" + text).encode("utf-8"), "text/csv; charset=utf-8"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="operat-{year}.{fmt}"'})
