"""Demo data of the works area (illustrative, marked so); idempotent."""


def load_demo() -> None:
    """Create or update the works demo records; flush only, the caller commits."""
