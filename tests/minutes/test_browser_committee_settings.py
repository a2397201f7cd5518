"""A secretary changes the committee's conventions in Chromium: preview, save, the next action."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_item, make_meeting, make_organisation

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
