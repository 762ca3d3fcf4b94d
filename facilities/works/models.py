"""Models of the works area."""
