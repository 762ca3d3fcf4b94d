"""The auth area's input rules, declared once for the account forms, the command line and the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilities.permissions import Role
from facilities.validation import Rule

MAX_TOKEN_DAYS = 3650

USER_RULES = (
    Rule("email", "text", _l("Email"), required=True, max_length=254),
    Rule("role", "choice", _l("Role"), required=True, choices=lambda: [role.value for role in Role]),
)
# Passwords follow their own policy (passwords.py): length, not common, not the account's name.

TOKEN_RULES = (
    Rule("name", "text", _l("Token name"), required=True, max_length=100),
    Rule("expires_in_days", "int", _l("Expires after (days, empty for never)"), minimum=1, maximum=MAX_TOKEN_DAYS),
)
