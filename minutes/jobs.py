"""Background jobs: work that leaves the request, on Django's task framework (opsg/tasks.py).

A view starts a job with `job_start` (a Job row that the page follows, and the task enqueued once
the request's transaction commits) and sends the person to the job's page, which shows its
progress and, when it is done, its result or why it failed, in words they can act on; a failed job
can be run again. The task does its work inside `job_running`, reporting progress with
`job_progress` and ending with `job_done`; an exception ends the job as failed with its message.

Tasks take the job's id first, then JSON-able arguments (ids, not objects).
"""

import contextlib
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from minutes.models import Job

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """Raised by a task to end its job as failed with this message (for the person who started it)."""


def _enqueue(job):
    task = import_string(job.task_path)
    result = task.enqueue(job.pk, *job.arguments)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def job_start(*, task, title, by, committee=None, arguments=()):
    """A new job running `task` (a function decorated with opsg.tasks.task) with the job's id and
    `arguments`; enqueued when the current transaction commits, so that the worker finds the job."""
    job = Job.objects.create(
        title=title[:300],
        committee=committee,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        task_path=f"{task.func.__module__}.{task.func.__name__}",
        arguments=list(arguments),
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def job_retry(job):
    """Run a failed job again, from the start."""
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED, done=0, total=0, message="", started_at=None, finished_at=None
    )
    if updated:
        job.refresh_from_db()
        transaction.on_commit(lambda: _enqueue(job))
    return bool(updated)


def job_progress(job_id, done, total=None, message=None):
    """Say how far the job has got: `done` of `total` steps (rows, pages), and what it is doing."""
    values = {"done": done}
    if total is not None:
        values["total"] = total
    if message is not None:
        values["message"] = message
    Job.objects.filter(pk=job_id).update(**values)


def job_done(job_id, *, message="", result_url=""):
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE, message=message, result_url=result_url, finished_at=timezone.now()
    )


def _failure_words(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, JobFailed | ValueError):
        return str(error)
    return (
        "Something went wrong on our side and the job stopped; nothing was saved. "
        "Try again, and tell the administrators if it happens again."
    )


@contextlib.contextmanager
def job_running(job_id):
    """The body of a task: marks the job running (or yields None if it is gone or already ended),
    and failed with a message a person can act on if the body raises."""
    started = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not started:
        yield None
        return
    Job.objects.filter(pk=job_id).update(attempts=Job.objects.get(pk=job_id).attempts + 1)
    try:
        yield Job.objects.get(pk=job_id)
    except Exception as error:
        if not isinstance(error, JobFailed | ValidationError | ValueError):
            logger.exception("Job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message=_failure_words(error), finished_at=timezone.now()
        )
