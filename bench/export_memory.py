"""Peak memory of exporting the action log: BENCH_EXPORT_ACTIONS actions (default 100,000) as CSV and
as XLSX, each through Django's test client in a child process that reads the answer to its end and
reports its peak resident memory (VmHWM). The baseline, in the same run, is the same child asking
for the export of an empty log: what a process takes to start Django and answer at all. The actions
are made with the bulk action log import. Every exported file is checked to hold every row.
Run with DATABASE_URL set to measure PostgreSQL.
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

from _setup import ROOT, start
from import_actions import HEADINGS
from import_actions import rows as generated_rows

ACTIONS = int(os.environ.get("BENCH_EXPORT_ACTIONS", "100000"))


def child(database_url, path, query, out):
    """Run in a child process: export `path?query` as a member, write it to `out`, report memory."""
    code = f"""
import json, os, sys
sys.path.insert(0, {str(ROOT)!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "opsg.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment(debug=False)
client = Client()
client.force_login(get_user_model().objects.get(username="bench-member"))
response = client.get({path!r} + "?" + {query!r})
size = 0
with open({out!r}, "wb") as file:
    pieces = response.streaming_content if response.streaming else [response.content]
    for piece in pieces:
        size += len(piece)
        file.write(piece)
# VmHWM, the peak resident memory of this program (ru_maxrss would carry the parent's over exec).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"status": response.status_code, "bytes": size, "peak_mb": peak_kb / 1024}}))
"""
    env = {**os.environ, "DATABASE_URL": database_url, "CONN_MAX_AGE": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    stop = start()
    try:
        from django.contrib.auth import get_user_model
        from django.db import connection

        from actions.imports import read_table
        from actions.services.imports import import_actions_in_chunks
        from minutes.models import Committee, Membership, Organisation, Person

        settings = connection.settings_dict
        if connection.vendor == "postgresql":
            database_url = (
                f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
                f"/{settings['NAME']}"
            )
        else:
            database_url = f"sqlite:///{settings['NAME']}"
        # A member of both committees (staff would be asked for their second factor first).
        member = get_user_model().objects.create_user("bench-member")
        for name in ("DCC", "SECAS"):
            Organisation.objects.get_or_create(name=name)
        Person.objects.get_or_create(name="Jane Smith")
        committee = Committee.objects.create(code="BEXP", name="Export", decision_name="The Board")
        Committee.objects.create(code="EMPTY", name="Empty", decision_name="The Board")
        for each in Committee.objects.all():
            Membership.objects.create(committee=each, user=member, role=Membership.Role.MEMBER)
        begin = time.perf_counter()
        every = list(generated_rows("BEXP", ACTIONS))
        for first in range(0, ACTIONS, 50_000):  # the import takes files of up to 50,000 rows
            data = io.StringIO()
            writer = csv.writer(data)
            writer.writerow(HEADINGS)
            writer.writerows(every[first : first + 50_000])
            table = read_table("log.csv", data.getvalue().encode())
            import_actions_in_chunks(committee, table, by=None, filename="log")
        del every, data, table  # the children's memory is theirs alone, but keep the machine's free
        print(
            f"Export of {ACTIONS:,} actions ({connection.vendor}); made them in {time.perf_counter() - begin:.1f} s"
        )
        empty = Committee.objects.get(code="EMPTY")
        with tempfile.TemporaryDirectory() as folder:
            for kind in ("csv", "xlsx"):
                out = os.path.join(folder, f"log.{kind}")
                base = child(database_url, f"/actions/export.{kind}", f"committee={empty.pk}", out)
                begin = time.perf_counter()
                full = child(database_url, f"/actions/export.{kind}", f"committee={committee.pk}", out)
                seconds = time.perf_counter() - begin
                assert base["status"] == full["status"] == 200, (base, full)
                rows = _rows(out, kind)
                assert rows == ACTIONS + 1, (kind, rows)
                print(
                    f"  {kind.upper():<5} {full['bytes'] / 1024 / 1024:6.1f} MB file, {seconds:6.1f} s, "
                    f"peak {full['peak_mb']:6.1f} MB; empty log {base['peak_mb']:6.1f} MB; "
                    f"increase {full['peak_mb'] - base['peak_mb']:6.1f} MB; ratio {full['peak_mb'] / base['peak_mb']:.2f}; "
                    f"{rows - 1:,} rows checked"
                )
    finally:
        stop()


def _rows(path, kind):
    if kind == "csv":
        with open(path, encoding="utf-8-sig", newline="") as file:
            return sum(1 for _ in csv.reader(file))
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    count = sum(1 for _ in book.active.iter_rows(values_only=True))
    book.close()
    return count


if __name__ == "__main__":
    main()
