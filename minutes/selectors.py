"""What a meeting's minutes show, fetched in one place.

The meeting page and the PDF both read minutes through `meeting_minutes`, which
costs the same fixed number of queries however many items, attendees and
actions a meeting has.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.html import format_html

from actions.models import Action, ActionUpdate, TargetDate
from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    ItemKind,
    Meeting,
    SeatCategory,
    decision_wording,
    number_items,
)
from minutes.sanitize import insert_after_text


@dataclass
class CategoryGroup:
    category: SeatCategory
    attendances: list


@dataclass
class OutstandingAction:
    """One row of the Actions Outstanding table and the update given at the meeting."""

    action: Action
    last_target_on: object
    revised_target_on: object
    updates: list

    @property
    def status_label(self):
        if self.updates:
            return self.updates[-1].get_status_after_display()
        return self.action.get_status_display()


@dataclass
class MeetingMinutes:
    meeting: Meeting
    present: list
    apologies: list
    items: list
    outstanding: list
    footnotes: list = field(default_factory=list)

    @property
    def all_items(self):
        """Every item, sub-items included, in the order they print."""
        return list(_in_print_order(self.items))

    @property
    def committee(self):
        return self.meeting.committee


def _actions_prefetch(queryset):
    target_dates = TargetDate.objects.select_related("meeting")
    return queryset.prefetch_related(
        "owner_organisations",
        "owner_people",
        Prefetch("target_dates", queryset=target_dates),
    )


def _grouped(categories, attendances):
    groups = {category.pk: CategoryGroup(category, []) for category in categories}
    for attendance in attendances:
        groups[attendance.seat_category_id].attendances.append(attendance)
    return [group for group in groups.values() if group.attendances]


def meeting_minutes(meeting):
    """Everything the minutes of `meeting` show, in a fixed number of queries."""
    committee = meeting.committee
    categories = list(SeatCategory.objects.filter(committee=committee))
    attendances = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person__organisation")
        .order_by("position", "id")
    )
    items = list(AgendaItem.objects.filter(meeting=meeting))
    decisions = list(
        Decision.objects.filter(item__meeting=meeting).select_related("approves_minutes_of__committee")
    )
    footnotes = list(Footnote.objects.filter(item__meeting=meeting))
    raised = list(_actions_prefetch(Action.objects.filter(meeting=meeting)).order_by("sequence"))
    outstanding_actions = list(
        _actions_prefetch(Action.objects.outstanding_at(meeting))
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.filter(meeting=meeting),
                to_attr="updates_at_meeting",
            )
        )
        .order_by("meeting__held_on", "meeting__number", "sequence")
    )

    by_item = {}
    for decision in decisions:
        by_item.setdefault(decision.item_id, {}).setdefault("decisions", []).append(decision)
    for action in raised:
        by_item.setdefault(action.item_id, {}).setdefault("actions", []).append(action)
    for footnote in footnotes:
        by_item.setdefault(footnote.item_id, {}).setdefault("footnotes", []).append(footnote)

    top = number_items(items)
    outstanding = []
    for action in outstanding_actions:
        last, revised = action.target_dates_at(meeting)
        outstanding.append(OutstandingAction(action, last, revised, action.updates_at_meeting))

    numbered_footnotes = []
    for item in _in_print_order(top):
        parts = by_item.get(item.pk, {})
        item.item_decisions = parts.get("decisions", [])
        item.decision_wording = decision_wording(committee.decision_name, item.item_decisions)
        item.item_actions = parts.get("actions", [])
        item.item_footnotes = []
        html = print_html = item.minutes_text
        for footnote in parts.get("footnotes", []):
            footnote.number = len(numbered_footnotes) + 1
            numbered_footnotes.append(footnote)
            item.item_footnotes.append(footnote)
            mark = format_html(
                '<sup class="footnote-ref"><a href="#footnote-{0}" id="footnote-ref-{0}" '
                'aria-label="Footnote {0}">{0}</a></sup>',
                footnote.number,
            )
            html = insert_after_text(html, footnote.anchor_text, mark)
            # In print the footnote's own text stands where it is called; CSS floats it to
            # the foot of the page.
            note = format_html('<span class="footnote">{}</span>', footnote.text)
            print_html = insert_after_text(print_html, footnote.anchor_text, note)
        item.minutes_html = html
        item.print_html = print_html
        item.outstanding = outstanding if item.kind == ItemKind.ACTIONS_OUTSTANDING else []

    # Actions raised at this meeting whose item was deleted still belong to it.
    loose = by_item.get(None, {}).get("actions", [])
    if loose and top:
        top[-1].item_actions = top[-1].item_actions + loose

    return MeetingMinutes(
        meeting=meeting,
        present=_grouped(categories, [a for a in attendances if a.status == Attendance.Status.PRESENT]),
        apologies=_grouped(categories, [a for a in attendances if a.status == Attendance.Status.APOLOGIES]),
        items=top,
        outstanding=outstanding,
        footnotes=numbered_footnotes,
    )


def _in_print_order(top):
    for item in top:
        yield item
        yield from item.sub_items
