"""The history page of one action: every recorded change to it, its owners, target dates and updates."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from actions.history import action_history_page, action_raised_at
from actions.references import action_named
from minutes.access import get_meeting_for_revisions
from opsg.security import log_refused


@require_safe
@login_required
def action_history(request, reference, action_id):
    # Updates given at meetings whose minutes are unpublished show here: like the
    # meeting's history, for the committee's members, not readers.
    meeting = get_meeting_for_revisions(request.user, reference)
    found = action_raised_at(meeting, action_id)
    if found is None:
        log_refused(request, f"no action {action_id} raised at {meeting.reference}")
        raise Http404("No such action at this meeting.")
    action_reference, is_deleted = found
    page, entries = action_history_page(action_id, page_number=request.GET.get("page"))
    return render(
        request,
        "actions/history/action_history.html",
        {
            "meeting": meeting,
            "action_reference": action_reference,
            "action_named": action_named(action_reference),
            "is_deleted": is_deleted,
            "page": page,
            "entries": entries,
        },
    )


urlpatterns = [
    path(
        "meetings/<str:reference>/actions/<int:action_id>/history/",
        action_history,
        name="action-history",
    ),
]
