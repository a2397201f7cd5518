"""The action page (the whole story of one action), owners' self-service and the secretary's decisions.

Every view starts at the one door, `get_action_for` (outsiders 404), then asks the
predicates of actions/access.py who may act (others 403), calls one of the
action's own methods and redirects back to the page. A refused form comes back on
the page with its errors and what was typed (422); a change the action's state
refuses, with the reason (409). Nothing here needs JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import re_path
from django.views.decorators.http import require_POST, require_safe

from actions.access import (
    can_act_as_owner,
    can_decide,
    can_post_update,
    can_propose,
    can_reopen,
    get_action_by_old_address,
    get_action_for,
)
from actions.forms.owner import (
    ClosureProposalForm,
    DecisionForm,
    ReopenForm,
    TargetDateProposalForm,
    UpdateForm,
)
from actions.models import ActionProposal, ActionRefused
from actions.references import CODE_PATTERN, OLD_SLUG_PATTERN, SLUG_PATTERN
from actions.story import fetch_story, story, target_steps
from minutes.access import can_see_drafts, refuse_unless
from minutes.editing import CONFLICT, INVALID
from minutes.models import display_name

OWNERS_ONLY = "Only the action's owners may do this."


def action_url(action, anchor=""):
    url = action.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url


def _page(request, action, *, status=200, refusal="", kept_text="", **forms):
    """The action page; `forms` are refused forms to show again with their errors."""
    user = request.user
    sees_drafts = can_see_drafts(user, action.committee_id)
    fetch_story(action, user)
    proposals = list(action.proposals.all())
    pending = [p for p in proposals if p.is_pending]
    failed_decision = forms.get("decision_form")
    failed_decision_id = forms.get("decision_proposal_id")
    for proposal in pending:
        proposal.proposer = (
            display_name(proposal.proposed_by) if proposal.proposed_by_id else proposal.proposed_by_name
        )
        proposal.form = failed_decision if proposal.pk == failed_decision_id else None
    item = action.item
    context = {
        "action": action,
        "item": item,
        "item_number": item.number if item is not None else "",
        "story": story(action, sees_drafts=sees_drafts),
        "target_steps": target_steps(action, sees_drafts=sees_drafts),
        "pending": pending,
        "can_post_update": can_post_update(user, action),
        "can_propose": can_propose(user, action),
        "can_reopen": can_reopen(user, action),
        "has_pending_closure": any(p.is_closure for p in pending),
        "has_pending_target": any(not p.is_closure for p in pending),
        "can_decide": can_decide(user, action),
        "update_form": forms.get("update_form") or UpdateForm(prefix="update"),
        "closure_form": forms.get("closure_form") or ClosureProposalForm(prefix="closure"),
        "target_form": forms.get("target_form") or TargetDateProposalForm(prefix="target"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "refusal": refusal,
        "kept_text": kept_text,
    }
    return render(request, "actions/owner/action_detail.html", context, status=status)


@require_safe
@login_required
def action_detail(request, code, slug):
    return _page(request, get_action_for(request.user, code, slug))


@require_safe
@login_required
def action_old_address(request, old_slug):
    """An action page's address before it named the committee ("/actions/OPSG-55-01/"), kept for
    the links already sent: a permanent redirect to the page, for those who may see it."""
    return redirect(get_action_by_old_address(request.user, old_slug), permanent=True)


# ---- Owners: post an update, propose closure, ask for a revised target date ----------


def _action_allowed(request, code, slug, allowed, why):
    """The action `slug` names, if the user may see it (else 404) and `allowed(user, action)` (else 403)."""
    action = get_action_for(request.user, code, slug)
    refuse_unless(allowed(request.user, action), request.user, f"{why} ({action.reference})", why)
    return action


def _refused(request, action, error, form_name, form):
    """A service said no: the page again with the reason, and what was typed.

    Bad input goes back into the form's summary (422). A refusal by the action's
    state (409) hides that form (the action is closed, or the same proposal is
    already waiting), so the reason and the typed text are shown at the top.
    """
    if not isinstance(error, ActionRefused):
        form.add_error(None, error)
        return _page(request, action, status=INVALID, **{form_name: form})
    kept = next((value for key, value in form.data.items() if key.endswith(("-text", "-note"))), "")
    return _page(request, action, status=CONFLICT, refusal=" ".join(error.messages), kept_text=kept)


@require_POST
@login_required
def action_update_post(request, code, slug):
    action = _action_allowed(
        request,
        code,
        slug,
        lambda user, action: can_act_as_owner(user, action) or can_decide(user, action),
        "Only the action's owners and the committee's secretary may post updates.",
    )
    form = UpdateForm(request.POST, prefix="update")
    if not form.is_valid():
        return _page(request, action, status=INVALID, update_form=form)
    try:
        update = action.record_update(
            by=request.user, text=form.cleaned_data["text"], given_on=form.cleaned_data["given_on"]
        )
    except ValidationError as error:
        return _refused(request, action, error, "update_form", form)
    messages.success(request, f"Your update on {action.reference} was posted.")
    return redirect(action_url(action, f"update-{update.pk}"))


@require_POST
@login_required
def action_propose_closure(request, code, slug):
    action = _action_allowed(request, code, slug, can_act_as_owner, OWNERS_ONLY)
    form = ClosureProposalForm(request.POST, prefix="closure")
    if not form.is_valid():
        return _page(request, action, status=INVALID, closure_form=form)
    try:
        action.propose_closure(by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        return _refused(request, action, error, "closure_form", form)
    messages.success(
        request, f"Closure of {action.reference} proposed: the secretary will confirm or decline it."
    )
    return redirect(action_url(action, "story"))


@require_POST
@login_required
def action_ask_target_date(request, code, slug):
    action = _action_allowed(request, code, slug, can_act_as_owner, OWNERS_ONLY)
    form = TargetDateProposalForm(request.POST, prefix="target")
    if not form.is_valid():
        return _page(request, action, status=INVALID, target_form=form)
    data = form.cleaned_data
    try:
        action.ask_target_date(by=request.user, note=data["note"], target_on=data["proposed_target_on"])
    except ValidationError as error:
        return _refused(request, action, error, "target_form", form)
    messages.success(
        request,
        f"Revised target date {data['proposed_target_on']:%d/%m/%Y} asked for on {action.reference}: "
        "the secretary will accept or decline it.",
    )
    return redirect(action_url(action, "story"))


# ---- The secretary: decide proposals -------------------------------------------------


@require_POST
@login_required
def proposal_decide_view(request, code, slug, proposal_id):
    action = _action_allowed(
        request, code, slug, can_decide, "Only the committee's secretary decides proposals."
    )
    proposal = get_object_or_404(
        ActionProposal.objects.select_related("action"), pk=proposal_id, action=action
    )
    form = DecisionForm(request.POST, prefix=f"decide-{proposal.pk}")
    if not form.is_valid():
        if not proposal.is_pending:
            return _page(request, action, status=CONFLICT, refusal=_already_decided(proposal))
        return _page(request, action, status=INVALID, decision_form=form, decision_proposal_id=proposal.pk)
    try:
        action.decide(proposal, by=request.user, accept=form.is_accept, note=form.cleaned_data["note"])
    except ValidationError as error:
        return _page(request, action, status=CONFLICT, refusal=" ".join(error.messages))
    verb = "accepted" if form.is_accept else "declined"
    if proposal.is_closure:
        said = f"Closure of {action.reference} {'confirmed: the action is closed' if form.is_accept else 'declined'}."
    else:
        said = f"Revised target date {proposal.proposed_target_on:%d/%m/%Y} for {action.reference} {verb}."
    messages.success(request, said)
    if form.cleaned_data.get("return_to") == "proposals":
        return redirect("actions:proposals")
    return redirect(action_url(action, f"decision-{proposal.pk}"))


@require_POST
@login_required
def action_reopen(request, code, slug):
    """The secretary reopens a closed action, saying why (a mistaken closure, work that failed)."""
    action = _action_allowed(
        request, code, slug, can_decide, "Only the committee's secretary reopens a closed action."
    )
    form = ReopenForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _page(request, action, status=INVALID, reopen_form=form)
    try:
        action.reopen(by=request.user, text=form.cleaned_data["text"])
    except ValidationError as error:
        return _refused(request, action, error, "reopen_form", form)
    messages.success(request, f"{action.reference} is open again.")
    return redirect(action_url(action, "story"))


def _already_decided(proposal):
    return (
        f"This {proposal.get_kind_display().lower()} proposal was already "
        f"{proposal.get_status_display().lower()}: nothing was changed."
    )


urlpatterns = [
    re_path(rf"^actions/{OLD_SLUG_PATTERN}/$", action_old_address, name="action-old-address"),
    re_path(rf"^actions/{CODE_PATTERN}/{SLUG_PATTERN}/$", action_detail, name="action-detail"),
    re_path(
        rf"^actions/{CODE_PATTERN}/{SLUG_PATTERN}/updates/$", action_update_post, name="action-post-update"
    ),
    re_path(
        rf"^actions/{CODE_PATTERN}/{SLUG_PATTERN}/propose-closure/$",
        action_propose_closure,
        name="action-propose-closure",
    ),
    re_path(
        rf"^actions/{CODE_PATTERN}/{SLUG_PATTERN}/ask-target-date/$",
        action_ask_target_date,
        name="action-ask-target-date",
    ),
    re_path(rf"^actions/{CODE_PATTERN}/{SLUG_PATTERN}/reopen/$", action_reopen, name="action-reopen"),
    re_path(
        rf"^actions/{CODE_PATTERN}/{SLUG_PATTERN}/proposals/(?P<proposal_id>[0-9]+)/decide/$",
        proposal_decide_view,
        name="proposal-decide",
    ),
]
