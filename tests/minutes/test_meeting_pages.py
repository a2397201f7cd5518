import datetime

import pytest
from django.urls import reverse

from actions.models import Action
from minutes.models import Meeting
from tests.factories import make_full_meeting, make_meeting

pytestmark = pytest.mark.django_db


def detail_url(meeting):
    return reverse("minutes:meeting-detail", args=[meeting.reference])


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
    meeting = make_full_meeting(committee, 55, scale=1)
    meeting.next_main_meeting_on = datetime.date(2021, 9, 7)
    meeting.save()
    client.force_login(users["member"])
    page = client.get(detail_url(meeting)).content.decode()
    for person in meeting.attendances.values_list("person__name", flat=True):
        assert person in page
    for reference in Action.objects.values_list("reference", flat=True):
        assert reference in page
    assert "ACTION OPSG 55/01:" in page
    assert "Status: Closed" in page
    assert "<td>01/08/2021</td>\n      <td>N/A</td>" in page  # last and revised target dates
    assert 'href="#footnote-1"' in page
    assert "Next main meeting: 7 September 2021." in page
    assert "2.1. " in page and "3.1. " in page
