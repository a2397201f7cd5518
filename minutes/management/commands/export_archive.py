"""`manage.py export_archive CODE -o FILE.zip`: write the committee's archive (see minutes/archive.py)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from minutes.archive import archive_chunks, archive_filename
from minutes.management.lookups import committee_coded


class Command(BaseCommand):
    help = (
        "Write everything about the committee CODE in one zip: published PDFs, minutes and actions as "
        "JSON, the action log as CSV, the conventions file. E.g. `export_archive OPSG -o OPSG.zip`."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the committee's code, e.g. OPSG")
        parser.add_argument(
            "-o",
            "--output",
            help="file to write, - for standard output (default: '<CODE>_archive_<YYYY-MM-DD>.zip')",
        )

    def handle(self, code, output=None, **options):
        committee = committee_coded(code)
        if output == "-":
            for chunk in archive_chunks(committee):
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
            return
        path = Path(output or archive_filename(committee))
        # Written beside the file and renamed at the end: a failed export leaves no half archive.
        partial = path.with_name(path.name + ".part")
        size = 0
        try:
            with partial.open("wb") as file:
                for chunk in archive_chunks(committee):
                    file.write(chunk)
                    size += len(chunk)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(f"Wrote {path} ({size:,} bytes).")
