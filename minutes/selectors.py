"""What a meeting's minutes show, fetched in one place.

The meeting page, the drafting page and the PDF read minutes through
`meeting_minutes`, which costs the same fixed number of queries however many
items, attendees and actions a meeting has. With `only_item`, it fetches what one
item shows (a block of the drafting page), still numbered as in the whole minutes.

Other apps add their parts (the actions raised on each item, the Actions
Outstanding table) by registering a function with `register_minutes_part` from
their AppConfig.ready(): the minutes know where such parts go, not what they are.
"""

from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from minutes.models import (
    ATTENDANCE_COLUMNS,
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    Meeting,
    SeatCategory,
    decision_wording,
    number_items,
)
from minutes.sanitize import anchor_offset, end_offset, insert_marks

_parts = []


def register_minutes_part(part):
    """Add `part(minutes, only_item=None)` to what every minutes fetch runs.

    It is called with the MeetingMinutes built so far (every item numbered, with
    empty `item_actions` and `outstanding`) and fills in what its app shows, in a
    fixed number of queries; with `only_item` (an item id) only that item's part.
    Registering the same function twice has no effect.
    """
    if part not in _parts:
        _parts.append(part)
    return part


@dataclass
class CategoryGroup:
    category: SeatCategory | None  # None: the committee prints one list
    attendances: list


@dataclass
class AttendanceTables:
    """The attendance tables as the committee prints them."""

    present: list
    apologies: list
    observers: list
    columns: list  # [(key, header)] of ATTENDANCE_COLUMNS
    grouped: bool  # by seat category

    @property
    def printed(self):
        """(title, groups) of each table, attendees first."""
        return [("Attendees:", self.present), ("Apologies:", self.apologies), ("Observers:", self.observers)]

    @property
    def classic(self):
        """Category | Members, names listed per category: the layout of the OPSG's minutes."""
        return self.grouped and [key for key, _ in self.columns] == ["seat_category", "name"]


@dataclass
class MeetingMinutes:
    meeting: Meeting
    present: list
    apologies: list
    items: list
    footnotes: list = field(default_factory=list)
    observers: list = field(default_factory=list)
    attendance: AttendanceTables | None = None
    # Filled by the registered parts: the Actions Outstanding rows.
    outstanding: list = field(default_factory=list)

    @property
    def all_items(self):
        """Every item, sub-items included, in the order they print."""
        return list(_in_print_order(self.items))

    @property
    def committee(self):
        return self.meeting.committee

    def item(self, item_id):
        """The item `item_id` as these minutes show it, or None."""
        return next((item for item in _in_print_order(self.items) if item.pk == item_id), None)


def _grouped(categories, attendances):
    groups = {category.pk: CategoryGroup(category, []) for category in categories}
    for attendance in attendances:
        groups[attendance.seat_category_id].attendances.append(attendance)
    return [group for group in groups.values() if group.attendances]


def seat_categories_as_printed(meeting):
    """The committee's seat categories in the order and with the names `meeting`'s minutes print:
    published minutes keep those they were published with (Meeting.printed_conventions)."""
    categories = list(SeatCategory.objects.filter(committee_id=meeting.committee_id))
    kept = (
        (meeting.printed_conventions or {}).get("seat_categories")
        if meeting.minutes_status == Meeting.Status.PUBLISHED
        else None
    )
    if not kept:
        return categories
    printed = [
        SeatCategory(pk=pk, committee_id=meeting.committee_id, name=name, position=position)
        for position, (pk, name) in enumerate(kept, start=1)
    ]
    known = {category.pk for category in printed}
    return printed + [category for category in categories if category.pk not in known]


def meeting_attendance(meeting, items=None):
    """The meeting's attendance as its committee prints it (an AttendanceTables), in a fixed number of
    queries. `items` are the meeting's items, numbered, if the caller has them (for "from item 4")."""
    committee = meeting.committee_as_printed()
    categories = seat_categories_as_printed(meeting)
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person__organisation", "alternate_for__person")
        .order_by("position", "id")
    )
    by_pk = {category.pk: category for category in categories}
    for attendance in attendances:
        attendance.seat_category = by_pk[attendance.seat_category_id]
    if items is None and any(a.joined_at_item_id or a.left_after_item_id for a in attendances):
        items = list(AgendaItem.objects.filter(meeting=meeting))
        number_items(items, start=meeting.first_item_number)
    numbers = {item.pk: item.number for item in items or []}
    by_absent = {}
    for attendance in attendances:
        if attendance.alternate_for_id:
            by_absent.setdefault(attendance.alternate_for_id, []).append(attendance.person.name)
    keys = committee.attendance_column_list
    for attendance in attendances:
        attendance.notes = _notes(attendance, numbers, by_absent.get(attendance.pk, []))
        attendance.cells = _cells(attendance, keys)
    grouped = committee.attendance_grouping == "seat_category"

    def groups(status):
        chosen = [a for a in attendances if a.status == status]
        return _grouped(categories, chosen) if grouped else ([CategoryGroup(None, chosen)] if chosen else [])

    columns = [(key, ATTENDANCE_COLUMNS[key]) for key in committee.attendance_column_list]
    return AttendanceTables(
        present=groups(Attendance.Status.PRESENT),
        apologies=groups(Attendance.Status.APOLOGIES),
        observers=groups(Attendance.Status.OBSERVER),
        columns=columns,
        grouped=grouped,
    )


def _cells(attendance, keys):
    """The row an attendance table prints for `attendance`, one cell per column `keys`."""
    person = attendance.person
    notes = attendance.notes
    if "role_note" in keys and attendance.role_note:
        notes = notes[1:]  # the role has a column of its own
    values = {
        "name": f"{person.name} ({'; '.join(notes)})" if notes else person.name,
        "initials": attendance.initials,
        "organisation": person.organisation.name if person.organisation_id else "",
        "seat_category": attendance.seat_category.name,
        "role_note": attendance.role_note,
    }
    return [values[key] for key in keys]


def _notes(attendance, numbers, represented_by):
    """What the minutes say after a name, in brackets: role, remote, part of the meeting, alternates."""
    notes = [attendance.role_note] if attendance.role_note else []
    if attendance.remote:
        notes.append("remote")
    joined, left = numbers.get(attendance.joined_at_item_id), numbers.get(attendance.left_after_item_id)
    if joined and left:
        notes.append(f"items {joined} to {left}")
    elif joined:
        notes.append(f"from item {joined}")
    elif left:
        notes.append(f"until item {left}")
    if attendance.alternate_for_id:
        notes.append(f"for {attendance.alternate_for.person.name}")
    if represented_by:
        notes.append(f"represented by {' and '.join(represented_by)}")
    return notes


def meeting_minutes(meeting, *, only_item=None):
    """Everything the minutes of `meeting` show, in a fixed number of queries.

    With `only_item` (an item id): what that item shows, and no attendance.
    """
    committee = meeting.committee_as_printed()
    items = list(AgendaItem.objects.filter(meeting=meeting))
    decisions = Decision.objects.filter(item__meeting=meeting).select_related(
        "approves_minutes_of__committee"
    )
    if only_item is not None:
        decisions = decisions.filter(item_id=only_item)
    # Every footnote of the meeting, also for one item: they are numbered through the minutes.
    footnotes = list(Footnote.objects.filter(item__meeting=meeting))

    by_item = {}
    for decision in decisions:
        by_item.setdefault(decision.item_id, {}).setdefault("decisions", []).append(decision)
    for footnote in footnotes:
        by_item.setdefault(footnote.item_id, {}).setdefault("footnotes", []).append(footnote)

    top = number_items(items, start=meeting.first_item_number)
    numbered_footnotes = []
    for item in _in_print_order(top):
        parts = by_item.get(item.pk, {})
        item.item_decisions = parts.get("decisions", [])
        item.decision_wording = decision_wording(
            committee.decision_name, item.item_decisions, committee.decision_list
        )
        item.item_actions = []
        item.outstanding = []
        item.item_footnotes = []
        item.heading_text = heading_text(item, committee)
        shown = only_item is None or item.pk == only_item
        text = item.minutes_text
        # Numbered in the order their marks stand in the text (as the PDF numbers them); notes
        # on the same words keep their order.
        placed = []
        for footnote in parts.get("footnotes", []):
            offset = anchor_offset(text, footnote.anchor_text, footnote.occurrence)
            placed.append(
                (end_offset(text) if offset is None else offset, footnote.position, footnote.pk, footnote)
            )
        marks, notes = [], []
        for offset, _position, _pk, footnote in sorted(placed):
            footnote.number = len(numbered_footnotes) + 1
            numbered_footnotes.append(footnote)
            item.item_footnotes.append(footnote)
            if shown:
                marks.append(
                    (
                        offset,
                        format_html(
                            '<sup class="footnote-ref"><a href="#footnote-{0}" id="footnote-ref-{0}" '
                            'aria-label="Footnote {0}">{0}</a></sup>',
                            footnote.number,
                        ),
                    )
                )
                # In print the footnote's own text stands where it is called; CSS floats it to
                # the foot of the page.
                notes.append((offset, format_html('<span class="footnote">{}</span>', footnote.text)))
        html = insert_marks(text, marks) if marks else text
        print_html = insert_marks(text, notes) if notes else text
        item.minutes_html = html
        item.print_html = print_html

    apologies_items = [
        item for item in _in_print_order(top) if item.is_apologies and only_item in (None, item.pk)
    ]
    attendance = None
    if only_item is None or apologies_items:
        attendance = meeting_attendance(meeting, items)
    for item in apologies_items:
        if not (item.minutes_text or "").strip():
            # Written from the attendance until the secretary writes it out.
            item.generated_text = apologies_html(attendance.apologies)
            item.minutes_html = item.print_html = item.generated_text
    if only_item is not None:
        attendance = None
    minutes = MeetingMinutes(
        meeting=meeting,
        present=attendance.present if attendance else [],
        apologies=attendance.apologies if attendance else [],
        observers=attendance.observers if attendance else [],
        attendance=attendance,
        items=top,
        footnotes=numbered_footnotes,
    )
    for part in _parts:
        part(minutes, only_item=only_item)
    return minutes


def apologies_html(apologies):
    """The Apologies item's text, from the attendance: "Apologies were received from A (DCC) and B."."""
    names = [
        format_html("{} ({})", a.person.name, a.person.organisation.name)
        if a.person.organisation_id
        else format_html("{}", a.person.name)
        for group in apologies
        for a in group.attendances
    ]
    if not names:
        return format_html("<p>{}</p>", "No apologies were received.")
    listed = (
        names[0] if len(names) == 1 else format_html("{} and {}", mark_safe(", ".join(names[:-1])), names[-1])
    )
    return format_html("<p>Apologies were received from {}.</p>", listed)


def heading_text(item, committee):
    """How an item's heading prints: "3. PMR Report", a heading's title alone, and the paper it
    considers where the committee prints paper references: "3. PMR Report (OPSG_55_03)"."""
    text = item.title if item.is_heading else f"{item.number}. {item.title}"
    if committee.print_paper_references and item.paper_reference:
        text = f"{text} ({item.paper_reference})"
    return text


def _in_print_order(top):
    for item in top:
        yield item
        yield from item.sub_items
