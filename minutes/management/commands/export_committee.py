"""`manage.py export_committee CODE`: print the committee's conventions file (TOML)."""

from django.core.management.base import BaseCommand

from minutes.conventions_file import export
from minutes.management.lookups import committee_coded


class Command(BaseCommand):
    help = "Print the TOML file that configures the committee CODE as it is (see configure_committee)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the committee's code, e.g. OPSG")

    def handle(self, code, **options):
        committee = committee_coded(code)
        self.stdout.write(export(committee), ending="")
