"""Lists across actions: an owner's My actions, and the proposals waiting for a secretary."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from actions.models import Action, ActionProposal, ActionUpdate
from minutes.access import committees_drafted_by, refuse_unless
from minutes.models import display_name


@require_safe
@login_required
def proposal_list(request):
    """Pending proposals on the actions of the committees the user is secretary of (staff: all)."""
    committees = committees_drafted_by(request.user)
    refuse_unless(
        committees.exists(),
        request.user,
        "the proposals list is for secretaries",
        "The list of proposals is for the committees' secretaries.",
    )
    proposals = list(
        ActionProposal.objects.filter(status=ActionProposal.Status.PENDING, action__committee__in=committees)
        .select_related("action__committee", "action__meeting__committee", "proposed_by")
        .prefetch_related("action__owner_organisations", "action__owner_people", "action__target_dates")
        .order_by("proposed_at", "id")
    )
    for proposal in proposals:
        proposal.proposer = (
            display_name(proposal.proposed_by) if proposal.proposed_by_id else proposal.proposed_by_name
        )
    return render(request, "actions/owner/proposal_list.html", {"proposals": proposals})


@require_safe
@login_required
def my_actions(request):
    """The logged-in owner's open actions, across committees, with target dates and latest updates."""
    user = request.user
    person = getattr(user, "person", None)
    today = timezone.localdate()
    actions = list(
        Action.objects.owned_by(user)
        .open()
        .filter(pk__in=Action.objects.visible_to(user).values("pk"))
        .with_overdue(today)
        .select_related("committee", "meeting__committee", "status_label")
        .prefetch_related(
            "owner_organisations",
            "owner_people",
            "target_dates",
            Prefetch("updates", ActionUpdate.objects.visible_to(user).select_related("author")),
            Prefetch(
                "proposals",
                ActionProposal.objects.filter(status=ActionProposal.Status.PENDING),
                to_attr="pending_proposals",
            ),
        )
        .order_by("committee__code", "raised_on", "sequence", "id")
    )
    for action in actions:
        action.target_on = action.current_target_on
        updates = list(action.updates.all())
        action.latest_update = updates[-1] if updates else None
        if action.latest_update is not None:
            update = action.latest_update
            update.by = display_name(update.author) if update.author_id else update.author_name
    counts = {
        "open": len(actions),
        "overdue": sum(1 for action in actions if action.is_overdue),
        "proposed_closed": sum(1 for action in actions if action.is_proposed_closed),
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
