import datetime

from django.core.management.base import BaseCommand, CommandError

from actions.services.reminders import send_action_reminders


class Command(BaseCommand):
    help = (
        "E-mail owners about open actions due within 7 days or overdue. "
        "Safe to run from cron as often as wanted: nobody gets the same reminder twice on one day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the reminders; send and record none."
        )
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, today=None, **options):
        if today is not None:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r}: give a date as YYYY-MM-DD.") from None
        summary = send_action_reminders(today=today, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(f"{verb} {summary}.")
