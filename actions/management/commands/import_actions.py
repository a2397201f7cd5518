"""`manage.py import_actions --committee CODE FILE [--dry-run]`: bring a committee's action log in."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.imports import FIELDS, IGNORE, ImportFileError, read_table
from actions.services.imports import ImportRefused, import_actions, plan_import
from minutes.management.lookups import committee_coded, user_called


def _pairs(values, what):
    pairs = {}
    for value in values or []:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise CommandError(f"{what}: write “{value}” as Heading=field.")
        pairs[left.strip()] = right.strip()
    return pairs


def describe(plan):
    """The plan as lines a secretary reads: one per row that does something, then the totals."""
    lines = []
    for row in plan.rows:
        if row.errors:
            lines.append(f"row {row.number}: {row.reference or '(no reference)'}: " + " ".join(row.errors))
        elif row.outcome == "new":
            lines.append(f"row {row.number}: {row.reference}: new")
        elif row.outcome == "updated":
            lines.append(f"row {row.number}: {row.reference}: updated ({', '.join(row.changes)})")
    for name, kind in plan.new_owners:
        lines.append(f"new owner ({kind}): {name}")
    for number, held_on in plan.new_meetings:
        lines.append(f"new placeholder meeting: number {number}, held {held_on:%d/%m/%Y}")
    counts = plan.counts
    lines.append(
        f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, "
        f"{counts['error']} in error"
    )
    return lines


class Command(BaseCommand):
    help = (
        "Import a committee's action log from a CSV or XLSX file: new actions keep their references "
        "as typed, actions already held are updated, unchanged rows are left alone. Safe to run "
        "again. Nothing is saved while a row is in error, unless --valid-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the action log, .csv or .xlsx")
        parser.add_argument("--committee", required=True, help="the committee's code, e.g. OPSG")
        parser.add_argument("--dry-run", action="store_true", help="say what would change; save nothing")
        parser.add_argument(
            "--column",
            action="append",
            metavar="HEADING=FIELD",
            help=f"what a column holds when its heading is not recognised: one of {', '.join(FIELDS)} "
            f"or {IGNORE}",
        )
        parser.add_argument(
            "--status",
            action="append",
            metavar="LABEL=STATUS",
            help="one of the committee's statuses for a label the file uses, e.g. Complete=Closed",
        )
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, skip the others"
        )
        parser.add_argument("--user", help="the username the history names as importing")

    def handle(self, file, committee, dry_run, column, status, valid_only, user, **options):
        committee = committee_coded(committee)
        by = user_called(user)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None
        columns = _pairs(column, "--column")
        unknown = sorted(set(columns.values()) - set(FIELDS) - {IGNORE})
        if unknown:
            raise CommandError(f"--column: {', '.join(unknown)} is not one of {', '.join(FIELDS)}, {IGNORE}.")
        statuses = _pairs(status, "--status")
        try:
            table = read_table(path.name, data)
        except ImportFileError as error:
            raise CommandError(f"{file}: {error} Nothing was changed.") from None
        plan = plan_import(committee, table, columns=columns, statuses=statuses)
        if plan.unrecognised:
            self.stdout.write(
                "Columns not recognised (ignored unless --column says): " + ", ".join(plan.unrecognised)
            )
        if plan.missing:
            raise CommandError(
                f"No column holds {plan.missing_words}: name it with --column HEADING=FIELD. Nothing was changed."
            )
        if plan.unknown_statuses:
            raise CommandError(
                "Statuses the committee does not have: "
                + ", ".join(plan.unknown_statuses)
                + ". Map each with --status LABEL=STATUS. Nothing was changed."
            )
        for line in describe(plan):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        if plan.errors and not valid_only:
            raise CommandError(
                f"{len(plan.errors)} row(s) are in error: correct them, or import the others with --valid-only. "
                "Nothing was changed."
            )
        if not plan.count("new") and not plan.count("updated"):
            self.stdout.write("Nothing to change: every action in the file is as it is here.")
            return
        try:
            result = import_actions(
                committee,
                table,
                by=by,
                filename=path.name,
                columns=columns,
                statuses=statuses,
                valid_only=valid_only,
            )
        except ImportRefused as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        self.stdout.write(f"Imported: {result.summary}.")
