"""Actions raised on items and the Actions Outstanding item, on the drafting page.

Each view starts at the meeting's one door (`get_meeting_for(..., edit=True)`),
fetches its action within that meeting, calls a model method or service, and
answers with the changed block for htmx or a redirect back to the item without
JavaScript. Refused saves come back with the form as typed (422 invalid, 409
conflict).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from actions.forms.drafting import ActionForm, MeetingUpdateForm
from actions.models import Action
from minutes.access import get_meeting_for
from minutes.drafting import ACTIONS, OUTSTANDING, item_block_context
from minutes.editing import CONFLICT, INVALID, edit_part, into_slot
from minutes.models import AgendaItem, ItemKind, Organisation, Person
from minutes.views.parts import done, render_part

ACTIONS_BLOCK = "minutes/drafting/_item_actions.html"
OUTSTANDING_BLOCK = "minutes/drafting/_item_outstanding.html"


def _action_form(data=None, *, instance=None, prefix):
    return ActionForm(
        data,
        instance=instance,
        prefix=prefix,
        organisations=Organisation.objects.all(),
        people=Person.objects.select_related("organisation"),
    )


def _action_for(request, reference, action_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    action = get_object_or_404(
        Action.objects.prefetch_related("owner_organisations", "owner_people", "target_dates"),
        pk=action_id,
        meeting=meeting,
    )
    return meeting, action


def _block_context(meeting, item_id, block, **extra):
    """The item's actions (or Actions Outstanding) block alone, as the drafting page shows it."""
    context = item_block_context(meeting, item_id, block, **extra)
    if context is None:
        raise Http404("This item was deleted meanwhile.")
    return context


def _item_showing(meeting, action):
    """The item under which `action` is shown (actions whose item was deleted go under the last one)."""
    if action.item_id is not None:
        return action.item_id
    last = AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position", "id").last()
    if last is None:
        raise Http404("The meeting has no items.")
    return last.pk


def _actions_changed(request, meeting, item_id, announcement):
    """After a change: the item's actions block (announcing it) for htmx, a redirect back otherwise."""
    if not request.htmx:
        messages.success(request, announcement)
        return done(request, meeting, anchor=f"item-{item_id}")
    context = _block_context(meeting, item_id, ACTIONS, announcement=announcement)
    return done(request, meeting, anchor=f"item-{item_id}", template=ACTIONS_BLOCK, context=context)


@require_POST
@login_required
def action_add(request, reference, item_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    form = _action_form(request.POST, prefix=f"add-action-{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = Action.objects.raise_action(
                meeting=meeting,
                item=item,
                text=data["text"],
                owners=data["owners"],
                target_on=data["target_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _actions_changed(request, meeting, item.pk, f"{action.reference} added")
    return render_part(
        request,
        ACTIONS_BLOCK,
        _block_context(meeting, item.pk, ACTIONS, action_form=form, anchor=f"item-{item.pk}"),
        meeting=meeting,
        title=f"{meeting.reference}: add an action to item “{item.title}”",
        status=INVALID,
    )


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request, reference, action_id):
    meeting, action = _action_for(request, reference, action_id)
    item_id = _item_showing(meeting, action)
    form = _action_form(request.POST or None, instance=action, prefix=f"action-{action.pk}")
    edit = edit_part(request, form, lambda form: form.save_checked(meeting=meeting, by=request.user))
    if edit.saved:
        return _actions_changed(request, meeting, item_id, f"{action.reference} saved")
    if edit.deleted:
        raise Http404("This action was deleted meanwhile.")
    response = render_part(
        request,
        "actions/drafting/_action_edit_form.html",
        {
            "form": edit.form,
            "action": action,
            "item_id": item_id,
            "conflict": edit.conflict,
            "anchor": f"item-{item_id}",
            "organisations": edit.form.organisations,
            "people": edit.form.people,
        },
        meeting=meeting,
        title=f"{meeting.reference}: edit {action.named}",
        status=edit.status,
    )
    # The form posts to the item's whole actions block.
    return into_slot(request, response, f"action-slot-{action.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def action_delete(request, reference, action_id):
    meeting, action = _action_for(request, reference, action_id)
    item_id = _item_showing(meeting, action)
    if request.method == "POST":
        reference_text = action.reference
        action.delete()
        return _actions_changed(
            request, meeting, item_id, f"{reference_text} deleted; its reference will not be given again"
        )
    return render_part(
        request,
        "actions/drafting/_action_delete_confirm.html",
        {"action": action, "item_id": item_id, "anchor": f"item-{item_id}"},
        meeting=meeting,
        title=f"{meeting.reference}: delete {action.named}?",
    )


@require_POST
@login_required
def outstanding_update(request, reference, item_id, action_id):
    """Record the update given at this meeting on an action outstanding at it."""
    meeting = get_meeting_for(request.user, reference, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting, kind=ItemKind.ACTIONS_OUTSTANDING)
    action = get_object_or_404(Action.objects.outstanding_at(meeting), pk=action_id)
    form = MeetingUpdateForm(request.POST, prefix=f"outstanding-{item.pk}-{action.pk}", meeting=meeting)

    def save(form):
        data = form.cleaned_data
        status, label = data["status"]
        return action.record_meeting_update(
            meeting=meeting,
            text=data["text"],
            status=status,
            label=label,
            revised_target_on=data["revised_target_on"],
            by=request.user,
            based_on=data["token"],
        )

    edit = edit_part(request, form, save)
    if edit.saved:
        announcement = f"Update on {action.reference} saved"
        if not request.htmx:
            messages.success(request, announcement)
            return done(request, meeting, anchor=f"outstanding-{item.pk}")
        context = _block_context(meeting, item.pk, OUTSTANDING, announcement=announcement)
        return done(
            request, meeting, anchor=f"outstanding-{item.pk}", template=OUTSTANDING_BLOCK, context=context
        )
    if edit.deleted:
        # The update the form started from is no longer recorded: saving again records it anew.
        edit.form = edit.form.rebase(None)
    return render_part(
        request,
        OUTSTANDING_BLOCK,
        _block_context(
            meeting,
            item.pk,
            OUTSTANDING,
            update_form=edit.form,
            update_action_id=action.pk,
            conflict=edit.conflict,
            update_conflict=edit.status == CONFLICT,
            anchor=f"outstanding-{item.pk}",
        ),
        meeting=meeting,
        title=f"{meeting.reference}: update on {action.named}",
        status=edit.status,
    )


urlpatterns = [
    path("meetings/<str:reference>/draft/actions/add/<int:item_id>/", action_add, name="action-add"),
    path("meetings/<str:reference>/draft/actions/<int:action_id>/", action_edit, name="action-edit"),
    path(
        "meetings/<str:reference>/draft/actions/<int:action_id>/delete/", action_delete, name="action-delete"
    ),
    path(
        "meetings/<str:reference>/draft/actions/outstanding/<int:item_id>/<int:action_id>/",
        outstanding_update,
        name="outstanding-update",
    ),
]
