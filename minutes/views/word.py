"""The minutes as a Word document (see minutes.docx), for whoever may download their PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from minutes.access import get_meeting_for


@require_safe
@login_required
def meeting_docx_view(request, reference):
    """The minutes as .docx, laid out like the PDF; built anew each time (it is quick)."""
    from minutes.docx import CONTENT_TYPE, docx_filename, meeting_docx

    meeting = get_meeting_for(request.user, reference)
    response = HttpResponse(meeting_docx(meeting), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=docx_filename(meeting)
    )
    return response


urlpatterns = [
    path("meetings/<str:reference>/docx/", meeting_docx_view, name="meeting-docx"),
]
