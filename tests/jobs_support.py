"""Working the task queue in tests with the engine's real worker (never an "immediate" backend):
django-tasks-db's `db_worker --batch`, or an RQ worker in burst mode when TASKS_ENGINE=redis."""

import contextlib
import io
import threading
from unittest import mock

from django.conf import settings
from django.core.management import call_command

# The job class the RQ worker runs tasks of Django's task framework with (as in README's
# `rqworker --job-class`).
RQ_JOB = "django_tasks_rq.backend.Job"


def work_the_queue():
    """Run every queued task to its end, in this process and on this database connection (so that
    the worker sees what the test wrote in its transaction)."""
    if settings.TASKS_ENGINE == "redis":
        import django_rq
        from rq import SimpleWorker

        django_rq.get_worker("default", worker_class=SimpleWorker, job_class=RQ_JOB).work(burst=True)
        return
    # The worker closes stale connections between tasks; inside the test's transaction the
    # connection is the test's own, and must stay open.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0",
            stdout=io.StringIO(),
        )


@contextlib.contextmanager
def worker_in_background(interval=0.2):
    """A worker beside a live server (browser tests): works the queue every `interval` seconds in
    a thread with its own database connection, until the block ends."""
    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    stop = threading.Event()

    def work():
        try:
            while not stop.is_set():
                if settings.TASKS_ENGINE == "redis":
                    import django_rq
                    from rq import SimpleWorker

                    django_rq.get_worker("default", worker_class=SimpleWorker, job_class=RQ_JOB).work(
                        burst=True
                    )
                else:
                    # The command's worker, without its signal handlers (a thread cannot set them).
                    Worker(
                        queue_names=["default"],
                        interval=0,
                        batch=True,
                        backend_name="default",
                        startup_delay=False,
                        max_tasks=None,
                        worker_id="test-worker",
                        excluded_queue_names=[],
                    ).run()
                stop.wait(interval)
        except BaseException as error:  # a worker that dies must say why, or the test just waits
            import traceback

            traceback.print_exc()
            raise error
        finally:
            connection.close()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
