"""Importing minutes from a Word file: what it would do (preview_import), and doing it (import_minutes).

`minutes.word_import.read_minutes_docx` reads the file; this saves what it read as a meeting of
the committee: its details, attendance (people matched by name, new ones made), items and
sub-items with their text, decisions and footnotes. The actions raised and the Actions
Outstanding rows are the actions app's part (minutes.signals.minutes_import_checking and
minutes_imported). Two ways in:

- `draft`: the meeting lands as a draft for the secretary to correct, like one typed in;
- `archive`: minutes already published elsewhere become a published record whose official
  document is the original file (PublishedMinutes keeps it with its SHA-256 and serves it as
  it was); what was read from it serves search, the action log and Actions Outstanding.

A meeting the committee holds already is refused, except a placeholder made by an action log
import (no minutes yet), which the import fills in. Every row written leaves history "imported
from FILE" by the person importing. All or nothing.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from minutes.audit import recorded_as
from minutes.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Footnote,
    ItemKind,
    Meeting,
    Person,
    PublishedMinutes,
    SeatCategory,
)
from minutes.sanitize import minutes_text_problem
from minutes.services.attendance import attendance_add
from minutes.signals import minutes_import_checking, minutes_imported

MODES = {
    "draft": "a draft to correct",
    "archive": "a published record (the Word file stays the official document)",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MinutesImportRefused(ValueError):
    """An import that cannot be made as asked; nothing was saved. The message says why."""


@dataclass
class MinutesPreview:
    """What importing would do: the meeting it makes or fills, and what it would say about it."""

    number: int | None
    held_on: datetime.date | None
    placeholder: Meeting | None  # an imported placeholder the import fills in
    problems: list = field(default_factory=list)  # what stops the import, in words
    notes: list = field(default_factory=list)  # what it would do, in words
    new_categories: list = field(default_factory=list)  # seat category names to add

    @property
    def ok(self):
        return not self.problems


def _key(name):
    return " ".join(name.split()).casefold()


def _is_placeholder(meeting):
    return (
        meeting.imported_from
        and meeting.minutes_status == Meeting.Status.DRAFT
        and not meeting.items.exists()
        and not meeting.attendances.exists()
    )


def _category_name(imported, key):
    """The seat category called `key` (a name key) as the file first writes it."""
    return next(a.seat_category.strip() for a in imported.attendance if _key(a.seat_category) == key)[:100]


def _categories(committee, imported):
    """{name key: SeatCategory or None (to add)} for the categories the attendance names."""
    known = {_key(category.name): category for category in SeatCategory.objects.filter(committee=committee)}
    wanted = {}
    for attendee in imported.attendance:
        name = attendee.seat_category.strip()
        if name and _key(name) not in wanted:
            wanted[_key(name)] = known.get(_key(name))
    return wanted, known


def preview_import(committee, imported, *, number=None, held_on=None):
    """What importing `imported` (ImportedMinutes) into `committee` would do, as a MinutesPreview.
    `number` and `held_on` stand in for what the file does not say (or override it)."""
    number = number or imported.number
    held_on = held_on or imported.held_on
    preview = MinutesPreview(number=number, held_on=held_on, placeholder=None)
    if number is None:
        preview.problems.append("The file does not say the meeting's number: give it.")
    if held_on is None:
        preview.problems.append("The file does not say when the meeting was held: give the date.")
    if number is not None:
        existing = Meeting.objects.filter(committee=committee, number=number).first()
        if existing is not None and _is_placeholder(existing):
            preview.placeholder = existing
        elif existing is not None:
            preview.problems.append(
                f"{existing.reference} is already here ({existing.get_minutes_status_display().lower()} "
                "minutes): give another number, or delete that meeting first."
            )
    if imported.reference and not imported.reference.upper().startswith(f"{committee.code.upper()}_"):
        preview.notes.append(
            f"The file names its meeting {imported.reference}: it is imported into the {committee.code} all the same."
        )
    if not imported.items:
        preview.problems.append("No agenda items were found in the file: there is nothing to import.")
    reference = f"{committee.code}_{number}" if number is not None else f"{committee.code} meeting"
    when = f" held on {held_on:%-d %B %Y}" if held_on else ""
    action = "fills in the placeholder" if preview.placeholder else "makes"
    preview.notes.insert(0, f"The import {action} {reference}{when}.")
    statuses = [attendee.status for attendee in imported.attendance]
    people = {
        _key(person.name) for person in Person.objects.filter(name__in=[a.name for a in imported.attendance])
    }
    new_people = sum(1 for attendee in imported.attendance if _key(attendee.name) not in people)
    preview.notes.append(
        f"Attendance: {statuses.count('present')} present, {statuses.count('apologies')} apologies, "
        f"{statuses.count('observer')} observers"
        + (f" ({new_people} not known yet, added as new people)." if new_people else ".")
    )
    wanted, _ = _categories(committee, imported)
    preview.new_categories = [
        _category_name(imported, key) for key, category in wanted.items() if category is None
    ]
    for name in preview.new_categories:
        preview.notes.append(f"Seat category “{name}” is added to the {committee.code}.")
    items = list(imported.all_items())
    for item in items:
        problem = minutes_text_problem(item.minutes_html)
        if problem:
            preview.problems.append(f"Item {item.number or item.title}: {problem}")
    decisions = sum(len(item.decisions) for item in items)
    footnotes = sum(len(item.footnotes) for item in items)
    preview.notes.append(
        f"{len(imported.items)} items and {len(items) - len(imported.items)} sub-items, "
        f"{decisions} decisions, {footnotes} footnotes."
    )
    for _, said in minutes_import_checking.send(sender=Meeting, committee=committee, imported=imported):
        preview.notes += said or []
    preview.notes += imported.warnings
    return preview


@transaction.atomic
def import_minutes(
    *, committee, imported, by, filename, mode="draft", original=None, number=None, held_on=None
):
    """Save `imported` (ImportedMinutes read from `filename`) as a meeting of `committee`, as `by`;
    returns (meeting, notes: what was done, in words). `mode` is "draft" or "archive" (then
    `original`, the file's bytes, becomes the official document). Refused with
    MinutesImportRefused (nothing saved) for what preview_import lists as problems."""
    if mode not in MODES:
        raise MinutesImportRefused(f"Import as {' or '.join(MODES)}.")
    if mode == "archive" and not original:
        raise MinutesImportRefused("A record keeps the original file: give it.")
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    preview = preview_import(committee, imported, number=number, held_on=held_on)
    if preview.problems:
        raise MinutesImportRefused(" ".join(preview.problems))
    notes = []
    with recorded_as(by if getattr(by, "is_authenticated", False) else None, f"imported from {filename}"):
        meeting = _meeting(committee, imported, preview, filename)
        items = _items(meeting, imported)
        _attendance(meeting, imported, items, committee)
        for _, said in minutes_imported.send(
            sender=Meeting, meeting=meeting, imported=imported, items=items, by=by, filename=filename
        ):
            notes += said or []
        if mode == "archive":
            _publish_record(meeting, by=by, filename=filename, original=original)
    return meeting, notes


def _first_number(imported):
    for item in imported.items:
        if item.kind != ItemKind.HEADING and item.number.split(".")[0].isdigit():
            return int(item.number.split(".")[0])
    return 1


def _meeting(committee, imported, preview, filename):
    meeting = preview.placeholder or Meeting(committee=committee, number=preview.number)
    meeting.held_on = preview.held_on
    meeting.start_time = imported.start_time
    meeting.end_time = imported.end_time
    meeting.location = imported.location[:200]
    meeting.next_main_meeting_on = imported.next_main_meeting_on
    meeting.next_reporting_meeting_on = imported.next_reporting_meeting_on
    meeting.first_item_number = _first_number(imported)
    meeting.imported_from = filename[: Meeting._meta.get_field("imported_from").max_length]
    try:
        meeting.full_clean()
    except ValidationError as error:
        raise MinutesImportRefused(" ".join(error.messages)) from None
    meeting.save()
    return meeting


def _item(meeting, imported_item, position, parent=None):
    item = AgendaItem(
        meeting=meeting,
        parent=parent,
        position=position,
        kind=imported_item.kind if imported_item.kind in ItemKind.values else ItemKind.ITEM,
        title=imported_item.title[:300] or "(untitled item)",
        paper_reference=imported_item.paper_reference[
            : AgendaItem._meta.get_field("paper_reference").max_length
        ],
        minutes_text=imported_item.minutes_html,
        is_deferred=imported_item.is_deferred,
        deferred_note=imported_item.deferred_note[: AgendaItem._meta.get_field("deferred_note").max_length],
    )
    item.save()
    for number, decision in enumerate(imported_item.decisions, start=1):
        Decision.objects.create(item=item, verb=decision.verb[:40], text=decision.text, position=number)
    anchor_length = Footnote._meta.get_field("anchor_text").max_length
    for number, footnote in enumerate(imported_item.footnotes, start=1):
        Footnote.objects.create(
            item=item,
            anchor_text=footnote.anchor_text[:anchor_length],
            occurrence=max(footnote.occurrence, 1),
            text=footnote.text,
            position=number,
        )
    return item


def _items(meeting, imported):
    """Save the items; returns {id(ImportedItem): AgendaItem}."""
    saved = {}
    for position, imported_item in enumerate(imported.items, start=1):
        item = _item(meeting, imported_item, position)
        saved[id(imported_item)] = item
        for child_position, child in enumerate(imported_item.children, start=1):
            saved[id(child)] = _item(meeting, child, child_position, parent=item)
    return saved


def _attendance(meeting, imported, items, committee):
    wanted, known = _categories(committee, imported)
    first = SeatCategory.objects.filter(committee=committee).first()
    for key, category in wanted.items():
        if category is None:
            wanted[key] = SeatCategory.objects.create(
                committee=committee, name=_category_name(imported, key), position=len(known) + len(wanted)
            )
    if first is None and any(not attendee.seat_category.strip() for attendee in imported.attendance):
        first = SeatCategory.objects.create(committee=committee, name="Members", position=1)
    by_number = {item.number: item for item in items.values()}
    listed = {}
    for attendee in imported.attendance:
        if _key(attendee.name) in listed:
            continue  # listed twice in the file: the first listing stands
        try:
            attendance = attendance_add(
                meeting=meeting,
                name=attendee.name[:200],
                organisation_name=attendee.organisation[:200],
                seat_category=wanted.get(_key(attendee.seat_category)) or first,
                status=attendee.status if attendee.status in Attendance.Status.values else "present",
                role_note=attendee.role_note[:100],
                initials=attendee.initials[:10],
                remote=attendee.remote,
                joined_at_item=by_number.get(attendee.joined_at),
                left_after_item=by_number.get(attendee.left_after),
            )
        except ValidationError as error:
            raise MinutesImportRefused(f"{attendee.name}: {' '.join(error.messages)}") from None
        listed[_key(attendee.name)] = attendance
    for attendee in imported.attendance:
        absent = listed.get(_key(attendee.sits_in_for)) if attendee.sits_in_for else None
        attendance = listed.get(_key(attendee.name))
        if absent is not None and attendance is not None and absent.pk != attendance.pk:
            attendance.alternate_for = absent
            attendance.save(update_fields=["alternate_for"])


def _publish_record(meeting, *, by, filename, original):
    """Make the imported meeting a published record whose official document is `original`."""
    note = f"Imported as a record from {filename}: the original file is the official document."
    Meeting.objects.filter(pk=meeting.pk).update(printed_conventions=meeting.committee.printing_conventions())
    meeting.refresh_from_db(fields=["printed_conventions"])
    meeting._transition(expected=[Meeting.Status.DRAFT], to=Meeting.Status.PUBLISHED, by=by, note=note)
    PublishedMinutes.objects.create(
        meeting=meeting,
        version=1,
        pdf=original,
        sha256=hashlib.sha256(original).hexdigest(),
        published_by=by,
        note=note,
        content_type=DOCX,
        filename=filename[:255],
    )
