"""Keep each action's search document in step with its text, owners and updates."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from actions.models import Action, ActionUpdate


@receiver(post_save, sender=Action)
def action_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        instance.refresh_search_document()


@receiver(post_save, sender=ActionUpdate)
@receiver(post_delete, sender=ActionUpdate)
def update_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        action = Action.objects.filter(pk=instance.action_id).first()
        if action is not None:
            action.refresh_search_document()


@receiver(m2m_changed, sender=Action.owner_organisations.through)
@receiver(m2m_changed, sender=Action.owner_people.through)
def owners_changed(sender, instance, action, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Action):
        instance.refresh_search_document()
