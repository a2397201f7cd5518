"""Lists across actions: an owner's My actions, and the proposals waiting for a secretary."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.access import actions_visible_to, owned_by, reference_slug
from actions.models import ActionProposal, ActionUpdate
from actions.story import display_name
from minutes.models import Membership


@require_safe
@login_required
def proposal_list(request):
    """Pending proposals on the actions of the committees the user is secretary of (staff: all)."""
    user = request.user
    proposals = ActionProposal.objects.filter(status=ActionProposal.Status.PENDING)
    if not user.is_staff:
        committees = Membership.objects.filter(user=user, role=Membership.Role.SECRETARY).values("committee")
        if not committees.exists():
            raise PermissionDenied("The list of proposals is for the committees' secretaries.")
        proposals = proposals.filter(action__committee__in=committees)
    proposals = list(
        proposals.select_related("action__committee", "action__meeting__committee", "proposed_by")
        .prefetch_related("action__owner_organisations", "action__owner_people", "action__target_dates")
        .order_by("proposed_at", "id")
    )
    for proposal in proposals:
        proposal.proposer = (
            display_name(proposal.proposed_by) if proposal.proposed_by_id else proposal.proposed_by_name
        )
        proposal.slug = reference_slug(proposal.action)
    return render(request, "actions/owner/proposal_list.html", {"proposals": proposals})


# ---- My actions ------------------------------------------------------------------------


@require_safe
@login_required
def my_actions(request):
    """The logged-in owner's open actions, across committees, with target dates and latest updates."""
    user = request.user
    person = getattr(user, "person", None)
    actions = list(
        owned_by(user)
        .open()
        .filter(pk__in=actions_visible_to(user).values("pk"))
        .select_related("committee", "meeting__committee")
        .prefetch_related(
            "owner_organisations",
            "owner_people",
            "target_dates",
            Prefetch("updates", ActionUpdate.objects.select_related("author")),
            Prefetch(
                "proposals",
                ActionProposal.objects.filter(status=ActionProposal.Status.PENDING),
                to_attr="pending_proposals",
            ),
        )
        .order_by("committee__code", "raised_on", "sequence", "id")
    )
    today = timezone.localdate()
    for action in actions:
        action.slug = reference_slug(action)
        action.target_on = action.current_target_on
        action.is_overdue = action.target_on is not None and action.target_on < today
        updates = list(action.updates.all())
        action.latest_update = updates[-1] if updates else None
        if action.latest_update is not None:
            update = action.latest_update
            update.by = display_name(update.author) if update.author_id else update.author_name
    counts = {
        "open": len(actions),
        "overdue": sum(1 for action in actions if action.is_overdue),
        "proposed_closed": sum(1 for action in actions if action.status == "proposed_closed"),
        "pending": sum(len(action.pending_proposals) for action in actions),
    }
    return render(
        request,
        "actions/owner/my_actions.html",
        {"actions": actions, "counts": counts, "person": person, "today": today},
    )


urlpatterns = [
    path("actions/mine/", my_actions, name="my-actions"),
    path("actions/proposals/", proposal_list, name="proposals"),
]
