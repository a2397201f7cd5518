"""`manage.py configure_committee FILE.toml`: create or update a committee from its conventions file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minutes.conventions_file import FileRefused, configure


class Command(BaseCommand):
    help = (
        "Create or update the committee a TOML file describes (code, name, lead_in, decision_verbs, "
        "decision_list, action_reference, action_numbering, [[seat_categories]], [[standard_agenda]], "
        "[[members]]). Safe to run again; says what changed. A bad file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the conventions file, e.g. committees/PAB.toml")

    def handle(self, file, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot be read ({error}).") from None
        try:
            committee, report = configure(text)
        except FileRefused as refusal:
            raise CommandError(f"{file}: {refusal} Nothing was changed.") from None
        self.stdout.write(f"{committee.code}: {report}")
