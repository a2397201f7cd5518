"""Frozen revisions of the minutes, and redlines between any two of them.

Revisions are drafts: the committee's members (secretary, chair, member, action
owner) and staff see them; readers do not, even once the minutes are published.
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from minutes.access import get_meeting_for_revisions
from minutes.editing import INVALID
from minutes.forms.revisions import CompareForm
from minutes.models import MinutesRevision
from minutes.redline import redline


@require_safe
@login_required
def revision_list(request, reference):
    meeting = get_meeting_for_revisions(request.user, reference)
    revisions = list(
        MinutesRevision.objects.filter(meeting=meeting).select_related("created_by").defer("snapshot", "html")
    )
    for previous, revision in zip([None, *revisions], revisions, strict=False):
        revision.previous_number = previous.number if previous else None
    status = 200
    if "from_revision" in request.GET or "to_revision" in request.GET:
        form = CompareForm(request.GET, revisions=revisions)
        if form.is_valid():
            return redirect(
                "minutes:revision-redline",
                meeting.reference,
                form.cleaned_data["from_revision"],
                form.cleaned_data["to_revision"],
            )
        status = INVALID
    else:
        form = CompareForm(revisions=revisions)
    return render(
        request,
        "minutes/revisions/revision_list.html",
        {"meeting": meeting, "revisions": revisions, "form": form},
        status=status,
    )


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_HEADING = re.compile(r"<(/?)h([1-5])\b", re.IGNORECASE)
_TABLE = re.compile(r'<table class="')


def circulated_body(html):
    """The body of a revision's stored print HTML, its headings one level down, for the page.

    The HTML is our own print template's output (user text escaped, minutes text
    sanitised), so it is shown as it is; the page's own heading is the only h1.
    """
    match = _BODY.search(html or "")
    body = match.group(1) if match else ""
    body = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)
    # The print tables, in the app's table style.
    return _TABLE.sub('<table class="table table-sm table-bordered ', body)


@require_safe
@login_required
def revision_detail(request, reference, number):
    meeting = get_meeting_for_revisions(request.user, reference)
    revision = get_object_or_404(
        MinutesRevision.objects.select_related("created_by").defer("snapshot"), meeting=meeting, number=number
    )
    return render(
        request,
        "minutes/revisions/revision_detail.html",
        {
            "meeting": meeting,
            "revision": revision,
            # Our own print template's output, frozen when the revision was circulated.
            "body": mark_safe(circulated_body(revision.html)),
        },
    )


def _redline_context(request, reference, a, b):
    meeting = get_meeting_for_revisions(request.user, reference)
    found = {
        revision.number: revision
        for revision in MinutesRevision.objects.filter(meeting=meeting, number__in=[a, b])
        .select_related("created_by")
        .defer("html")
    }
    if a not in found or b not in found:
        raise Http404("No such revision.")
    old, new = found[a], found[b]
    items = redline(old.snapshot, new.snapshot)
    return {
        "meeting": meeting,
        "old": old,
        "new": new,
        "items": items,
        "changed_count": sum(1 for item in items if not item.is_unchanged),
        "unchanged_count": sum(1 for item in items if item.is_unchanged),
    }


@require_safe
@login_required
def revision_redline(request, reference, a, b):
    context = _redline_context(request, reference, a, b)
    return render(request, "minutes/revisions/redline.html", context)


def redline_filename(meeting, old, new):
    return f"{meeting.reference} Redline r{old.number}-r{new.number}.pdf"


@require_safe
@login_required
def revision_redline_pdf(request, reference, a, b):
    from minutes.pdf import APP_ORIGIN, html_to_pdf

    context = _redline_context(request, reference, a, b)
    html = render_to_string("minutes/print/redline.html", {**context, "static_base": APP_ORIGIN})
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=redline_filename(context["meeting"], context["old"], context["new"])
    )
    return response


urlpatterns = [
    path("meetings/<str:reference>/revisions/", revision_list, name="revision-list"),
    path("meetings/<str:reference>/revisions/<int:number>/", revision_detail, name="revision-detail"),
    path(
        "meetings/<str:reference>/revisions/<int:a>/<int:b>/redline/",
        revision_redline,
        name="revision-redline",
    ),
    path(
        "meetings/<str:reference>/revisions/<int:a>/<int:b>/redline.pdf",
        revision_redline_pdf,
        name="revision-redline-pdf",
    ),
]
