"""A member logs in and reads the demo minutes in Chromium."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_logs_in_and_reads_the_demo_minutes(page, live_server, log_in, assert_accessible):
    call_command("load_demo", verbosity=0)

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    log_in(page, "member", "wrong password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")

    log_in(page, "member")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="OPSG_55").click()
    expect(page.get_by_role("heading", name="Operations Group Meeting")).to_be_visible()
    expect(page.get_by_text("Draft Minutes", exact=True)).to_be_visible()
    for heading in [
        "1. Previous Meeting Minutes",
        "2. Actions Outstanding",
        "3.5. DCC Responsible",
        "8.3. Performance",
    ]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("row", name="OPSG 43/08")).to_be_visible()
    expect(page.get_by_text("ACTION OPSG 55/04:")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Footnote 1", exact=True).click()
    expect(page.locator("#footnote-1")).to_contain_text("Action OPSG 29/15")
