"""Setting up meetings, and approving earlier minutes by a decision: each atomic and keyword-only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from simple_history.utils import bulk_create_with_history

from minutes.models import AgendaItem, Attendance, ItemKind, Meeting


def meeting_next_number(committee):
    """The number a new meeting of `committee` is offered: the last one plus one."""
    last = Meeting.objects.filter(committee=committee).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def next_item_number(committee, meeting=None):
    """Where a new meeting's item numbers start for a committee numbering items continuously: after
    the last number of its latest meeting before `meeting` (without one, of its latest meeting)."""
    previous = Meeting.objects.filter(committee=committee)
    if meeting is not None:
        previous = previous.filter(
            Q(held_on__lt=meeting.held_on) | Q(held_on=meeting.held_on, number__lt=meeting.number)
        )
    previous = previous.order_by("-held_on", "-number").first()
    if previous is None:
        return 1
    numbered = AgendaItem.objects.filter(meeting=previous, parent=None).exclude(kind=ItemKind.HEADING).count()
    return previous.first_item_number + numbered


@transaction.atomic
def meeting_create(*, committee, copy_attendance=False, **fields):
    """Create a meeting with the committee's standard agenda.

    With `copy_attendance`, the attendance list of the committee's latest earlier
    meeting is the starting point (everyone present again, role notes kept).
    """
    meeting = Meeting(committee=committee, **fields)
    if committee.numbers_items_continuously and "first_item_number" not in fields:
        meeting.first_item_number = next_item_number(committee, meeting)
    meeting.full_clean()
    meeting.save()
    standard = list(committee.standard_agenda_items.all())
    top = [entry for entry in standard if entry.parent_id is None]
    for position, entry in enumerate(top, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting, title=entry.title, kind=entry.kind, minutes_text=entry.text, position=position
        )
        children = [child for child in standard if child.parent_id == entry.pk]
        for child_position, child in enumerate(children, start=1):
            AgendaItem.objects.create(
                meeting=meeting,
                parent=item,
                title=child.title,
                kind=child.kind,
                minutes_text=child.text,
                position=child_position,
            )
    if copy_attendance:
        previous = meeting.earlier_meetings().order_by("-held_on", "-number").first()
        if previous is not None:
            bulk_create_with_history(
                [
                    Attendance(
                        meeting=meeting,
                        person_id=old.person_id,
                        seat_category_id=old.seat_category_id,
                        status=old.status,
                        role_note=old.role_note,
                        position=old.position,
                    )
                    for old in previous.attendances.all()
                ],
                Attendance,
            )
    return meeting


@transaction.atomic
def minutes_approve_by_decision(*, decision, by):
    """A decision of a later meeting agrees earlier draft minutes: they become approved.

    The decision links the two meetings (as OPSG_55's item 1 does for OPSG_53).
    """
    earlier = decision.approves_minutes_of
    if earlier is None:
        raise ValidationError("This decision does not approve any minutes.")
    earlier.approve(by=by, at_meeting=decision.item.meeting, note=f"{decision.verb} {decision.text}")
    return earlier


def minutes_awaiting_approval(meeting):
    """Circulated minutes of earlier meetings of the committee: what `meeting` may approve."""
    return (
        meeting.earlier_meetings()
        .filter(minutes_status=Meeting.Status.CIRCULATED)
        .select_related("committee")
    )
