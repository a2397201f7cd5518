"""Decisions and footnotes on an item: adding, ordering and deleting them.

Each change is atomic and keyword-only. The item's row is locked first, so two
changes to the decisions (or footnotes) of one item never interleave and the
positions stay 1..n.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from minutes.audit import update_with_history
from minutes.models import AgendaItem, Decision, Footnote, Meeting
from minutes.sanitize import anchor_offset


class DraftClosed(ValidationError):
    """The minutes are no longer in draft, so their items cannot change."""


class MoveRefused(ValidationError):
    """A decision cannot move that way (the first one up, the last one down)."""


def _locked_item(item_id):
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item_id)
    if item.meeting.minutes_status != Meeting.Status.DRAFT:
        raise DraftClosed("These minutes are no longer in draft: they cannot be changed.")
    return item


def _renumber(rows):
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            update_with_history(type(row).objects.filter(pk=row.pk), position=position)


@transaction.atomic
def decision_add(*, item, verb, text, approves_minutes_of=None, by=None):
    """Record a decision on `item`, after the ones it already has.

    A decision that approves earlier minutes moves them to approved (recorded as `by`).
    """
    item = _locked_item(item.pk)
    position = Decision.objects.filter(item=item).count() + 1
    decision = Decision.objects.create(
        item=item, verb=verb, text=text, position=position, approves_minutes_of=approves_minutes_of
    )
    if approves_minutes_of is not None:
        from minutes.services.meetings import minutes_approve_by_decision

        minutes_approve_by_decision(decision=decision, by=by)
    return decision


@transaction.atomic
def decision_move(*, decision, direction):
    """Swap `decision` with the one before ("up") or after ("down") it."""
    if direction not in ("up", "down"):
        raise MoveRefused(f"Unknown direction {direction!r}: use up or down.")
    _locked_item(decision.item_id)
    decisions = list(Decision.objects.filter(item_id=decision.item_id))
    index = next(i for i, other in enumerate(decisions) if other.pk == decision.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(decisions):
        where = "first" if direction == "up" else "last"
        raise MoveRefused(f"Decision {index + 1} is already the {where}: it was not moved.")
    decisions[index], decisions[target] = decisions[target], decisions[index]
    _renumber(decisions)
    return target + 1


@transaction.atomic
def decision_delete(*, decision):
    """Delete `decision`; the ones after it move up."""
    _locked_item(decision.item_id)
    Decision.objects.filter(pk=decision.pk).delete()
    _renumber(list(Decision.objects.filter(item_id=decision.item_id)))


@transaction.atomic
def footnote_add(*, item, anchor_text, text, occurrence=1):
    """Add a footnote to `item`'s text, after the footnotes it already has."""
    item = _locked_item(item.pk)
    position = Footnote.objects.filter(item=item).count() + 1
    return Footnote.objects.create(
        item=item, anchor_text=anchor_text, occurrence=occurrence, text=text, position=position
    )


@transaction.atomic
def footnote_delete(*, footnote):
    """Delete `footnote`; the later footnotes of its item move up."""
    _locked_item(footnote.item_id)
    Footnote.objects.filter(pk=footnote.pk).delete()
    _renumber(list(Footnote.objects.filter(item_id=footnote.item_id)))


def footnote_anchor_found(markup, anchor, occurrence=1):
    """Whether the footnote mark for the `occurrence`-th `anchor` follows it in `markup`, rather than
    going at the end (the same search as minutes.sanitize.anchor_offset)."""
    return anchor_offset(markup, anchor, occurrence) is not None


def footnotes_check_anchors(items):
    """Set `anchor_found` on each footnote of `items` (as built by meeting_minutes); no queries."""
    for item in items:
        for footnote in item.item_footnotes:
            footnote.anchor_found = footnote_anchor_found(
                item.minutes_text or "", footnote.anchor_text, footnote.occurrence
            )
