import datetime

import pytest
from django.urls import reverse

from actions.models import Action
from minutes.models import Attendance, ItemKind, Meeting
from tests.factories import (
    make_attendance,
    make_decision,
    make_footnote,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    raise_action,
)

pytestmark = pytest.mark.django_db


def detail_url(meeting):
    return reverse("minutes:meeting-detail", args=[meeting.reference])


def build_meeting(committee, number, scale):
    """A meeting with `scale` times the pieces of every kind the page shows."""
    earlier = make_meeting(committee, number - 1, held_on=datetime.date(2021, 7, 1))
    meeting = make_meeting(committee, number, held_on=datetime.date(2021, 8, 23))
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    for _ in range(scale):
        old = raise_action(
            earlier, owners=[dcc, make_person(organisation=secas)], target_on=datetime.date(2021, 8, 1)
        )
        old.record_update(meeting=meeting, text="Progress.", target_on=datetime.date(2021, 9, 1))
    categories = list(committee.seat_categories.all())
    for i in range(3 * scale):
        make_attendance(meeting, make_person(organisation=dcc), categories[i % len(categories)])
    make_attendance(meeting, status=Attendance.Status.APOLOGIES)
    make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    for _ in range(scale):
        parent = make_item(meeting, text="<p>Parent text with anchor words.</p>")
        child = make_item(meeting, parent=parent, text="<p>Child text.</p>")
        make_footnote(parent, "anchor words")
        make_decision(parent, "NOTED", "the report")
        make_decision(child, "AGREED", "that it is fine")
        raise_action(meeting, item=child, owners=[dcc, secas], target_on=datetime.date(2021, 9, 27))
    return meeting


def test_anonymous_users_are_sent_to_log_in(client, committee):
    meeting = make_meeting(committee, 55)
    for url in [reverse("minutes:meeting-list"), detail_url(meeting)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_meeting_page_for_each_role(client, committee, users):
    meeting = make_meeting(committee, 55)
    expected = {"secretary": 200, "chair": 200, "member": 200, "owner": 200, "staff": 200}
    expected |= {"reader": 404, "outsider": 404}  # draft minutes are not for readers
    for name, status in expected.items():
        client.force_login(users[name])
        assert client.get(detail_url(meeting)).status_code == status, name


def test_readers_see_published_minutes(client, committee, users):
    meeting = make_meeting(committee, 55, minutes_status=Meeting.Status.PUBLISHED)
    client.force_login(users["reader"])
    response = client.get(detail_url(meeting))
    assert response.status_code == 200
    assert "Draft Minutes" not in response.content.decode()


def test_pages_refuse_changes_by_post(client, committee, users):
    meeting = make_meeting(committee, 55)
    client.force_login(users["secretary"])
    assert client.post(detail_url(meeting)).status_code == 405
    assert client.post(reverse("minutes:meeting-list")).status_code == 405


def test_unknown_references_are_not_found(client, users):
    client.force_login(users["staff"])
    for reference in ["OPSG_999", "OPSG", "NOPE_1", "OPSG_x"]:
        assert client.get(reverse("minutes:meeting-detail", args=[reference])).status_code == 404


def test_meetings_list_shows_only_what_the_user_may_open(client, committee, users):
    from tests.factories import make_committee

    make_meeting(committee, 55)
    make_meeting(committee, 54, minutes_status=Meeting.Status.PUBLISHED)
    make_meeting(make_committee("SSC", "Security Sub-Committee"), 7)

    client.force_login(users["member"])
    page = client.get(reverse("minutes:meeting-list")).content.decode()
    assert "OPSG_55" in page and "OPSG_54" in page and "SSC_7" not in page

    client.force_login(users["reader"])
    page = client.get(reverse("minutes:meeting-list")).content.decode()
    assert "OPSG_54" in page and "OPSG_55" not in page

    client.force_login(users["staff"])
    page = client.get(reverse("minutes:meeting-list"), {"q": "SSC_7"}).content.decode()
    assert "SSC_7" in page and "OPSG_55" not in page
    page = client.get(reverse("minutes:meeting-list"), {"minutes_status": "published"}).content.decode()
    assert "OPSG_54" in page and "OPSG_55" not in page


def test_the_page_shows_every_part_of_the_minutes(client, committee, users):
    meeting = build_meeting(committee, 55, scale=2)
    meeting.next_main_meeting_on = datetime.date(2021, 9, 7)
    meeting.save()
    client.force_login(users["member"])
    page = client.get(detail_url(meeting)).content.decode()
    for person in meeting.attendances.values_list("person__name", flat=True):
        assert person in page
    for reference in Action.objects.values_list("reference", flat=True):
        assert reference in page
    assert "ACTION OPSG 55/01:" in page
    assert "Status: Open" in page
    assert "01/08/2021" in page and "01/09/2021" in page  # last and revised target dates
    assert 'href="#footnote-1"' in page
    assert "Next main meeting: 7 September 2021." in page
    assert "2.1. " in page and "3.1. " in page


def test_the_page_costs_the_same_queries_for_ten_times_the_content(
    client, committee, users, django_assert_num_queries
):
    small = build_meeting(committee, 55, scale=1)
    large = build_meeting(committee, 75, scale=10)
    client.force_login(users["member"])
    client.get(detail_url(small))  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(detail_url(small)).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        assert client.get(detail_url(large)).status_code == 200
    assert len(small_queries) <= 20
