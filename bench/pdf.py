"""PDF of the minutes: the app's cost over WeasyPrint alone, size scaling, and the cache.

Prints, in one run:
- the demo meeting's PDF through the app (selector, template, WeasyPrint, storing)
  against WeasyPrint rendering the same saved HTML alone (goal: at most 1.2x);
- the PDF view's query count, uncached and cached;
- a synthetic meeting with 300 outstanding actions: total time and time per page;
- the cached download.
Run with `make bench` (SQLite) or with DATABASE_URL set (PostgreSQL).
"""

import datetime
import io
import statistics
import subprocess
import tempfile
import time

from _setup import start

REPEAT = 5


def best_of(function, repeat=REPEAT):
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        function()
        times.append(time.perf_counter() - begin)
    return min(times), statistics.median(times)


def pages_of(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def big_meeting(committee, outstanding):
    from actions.models import Action
    from minutes.models import AgendaItem, ItemKind, Meeting, Organisation

    dcc = Organisation.objects.get_or_create(name="DCC")[0]
    earlier = Meeting.objects.create(committee=committee, number=900, held_on=datetime.date(2022, 1, 10))
    meeting = Meeting.objects.create(committee=committee, number=901, held_on=datetime.date(2022, 2, 14))
    AgendaItem.objects.create(meeting=meeting, title="Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    for n in range(outstanding):
        action = Action.objects.raise_action(
            meeting=earlier,
            text=f"The DCC to report on incident trend {n} and the corrective actions agreed with its providers.",
            owners=[dcc],
            target_on=datetime.date(2022, 2, 14),
        )
        action.record_meeting_update(
            meeting=meeting,
            text="The DCC noted progress and will report again at the next meeting.",
            status=Action.Status.OPEN,
            revised_target_on=datetime.date(2022, 3, 14),
        )
    return Meeting.objects.select_related("committee").get(pk=meeting.pk)


def main():
    stop = start()
    try:
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from weasyprint import HTML

        from minutes import pdf
        from minutes.models import Meeting, RenderedPdf

        call_command("load_demo", stdout=io.StringIO())
        demo = Meeting.objects.select_related("committee").get_by_reference("OPSG_55")
        html = pdf.minutes_html(demo)
        pdf.html_to_pdf(html)  # warm up fonts and caches

        def through_app():
            RenderedPdf.objects.all().delete()
            pdf.meeting_pdf(demo)

        def weasyprint_alone():
            HTML(string=html, base_url=pdf.APP_ORIGIN + "/", url_fetcher=pdf.StaticFilesOnly()).write_pdf(
                pdf_variant=pdf.DRAFT_VARIANT, custom_metadata=True
            )

        app_best, app_median = best_of(through_app)
        alone_best, alone_median = best_of(weasyprint_alone)
        print(f"database: {connection.vendor}")
        print(f"demo PDF through the app: best {app_best * 1000:.0f} ms, median {app_median * 1000:.0f} ms")
        print(
            f"WeasyPrint alone, same HTML: best {alone_best * 1000:.0f} ms, median {alone_median * 1000:.0f} ms"
        )
        print(f"ratio (best): {app_best / alone_best:.2f}x  (goal <= 1.2x)")

        client = Client()
        client.force_login(get_user_model().objects.get(username="member"))
        RenderedPdf.objects.all().delete()
        with CaptureQueriesContext(connection) as uncached:
            assert client.get("/meetings/OPSG_55/pdf/").status_code == 200
        with CaptureQueriesContext(connection) as cached:
            assert client.get("/meetings/OPSG_55/pdf/").status_code == 200
        print(f"PDF view queries: {len(uncached)} when rendering, {len(cached)} when cached")

        cached_best, cached_median = best_of(lambda: client.get("/meetings/OPSG_55/pdf/"), repeat=20)
        print(
            f"cached download: best {cached_best * 1000:.1f} ms, median {cached_median * 1000:.1f} ms "
            f"({app_best / cached_best:.0f}x faster than rendering)"
        )

        for outstanding in (30, 300):
            meeting = big_meeting(demo.committee, outstanding)
            began = time.perf_counter()
            data = pdf.meeting_pdf(meeting)
            took = time.perf_counter() - began
            pages = pages_of(data)
            print(
                f"{outstanding} outstanding actions: {took:.2f} s, {pages} pages, "
                f"{took / pages * 1000:.0f} ms per page, {len(data) / 1024:.0f} KiB"
            )
            _clean(meeting)
    finally:
        stop()


def _clean(meeting):
    from actions.models import Action
    from minutes.models import Meeting

    earlier = Meeting.objects.get(committee=meeting.committee, number=meeting.number - 1)
    Action.objects.filter(meeting=earlier).delete()
    meeting.delete()
    earlier.delete()


if __name__ == "__main__":
    main()
