"""Forms of the works area."""
