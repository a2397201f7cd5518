from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minutes.models import Meeting
from minutes.pdf import meeting_pdf, pdf_filename


class Command(BaseCommand):
    help = "Write a meeting's minutes as PDF, e.g. `export_pdf OPSG_55 -o out.pdf`."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the meeting reference, e.g. OPSG_55")
        parser.add_argument(
            "-o", "--output", help="file to write (default: '<reference> <Draft Minutes>.pdf')"
        )

    def handle(self, reference, output=None, **options):
        try:
            meeting = Meeting.objects.select_related("committee").get_by_reference(reference)
        except Meeting.DoesNotExist as error:
            raise CommandError(f"No meeting {reference!r}.") from error
        pdf = meeting_pdf(meeting)
        path = Path(output or pdf_filename(meeting))
        path.write_bytes(pdf)
        self.stdout.write(f"Wrote {path} ({len(pdf):,} bytes).")
