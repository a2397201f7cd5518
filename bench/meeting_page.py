"""The demo meeting page against a bare Django view, measured in the same run.

Prints p50/p95 server time of each and their ratio, and the page's query count.
Run with `make bench` (SQLite) or with DATABASE_URL set (PostgreSQL).
"""

import io

from _setup import start, summary, timed

REPEAT = 60


def main():
    stop = start()
    try:
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        call_command("load_demo", stdout=io.StringIO())
        from django.contrib.auth import get_user_model
        from django.test.utils import override_settings

        override_settings(ROOT_URLCONF="bench_urls").enable()
        client = Client()
        client.force_login(get_user_model().objects.get(username="member"))
        page, bare = "/meetings/OPSG_55/", "/bench/bare/"
        assert client.get(page).status_code == 200
        assert client.get(bare).status_code == 200

        with CaptureQueriesContext(connection) as queries:
            client.get(page)
        query_count = len(queries)
        page_times = timed(lambda: client.get(page), REPEAT)
        base_times = timed(lambda: client.get(bare), REPEAT)
        page_p50, page_p95 = summary(page_times)
        base_p50, base_p95 = summary(base_times)
        print(f"database: {connection.vendor}")
        print(f"meeting page OPSG_55: p50 {page_p50:.1f} ms, p95 {page_p95:.1f} ms, {query_count} queries")
        print(
            f"baseline (bare login-required view, same stack): p50 {base_p50:.1f} ms, p95 {base_p95:.1f} ms"
        )
        print(f"ratio p50: {page_p50 / base_p50:.1f}x")
    finally:
        stop()


if __name__ == "__main__":
    main()
