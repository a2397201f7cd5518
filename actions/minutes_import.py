"""The actions' part of importing minutes from a Word file (minutes.services.word_import).

Actions raised in the minutes (their call-outs) are raised at the imported meeting with their
references as the file has them; an action the committee holds already is left as it is.
The Actions Outstanding rows are earlier actions: those the action log lacks are imported as
historic actions (the action log import does it: their meetings from their references or dates
raised, placeholders where needed), then the update and status the meeting gave each one are
recorded at the imported meeting, as the drafting page records them.
"""

import re

from django.core.exceptions import ValidationError
from django.dispatch import receiver

from actions.imports import Table, guess_owner_kind, name_key, reference_reader
from actions.models import Action
from actions.services.imports import Known, import_actions
from minutes.models import ActionStatus, Organisation, Person
from minutes.signals import minutes_import_checking, minutes_imported

# The columns an Actions Outstanding row gives the action log import.
OUTSTANDING_HEADINGS = [
    "Reference",
    "Action",
    "Owner",
    "Date raised",
    "Target date",
    "Revised target date",
    "Meeting",
]
# The meeting's number in a reference of the usual form, whatever the committee's pattern: "OPSG 43/08".
MEETING_IN_REFERENCE = re.compile(r"(\d+)\s*/\s*\d+\s*$")


def _raised(imported):
    """[(ImportedItem, ImportedAction)] for every action raised in the minutes, in print order."""
    return [(item, action) for item in imported.all_items() for action in item.actions]


def _outstanding(imported):
    return [row for item in imported.all_items() for row in item.outstanding]


def _status_of(label, known):
    """(label, is_open) of the committee's status printed as `label`, or None if it has none such."""
    return known.statuses.get(name_key(label)) if label else None


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


@receiver(minutes_import_checking)
def say_what_the_actions_import_does(sender, *, committee, imported, **kwargs):
    known = Known.of(committee)
    said = []
    raised = _raised(imported)
    if raised:
        there = [action.reference for _, action in raised if action.reference in known.actions]
        said.append(
            f"{_plural(len(raised), 'action')} raised at the meeting"
            + (
                f"; {', '.join(there)} already in the action log, left as {'it is' if len(there) == 1 else 'they are'}."
                if there
                else "."
            )
        )
    rows = _outstanding(imported)
    if rows:
        missing = [row.reference for row in rows if row.reference not in known.actions]
        updates = sum(1 for row in rows if row.update or row.status)
        said.append(
            f"Actions Outstanding: {_plural(len(rows), 'action')}, {_plural(updates, 'update')} recorded at the meeting"
            + (
                f"; not in the action log yet, imported as historic actions: {', '.join(missing)}."
                if missing
                else "."
            )
        )
        unknown = sorted({row.status for row in rows if row.status and _status_of(row.status, known) is None})
        for label in unknown:
            said.append(f"Status “{label}” is not one of the {committee.code}'s: those actions stay open.")
    owners = {name for _, action in raised for name in action.owners} | {
        name for row in _outstanding(imported) for name in row.owners
    }
    new = sorted(name for name in owners if name_key(name) not in known.owners)
    if new:
        said.append(f"New owners, added: {', '.join(new)}.")
    return said


def _owner(name, known):
    key = name_key(name)
    if key not in known.owners:
        model = Person if guess_owner_kind(name) == "person" else Organisation
        known.owners[key] = model.objects.create(name=name[:200])
    return known.owners[key]


def _import_missing(meeting, rows, known, *, by, filename):
    """Import the outstanding actions the log lacks as historic actions; returns what it said."""
    missing = [row for row in rows if row.reference not in known.actions]
    if not missing:
        return []
    read = reference_reader(meeting.committee)

    def raised_at(reference):
        """The number of the meeting that raised an action: from the committee's pattern, or from
        a reference written as most committees write them ("OPSG 43/08" -> 43)."""
        number, _ = read(reference)
        found = MEETING_IN_REFERENCE.search(reference)
        return str(number) if number is not None else (found.group(1) if found else "")

    table = Table(
        headings=OUTSTANDING_HEADINGS,
        rows=[
            (
                number,
                [
                    row.reference,
                    row.text,
                    ", ".join(row.owners),
                    row.raised_on.isoformat() if row.raised_on else "",
                    row.target_on.isoformat() if row.target_on else "",
                    row.revised_target_on.isoformat() if row.revised_target_on else "",
                    raised_at(row.reference),
                ],
            )
            for number, row in enumerate(missing, start=1)
        ],
        kind="Word",
    )
    result = import_actions(meeting.committee, table, by=by, filename=filename, valid_only=True)
    said = [f"Historic actions from Actions Outstanding: {result.summary}."]
    for row in result.rows:
        if row.errors:
            said.append(f"{row.reference or f'Row {row.number}'} was left out: {' '.join(row.errors)}")
    return said


@receiver(minutes_imported)
def import_the_actions(sender, *, meeting, imported, items, by, filename, **kwargs):
    committee = meeting.committee
    known = Known.of(committee)
    said = []
    read = reference_reader(committee)
    raised = 0
    for imported_item, imported_action in _raised(imported):
        existing = known.actions.get(imported_action.reference)
        item = items[id(imported_item)]
        if existing is not None:
            if existing.meeting_id == meeting.pk and existing.item_id is None:
                Action.objects.filter(pk=existing.pk).update(item=item)
            continue
        meeting_number, sequence = read(imported_action.reference)
        try:
            action = Action.objects.raise_action(
                meeting=meeting,
                item=item,
                text=imported_action.text or imported_action.reference,
                owners=[_owner(name, known) for name in imported_action.owners],
                target_on=imported_action.target_on,
                reference=imported_action.reference,
                sequence=sequence if meeting_number in (None, meeting.number) else None,
                by=by,
            )
        except ValidationError as error:
            said.append(f"{imported_action.reference} was not raised: {' '.join(error.messages)}")
            continue
        known.actions[action.reference] = action
        raised += 1
    if raised:
        said.append(f"{_plural(raised, 'action')} raised at {meeting.reference}.")
    rows = _outstanding(imported)
    said += _import_missing(meeting, rows, known, by=by, filename=filename)
    said += _record_updates(meeting, rows, committee, by=by)
    return said


def _record_updates(meeting, rows, committee, *, by):
    known = Known.of(committee)
    labels = {status.label: status for status in ActionStatus.objects.filter(committee=committee)}
    recorded, said = 0, []
    for row in rows:
        action = known.actions.get(row.reference)
        if action is None or not (row.update or row.status):
            continue
        status = _status_of(row.status, known)
        label, is_open = status if status else (None, True)
        try:
            action.record_meeting_update(
                meeting=meeting,
                text=row.update,
                status=Action.Status.OPEN if is_open else Action.Status.CLOSED,
                label=labels.get(label),
                revised_target_on=row.revised_target_on,
                by=by,
            )
        except ValidationError as error:
            said.append(f"The update on {row.reference} was not recorded: {' '.join(error.messages)}")
            continue
        recorded += 1
    if recorded:
        said.append(f"{_plural(recorded, 'update')} recorded on outstanding actions.")
    return said
