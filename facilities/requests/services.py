"""Work requests: who sees which, raising, triage, the workflow's transitions and what is late.

Services take models and plain values, flush, never commit; mails go after the commit (facilities/mail.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from facilities import mail
from facilities.auth.models import User
from facilities.database import after_commit
from facilities.extensions import db
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.permissions import Permission
from facilities.requests import rules
from facilities.requests.catalogue import OPEN_STATUSES, PRIORITY_LABELS, STATUS_LABELS
from facilities.requests.models import Assignee, RequestComment, WorkRequest
from facilities.safety.models import Equipment, Finding
from facilities.timeutil import as_aware, paris_today, utcnow
from facilities.validation import ValidationError


class NotAllowed(Exception):
    """The person may not do this to this request (403); nothing was changed."""


def triages(user: User) -> bool:
    return user.can(Permission.TRIAGE_REQUESTS)


def sees_all(user: User) -> bool:
    """Readers of the portfolio see every request; others (requesters) only their own."""
    return user.can(Permission.READ)


def owns(user: User, request: WorkRequest) -> bool:
    return request.requester_id is not None and request.requester_id == user.id


def visible(user: User) -> Select:
    """The requests `user` may read."""
    query = select(WorkRequest)
    if not sees_all(user):
        query = query.where(WorkRequest.requester_id == user.id)
    return query


def load_visible(user: User, request_id: int) -> WorkRequest | None:
    """One request `user` may read (None for one that does not exist or is not theirs to read)."""
    return db.session.scalar(visible(user).where(WorkRequest.id == request_id)
                             .options(joinedload(WorkRequest.site), joinedload(WorkRequest.building),
                                      joinedload(WorkRequest.assignee), joinedload(WorkRequest.requester)))


def request_query(user: User, filters: dict[str, Any], today: date | None = None) -> Select:
    """The requests `user` may read, filtered by site, status, priority, lateness and their own (mine)."""
    # Each page's sites, buildings and assignees in one query each: the page itself stays a plain scan of the
    # requests' index, however deep the page (an OFFSET through joins costs 50 % more at 100,000 requests).
    query = visible(user).options(selectinload(WorkRequest.site), selectinload(WorkRequest.building),
                                  selectinload(WorkRequest.assignee))
    if filters.get("site_id") is not None:
        query = query.where(WorkRequest.site_id == filters["site_id"])
    if filters.get("status"):
        query = query.where(WorkRequest.status == filters["status"])
    if filters.get("priority"):
        query = query.where(WorkRequest.priority == filters["priority"])
    if filters.get("late"):
        query = query.where(WorkRequest.status.in_(OPEN_STATUSES), WorkRequest.due_on < (today or paris_today()))
    if filters.get("mine"):
        query = query.where(WorkRequest.requester_id == user.id)
    return query


# ---------------------------------------------------------------- raising


@dataclass(frozen=True)
class Place:
    site: Site
    building: Building | None = None
    floor: Floor | None = None
    space: Space | None = None
    equipment: Equipment | None = None

    @property
    def label(self) -> str:
        parts = [self.site.name]
        if self.building is not None:
            parts.append(self.building.name)
        if self.floor is not None:
            parts.append(self.floor.name)
        if self.space is not None:
            parts.append(f"{self.space.code} {self.space.name}")
        if self.equipment is not None:
            parts.append(self.equipment.name)
        return " › ".join(parts)


_MODELS = {"site_id": Site, "building_id": Building, "floor_id": Floor, "space_id": Space, "equipment_id": Equipment}


def place_of(field: str, entity_id: int) -> Place:
    """The place a location field names, with everything it is in, or ValidationError when there is none."""
    entity = db.session.get(_MODELS[field], entity_id)
    if entity is None:
        raise ValidationError({field: _("No such place (%(field)s %(id)s)", field=field, id=entity_id)})
    if isinstance(entity, Site):
        return Place(entity)
    if isinstance(entity, Building):
        return Place(entity.site, entity)
    if isinstance(entity, Floor):
        return Place(entity.building.site, entity.building, entity)
    if isinstance(entity, Space):
        return Place(entity.floor.building.site, entity.floor.building, entity.floor, entity)
    return Place(entity.building.site, entity.building, entity.floor, entity.space, entity)


def may_raise_on(user: User, site_id: int) -> bool:
    """Readers of the portfolio raise requests anywhere; a requester on the sites they are assigned to."""
    return sees_all(user) or user.reads_site(site_id)


def raise_request(user: User, values: dict[str, Any], photo: tuple[str, str, int] | None = None,
                  finding: Finding | None = None) -> WorkRequest:
    """Record a new request of `user` on the place `values["location"]` names (status new, no priority yet)."""
    values = dict(values)
    field, entity_id = values.pop("location")
    place = place_of(field, entity_id)
    if not may_raise_on(user, place.site.id):
        raise NotAllowed(_("You may raise requests only on the sites you are assigned to"))
    request = WorkRequest(site=place.site, building=place.building, floor=place.floor, space=place.space,
                          equipment=place.equipment, requester=user, finding=finding, status="new", **values)
    if photo is not None:
        request.photo_file, request.photo_type, request.photo_bytes = photo
    db.session.add(request)
    db.session.flush()
    return request


def raise_from_finding(user: User, finding: Finding) -> WorkRequest:
    """A request to remedy a finding of a safety check, in one click: its building, its item, its text."""
    item = finding.check.equipment if finding.check is not None else None
    location = ("equipment_id", item.id) if item is not None else ("building_id", finding.building_id)
    urgency = "urgent" if finding.severity in ("critical", "major") else "normal"
    title = _("Remedy a finding: %(text)s", text=finding.description)[:200]
    return raise_request(user, {"title": title, "description": finding.description, "urgency": urgency,
                                "location": location}, finding=finding)


def open_request_of_finding(finding_id: int) -> WorkRequest | None:
    return db.session.scalar(select(WorkRequest).where(WorkRequest.finding_id == finding_id,
                                                       WorkRequest.status.not_in(("refused", "cancelled")))
                             .order_by(WorkRequest.id.desc()).limit(1))


# ---------------------------------------------------------------- triage and comments


def active_assignees() -> list[Assignee]:
    return list(db.session.scalars(select(Assignee).where(Assignee.active).order_by(Assignee.kind, Assignee.name)))


def created_day(request: WorkRequest) -> date:
    return as_aware(request.created_at).date()


def add_comment(request: WorkRequest, user: User, body: str | None, *, for_requester: bool = True,
                status: str | None = None) -> RequestComment | None:
    """A comment on a request (shown to the requester unless `for_requester` is false)."""
    if not body and status is None:
        return None
    comment = RequestComment(request=request, author=user, body=body or "", status=status,
                             for_requester=for_requester)
    db.session.add(comment)
    return comment


def triage(request: WorkRequest, user: User, values: dict[str, Any]) -> WorkRequest:
    """Set a request's priority, due date and assignee (a facilities manager), with a comment. A priority given
    without a due date sets it from its response time; a due date before the request is refused."""
    if not triages(user):
        if set(values) - {"comment"}:
            raise NotAllowed()
        if not owns(user, request):
            raise NotAllowed()
    if "priority" in values:
        request.priority = values["priority"]
        if values.get("priority") and "due_on" not in values:
            request.due_on = rules.due_date(created_day(request), values["priority"])
    if "due_on" in values:
        if values["due_on"] is not None:
            rules.check_due_date(values["due_on"], created_day(request))
        request.due_on = values["due_on"] or (rules.due_date(created_day(request), request.priority)
                                              if request.priority else None)
    if "assignee_id" in values:
        assignee = db.session.get(Assignee, values["assignee_id"]) if values["assignee_id"] else None
        if values["assignee_id"] and (assignee is None or not assignee.active):
            raise ValidationError({"assignee_id": _("Choose a contractor or a team of the list")})
        changed = assignee is not None and assignee.id != request.assignee_id
        request.assignee = assignee
        if changed and request.status != "new":
            _mail_assignment(request)
    add_comment(request, user, values.get("comment"), for_requester=values.get("comment_for_requester", True)
                if triages(user) else True)
    db.session.flush()
    return request


def transition(request: WorkRequest, user: User, to: str, reason: str | None = None) -> WorkRequest:
    """Move a request along the workflow (rules.TRANSITIONS), or ValidationError / NotAllowed; assigning needs a
    priority and an assignee, refusing a reason. Mails the assignee when assigned and the requester when closed."""
    try:
        rules.check_transition(request.status, to, triage=triages(user), owner=owns(user, request))
    except PermissionError:
        raise NotAllowed() from None
    if to == "assigned":
        missing = {}
        if request.priority is None:
            missing["priority"] = _("Set a priority before assigning the request")
        if request.assignee is None:
            missing["assignee_id"] = _("Choose who the request is assigned to")
        if missing:
            raise ValidationError(missing)
    if to == "refused":
        if not reason:
            raise ValidationError({"reason": _("Say why the request is refused")})
        request.refusal_reason = reason
    request.status = to
    if to in ("closed", "refused", "cancelled"):
        request.closed_at = utcnow()
    elif to == "in_progress":
        request.closed_at = None
    add_comment(request, user, reason, status=to)
    db.session.flush()
    if to == "assigned":
        _mail_assignment(request)
    if to == "closed":
        _mail_closing(request)
    return request


def _mail_assignment(request: WorkRequest) -> None:
    assignee = request.assignee
    if assignee is None or not assignee.email:
        return
    mail.send_after_commit(
        assignee.email,
        _("Work request #%(id)s assigned to you: %(title)s", id=request.id, title=request.title),
        _("Request #%(id)s: %(title)s\nWhere: %(place)s\nPriority: %(priority)s, due on %(due)s\n\n%(text)s",
          id=request.id, title=request.title, place=place_label(request),
          priority=PRIORITY_LABELS.get(request.priority, request.priority or "—"),
          due=request.due_on.isoformat() if request.due_on else "—", text=request.description))


def _mail_closing(request: WorkRequest) -> None:
    requester = request.requester
    if requester is None or not requester.active:
        return
    mail.send_after_commit(
        requester.email,
        _("Your work request #%(id)s is closed: %(title)s", id=request.id, title=request.title),
        _("Your request #%(id)s (%(title)s, %(place)s) is now %(status)s.", id=request.id, title=request.title,
          place=place_label(request), status=STATUS_LABELS["closed"]))


def place_label(request: WorkRequest) -> str:
    return Place(request.site, request.building, request.floor, request.space, request.equipment).label


def comments_for(user: User, request: WorkRequest) -> list[RequestComment]:
    """The comments `user` may read: all for the facilities team, those meant for them for a requester."""
    if sees_all(user):
        return list(request.comments)
    return [comment for comment in request.comments if comment.for_requester]


# ---------------------------------------------------------------- what is late, time to close


def late_counts(today: date | None = None) -> list[tuple[Site, dict[str, int], int]]:
    """Requests past their due date and not done, per site and priority: (site, {priority: n}, total), the
    site with the most first."""
    today = today or paris_today()
    rows = db.session.execute(
        select(WorkRequest.site_id, WorkRequest.priority, func.count())
        .where(WorkRequest.status.in_(OPEN_STATUSES), WorkRequest.due_on < today)
        .group_by(WorkRequest.site_id, WorkRequest.priority)).all()
    by_site: dict[int, dict[str, int]] = defaultdict(dict)
    for site_id, priority, count in rows:
        by_site[site_id][priority or ""] = count
    sites = {site.id: site for site in db.session.scalars(select(Site).where(Site.id.in_(by_site)))}
    lines = [(sites[site_id], counts, sum(counts.values())) for site_id, counts in by_site.items()]
    return sorted(lines, key=lambda line: (-line[2], line[0].name))


def time_to_close(months: int = 12, today: date | None = None) -> list[tuple[str, dict[str, float]]]:
    """Mean days from raising to closing, by month of closing (the last `months`) and priority:
    [("2026-11", {"high": 2.5, …}), …], oldest first."""
    today = today or paris_today()
    start_index = today.year * 12 + today.month - 1 - (months - 1)
    first = datetime(start_index // 12, start_index % 12 + 1, 1, tzinfo=UTC)
    if db.session.get_bind().dialect.name == "postgresql":
        month = func.to_char(WorkRequest.closed_at, "YYYY-MM")
        days = func.avg(func.extract("epoch", WorkRequest.closed_at - WorkRequest.created_at)) / 86400
    else:
        month = func.strftime("%Y-%m", WorkRequest.closed_at)
        days = func.avg(func.julianday(WorkRequest.closed_at) - func.julianday(WorkRequest.created_at))
    rows = db.session.execute(
        select(month, WorkRequest.priority, days)
        .where(WorkRequest.status == "closed", WorkRequest.closed_at >= first)
        .group_by(month, WorkRequest.priority)).all()
    sums = {(found_month, priority or ""): float(mean) for found_month, priority, mean in rows if mean is not None}
    out = []
    for index in range(start_index, start_index + months):
        month = f"{index // 12:04d}-{index % 12 + 1:02d}"
        means = {priority: round(mean, 1) for (m, priority), mean in sums.items() if m == month}
        out.append((month, means))
    return out


# ---------------------------------------------------------------- assignees


def create_assignee(values: dict[str, Any]) -> Assignee:
    """Add a contractor or a team to the list a request is assigned from."""
    if db.session.scalar(select(Assignee.id).where(Assignee.name == values["name"])) is not None:
        raise ValidationError({"name": _("This name is already in the list")})
    assignee = Assignee(**values)
    db.session.add(assignee)
    db.session.flush()
    return assignee


def set_user_sites(user: User, site_ids: list[int]) -> None:
    """The sites a user is assigned to (a requester raises requests on them and reads their pages)."""
    from facilities.auth.models import UserSite

    wanted = set(site_ids)
    found = set(db.session.scalars(select(Site.id).where(Site.id.in_(wanted)))) if wanted else set()
    if wanted - found:
        raise ValidationError({"site_ids": _("No such site: %(ids)s", ids=", ".join(map(str, sorted(wanted - found))))})
    user.site_links = [link for link in user.site_links if link.site_id in wanted]
    for site_id in sorted(wanted - {link.site_id for link in user.site_links}):
        user.site_links.append(UserSite(user_id=user.id, site_id=site_id))
    db.session.flush()


# ---------------------------------------------------------------- photos of requests a deletion takes away


def remove_photos_of_deleted_places(session, _flush_context, _instances) -> None:
    """before_flush: the requests of a site or building being deleted go with it (the database's cascade); their
    photos are removed from disk once that is committed, as a deleted check's report is (never kept unreachable)."""
    sites = [obj.id for obj in session.deleted if isinstance(obj, Site) and obj.id is not None]
    buildings = [obj.id for obj in session.deleted if isinstance(obj, Building) and obj.id is not None]
    direct = [obj.photo_file for obj in session.deleted if isinstance(obj, WorkRequest) and obj.photo_file]
    if not (sites or buildings or direct):
        return
    files = list(direct)
    if sites or buildings:
        with session.no_autoflush:
            files += session.scalars(select(WorkRequest.photo_file).where(
                WorkRequest.photo_file.is_not(None),
                or_(WorkRequest.site_id.in_(sites or [0]), WorkRequest.building_id.in_(buildings or [0])))).all()
    if files:
        from facilities.requests import photos

        after_commit(lambda: [photos.remove(name) for name in set(files)])
