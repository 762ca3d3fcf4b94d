"""Services of the reports area."""
