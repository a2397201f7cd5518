"""Importing a committee's action log: what it would do (plan_import), and doing it (import_actions).

References are kept exactly as the file has them. The meeting that raised an action is read
from its reference (where the committee's pattern has {meeting}), a Meeting column, or the
date raised; a meeting the product does not hold is made as a placeholder (no minutes;
Meeting.imported_from names the file). Owners are matched to organisations and people by
name, case and spacing ignored; unknown ones are made on import. Importing the same file
again changes nothing; a later file updates the actions whose references exist. Every row
written leaves history "imported from FILE" by the person importing.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actions.imports import (
    DATE_FIELDS,
    FIELDS,
    MEETING_NAMED,
    Plan,
    RowPlan,
    Table,
    columns_for,
    guess_owner_kind,
    missing_fields,
    name_key,
    owner_names,
    parse_date,
    reference_reader,
)
from actions.models import Action, ActionUpdate, TargetDate
from minutes.audit import current_stamp, recorded_as
from minutes.conventions import REFERENCE_MAX_LENGTH, reference_slug
from minutes.models import ActionStatus, Committee, Meeting, Organisation, Person
from minutes.services.committees import committee_statuses


class ImportRefused(ValueError):
    """An import that cannot be made as asked; nothing was saved."""


@dataclass
class Known:
    """What the committee holds that rows are matched against, read once per plan."""

    actions: dict  # reference -> Action (owners and updates prefetched)
    slugs: dict  # slug -> reference
    meetings: dict  # number -> Meeting
    meetings_on: dict  # date -> [Meeting]
    owners: dict  # name key -> Organisation or Person
    statuses: dict  # label key -> (label, is_open)

    @classmethod
    def of(cls, committee, references=None):
        """What `committee` holds; of its actions, only those `references` could match (by reference
        or by the slug it gives) when given: a chunk of a large file need not read them all."""
        held = Action.objects.filter(committee=committee)
        if references is not None:
            held = held.filter(
                Q(reference__in=references) | Q(slug__in={reference_slug(r) for r in references})
            )
        actions = {
            action.reference: action
            for action in held.select_related("status_label").prefetch_related(
                "owner_organisations", "owner_people", "updates"
            )
        }
        meetings, meetings_on = {}, {}
        for meeting in Meeting.objects.filter(committee=committee).order_by("number"):
            meetings[meeting.number] = meeting
            meetings_on.setdefault(meeting.held_on, []).append(meeting)
        owners = {}
        for person in Person.objects.all():
            owners.setdefault(name_key(person.name), person)
        for organisation in Organisation.objects.all():
            # An organisation wins over a person of the same name; its full name matches too.
            owners[name_key(organisation.name)] = organisation
            if organisation.full_name:
                owners.setdefault(name_key(organisation.full_name), organisation)
        ordered = committee_statuses(committee)
        statuses = {name_key(label): (label, is_open) for label, is_open in ordered}
        # The product's own log prints an action proposed for closure so: it is open still.
        statuses.setdefault("proposed closed", next((s for s in ordered if s[1]), ordered[0]))
        return cls(
            actions=actions,
            slugs={action.slug: reference for reference, action in actions.items()},
            meetings=meetings,
            meetings_on=meetings_on,
            owners=owners,
            statuses=statuses,
        )


def _cell(row, index):
    cells = row[1]
    return cells[index] if index < len(cells) else ""


def plan_import(committee, table, *, columns=None, statuses=None, known=None):
    """What importing `table` (actions.imports.Table) into `committee` would do, row by row.

    `columns` is the secretary's choice of field per heading ({heading: field or "ignore"});
    `statuses` maps labels the file uses to the committee's ({file label: committee label}).
    """
    statuses = {name_key(label): target for label, target in (statuses or {}).items()}
    known = known or Known.of(committee)
    by_index, unrecognised = columns_for(table.headings, columns)
    plan = Plan(
        kind=table.kind,
        unrecognised=unrecognised,
        missing=missing_fields(by_index),
    )
    if plan.missing:
        return plan
    read_reference = reference_reader(committee)
    seen, seen_slugs, unknown_statuses, new_owners, new_meetings = {}, {}, {}, {}, {}
    width = len(table.headings)
    for row in table.rows:
        number, cells = row
        result = RowPlan(number=number)
        plan.rows.append(result)
        values = {name: _cell(row, index) for index, name in by_index.items()}
        extra = [cell for cell in cells[width:] if cell != ""]
        if extra:
            result.errors.append(
                f"The row has {len(cells)} cells where the heading row has {width}: "
                "check for a separator inside a cell."
            )
        reference = " ".join(str(values.get("reference", "")).split())
        result.reference = reference
        if not reference:
            result.errors.append("No reference.")
        elif len(reference) > REFERENCE_MAX_LENGTH:
            result.errors.append(f"The reference is longer than {REFERENCE_MAX_LENGTH} characters.")
        elif reference in seen:
            result.errors.append(f"{reference} is also on row {seen[reference]}.")
        else:
            seen[reference] = number
            slug = reference_slug(reference)
            if not slug:
                result.errors.append(f"“{reference}” has no letter or digit to name it by.")
            elif (
                known.slugs.get(slug, reference) != reference or seen_slugs.get(slug, reference) != reference
            ):
                other = known.slugs.get(slug) or seen_slugs.get(slug)
                result.errors.append(f"{reference} and {other} would have the same address: rename one.")
            seen_slugs.setdefault(slug, reference)

        dates = {}
        for name in DATE_FIELDS:
            value = values.get(name, "")
            if value == "" or value is None:
                continue
            try:
                dates[name] = parse_date(value)
            except ValueError:
                result.errors.append(
                    f"{FIELDS[name]}: “{value}” is not a date; write it as 23/08/2021, 23 August 2021 "
                    "or 2021-08-23."
                )
        meeting_number = None
        for name in ("meeting", "raised"):
            value = values.get(name, "")
            if value in ("", None):
                continue
            if name == "raised":
                try:
                    dates.setdefault("raised_on", parse_date(value))
                    continue
                except ValueError:
                    pass
            match = MEETING_NAMED.match(str(value))
            if match is None:
                result.errors.append(f"Meeting raised at: “{value}” names no meeting; write e.g. 23.")
            else:
                meeting_number = int(match.group(1))
        from_reference, sequence = read_reference(reference) if reference else (None, None)
        if from_reference is not None and meeting_number is not None and from_reference != meeting_number:
            result.errors.append(
                f"The reference says meeting {from_reference}, the Meeting column {meeting_number}."
            )
        meeting_number = meeting_number or from_reference
        result.sequence = sequence

        text = str(values.get("text", "")).strip()
        owners = owner_names(str(values.get("owners", "")))
        status_cell = " ".join(str(values.get("status", "")).split())
        status = None
        if status_cell:
            target = statuses.get(name_key(status_cell))
            status = known.statuses.get(name_key(target or status_cell))
            if status is None:
                unknown_statuses.setdefault(status_cell, number)
        update = str(values.get("update", "")).strip()
        result.values = {
            "text": text,
            "owners": owners,
            "status": status,
            "update": update,
            **dates,
        }
        for owner in owners:
            if name_key(owner) not in known.owners:
                new_owners.setdefault(name_key(owner), (owner, guess_owner_kind(owner)))

        existing = known.actions.get(reference)
        if existing is not None:
            result.changes = _changes(existing, result.values, known)
            result.outcome = "updated" if result.changes else "unchanged"
        else:
            if not text:
                result.errors.append("No action text: a new action needs it.")
            meeting = known.meetings.get(meeting_number) if meeting_number is not None else None
            raised_on = dates.get("raised_on")
            if meeting is None and meeting_number is None and raised_on is not None:
                held = known.meetings_on.get(raised_on, [])
                meeting = held[0] if held else None
                if meeting is None:
                    result.errors.append(
                        f"No {committee.code} meeting was held on {raised_on:%d/%m/%Y}: give the number of "
                        "the meeting that raised it in a Meeting column (e.g. 23)."
                    )
            elif meeting is None and meeting_number is not None:
                if raised_on is None:
                    result.errors.append(
                        f"{committee.code}_{meeting_number} is not held here: give the date it raised the "
                        "action (Date raised) so that it can be made as a placeholder."
                    )
                else:
                    new_meetings.setdefault(meeting_number, raised_on)
            elif meeting is None:
                result.errors.append("Say which meeting raised it: a Date raised or Meeting column.")
            result.meeting_number = meeting.number if meeting is not None else meeting_number
            result.outcome = "new"
        if result.errors:
            result.outcome = "error"
    plan.unknown_statuses = sorted(unknown_statuses, key=unknown_statuses.get)
    plan.new_owners = sorted(new_owners.values())
    plan.new_meetings = sorted(new_meetings.items())
    return plan


def _owner_keys(action):
    return {name_key(o.name) for o in action.owner_organisations.all()} | {
        name_key(p.name) for p in action.owner_people.all()
    }


def _matched_keys(names, known):
    keys = set()
    for name in names:
        owner = known.owners.get(name_key(name))
        keys.add(name_key(owner.name) if owner is not None else name_key(name))
    return keys


def _latest_update(action):
    updates = sorted(action.updates.all(), key=lambda update: (update.given_on, update.pk))
    return updates[-1] if updates else None


def _changes(action, values, known):
    """What the row would change on `action`, in words; blank cells change nothing."""
    changes = []
    if values["text"] and values["text"] != action.text.strip():
        changes.append("action text")
    if values["owners"] and _matched_keys(values["owners"], known) != _owner_keys(action):
        changes.append("owners")
    in_force = values.get("revised_target_on") or values.get("target_on")
    if in_force is not None and in_force != action.due_on:
        changes.append(f"target date {in_force:%d/%m/%Y}")
    status = values["status"]
    if status is not None:
        label, is_open = status
        own = action.status_label.label if action.status_label_id else None
        if is_open != action.is_open or (own is not None and name_key(own) != name_key(label)):
            changes.append(f"status {label}")
    latest = _latest_update(action)
    if values["update"] and (latest is None or latest.text.strip() != values["update"]):
        changes.append("update")
    return changes


# ---- Doing it --------------------------------------------------------------------------


@dataclass
class ImportResult:
    counts: dict
    rows: list
    skipped: int = 0

    @property
    def summary(self):
        """ "2 new, 1 updated, 0 unchanged, 1 row(s) in error skipped", as the page and command say it."""
        counts = self.counts
        said = f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged"
        return said + (f", {self.skipped} row(s) in error skipped" if self.skipped else "")


# Up to how many references a chunk's lookup names them (beyond, it reads all the committee's actions).
MAX_NAMED = 5000


def _references(table, columns):
    """The references `table` holds, as the plan reads them; None for a file too large to name them."""
    by_index, _ = columns_for(table.headings, columns)
    index = next((i for i, name in by_index.items() if name == "reference"), None)
    if index is None or len(table.rows) > MAX_NAMED:
        return None
    return {" ".join(str(cells[index]).split()) for _, cells in table.rows if index < len(cells)}


def refusal(plan, *, valid_only=False):
    """Why `plan` cannot be imported as it is, in words; "" if it can."""
    if plan.missing:
        return f"Say which column holds {plan.missing_words}."
    if plan.unknown_statuses:
        return "Say which of the committee's statuses these are: " + ", ".join(plan.unknown_statuses) + "."
    if plan.errors and not valid_only:
        return f"{len(plan.errors)} row(s) are in error: correct them, or import the valid rows only."
    return ""


# Rows imported per transaction by import_actions_in_chunks.
CHUNK = 1000


def import_actions_in_chunks(
    committee,
    table,
    *,
    by,
    filename,
    columns=None,
    statuses=None,
    valid_only=False,
    today=None,
    progress=None,
):
    """import_actions for a large file, CHUNK rows at a time, each chunk its own transaction, with
    `progress(done, total)` after each. The whole file is checked first (refused as import_actions
    refuses it); were the import to stop half way, running it again imports the rest, the rows done
    being unchanged by then."""
    plan = plan_import(committee, table, columns=columns, statuses=statuses)
    refused = refusal(plan, valid_only=valid_only)
    if refused:
        raise ImportRefused(refused)
    valid = {row.number for row in plan.valid}
    rows = [row for row in table.rows if row[0] in valid]
    counts = dict.fromkeys(("new", "updated", "unchanged", "error"), 0)
    for start in range(0, len(rows), CHUNK):
        part = Table(headings=table.headings, rows=rows[start : start + CHUNK], kind=table.kind)
        result = import_actions(
            committee, part, by=by, filename=filename, columns=columns, statuses=statuses, today=today
        )
        for outcome, count in result.counts.items():
            counts[outcome] += count
        if progress is not None:
            progress(start + len(part.rows), len(rows))
    counts["error"] = len(plan.errors)
    return ImportResult(counts=counts, rows=plan.rows, skipped=len(plan.errors))


def import_actions(
    committee, table, *, by, filename, columns=None, statuses=None, valid_only=False, today=None
):
    """Import `table` into `committee` as `by`; returns an ImportResult.

    The committee's row is locked for the whole import, and what to do is decided again under
    the lock, so that two imports into one committee never give one reference twice. Refused
    (ImportRefused, nothing saved) while a column or status is not mapped, or while any row is
    in error unless `valid_only` says to import the valid rows only.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        known = Known.of(committee, references=_references(table, columns))
        plan = plan_import(committee, table, columns=columns, statuses=statuses, known=known)
        refused = refusal(plan, valid_only=valid_only)
        if refused:
            raise ImportRefused(refused)
        reason = f"imported from {filename}"
        with recorded_as(by if getattr(by, "is_authenticated", False) else None, reason):
            _make_owners(plan, known)
            _make_meetings(committee, plan, known, filename)
            labels = {status.label: status for status in ActionStatus.objects.filter(committee=committee)}
            rows = [row for row in plan.rows if row.ok and row.outcome != "unchanged"]
            # Actions whose number the pattern gives first: a typed reference the pattern does
            # not write then takes a number its meeting has free.
            rows.sort(key=lambda row: (row.outcome != "new" or row.sequence is None, row.number))
            _create_all(
                committee, [row for row in rows if row.outcome == "new"], known, labels, by=by, today=today
            )
            for row in rows:
                if row.outcome != "new":
                    _update(known.actions[row.reference], row, known, labels, by=by, today=today)
    return ImportResult(counts=plan.counts, rows=plan.rows, skipped=len(plan.errors))


def _make_owners(plan, known):
    for name, kind in plan.new_owners:
        model = Person if kind == "person" else Organisation
        known.owners[name_key(name)] = model.objects.create(name=name)


def _make_meetings(committee, plan, known, filename):
    for number, held_on in plan.new_meetings:
        known.meetings[number] = Meeting.objects.create(
            committee=committee,
            number=number,
            held_on=held_on,
            location="",
            imported_from=filename[:255],
        )


def _owners(row, known):
    return [known.owners[name_key(name)] for name in row.values["owners"]]


def _status(row, labels):
    """(Action.Status value, ActionStatus or None) a row's status cell gives; None if it gives none."""
    status = row.values["status"]
    if status is None:
        return None
    label, is_open = status
    return (Action.Status.OPEN if is_open else Action.Status.CLOSED), labels.get(label)


def _closed_on(row, today):
    return row.values.get("closed_on") or row.values.get("update_on") or today


# Rows written per INSERT by the bulk writer.
BATCH = 1000


def _numbered(committee, rows, known):
    """The number each new action takes at its meeting: the one its reference gives where the
    meeting has it free, else the meeting's next free one (as raise_action gives them). Moves the
    meetings' counters, and the committee's where it numbers per committee, past the numbers given."""
    meetings = {known.meetings[row.meeting_number].pk for row in rows}
    taken = {}
    for meeting_id, sequence in Action.objects.filter(meeting_id__in=meetings).values_list(
        "meeting_id", "sequence"
    ):
        taken.setdefault(meeting_id, set()).add(sequence)
    counters = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "last_action_sequence"))
    numbers, from_pattern = [], 0
    for row in rows:
        meeting_id = known.meetings[row.meeting_number].pk
        used = taken.setdefault(meeting_id, set())
        sequence = row.sequence
        if sequence is None or sequence in used:
            sequence = max(max(used, default=0), counters[meeting_id]) + 1
        else:
            from_pattern = max(from_pattern, sequence)
        used.add(sequence)
        counters[meeting_id] = max(counters[meeting_id], sequence)
        numbers.append(sequence)
    for meeting_id, top in counters.items():
        Meeting.objects.filter(pk=meeting_id, last_action_sequence__lt=top).update(last_action_sequence=top)
    if committee.numbers_actions_per_committee and from_pattern:
        Committee.objects.filter(pk=committee.pk, last_action_number__lt=from_pattern).update(
            last_action_number=from_pattern
        )
    return numbers


def _search_fields(reference, text, owners, update):
    """What Action.refresh_search_document would store for a new action with these owners and
    update (an update given between meetings: readers see it too)."""
    organisations = sorted(o.name for o in owners if isinstance(o, Organisation))
    people = sorted(o.name for o in owners if isinstance(o, Person))
    document = "\n".join([reference, text, " ".join(organisations + people), *([update] if update else [])])
    return {
        "search_document": document,
        "published_search_document": document,
        "owner_sort": (organisations or people or [""])[0][:200],
    }


def _create_all(committee, rows, known, labels, *, by, today):
    """The new actions, written in bulk: what raise_action, set_owners, the target date steps, an
    update and the status would write one by one (and what their signals keep: the search
    document, the target date in force), with their history rows saying "imported from FILE"."""
    if not rows:
        return
    user = _user(by)
    _, reason = current_stamp()
    now = timezone.now()
    actions, owners_of, dates, updates = [], [], [], []
    for row, sequence in zip(rows, _numbered(committee, rows, known), strict=True):
        values = row.values
        meeting = known.meetings[row.meeting_number]
        owners = _owners(row, known)
        to, label = _status(row, labels) or (Action.Status.OPEN, None)
        target, revised = values.get("target_on"), values.get("revised_target_on")
        if revised == target:
            revised = None
        actions.append(
            Action(
                committee=committee,
                meeting=meeting,
                sequence=sequence,
                reference=row.reference,
                slug=reference_slug(row.reference),
                text=values["text"],
                raised_on=values.get("raised_on") or meeting.held_on,
                status=to,
                status_label=label,
                closed_on=_closed_on(row, today) if to == Action.Status.CLOSED else None,
                due_on=revised or target,
                **_search_fields(row.reference, values["text"], owners, values["update"]),
            )
        )
        owners_of.append(owners)
        dates.append([(target, meeting)] * (target is not None) + [(revised, None)] * (revised is not None))
        updates.append(values["update"] and (values["update"], values.get("update_on") or today, to, label))
    Action.objects.bulk_create(actions, batch_size=BATCH)
    history = Action.history.bulk_history_create(
        actions, batch_size=BATCH, default_user=user, default_change_reason=reason, default_date=now
    )
    through = {
        "owner_organisations": (Action.owner_organisations.through, Organisation, "organisation"),
        "owner_people": (Action.owner_people.through, Person, "person"),
    }
    for field, (model, kind, name) in through.items():
        links = model.objects.bulk_create(
            [
                model(action_id=action.pk, **{f"{name}_id": owner.pk})
                for action, owners in zip(actions, owners_of, strict=True)
                for owner in owners
                if isinstance(owner, kind)
            ],
            batch_size=BATCH,
        )
        recorded = {historical.id: historical.pk for historical in history}
        m2m_history = apps.get_model("actions", f"HistoricalAction_{field}")
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=link.pk,
                    action_id=link.action_id,
                    history_id=recorded[link.action_id],
                    **{f"{name}_id": getattr(link, f"{name}_id")},
                )
                for link in links
            ],
            batch_size=BATCH,
        )
    steps = [
        TargetDate(action=action, target_on=target_on, meeting=meeting, recorded_by=user, recorded_at=now)
        for action, entries in zip(actions, dates, strict=True)
        for target_on, meeting in entries
    ]
    TargetDate.objects.bulk_create(steps, batch_size=BATCH)
    TargetDate.history.bulk_history_create(
        steps, batch_size=BATCH, default_user=user, default_change_reason=reason, default_date=now
    )
    given = [
        ActionUpdate(action=action, text=text, given_on=on, status_after=to, status_label=label, author=user)
        for action, update in zip(actions, updates, strict=True)
        if update
        for text, on, to, label in [update]
    ]
    ActionUpdate.objects.bulk_create(given, batch_size=BATCH)
    ActionUpdate.history.bulk_history_create(
        given, batch_size=BATCH, default_user=user, default_change_reason=reason, default_date=now
    )
    for action in actions:
        known.actions[action.reference] = action


def _update(action, row, known, labels, *, by, today):
    values = row.values
    current = action._locked(by)
    if "action text" in row.changes:
        current.text = values["text"]
        current.save(update_fields=["text"])
    if "owners" in row.changes:
        current.set_owners(_owners(row, known))
    in_force = values.get("revised_target_on") or values.get("target_on")
    if in_force is not None and in_force != current.due_on:
        TargetDate.objects.create(action=current, target_on=in_force, recorded_by=_user(by))
    status = _status(row, labels)
    if "update" in row.changes:
        ActionUpdate.objects.create(
            action=current,
            text=values["update"],
            given_on=values.get("update_on") or today,
            status_after=status[0] if status else current.status,
            status_label=status[1] if status else current.status_label,
            author=_user(by),
        )
    if status is not None and any(change.startswith("status") for change in row.changes):
        to, label = status
        was_closed = current.is_closed
        current._write_status(current, to, on=_closed_on(row, today), label=label)
        if to == Action.Status.CLOSED and not was_closed:
            current._settle_proposals(by=by, note="Closed by an import of the action log.")


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
