"""Raw user input (JSON-like values) → field → English message, for one operation of a programme.

Every parser of raw scheduling input is here, so that they can become kinds of the shared rule engine
(:mod:`facilities.validation`) together. A sum of CP different from the AP is not an input error:
:func:`facilities.works.scheduling.checks.check_programme` flags it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..money import parse_cents
from .checks import validate_plan
from .plans import BP_TOTAL, OperationPlan, Phase, PhaseCode

_INT_RE = re.compile(r"^-?\d+$")


def _parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip())
    if isinstance(value, Decimal | float):
        try:
            if value == int(value):
                return int(value)
        except (ValueError, OverflowError, InvalidOperation):
            return None
    return None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _pairs(value: Any) -> list[tuple[Any, Any]] | None:
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if isinstance(item, Mapping) and "year" in item:
                out.append((item.get("year"), item.get("amount_cents", item.get("amount"))))
            elif isinstance(item, list | tuple) and len(item) == 2:
                out.append((item[0], item[1]))
            else:
                return None
        return out
    return None


def _parse_year_amounts(value: Any, name: str, what: str, errors: dict[str, str]) -> dict[int, int]:
    """(year, cents) pairs → dict; errors keyed ``name[i].year`` / ``name[i].amount``."""
    pairs = _pairs(value)
    if pairs is None:
        errors[name] = "must be a list of (year, amount in cents) pairs"
        return {}
    out: dict[int, int] = {}
    for i, (y_raw, amount_raw) in enumerate(pairs):
        y = _parse_int(y_raw)
        if y is None or not 1900 <= y <= 2200:
            errors[f"{name}[{i}].year"] = "must be a year (e.g. 2024)"
            y = None
        elif y in out:
            errors[f"{name}[{i}].year"] = f"{what} for year {y} is given twice"
            y = None
        try:
            amount = parse_cents(amount_raw)
        except ValueError as exc:
            errors[f"{name}[{i}].amount"] = str(exc)
            continue
        if y is not None:
            out[y] = amount
    return out


def validate_operation_input(data: Mapping[str, Any]) -> dict[str, str]:
    """Errors in a raw operation (JSON-like dict), field → English message.

    Keys: ``id``, ``label``, ``ap_cents``, ``start`` (ISO date, first of a month), ``duration_months``,
    ``priority`` (1 = highest), ``fixed``, ``phases`` (list of ``{code, start, end, share_bp}``),
    ``cp_by_year`` (list of (year, cents) pairs, or a mapping).
    """
    errors: dict[str, str] = {}
    op_id = data.get("id")
    label = data.get("label", "")
    if not isinstance(label, str) or not label.strip():
        errors["label"] = "must not be empty"
    try:
        ap = parse_cents(data.get("ap_cents"))
    except ValueError as exc:
        errors["ap_cents"] = str(exc)
        ap = 0
    start = _parse_date(data.get("start"))
    if start is None:
        errors["start"] = "must be a date (YYYY-MM-DD)"
    duration = _parse_int(data.get("duration_months"))
    if duration is None or duration <= 0:
        errors["duration_months"] = "must be a positive whole number of months"
    prio_raw = data.get("priority", 1)
    priority = _parse_int(prio_raw)
    if priority is None or priority < 1:
        errors["priority"] = "must be a positive integer (1 = highest)"
    fixed = data.get("fixed", False)
    if not isinstance(fixed, bool):
        errors["fixed"] = "must be true or false"
    phases = None
    raw_phases = data.get("phases")
    if raw_phases is not None:
        if not isinstance(raw_phases, list | tuple):
            errors["phases"] = "must be a list of phases"
        else:
            phases = []
            for i, rp in enumerate(raw_phases):
                if not isinstance(rp, Mapping):
                    errors[f"phases[{i}]"] = "must be an object with code, start, end and share_bp"
                    continue
                try:
                    code = PhaseCode(str(rp.get("code", "")).upper())
                except ValueError:
                    errors[f"phases[{i}].code"] = (
                        f"unknown phase code {rp.get('code')!r} (expected one of {', '.join(PhaseCode)})"
                    )
                    code = None
                ps, pe = _parse_date(rp.get("start")), _parse_date(rp.get("end"))
                if ps is None:
                    errors[f"phases[{i}].start"] = "must be a date (YYYY-MM-DD)"
                if pe is None:
                    errors[f"phases[{i}].end"] = "must be a date (YYYY-MM-DD)"
                bp = _parse_int(rp.get("share_bp"))
                if bp is None or not 0 <= bp <= BP_TOTAL:
                    errors[f"phases[{i}].share_bp"] = (
                        "must be a whole number of basis points between 0 and 10 000"
                    )
                    bp = None
                if code is not None and ps is not None and pe is not None and bp is not None:
                    phases.append(Phase(code, ps, pe, bp))
            if any(k.startswith("phases[") for k in errors):
                phases = None  # per-phase errors reported; the whole-list checks need valid phases
    cp = None
    if data.get("cp_by_year") is not None:
        cp = _parse_year_amounts(data["cp_by_year"], "cp_by_year", "a CP amount", errors)
    if errors.keys() & {"start", "duration_months"} or start is None or duration is None:
        return errors
    op = OperationPlan(
        op_id,
        label if isinstance(label, str) else "",
        ap,
        start,
        duration,
        priority if priority is not None and priority >= 1 else 1,
        fixed if isinstance(fixed, bool) else False,
        tuple(phases) if phases is not None else None,
        cp,
    )
    for k, v in validate_plan(op).items():
        errors.setdefault(k, v)
    return errors
