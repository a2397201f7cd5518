"""Every transition of an Action from every status: what it does, what it refuses, and that a refusal
changes nothing; then a closure and an update racing from two threads.

The tables below are the spec. Each row is (move, starting status, outcome):
- `moved(status, closed_on)`: the move is allowed; the action ends in `status` with `closed_on`
  ("kept": as it was, "on": the day given to `close`, "today", "meeting": the date of the meeting
  the update was given at, None), the move's own effect is checked (see EFFECTS), and the
  action's history (its own rows, its target dates' and its updates', as the history page reads
  them) gains rows;
- `refused(words)`: ActionRefused, whose message names the reference and says nothing was saved,
  and nothing at all changed (status, closure date, text, owners, target dates, updates,
  proposals, history).

The action is OPSG 54/01, raised at OPSG_54 (60 days ago), owned by the DCC (the `owner` user's
organisation), target date in 30 days. OPSG_55 (10 days ago) is a draft whose Actions Outstanding
lists it. Starting statuses: "open" (as raised), "proposed_closed" (the owner proposed closure),
"closed" (the secretary closed it 5 days ago, after OPSG_55).
"""

import datetime
import re
import threading
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from actions.models import (
    EDIT_FIELDS,
    Action,
    ActionProposal,
    ActionRefused,
    ActionUpdate,
    TargetDate,
    meeting_update_token,
)
from minutes.editing import EditConflict
from tests.factories import (
    make_committee,
    make_meeting,
    make_organisation,
    make_user,
    raise_action,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
STATUSES = ("open", "proposed_closed", "closed")


def today():
    return timezone.localdate()


# ---- The world -------------------------------------------------------------------------------


@dataclass
class World:
    users: dict
    dcc: object
    earlier: object  # OPSG_54, where the action was raised
    meeting: object  # OPSG_55, a draft: the action is outstanding there
    action: Action
    proposal: ActionProposal | None = None  # the pending closure proposal, when proposed closed

    @property
    def owner(self):
        return self.users["owner"]

    @property
    def secretary(self):
        return self.users["secretary"]


def build(committee, users):
    dcc = make_organisation("DCC")
    person = users["owner"].person
    person.organisation = dcc
    person.save()
    earlier = make_meeting(committee, 54, held_on=today() - 60 * DAY)
    meeting = make_meeting(committee, 55, held_on=today() - 10 * DAY)
    action = raise_action(earlier, "The DCC to report back.", owners=[dcc], target_on=today() + 30 * DAY)
    return World(users=users, dcc=dcc, earlier=earlier, meeting=meeting, action=action)


@pytest.fixture
def world(committee, users):
    return build(committee, users)


def start(world, status):
    """The world's action brought to `status` the way the pages do; a fresh copy from the database."""
    action = world.action
    if status == "proposed_closed":
        world.proposal = action.propose_closure(by=world.owner, note="Done, we think.")
    elif status == "closed":
        action.close(on=today() - 5 * DAY, by=world.secretary, text="Done.")
    world.action = Action.objects.get(pk=action.pk)
    assert world.action.status == status
    return world.action


def history_keys(action):
    """The action's history as its history page reads it: its own rows, its target dates', its updates'."""
    return {
        *(("action", pk) for pk in Action.history.filter(id=action.pk).values_list("history_id", flat=True)),
        *(
            ("target", pk)
            for pk in TargetDate.history.filter(action_id=action.pk).values_list("history_id", flat=True)
        ),
        *(
            ("update", pk)
            for pk in ActionUpdate.history.filter(action_id=action.pk).values_list("history_id", flat=True)
        ),
    }


HISTORY_MODELS = {"action": Action, "target": TargetDate, "update": ActionUpdate}


def history_rows(keys):
    return [HISTORY_MODELS[kind].history.get(history_id=pk) for kind, pk in sorted(keys)]


def snapshot(action):
    """Everything a refused move must leave as it was."""
    action = Action.objects.get(pk=action.pk)
    return {
        "status": action.status,
        "closed_on": action.closed_on,
        "due_on": action.due_on,
        "text": action.text,
        "owners": sorted(action.owner_values),
        "target_dates": list(action.target_dates.values_list("id", "target_on", "meeting_id", "recorded_by")),
        "updates": list(
            action.updates.order_by("id").values_list("id", "text", "status_after", "given_on", "meeting_id")
        ),
        "proposals": list(
            action.proposals.order_by("id").values_list(
                "id", "kind", "status", "decided_by", "decided_at", "decision_note"
            )
        ),
        "history": history_keys(action),
    }


def messages(error):
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


# ---- The moves --------------------------------------------------------------------------------
# Each takes the world and the action (fresh from the database) and returns what the method returns.
# `by` is always a user, so that the history can say who.

MOVES = {
    "record_update": lambda w, a: a.record_update(text="Progress made.", by=w.owner),
    "propose_closure": lambda w, a: a.propose_closure(by=w.owner, note="Finished."),
    "ask_target_date": lambda w, a: a.ask_target_date(
        by=w.owner, note="More time.", target_on=today() + 60 * DAY
    ),
    "close": lambda w, a: a.close(on=today() - DAY, by=w.secretary, text="Closed by the secretary."),
    "reopen": lambda w, a: a.reopen(by=w.secretary, text="The fix failed."),
    "revise_target_date": lambda w, a: a.revise_target_date(today() + 90 * DAY, by=w.secretary),
    "record_meeting_update open": lambda w, a: a.record_meeting_update(
        meeting=w.meeting, text="On track.", status="open", by=w.secretary
    ),
    "record_meeting_update closed": lambda w, a: a.record_meeting_update(
        meeting=w.meeting, text="Done, said the DCC.", status="closed", by=w.secretary
    ),
    "edit": lambda w, a: a.edit(
        text="The DCC to report back in writing.",
        owners=[w.dcc],
        target_on=today() + 45 * DAY,
        based_on=a.edit_token(EDIT_FIELDS),
        by=w.secretary,
    ),
}


@dataclass(frozen=True)
class Outcome:
    status: str | None = None  # after an allowed move
    closed_on: object = "kept"
    refusal: str = ""  # a regular expression the refusal's message matches

    @property
    def allowed(self):
        return not self.refusal

    def __str__(self):
        return f"-> {self.status}" if self.allowed else "refused"


def moved(status, closed_on="kept"):
    return Outcome(status=status, closed_on=closed_on)


def refused(words):
    return Outcome(refusal=words)


CLOSED_ON = r"was closed on \d\d/\d\d/\d{4}"
TABLE = {
    ("record_update", "open"): moved("open"),
    ("record_update", "proposed_closed"): moved("proposed_closed"),
    ("record_update", "closed"): refused(rf"OPSG 54/01 {CLOSED_ON}: it takes no more updates\."),
    ("propose_closure", "open"): moved("proposed_closed"),
    ("propose_closure", "proposed_closed"): refused(
        r"A closure proposal on OPSG 54/01 is already waiting for the secretary\."
    ),
    ("propose_closure", "closed"): refused(rf"OPSG 54/01 {CLOSED_ON}: it takes no more proposals\."),
    ("ask_target_date", "open"): moved("open"),
    ("ask_target_date", "proposed_closed"): moved("proposed_closed"),
    ("ask_target_date", "closed"): refused(rf"OPSG 54/01 {CLOSED_ON}: it takes no more proposals\."),
    ("close", "open"): moved("closed", "on"),
    ("close", "proposed_closed"): moved("closed", "on"),
    ("close", "closed"): refused(rf"OPSG 54/01 {CLOSED_ON}: it cannot be closed\."),
    ("reopen", "open"): refused(r"OPSG 54/01 is open: it cannot be reopened\."),
    ("reopen", "proposed_closed"): refused(r"OPSG 54/01 is proposed closed: it cannot be reopened\."),
    ("reopen", "closed"): moved("open", None),
    ("revise_target_date", "open"): moved("open"),
    ("revise_target_date", "proposed_closed"): moved("proposed_closed"),
    ("revise_target_date", "closed"): refused(rf"OPSG 54/01 {CLOSED_ON}: it takes no more target dates\."),
    # At a meeting, the status is what the meeting recorded, whatever it was before.
    ("record_meeting_update open", "open"): moved("open"),
    # (A pending closure proposal stays pending then; the secretary still decides it.)
    ("record_meeting_update open", "proposed_closed"): moved("open"),
    ("record_meeting_update open", "closed"): moved("open", None),  # reopened: closure date cleared
    ("record_meeting_update closed", "open"): moved("closed", "meeting"),
    ("record_meeting_update closed", "proposed_closed"): moved("closed", "meeting"),
    ("record_meeting_update closed", "closed"): moved(
        "closed", "meeting"
    ),  # closed 5 days ago: now at OPSG_55
    # Editing (the drafting page) does not depend on the status.
    ("edit", "open"): moved("open"),
    ("edit", "proposed_closed"): moved("proposed_closed"),
    ("edit", "closed"): moved("closed"),
}


def test_the_table_has_every_move_from_every_status():
    assert set(TABLE) == {(move, status) for move in MOVES for status in STATUSES}


# ---- What each allowed move does besides its status -------------------------------------------


def added(before, after, key):
    ids = {row[0] for row in before[key]}
    return [row for row in after[key] if row[0] not in ids]


def check_record_update(w, start_status, result, before, after):
    assert (result.text, result.given_on, result.meeting, result.author) == (
        "Progress made.",
        today(),
        None,
        w.owner,
    )
    assert result.status_after == start_status
    assert len(added(before, after, "updates")) == 1


def check_propose_closure(w, start_status, result, before, after):
    assert (result.kind, result.status, result.proposed_by) == ("closure", "pending", w.owner)
    assert added(before, after, "updates") == []


def check_ask_target_date(w, start_status, result, before, after):
    assert (result.kind, result.status, result.proposed_by, result.proposed_target_on) == (
        "target_date",
        "pending",
        w.owner,
        today() + 60 * DAY,
    )
    assert after["due_on"] == before["due_on"]  # only once the secretary accepts it


def check_close(w, start_status, result, before, after):
    assert (result.text, result.status_after, result.given_on, result.author) == (
        "Closed by the secretary.",
        "closed",
        today() - DAY,
        w.secretary,
    )
    # A pending closure proposal is settled: accepted.
    assert [p[2] for p in after["proposals"]] == (["accepted"] if start_status == "proposed_closed" else [])


def check_reopen(w, start_status, result, before, after):
    assert (result.text, result.status_after, result.author) == ("The fix failed.", "open", w.secretary)


def check_revise_target_date(w, start_status, result, before, after):
    assert after["due_on"] == today() + 90 * DAY
    assert len(added(before, after, "target_dates")) == 1


def check_meeting_update(status):
    def check(w, start_status, result, before, after):
        assert (result.meeting, result.given_on, result.status_after, result.author) == (
            w.meeting,
            w.meeting.held_on,
            status,
            w.secretary,
        )
        assert len(added(before, after, "updates")) == 1
        if status == "closed" and start_status == "proposed_closed":
            # Closing at a meeting settles the pending closure proposal: accepted.
            assert [(p[2], p[5]) for p in after["proposals"]] == [("accepted", "Closed at OPSG_55.")]

    return check


def check_edit(w, start_status, result, before, after):
    assert after["text"] == "The DCC to report back in writing."
    assert after["due_on"] == today() + 45 * DAY
    assert after["updates"] == before["updates"]


EFFECTS = {
    "record_update": check_record_update,
    "propose_closure": check_propose_closure,
    "ask_target_date": check_ask_target_date,
    "close": check_close,
    "reopen": check_reopen,
    "revise_target_date": check_revise_target_date,
    "record_meeting_update open": check_meeting_update("open"),
    "record_meeting_update closed": check_meeting_update("closed"),
    "edit": check_edit,
}
# Moves whose only trace is the proposal they write (proposals have no history table: the proposal
# itself keeps who and when).
TRACED_BY_THE_PROPOSAL = {"ask_target_date"}


def expected_closed_on(outcome, before, w):
    return {
        "kept": before["closed_on"],
        "on": today() - DAY,
        "meeting": w.meeting.held_on,
        None: None,
    }[outcome.closed_on]


def assert_refused(error, action, refusal, before):
    """A refusal names the reference, says why and that nothing was saved, and changes nothing."""
    said = messages(error)
    assert re.search(refusal, said), said
    assert action.reference in said, said
    assert re.search(r"[Nn]othing was (saved|changed)", said), said
    assert snapshot(action) == before


@pytest.mark.parametrize(
    ("move", "status", "outcome"),
    [pytest.param(m, s, o, id=f"{m} from {s} {o}") for (m, s), o in TABLE.items()],
)
def test_each_move_from_each_status(world, move, status, outcome):
    action = start(world, status)
    before = snapshot(action)
    if not outcome.allowed:
        with pytest.raises(ActionRefused) as refusal:
            MOVES[move](world, action)
        assert_refused(refusal.value, action, outcome.refusal, before)
        return
    result = MOVES[move](world, action)
    after = snapshot(action)
    assert (after["status"], after["closed_on"]) == (
        outcome.status,
        expected_closed_on(outcome, before, world),
    )
    # The object the method was called on follows.
    assert (action.status, action.closed_on) == (after["status"], after["closed_on"])
    EFFECTS[move](world, status, result, before, after)
    new = after["history"] - before["history"]
    if move not in TRACED_BY_THE_PROPOSAL:
        assert new, f"{move} left no history row"
    # The action's own history rows name who moved it.
    by = world.owner if move in ("record_update", "propose_closure", "ask_target_date") else world.secretary
    for row in history_rows(k for k in new if k[0] == "action"):
        assert row.history_user == by, (move, row.history_type, row.status)
    if before["status"] != after["status"]:
        assert any(k[0] == "action" for k in new), "a change of status is in the action's own history"


# ---- Deciding a proposal --------------------------------------------------------------------------

# (kind, accept, starting status) -> (status after, closed_on, proposal status, target date in force)
DECISIONS = {
    ("closure", True, "proposed_closed"): ("closed", "today", "accepted", "kept"),
    ("closure", False, "proposed_closed"): ("open", None, "declined", "kept"),
    ("target_date", True, "open"): ("open", None, "accepted", "asked"),
    ("target_date", False, "open"): ("open", None, "declined", "kept"),
    ("target_date", True, "proposed_closed"): ("proposed_closed", None, "accepted", "asked"),
    ("target_date", False, "proposed_closed"): ("proposed_closed", None, "declined", "kept"),
}


def pending(world, kind):
    """The pending proposal of `kind`: the closure proposal of the start, or a target date asked now."""
    if kind == "closure":
        return world.proposal
    return world.action.ask_target_date(by=world.owner, note="Late data.", target_on=today() + 60 * DAY)


@pytest.mark.parametrize(
    ("kind", "accept", "status"),
    [
        pytest.param(*key, id=f"{'accept' if key[1] else 'decline'} {key[0]} from {key[2]}")
        for key in DECISIONS
    ],
)
def test_each_decision(world, kind, accept, status):
    action = start(world, status)
    proposal = pending(world, kind)
    before = snapshot(action)
    decided = action.decide(proposal, by=world.secretary, accept=accept, note="Considered.")
    after = snapshot(action)
    status_after, closed_on, proposal_status, target = DECISIONS[(kind, accept, status)]
    assert (after["status"], after["closed_on"]) == (status_after, today() if closed_on == "today" else None)
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        proposal_status,
        world.secretary,
        "Considered.",
    )
    assert decided.decided_at is not None
    expected_due = today() + 60 * DAY if target == "asked" else before["due_on"]
    assert after["due_on"] == expected_due
    new_updates = added(before, after, "updates")
    if status_after == "closed":
        assert [(u[1], u[2], u[3]) for u in new_updates] == [
            ("Closure confirmed by the secretary. Considered.", "closed", today())
        ]
    else:
        assert new_updates == []
    new = after["history"] - before["history"]
    if before["status"] != after["status"] or before["due_on"] != after["due_on"]:
        assert new, "the change is in the action's history"
    for row in history_rows(k for k in new if k[0] == "action"):
        assert row.history_user == world.secretary


@pytest.mark.parametrize(
    ("kind", "first", "status"),
    [
        ("closure", "accept", "proposed_closed"),
        ("closure", "decline", "proposed_closed"),
        ("target_date", "accept", "open"),
        ("target_date", "decline", "open"),
        # Closing settles the pending proposals: a closed action never has one left to decide.
        ("closure", "close", "proposed_closed"),
        ("target_date", "close", "open"),
    ],
)
@pytest.mark.parametrize("accept", [True, False], ids=["accept", "decline"])
def test_a_decided_proposal_cannot_be_decided_again(world, kind, first, status, accept):
    action = start(world, status)
    proposal = pending(world, kind)
    if first == "close":
        action.close(on=today(), by=world.secretary)
    else:
        action.decide(proposal, by=world.secretary, accept=first == "accept", note="")
    before = snapshot(action)
    with pytest.raises(ActionRefused) as refusal:
        action.decide(proposal, by=world.secretary, accept=accept, note="Changed my mind.")
    assert_refused(
        refusal.value,
        action,
        r"This (closure|revised target date) proposal on OPSG 54/01 was already (accepted|declined) on \d\d/\d\d/\d{4}",
        before,
    )


def test_a_refused_decision_names_the_action(world):
    """Every other refusal names the action ("OPSG 54/01 was closed on ..."); a secretary deciding
    from the proposals list (several actions) needs to know which one this is about too."""
    action = start(world, "proposed_closed")
    action.decide(world.proposal, by=world.secretary, accept=True, note="")
    with pytest.raises(ActionRefused) as refusal:
        action.decide(world.proposal, by=world.secretary, accept=False, note="")
    assert action.reference in messages(refusal.value)


def test_every_history_row_a_move_leaves_names_who_made_it(committee, users):
    """`by` is who changes the action "for the history rows its saves leave (the request's user is taken
    when there is a request; commands and tests name it)" (Action._locked). Outside a request, every
    row a move leaves (the action's, its updates', its target dates') should name `by`."""
    moves = [(move, status, MOVES[move]) for (move, status), outcome in TABLE.items() if outcome.allowed]
    for kind, accept, status in DECISIONS:
        moves.append(
            (
                f"{'accept' if accept else 'decline'} {kind}",
                status,
                lambda w, a, kind=kind, accept=accept: a.decide(
                    pending(w, kind), by=w.secretary, accept=accept, note=""
                ),
            )
        )
    unnamed = []
    for move, status, do in moves:
        with transaction.atomic():
            w = build(committee, users)
            action = start(w, status)
            before = history_keys(action)
            do(w, action)
            for row in history_rows(history_keys(action) - before):
                if row.history_user is None:
                    unnamed.append(f"{move} from {status}: {type(row).__name__} {row.history_type}")
            transaction.set_rollback(True)  # each move starts from the same world
    assert unnamed == [], "History rows without their author:\n" + "\n".join(unnamed)


# ---- Refusals at a meeting ------------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
def test_no_update_at_a_meeting_whose_minutes_are_no_longer_a_draft(world, status):
    action = start(world, status)
    world.meeting.circulate(by=world.secretary)
    before = snapshot(action)
    with pytest.raises(ActionRefused) as refusal:
        action.record_meeting_update(meeting=world.meeting, text="Late.", status="open", by=world.secretary)
    said = messages(refusal.value)
    # About the meeting: it names the meeting, not the action.
    assert "The minutes of OPSG_55 are circulated" in said and "Nothing was saved." in said
    assert snapshot(action) == before


@pytest.mark.parametrize("where", ["at that meeting", "at a later meeting", "closed before that meeting"])
def test_no_update_at_a_meeting_where_the_action_is_not_outstanding(world, committee, where):
    if where == "at that meeting":
        action = raise_action(world.meeting, "Raised at OPSG_55.", owners=[world.dcc])
    elif where == "at a later meeting":
        action = raise_action(
            make_meeting(committee, 56, held_on=today() - 3 * DAY), "Raised at OPSG_56.", owners=[world.dcc]
        )
    else:
        action = world.action
        action.close(on=world.meeting.held_on - DAY, by=world.secretary)
    before = snapshot(action)
    with pytest.raises(ActionRefused) as refusal:
        action.record_meeting_update(meeting=world.meeting, text="Done.", status="closed", by=world.secretary)
    assert_refused(refusal.value, action, rf"{action.reference} is not outstanding at OPSG_55", before)


def test_an_update_at_a_meeting_from_a_stale_form_is_a_conflict(world):
    action = start(world, "open")
    first = action.record_meeting_update(meeting=world.meeting, text="On track.", status="open")
    token = meeting_update_token(first)
    action.record_meeting_update(meeting=world.meeting, text="Delayed.", status="open", based_on=token)
    before = snapshot(action)
    with pytest.raises(EditConflict) as conflict:
        action.record_meeting_update(meeting=world.meeting, text="Closed.", status="closed", based_on=token)
    assert conflict.value.current.text == "Delayed."
    assert snapshot(action) == before


@pytest.mark.parametrize("status", STATUSES)
def test_an_edit_from_a_stale_token_is_a_conflict(world, status):
    action = start(world, status)
    token = action.edit_token(EDIT_FIELDS)
    action.edit(
        text="Someone else's wording.", owners=[world.dcc], target_on=action.current_target_on, based_on=token
    )
    before = snapshot(action)
    with pytest.raises(EditConflict) as conflict:
        action.edit(
            text="My wording.",
            owners=[world.dcc],
            target_on=today() + 45 * DAY,
            based_on=token,
            by=world.secretary,
        )
    assert conflict.value.current.text == "Someone else's wording."
    assert snapshot(action) == before


# ---- Bad input: ValidationError (not a refusal by the state), nothing written ---------------------

BAD_INPUT = {
    "an empty update": ("open", lambda w, a: a.record_update(text="   ", by=w.owner), "Write the update"),
    "an update in the future": (
        "open",
        lambda w, a: a.record_update(text="Soon.", given_on=today() + DAY, by=w.owner),
        "cannot be dated in the future",
    ),
    "an update before the action was raised": (
        "open",
        lambda w, a: a.record_update(text="Early.", given_on=w.earlier.held_on - DAY, by=w.owner),
        "before the action was raised",
    ),
    "a closure proposal without a reason": (
        "open",
        lambda w, a: a.propose_closure(by=w.owner, note="  "),
        "Say why",
    ),
    "a target date asked without a date": (
        "open",
        lambda w, a: a.ask_target_date(by=w.owner, note="Late.", target_on=None),
        "Give the revised target date",
    ),
    "a target date asked in the past": (
        "open",
        lambda w, a: a.ask_target_date(by=w.owner, note="Late.", target_on=today() - DAY),
        "cannot be in the past",
    ),
    "the target date in force asked again": (
        "open",
        lambda w, a: a.ask_target_date(by=w.owner, note="Late.", target_on=a.current_target_on),
        "is already the target date",
    ),
    "a reopening without a reason": (
        "closed",
        lambda w, a: a.reopen(by=w.secretary, text=" "),
        "Say why the action is reopened",
    ),
    "an unknown status at a meeting": (
        "open",
        lambda w, a: a.record_meeting_update(meeting=w.meeting, text="Hm.", status="bogus"),
        "'bogus' is not a status of an action",
    ),
    "an edit without owners": (
        "open",
        lambda w, a: a.edit(
            text="x", owners=[], target_on=a.current_target_on, based_on=a.edit_token(EDIT_FIELDS)
        ),
        "at least one owner",
    ),
    "an edit removing the target date": (
        "open",
        lambda w, a: a.edit(text="x", owners=[w.dcc], target_on=None, based_on=a.edit_token(EDIT_FIELDS)),
        "can be changed but not removed",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_refused_and_changes_nothing(world, case):
    status, move, message = BAD_INPUT[case]
    action = start(world, status)
    before = snapshot(action)
    with pytest.raises(ValidationError) as error:
        move(world, action)
    assert type(error.value) is ValidationError  # bad input, not a refusal by the action's state
    assert message in messages(error.value)
    assert snapshot(action) == before


# ---- A closure and an update at the same moment ----------------------------------------------------

ROUNDS = 10


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("closer", ["close", "accept the closure proposal"])
def test_a_closure_and_an_update_at_the_same_moment(closer):
    """One thread closes the action (`close`, or the secretary accepting the owner's closure
    proposal), another records an update between meetings, both released by one barrier, on a
    fresh action each round. Either the update comes first (with the status before the closure)
    and the closure follows, or the update is refused because the action was closed: never an
    update recorded after the closure.

    Both methods lock the action's row (select_for_update) on PostgreSQL; on SQLite the test
    settings open IMMEDIATE transactions with a 20-second timeout (opsg/settings.py), so writers
    wait for each other instead of failing with "database is locked", as in
    test_actions.py::test_two_actions_raised_at_the_same_moment_get_different_references. The
    assertions are the same on both.
    """
    committee = make_committee()
    secretary = make_user("secretary", committee=committee, role="secretary")
    owner = make_user("owner", committee=committee, role="owner")
    meeting = make_meeting(committee, 55, held_on=today() - 30 * DAY)
    dcc = make_organisation("DCC")
    orders = []

    for round_number in range(ROUNDS):
        action = raise_action(meeting, f"Round {round_number}.", owners=[dcc], target_on=today() + DAY)
        proposal = None
        if closer != "close":
            proposal = action.propose_closure(by=owner, note="Done.")
        status_before = Action.objects.get(pk=action.pk).status
        results, errors = {}, []

        def close(barrier, action=action, proposal=proposal, results=results, errors=errors):
            try:
                barrier.wait(timeout=10)
                mine = Action.objects.get(pk=action.pk)
                if proposal is None:
                    results["close"] = mine.close(on=today(), by=secretary, text="Closed.")
                else:
                    results["close"] = mine.decide(proposal, by=secretary, accept=True, note="")
            except Exception as error:  # reported below, so that a failure names its cause
                errors.append(("close", error))
            finally:
                close_old_connections()
                connection.close()

        def update(barrier, action=action, results=results, errors=errors):
            try:
                barrier.wait(timeout=10)
                mine = Action.objects.get(pk=action.pk)
                results["update"] = mine.record_update(text="Concurrent update.", by=owner)
            except ActionRefused as error:
                results["update"] = error
            except Exception as error:
                errors.append(("update", error))
            finally:
                close_old_connections()
                connection.close()

        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=f, args=(barrier,)) for f in (close, update)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        said = f"round {round_number} ({closer})"
        assert errors == [], said
        assert "close" in results, said
        final = Action.objects.get(pk=action.pk)
        assert (final.status, final.closed_on) == ("closed", today()), said
        updates = list(final.updates.order_by("id"))
        closures = [u for u in updates if u.status_after == "closed"]
        assert len(closures) == 1, said
        assert updates[-1] == closures[0], f"{said}: an update was recorded after the closure"
        outcome = results["update"]
        if isinstance(outcome, ActionRefused):
            assert f"{action.reference} was closed on" in messages(outcome), said
            assert [u.text for u in updates] == [closures[0].text], said
            orders.append("refused")
        else:
            assert [u.pk for u in updates] == [outcome.pk, closures[0].pk], said
            assert outcome.status_after == status_before, said
            orders.append("update first")
        if proposal is not None:
            proposal.refresh_from_db()
            assert proposal.status == "accepted", said

    assert len(orders) == ROUNDS
