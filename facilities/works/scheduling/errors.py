"""The one error of the scheduling core."""


class SchedulingError(ValueError):
    """Invalid data given to a scheduling function (English message)."""
