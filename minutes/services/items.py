"""The agenda of a draft: adding, moving, reordering and deleting items; each atomic and keyword-only."""

from django.core.exceptions import ValidationError
from django.db import transaction

from minutes.audit import update_with_history
from minutes.models import AgendaItem, ItemKind
from minutes.signals import items_deleting


def _siblings(meeting, parent_id):
    return list(AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).select_for_update())


def _renumber(items):
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            update_with_history(AgendaItem.objects.filter(pk=item.pk), position=position)


@transaction.atomic
def item_add(*, meeting, title, parent=None, kind=ItemKind.ITEM):
    """Add an item at the end of the agenda, or at the end of `parent`'s sub-items."""
    if parent is not None and (parent.parent_id is not None or parent.meeting_id != meeting.pk):
        raise ValidationError("Sub-items go under a top-level item of the same meeting.")
    position = len(_siblings(meeting, parent.pk if parent else None)) + 1
    item = AgendaItem(meeting=meeting, parent=parent, title=title, kind=kind, position=position)
    item.full_clean()
    item.save()
    return item


class MoveRefused(ValidationError):
    """An item cannot move that way (first item up, a parent indented, ...)."""


@transaction.atomic
def item_move(*, item, direction):
    """Move an item: "up" or "down" among its siblings, "indent" under the item above, "outdent"."""
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    siblings = _siblings(item.meeting_id, item.parent_id)
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    if direction in ("up", "down"):
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(siblings):
            raise MoveRefused(
                f"“{item.title}” is already the {'first' if direction == 'up' else 'last'} item here."
            )
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
    elif direction == "indent":
        if item.parent_id is not None:
            raise MoveRefused("Sub-items cannot be indented further: items nest one level only.")
        if index == 0:
            raise MoveRefused(f"“{item.title}” has no item above it to go under.")
        if item.children.exists():
            raise MoveRefused(f"“{item.title}” has sub-items of its own: outdent them first.")
        new_parent = siblings[index - 1]
        if new_parent.is_heading:
            raise MoveRefused(
                f"“{new_parent.title}” is a heading: the items after it stand under it already."
            )
        position = new_parent.children.count() + 1
        update_with_history(AgendaItem.objects.filter(pk=item.pk), parent=new_parent, position=position)
        _renumber(siblings[:index] + siblings[index + 1 :])
    elif direction == "outdent":
        if item.parent_id is None:
            raise MoveRefused(f"“{item.title}” is already a top-level item.")
        parent = item.parent
        top = _siblings(item.meeting_id, None)
        at = next(i for i, top_item in enumerate(top) if top_item.pk == parent.pk) + 1
        update_with_history(AgendaItem.objects.filter(pk=item.pk), parent=None)
        item.parent_id = None
        _renumber(top[:at] + [item] + top[at:])
        _renumber([sibling for sibling in siblings if sibling.pk != item.pk])
    else:
        raise MoveRefused(f"Unknown direction {direction!r}.")


@transaction.atomic
def item_reorder(*, meeting, layout):
    """Apply a whole agenda order, e.g. from drag and drop.

    `layout` lists (item id, parent id or None) in the order the items read. Every
    item of the meeting must appear once; items nest one level only.
    """
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting).select_for_update()}
    ids = [item_id for item_id, _ in layout]
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise ValidationError("The agenda changed meanwhile: reload the page and move the item again.")
    parents = {item_id: parent_id for item_id, parent_id in layout}
    for item_id, parent_id in layout:
        if parent_id is not None and (parent_id not in items or parents.get(parent_id) is not None):
            raise ValidationError("Items nest one level only.")
        if parent_id == item_id:
            raise ValidationError("An item cannot be its own sub-item.")
        if parent_id is not None and items[parent_id].is_heading:
            raise ValidationError("A heading takes no sub-items: the items after it stand under it.")
        if parent_id is not None and items[item_id].is_heading:
            raise ValidationError("A heading stands at the top level.")
    counters = {}
    for item_id, parent_id in layout:
        counters[parent_id] = counters.get(parent_id, 0) + 1
        item = items[item_id]
        if (item.parent_id, item.position) != (parent_id, counters[parent_id]):
            update_with_history(
                AgendaItem.objects.filter(pk=item_id), parent_id=parent_id, position=counters[parent_id]
            )


@transaction.atomic
def item_delete(*, item):
    """Delete an item with its sub-items, decisions, footnotes and what other apps recorded on
    them (the actions raised there: see minutes.signals.items_deleting).

    The references of deleted actions are never given again.
    """
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    item_ids = [item.pk, *item.children.values_list("pk", flat=True)]
    items_deleting.send(sender=AgendaItem, meeting_id=item.meeting_id, item_ids=item_ids)
    meeting_id, parent_id = item.meeting_id, item.parent_id
    item.delete()
    _renumber(_siblings(meeting_id, parent_id))
