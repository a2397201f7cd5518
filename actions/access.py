"""The one door to actions: who may see them and who may act on them.

Which actions a user may see is `Action.objects.visible_to(user)` (actions raised at
a meeting the user may see; readers never see one raised in unpublished minutes),
which updates `ActionUpdate.objects.visible_to(user)`. Every page, list, count,
chart, export, feed and search starts from them; `get_action_for` answers 404 for
anything else, so that outsiders do not learn it exists. The predicates below say
who may act; views ask them after the door and answer 403 when they say no, and
templates show only the controls they allow.
"""

from django.http import Http404
from django.utils import timezone

from actions.models import Action
from actions.references import reference_from_old_slug
from minutes.access import is_secretary


def get_action_for(user, code, slug):
    """The action of committee `code` whose page `slug` names ("OPSG-55-01"), if the user may see it;
    404 otherwise."""
    action = (
        Action.objects.visible_to(user)
        .with_overdue(timezone.localdate())
        .select_related("committee", "meeting__committee", "item", "status_label")
        .filter(committee__code=code, slug=slug)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def get_action_by_old_address(user, old_slug):
    """The action an action page's address before committees had conventions named ("OPSG-55-01"),
    if the user may see it; 404 otherwise."""
    found = reference_from_old_slug(old_slug)
    action = None
    if found is not None:
        code, reference = found
        action = (
            Action.objects.visible_to(user)
            .select_related("committee")
            .filter(committee__code=code, reference=reference)
            .first()
        )
    if action is None:
        raise Http404("No such action.")
    return action


def can_act_as_owner(user, action):
    """The action's owners: their person owns it, or their organisation does."""
    return Action.objects.owned_by(user).filter(pk=action.pk).exists()


def can_decide(user, action):
    """The committee's secretaries and staff decide proposals and reopen closed actions."""
    return is_secretary(user, action.committee_id)


def can_post_update(user, action):
    """Owners, and the committee's secretaries (and staff), while the action is open."""
    return action.is_open and (can_decide(user, action) or can_act_as_owner(user, action))


def can_propose(user, action):
    """Only the owners propose closure or ask for a revised target date, while the action is open."""
    return action.is_open and can_act_as_owner(user, action)


def can_reopen(user, action):
    """A closed action is reopened by the committee's secretaries and staff."""
    return action.is_closed and can_decide(user, action)
