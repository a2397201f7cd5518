"""What an owner does through the signed link they were e-mailed (see actions/links.py)."""

from django.db import transaction

from actions.models import ActionProposal


def link_update_record(*, link, text, propose_closure=False):
    """Record an update given through an owner link, attributed to the owner and the address used.

    Through the action's own methods, as an update posted by an account would be:
    proposing closure leaves a pending closure proposal (unless one is already
    waiting) and marks the action "proposed closed". A closed action takes
    nothing (ActionRefused).
    """
    with transaction.atomic():
        action = link.action
        pending = action.proposals.filter(
            kind=ActionProposal.Kind.CLOSURE, status=ActionProposal.Status.PENDING
        )
        if propose_closure and not pending.exists():
            action.propose_closure(by=None, note=text, by_name=link.author_name)
        return action.record_update(by=None, text=text, author_name=link.author_name)
