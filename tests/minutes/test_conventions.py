"""A committee's action reference convention: the pattern, numbering per meeting or per committee,
references unique within a committee, and action pages whose addresses round-trip for any pattern."""

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from actions.models import Action
from minutes.conventions import format_reference, reference_pattern_problem, reference_slug
from minutes.models import Committee, Meeting
from minutes.services.committees import committee_configure
from tests.factories import (
    make_attendance,
    make_committee,
    make_decision,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    publish,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("pattern", "meeting", "n", "reference"),
    [
        ("{code} {meeting}/{n:02}", 55, 1, "OPSG 55/01"),
        ("{code} {meeting}/{n:02}", 9, 12, "OPSG 9/12"),
        ("Action {n:03}", 55, 4, "Action 004"),
        ("{n:04}", 55, 606, "0606"),
        ("{code}-{meeting:03}-{n}", 7, 3, "OPSG-007-3"),
        ("{ n }", 1, 1234, "1234"),
    ],
)
def test_a_pattern_writes_references(pattern, meeting, n, reference):
    assert format_reference(pattern, code="OPSG", meeting=meeting, n=n) == reference
    assert reference_pattern_problem(pattern, "committee") == ""


@pytest.mark.parametrize(
    ("pattern", "numbering", "says"),
    [
        ("{code} {x}/{n}", "meeting", "{x} is not a placeholder"),
        ("{code} {meeting}", "meeting", "needs {n}"),
        ("Action {n:03}", "meeting", "needs {meeting}"),
        ("Action {n", "committee", "brace"),
        ("Action n}", "committee", "brace"),
        ("{n:2}", "committee", "is not a placeholder"),
        ("", "committee", "Give a pattern"),
        ("A very long reference text that goes on {n}", "committee", "too long"),
    ],
)
def test_a_pattern_that_cannot_number_actions_says_why(pattern, numbering, says):
    assert says in reference_pattern_problem(pattern, numbering)


def test_a_committee_refuses_a_bad_pattern_at_its_field():
    committee = Committee(code="PAB", name="Performance Assurance Board", decision_name="The Board")
    committee.action_reference = "Action {n:03}"
    with pytest.raises(ValidationError) as refused:
        committee.full_clean()
    assert "needs {meeting}" in " ".join(refused.value.message_dict["action_reference"])
    committee.action_numbering = "committee"
    committee.full_clean()


@pytest.fixture
def board(db):
    return make_committee(code="PAB", name="Performance Assurance Board")


def test_numbering_per_committee_continues_across_meetings_and_is_never_reused(board):
    Committee.objects.filter(pk=board.pk).update(
        action_reference="Action {n:03}", action_numbering="committee"
    )
    first, second = make_meeting(board, 1), make_meeting(board, 2)
    references = [raise_action(first).reference, raise_action(first).reference]
    deleted = raise_action(second)
    deleted.delete()
    references.append(raise_action(second).reference)
    assert references == ["Action 001", "Action 002", "Action 004"]
    assert Action.objects.get(reference="Action 004").slug == "Action-004"


def test_two_committees_may_use_the_same_references(board):
    other = make_committee(code="TABASC", name="Technical Architecture")
    for committee in (board, other):
        Committee.objects.filter(pk=committee.pk).update(
            action_reference="{n:04}", action_numbering="committee"
        )
        raise_action(make_meeting(committee, 1))
    assert sorted(Action.objects.values_list("committee__code", "reference")) == [
        ("PAB", "0001"),
        ("TABASC", "0001"),
    ]


def test_a_changed_pattern_numbers_new_actions_and_keeps_the_old_references(committee):
    meeting = make_meeting(committee, 55)
    before = raise_action(meeting)
    Committee.objects.filter(pk=committee.pk).update(action_reference="{code}/{meeting}/{n:03}")
    after = raise_action(meeting)
    before.refresh_from_db()
    assert (before.reference, after.reference) == ("OPSG 55/01", "OPSG/55/002")


@pytest.mark.parametrize(
    ("pattern", "numbering", "path"),
    [
        ("{code} {meeting}/{n:02}", "meeting", "/actions/PAB/PAB-3-01/"),
        ("Action {n:03}", "committee", "/actions/PAB/Action-001/"),
        ("{n:04}", "committee", "/actions/PAB/0001/"),
        ("{code}.{meeting}.{n}", "meeting", "/actions/PAB/PAB-3-1/"),
    ],
)
def test_an_action_page_address_round_trips_for_every_pattern(client, board, pattern, numbering, path):
    Committee.objects.filter(pk=board.pk).update(action_reference=pattern, action_numbering=numbering)
    action = raise_action(make_meeting(board, 3))
    assert action.get_absolute_url() == path == reverse("actions:action-detail", args=["PAB", action.slug])
    client.force_login(make_user("pab_member", committee=board, role="member"))
    response = client.get(path)
    assert response.status_code == 200 and response.context["action"] == action
    assert reference_slug(action.reference) == action.slug


@pytest.mark.django_db(transaction=True)
def test_two_actions_raised_at_once_in_two_meetings_get_different_committee_numbers():
    board = make_committee(code="PAB", name="Performance Assurance Board")
    Committee.objects.filter(pk=board.pk).update(
        action_reference="Action {n:03}", action_numbering="committee"
    )
    meetings = [make_meeting(board, 1), make_meeting(board, 2)]
    make_organisation("DCC")
    results, errors = [], []

    def raise_one(barrier, meeting):
        try:
            barrier.wait(timeout=10)
            action = Action.objects.raise_action(meeting=Meeting.objects.get(pk=meeting.pk), text="At once")
            results.append(action.reference)
        except Exception as error:  # reported below, so a failure names its cause
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    for _ in range(5):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=raise_one, args=(barrier, meeting)) for meeting in meetings]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(results) == [f"Action {n:03}" for n in range(1, 11)]


def test_numbering_can_go_back_and_forth_without_giving_a_number_again(board, users):
    meeting = make_meeting(board, 1, held_on=D(2025, 1, 6))
    raise_action(meeting)  # PAB 1/01, per meeting
    committee_configure(committee=board, action_numbering="committee")
    assert raise_action(meeting).reference == "PAB 1/02"  # continues after the highest number
    assert Meeting.objects.get(pk=meeting.pk).last_action_sequence == 2
    committee_configure(committee=board, action_numbering="meeting")
    assert raise_action(meeting).reference == "PAB 1/03"


def test_published_minutes_keep_the_conventions_they_were_published_with(client, committee, users):
    """Changing a convention re-renders drafts; published minutes, page and PDF, stay as published."""
    published = make_meeting(committee, 1, held_on=datetime.date(2026, 1, 10))
    draft = make_meeting(committee, 2, held_on=datetime.date(2026, 2, 10))
    for meeting in (published, draft):
        item = make_item(meeting, "Reports")
        make_decision(item, "NOTED", "the report")
        make_decision(item, "AGREED", "the plan")
        make_attendance(meeting, make_person("Ann Able", organisation=make_organisation("Acme Energy")))
    publish(published, users["secretary"])
    client.force_login(users["secretary"])

    def page(meeting):
        html = client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    pdf = client.get(reverse("minutes:meeting-pdf", args=[published.reference])).content
    before = page(published)
    committee_configure(
        committee=committee,
        name="Renamed Board",
        decision_list="letters",
        attendance_columns="name,organisation",
        attendance_grouping="none",
    )
    lettered = '<span class="decision-marker">a)</span>'
    assert "Renamed Board Meeting" in page(draft) and lettered in page(draft)
    assert "Acme Energy" in page(draft)
    after = page(published)
    assert "Operations Group Meeting" in after and "Renamed Board" not in after
    assert lettered not in after and "Acme Energy" not in after
    assert after == before
    client_pdf = client.get(reverse("minutes:meeting-pdf", args=[published.reference])).content
    assert client_pdf == pdf

    # Amended, the minutes are a draft again and print with the conventions of today.
    published.start_amendment(by=users["secretary"], reason="A name was misspelt.")
    amended = Meeting.objects.get(pk=published.pk)
    assert "Renamed Board Meeting" in page(amended) and lettered in page(amended)
