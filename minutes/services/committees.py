"""A committee's conventions, changed by its secretaries: atomic and keyword-only.

Changing a convention never rewrites published minutes (their PDFs are stored as
published); drafts print with the new convention, and references already given stay
as they are.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from minutes.models import Committee, Meeting
from minutes.signals import conventions_changing

# What the settings page and the conventions file change.
CONVENTION_FIELDS = (
    "name",
    "decision_name",
    "decision_verbs",
    "decision_list",
    "action_reference",
    "action_numbering",
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
