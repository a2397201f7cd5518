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
    category: SeatCategory
    attendances: list


@dataclass
class MeetingMinutes:
    meeting: Meeting
    present: list
    apologies: list
    items: list
    footnotes: list = field(default_factory=list)
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


def meeting_attendance(meeting):
    """(present, apologies): the meeting's attendance grouped by seat category, in two queries."""
    categories = list(SeatCategory.objects.filter(committee_id=meeting.committee_id))
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person__organisation")
        .order_by("position", "id")
    )
    present = _grouped(categories, [a for a in attendances if a.status == Attendance.Status.PRESENT])
    apologies = _grouped(categories, [a for a in attendances if a.status == Attendance.Status.APOLOGIES])
    return present, apologies


def meeting_minutes(meeting, *, only_item=None):
    """Everything the minutes of `meeting` show, in a fixed number of queries.

    With `only_item` (an item id): what that item shows, and no attendance.
    """
    committee = meeting.committee
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
    if only_item is None or apologies_items:
        present, apologies = meeting_attendance(meeting)
    else:
        present, apologies = [], []
    for item in apologies_items:
        if not (item.minutes_text or "").strip():
            # Written from the attendance until the secretary writes it out.
            item.generated_text = apologies_html(apologies)
            item.minutes_html = item.print_html = item.generated_text
    if only_item is not None:
        present, apologies = [], []
    minutes = MeetingMinutes(
        meeting=meeting, present=present, apologies=apologies, items=top, footnotes=numbered_footnotes
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
