"""Demo data of the energy area (illustrative, marked so); idempotent."""


def load_demo() -> None:
    """Create or update the energy demo records; flush only, the caller commits."""
