"""Who may draft, what a GET may not do, and what happens outside the draft state."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minutes.models import AgendaItem, Meeting
from tests.factories import make_full_meeting, make_item, make_meeting

pytestmark = pytest.mark.django_db

REFUSED = {"chair": 403, "member": 403, "owner": 403, "reader": 404, "outsider": 404}


@pytest.fixture
def meeting(committee):
    meeting = make_meeting(committee, 56)
    make_item(meeting, "Minutes")
    make_item(meeting, "AOB")
    return meeting


def endpoints(meeting):
    item = meeting.items.first()
    ref = meeting.reference
    return [
        ("GET", reverse("minutes:meeting-draft", args=[ref])),
        ("GET", reverse("minutes:meeting-details", args=[ref])),
        ("POST", reverse("minutes:meeting-details", args=[ref])),
        ("POST", reverse("minutes:item-add", args=[ref])),
        ("POST", reverse("minutes:item-reorder", args=[ref])),
        ("GET", reverse("minutes:item-edit", args=[ref, item.pk])),
        ("POST", reverse("minutes:item-edit", args=[ref, item.pk])),
        ("POST", reverse("minutes:item-text", args=[ref, item.pk])),
        ("POST", reverse("minutes:item-move", args=[ref, item.pk])),
        ("GET", reverse("minutes:item-delete", args=[ref, item.pk])),
        ("POST", reverse("minutes:item-delete", args=[ref, item.pk])),
    ]


def snapshot(meeting):
    return list(
        AgendaItem.objects.filter(meeting=meeting).values_list(
            "id", "title", "position", "parent_id", "minutes_text"
        )
    )


def call(client, method, url):
    data = {"title": "Changed", "direction": "down", "order": "", "location": "Changed"}
    return client.get(url) if method == "GET" else client.post(url, data)


@pytest.mark.parametrize("role, status", REFUSED.items())
def test_only_secretaries_and_staff_may_draft(client, users, meeting, role, status):
    client.force_login(users[role])
    before = snapshot(meeting)
    for method, url in endpoints(meeting):
        assert call(client, method, url).status_code == status, (role, method, url)
    assert snapshot(meeting) == before


def test_anonymous_users_are_sent_to_log_in(client, meeting):
    for method, url in endpoints(meeting):
        response = call(client, method, url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", ["secretary", "staff"])
def test_secretaries_and_staff_may_open_every_drafting_page(client, users, meeting, role):
    client.force_login(users[role])
    for method, url in endpoints(meeting):
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_changes_are_refused_by_get(client, users, meeting):
    client.force_login(users["secretary"])
    ref, item = meeting.reference, meeting.items.first()
    for url in [
        reverse("minutes:item-add", args=[ref]),
        reverse("minutes:item-reorder", args=[ref]),
        reverse("minutes:item-text", args=[ref, item.pk]),
        reverse("minutes:item-move", args=[ref, item.pk]),
    ]:
        assert client.get(url).status_code == 405, url
    assert client.put(reverse("minutes:item-edit", args=[ref, item.pk])).status_code == 405


@pytest.mark.parametrize("status", ["circulated", "approved", "published"])
def test_minutes_not_in_draft_cannot_be_changed(client, users, meeting, status):
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=status)
    client.force_login(users["secretary"])
    before = snapshot(meeting)
    for method, url in endpoints(meeting):
        assert call(client, method, url).status_code == 403, url
    assert snapshot(meeting) == before


def test_items_of_another_meeting_are_not_found(client, users, committee, meeting):
    other = make_meeting(committee, 57)
    stranger = make_item(other, "Elsewhere")
    client.force_login(users["secretary"])
    url = reverse("minutes:item-edit", args=[meeting.reference, stranger.pk])
    assert client.get(url).status_code == 404
    url = reverse("minutes:item-delete", args=[meeting.reference, stranger.pk])
    assert client.post(url).status_code == 404
    assert AgendaItem.objects.filter(pk=stranger.pk).exists()


def test_the_drafting_page_costs_the_same_queries_for_5_and_50_items(client, users, committee):
    small = make_full_meeting(committee, 100, scale=1)  # 1 + 5 top-level items with sub-items
    large = make_full_meeting(committee, 300, scale=10)
    assert AgendaItem.objects.filter(meeting=small).count() <= 25
    assert AgendaItem.objects.filter(meeting=large).count() >= 200
    client.force_login(users["secretary"])
    small_url = reverse("minutes:meeting-draft", args=[small.reference])
    client.get(small_url)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(small_url).status_code == 200
    with CaptureQueriesContext(connection) as large_queries:
        assert client.get(reverse("minutes:meeting-draft", args=[large.reference])).status_code == 200
    assert len(large_queries) == len(small_queries), [q["sql"][:120] for q in large_queries]


def test_a_new_meeting_starts_from_the_standard_agenda_and_the_last_attendance(client, users, committee):
    from minutes.models import Attendance
    from tests.factories import make_attendance, make_standard_agenda

    make_standard_agenda(committee, "Any Other Business")
    previous = make_meeting(committee, 55, held_on=datetime.date(2021, 8, 23))
    make_attendance(previous, role_note="Meeting Secretary")
    make_attendance(previous, status=Attendance.Status.APOLOGIES)

    client.force_login(users["secretary"])
    page = client.get(reverse("minutes:meeting-create")).content.decode()
    assert 'value="56"' in page  # the next number is suggested

    response = client.post(
        reverse("minutes:meeting-create"),
        {
            "committee": committee.pk,
            "number": 56,
            "kind": "main",
            "held_on": "2021-09-07",
            "start_time": "10:00",
            "end_time": "12:00",
            "location": "Teleconference",
            "copy_attendance": "on",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get_by_reference("OPSG_56")
    assert response["Location"] == reverse("minutes:meeting-draft", args=["OPSG_56"])
    assert list(meeting.items.values_list("title", "kind")) == [
        ("Previous Meeting Minutes", "previous_minutes"),
        ("Actions Outstanding", "actions_outstanding"),
        ("Any Other Business", "item"),
    ]
    assert sorted(meeting.attendances.values_list("status", "role_note")) == [
        ("apologies", ""),
        ("present", "Meeting Secretary"),
    ]


def test_a_new_meeting_needs_a_free_number_and_keeps_what_was_typed(client, users, committee):
    make_meeting(committee, 55)
    client.force_login(users["secretary"])
    response = client.post(
        reverse("minutes:meeting-create"),
        {
            "committee": committee.pk,
            "number": 55,
            "kind": "main",
            "held_on": "2021-09-07",
            "location": "Room 4",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Meeting with this Committee and Number already exists." in page
    assert 'value="Room 4"' in page
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("role", ["chair", "member", "owner", "reader", "outsider"])
def test_only_secretaries_may_set_up_meetings(client, users, committee, role):
    client.force_login(users[role])
    assert client.get(reverse("minutes:meeting-create")).status_code == 403
    data = {"committee": committee.pk, "number": 1, "kind": "main", "held_on": "2021-09-07"}
    assert client.post(reverse("minutes:meeting-create"), data).status_code == 403
    assert not Meeting.objects.exists()
    assert "New meeting" not in client.get(reverse("minutes:meeting-list")).content.decode()
