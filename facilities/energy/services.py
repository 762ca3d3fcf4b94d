"""Services of the energy area."""
