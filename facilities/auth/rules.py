"""The auth area's input rules, declared once for the account forms, the command line and the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilities.permissions import Role
from facilities.validation import Rule

MIN_PASSWORD_LENGTH = 10
MAX_TOKEN_DAYS = 3650

USER_RULES = (
    Rule("email", "text", _l("Email"), required=True, max_length=254),
    Rule("role", "choice", _l("Role"), required=True, choices=lambda: [role.value for role in Role]),
    Rule("password", "text", _l("Password"), required=True, min_length=MIN_PASSWORD_LENGTH, max_length=500,
         extra={"keep_spaces": True}),
)

TOKEN_RULES = (
    Rule("name", "text", _l("Token name"), required=True, max_length=100),
    Rule("expires_in_days", "int", _l("Expires after (days, empty for never)"), minimum=1, maximum=MAX_TOKEN_DAYS),
)
