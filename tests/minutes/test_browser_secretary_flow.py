"""Issue 3's flow: the secretary recreates part of the seed from an empty meeting, in Chromium."""

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_meeting(page, live_server, number, held_on, *, copy_attendance):
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="New meeting").click()
    expect(page.get_by_label("Number")).to_have_value(str(number))  # suggested: last + 1
    page.get_by_label("Kind").select_option(label="Main meeting")
    page.get_by_label("Date").fill(held_on)
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("12:30")
    checkbox = page.get_by_label("Start from the attendance list of the previous meeting")
    checkbox.set_checked(copy_attendance)
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="2. Actions Outstanding")).to_be_visible()


def add_attendee(page, name, category, *, organisation="", apologies=False, role_note=""):
    form = page.get_by_role("form", name="Add an attendee")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Organisation").fill(organisation)
    form.get_by_label("Seat category").select_option(label=category)
    form.get_by_role("radio", name="Apologies" if apologies else "Present").check()
    form.get_by_label("Role note").fill(role_note)
    form.get_by_role("button", name="Add attendee").click()
    expect(page.get_by_role("status").filter(has_text=f"{name}")).to_be_visible()


def open_panel(region, summary):
    """Open the <details> whose summary is exactly `summary`; return it."""
    panel = region.locator("details").filter(has=region.page.get_by_text(summary, exact=True))
    panel.get_by_text(summary, exact=True).click()
    return panel


def test_a_secretary_recreates_part_of_the_seed_without_the_admin(
    page, live_server, log_in, assert_accessible
):
    call_command("load_demo", verbosity=0)
    page.emulate_media(reduced_motion="reduce")
    log_in(page, "secretary")
    new_meeting(page, live_server, 56, "2021-09-07", copy_attendance=False)
    assert page.url.endswith("/meetings/OPSG_56/draft/")
    expect(page.get_by_text("No attendees recorded.")).to_be_visible()

    # Attendance in three seat categories, with apologies.
    add_attendee(page, "Dave Warner", "Operations Group Chair")
    add_attendee(page, "Veronica Asantewaa", "SECAS", role_note="Meeting Secretary")
    add_attendee(page, "Priya Natarajan", "Large Suppliers", organisation="Northern Power")
    add_attendee(page, "John Noad", "Large Suppliers", apologies=True)

    # Item 3 with two sub-items and minutes text.
    reports = page.get_by_role("region", name="3. SEC Panel Reports")
    for title in ["Registration Data Provider Incident Report", "DCC Service Request Variance Report"]:
        panel = open_panel(reports, "Add a sub-item to item 3")
        panel.get_by_label("New sub-item of 3").fill(title)
        panel.get_by_role("button", name="Add sub-item").click()
        expect(page.get_by_role("heading", name="3.", exact=False).filter(has_text=title)).to_be_visible()
    # The editor replaces the plain text box once the new sub-items are set up.
    expect(
        page.get_by_role("toolbar", name="Formatting: Minutes text for item 3.1", exact=True)
    ).to_be_visible()
    text = page.get_by_role("textbox", name="Minutes text for item 3.1", exact=True)
    text.click()
    page.keyboard.type("The OPSG considered the RDP Incidents Report for July 2021.")
    page.keyboard.press("Enter")
    page.get_by_role("region", name="3.1. Registration Data Provider Incident Report").get_by_role(
        "button", name="Bulleted list"
    ).click()
    page.keyboard.type("Incidents INC000000757735 and INC000000744865 had been closed.")
    sub_item = page.get_by_role("region", name="3.1. Registration Data Provider Incident Report")
    expect(sub_item.get_by_role("status").first).to_have_text("Saved", timeout=10_000)

    # A decision list on item 3.
    reports = page.get_by_role("region", name="3. SEC Panel Reports")
    for verb, wording in [
        ("NOTED", "the SEC Panel Reports"),
        ("APPROVED", "the summary of DCC reporting (Annex 1)"),
    ]:
        panel = open_panel(reports, "Add a decision to item 3")
        panel.get_by_label("Verb of the new decision on item 3", exact=True).select_option(verb)
        panel.get_by_label("Decision text of the new decision on item 3", exact=True).fill(wording)
        panel.get_by_role("button", name="Add decision to item 3", exact=True).click()
        expect(reports.get_by_role("status").filter(has_text=f"Decision added: {verb}")).to_be_visible()

    # Two actions with owners and target dates.
    actions = [
        ("The DCC to provide a clear view of the User impact for the open problems.", ["DCC"], "2021-09-27"),
        (
            "SECAS to highlight to the Panel the issues with SMETS2 performance.",
            ["SECAS", "DCC"],
            "2021-10-25",
        ),
    ]
    for number, (text_, owners, target) in enumerate(actions, start=1):
        panel = open_panel(reports, "Add an action to item 3")
        panel.get_by_label("Action text").fill(text_)
        panel.get_by_label("Owners").select_option(label=owners)
        panel.get_by_label("Target date").fill(target)
        panel.get_by_role("button", name="Add action to item 3", exact=True).click()
        expect(reports.get_by_role("status").filter(has_text=f"OPSG 56/0{number} added")).to_be_visible()
    expect(reports.get_by_text("ACTION OPSG 56/01:")).to_be_visible()
    expect(reports.get_by_text("ACTION OPSG 56/02:")).to_be_visible()

    # One outstanding action from OPSG_55, updated and closed; nobody typed the list.
    outstanding = page.get_by_role("region", name="2. Actions Outstanding")
    for reference in ["OPSG 55/01", "OPSG 55/02", "OPSG 55/03", "OPSG 55/04"]:
        expect(outstanding.get_by_role("rowheader", name=reference)).to_be_visible()
    expect(outstanding.get_by_role("rowheader", name="OPSG 43/08")).to_have_count(0)  # closed at OPSG_55
    outstanding.get_by_label("Update given at OPSG_56 on OPSG 55/01").fill(
        "The DCC presented the User impact by Problem Record."
    )
    outstanding.get_by_label("Status after this meeting of OPSG 55/01").select_option(label="Closed")
    outstanding.get_by_role("button", name="Save update on OPSG 55/01").click()
    expect(outstanding.get_by_role("status").filter(has_text="Update on OPSG 55/01 saved")).to_be_visible()
    assert_accessible(page)

    # The meeting page reads like the seed.
    page.get_by_role("link", name="View as it will read").click()
    minutes = page.get_by_role("article")
    expect(minutes.get_by_role("row", name="Operations Group Chair Dave Warner")).to_be_visible()
    expect(minutes.get_by_role("row", name="SECAS Veronica Asantewaa (Meeting Secretary)")).to_be_visible()
    expect(minutes.get_by_role("row", name="Large Suppliers Priya Natarajan")).to_be_visible()
    expect(minutes.get_by_role("table").nth(1)).to_contain_text("John Noad")  # apologies
    expect(
        minutes.get_by_role("heading", name="3.1. Registration Data Provider Incident Report")
    ).to_be_visible()
    expect(minutes.get_by_role("heading", name="3.2. DCC Service Request Variance Report")).to_be_visible()
    expect(minutes.get_by_role("listitem").filter(has_text="INC000000757735")).to_be_visible()
    expect(minutes.get_by_text("The OPSG:", exact=True)).to_be_visible()
    expect(
        minutes.get_by_role("listitem").filter(has_text="NOTED the SEC Panel Reports; and")
    ).to_be_visible()
    expect(minutes.get_by_text("ACTION OPSG 56/02:")).to_be_visible()
    expect(minutes.get_by_role("row", name="OPSG 55/01")).to_be_visible()
    expect(minutes.get_by_text("by Problem Record. Status: Closed")).to_be_visible()
    assert_accessible(page)

    action = Action.objects.get(reference="OPSG 55/01")
    assert (action.status, action.closed_on) == (Action.Status.CLOSED, datetime.date(2021, 9, 7))

    # At the next meeting the closed action is no longer outstanding; the others are.
    new_meeting(page, live_server, 57, "2021-10-05", copy_attendance=True)
    outstanding = page.get_by_role("region", name="2. Actions Outstanding")
    expect(outstanding.get_by_role("rowheader", name="OPSG 55/02")).to_be_visible()
    expect(outstanding.get_by_role("rowheader", name="OPSG 56/01")).to_be_visible()
    expect(outstanding.get_by_role("rowheader", name="OPSG 55/01")).to_have_count(0)
    expect(page.get_by_role("row", name="Operations Group Chair Dave Warner")).to_be_visible()  # copied
