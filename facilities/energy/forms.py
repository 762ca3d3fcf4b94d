"""Forms of the energy area."""
