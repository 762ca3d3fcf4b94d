"""Multi-year works programmes: AP/CP échéanciers, capacity checks and scheduling (pure functions)."""
