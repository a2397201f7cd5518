"""What the actions add to a committee's archive (minutes/archive.py), registered from ActionsConfig.ready().

In committee.json: "actions", every action of the committee by reference, with its owners,
target-date steps, updates, proposals and history; "deleted_actions", the history of those
deleted since. And actions.csv, the action log of all of them as the log's CSV export writes it
(actions/exports.py). Actions are read ACTIONS_PER_QUERY at a time, in a fixed number of
queries each time.
"""

from django.db.models import Q

from actions import exports
from actions.filters import with_log_columns
from actions.models import Action, ActionProposal, ActionUpdate, TargetDate
from minutes.archive import chunked, history_records, register_archive_part, username
from minutes.history import DELETED

ACTIONS_PER_QUERY = 200
# By reference: meeting number, then number ("OPSG 9/01" before "OPSG 10/01").
REFERENCE_ORDER = ("meeting__number", "sequence", "id")
OWNERS = ("owner_organisations", "owner_people")
# What the log searches: made from the action's other columns and its updates, left out of its history.
SEARCH_COLUMNS = ("search_document", "published_search_document")

README = """
committee.json, continued
    "actions": every action of the committee by reference, with its owners, its
    target-date steps, its updates, its owners' proposals and its history (every
    recorded change to the action, its owners, target dates and updates, oldest first);
    "deleted_actions": the history of actions deleted since they were raised.

actions.csv
    The action log of every action of the committee, as the action log's CSV export
    writes it (UTF-8 with a byte-order mark, dates as dd/mm/yyyy, the latest update of
    each action), by reference.
"""


class _Secretariat:
    """Who the archive reads the log as: everything, the updates given at meetings whose minutes are
    in draft included (with_log_columns shows a user the latest update they may see)."""

    is_authenticated = True
    is_staff = True


def _action_ids(committee):
    return list(
        Action.objects.filter(committee=committee).order_by(*REFERENCE_ORDER).values_list("pk", flat=True)
    )


def _reference(meeting):
    return meeting.reference if meeting is not None else None


def _history(ids):
    """Every recorded change to the actions `ids`, their owners, target dates and updates, by action."""
    records = []
    for kind, model, condition, options in (
        ("action", Action, Q(id__in=ids), {"m2m_fields": OWNERS, "leave_out": SEARCH_COLUMNS}),
        ("target_date", TargetDate, Q(action_id__in=ids), {}),
        ("update", ActionUpdate, Q(action_id__in=ids), {}),
    ):
        for record in history_records(model, condition, **options):
            action_id = record["id"] if kind == "action" else record["values"]["action_id"]
            records.append((action_id, {"object": kind, **record}))
    records.sort(key=lambda pair: (pair[1]["date"], pair[1]["history_id"], pair[1]["object"]))
    by_action = {}
    for action_id, record in records:
        by_action.setdefault(action_id, []).append(record)
    return by_action


def _chunk(committee, ids):
    actions = {
        action.pk: action
        for action in Action.objects.filter(pk__in=ids)
        .select_related("meeting", "status_label")
        .prefetch_related(
            "owner_organisations",
            "owner_people__organisation",
            "target_dates__meeting",
            "target_dates__recorded_by",
            "updates__meeting",
            "updates__status_label",
            "updates__author",
        )
    }
    proposals = {}
    for proposal in ActionProposal.objects.filter(action_id__in=ids).select_related(
        "proposed_by", "decided_by"
    ):
        proposals.setdefault(proposal.action_id, []).append(proposal)
    history = _history(ids)
    for pk in ids:
        action = actions[pk]
        action.meeting.committee = committee
        for row in [*action.target_dates.all(), *action.updates.all()]:
            if row.meeting is not None:
                row.meeting.committee = committee
        yield {
            "id": action.pk,
            "reference": action.reference,
            "meeting": action.meeting.reference,
            "item_id": action.item_id,
            "sequence": action.sequence,
            "text": action.text,
            "raised_on": action.raised_on,
            "status": action.status,
            "status_label": action.status_label.label if action.status_label_id else None,
            "status_display": action.status_display,
            "closed_on": action.closed_on,
            "target_on": action.due_on,
            "created_at": action.created_at,
            "owners": {
                "organisations": [organisation.name for organisation in action.owner_organisations.all()],
                "people": [
                    {
                        "name": person.name,
                        "organisation": person.organisation.name if person.organisation_id else None,
                    }
                    for person in action.owner_people.all()
                ],
            },
            "target_dates": [
                {
                    "id": step.pk,
                    "target_on": step.target_on,
                    "meeting": _reference(step.meeting),
                    "recorded_at": step.recorded_at,
                    "recorded_by": username(step.recorded_by),
                }
                for step in action.target_dates.all()
            ],
            "updates": [
                {
                    "id": update.pk,
                    "given_on": update.given_on,
                    "meeting": _reference(update.meeting),
                    "text": update.text,
                    "status_after": update.status_after,
                    "status_label": update.status_label.label if update.status_label_id else None,
                    "author": username(update.author),
                    "author_name": update.author_name,
                    "created_at": update.created_at,
                }
                for update in action.updates.all()
            ],
            "proposals": [
                {
                    "id": proposal.pk,
                    "kind": proposal.kind,
                    "proposed_target_on": proposal.proposed_target_on,
                    "note": proposal.note,
                    "proposed_by": username(proposal.proposed_by),
                    "proposed_by_name": proposal.proposed_by_name,
                    "proposed_at": proposal.proposed_at,
                    "status": proposal.status,
                    "decided_by": username(proposal.decided_by),
                    "decided_at": proposal.decided_at,
                    "decision_note": proposal.decision_note,
                }
                for proposal in proposals.get(pk, [])
            ],
            "history": history.get(pk, []),
        }


def action_records(committee):
    """Every action of the committee as committee.json holds it, by reference, a chunk at a time."""
    for ids in chunked(_action_ids(committee), ACTIONS_PER_QUERY):
        yield from _chunk(committee, ids)


def deleted_action_records(committee):
    """The history of each action of the committee deleted since, by reference: {id, reference, history}."""
    current = Action.objects.filter(committee=committee).values("pk")
    deleted = (
        Action.history.model.objects.filter(committee_id=committee.pk, history_type=DELETED)
        .exclude(id__in=current)
        .order_by("reference", "id")
        .values_list("id", "reference")
        .distinct()
    )
    rows = list(dict.fromkeys(deleted))
    for chunk in chunked(rows, ACTIONS_PER_QUERY):
        history = _history([pk for pk, _ in chunk])
        for pk, reference in chunk:
            yield {"id": pk, "reference": reference, "history": history.get(pk, [])}


def action_log_csv(committee):
    """actions.csv in pieces (bytes): exports.as_csv of a chunk of actions at a time, its header once."""
    header = exports.as_csv([])
    yield header
    for ids in chunked(_action_ids(committee), ACTIONS_PER_QUERY):
        rows = with_log_columns(
            Action.objects.filter(pk__in=ids)
            .select_related("committee", "meeting__committee", "status_label")
            .prefetch_related("owner_organisations", "owner_people")
            .order_by(*REFERENCE_ORDER),
            user=_Secretariat(),
        )
        data = exports.as_csv(rows)
        yield data[len(header) :]


def action_files(committee):
    return [("actions.csv", action_log_csv(committee))]


def register_actions_archive():
    register_archive_part("actions", records=action_records, files=action_files, readme=README)
    register_archive_part("deleted_actions", records=deleted_action_records)
