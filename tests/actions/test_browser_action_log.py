"""A member finds actions in the log in Chromium: filters, search, sort, pages, and downloads the CSV."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action
from minutes.models import Meeting, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_with_many_actions(db):
    """The demo, plus 26 more open DCC actions about workshops at OPSG_55: two pages of them."""
    call_command("load_demo", verbosity=0)
    meeting = Meeting.objects.get(number=55)
    dcc = Organisation.objects.get(name="DCC")
    for number in range(26):
        Action.objects.raise_action(
            meeting=meeting, text=f"The DCC to run workshop number {number}.", owners=[dcc]
        )


def test_a_member_filters_searches_sorts_pages_and_downloads(
    page, live_server, log_in, demo_with_many_actions, assert_accessible
):
    page.emulate_media(reduced_motion="reduce")
    log_in(page, "member")
    page.goto(f"{live_server.url}/actions/")
    expect(page.get_by_role("heading", name="Action log")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Open actions per owner"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Owner", exact=True).select_option(label="DCC")
    page.get_by_label("Status", exact=True).select_option(label="Open")
    page.get_by_label("Search").fill("workshops")
    page.get_by_role("button", name="Apply").click()
    # 55/02 (the demo's workshops action) and the 26 added: 55/01 and 55/04 do not mention workshops.
    table = page.locator("#action-log")
    expect(table).to_have_accessible_name(re.compile(r"^27 actions, page 1 of 2"))
    expect(page.locator('[data-count="open"]')).to_have_text("27")
    assert "owner=org-" in page.url and "status=open" in page.url and "q=workshops" in page.url

    page.get_by_role("link", name=re.compile(r"^Target date")).click()
    expect(page.get_by_role("columnheader", name=re.compile(r"^Target date"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert "sort=target" in page.url
    assert_accessible(page)

    page.get_by_role("navigation", name="Pages of actions").get_by_role("link", name="Next").click()
    expect(table).to_have_accessible_name(re.compile(r"^27 actions, page 2 of 2"))
    assert all(part in page.url for part in ("status=open", "q=workshops", "sort=target", "page=2"))
    expect(table.locator("tbody tr")).to_have_count(2)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("action-log-") and download.suggested_filename.endswith(
        ".csv"
    )
    with open(download.path(), encoding="utf-8-sig") as data:
        rows = list(csv.reader(io.StringIO(data.read())))
    assert rows[0][:6] == [
        "Action ID",
        "Action",
        "Date Raised",
        "Last Target Date",
        "Revised Target Date",
        "Owner",
    ]
    assert len(rows) == 28  # every page
    assert {row[6] for row in rows[1:]} == {"Open"}
    assert all("DCC" in row[5] for row in rows[1:])
