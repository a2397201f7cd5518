"""What the audit engine (minutes/history.py) shows of actions.

The sources of an action's history page (the action with its owners, its
target dates, its updates), and the links to it from the history page of the
meeting that raised it, registered from ActionsConfig.ready().
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format

from actions.models import Action, ActionUpdate, TargetDate
from actions.references import action_named
from minutes.history import DELETED, MeetingHistoryLink, Source, history_page, register_meeting_links
from minutes.models import Meeting


def _target_subject(record, names):
    where = f" (agreed at {names(Meeting, record.meeting_id)})" if record.meeting_id else ""
    return date_format(record.target_on, "j F Y") + where


def _update_subject(record, names):
    where = f", given at {names(Meeting, record.meeting_id)}" if record.meeting_id else ""
    return f"of {date_format(record.given_on, 'j F Y')}{where}"


ACTION_SOURCES = [
    Source(
        "action",
        "Action",
        Action,
        ("raised action {subject}", "changed action {subject}", "deleted action {subject}"),
        ("committee", "meeting"),
        subject=lambda record, names: record.reference,
        m2m_fields=("owner_organisations", "owner_people"),
        m2m_label="Owners",
    ),
    Source(
        "target",
        "Target date",
        TargetDate,
        ("set target date {subject}", "changed target date {subject}", "removed target date {subject}"),
        ("action",),
        subject=_target_subject,
        subject_fields=("meeting",),
    ),
    Source(
        "update",
        "Update",
        ActionUpdate,
        ("recorded the update {subject}", "changed the update {subject}", "deleted the update {subject}"),
        ("action",),
        subject=_update_subject,
        subject_fields=("meeting",),
    ),
]


def action_history_page(action_id, *, page_number):
    """A page of the action's history: the action and its owners, its target dates and its updates."""
    return history_page(
        ACTION_SOURCES,
        {"action": Q(id=action_id), "target": Q(action_id=action_id), "update": Q(action_id=action_id)},
        page_number=page_number,
    )


def action_raised_at(meeting, action_id):
    """(reference, is_deleted) of action `action_id` if it was raised at the meeting, else None."""
    reference = (
        Action._base_manager.filter(pk=action_id, meeting=meeting).values_list("reference", flat=True).first()
    )
    if reference is not None:
        return reference, False
    # A deleted action keeps its history.
    reference = (
        Action.history.model.objects.filter(id=action_id, meeting_id=meeting.pk)
        .values_list("reference", flat=True)
        .first()
    )
    return None if reference is None else (reference, True)


def actions_raised_at(meeting):
    """Links to the history of each action raised at the meeting, with those deleted since."""
    current = dict(Action._base_manager.filter(meeting=meeting).values_list("pk", "reference"))
    deleted = (
        Action.history.model.objects.filter(meeting_id=meeting.pk, history_type=DELETED)
        .exclude(id__in=list(current))
        .order_by()
        .values_list("id", "reference")
        .distinct()
    )
    rows = [(pk, reference, False) for pk, reference in current.items()]
    rows += [(pk, reference, True) for pk, reference in deleted]
    return [
        MeetingHistoryLink(
            f"History of {action_named(reference)}",
            reverse("actions:action-history", args=[meeting.reference, pk]),
            is_deleted,
        )
        for pk, reference, is_deleted in sorted(rows, key=lambda row: row[1])
    ]


def register_actions_history_links():
    register_meeting_links(actions_raised_at, key="actions", heading="Actions raised at this meeting")
