"""The story of one action, as its page tells it: raised, every target-date step, update, proposal and decision."""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from actions.models import ActionProposal, ActionUpdate, TargetDate
from minutes.models import display_name


@dataclass
class Event:
    """One line of an action's story, in date order."""

    on: object  # a date
    kind: str  # raised, target, update, proposal, decision
    title: str
    text: str = ""
    by: str = ""
    meeting: object = None
    status_after: str = ""
    anchor: str = ""
    order: int = 0


def fetch_story(action, user):
    """Everything the page shows `user` about `action`, in a fixed number of queries.

    Only the updates the user may see (ActionUpdate.objects.visible_to): a reader does not
    see an update given at a meeting whose minutes are not published yet.
    """
    updates = ActionUpdate.objects.visible_to(user).select_related(
        "meeting__committee", "author", "status_label"
    )
    prefetch_related_objects(
        [action],
        "owner_organisations",
        "owner_people",
        Prefetch("target_dates", TargetDate.objects.select_related("meeting__committee", "recorded_by")),
        Prefetch("updates", updates),
        Prefetch("proposals", ActionProposal.objects.select_related("proposed_by", "decided_by")),
    )
    return action


def target_steps(action, *, sees_drafts):
    """The action's target-date steps, each with `shown_meeting`: the meeting it was agreed at, if the
    user may open it (a reader may not open minutes that are not published)."""
    steps = list(action.target_dates.all())
    for step in steps:
        meeting = step.meeting
        step.shown_meeting = (
            meeting if meeting is not None and (sees_drafts or meeting.is_published) else None
        )
    return steps


def story(action, *, sees_drafts):
    """Raising, every target-date step, update, proposal and decision, oldest first."""
    events = [
        Event(
            on=action.raised_on,
            kind="raised",
            title=f"Raised at {action.meeting.reference}",
            text=action.text,
            meeting=action.meeting,
            anchor="raised",
        )
    ]
    for position, step in enumerate(target_steps(action, sees_drafts=sees_drafts)):
        on = step.meeting.held_on if step.meeting_id else timezone.localdate(step.recorded_at)
        title = "Target date set" if position == 0 else "Target date revised"
        events.append(
            Event(
                on=on,
                kind="target",
                title=f"{title}: {step.target_on:%d/%m/%Y}",
                by=display_name(step.recorded_by) if step.recorded_by_id else "",
                meeting=step.shown_meeting,
                anchor=f"target-{step.pk}",
                order=1,
            )
        )
    for update in action.updates.all():
        author = display_name(update.author) if update.author_id else update.author_name
        events.append(
            Event(
                on=update.given_on,
                kind="update",
                title="Update" + (f" at {update.meeting.reference}" if update.meeting_id else ""),
                text=update.text,
                by=author,
                meeting=update.meeting,
                status_after=update.status_after_display,
                anchor=f"update-{update.pk}",
                order=2,
            )
        )
    for proposal in action.proposals.all():
        proposer = (
            display_name(proposal.proposed_by) if proposal.proposed_by_id else proposal.proposed_by_name
        )
        title = (
            "Closure proposed"
            if proposal.kind == ActionProposal.Kind.CLOSURE
            else f"Revised target date asked for: {proposal.proposed_target_on:%d/%m/%Y}"
        )
        events.append(
            Event(
                on=timezone.localdate(proposal.proposed_at),
                kind="proposal",
                title=title,
                text=proposal.note,
                by=proposer,
                status_after="Proposed closed" if proposal.kind == ActionProposal.Kind.CLOSURE else "",
                anchor=f"proposal-{proposal.pk}",
                order=3,
            )
        )
        if proposal.decided_at:
            accepted = proposal.status == ActionProposal.Status.ACCEPTED
            what = "Closure" if proposal.kind == ActionProposal.Kind.CLOSURE else "Revised target date"
            after = ""
            if proposal.kind == ActionProposal.Kind.CLOSURE:
                after = "Closed" if accepted else "Open"
            events.append(
                Event(
                    on=timezone.localdate(proposal.decided_at),
                    kind="decision",
                    title=f"{what} {'accepted' if accepted else 'declined'}",
                    text=proposal.decision_note,
                    by=display_name(proposal.decided_by) if proposal.decided_by_id else "",
                    status_after=after,
                    anchor=f"decision-{proposal.pk}",
                    order=4,
                )
            )
    return sorted(events, key=lambda event: (event.on, event.order))
