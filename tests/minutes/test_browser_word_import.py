"""A secretary imports a meeting's minutes from Word in Chromium: upload, see what was recognised,
give the number the file does not say, import, and land on the draft."""

import pytest
from playwright.sync_api import expect

from minutes.docx import meeting_docx
from minutes.models import Meeting
from tests.factories import (
    make_attendance,
    make_committee,
    make_decision,
    make_item,
    make_meeting,
    make_person,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_uploads_word_minutes_previews_and_imports(
    page, live_server, users, committee, log_in, tmp_path, assert_accessible, task_worker
):
    # Minutes another committee keeps, exported to Word: they come into the OPSG as meeting 70.
    other = make_committee("PAB", "Performance Assurance Board")
    old = make_meeting(other, 12)
    make_attendance(old, make_person("Jo Bloggs"), other.seat_categories.first(), role_note="Chair")
    reports = make_item(
        old, "Performance reports", text="<p>The Board reviewed the <b>quarterly</b> reports.</p>"
    )
    make_decision(reports, "NOTED", "the reports")
    make_item(old, "Any Other Business")
    path = tmp_path / "PAB 12 minutes.docx"
    path.write_bytes(meeting_docx(Meeting.objects.select_related("committee").get(pk=old.pk)))

    log_in(page, "secretary", "test-password-123")
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Import minutes into OPSG").click()
    expect(page.get_by_role("heading", name="Import minutes into OPSG")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Minutes (Word file)").set_input_files(str(path))
    page.get_by_label("A draft to correct").check()
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Import PAB 12 minutes.docx into OPSG")).to_be_visible()
    recognised = page.get_by_role("region", name="What was recognised")
    expect(recognised).to_contain_text("1. Performance reports")
    expect(recognised).to_contain_text("Decision: NOTED the reports")
    expect(recognised.get_by_role("table", name="Attendees")).to_contain_text("Jo Bloggs")
    assert_accessible(page)

    page.get_by_label("Meeting number").fill("70")
    page.get_by_role("button", name="Import minutes").click()
    # The import runs in the background; its page says when it is done and links to the draft.
    expect(page.locator("#job-status")).to_have_text("Done: Imported PAB 12 minutes.docx as OPSG_70.")
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_role("heading", name="1. Performance reports")).to_be_visible()
    expect(page.get_by_text("The Board reviewed the quarterly reports.")).to_be_visible()
