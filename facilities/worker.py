"""What RQ calls for a queued job (facilities/jobs/worker.py enqueues it by this name).

`flask --app wsgi worker` runs jobs inside its own app context; a bare `rq worker` has none, so the app is built
here from the environment, as wsgi.py does. App wiring: it sits above every area (docs/architecture.md).
"""

from __future__ import annotations

from flask import has_app_context

from facilities import create_app
from facilities.jobs import worker


def run_rq_job(job_id: str) -> None:
    """Run one queued job in the current app, or in an app created from the environment."""
    worker.run_rq_job(job_id, None if has_app_context() else create_app())
