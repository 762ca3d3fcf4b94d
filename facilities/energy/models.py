"""Models of the energy area."""
