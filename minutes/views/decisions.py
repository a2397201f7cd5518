"""Decisions and footnotes of an item on the drafting page.

Each change answers htmx with the item's decisions (or footnotes) block again,
and a plain form post with a redirect back to the item on the drafting page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from minutes.access import get_meeting_for
from minutes.drafting import DECISIONS, FOOTNOTES, item_block_context
from minutes.editing import INVALID, edit_part, into_slot
from minutes.forms.decisions import DecisionForm, FootnoteForm
from minutes.models import AgendaItem, Decision, Footnote
from minutes.services.decisions import (
    decision_add,
    decision_delete,
    decision_move,
    footnote_add,
    footnote_delete,
)
from minutes.services.meetings import minutes_awaiting_approval
from minutes.views.parts import draft_url, render_part

DECISIONS_BLOCK = "minutes/drafting/decisions/_decisions_block.html"
FOOTNOTES_BLOCK = "minutes/drafting/decisions/_footnotes_block.html"


def _block(request, meeting, item_id, *, template, status=200, **extra):
    """The item's block for htmx, or for a plain request the block on a page of its own."""
    what = DECISIONS if template == DECISIONS_BLOCK else FOOTNOTES
    context = item_block_context(meeting, item_id, what, **extra)
    if context is None:
        raise Http404("This item was deleted meanwhile.")
    item = context["item"]
    return render_part(
        request,
        template,
        {**context, "anchor": f"item-{item.pk}"},
        meeting=meeting,
        title=f"{meeting.reference}: {what} of item {item.number} “{item.title}”",
        status=status,
    )


def _changed(request, meeting, item_id, *, template, notice, **extra):
    """After a change: the block again for htmx, a redirect to the item otherwise.

    `fresh_add` / `fresh_slot` name the forms the change came from: they are drawn
    anew, while other forms open in the block keep what is typed in them (hx-preserve).
    """
    if request.htmx:
        return _block(request, meeting, item_id, template=template, notice=notice, **extra)
    messages.success(request, notice)
    return redirect(draft_url(meeting, f"item-{item_id}"))


def _decision_form(meeting, data=None, **kwargs):
    committee = meeting.committee
    return DecisionForm(data, verbs=committee.verbs, decision_name=committee.decision_name, **kwargs)


def _decision_for(request, reference, decision_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    decision = get_object_or_404(Decision, pk=decision_id, item__meeting=meeting)
    return meeting, decision


def _footnote_for(request, reference, footnote_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    footnote = get_object_or_404(Footnote, pk=footnote_id, item__meeting=meeting)
    return meeting, footnote


def _ordinal(decision):
    """The decision's place among its item's decisions, counted from 1."""
    ids = list(Decision.objects.filter(item_id=decision.item_id).values_list("pk", flat=True))
    return ids.index(decision.pk) + 1


def _edit(request, meeting, part, form, *, template, block, saved_notice, title, **context):
    """The edit form of a decision or footnote (`part`), and what a save of it gives (edit_part).

    A conflict shows their version with what was typed kept, or says that the part was
    deleted meanwhile. `saved_notice()` words the notice of a save; the form posts to
    the item's whole block, so a refused save goes back into the part's slot.
    """
    edit = edit_part(request, form, lambda form: form.save_checked())
    if edit.saved:
        return _changed(
            request, meeting, part.item_id, template=block, notice=saved_notice(), fresh_slot=part.pk
        )
    item = part.item
    item.meeting = meeting
    response = render_part(
        request,
        template,
        {
            **context,
            "form": edit.form,
            "item": item,
            "conflict": edit.conflict,
            "deleted": edit.deleted,
            "anchor": f"item-{item.pk}",
        },
        meeting=meeting,
        title=title(item),
        status=edit.status,
    )
    return into_slot(request, response, f"{part._meta.model_name}-slot-{part.pk}")


# ---- Decisions -------------------------------------------------------------------


@require_POST
@login_required
def decision_add_view(request, reference, item_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    approvable = minutes_awaiting_approval(meeting) if item.is_previous_minutes else None
    form = _decision_form(meeting, request.POST, approvable=approvable, auto_id=f"add-decision-{item.pk}-%s")
    if form.is_valid():
        try:
            decision = decision_add(
                item=item,
                verb=form.cleaned_data["verb"],
                text=form.cleaned_data["text"],
                approves_minutes_of=form.cleaned_data.get("approves_minutes_of"),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notice = f"Decision added: {decision.verb} {decision.rest}."
            if decision.approves_minutes_of is not None:
                notice += f" The minutes of {decision.approves_minutes_of.reference} are now approved."
            return _changed(
                request, meeting, item.pk, template=DECISIONS_BLOCK, notice=notice, fresh_add=True
            )
    # The block again with the add form open, filled in as typed, and its errors.
    return _block(
        request,
        meeting,
        item.pk,
        template=DECISIONS_BLOCK,
        status=INVALID,
        decision_add_form=form,
        fresh_add=True,
    )


@require_http_methods(["GET", "POST"])
@login_required
def decision_edit(request, reference, decision_id):
    meeting, decision = _decision_for(request, reference, decision_id)
    number = _ordinal(decision)
    data = request.POST if request.method == "POST" else None
    return _edit(
        request,
        meeting,
        decision,
        _decision_form(meeting, data, instance=decision, auto_id=f"decision-{decision.pk}-%s"),
        template="minutes/drafting/decisions/_decision_form.html",
        block=DECISIONS_BLOCK,
        saved_notice=lambda: f"Decision {number} saved: {decision.verb} {decision.rest}.",
        title=lambda item: f"{meeting.reference}: edit decision {number} of item {item.number}",
        decision=decision,
        number=number,
        verbs=meeting.committee.verbs,
    )


@require_POST
@login_required
def decision_move_view(request, reference, decision_id):
    meeting, decision = _decision_for(request, reference, decision_id)
    direction = request.POST.get("move", "")
    try:
        place = decision_move(decision=decision, direction=direction)
    except ValidationError as error:
        notice = " ".join(error.messages)
        if request.htmx:
            return _block(request, meeting, decision.item_id, template=DECISIONS_BLOCK, notice=notice)
        messages.error(request, notice)
        return redirect(draft_url(meeting, f"item-{decision.item_id}"))
    notice = f"Decision moved {direction}: it is now decision {place}."
    return _changed(request, meeting, decision.item_id, template=DECISIONS_BLOCK, notice=notice)


@require_POST
@login_required
def decision_delete_view(request, reference, decision_id):
    meeting, decision = _decision_for(request, reference, decision_id)
    decision_delete(decision=decision)
    # The deleted wording, so that a slip can be typed in again.
    notice = f"Decision deleted: {decision.verb} {decision.rest}."
    return _changed(request, meeting, decision.item_id, template=DECISIONS_BLOCK, notice=notice)


# ---- Footnotes -------------------------------------------------------------------


@require_POST
@login_required
def footnote_add_view(request, reference, item_id):
    meeting = get_meeting_for(request.user, reference, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    form = FootnoteForm(request.POST, auto_id=f"add-footnote-{item.pk}-%s")
    if form.is_valid():
        try:
            footnote_add(
                item=item,
                anchor_text=form.cleaned_data["anchor_text"],
                occurrence=form.cleaned_data["occurrence"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            notice = f"Footnote added after “{form.cleaned_data['anchor_text']}”."
            return _changed(
                request, meeting, item.pk, template=FOOTNOTES_BLOCK, notice=notice, fresh_add=True
            )
    return _block(
        request,
        meeting,
        item.pk,
        template=FOOTNOTES_BLOCK,
        status=INVALID,
        footnote_add_form=form,
        fresh_add=True,
    )


@require_http_methods(["GET", "POST"])
@login_required
def footnote_edit(request, reference, footnote_id):
    meeting, footnote = _footnote_for(request, reference, footnote_id)
    data = request.POST if request.method == "POST" else None
    return _edit(
        request,
        meeting,
        footnote,
        FootnoteForm(data, instance=footnote, auto_id=f"footnote-{footnote.pk}-%s"),
        template="minutes/drafting/decisions/_footnote_form.html",
        block=FOOTNOTES_BLOCK,
        saved_notice=lambda: f"Footnote saved: its mark goes after “{footnote.anchor_text}”.",
        title=lambda item: f"{meeting.reference}: edit a footnote of item {item.number}",
        footnote=footnote,
    )


@require_POST
@login_required
def footnote_delete_view(request, reference, footnote_id):
    meeting, footnote = _footnote_for(request, reference, footnote_id)
    footnote_delete(footnote=footnote)
    notice = f"Footnote deleted: “{footnote.text}” (after “{footnote.anchor_text}”)."
    return _changed(request, meeting, footnote.item_id, template=FOOTNOTES_BLOCK, notice=notice)


DRAFT = "meetings/<str:reference>/draft/"

urlpatterns = [
    path(f"{DRAFT}items/<int:item_id>/decisions/add/", decision_add_view, name="decision-add"),
    path(f"{DRAFT}decisions/<int:decision_id>/", decision_edit, name="decision-edit"),
    path(f"{DRAFT}decisions/<int:decision_id>/move/", decision_move_view, name="decision-move"),
    path(f"{DRAFT}decisions/<int:decision_id>/delete/", decision_delete_view, name="decision-delete"),
    path(f"{DRAFT}items/<int:item_id>/footnotes/add/", footnote_add_view, name="footnote-add"),
    path(f"{DRAFT}footnotes/<int:footnote_id>/", footnote_edit, name="footnote-edit"),
    path(f"{DRAFT}footnotes/<int:footnote_id>/delete/", footnote_delete_view, name="footnote-delete"),
]
