"""What owners do between meetings, and how the secretary settles it.

Owners post progress updates, propose closure and ask for a revised target date;
the committee's secretary accepts or declines each proposal. Every function is
keyword-only and atomic, locks the action first, checks its state and refuses
from the wrong one with `ActionRefused` (nothing written), and leaves a row
behind: an ActionUpdate, an ActionProposal with its decision, a TargetDate step.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.access import is_secretary_of, owned_by
from actions.models import Action, ActionProposal, ActionUpdate

UPDATE_MAX_LENGTH = 5000


class ActionRefused(ValidationError):
    """A change the action's (or the proposal's) current state does not allow."""


# ---- Who may do what (the views ask these after `get_action_for`) ---------------------


def can_act_as_owner(user, action):
    """The action's owners: their person owns it, or their organisation does."""
    return owned_by(user).filter(pk=action.pk).exists()


def can_post_update(user, action):
    """Owners, and the committee's secretary (and staff)."""
    return can_decide(user, action) or can_act_as_owner(user, action)


def can_decide(user, action):
    """The committee's secretaries and staff accept or decline proposals."""
    return user.is_authenticated and is_secretary_of(user, action.committee_id)


# ---- Services --------------------------------------------------------------------------


def _locked(action):
    return Action.objects.select_for_update().get(pk=action.pk)


def _refuse_if_closed(action, what):
    if action.status == Action.Status.CLOSED:
        raise ActionRefused(
            f"{action.reference} was closed on {action.closed_on:%d/%m/%Y}: it takes no more {what}. "
            "Nothing was saved."
        )


@transaction.atomic
def action_post_update(*, action, by, text, given_on=None, author_name=""):
    """Record a progress update given between meetings; the action's status is unchanged."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write the update before posting it.")
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ValidationError("An update cannot be dated in the future.")
    current = _locked(action)
    _refuse_if_closed(current, "updates")
    if given_on < current.raised_on:
        raise ValidationError(
            f"An update cannot be dated before the action was raised ({current.raised_on:%d/%m/%Y})."
        )
    return ActionUpdate.objects.create(
        action=current,
        text=text,
        given_on=given_on,
        status_after=current.status,
        author=by if by is not None and by.is_authenticated else None,
        author_name=author_name.strip(),
    )


@transaction.atomic
def proposal_make(*, action, kind, by, note, proposed_target_on=None, by_name=""):
    """An owner proposes closure, or asks for a revised target date, for the secretary to decide.

    Proposing closure marks the action "proposed closed" until the decision. One
    pending proposal of each kind at a time.
    """
    if kind not in ActionProposal.Kind.values:
        raise ValidationError(f"{kind!r} is not a kind of proposal.")
    note = (note or "").strip()
    if not note:
        raise ValidationError("Say why, so that the secretary can decide.")
    current = _locked(action)
    _refuse_if_closed(current, "proposals")
    if current.proposals.filter(kind=kind, status=ActionProposal.Status.PENDING).exists():
        label = ActionProposal.Kind(kind).label.lower()
        raise ActionRefused(
            f"A {label} proposal on {current.reference} is already waiting for the secretary. Nothing was saved."
        )
    if kind == ActionProposal.Kind.TARGET_DATE:
        if proposed_target_on is None:
            raise ValidationError("Give the revised target date you ask for.")
        if proposed_target_on < timezone.localdate():
            raise ValidationError("A revised target date cannot be in the past.")
        if proposed_target_on == current.current_target_on:
            raise ValidationError(
                f"{proposed_target_on:%d/%m/%Y} is already the target date: give another date."
            )
    else:
        proposed_target_on = None
    proposal = ActionProposal.objects.create(
        action=current,
        kind=kind,
        note=note,
        proposed_target_on=proposed_target_on,
        proposed_by=by if by is not None and by.is_authenticated else None,
        proposed_by_name=by_name.strip(),
    )
    if kind == ActionProposal.Kind.CLOSURE and current.status == Action.Status.OPEN:
        current.status = Action.Status.PROPOSED_CLOSED
        current.save(update_fields=["status"])
    return proposal


@transaction.atomic
def proposal_decide(*, proposal, by, accept, note):
    """The secretary accepts or declines a pending proposal.

    Accepting closure closes the action today with a "Closure confirmed" update;
    accepting a target date records it as a new step of the history. Declining
    leaves the action as it was (a declined closure reopens it). Either way the
    decision, its author and note stay on the proposal.
    """
    current_action = _locked(proposal.action)
    current = ActionProposal.objects.select_for_update().get(pk=proposal.pk)
    note = (note or "").strip()
    if current.status != ActionProposal.Status.PENDING:
        raise ActionRefused(
            f"This {current.get_kind_display().lower()} proposal was already "
            f"{current.get_status_display().lower()}"
            f"{f' on {timezone.localtime(current.decided_at):%d/%m/%Y}' if current.decided_at else ''}: "
            "nothing was changed."
        )
    if accept:
        _refuse_if_closed(current_action, "changes")
        if current.kind == ActionProposal.Kind.CLOSURE:
            _close(current_action, by=by, note=note, proposal=current)
        else:
            current_action.set_target_date(current.proposed_target_on, by=by)
    elif (
        current.kind == ActionProposal.Kind.CLOSURE and current_action.status == Action.Status.PROPOSED_CLOSED
    ):
        current_action.status = Action.Status.OPEN
        current_action.save(update_fields=["status"])
    current.status = ActionProposal.Status.ACCEPTED if accept else ActionProposal.Status.DECLINED
    _record_decision(current, by=by, note=note)
    return current


def _record_decision(proposal, *, by, note):
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


def _close(action, *, by, note, proposal):
    today = timezone.localdate()
    text = f"Closure confirmed by the secretary. {note}" if note else "Closure confirmed by the secretary."
    action.status, action.closed_on = Action.Status.CLOSED, today
    action.save(update_fields=["status", "closed_on"])
    ActionUpdate.objects.create(
        action=action, text=text, given_on=today, status_after=Action.Status.CLOSED, author=by
    )
    # Whatever else was pending on the action no longer needs a decision.
    for other in action.proposals.filter(status=ActionProposal.Status.PENDING).exclude(pk=proposal.pk):
        other.status = ActionProposal.Status.DECLINED
        _record_decision(other, by=by, note="The action was closed.")


@transaction.atomic
def proposals_settle_on_close(*, action, by, meeting=None):
    """After an action was closed elsewhere (at a meeting): its pending closure proposal is accepted.

    For `action_record_meeting_update`, so that closing an action under Actions
    Outstanding also confirms the owner's proposal; other pending proposals are
    declined. Does nothing while the action is open.
    """
    if action.status != Action.Status.CLOSED:
        return 0
    where = f"Closed at {meeting.reference}." if meeting is not None else "The action was closed."
    settled = 0
    for pending in ActionProposal.objects.select_for_update().filter(
        action=action, status=ActionProposal.Status.PENDING
    ):
        accepted = pending.kind == ActionProposal.Kind.CLOSURE
        pending.status = ActionProposal.Status.ACCEPTED if accepted else ActionProposal.Status.DECLINED
        _record_decision(pending, by=by, note=where)
        settled += 1
    return settled
