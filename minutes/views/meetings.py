from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from minutes.access import MeetingAccess, committees_drafted_by, get_meeting_for
from minutes.filters import MeetingFilter
from minutes.models import Meeting
from minutes.selectors import meeting_minutes


@require_safe
@login_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("committee")
    meeting_filter = MeetingFilter(request.GET, queryset=meetings, user=request.user)
    page = Paginator(meeting_filter.qs, 25).get_page(request.GET.get("page"))
    committees_run = list(committees_drafted_by(request.user).only("code", "name"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "minutes/meeting_list.html",
        {
            "filter": meeting_filter,
            "page": page,
            "query": query.urlencode(),
            "can_create": bool(committees_run),
            "committees_run": committees_run,
        },
    )


@require_safe
@login_required
def meeting_detail(request, reference):
    meeting = get_meeting_for(request.user, reference)
    return render(
        request,
        "minutes/meeting_detail.html",
        {
            "meeting": meeting,
            "minutes": meeting_minutes(meeting),
            "access": MeetingAccess.of(request.user, meeting),
            "revisions": list(meeting.revisions.only("number", "created_at", "note").order_by("number")),
            "published_versions": list(meeting.published_versions.defer("pdf").order_by("version")),
            "approved_at": meeting.approved_at_meeting,
        },
    )


@require_safe
@login_required
def meeting_pdf_view(request, reference):
    """The minutes as PDF, rendered once per content version (see minutes.pdf)."""
    from minutes.pdf import meeting_pdf, pdf_filename

    meeting = get_meeting_for(request.user, reference)
    published = (
        meeting.published_versions.filter(content_type="application/pdf").order_by("-version").first()
        if meeting.is_published
        else None
    )
    # Published minutes are served as stored when published, never rendered again (minutes imported
    # as a record, whose official document is their original file, print from what was read).
    data = bytes(published.pdf) if published is not None else meeting_pdf(meeting)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=pdf_filename(meeting)
    )
    return response


urlpatterns = [
    path("meetings/", meeting_list, name="meeting-list"),
    path("meetings/<str:reference>/", meeting_detail, name="meeting-detail"),
    path("meetings/<str:reference>/pdf/", meeting_pdf_view, name="meeting-pdf"),
]
