"""The work requests' code lists: urgency, priority, status, kinds of assignee. Codes are stored; labels are
translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# What the requester says when raising it.
URGENCY_LABELS = {"low": _l("Can wait"), "normal": _l("Normal"), "urgent": _l("Urgent")}

# What a facilities manager decides; each has its response time (REQUEST_RESPONSE_DAYS, the due date).
PRIORITY_LABELS = {"critical": _l("Critical"), "high": _l("High"), "normal": _l("Normal priority"),
                   "low": _l("Low")}

STATUS_LABELS = {
    "new": _l("New"), "assigned": _l("Assigned (awaiting work)"), "in_progress": _l("In progress"),
    "done": _l("Work done"), "closed": _l("Request closed"), "refused": _l("Refused"), "cancelled": _l("Cancelled"),
}
OPEN_STATUSES = ("new", "assigned", "in_progress")  # what can be late: not done yet
FINISHED_STATUSES = ("closed", "refused", "cancelled")

ASSIGNEE_KIND_LABELS = {"contractor": _l("Contractor"), "team": _l("In-house team")}

STATUS_BADGES = {"new": "text-bg-primary", "assigned": "text-bg-info", "in_progress": "text-bg-warning",
                 "done": "text-bg-success", "closed": "text-bg-secondary", "refused": "text-bg-danger",
                 "cancelled": "text-bg-light"}
