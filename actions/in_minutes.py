"""What actions add to a meeting's minutes: the actions raised on each item, and the Actions
Outstanding table with the update given at the meeting on each.

Registered with minutes.selectors from ActionsConfig.ready(), so that the meeting page,
the drafting page, the PDF and the frozen revisions show them in the minutes' fixed
number of queries, while the minutes app knows nothing of actions.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.functional import SimpleLazyObject

from actions.models import Action, ActionUpdate, TargetDate, status_choices


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
            return self.updates[-1].status_after_display
        return self.action.status_display


def _with_owners_and_dates(queryset):
    return queryset.select_related("status_label").prefetch_related(
        "owner_organisations",
        "owner_people",
        Prefetch("target_dates", queryset=TargetDate.objects.select_related("meeting")),
    )


def add_actions_to_minutes(minutes, *, only_item=None):
    """Fill `item_actions` of each item and the Actions Outstanding rows (see register_minutes_part).

    Actions raised at the meeting whose item was deleted still belong to it: they are
    shown under the last top-level item.
    """
    meeting = minutes.meeting
    last_top = minutes.items[-1] if minutes.items else None
    raised = Action.objects.filter(meeting=meeting)
    if only_item is not None:
        shown = Q(item_id=only_item)
        if last_top is not None and last_top.pk == only_item:
            shown |= Q(item__isnull=True)
        raised = raised.filter(shown)
    by_item = {}
    for action in _with_owners_and_dates(raised).order_by("sequence"):
        by_item.setdefault(action.item_id, []).append(action)
    for item in minutes.all_items:
        item.item_actions = by_item.get(item.pk, [])
    loose = by_item.get(None, [])
    if loose and last_top is not None:
        last_top.item_actions = last_top.item_actions + loose

    outstanding_items = [
        item for item in minutes.all_items if item.is_actions_outstanding and only_item in (None, item.pk)
    ]
    if only_item is not None and not outstanding_items:
        return
    rows = []
    outstanding = (
        _with_owners_and_dates(Action.objects.outstanding_at(meeting))
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.filter(meeting=meeting).select_related("status_label"),
                to_attr="updates_at_meeting",
            )
        )
        .order_by("meeting__held_on", "meeting__number", "sequence")
    )
    for action in outstanding:
        last, revised = action.target_dates_at(meeting)
        rows.append(OutstandingAction(action, last, revised, action.updates_at_meeting))
    minutes.outstanding = rows
    # What an update at the meeting may leave an action with: read only by the drafting page.
    minutes.action_status_choices = SimpleLazyObject(lambda: status_choices(meeting.committee))
    for item in outstanding_items:
        item.outstanding = rows
