"""The one door to actions: who may see them and who may act on them as an owner."""

from django.http import Http404

from actions.models import Action
from minutes.models import Membership


def actions_visible_to(user):
    """Actions of the committees the user has any role on (readers included); staff see all."""
    if not user.is_authenticated:
        return Action.objects.none()
    if user.is_staff:
        return Action.objects.all()
    return Action.objects.filter(committee__memberships__user=user)


def reference_slug(action):
    """The action's reference as a URL part: "OPSG 55/01" -> "OPSG-55-01"."""
    return action.reference.replace(" ", "-").replace("/", "-")


def get_action_for(user, slug):
    """The action `slug` names, if the user may see it; 404 otherwise (outsiders must not learn it exists)."""
    code, _, rest = slug.partition("-")
    number, _, sequence = rest.partition("-")
    if not (code and number.isdigit() and sequence.isdigit()):
        raise Http404("No such action.")
    reference = f"{code} {int(number)}/{int(sequence):02d}"
    action = (
        actions_visible_to(user)
        .select_related("committee", "meeting__committee", "item")
        .filter(reference=reference)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def owned_by(user):
    """Actions the user owns: as a person, or through their organisation."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        return Action.objects.none()
    from django.db.models import Q

    condition = Q(owner_people=person)
    if person.organisation_id:
        condition |= Q(owner_organisations=person.organisation_id)
    return Action.objects.filter(condition).distinct()


def is_secretary_of(user, committee_id):
    return (
        user.is_staff
        or Membership.objects.filter(
            user=user, committee_id=committee_id, role=Membership.Role.SECRETARY
        ).exists()
    )
