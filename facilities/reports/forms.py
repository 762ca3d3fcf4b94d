"""Forms of the reports area."""
