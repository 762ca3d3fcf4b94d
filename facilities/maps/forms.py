"""Forms of the maps area."""
