"""The action page: the whole story of one action, and who may see it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_committee,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def build(committee, users):
    """OPSG 55/01 owned by the DCC (the `owner` user's organisation), OPSG 55/02 by SECAS.

    Adds `other_owner`: an action owner on the committee, from SECAS.
    """
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    person = users["owner"].person
    person.organisation = dcc
    person.save()
    users["other_owner"] = make_user("other_owner", committee=committee, role="owner")
    make_person("Sam Secas", organisation=secas, user=users["other_owner"])
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    make_item(meeting, "Previous Meeting Minutes")
    item = make_item(meeting, "Performance")
    action = raise_action(
        meeting, "The DCC to provide a clear view.", item=item, owners=[dcc], target_on=D(2021, 9, 27)
    )
    theirs = raise_action(meeting, "SECAS to highlight the issues.", item=item, owners=[secas])
    return {"dcc": dcc, "secas": secas, "meeting": meeting, "item": item, "action": action, "theirs": theirs}


def page_url(action):
    return reverse("actions:action-detail", args=[action.committee.code, action.slug])


@pytest.fixture
def world(committee, users):
    return build(committee, users)


def test_the_url_is_the_reference_as_a_slug(world):
    assert page_url(world["action"]) == "/actions/OPSG/OPSG-55-01/"


def test_the_page_tells_the_whole_story(client, committee, users, world):
    action, item = world["action"], world["item"]
    later = make_meeting(committee, 56, held_on=D(2021, 9, 7))
    action.record_meeting_update(
        meeting=later,
        text="The DCC presented a first view.",
        revised_target_on=D(2021, 10, 25),
        status="open",
        by=users["secretary"],
    )
    action.record_update(by=users["owner"], text="Draft shared with SECAS.")
    action.record_update(by=None, text="Sent by link.", author_name="Lee Link")
    future = timezone.localdate() + datetime.timedelta(days=30)
    asked = action.ask_target_date(by=users["owner"], note="Waiting on data.", target_on=future)
    asked.action.decide(asked, by=users["secretary"], accept=True, note="Fine.")
    closure = action.propose_closure(by=users["owner"], note="Report published.")
    closure.action.decide(closure, by=users["secretary"], accept=True, note="Thanks.")

    client.force_login(users["member"])
    response = client.get(page_url(action))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Action OPSG 55/01" in page
    assert "The DCC to provide a clear view." in page
    assert f'href="/meetings/OPSG_55/#item-{item.pk}"' in page
    assert "OPSG_55, item 2: Performance" in page
    assert "Operations Group (OPSG)" in page
    assert "DCC" in page
    today = timezone.localdate()
    assert f"Closed on {today:%d/%m/%Y}" in page
    # Target-date history: set at OPSG_55, revised at OPSG_56, revised on request by the secretary.
    assert "27/09/2021" in page and "25/10/2021" in page and f"{future:%d/%m/%Y}" in page
    assert 'href="/meetings/OPSG_56/"' in page
    story = response.context["story"]
    titles = [event.title for event in story]
    assert titles[0] == "Raised at OPSG_55"
    assert "Target date set: 27/09/2021" in titles
    assert "Target date revised: 25/10/2021" in titles
    assert "Update at OPSG_56" in titles
    assert f"Revised target date asked for: {future:%d/%m/%Y}" in titles
    assert "Revised target date accepted" in titles
    assert "Closure proposed" in titles and "Closure accepted" in titles
    updates = [event for event in story if event.kind == "update"]
    assert [(u.text, u.by, u.status_after) for u in updates] == [
        ("The DCC presented a first view.", "secretary", "Open"),
        ("Draft shared with SECAS.", "owner", "Open"),
        ("Sent by link.", "Lee Link", "Open"),
        ("Closure confirmed by the secretary. Thanks.", "secretary", "Closed"),
    ]
    assert [event.on for event in story] == sorted(event.on for event in story)
    for text in ["Waiting on data.", "Fine.", "Report published.", "Lee Link", "Status after: Closed"]:
        assert text in page
    # A member who does not own the action sees the story, not the forms.
    assert "Post an update" not in page and "Propose closure" not in page


def test_owners_see_their_forms_and_the_secretary_the_decisions(client, users, world):
    action = world["action"]
    action.propose_closure(by=users["owner"], note="Done.")
    client.force_login(users["owner"])
    page = client.get(page_url(action)).content.decode()
    assert "Post an update" in page
    assert "Closure is proposed and waiting for the secretary." in page
    assert "Ask for a revised target date" in page
    assert "Confirm closure" not in page

    client.force_login(users["secretary"])
    page = client.get(page_url(action)).content.decode()
    assert "Post an update" in page and "Confirm closure" in page and "Decline" in page
    assert "Ask for a revised target date" not in page  # the secretary is not an owner

    client.force_login(users["other_owner"])
    page = client.get(page_url(action)).content.decode()
    assert "Post an update" not in page and "Confirm closure" not in page


def test_a_closed_action_offers_no_forms(client, users, world):
    action = world["action"]
    action.close(on=D(2021, 9, 1), text="Done.")
    client.force_login(users["owner"])
    page = client.get(page_url(action)).content.decode()
    assert "Closed on 01/09/2021" in page
    assert "Post an update" not in page and "Propose closure" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("outsider", 404),
        ("reader", 404),  # raised in draft minutes: readers see published minutes only
        ("member", 200),
        ("owner", 200),
        ("other_owner", 200),
        ("chair", 200),
        ("secretary", 200),
        ("staff", 200),
    ],
)
def test_who_may_see_the_page(client, users, world, role, status):
    client.force_login(users[role])
    assert client.get(page_url(world["action"])).status_code == status


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(page_url(world["action"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_action_of_another_committee_is_not_found(client, users, world):
    other = make_meeting(make_committee("TABASC", "Technical Architecture"), 3)
    theirs = raise_action(other)
    client.force_login(users["member"])
    assert client.get(page_url(theirs)).status_code == 404
    client.force_login(users["staff"])
    assert client.get(page_url(theirs)).status_code == 200


@pytest.mark.parametrize(
    ("code", "slug"),
    [("OPSG", "OPSG-55-99"), ("OPSG", "OPSG-99-01"), ("XX", "XX-55-01"), ("XX", "OPSG-55-01")],
)
def test_unknown_references_are_not_found(client, users, world, code, slug):
    client.force_login(users["member"])
    assert client.get(reverse("actions:action-detail", args=[code, slug])).status_code == 404


def test_the_old_address_of_an_action_page_redirects_to_it(client, users, world):
    client.force_login(users["member"])
    response = client.get("/actions/OPSG-55-01/")
    assert response.status_code == 301 and response["Location"] == "/actions/OPSG/OPSG-55-01/"
    assert client.get("/actions/OPSG-55-99/").status_code == 404
    client.force_login(users["outsider"])
    assert client.get("/actions/OPSG-55-01/").status_code == 404  # nothing to learn from a redirect


def test_a_post_to_the_page_is_refused(client, users, world):
    client.force_login(users["owner"])
    assert client.post(page_url(world["action"])).status_code == 405


def test_hostile_text_is_shown_as_text(client, users, world):
    action = world["action"]
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:x">x</a>'
    action.record_update(by=None, text=evil, author_name=evil)
    action.propose_closure(by=None, note=evil, by_name=evil)
    client.force_login(users["secretary"])
    page = client.get(page_url(action)).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_costs_the_same_queries_however_long_the_story(client, committee, users, world):
    def story_of(number, length):
        meeting = make_meeting(committee, number)
        action = raise_action(
            meeting, item=make_item(meeting), owners=[world["dcc"], make_person()], target_on=D(2021, 9, 27)
        )
        for i in range(length):
            later = make_meeting(committee, number + 1 + i)
            action.record_meeting_update(
                meeting=later,
                text=f"Progress {i}.",
                revised_target_on=D(2022, 1, 1) + datetime.timedelta(i),
                status="open",
                by=users["secretary"],
            )
            action.record_update(by=users["owner"], text=f"Between meetings {i}.")
            proposal = action.ask_target_date(
                by=users["owner"],
                note="Later.",
                target_on=timezone.localdate() + datetime.timedelta(days=100 + i),
            )
            proposal.action.decide(proposal, by=users["secretary"], accept=i % 2 == 0, note="")
        action.propose_closure(by=users["owner"], note="Done.")
        return action

    def queries(action):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page_url(action))
        assert response.status_code == 200
        return len(captured)

    short, long = story_of(200, 3), story_of(300, 30)
    for role in ("member", "owner", "secretary"):
        client.force_login(users[role])
        assert queries(short) == queries(long), role
