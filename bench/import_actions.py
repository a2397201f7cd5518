"""Importing a large action log: BENCH_IMPORT_ROWS rows (default 10,000) as CSV and XLSX.

Prints, for each: reading and planning the file (what the preview does), the import itself,
and a second import of the same file (every row unchanged), with the queries each ran; and,
as the baseline measured in the same run, raising the same number of actions one by one
through Action.objects.raise_action, so the ratio says what the import costs per action
beyond the product's own way of making one. Run with DATABASE_URL set to measure PostgreSQL.
"""

import csv
import io
import os
import time

from _setup import start

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
HEADINGS = ["Action ID", "Action", "Date raised", "Target date", "Owner", "Status", "Latest update"]


def rows(code, count=None):
    """`count` (default BENCH_IMPORT_ROWS) rows of an action log, references in `code`'s pattern."""
    for n in range(ROWS if count is None else count):
        meeting, number = 100 + n // 50, n % 50 + 1
        yield [
            f"{code} {meeting}/{number:02}",
            f"Action {n}: the DCC to report on item {n % 97}.",
            f"{1 + meeting % 28:02}/{1 + meeting % 12:02}/2019",
            f"{1 + n % 28:02}/{1 + n % 12:02}/2020",
            ["DCC", "SECAS", "DCC / SECAS", "Jane Smith"][n % 4],
            "Open" if n % 3 else "Closed",
            f"Update {n}." if n % 2 else "",
        ]


def as_csv(code):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    writer.writerows(rows(code))
    return out.getvalue().encode("utf-8")


def as_xlsx(code):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADINGS)
    for row in rows(code):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure(label, function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        begin = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - begin
    print(f"  {label:<38} {seconds:8.2f} s  {len(queries):>8} queries")
    return result, seconds


def main():
    stop = start()
    try:
        from django.db import connection, transaction

        from actions.imports import read_table
        from actions.models import Action
        from actions.services.imports import import_actions, import_actions_in_chunks, plan_import
        from minutes.models import Committee, Meeting, Organisation, Person

        print(f"Import of {ROWS:,} actions ({connection.vendor})")
        for kind, data in (("CSV", as_csv("BCSV")), ("XLSX", as_xlsx("BXLSX"))):
            committee = Committee.objects.create(code=f"B{kind}", name=kind, decision_name="The Board")
            for name in ("DCC", "SECAS"):
                Organisation.objects.get_or_create(name=name)
            Person.objects.get_or_create(name="Jane Smith")
            print(f"{kind}, {len(data) / 1024 / 1024:.1f} MB")
            table, _ = measure(
                "read the file", lambda data=data, kind=kind: read_table(f"log.{kind.lower()}", data)
            )
            measure(
                "plan (the preview)", lambda committee=committee, table=table: plan_import(committee, table)
            )
            _, first = measure(
                "import",
                lambda committee=committee, table=table: import_actions(
                    committee, table, by=None, filename="log"
                ),
            )
            result, _ = measure(
                "import again (all unchanged)",
                lambda committee=committee, table=table: import_actions(
                    committee, table, by=None, filename="log"
                ),
            )
            assert result.counts["unchanged"] == ROWS, result.counts

        # As the import page's background job does it: a thousand rows per transaction.
        chunked = Committee.objects.create(code="BCHUNK", name="Chunks", decision_name="The Board")
        table = read_table("log.csv", as_csv("BCHUNK"))
        measure(
            "import in chunks (the background job)",
            lambda: import_actions_in_chunks(chunked, table, by=None, filename="log"),
        )

        baseline = Committee.objects.create(code="BASE", name="Base", decision_name="The Board")
        dcc = Organisation.objects.get(name="DCC")

        def raise_all():
            with transaction.atomic():
                meetings = {}
                for n in range(ROWS):
                    number = 100 + n // 50
                    if number not in meetings:
                        meetings[number] = Meeting.objects.create(
                            committee=baseline, number=number, held_on="2019-01-01"
                        )
                    Action.objects.raise_action(meeting=meetings[number], text=f"Action {n}.", owners=[dcc])

        _, base = measure("baseline: raise_action one by one", raise_all)
        print(f"import / baseline (XLSX import): {first / base:.2f}")
    finally:
        stop()


if __name__ == "__main__":
    main()
