"""Attendance on the drafting page: add, change and remove people on a meeting's list.

After a change htmx gets the whole attendance section again (it is grouped by
seat category, so one change can move rows around); a plain form post is
redirected back to the section of the draft page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minutes.access import get_meeting_for
from minutes.drafting import attendance_block_context, drafting_context
from minutes.editing import INVALID, edit_part, into_slot
from minutes.forms.attendance import AttendanceAddForm, AttendanceEditForm
from minutes.models import Attendance
from minutes.services.attendance import (
    DETAILS,
    attendance_add,
    attendance_change,
    attendance_remove,
    describe_listing,
)
from minutes.views.parts import draft_url, render_part

SECTION = "minutes/drafting/_attendance.html"
ADD_FORM = "minutes/drafting/attendance/_add_form.html"
EDIT_FORM = "minutes/drafting/attendance/_edit_form.html"
ANCHOR = "attendance"


def _section(request, meeting, *, focus):
    """After a change: the section again for htmx, back to it on the draft page otherwise."""
    if request.htmx:
        return render(request, SECTION, attendance_block_context(meeting, focus=focus))
    return redirect(draft_url(meeting, ANCHOR))


def _attendance_for(request, reference, attendance_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    attendance = get_object_or_404(
        Attendance.objects.select_related("person", "seat_category"), pk=attendance_id, meeting=meeting
    )
    attendance.meeting = meeting
    return meeting, attendance


@require_safe
@login_required
def attendance_section(request, reference):
    """The section as it is now (the Cancel of an edit form loaded in place)."""
    meeting = get_meeting_for(request.user, reference, edit=True)
    if request.htmx:
        return render(request, SECTION, attendance_block_context(meeting))
    return redirect(draft_url(meeting, ANCHOR))


@require_http_methods(["GET", "POST"])
@login_required
def attendance_add_view(request, reference):
    meeting = get_meeting_for(request.user, reference, edit=True)
    if request.method == "GET":
        return render_part(
            request,
            ADD_FORM,
            {"attendance_form": AttendanceAddForm(meeting=meeting), "anchor": ANCHOR},
            meeting=meeting,
            title=f"{meeting.reference}: add an attendee",
        )
    form = AttendanceAddForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attendance = attendance_add(
                meeting=meeting,
                name=data["name"],
                organisation_name=data["organisation"],
                seat_category=data["seat_category"],
                status=data["status"],
                role_note=data["role_note"],
                **{name: data[name] for name in DETAILS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            person = attendance.person
            who = f"{person.name} ({person.organisation.name})" if person.organisation else person.name
            messages.success(request, f"{who} is added: {describe_listing(attendance)}.")
            return _section(request, meeting, focus="name")
    # The section (or the whole page) again, with what was typed and the errors in place.
    if request.htmx:
        return render(request, SECTION, attendance_block_context(meeting, form=form), status=INVALID)
    context = {**drafting_context(meeting), "attendance_form": form}
    return render(request, "minutes/meeting_draft.html", context, status=INVALID)


@require_http_methods(["GET", "POST"])
@login_required
def attendance_edit(request, reference, attendance_id):
    meeting, attendance = _attendance_for(request, reference, attendance_id)
    name = attendance.person.name
    form = AttendanceEditForm(
        request.POST if request.method == "POST" else None,
        instance=attendance,
        prefix=f"attendance-{attendance.pk}",
        committee_id=meeting.committee_id,
    )
    if request.method == "GET":
        form.fields["seat_category"].widget.attrs["autofocus"] = True

    def save(form):
        data = form.cleaned_data
        return attendance_change(
            attendance=attendance,
            seat_category=data["seat_category"],
            status=data["status"],
            role_note=data["role_note"],
            based_on=data["token"],
            **{name: data[name] for name in DETAILS},
        )

    edit = edit_part(request, form, save)
    if edit.saved:
        messages.success(request, f"{name} is now listed {describe_listing(edit.result)}.")
        return _section(request, meeting, focus="message")
    if edit.deleted:
        raise Http404(f"{name} was taken off the list meanwhile.")
    response = render_part(
        request,
        EDIT_FORM,
        {
            "form": edit.form,
            "attendance": attendance,
            "name": name,
            "conflict": edit.conflict,
            "anchor": ANCHOR,
        },
        meeting=meeting,
        title=f"{meeting.reference}: how {name} is listed",
        status=edit.status,
    )
    # The form posts to the whole section.
    return into_slot(request, response, f"attendance-slot-{attendance.pk}")


@require_POST
@login_required
def attendance_remove_view(request, reference, attendance_id):
    meeting, attendance = _attendance_for(request, reference, attendance_id)
    name = attendance.person.name
    attendance_remove(attendance=attendance)
    messages.success(request, f"{name} is taken off the list.")
    return _section(request, meeting, focus="message")


urlpatterns = [
    path("meetings/<str:reference>/draft/attendance/", attendance_section, name="attendance"),
    path("meetings/<str:reference>/draft/attendance/add/", attendance_add_view, name="attendance-add"),
    path(
        "meetings/<str:reference>/draft/attendance/<int:attendance_id>/",
        attendance_edit,
        name="attendance-edit",
    ),
    path(
        "meetings/<str:reference>/draft/attendance/<int:attendance_id>/remove/",
        attendance_remove_view,
        name="attendance-remove",
    ),
]
