"""Models of the reports area."""
