"""Illustrative work requests of the demo: a dozen on Asnières, Clichy and Villeneuve-la-Garenne, in every
status, some late, some closed over the last months (the dashboard's chart), with the contractors and teams they
are assigned to.

Every record is marked illustrative (and its title says so). Dates are relative to the day the demo is loaded;
loading it again changes nothing (requests by title, assignees by name). The demo requester (demo mode) is
assigned to Asnières' site and raised the Asnières requests.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from facilities.auth.models import User, UserSite
from facilities.extensions import db
from facilities.inventory.models import Building, Site
from facilities.requests import rules
from facilities.requests.models import Assignee, RequestComment, WorkRequest
from facilities.timeutil import utcnow

REQUESTER_EMAIL = "requester@demo.example"
REQUESTER_SITES = ("PS-ASN",)
DEMO_ASSIGNEES = [
    ("contractor", "Plomberie Seine Nord (illustratif)", "contact@plomberie-seine-nord.example"),
    ("contractor", "Élec 92 Maintenance (illustratif)", "interventions@elec92.example"),
    ("team", "Équipe technique Nord (illustratif)", "equipe-nord@departement.example"),
]
# (title, building code, urgency, status, priority, days ago raised, days to close or None, assignee index)
DEMO_REQUESTS = [
    ("Fuite sous l'évier de la cuisine du personnel", "PS-ASN-B1", "urgent", "new", None, 1, None, None),
    ("Store bloqué en salle d'attente", "PS-ASN-B1", "normal", "new", None, 4, None, None),
    ("Néon clignotant au bureau d'entretien 2", "PS-ASN-B1", "low", "assigned", "low", 6, None, 1),
    ("Porte du local ménage qui ne ferme plus", "PS-ASN-B1", "normal", "in_progress", "normal", 20, None, 2),
    ("Chasse d'eau qui fuit aux sanitaires publics", "PS-ASN-B1", "urgent", "assigned", "high", 9, None, 0),
    ("Prise électrique arrachée en salle de réunion", "PS-ASN-B1", "urgent", "done", "high", 12, None, 1),
    ("Radiateur froid au cabinet médical", "PS-ASN-B1", "normal", "closed", "normal", 70, 8, 2),
    ("Dalle de faux plafond tachée au R+1", "PS-ASN-B1", "low", "refused", "low", 40, None, None),
    ("Serrure du portail à remplacer", "PS-CLI-B1", "urgent", "closed", "critical", 45, 1, 2),
    ("Climatisation en panne dans l'espace numérique", "PS-CLI-B1", "urgent", "in_progress", "critical", 5, None, 1),
    ("Infiltration d'eau par la toiture-terrasse", "PS-CLI-B1", "urgent", "closed", "high", 110, 4, 0),
    ("Sol glissant à l'entrée (revêtement usé)", "IME-VLG-B1", "normal", "assigned", "normal", 30, None, 2),
]


def _requester() -> User | None:
    user = db.session.scalar(select(User).where(User.email == REQUESTER_EMAIL))
    if user is not None:
        for code in REQUESTER_SITES:
            site = db.session.scalar(select(Site).where(Site.code == code))
            if site is not None and site.id not in user.site_ids:
                user.site_links.append(UserSite(user_id=user.id, site_id=site.id))
    return user


def load_demo() -> None:
    """Create the demo's illustrative assignees and requests that are missing."""
    assignees = []
    for kind, name, email in DEMO_ASSIGNEES:
        found = db.session.scalar(select(Assignee).where(Assignee.name == name))
        if found is None:
            found = Assignee(**rules.clean_assignee({"kind": kind, "name": name, "email": email,
                                                     "illustrative": True}))
            db.session.add(found)
        assignees.append(found)
    requester = _requester()
    now = utcnow()
    for title, code, urgency, status, priority, days_ago, days_to_close, assignee in DEMO_REQUESTS:
        title = f"{title} (illustratif)"
        existing = db.session.scalar(select(WorkRequest).where(WorkRequest.title == title))
        if existing is not None:
            if existing.requester_id is None and requester is not None and code.startswith("PS-ASN"):
                existing.requester = requester
            continue
        building = db.session.scalar(select(Building).where(Building.code == code))
        if building is None:
            continue
        values = rules.clean_request({"title": title, "description": f"{title}. Demande de démonstration.",
                                      "urgency": urgency, "building_id": building.id, "illustrative": True})
        values.pop("location")
        created = now - timedelta(days=days_ago)
        item = WorkRequest(site=building.site, building=building, status=status, priority=priority,
                           created_at=created, requester=requester if code.startswith("PS-ASN") else None, **values)
        if priority:
            item.due_on = rules.due_date(created.date(), priority)
        if assignee is not None:
            item.assignee = assignees[assignee]
        if status == "refused":
            item.refusal_reason = "Tache ancienne, déjà traitée lors des travaux de 2024 (illustratif)."
            item.closed_at = created + timedelta(days=2)
        if days_to_close is not None:
            item.closed_at = created + timedelta(days=days_to_close)
        db.session.add(item)
        if status != "new":
            db.session.add(RequestComment(request=item, body="Prise en compte (illustratif).", status=status,
                                          for_requester=True, created_at=created + timedelta(hours=3)))
    db.session.flush()
