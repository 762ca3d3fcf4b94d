"""The app a worker subprocess of the tests runs (`flask --app tests.jobs.worker_app worker`): configuration from
the environment, plus the test kinds of job."""

from facilities import create_app
from tests.jobs import kinds  # noqa: F401  (registers the test kinds in the worker too)

app = create_app()
