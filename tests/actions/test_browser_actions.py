"""The secretary raises an action in Chromium, edits it, and closes it at a later meeting."""

import datetime

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.factories import make_organisation, make_person, make_standard_agenda

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-password-123"


@pytest.fixture
def standard_agenda(committee):
    make_standard_agenda(committee, "Performance")


def create_meeting(page, live_server, number, held_on):
    """Set up a meeting through the New meeting page; it opens in the drafting page."""
    page.goto(f"{live_server.url}/meetings/new/")
    page.get_by_label("Number").fill(str(number))
    page.get_by_label("Date").fill(held_on)
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="1. Previous Meeting Minutes")).to_be_visible()
    assert page.url.endswith(f"/meetings/OPSG_{number}/draft/")


def test_an_action_is_raised_edited_and_closed_at_a_later_meeting(
    page, live_server, log_in, users, standard_agenda, assert_accessible
):
    dcc = make_organisation("DCC")
    make_organisation("SECAS")
    make_person("Dave Warner", organisation=dcc)
    # Bootstrap's colour transitions off: axe must not measure a button halfway through one.
    page.emulate_media(reduced_motion="reduce")
    log_in(page, "secretary", PASSWORD)

    # OPSG_56: raise an action on item 3 with two owners and a target date.
    create_meeting(page, live_server, 56, "2021-09-07")
    assert_accessible(page)
    item = page.get_by_role("region", name="3. Performance")
    item.get_by_text("Add an action to item 3").click()
    item.get_by_label("Action text").fill("The DCC to provide a clear view of the User impact.")
    item.get_by_label("Owners").select_option(label=["DCC", "Dave Warner (DCC)"])
    item.get_by_label("Target date").fill("2021-09-27")
    item.get_by_role("button", name="Add action to item 3").click()

    expect(item.get_by_text("ACTION OPSG 56/01:")).to_be_visible()
    expect(item.get_by_role("status").filter(has_text="OPSG 56/01 added")).to_be_visible()
    expect(item.get_by_text("Owner: DCC, Dave Warner · Target date: 27/09/2021")).to_be_visible()
    assert_accessible(page)

    # Edit it: new text, SECAS instead of Dave Warner, a later target date.
    item.get_by_role("link", name="Edit action OPSG 56/01").click()
    form = item.locator("form", has=page.get_by_role("button", name="Save action OPSG 56/01"))
    expect(form.get_by_label("Action text")).to_have_value(
        "The DCC to provide a clear view of the User impact."
    )
    form.get_by_label("Action text").fill("SECAS and the DCC to provide a clear view of the User impact.")
    form.get_by_label("Owners").select_option(label=["DCC", "SECAS"])
    form.get_by_label("Target date").fill("2021-10-25")
    assert_accessible(page)
    form.get_by_role("button", name="Save action OPSG 56/01").click()

    expect(item.get_by_text("SECAS and the DCC to provide a clear view of the User impact.")).to_be_visible()
    expect(item.get_by_text("Owner: DCC, SECAS · Target date: 25/10/2021")).to_be_visible()
    action = Action.objects.get(reference="OPSG 56/01")
    assert [t.target_on for t in action.target_dates.all()] == [
        datetime.date(2021, 9, 27),
        datetime.date(2021, 10, 25),
    ]

    # OPSG_57: the action is outstanding without anyone typing it; record its update and close it.
    create_meeting(page, live_server, 57, "2021-10-25")
    outstanding = page.get_by_role("region", name="2. Actions Outstanding")
    expect(outstanding.get_by_role("rowheader", name="OPSG 56/01")).to_be_visible()
    outstanding.get_by_label("Update given at OPSG_57 on OPSG 56/01").fill(
        "The DCC presented the User impact. Action closed."
    )
    outstanding.get_by_label("Status after this meeting of OPSG 56/01").select_option(label="Closed")
    assert_accessible(page)
    outstanding.get_by_role("button", name="Save update on OPSG 56/01").click()

    expect(outstanding.get_by_role("status").filter(has_text="Update on OPSG 56/01 saved")).to_be_visible()
    expect(outstanding.get_by_text("Status: Closed")).to_be_visible()
    action.refresh_from_db()
    assert (action.status, action.closed_on) == (Action.Status.CLOSED, datetime.date(2021, 10, 25))
    assert_accessible(page)

    # OPSG_58: no longer outstanding.
    create_meeting(page, live_server, 58, "2021-11-22")
    outstanding = page.get_by_role("region", name="2. Actions Outstanding")
    expect(outstanding.get_by_text("No actions were outstanding at this meeting.")).to_be_visible()
    expect(outstanding.get_by_text("OPSG 56/01")).to_have_count(0)
