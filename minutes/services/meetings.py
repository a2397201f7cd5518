"""Setting up meetings, and approving earlier minutes by a decision: each atomic and keyword-only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from minutes.models import AgendaItem, Attendance, Meeting


def meeting_next_number(committee):
    """The number a new meeting of `committee` is offered: the last one plus one."""
    last = Meeting.objects.filter(committee=committee).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def meeting_create(*, committee, copy_attendance=False, **fields):
    """Create a meeting with the committee's standard agenda.

    With `copy_attendance`, the attendance list of the committee's latest earlier
    meeting is the starting point (everyone present again, role notes kept).
    """
    meeting = Meeting(committee=committee, **fields)
    meeting.full_clean()
    meeting.save()
    for position, standard in enumerate(committee.standard_agenda_items.all(), start=1):
        AgendaItem.objects.create(
            meeting=meeting, title=standard.title, kind=standard.kind, position=position
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
