"""A committee's conventions, changed by its secretaries: atomic and keyword-only.

Changing a convention never rewrites published minutes (their PDFs are stored as
published); drafts print with the new convention, and references already given stay
as they are.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError

from minutes.models import ActionStatus, Committee, ItemKind, Meeting, SeatCategory, StandardAgendaItem
from minutes.signals import conventions_changing

# What the settings page and the conventions file change.
CONVENTION_FIELDS = (
    "name",
    "decision_name",
    "decision_verbs",
    "decision_list",
    "item_numbering",
    "print_paper_references",
    "action_reference",
    "action_numbering",
    "attendance_columns",
    "attendance_grouping",
)


def _highest_number(committee):
    """The highest action number the committee has given: a meeting counter never falls behind the
    numbers given at its meeting, whatever the numbering."""
    meetings = Meeting.objects.filter(committee_id=committee.pk).aggregate(top=Max("last_action_sequence"))
    return max(committee.last_action_number, meetings["top"] or 0)


def next_references(committee, count=3):
    """The references the next actions of the committee's latest meeting would get, as a preview.

    `committee` may hold unsaved changes: the preview shows what they would give.
    """
    latest = Meeting.objects.filter(committee_id=committee.pk).order_by("-held_on", "-number").first()
    meeting_number = latest.number if latest is not None else 1
    if committee.numbers_actions_per_committee:
        start = _highest_number(committee) if committee.pk is not None else 0
    else:
        start = latest.last_action_sequence if latest is not None else 0
    return [committee.action_reference_for(meeting_number, start + n) for n in range(1, count + 1)]


@transaction.atomic
def committee_configure(*, committee, **values):
    """Change the committee's conventions (CONVENTION_FIELDS); returns the names of the fields changed.

    Refused with ValidationError (per field; nothing saved) if a value is not valid,
    or if another app says the change cannot be made (minutes.signals.conventions_changing:
    the actions refuse a pattern that would give a reference already used). Numbering
    switched to per committee continues after the highest number given.
    """
    unknown = set(values) - set(CONVENTION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown conventions: {', '.join(sorted(unknown))}.")
    current = Committee.objects.select_for_update().get(pk=committee.pk)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, values[name])
    current.full_clean()
    if not changed:
        return []
    if "action_numbering" in changed and current.numbers_actions_per_committee:
        current.last_action_number = _highest_number(current)
    conventions_changing.send(sender=Committee, committee=current, changed=changed)
    current.save()
    for name in (*changed, "last_action_number"):
        setattr(committee, name, getattr(current, name))
    return changed


DEFAULT_STATUSES = [("Open", True), ("Closed", False)]


def committee_statuses(committee):
    """The committee's action statuses as (label, is_open), in order: its own, else Open and Closed."""
    own = [(status.label, status.is_open) for status in committee.action_statuses.all()]
    return own or list(DEFAULT_STATUSES)


@transaction.atomic
def committee_set_statuses(*, committee, statuses):
    """Make the committee's action statuses `statuses` [(label, is_open)], in that order; returns
    what changed, in words. Refused (ValidationError, nothing saved) for a blank or repeated label,
    without an open and a closed status, or removing a status that actions have."""
    statuses = [(label.strip(), bool(is_open)) for label, is_open in statuses]
    if any(not label for label, _ in statuses):
        raise ValidationError({"statuses": "A status needs a label."})
    labels = [label.lower() for label, _ in statuses]
    if len(set(labels)) != len(labels):
        raise ValidationError({"statuses": "Each status once, please: a label is listed twice."})
    if any(len(label) > 40 for label, _ in statuses):
        raise ValidationError({"statuses": "Keep each status under 40 characters."})
    if not any(is_open for _, is_open in statuses) or all(is_open for _, is_open in statuses):
        raise ValidationError(
            {"statuses": "Give at least one open status (carried forward) and one closed status."}
        )
    if statuses == committee_statuses(committee):
        return []
    existing = {
        status.label: status
        for status in ActionStatus.objects.select_for_update().filter(committee=committee)
    }
    changes = []
    for label in existing.keys() - {label for label, _ in statuses}:
        try:
            existing[label].delete()
        except ProtectedError:
            raise ValidationError(
                {"statuses": f"“{label}” is the status of actions or updates already: it cannot be removed."}
            ) from None
        changes.append(f"status removed: {label!r}")
    for position, (label, is_open) in enumerate(statuses, start=1):
        status = existing.get(label)
        if status is None:
            ActionStatus.objects.create(committee=committee, label=label, is_open=is_open, position=position)
            changes.append(f"status added: {label!r} ({'open' if is_open else 'closed'})")
        elif (status.is_open, status.position) != (is_open, position):
            if status.is_open != is_open and status.actions.exists():
                raise ValidationError(
                    {
                        "statuses": f"“{label}” is the status of actions already: it cannot change between open and closed."
                    }
                )
            status.is_open, status.position = is_open, position
            status.save(update_fields=["is_open", "position"])
            changes.append(f"status changed: {label!r} ({'open' if is_open else 'closed'}, place {position})")
    return changes


@transaction.atomic
def committee_set_seat_categories(*, committee, categories):
    """Make the committee's seat categories `categories` [(pk or None, name)], in that order: a pk
    keeps (and may rename) that category, None adds one, a category left out is removed. Returns
    what changed, in words. Refused (ValidationError on "seat_categories", nothing saved) for a
    blank, long or repeated name, or removing a category that attendance lists use.

    Renaming never changes published minutes: they keep the names they were published with
    (Meeting.printed_conventions).
    """
    categories = [(pk, " ".join(name.split())) for pk, name in categories]
    if any(not name for _, name in categories):
        raise ValidationError({"seat_categories": "A seat category needs a name."})
    if any(len(name) > 100 for _, name in categories):
        raise ValidationError({"seat_categories": "Keep each seat category under 100 characters."})
    names = [name.lower() for _, name in categories]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ValidationError(
                {
                    "seat_categories": f"“{categories[index][1]}” is listed twice: each seat category once, please."
                }
            )
    existing = {
        category.pk: category
        for category in SeatCategory.objects.select_for_update().filter(committee=committee)
    }
    unknown = [pk for pk, _ in categories if pk is not None and pk not in existing]
    if unknown:
        raise ValidationError({"seat_categories": "A seat category was removed meanwhile: reload the page."})
    changes = []
    kept = {pk for pk, _ in categories if pk is not None}
    for pk in existing.keys() - kept:
        category = existing.pop(pk)
        if category.attendances.exists():
            raise ValidationError(
                {
                    "seat_categories": f"“{category.name}” is used in attendance lists: it cannot be removed. "
                    "Rename it instead, or move the people listed in it first."
                }
            )
        category.delete()
        changes.append(f"seat category removed: {category.name!r}")
    # Names move between categories in two steps, so that swapping two names never meets the
    # database's one-name-per-committee rule half way.
    renamed = [
        (existing[pk], name) for pk, name in categories if pk is not None and existing[pk].name != name
    ]
    for category, _ in renamed:
        SeatCategory.objects.filter(pk=category.pk).update(name=f"\t{category.pk}")
    for category, name in renamed:
        changes.append(f"seat category renamed: {category.name!r} -> {name!r}")
        category.name = name
        SeatCategory.objects.filter(pk=category.pk).update(name=name)
    for position, (pk, name) in enumerate(categories, start=1):
        if pk is None:
            SeatCategory.objects.create(committee=committee, name=name, position=position)
            changes.append(f"seat category added: {name!r}")
        elif existing[pk].position != position:
            SeatCategory.objects.filter(pk=pk).update(position=position)
            changes.append(f"seat category moved: {name!r} to place {position}")
    return changes


def standard_agenda(committee):
    """The committee's standard agenda as [((title, kind, text), [sub-items as (title, kind, text)])]."""
    entries = list(committee.standard_agenda_items.all())
    return [
        (
            (entry.title, entry.kind, entry.text),
            [(child.title, child.kind, child.text) for child in entries if child.parent_id == entry.pk],
        )
        for entry in entries
        if entry.parent_id is None
    ]


def _check_agenda(entries):
    kinds = set(ItemKind.values)
    for number, ((title, kind, _), children) in enumerate(entries, start=1):
        if kind not in kinds:
            raise ValidationError({"standard_agenda": f"Item {number}: choose one of the kinds offered."})
        if not title.strip():
            raise ValidationError({"standard_agenda": f"Item {number} needs a title."})
        if len(title) > 300:
            raise ValidationError({"standard_agenda": f"Item {number}: keep its title under 300 characters."})
        if kind == ItemKind.HEADING and children:
            raise ValidationError(
                {
                    "standard_agenda": f"“{title}” is a heading: it takes no sub-items; the items after it "
                    "stand under it."
                }
            )
        for child_title, child_kind, _ in children:
            if child_kind not in kinds - {ItemKind.HEADING}:
                raise ValidationError(
                    {
                        "standard_agenda": f"A sub-item of “{title}” is a heading: a heading stands at the top level."
                    }
                )
            if not child_title.strip():
                raise ValidationError({"standard_agenda": f"A sub-item of “{title}” needs a title."})
            if len(child_title) > 300:
                raise ValidationError(
                    {"standard_agenda": f"A sub-item of “{title}”: keep its title under 300 characters."}
                )


@transaction.atomic
def committee_set_standard_agenda(*, committee, entries):
    """Make the committee's standard agenda `entries` [((title, kind, text), [sub-items as
    (title, kind, text)])], in order; each new meeting starts from it. Returns what changed, in
    words. Refused (ValidationError on "standard_agenda", nothing saved) for an item without a
    title or kind, or a heading with sub-items. Meetings already set up keep their agendas."""
    entries = [
        ((title.strip(), kind, text), [(t.strip(), k, x) for t, k, x in children])
        for (title, kind, text), children in entries
    ]
    _check_agenda(entries)
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    if entries == standard_agenda(committee):
        return []
    committee.standard_agenda_items.all().delete()
    for position, ((title, kind, text), children) in enumerate(entries, start=1):
        parent = StandardAgendaItem.objects.create(
            committee=committee, title=title, kind=kind, text=text, position=position
        )
        StandardAgendaItem.objects.bulk_create(
            StandardAgendaItem(
                committee=committee,
                parent=parent,
                title=child_title,
                kind=child_kind,
                text=child_text,
                position=number,
            )
            for number, (child_title, child_kind, child_text) in enumerate(children, start=1)
        )
    titles = ", ".join(title for (title, _, _), _ in entries)
    return [f"standard agenda: {len(entries)} items ({titles})"]
