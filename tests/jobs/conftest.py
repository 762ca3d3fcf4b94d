"""Fixtures of the job queue's tests: the test kinds, no local worker unless a test asks, a results folder."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from facilities import PROJECT_ROOT


@pytest.fixture
def queue_app(app, tmp_path, monkeypatch):
    """The app with the test kinds, a results folder of its own, short heartbeats; the test runs the workers."""
    from tests.jobs import kinds  # noqa: F401

    for name, value in {"JOBS_FOLDER": str(tmp_path / "jobs"), "JOB_LOCAL_WORKER": False,
                        "JOB_HEARTBEAT_SECONDS": 0.2, "JOB_STALE_SECONDS": 1.5, "JOB_MAX_ATTEMPTS": 3}.items():
        monkeypatch.setitem(app.config, name, value)
    return app


def wait_for(predicate, timeout: float = 60, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not reached in {timeout} s")


class WorkerProcess:
    """`flask --app tests.jobs.worker_app worker` in a process group of its own, killable like a real crash."""

    def __init__(self, app, *args: str):
        environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                       "SECRET_KEY": "test-secret", "FACILITIES_ENV": "development"}
        for name in ("JOBS_FOLDER", "JOB_HEARTBEAT_SECONDS", "JOB_STALE_SECONDS", "JOB_MAX_ATTEMPTS", "REDIS_URL",
                     "JOB_RQ_QUEUE"):
            if app.config.get(name) is not None:
                environment[name] = str(app.config[name])
            else:
                environment.pop(name, None)
        flask = os.path.join(os.path.dirname(sys.executable), "flask")
        self.process = subprocess.Popen([flask, "--app", "tests.jobs.worker_app", "worker", *args],
                                        cwd=PROJECT_ROOT, env=environment, start_new_session=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def kill(self, *also: int) -> None:
        """SIGKILL the worker and the pids `also` (RQ's work horse runs in a process group of its own): no
        clean-up of any kind runs, as when a machine or a container goes down."""
        for pid in also:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def finish(self, timeout: float = 120) -> str:
        output, _ = self.process.communicate(timeout=timeout)
        return output.decode(errors="replace")


@pytest.fixture
def worker_process():
    started: list[WorkerProcess] = []

    def start(app, *args: str) -> WorkerProcess:
        started.append(WorkerProcess(app, *args))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()
