"""Services of the maps area."""
