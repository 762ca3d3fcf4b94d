"""Fixtures come from tests/conftest.py."""
