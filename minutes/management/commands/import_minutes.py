"""`manage.py import_minutes --committee CODE FILE.docx [--as draft|archive]`: bring Word minutes in."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minutes.management.lookups import committee_coded, user_called
from minutes.services.word_import import MODES, MinutesImportRefused, import_minutes, preview_import
from minutes.word_import import WordFileRefused, read_minutes_docx


class Command(BaseCommand):
    help = (
        "Import a meeting's minutes from a Word file (.docx): its details, attendance, items, "
        "decisions, footnotes, the actions raised and the updates on Actions Outstanding. "
        "--as draft (the default) makes a draft to correct; --as archive makes a published record "
        "whose official document is the Word file itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the minutes, .docx")
        parser.add_argument("--committee", required=True, help="the committee's code, e.g. OPSG")
        parser.add_argument("--as", dest="mode", choices=sorted(MODES), default="draft")
        parser.add_argument("--number", type=int, help="the meeting's number, where the file does not say it")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="the meeting's date (YYYY-MM-DD), where the file does not say it",
        )
        parser.add_argument("--dry-run", action="store_true", help="say what would be imported; save nothing")
        parser.add_argument(
            "--user", help="the username the history names as importing (needed for --as archive)"
        )

    def handle(self, file, committee, mode, number, date, dry_run, user, **options):
        committee = committee_coded(committee)
        by = user_called(user)
        if by is None and mode == "archive" and not dry_run:
            raise CommandError("--as archive publishes a record: say who with --user USERNAME.")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None
        try:
            imported = read_minutes_docx(data, filename=path.name, committee=committee)
        except WordFileRefused as error:
            raise CommandError(f"{file}: {error} Nothing was changed.") from None
        preview = preview_import(committee, imported, number=number, held_on=date)
        for line in preview.notes:
            self.stdout.write(line)
        if preview.problems:
            raise CommandError(" ".join(preview.problems) + " Nothing was changed.")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        try:
            meeting, notes = import_minutes(
                committee=committee,
                imported=imported,
                by=by,
                filename=path.name,
                mode=mode,
                original=data,
                number=number,
                held_on=date,
            )
        except MinutesImportRefused as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for line in notes:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name} as {meeting.reference}: {MODES[mode]}."))
