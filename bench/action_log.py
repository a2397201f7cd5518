"""The action log on a large data set: filtered, searched and paged, against a bare view.

Generates BENCH_ACTIONS actions (default 100,000) with `generate_load_data` into a
throw-away test database, then prints p50/p95 server time of the log page for
several queries and of the chart the page fetches for the same filters, the bare
login-required view's in the same run, and the query
count for page sizes 25 and 100 (which must be equal). The issue's goal is
p95 <= 100 ms on PostgreSQL: run with DATABASE_URL set to PostgreSQL.
"""

import os
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from _setup import ROOT, start, summary, timed

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))

QUERIES = {
    "first page, default order": "",
    "open, one committee": "status=open&committee={committee}",
    "owner DCC, overdue": "owner=org-{dcc}&overdue=on",
    "search 'firmware'": "q=firmware",
    "search + filter + sort": "q=failover&status=open&sort=-target",
    "deep page (page 200)": "page=200",
    "due within 14 days": "due_within=14",
}


def generate(connection):
    """generate_load_data into the test database, in a process of its own: the measured
    process then holds what a web process holds, not the generator's objects."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        url = os.environ["DATABASE_URL"]
        parts = urlsplit(url)
        database_url = urlunsplit(parts._replace(path="/" + settings["NAME"]))
    else:
        database_url = f"sqlite:///{settings['NAME']}"
    connection.close()  # the generator's own connection does the writing
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "generate_load_data", "--actions", str(ACTIONS)],
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main():
    stop = start()
    try:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, override_settings

        from minutes.models import Committee, Organisation

        began = time.perf_counter()
        generate(connection)
        print(
            f"database: {connection.vendor}; generated {ACTIONS:,} actions in {time.perf_counter() - began:.0f} s"
        )
        if connection.vendor == "postgresql":
            # A live database is vacuumed and analysed by autovacuum; a bulk load is not yet.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

        override_settings(ROOT_URLCONF="bench_urls").enable()
        user = get_user_model().objects.create_user("bench", "bench@example.com", "x", is_staff=True)
        client = Client()
        client.force_login(user)
        # Staff must use two-factor authentication: the session is verified as after a token.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, name="bench").persistent_id
        session.save()
        # As a web process does before its first request (opsg/wsgi.py).
        from opsg.warmup import prepare_process

        client.get("/actions/")
        prepare_process()
        values = {
            "committee": Committee.objects.get(code="LDOPS").pk,
            "dcc": Organisation.objects.get(name="DCC").pk,
        }

        base_times = timed(lambda: client.get("/bench/bare/"), REPEAT)
        base_p50, base_p95 = summary(base_times)
        print(f"{'bare login-required view':32} p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms")
        worst = 0
        # The page, then the chart it fetches (htmx) for the same filters.
        for path, headers, title in (
            ("/actions/", {}, "the log page"),
            ("/actions/chart/", {"HX-Request": "true"}, "its chart (fetched by the page)"),
        ):
            print(f"-- {title}")
            for label, query in QUERIES.items():
                url = path + "?" + query.format(**values)
                response = client.get(url, headers=headers)
                assert response.status_code == 200, (url, response.status_code)
                p50, p95 = summary(timed(lambda url=url, h=headers: client.get(url, headers=h), REPEAT))
                worst = max(worst, p95)
                print(f"{label:32} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p50 / base_p50:5.1f}x bare)")
        counts = {}
        for size in (25, 100):
            with CaptureQueriesContext(connection) as queries:
                client.get(f"/actions/?per_page={size}")
            counts[size] = len(queries)
        print(f"queries: page size 25 -> {counts[25]}, page size 100 -> {counts[100]}")
        print(f"worst p95, page and chart: {worst:.1f} ms (goal <= 100 ms on PostgreSQL)")
    finally:
        stop()


if __name__ == "__main__":
    main()
