"""The maps area."""
