"""Services of the works area."""
