"""Keep each action's search document (text, owners, updates) and target date in force in step;
delete the actions raised on agenda items the secretary deletes."""

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from actions.models import Action, ActionUpdate, TargetDate
from minutes.models import Meeting, Organisation, Person
from minutes.services.committees import next_references
from minutes.signals import conventions_changing, items_deleting, minutes_status_changed


def _action_of(instance):
    """The action an update or target date belongs to; None once the action is deleted."""
    return Action.objects.filter(pk=instance.action_id).first()


@receiver(post_save, sender=Action)
def action_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.refresh_search_document()


@receiver(post_save, sender=ActionUpdate)
@receiver(post_delete, sender=ActionUpdate)
def update_changed(sender, instance, raw=False, **kwargs):
    if not raw and (action := _action_of(instance)) is not None:
        action.refresh_search_document()


@receiver(m2m_changed, sender=Action.owner_organisations.through)
@receiver(m2m_changed, sender=Action.owner_people.through)
def owners_changed(sender, instance, action, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Action):
        instance.refresh_search_document()


@receiver(post_save, sender=TargetDate)
@receiver(post_delete, sender=TargetDate)
def target_date_changed(sender, instance, raw=False, **kwargs):
    if not raw and (action := _action_of(instance)) is not None:
        action.refresh_due_on()


@receiver(pre_save, sender=Organisation)
@receiver(pre_save, sender=Person)
def owner_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._name_before = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()


@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Person)
def owner_saved(sender, instance, raw=False, created=False, **kwargs):
    # A renamed owner: the actions it owns are found and sorted by the new name.
    if raw or created or getattr(instance, "_name_before", instance.name) == instance.name:
        return
    for action in instance.actions.prefetch_related("owner_organisations", "owner_people"):
        action.refresh_search_document()


@receiver(items_deleting)
def items_deleted(sender, meeting_id, item_ids, **kwargs):
    # Deleting an item deletes the actions raised on it; their references are never given again.
    Action.objects.filter(meeting_id=meeting_id, item__in=item_ids).delete()


@receiver(minutes_status_changed)
def minutes_published_or_reopened(sender, meeting, from_status, to_status, **kwargs):
    # Updates given at a meeting become searchable by readers once its minutes are published
    # (and stop being so while an amendment is drafted).
    published = Meeting.Status.PUBLISHED
    if published not in (from_status, to_status):
        return
    actions = Action.objects.filter(pk__in=ActionUpdate.objects.filter(meeting=meeting).values("action"))
    for action in actions.prefetch_related("owner_organisations", "owner_people"):
        action.refresh_search_document()


@receiver(conventions_changing)
def refuse_a_used_reference(sender, committee, changed, **kwargs):
    # A new pattern or numbering must not give again a reference an action already has.
    if not {"action_reference", "action_numbering"} & set(changed):
        return
    upcoming = next_references(committee, count=1)
    if Action.objects.filter(committee_id=committee.pk, reference__in=upcoming).exists():
        raise ValidationError(
            {
                "action_reference": f"The next action would get {upcoming[0]}, which an action of "
                f"{committee.code} already has: choose a pattern that gives new references."
            }
        )
