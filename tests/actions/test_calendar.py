"""The private iCal feed: the user's committees' meetings and their actions' target dates."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.calendar import calendar_feed_renew
from actions.models import CalendarFeed
from minutes.models import Membership
from tests.factories import (
    make_committee,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world(committee, users):
    """The owner user is a person of the DCC; the DCC owns 55/01, Pat owns 55/02; another committee's meeting."""
    dcc = make_organisation("DCC")
    person = users["owner"].person
    person.organisation = dcc
    person.save()
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23), location="Teleconference")
    owned = raise_action(meeting, "The DCC to report back.", owners=[dcc], target_on=D(2021, 9, 1))
    not_owned = raise_action(meeting, "Pat to report.", owners=[make_person("Pat")], target_on=D(2021, 9, 2))
    closed = raise_action(meeting, "The DCC to close this.", owners=[dcc], target_on=D(2021, 9, 3))
    closed.close(on=D(2021, 8, 30), text="Done.")
    other = make_committee("TABASC", "Technical Architecture")
    other_meeting = make_meeting(other, 12, held_on=D(2021, 9, 9))
    foreign = raise_action(other_meeting, "The DCC elsewhere.", owners=[dcc], target_on=D(2021, 9, 4))
    return {
        "meeting": meeting,
        "owned": owned,
        "not_owned": not_owned,
        "closed": closed,
        "other_meeting": other_meeting,
        "foreign": foreign,
    }


def feed_of(client, user):
    token = calendar_feed_renew(user=user)
    response = client.get(reverse("actions:calendar", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_works_without_login_and_has_meetings_and_target_dates(client, world, users):
    found = events(feed_of(client, users["owner"]))
    assert sorted(found) == ["OPSG 55/01 target date", "OPSG_55 Operations Group meeting"]
    meeting = found["OPSG_55 Operations Group meeting"]
    assert meeting.decoded("DTSTART") == datetime.datetime(2021, 8, 23, 10, 0, tzinfo=LONDON)
    assert meeting.decoded("DTEND") == datetime.datetime(2021, 8, 23, 12, 0, tzinfo=LONDON)
    assert str(meeting["LOCATION"]) == "Teleconference"
    assert str(meeting["URL"]) == "http://127.0.0.1:8000/meetings/OPSG_55/"
    target = found["OPSG 55/01 target date"]
    assert target.decoded("DTSTART") == D(2021, 9, 1)
    assert target.decoded("DTEND") == D(2021, 9, 2)
    assert str(target["URL"]) == "http://127.0.0.1:8000/actions/OPSG/OPSG-55-01/"
    assert "The DCC to report back." in str(target["DESCRIPTION"])


def test_the_times_are_london_times_with_a_timezone(client, world, users):
    body = client.get(reverse("actions:calendar", args=[calendar_feed_renew(user=users["owner"])])).content
    assert b"BEGIN:VTIMEZONE" in body and b"TZID=Europe/London:20210823T100000" in body


def test_uids_are_stable_across_tokens(client, world, users):
    first = {str(e["SUMMARY"]): str(e["UID"]) for e in feed_of(client, users["owner"]).walk("VEVENT")}
    second = {str(e["SUMMARY"]): str(e["UID"]) for e in feed_of(client, users["owner"]).walk("VEVENT")}
    assert first == second and len(set(first.values())) == 2


def test_only_the_users_committees_and_owned_actions(client, world, users):
    # A member owns nothing: meetings only.
    assert sorted(events(feed_of(client, users["member"]))) == ["OPSG_55 Operations Group meeting"]
    # An outsider: nothing, not even the other committee's meeting.
    assert events(feed_of(client, users["outsider"])) == {}
    # On both committees: both meetings; the DCC's action on the other committee too.
    Membership.objects.create(committee=world["other_meeting"].committee, user=users["owner"], role="owner")
    assert sorted(events(feed_of(client, users["owner"]))) == [
        "OPSG 55/01 target date",
        "OPSG_55 Operations Group meeting",
        "TABASC 12/01 target date",
        "TABASC_12 Technical Architecture meeting",
    ]


def test_a_person_owner_gets_their_own_actions(client, world, committee):
    user = make_user("pat-user", committee=committee, role="owner")
    pat = world["not_owned"].owner_people.get()
    pat.user = user
    pat.save()
    assert "OPSG 55/02 target date" in events(feed_of(client, user))


def test_a_meeting_without_times_is_an_all_day_event(client, world, users):
    meeting = make_meeting(
        world["meeting"].committee, 56, held_on=D(2021, 9, 7), start_time=None, end_time=None
    )
    event = events(feed_of(client, users["member"]))[f"{meeting.reference} Operations Group meeting"]
    assert event.decoded("DTSTART") == D(2021, 9, 7)


def test_an_unknown_or_revoked_token_is_404(client, world, users):
    old = calendar_feed_renew(user=users["owner"])
    new = calendar_feed_renew(user=users["owner"])
    assert client.get(reverse("actions:calendar", args=[old])).status_code == 404
    assert client.get(reverse("actions:calendar", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("actions:calendar", args=[new])).status_code == 200
    users["owner"].is_active = False
    users["owner"].save()
    assert client.get(reverse("actions:calendar", args=[new])).status_code == 404


def test_the_feed_refuses_post(client, world, users):
    token = calendar_feed_renew(user=users["owner"])
    assert client.post(reverse("actions:calendar", args=[token])).status_code == 405


def test_hostile_text_is_escaped_by_icalendar(client, world, users):
    world["meeting"].location = "Room 1\r\nBEGIN:VEVENT\r\nSUMMARY:Injected;x=1,y"
    world["meeting"].save()
    world["owned"].text = "Line one\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected"
    world["owned"].save()
    committee = world["meeting"].committee
    committee.name = "Ops\r\nEND:VCALENDAR,;<b>"
    committee.save()
    body = client.get(reverse("actions:calendar", args=[calendar_feed_renew(user=users["owner"])])).content
    assert b"\nBEGIN:VEVENT\r\nSUMMARY:Injected" not in body
    calendar = icalendar.Calendar.from_ical(body)
    assert len(calendar.walk("VEVENT")) == 2
    assert "Injected" not in {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert b"\nEND:VCALENDAR," not in body
    meeting = events(calendar)["OPSG_55 Ops\nEND:VCALENDAR,;<b> meeting"]  # the text kept, as text
    assert str(meeting["LOCATION"]) == "Room 1\nBEGIN:VEVENT\nSUMMARY:Injected;x=1,y"
    target = events(calendar)["OPSG 55/01 target date"]
    assert str(target["DESCRIPTION"]).startswith("Line one\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected")


def test_the_feed_costs_the_same_queries_for_more_meetings_and_actions(client, world, users):
    token = calendar_feed_renew(user=users["owner"])
    url = reverse("actions:calendar", args=[token])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    dcc = make_organisation("DCC")
    for number in range(60, 70):
        meeting = make_meeting(world["meeting"].committee, number)
        for _ in range(3):
            raise_action(meeting, owners=[dcc], target_on=D(2022, 1, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(events(icalendar.Calendar.from_ical(response.content))) == 2 + 10 + 30
    assert len(many) == len(few)


# ---- The settings page ----------------------------------------------------------------


def test_the_settings_page_needs_login(client):
    response = client.get(reverse("actions:calendar-settings"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(reverse("actions:calendar-settings")).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_create_then_revoke_from_the_settings_page(client, users):
    user = users["reader"]
    client.force_login(user)
    url = reverse("actions:calendar-settings")
    page = client.get(url).content.decode()
    assert "Create my calendar feed" in page and not CalendarFeed.objects.exists()

    response = client.post(url, {"change": "create"}, follow=True)
    first = CalendarFeed.objects.get(user=user).token
    page = response.content.decode()
    assert "Your calendar feed was created" in page
    assert f"http://127.0.0.1:8000/calendar/{first}.ics" in page

    response = client.post(url, {"change": "revoke"}, follow=True)
    second = CalendarFeed.objects.get(user=user).token
    assert second != first
    assert "The old address no longer works" in response.content.decode()
    assert client.get(reverse("actions:calendar", args=[first])).status_code == 404
    assert client.get(reverse("actions:calendar", args=[second])).status_code == 200


def test_the_settings_page_refuses_other_methods(client, users):
    client.force_login(users["member"])
    assert client.put(reverse("actions:calendar-settings")).status_code == 405
    assert not CalendarFeed.objects.exists()
