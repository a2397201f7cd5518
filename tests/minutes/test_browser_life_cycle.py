"""Issue 5's whole cycle in Chromium, with the demo users: circulate, review, revise,
approve at the next meeting, publish, and a reader checks the published PDF."""

import hashlib
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from minutes.models import Meeting, PublishedMinutes
from tests.auth_helpers import log_in_through_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser, live_server, username):
    page = browser.new_context().new_page()
    page.emulate_media(reduced_motion="reduce")
    # With the code from the authenticator app for the secretary and the chair.
    log_in_through_form(page, live_server.url, username, "minutes-demo")
    expect(page.get_by_role("heading", name="Meetings")).to_be_visible()
    return page


def test_the_minutes_go_from_draft_to_a_published_pdf(browser, live_server, assert_accessible):
    call_command("load_demo", verbosity=0)
    meeting_url = f"{live_server.url}/meetings/OPSG_55/"

    # The secretary circulates revision 1; members and the chair are e-mailed.
    secretary = as_user(browser, live_server, "secretary")
    secretary.goto(meeting_url)
    secretary.get_by_label("Note to reviewers (optional)").fill("Comments by Friday, please.")
    secretary.get_by_role("button", name="Circulate revision 1").click()
    expect(secretary.get_by_role("status").first).to_contain_text("OPSG_55 revision 1 is circulated")
    assert any("/meetings/OPSG_55/review/" in message.body for message in mail.outbox)
    assert_accessible(secretary)

    # A member comments on an item and approves.
    member = as_user(browser, live_server, "member")
    member.goto(meeting_url)
    member.get_by_role("link", name="Review revision 1").click()
    member.locator("summary").filter(has_text=re.compile(r"^Write a comment on item 3\.1$")).click()
    member.get_by_label("Comment on item 3.1").fill("Please name the RDPs awaiting a fix.")
    member.get_by_role("button", name="Add comment on item 3.1").click()
    expect(member.get_by_role("status")).to_have_text("Your comment is added.")
    member.get_by_label("Approve").check()
    member.get_by_role("button", name="Record my review").click()
    expect(member.get_by_role("status")).to_have_text("Your review is recorded: you approve revision 1.")

    # The secretary reopens the draft, revises item 3.1 and circulates revision 2.
    secretary.goto(meeting_url)
    secretary.get_by_role("button", name="Reopen to revise").click()
    secretary.get_by_role("link", name="Edit the draft").click()
    toolbar = secretary.get_by_role("toolbar", name="Formatting: Minutes text for item 3.1", exact=True)
    expect(toolbar).to_be_visible()
    secretary.get_by_role("textbox", name="Minutes text for item 3.1", exact=True).click()
    secretary.keyboard.press("Control+End")
    secretary.keyboard.press("Enter")
    secretary.keyboard.type("The RDPs concerned were named at the meeting.")
    section = secretary.get_by_role("region", name="3.1. Registration Data Provider Incident Report")
    expect(section.get_by_role("status").first).to_have_text("Saved", timeout=10_000)
    secretary.goto(meeting_url)
    secretary.get_by_role("button", name="Circulate revision 2").click()
    expect(secretary.get_by_role("status").first).to_contain_text("OPSG_55 revision 2 is circulated")

    # Anyone who may read the draft sees the redline between the two revisions.
    member.goto(meeting_url)
    member.get_by_role("link", name="Revisions of OPSG_55").click()
    member.get_by_label("From revision").select_option("1")
    member.get_by_label("To revision").select_option("2")
    member.get_by_role("button", name="Show the changes").click()
    expect(
        member.locator("ins").filter(has_text="The RDPs concerned were named at the meeting.")
    ).to_be_visible()
    assert_accessible(member)

    # The committee approves the minutes at its next meeting, under Previous Meeting Minutes.
    secretary.goto(f"{live_server.url}/meetings/new/")
    secretary.get_by_label("Date").fill("2021-09-07")
    secretary.get_by_role("button", name="Create meeting").click()
    item = secretary.get_by_role("region", name="1. Previous Meeting Minutes")
    item.get_by_text("Add a decision to item 1", exact=True).click()
    item.get_by_label("Verb of the new decision on item 1", exact=True).select_option("AGREED")
    item.get_by_label("Decision text of the new decision on item 1", exact=True).fill(
        "that the Draft Minutes from OPSG_55 will be published as final"
    )
    item.get_by_label("Approves the draft minutes of").select_option(
        label="OPSG_55 of 23 August 2021 (circulated)"
    )
    item.get_by_role("button", name="Add decision to item 1", exact=True).click()
    expect(
        item.get_by_role("status").filter(has_text="The minutes of OPSG_55 are now approved.")
    ).to_be_visible()

    # The secretary publishes; the page shows the checksum of the stored PDF.
    secretary.goto(meeting_url)
    expect(secretary.get_by_role("link", name="OPSG_56")).to_be_visible()  # approved at
    secretary.get_by_role("button", name="Publish the final minutes").click()
    expect(secretary.get_by_role("status").first).to_contain_text("OPSG_55 is published")
    stored = PublishedMinutes.objects.get(meeting=Meeting.objects.get_by_reference("OPSG_55"))
    expect(secretary.get_by_text(stored.sha256, exact=True)).to_be_visible()

    # A reader downloads the published PDF; its checksum is the one shown.
    reader = as_user(browser, live_server, "reader")
    reader.goto(meeting_url)
    expect(reader.get_by_text(stored.sha256, exact=True)).to_be_visible()
    expect(reader.get_by_role("link", name="Edit the draft")).to_have_count(0)
    with reader.expect_download() as download:
        reader.get_by_role("link", name="Download PDF of OPSG_55 Minutes").click()
    assert download.value.suggested_filename == "OPSG_55 Minutes.pdf"
    with open(download.value.path(), "rb") as file:
        data = file.read()
    assert hashlib.sha256(data).hexdigest() == stored.sha256
    assert_accessible(reader)
