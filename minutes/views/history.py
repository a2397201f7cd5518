"""The meeting's history page: every recorded change to the meeting, with who and when (minutes/history.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from minutes.access import get_meeting_for_revisions
from minutes.history import meeting_history_page, meeting_links


@require_safe
@login_required
def meeting_history(request, reference):
    # The history shows draft wording: like revisions, it is for the committee's members.
    meeting = get_meeting_for_revisions(request.user, reference)
    page, entries = meeting_history_page(meeting, page_number=request.GET.get("page"))
    return render(
        request,
        "minutes/history/meeting_history.html",
        {"meeting": meeting, "page": page, "entries": entries, "link_sections": meeting_links(meeting)},
    )


urlpatterns = [
    path("meetings/<str:reference>/history/", meeting_history, name="meeting-history"),
]
