"""A committee's conventions, changed by its secretaries: atomic and keyword-only.

Changing a convention never rewrites published minutes (their PDFs are stored as
published); drafts print with the new convention, and references already given stay
as they are.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError

from minutes.models import ActionStatus, Committee, Meeting
from minutes.signals import conventions_changing

# What the settings page and the conventions file change.
CONVENTION_FIELDS = (
    "name",
    "decision_name",
    "decision_verbs",
    "decision_list",
    "item_numbering",
    "print_paper_references",
    "action_reference",
    "action_numbering",
    "attendance_columns",
    "attendance_grouping",
)


def _highest_number(committee):
    """The highest action number the committee has given: a meeting counter never falls behind the
    numbers given at its meeting, whatever the numbering."""
    meetings = Meeting.objects.filter(committee_id=committee.pk).aggregate(top=Max("last_action_sequence"))
    return max(committee.last_action_number, meetings["top"] or 0)


def next_references(committee, count=3):
    """The references the next actions of the committee's latest meeting would get, as a preview.

    `committee` may hold unsaved changes: the preview shows what they would give.
    """
    latest = Meeting.objects.filter(committee_id=committee.pk).order_by("-held_on", "-number").first()
    meeting_number = latest.number if latest is not None else 1
    if committee.numbers_actions_per_committee:
        start = _highest_number(committee) if committee.pk is not None else 0
    else:
        start = latest.last_action_sequence if latest is not None else 0
    return [committee.action_reference_for(meeting_number, start + n) for n in range(1, count + 1)]


@transaction.atomic
def committee_configure(*, committee, **values):
    """Change the committee's conventions (CONVENTION_FIELDS); returns the names of the fields changed.

    Refused with ValidationError (per field; nothing saved) if a value is not valid,
    or if another app says the change cannot be made (minutes.signals.conventions_changing:
    the actions refuse a pattern that would give a reference already used). Numbering
    switched to per committee continues after the highest number given.
    """
    unknown = set(values) - set(CONVENTION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown conventions: {', '.join(sorted(unknown))}.")
    current = Committee.objects.select_for_update().get(pk=committee.pk)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean()
    if not changed:
        return []
    if "action_numbering" in changed and current.numbers_actions_per_committee:
        current.last_action_number = _highest_number(current)
    conventions_changing.send(sender=Committee, committee=current, changed=changed)
    current.save()
    for name in (*changed, "last_action_number"):
        setattr(committee, name, getattr(current, name))
    return changed


DEFAULT_STATUSES = [("Open", True), ("Closed", False)]


def committee_statuses(committee):
    """The committee's action statuses as (label, is_open), in order: its own, else Open and Closed."""
    own = [(status.label, status.is_open) for status in committee.action_statuses.all()]
    return own or list(DEFAULT_STATUSES)


@transaction.atomic
def committee_set_statuses(*, committee, statuses):
    """Make the committee's action statuses `statuses` [(label, is_open)], in that order; returns
    what changed, in words. Refused (ValidationError, nothing saved) for a blank or repeated label,
    without an open and a closed status, or removing a status that actions have."""
    statuses = [(label.strip(), bool(is_open)) for label, is_open in statuses]
    if any(not label for label, _ in statuses):
        raise ValidationError({"statuses": "A status needs a label."})
    labels = [label.lower() for label, _ in statuses]
    if len(set(labels)) != len(labels):
        raise ValidationError({"statuses": "Each status once, please: a label is listed twice."})
    if any(len(label) > 40 for label, _ in statuses):
        raise ValidationError({"statuses": "Keep each status under 40 characters."})
    if not any(is_open for _, is_open in statuses) or all(is_open for _, is_open in statuses):
        raise ValidationError(
            {"statuses": "Give at least one open status (carried forward) and one closed status."}
        )
    if statuses == committee_statuses(committee):
        return []
    existing = {
        status.label: status
        for status in ActionStatus.objects.select_for_update().filter(committee=committee)
    }
    changes = []
    for label in existing.keys() - {label for label, _ in statuses}:
        try:
            existing[label].delete()
        except ProtectedError:
            raise ValidationError(
                {"statuses": f"“{label}” is the status of actions or updates already: it cannot be removed."}
            ) from None
        changes.append(f"status removed: {label!r}")
    for position, (label, is_open) in enumerate(statuses, start=1):
        status = existing.get(label)
        if status is None:
            ActionStatus.objects.create(committee=committee, label=label, is_open=is_open, position=position)
            changes.append(f"status added: {label!r} ({'open' if is_open else 'closed'})")
        elif (status.is_open, status.position) != (is_open, position):
            if status.is_open != is_open and status.actions.exists():
                raise ValidationError(
                    {
                        "statuses": f"“{label}” is the status of actions already: it cannot change between open and closed."
                    }
                )
            status.is_open, status.position = is_open, position
            status.save(update_fields=["is_open", "position"])
            changes.append(f"status changed: {label!r} ({'open' if is_open else 'closed'}, place {position})")
    return changes
