"""Code lists of the works area: operation statuses and natures. Codes are stored; labels are translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "voted": _l("Voted"),
    "studies": _l("Studies"),
    "works": _l("Works"),
    "received": _l("Received (réception)"),
    "closed": _l("Closed"),
}
NATURE_LABELS = {
    "acquisition": _l("Acquisition"),
    "construction": _l("Construction"),
    "renovation": _l("Renovation"),
    "fit_out": _l("Fit-out"),
    "studies": _l("Studies"),
    "energy_retrofit": _l("Energy retrofit"),
    "accessibility": _l("Accessibility"),
}
OPERATION_STATUSES = tuple(STATUS_LABELS)
OPERATION_NATURES = tuple(NATURE_LABELS)

# How unpaid CP of a year are re-spread onto later years (report de crédits).
CARRY_OVER_MODE_LABELS = {
    "next": _l("Onto the next year"),
    "even": _l("Evenly over the operation's remaining years"),
}
CARRY_OVER_MODES = tuple(CARRY_OVER_MODE_LABELS)

# Budget votes of the assembly (CGCT): each AP creation or revision and each échéancier change belongs to one.
VOTE_KIND_LABELS = {
    "BP": _l("Budget primitif (BP)"),
    "BS": _l("Budget supplémentaire (BS)"),
    "DM": _l("Décision modificative (DM)"),
    "CA": _l("Compte administratif (CA)"),
}
VOTE_KINDS = tuple(VOTE_KIND_LABELS)
