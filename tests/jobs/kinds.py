"""Kinds of job for the queue's tests: one that takes a while (beating its heartbeat) and writes a file."""

from __future__ import annotations

import time

from facilities.jobs import JobContext, JobResult, job_kind


@job_kind("test_sleep", label="Test job")
def sleep_then_write(context: JobContext) -> JobResult:
    """Sleep `seconds` in small steps (reporting progress), then write a file saying which attempt finished."""
    seconds = float(context.params.get("seconds", 0))
    steps = max(1, int(seconds / 0.1))
    for step in range(steps):
        context.progress(100 * step // steps, f"step {step} of {steps}")
        time.sleep(seconds / steps)
    path, relative = context.new_file(".txt")
    path.write_text(f"done by {context.job_id}")
    return JobResult(path=relative, name="result.txt", mimetype="text/plain", message="slept well")
