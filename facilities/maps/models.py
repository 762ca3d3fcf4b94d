"""Models of the maps area."""
