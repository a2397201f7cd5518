"""Workflows on actions that touch several rows: each is atomic and keyword-only."""

from django.core.exceptions import ValidationError
from django.db import transaction

from actions.models import Action, ActionUpdate, meeting_update_token
from minutes.models import EditConflict

# What an action edit form changes, and so what its edit token covers.
ACTION_EDIT_FIELDS = ("text", "owner_organisations", "owner_people", "current_target_on")


@transaction.atomic
def action_edit(*, action, text, owners, target_on, based_on, meeting=None, by=None):
    """Change an action's text, owners and target date, unless someone else changed them first.

    `based_on` is the edit token the form started from; EditConflict (with the
    action as it is now, or None if it was deleted) if it no longer matches. A new
    target date is a new step of the history, recorded at `meeting`; a target date
    cannot be removed, only replaced.
    """
    current = Action.objects.select_for_update().filter(pk=action.pk).first()
    if current is None or current.edit_token(ACTION_EDIT_FIELDS) != based_on:
        raise EditConflict(current)
    if not owners:
        raise ValidationError("An action needs at least one owner.")
    previous_target_on = current.current_target_on
    if target_on is None and previous_target_on is not None:
        raise ValidationError("A target date can be changed but not removed.")
    current.text = text.strip()
    current.save(update_fields=["text"])
    current.set_owners(owners)
    if target_on is not None and target_on != previous_target_on:
        current.target_dates.create(target_on=target_on, meeting=meeting, recorded_by=by)
    return current


@transaction.atomic
def action_record_meeting_update(
    *, action, meeting, text, status, revised_target_on=None, by=None, based_on=None
):
    """Record (or correct) the update given on `action` at `meeting`, and apply it to the action.

    One update per action and meeting: created the first time, changed in place
    afterwards. The target date agreed at the meeting is one step of the history,
    created, changed or (when cleared) removed. The action's status follows the
    update: closed on the meeting's date, or reopened. With `based_on` (the token of
    the update the form started from), EditConflict with the update as it is now if
    someone else recorded it meanwhile; nothing is written then.
    """
    if status not in Action.Status.values:
        raise ValidationError(f"{status!r} is not a status of an action.")
    action = Action.objects.select_for_update().get(pk=action.pk)
    update = action.update_at(meeting)
    if based_on is not None and meeting_update_token(update) != based_on:
        raise EditConflict(update)

    if update is None:
        update = ActionUpdate(action=action, meeting=meeting)
    update.given_on = meeting.held_on
    update.text = text.strip()
    update.status_after = status
    update.author = by
    update.save()

    agreed = list(action.target_dates.filter(meeting=meeting))
    if revised_target_on is None:
        for entry in agreed:
            entry.delete()
    elif agreed:
        entry = agreed[-1]
        if entry.target_on != revised_target_on:
            entry.target_on, entry.recorded_by = revised_target_on, by
            entry.save(update_fields=["target_on", "recorded_by"])
    else:
        action.target_dates.create(target_on=revised_target_on, meeting=meeting, recorded_by=by)

    closed_on = meeting.held_on if status == Action.Status.CLOSED else None
    if (action.status, action.closed_on) != (status, closed_on):
        action.status, action.closed_on = status, closed_on
        action.save(update_fields=["status", "closed_on"])
    if status == Action.Status.CLOSED:
        # An owner's closure proposal is settled by the closure at the meeting.
        from actions.services.owners import proposals_settle_on_close

        proposals_settle_on_close(action=action, by=by, meeting=meeting)
    return update
