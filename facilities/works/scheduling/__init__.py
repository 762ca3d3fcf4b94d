"""Multi-year works scheduling: AP/CP échéanciers, programme checks and capacity-fitting schedules.

Pure functions over frozen dataclasses; no Flask, no SQLAlchemy, no float. Money is integer cents,
shares integer basis points, months calendar months. See ``/work/shared/reference/domain-rules.md``
§3 (AP/CP) and §4 (public-works phases). Import from the module that says what you need:

* :mod:`.plans` — phases (loi MOP), an operation's plan, an envelope's programme;
* :mod:`.months` — calendar-month arithmetic;
* :mod:`.spreading` — the CP by year of an operation, exact to the cent, and moving it by months;
* :mod:`.checks` — an operation's structural errors; a programme against its caps (overflow, AP ≠ ΣCP);
* :mod:`.proposal` — the schedule that fits the caps (greedy, deterministic);
* :mod:`.explanations` — why an operation is where the proposal puts it (codes, English text);
* :mod:`.scenarios` — two programmes side by side;
* :mod:`.errors` — :class:`SchedulingError`.
"""
