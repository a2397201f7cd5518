"""In Chromium: the DCC's owner updates OPSG 55/01 and proposes closure; the secretary confirms it."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_updates_and_proposes_closure_and_the_secretary_confirms_it(
    page, live_server, log_in, assert_accessible
):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    # Bootstrap's colour transitions off: axe must not measure a button halfway through one.
    page.emulate_media(reduced_motion="reduce")
    today = f"{timezone.localdate():%d/%m/%Y}"

    # The owner opens My actions: the DCC's three open actions.
    log_in(page, "owner")
    page.goto(f"{live_server.url}/actions/mine/")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    for reference in ("OPSG 55/01", "OPSG 55/02", "OPSG 55/04"):
        expect(page.get_by_role("rowheader", name=reference)).to_be_visible()
    expect(page.get_by_role("rowheader", name="OPSG 55/03")).to_have_count(0)
    assert_accessible(page)

    # Posts an update on OPSG 55/01; an empty one first is refused and says why.
    page.get_by_role("link", name="Post an update on OPSG 55/01").click()
    expect(page.get_by_role("heading", name="Action OPSG 55/01")).to_be_visible()
    page.get_by_role("button", name="Post update on OPSG 55/01").click()
    expect(page.get_by_role("alert")).to_contain_text("Update: Write the update before posting it.")
    expect(page.get_by_label("Update", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Update", exact=True).fill("The DCC added the User impact to the Q2 report.")
    page.get_by_role("button", name="Post update on OPSG 55/01").click()
    expect(page.get_by_role("status")).to_have_text("Your update on OPSG 55/01 was posted.")
    story = page.get_by_role("region", name="The story so far")
    expect(story.get_by_text("The DCC added the User impact to the Q2 report.")).to_be_visible()

    # Proposes closure.
    page.get_by_label("Why the action can be closed").fill("The Q2 report now shows the User impact.")
    page.get_by_role("button", name="Propose closure of OPSG 55/01").click()
    expect(page.get_by_role("status")).to_contain_text("Closure of OPSG 55/01 proposed")
    expect(page.get_by_text("Closure is proposed and waiting for the secretary.")).to_be_visible()
    expect(page.locator("#action-status")).to_have_text("Proposed closed")
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    # The secretary opens the proposals list and confirms the closure.
    log_in(page, "secretary")
    page.goto(f"{live_server.url}/actions/proposals/")
    proposal = page.get_by_role("region", name="OPSG 55/01: closure proposed")
    expect(proposal.get_by_text("The Q2 report now shows the User impact.")).to_be_visible()
    assert_accessible(page)
    proposal.get_by_label("Note on the decision").fill("Confirmed with the DCC.")
    proposal.get_by_role("button", name="Confirm closure of OPSG 55/01").click()
    expect(page.get_by_role("status")).to_have_text("Closure of OPSG 55/01 confirmed: the action is closed.")
    expect(page.get_by_text("No proposals are waiting.")).to_be_visible()

    # The action page: closed, with the whole story.
    page.goto(f"{live_server.url}/actions/OPSG/OPSG-55-01/")
    expect(page.locator("#action-status")).to_have_text("Closed")
    expect(page.get_by_text(f"Closed on {today}")).to_be_visible()
    story = page.get_by_role("region", name="The story so far")
    for text in (
        "Raised at OPSG_55",
        "The DCC added the User impact to the Q2 report.",
        "Closure proposed",
        "The Q2 report now shows the User impact.",
        "Closure accepted",
        "Closure confirmed by the secretary. Confirmed with the DCC.",
    ):
        expect(story.get_by_text(text, exact=False).first).to_be_visible()
    expect(story.get_by_text("By Easton Brown").first).to_be_visible()
    expect(page.get_by_role("link", name="OPSG_55, item 3: ", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Post update on OPSG 55/01")).to_have_count(0)
    assert_accessible(page)
