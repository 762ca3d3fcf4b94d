"""Work request pages: the list, raising one (with a photo), its page (triage, workflow, comments), the list of
contractors and teams, the sites of a user; the panels other areas' pages show."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from facilities.auth.models import User
from facilities.barchart import bar_chart
from facilities.extensions import db
from facilities.inventory.models import Building, Site
from facilities.pagination import paginate
from facilities.panels import Alert
from facilities.permissions import Permission, requires
from facilities.requests import photos, rules, services
from facilities.requests.catalogue import (
    ASSIGNEE_KIND_LABELS,
    PRIORITY_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from facilities.requests.forms import (
    AssigneeForm,
    CommentForm,
    ConfirmForm,
    RequestForm,
    TransitionForm,
    TriageForm,
    UserSitesForm,
)
from facilities.requests.models import Assignee, WorkRequest
from facilities.safety.models import Finding
from facilities.timeutil import paris_today
from facilities.validation import ValidationError, clean

bp = Blueprint("requests", __name__)
PER_PAGE = 25


@bp.app_context_processor
def request_labels():
    return {"REQUEST_STATUS_LABELS": STATUS_LABELS, "REQUEST_PRIORITY_LABELS": PRIORITY_LABELS,
            "REQUEST_URGENCY_LABELS": URGENCY_LABELS, "REQUEST_STATUS_BADGES": STATUS_BADGES,
            "ASSIGNEE_KIND_LABELS": ASSIGNEE_KIND_LABELS}


def _sites_for(user: User) -> list[Site]:
    """The sites a user may raise requests on: all for readers of the portfolio, their own for a requester."""
    query = select(Site).order_by(Site.name)
    if not services.sees_all(user):
        query = query.where(Site.id.in_(user.site_ids or {0}))
    return list(db.session.scalars(query))


@bp.route("/requests")
@requires(Permission.RAISE_REQUESTS)
def index():
    """Work requests: a requester's own, every request for the facilities team, with filters and pages."""
    try:
        filters = clean(rules.FILTER_RULES, {key: value for key, value in request.args.items()
                                             if key in {rule.name for rule in rules.FILTER_RULES} and value})
    except ValidationError:
        filters = {}
    query = services.request_query(current_user, filters).order_by(WorkRequest.id.desc())
    page = paginate(query, per_page=PER_PAGE)
    args = {key: ("1" if value is True else value) for key, value in filters.items() if value not in (None, False)}
    return render_template("requests/index.html", page=page, filters=filters, args=args,
                           sites=_sites_for(current_user), today=paris_today(),
                           sees_all=services.sees_all(current_user))


def _location_choices(user: User, preset: tuple[str, int] | None) -> list[tuple[str, str]]:
    sites = _sites_for(user)
    buildings = db.session.scalars(select(Building).where(Building.site_id.in_([s.id for s in sites]))
                                   .order_by(Building.name)).all() if len(sites) <= 200 else []
    by_site: dict[int, list[Building]] = {}
    for building in buildings:
        by_site.setdefault(building.site_id, []).append(building)
    choices = [("", "—")]
    if preset is not None and preset[0] not in ("site_id", "building_id"):
        try:
            place = services.place_of(*preset)
        except ValidationError:
            place = None
        # Only a place the reader may raise on is named: a requester must not read another site's names by id.
        if place is not None and services.may_raise_on(user, place.site.id):
            choices.append((f"{preset[0]}:{preset[1]}", place.label))
    for site in sites:
        choices.append((f"site_id:{site.id}", site.name))
        choices += [(f"building_id:{b.id}", f"{site.name} › {b.name}") for b in by_site.get(site.id, [])]
    return choices


def _preset() -> tuple[str, int] | None:
    for name in rules.LOCATION_FIELDS:
        raw = request.args.get(name, "")
        if raw.isascii() and raw.isdigit() and 0 < int(raw[:10]) <= 2**31 - 1:
            return name, int(raw)
    return None


@bp.route("/requests/new", methods=["GET", "POST"])
@requires(Permission.RAISE_REQUESTS)
def create():
    """Raise a request: what, where (a site, building, floor, space or item), how urgent, a photo."""
    preset = _preset()
    form = RequestForm(location=f"{preset[0]}:{preset[1]}" if preset and request.method == "GET" else None)
    form.location.choices = _location_choices(current_user, preset)
    stored: list = []

    def raise_it(values):
        upload = form.photo.data
        photo = photos.store(upload.stream) if upload and upload.filename else None
        if photo:
            stored.append(photo[0])
        try:
            return services.raise_request(current_user, values, photo)
        except services.NotAllowed as refused:
            raise ValidationError({"location": str(refused)}) from None

    try:
        created = form.submit_with(rules.clean_request, raise_it)
    finally:
        if stored and (request.method != "POST" or form.errors or form.form_errors):
            photos.remove(stored[0])
    if created is not None:
        flash(_("Request #%(id)s raised.", id=created.id), "success")
        return redirect(url_for(".detail", work_request_id=created.id))
    return render_template("requests/form.html", form=form), form.status_code


def _visible_or_404(work_request_id: int) -> WorkRequest:
    return services.load_visible(current_user, work_request_id) or abort(404)


def _detail_page(found: WorkRequest, status: int = 200, triage_form=None, comment_form=None, transition_form=None):
    triager = services.triages(current_user)
    owner = services.owns(current_user, found)
    triage_form = triage_form or TriageForm(formdata=None, priority=found.priority or "",
                                            due_on=found.due_on.isoformat() if found.due_on else "",
                                            assignee_id=str(found.assignee_id or ""))
    triage_form.assignee_id.choices = [("", "—")] + [
        (str(a.id), f"{a.name} ({ASSIGNEE_KIND_LABELS[a.kind]})") for a in services.active_assignees()]
    return render_template(
        "requests/detail.html", item=found, place=services.place_label(found), triager=triager, owner=owner,
        comments=services.comments_for(current_user, found), today=paris_today(),
        next_statuses=rules.next_statuses(found.status, triage=triager, owner=owner),
        triage_form=triage_form, comment_form=comment_form or CommentForm(formdata=None),
        transition_form=transition_form or TransitionForm(formdata=None),
        response_days=current_app.config["REQUEST_RESPONSE_DAYS"]), status


@bp.route("/requests/<int:work_request_id>")
@requires(Permission.RAISE_REQUESTS)
def detail(work_request_id: int):
    """A request: where, what, its photo, its status and due date, the comments the reader may see."""
    return _detail_page(_visible_or_404(work_request_id))


@bp.route("/requests/<int:work_request_id>/photo")
@requires(Permission.RAISE_REQUESTS)
def photo(work_request_id: int):
    """The request's photo, to those who may read the request (never from the web root)."""
    found = _visible_or_404(work_request_id)
    path = photos.path_of(found.photo_file)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=found.photo_type, download_name=f"request-{found.id}{path.suffix}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/requests/<int:work_request_id>/triage", methods=["POST"])
@requires(Permission.TRIAGE_REQUESTS)
def triage(work_request_id: int):
    """Set the priority (the due date follows unless given), the due date, the assignee, with a comment."""
    found = _visible_or_404(work_request_id)
    form = TriageForm()
    if form.submit_with(rules.clean_triage, lambda values: services.triage(found, current_user, values)):
        flash(_("Request #%(id)s saved.", id=found.id), "success")
        return redirect(url_for(".detail", work_request_id=found.id))
    return _detail_page(found, 422, triage_form=form)


@bp.route("/requests/<int:work_request_id>/comment", methods=["POST"])
@requires(Permission.RAISE_REQUESTS)
def comment(work_request_id: int):
    """Add a comment (a requester: on their own request, and it is shown to the facilities team)."""
    found = _visible_or_404(work_request_id)
    if not (services.triages(current_user) or services.owns(current_user, found)):
        abort(403)
    form = CommentForm()

    def judge(raw):
        values = clean(rules.COMMENT_RULES, raw)
        if not values.get("comment"):
            raise ValidationError({"comment": _("Write a comment")})
        return values

    if form.submit_with(judge, lambda values: services.add_comment(found, current_user, values["comment"]) or True):
        flash(_("Comment added."), "success")
        return redirect(url_for(".detail", work_request_id=found.id))
    return _detail_page(found, 422, comment_form=form)


@bp.route("/requests/<int:work_request_id>/transition", methods=["POST"])
@requires(Permission.RAISE_REQUESTS)
def transition(work_request_id: int):
    """Move the request along its workflow (assign, start, done, close, refuse with a reason, cancel)."""
    found = _visible_or_404(work_request_id)
    form = TransitionForm()

    def move(values):
        try:
            return services.transition(found, current_user, values["to"], values.get("reason"))
        except services.NotAllowed:
            abort(403)

    if form.submit_with(rules.clean_transition, move):
        flash(_("Request #%(id)s is now %(status)s.", id=found.id, status=STATUS_LABELS[found.status]), "success")
        return redirect(url_for(".detail", work_request_id=found.id))
    return _detail_page(found, 422, transition_form=form)


@bp.route("/findings/<int:finding_id>/request", methods=["POST"])
@requires(Permission.TRIAGE_REQUESTS)
def from_finding(finding_id: int):
    """Raise a request to remedy a finding of a safety check, in one click."""
    finding = db.session.get(Finding, finding_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    existing = services.open_request_of_finding(finding.id)
    if existing is not None:
        flash(_("Request #%(id)s already follows this finding.", id=existing.id), "info")
        return redirect(url_for(".detail", work_request_id=existing.id))
    created = services.raise_from_finding(current_user, finding)
    flash(_("Request #%(id)s raised.", id=created.id), "success")
    return redirect(url_for(".detail", work_request_id=created.id))


# ---------------------------------------------------------------- contractors and teams


@bp.route("/requests/assignees", methods=["GET", "POST"])
@requires(Permission.TRIAGE_REQUESTS)
def assignees():
    """The contractors and in-house teams requests are assigned to; add one."""
    form = AssigneeForm()
    if form.submit_with(rules.clean_assignee, services.create_assignee):
        flash(_("Added to the list."), "success")
        return redirect(url_for(".assignees"))
    rows = db.session.scalars(select(Assignee).order_by(Assignee.kind, Assignee.name)).all()
    return render_template("requests/assignees.html", form=form, rows=rows), form.status_code


# ---------------------------------------------------------------- the sites of a user


@bp.route("/admin/users/<int:user_id>/sites", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_sites(user_id: int):
    """The sites a user is assigned to (a requester raises requests on them and reads their pages)."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserSitesForm(site_ids=[str(i) for i in sorted(user.site_ids)] if request.method == "GET" else None)
    form.site_ids.choices = [(str(site.id), f"{site.name} ({site.code})")
                             for site in db.session.scalars(select(Site).order_by(Site.name))]
    if form.validate_on_submit():
        raw = form.site_ids.data or []
        try:
            if not all(value.isascii() and value.isdigit() and 0 < int(value[:10]) <= 2**31 - 1 for value in raw):
                raise ValidationError({"site_ids": _("No such site: %(ids)s", ids=", ".join(raw)[:100])})
            services.set_user_sites(user, [int(value) for value in raw])
        except ValidationError as error:
            db.session.rollback()
            form.site_ids.errors = list(error.errors.values())
        else:
            flash(_("Sites of %(email)s saved.", email=user.email), "success")
            return redirect(url_for("auth.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/user_sites.html", form=form, user=user), status


# ---------------------------------------------------------------- panels on other areas' pages


def home_panel(**_objects) -> dict:
    """The dashboard's requests panel: late requests per site and priority (an alert each site), and the time
    to close by priority and month as a chart."""
    lines = services.late_counts()
    alerts = [Alert(_("%(site)s: late work requests: %(n)s", site=site.name, n=total),
                    url_for("requests.index", site_id=site.id, late="1"),
                    "danger" if counts.get("critical") or counts.get("high") else "warning", _("Requests"))
              for site, counts, total in lines]
    months = services.time_to_close()
    css = {code: f"bar-priority-{code}" for code in PRIORITY_LABELS}
    rows = [(f"{month[5:]}/{month[2:4]}",
             [(css[code], round(means[code] * 10), _("%(days)s d", days=format_decimal(means[code],
                                                                                   locale=str(get_locale()))))
              for code in PRIORITY_LABELS if code in means]) for month, means in months if means]
    return {"lines": lines[:10], "more": max(0, len(lines) - 10), "total": sum(line[2] for line in lines),
            "chart": bar_chart(rows) if rows else None, "legend": list(css.items()), "alerts": alerts}


def finding_actions(building: Building, **_objects) -> dict:
    """The requests that follow the building's findings (a link each), for the findings table's button."""
    found = db.session.scalars(select(WorkRequest).where(WorkRequest.building_id == building.id,
                                                         WorkRequest.finding_id.is_not(None),
                                                         WorkRequest.status.not_in(("refused", "cancelled")))).all()
    return {"requests": {item.finding_id: item for item in found}, "form": ConfirmForm(formdata=None)}


def site_panel(site: Site, **_objects) -> dict:
    """The open requests of a site the reader may see, and a button to raise one there."""
    query = services.request_query(current_user, {"site_id": site.id}).where(
        WorkRequest.status.in_(("new", "assigned", "in_progress", "done"))).order_by(WorkRequest.id.desc()).limit(10)
    return {"items": db.session.scalars(query).unique().all(), "today": paris_today()}
