import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from actions.models import Action
from minutes.models import Meeting
from tests.factories import (
    make_committee,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def test_references_are_sequential_within_a_meeting(committee):
    meeting = make_meeting(committee, 55)
    refs = [raise_action(meeting).reference for _ in range(3)]
    assert refs == ["OPSG 55/01", "OPSG 55/02", "OPSG 55/03"]
    other = make_meeting(committee, 56)
    assert raise_action(other).reference == "OPSG 56/01"


def test_a_deleted_reference_is_never_given_again(committee):
    meeting = make_meeting(committee, 55)
    raise_action(meeting)
    second = raise_action(meeting)
    second.delete()
    assert raise_action(meeting).reference == "OPSG 55/03"
    Action.objects.filter(meeting=meeting).delete()
    assert raise_action(meeting).reference == "OPSG 55/04"


def test_references_are_unique_in_the_database(committee):
    meeting = make_meeting(committee, 55)
    first = raise_action(meeting)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            committee=committee,
            meeting=meeting,
            sequence=first.sequence + 5,
            reference=first.reference,
            text="copy",
            raised_on=meeting.held_on,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            committee=committee,
            meeting=meeting,
            sequence=first.sequence,
            reference="OPSG 55/99",
            text="copy",
            raised_on=meeting.held_on,
        )


def test_historic_actions_keep_their_number_and_later_ones_follow(committee):
    meeting = make_meeting(committee, 43)
    assert raise_action(meeting, sequence=8).reference == "OPSG 43/08"
    assert raise_action(meeting).reference == "OPSG 43/09"
    with pytest.raises(ValidationError):
        raise_action(meeting, sequence=8)
    assert Action.objects.filter(meeting=meeting).count() == 2


def test_an_action_is_raised_on_an_item_of_its_own_meeting(committee):
    meeting, other = make_meeting(committee, 55), make_meeting(committee, 56)
    with pytest.raises(ValidationError):
        raise_action(meeting, item=make_item(other))
    assert not Action.objects.exists()


def test_owners_are_organisations_and_people(committee):
    meeting = make_meeting(committee, 55)
    action = raise_action(
        meeting, owners=[make_organisation("DCC"), make_organisation("SECAS"), make_person("Kate Frazer")]
    )
    assert action.owner_names == "DCC, SECAS, Kate Frazer"


@pytest.mark.django_db(transaction=True)
def test_two_actions_raised_at_the_same_moment_get_different_references():
    committee = make_committee()
    meeting = make_meeting(committee, 55)
    make_organisation("DCC")
    rounds, results, errors = 10, [], []

    def raise_one(barrier):
        try:
            barrier.wait(timeout=10)
            action = Action.objects.raise_action(
                meeting=Meeting.objects.get(pk=meeting.pk), text="Concurrent"
            )
            results.append(action.reference)
        except Exception as error:  # reported below, so a failure names its cause
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    for _ in range(rounds):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=raise_one, args=(barrier,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sorted(results) == [f"OPSG 55/{n:02d}" for n in range(1, 2 * rounds + 1)]
    assert Action.objects.count() == 2 * rounds


def test_last_and_revised_target_dates_come_from_the_history(committee):
    m43 = make_meeting(committee, 43, held_on=D(2021, 2, 22))
    m50 = make_meeting(committee, 50, held_on=D(2021, 5, 10))
    m55 = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    m56 = make_meeting(committee, 56, held_on=D(2021, 9, 7))
    action = raise_action(m43, target_on=D(2021, 4, 1))
    action.record_meeting_update(
        meeting=m50, text="Needs more time.", revised_target_on=D(2021, 8, 23), status="open"
    )

    assert action.target_dates_at(m50) == (D(2021, 4, 1), D(2021, 8, 23))
    assert action.target_dates_at(m55) == (D(2021, 8, 23), None)  # printed as N/A

    action.record_meeting_update(
        meeting=m55, text="Delayed again.", revised_target_on=D(2021, 10, 1), status="open"
    )
    assert action.target_dates_at(m55) == (D(2021, 8, 23), D(2021, 10, 1))
    assert action.target_dates_at(m56) == (D(2021, 10, 1), None)
    assert action.current_target_on == D(2021, 10, 1)
    assert [t.target_on for t in action.target_dates.all()] == [D(2021, 4, 1), D(2021, 8, 23), D(2021, 10, 1)]


def outstanding(meeting):
    return sorted(a.reference for a in Action.objects.outstanding_at(meeting))


def test_outstanding_actions_are_the_open_ones_raised_earlier(committee):
    m43 = make_meeting(committee, 43, held_on=D(2021, 2, 22))
    m53 = make_meeting(committee, 53, held_on=D(2021, 7, 26))
    m55 = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    m56 = make_meeting(committee, 56, held_on=D(2021, 9, 7))
    a43 = raise_action(m43, sequence=8)
    a53 = raise_action(m53, sequence=10)
    proposed = raise_action(m53)
    proposed.propose_closure(by=None, note="Done, we think.")
    closed_before = raise_action(m53)
    closed_before.close(on=D(2021, 8, 2), text="Done.")
    raise_action(m55)  # raised at the meeting itself: not outstanding there
    raise_action(make_meeting(make_committee("SSC"), 1, held_on=D(2021, 1, 1)))  # another committee

    assert outstanding(m55) == ["OPSG 43/08", "OPSG 53/10", "OPSG 53/11"]

    a43.record_meeting_update(meeting=m55, text="Governance transformed.", status=Action.Status.CLOSED)
    a53.record_meeting_update(meeting=m55, text="Outage from 11:15.", status=Action.Status.CLOSED)
    a43.refresh_from_db()
    assert a43.status == Action.Status.CLOSED and a43.closed_on == m55.held_on

    # Closed at OPSG_55: still listed there with the update, gone from OPSG_56.
    assert outstanding(m55) == ["OPSG 43/08", "OPSG 53/10", "OPSG 53/11"]
    assert outstanding(m56) == ["OPSG 53/11", "OPSG 55/01"]
    assert [u.text for u in a43.updates.filter(meeting=m55)] == ["Governance transformed."]


def test_a_closed_action_has_a_closure_date_and_an_open_one_none(committee):
    action = raise_action(make_meeting(committee, 55))
    action.status = Action.Status.CLOSED
    with pytest.raises(ValidationError):
        action.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_reopening_an_action_clears_its_closure_date(committee):
    action = raise_action(make_meeting(committee, 55))
    action.close(on=D(2021, 9, 1), text="Closed.")
    action.reopen(text="Reopened: the fix failed.", on=D(2021, 9, 2))
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.OPEN, None)
    assert [u.status_after for u in action.updates.all()] == ["closed", "open"]
