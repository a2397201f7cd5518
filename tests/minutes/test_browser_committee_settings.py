"""A secretary changes the committee's conventions in Chromium: preview, save, the next action."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_item, make_meeting, make_organisation, make_standard_agenda

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_changes_the_reference_pattern_and_the_decision_lists(
    page, live_server, users, committee, log_in, assert_accessible
):
    meeting = make_meeting(committee, 55)
    make_item(meeting, "Reports")
    make_organisation("DCC")
    log_in(page, "secretary", "test-password-123")
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="OPSG settings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Operations Group (OPSG): settings")
    preview = page.get_by_role("region", name="How the minutes read now")
    expect(preview).to_contain_text("OPSG 55/01, OPSG 55/02, OPSG 55/03")
    assert_accessible(page)

    page.get_by_label("Action references").fill("Action {n:03}")
    page.get_by_label("Per committee: continuing from meeting to meeting").check()
    page.get_by_label("Letters: a) NOTED …; b) AGREED …").check()
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview of your changes")
    expect(preview).to_contain_text("Action 001, Action 002, Action 003")
    expect(preview.get_by_role("listitem").first).to_contain_text("a) NOTED the report;")
    expect(page.get_by_label("Action references")).to_have_value("Action {n:03}")  # kept, not saved yet

    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("The settings of OPSG are saved.")

    page.goto(f"{live_server.url}/meetings/OPSG_55/draft/")
    item = page.get_by_role("region", name="1. Reports")
    item.get_by_text("Add an action to item 1").click()
    item.get_by_label("Action text for a new action on item 1").fill("The DCC to report back.")
    item.get_by_label("Owners for a new action on item 1").select_option(label="DCC")
    item.get_by_role("button", name="Add action to item 1").click()
    expect(item).to_contain_text("Action 001: The DCC to report back.")


def test_a_secretary_edits_the_standard_agenda_and_the_seat_categories(
    page, live_server, users, committee, log_in, assert_accessible
):
    make_standard_agenda(committee)
    log_in(page, "secretary", "test-password-123")
    page.goto(f"{live_server.url}/committees/OPSG/settings/")
    page.get_by_role("navigation", name="Settings of OPSG").get_by_role(
        "link", name="Standard agenda"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("(OPSG): standard agenda")
    assert_accessible(page)

    # A new item dragged to the top, a sub-item under the last item, and a preview.
    welcome = page.get_by_role("group", name="Row 4 (new item)")
    welcome.get_by_label("Title").fill("Welcome and introductions")
    welcome.get_by_label("Default text").fill("The Chair welcomed members.")
    page.set_viewport_size({"width": 1280, "height": 3000})  # both rows in view
    welcome.locator(".drag-handle").hover()
    page.mouse.down()
    box = page.get_by_role("group", name="Row 1: Previous Meeting Minutes").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 2, steps=20)
    page.mouse.up()
    expect(welcome.get_by_label("Position")).to_have_value("1")
    update = page.get_by_role("group", name="Row 5 (new item)")
    update.get_by_label("Title").fill("Smart metering update")
    update.get_by_label("Sub-item of the item above").check()
    update.get_by_label("Position").fill("9")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview of your changes")
    expect(preview).to_contain_text("1. Welcome and introductions")
    expect(preview).to_contain_text("4. Any Other Business")
    expect(preview).to_contain_text("4.1 Smart metering update")

    # A sub-item under a heading is refused beside its row; what was typed stays.
    aob = page.get_by_role("group", name="Row 3: Any Other Business")
    aob.get_by_label("Kind").select_option(label="Heading (no number)")
    page.get_by_role("button", name="Save standard agenda").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "is a heading: the items after it stand under it already"
    )
    aob = page.get_by_role("group", name="Row 3: Any Other Business")
    aob.get_by_label("Kind").select_option(label="Ordinary item")
    page.get_by_role("button", name="Save standard agenda").click()
    expect(page.get_by_role("status")).to_contain_text("The standard agenda of OPSG is saved")

    # Seat categories: a rename shows in the attendance form of a new meeting.
    page.get_by_role("link", name="Seat categories").click()
    page.get_by_label("Name of Large Suppliers").fill("Large Energy Suppliers")
    page.get_by_role("button", name="Save seat categories").click()
    expect(page.get_by_role("status")).to_contain_text("The seat categories of OPSG are saved.")
    assert_accessible(page)

    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Date").fill("2027-01-14")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="1. Welcome and introductions")).to_be_visible()
    expect(page.get_by_role("heading", name="4.1. Smart metering update")).to_be_visible()
    seat = page.get_by_role("form", name="Add an attendee").get_by_label("Seat category")
    expect(seat.locator("option", has_text="Large Energy Suppliers")).to_have_count(1)
