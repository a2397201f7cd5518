"""The secretary's drafting page: the whole meeting as it will print, edited in place."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minutes.access import committees_drafted_by, get_meeting_for
from minutes.drafting import drafting_context
from minutes.editing import INVALID, edit_part, into_slot
from minutes.forms import ItemAddForm, ItemForm, ItemTextForm, MeetingCreateForm, MeetingDetailsForm
from minutes.models import AgendaItem
from minutes.services.items import item_add, item_delete, item_move, item_reorder
from minutes.services.meetings import meeting_create, meeting_next_number
from minutes.views.parts import done, draft_url, render_part


def _item_for(request, reference, item_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    item.meeting = meeting
    return meeting, item


def _agenda(request, meeting, *, anchor=""):
    return done(
        request,
        meeting,
        anchor=anchor,
        template="minutes/drafting/_agenda.html",
        context=drafting_context(meeting),
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create_view(request):
    if not committees_drafted_by(request.user).exists():
        raise PermissionDenied("Only a committee's secretaries may set up its meetings.")
    if request.method == "POST":
        form = MeetingCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "copy_attendance"}
            meeting = meeting_create(copy_attendance=form.cleaned_data["copy_attendance"], **data)
            messages.success(request, f"{meeting.reference} is set up with the standard agenda.")
            return redirect(draft_url(meeting))
        status = INVALID
    else:
        committee = committees_drafted_by(request.user).first()
        form = MeetingCreateForm(user=request.user, initial={"number": meeting_next_number(committee)})
        status = 200
    next_numbers = {c.pk: meeting_next_number(c) for c in form.fields["committee"].queryset}
    return render(
        request,
        "minutes/meeting_create.html",
        {"form": form, "next_numbers": json.dumps(next_numbers)},
        status=status,
    )


@require_safe
@login_required
def meeting_draft(request, reference):
    meeting = get_meeting_for(request.user, reference, edit=True)
    return render(request, "minutes/meeting_draft.html", drafting_context(meeting))


@require_http_methods(["GET", "POST"])
@login_required
def meeting_details(request, reference):
    meeting = get_meeting_for(request.user, reference, edit=True)
    form = MeetingDetailsForm(request.POST or None, instance=meeting)
    edit = edit_part(request, form, lambda form: form.save_checked())
    if edit.saved:
        return done(request, meeting, anchor="meeting-details", template="minutes/drafting/_details.html")
    return render_part(
        request,
        "minutes/drafting/_details_form.html",
        {"form": edit.form, "conflict": edit.conflict, "anchor": "meeting-details"},
        meeting=meeting,
        title=f"{meeting.reference}: meeting details",
        status=edit.status,
    )


@require_POST
@login_required
def item_add_view(request, reference):
    meeting = get_meeting_for(request.user, reference, edit=True)
    form = ItemAddForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = get_object_or_404(AgendaItem, pk=form.cleaned_data["parent"], meeting=meeting)
        try:
            item = item_add(meeting=meeting, title=form.cleaned_data["title"], parent=parent)
        except ValidationError as error:
            # Shown at the agenda's own "add" form, which every page has.
            data = request.POST.copy()
            data["parent"] = ""
            form = ItemAddForm(data)
            form.is_valid()
            form.add_error(None, error)
        else:
            return _agenda(request, meeting, anchor=f"item-{item.pk}")
    else:
        # The errors go next to the "add" form the post came from, which the page finds by its
        # parent; a parent that is not an item of this agenda (a tampered or stale page) would
        # hide them: then they go to the agenda's own "add" form, as above.
        parent = form.cleaned_data.get("parent")
        known = parent and AgendaItem.objects.filter(pk=parent, meeting=meeting, parent=None).exists()
        data = request.POST.copy()
        data["parent"] = str(parent) if known else ""
        form = ItemAddForm(data)
        form.is_valid()
        if not known and request.POST.get("parent", "").strip():
            form.add_error(None, "The item to add this under was not found: reload the page and try again.")
    # The whole agenda (or page) again, with the typed title and the error in place.
    context = {**drafting_context(meeting), "add_form": form}
    template = "minutes/drafting/_agenda.html" if request.htmx else "minutes/meeting_draft.html"
    return render(request, template, context, status=INVALID)


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request, reference, item_id):
    meeting, item = _item_for(request, reference, item_id)
    form = ItemForm(request.POST or None, instance=item, prefix=f"item-{item.pk}")
    edit = edit_part(request, form, lambda form: form.save_checked())
    if edit.saved:
        return _agenda(request, meeting, anchor=f"item-{item.pk}")
    if edit.deleted:
        raise Http404("This item was deleted meanwhile.")
    response = render_part(
        request,
        "minutes/drafting/_item_form.html",
        {"form": edit.form, "item": item, "conflict": edit.conflict, "anchor": f"item-{item.pk}"},
        meeting=meeting,
        title=f"{meeting.reference}: edit item “{item.title}”",
        status=edit.status,
    )
    # The form posts to the whole agenda.
    return into_slot(request, response, f"item-slot-{item.pk}")


@require_POST
@login_required
def item_text(request, reference, item_id):
    """Save an item's minutes text: autosaved by the editor, or posted as a plain form."""
    meeting, item = _item_for(request, reference, item_id)
    form = ItemTextForm(request.POST, instance=item, prefix=f"text-{item.pk}")
    edit = edit_part(request, form, lambda form: form.save_checked())
    if edit.saved:
        if request.htmx:
            return JsonResponse(
                {
                    "token": item.edit_token(ItemTextForm.token_fields),
                    "saved_at": timezone.localtime().strftime("%H:%M:%S"),
                }
            )
        messages.success(request, f"The text of item “{item.title}” is saved.")
        return redirect(draft_url(meeting, f"item-{item.pk}"))
    if edit.deleted:
        raise Http404("This item was deleted meanwhile.")
    return render_part(
        request,
        "minutes/drafting/_item_text_problem.html",
        {"form": edit.form, "item": item, "conflict": edit.conflict, "anchor": f"item-{item.pk}"},
        meeting=meeting,
        title=f"{meeting.reference}: text of item “{item.title}”",
        status=edit.status,
    )


@require_POST
@login_required
def item_move_view(request, reference, item_id):
    meeting, item = _item_for(request, reference, item_id)
    try:
        item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _agenda(request, meeting, anchor=f"item-{item.pk}")


@require_POST
@login_required
def item_reorder_view(request, reference):
    """Drag and drop: the new order of the whole agenda as `order` = "id:parent,id:parent,…"."""
    meeting = get_meeting_for(request.user, reference, edit=True)
    try:
        layout = []
        for entry in request.POST.get("order", "").split(","):
            item_id, _, parent_id = entry.partition(":")
            layout.append((int(item_id), int(parent_id) if parent_id else None))
        item_reorder(meeting=meeting, layout=layout)
    except (ValueError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", ["The new order could not be read."])))
    return _agenda(request, meeting)


@require_http_methods(["GET", "POST"])
@login_required
def item_delete_view(request, reference, item_id):
    meeting, item = _item_for(request, reference, item_id)
    if request.method == "POST":
        title = item.title
        item_delete(item=item)
        messages.success(request, f"Item “{title}” is deleted.")
        return _agenda(request, meeting)
    return render_part(
        request,
        "minutes/drafting/_item_delete_confirm.html",
        {"item": item, "anchor": f"item-{item.pk}"},
        meeting=meeting,
        title=f"{meeting.reference}: delete item “{item.title}”?",
    )


urlpatterns = [
    path("meetings/new/", meeting_create_view, name="meeting-create"),
    path("meetings/<str:reference>/draft/", meeting_draft, name="meeting-draft"),
    path("meetings/<str:reference>/draft/details/", meeting_details, name="meeting-details"),
    path("meetings/<str:reference>/draft/items/add/", item_add_view, name="item-add"),
    path("meetings/<str:reference>/draft/items/reorder/", item_reorder_view, name="item-reorder"),
    path("meetings/<str:reference>/draft/items/<int:item_id>/", item_edit, name="item-edit"),
    path("meetings/<str:reference>/draft/items/<int:item_id>/text/", item_text, name="item-text"),
    path("meetings/<str:reference>/draft/items/<int:item_id>/move/", item_move_view, name="item-move"),
    path("meetings/<str:reference>/draft/items/<int:item_id>/delete/", item_delete_view, name="item-delete"),
]
