"""Shared set-up for benchmarks: Django on a throw-away test database."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsg.settings")


def start():
    """Set Django up on a new test database; return a function that drops it."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    # DEBUG off, as in production: no query log, no debug cursor.
    setup_test_environment(debug=False)
    # Keep one connection for the whole run, as a web process with persistent
    # connections does, and so that query counts can be captured.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def stop():
        connection.creation.destroy_test_db(name, verbosity=0)

    return stop


def timed(function, repeat):
    """Run `function` `repeat` times; return the durations in milliseconds."""
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        function()
        times.append((time.perf_counter() - begin) * 1000)
    return times


def summary(times):
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered), p95
