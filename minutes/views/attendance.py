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
from minutes.editing import EditConflict
from minutes.forms.attendance import AttendanceAddForm, AttendanceEditForm
from minutes.models import Attendance
from minutes.services.attendance import attendance_add, attendance_change, attendance_remove, describe_listing
from minutes.views.drafting import drafting_context
from minutes.views.parts import CONFLICT, INVALID, draft_url, render_part

SECTION = "minutes/drafting/_attendance.html"
ADD_FORM = "minutes/drafting/attendance/_add_form.html"
EDIT_FORM = "minutes/drafting/attendance/_edit_form.html"
ANCHOR = "attendance"


def attendance_context(meeting, *, form=None, focus=""):
    """The drafting page's context with the add form (bound after a refused add).

    `focus` says what htmx focuses after the section is swapped in: "name" (to
    add the next person) or "message" (the note of what just changed).
    """
    if form is None:
        form = AttendanceAddForm(meeting=meeting)
    if focus == "name":
        form.fields["name"].widget.attrs["autofocus"] = True
    return {**drafting_context(meeting), "attendance_form": form, "attendance_focus": focus}


def _section(request, meeting, *, focus):
    """After a change: the section again for htmx, back to it on the draft page otherwise."""
    if request.htmx:
        return render(request, SECTION, attendance_context(meeting, focus=focus))
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
        return render(request, SECTION, attendance_context(meeting))
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
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            person = attendance.person
            who = f"{person.name} ({person.organisation.name})" if person.organisation else person.name
            messages.success(request, f"{who} is added: {describe_listing(attendance)}.")
            return _section(request, meeting, focus="name")
    # The section (or the whole page) again, with what was typed and the errors in place.
    template = SECTION if request.htmx else "minutes/meeting_draft.html"
    return render(request, template, attendance_context(meeting, form=form), status=INVALID)


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
    status, conflict = 200, None
    if request.method == "GET":
        form.fields["seat_category"].widget.attrs["autofocus"] = True
    elif form.is_valid():
        data = form.cleaned_data
        try:
            changed = attendance_change(
                attendance=attendance,
                seat_category=data["seat_category"],
                status=data["status"],
                role_note=data["role_note"],
                based_on=data["token"],
            )
        except EditConflict as error:
            if error.current is None:
                raise Http404(f"{name} was taken off the list meanwhile.") from None
            conflict, form, status = error.current, form.rebase(error.current), CONFLICT
        except ValidationError as error:
            form.add_error(None, error)
            status = INVALID
        else:
            messages.success(request, f"{name} is now listed {describe_listing(changed)}.")
            return _section(request, meeting, focus="message")
    else:
        status = INVALID
    response = render_part(
        request,
        EDIT_FORM,
        {"form": form, "attendance": attendance, "name": name, "conflict": conflict, "anchor": ANCHOR},
        meeting=meeting,
        title=f"{meeting.reference}: how {name} is listed",
        status=status,
    )
    if request.htmx and request.method == "POST":
        # The form posts to the whole section; a refused save goes back into its slot.
        response["HX-Retarget"] = f"#attendance-slot-{attendance.pk}"
        response["HX-Reswap"] = "innerHTML"
    return response


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
