"""A committee's archive, downloaded from its settings page by its secretaries (see minutes/archive.py)."""

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from minutes.access import get_committee_for, is_secretary, refuse_unless
from minutes.archive import archive_chunks, archive_filename


@require_GET
@login_required
def committee_archive(request, code):
    """The zip, streamed as it is written: as the settings page, outsiders get 404, other roles 403."""
    committee = get_committee_for(request.user, code)
    refuse_unless(
        is_secretary(request.user, committee.pk),
        request.user,
        f"may not download the archive of {committee.code}",
        "Only the committee's secretaries may download its archive.",
    )
    response = StreamingHttpResponse(archive_chunks(committee), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=archive_filename(committee)
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("committees/<str:code>/archive/", committee_archive, name="committee-archive"),
]
