"""A member reviews circulated minutes in Chromium: comment, reply, resolve, approve."""

import re

import pytest
from playwright.sync_api import expect

from minutes.models import ReviewComment, ReviewVerdict
from tests.factories import make_decision, make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-password-123"


@pytest.fixture
def meeting(committee, users):
    meeting = make_meeting(committee, 55)
    make_item(meeting, "Previous Meeting Minutes", text="<p>The Chair invited comments.</p>")
    reports = make_item(meeting, "SEC Panel Reports")
    incident = make_item(meeting, "RDP Incident Report", parent=reports, text="<p>An incident occurred.</p>")
    make_decision(incident, "NOTED", "the incident report")
    make_item(meeting, "Any Other Business")
    meeting.circulate(by=users["secretary"])
    return meeting


def summary_named(page, text):
    return page.locator("summary").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def test_a_member_comments_the_secretary_resolves_and_the_member_approves(
    page, browser, live_server, log_in, users, meeting, assert_accessible
):
    log_in(page, "member", PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.reference}/")
    page.get_by_role("link", name="Review revision 1").click()
    expect(page.get_by_role("heading", name="OPSG_55 draft minutes, revision 1: review")).to_be_visible()
    expect(page.get_by_role("heading", name="2.1. RDP Incident Report")).to_be_visible()
    assert_accessible(page)

    # An empty comment is refused next to the field.
    summary_named(page, "Write a comment on item 2.1").click()
    page.get_by_role("button", name="Add comment on item 2.1").click()
    expect(page.get_by_label("Comment on item 2.1")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#main").get_by_text("Write your comment before sending it.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Comment on item 2.1").fill("Say which <b>system</b> failed.")
    page.get_by_role("button", name="Add comment on item 2.1").click()
    expect(page.get_by_role("status")).to_have_text("Your comment is added.")
    comment = ReviewComment.objects.get()
    thread = page.locator(f"#comment-{comment.pk}")
    expect(thread).to_contain_text("Say which <b>system</b> failed.")  # shown as typed, not as markup

    summary_named(page, "Reply to member on item 2.1").click()
    page.get_by_label("Reply to member on item 2.1").fill("I will ask the DCC.")
    page.get_by_role("button", name="Send reply to member on item 2.1").click()
    expect(page.get_by_role("status")).to_have_text("Your reply is added.")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("I will ask the DCC.")

    # The secretary resolves the thread.
    secretary = browser.new_context().new_page()
    log_in(secretary, "secretary", PASSWORD)
    secretary.goto(f"{live_server.url}/meetings/{meeting.reference}/review/")
    secretary.get_by_role("button", name="Resolve the comment by member on item 2.1").click()
    expect(secretary.get_by_role("status")).to_have_text("The comment is resolved.")
    expect(secretary.locator(f"#comment-{comment.pk}")).to_contain_text("Resolved by secretary")
    expect(secretary.get_by_role("heading", name="Comments on item 2.1 (0 open)")).to_be_visible()

    # The member asks for changes without saying what: refused, nothing saved.
    page.reload()
    page.get_by_label("Request changes").check()
    page.get_by_role("button", name="Record my review").click()
    expect(page.get_by_label("Note")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Request changes")).to_be_checked()
    assert not ReviewVerdict.objects.exists()
    assert_accessible(page)

    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record my review").click()
    expect(page.get_by_role("status")).to_have_text("Your review is recorded: you approve revision 1.")
    expect(page.locator("#your-review")).to_contain_text("You approved revision 1")
    assert ReviewVerdict.objects.get().reviewer == users["member"]

    # The secretary's summary: who approved, who has not answered, no open comments.
    secretary.get_by_role("link", name="Review summary").click()
    expect(secretary.get_by_role("heading", name="Approved (1)")).to_be_visible()
    expect(secretary.get_by_role("heading", name="Not answered yet (1)")).to_be_visible()
    row = secretary.get_by_role("row", name=re.compile(r"2\.1\. RDP Incident Report"))
    expect(row.get_by_role("cell")).to_have_text(["0", "1", "1"])  # open, resolved, replies
    assert_accessible(secretary)
