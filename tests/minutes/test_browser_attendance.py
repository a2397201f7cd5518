"""The secretary records attendance on the drafting page in Chromium, with the mouse and by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from minutes.models import Attendance, Organisation, Person
from tests.factories import make_meeting, make_organisation, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def category_row(table, category):
    """The row of `table` whose header cell is the seat category `category`."""
    return table.get_by_role("row").filter(has=table.page.get_by_role("rowheader", name=category, exact=True))


def test_the_secretary_records_who_attended(page, live_server, log_in, assert_accessible, committee, users):
    meeting = make_meeting(committee, 55)
    dave = make_person("Dave Warner", organisation=make_organisation("SECAS"))

    log_in(page, "secretary", "test-password-123")
    page.goto(f"{live_server.url}/meetings/{meeting.reference}/draft/")
    section = page.locator("#attendance")
    attendees = section.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Operations Group Members")
    )
    apologies = section.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Representing"))
    add_form = page.get_by_role("form", name="Add an attendee")
    expect(section.get_by_text("No attendees recorded.")).to_be_visible()
    expect(add_form).to_be_visible()
    assert_accessible(page)

    # An existing person, matched by typing their name.
    add_form.get_by_label("Name").fill("dave warner")
    add_form.get_by_label("Seat category").select_option(label="Chair")
    add_form.get_by_role("button", name="Add attendee").click()
    expect(section.get_by_role("status")).to_have_text("Dave Warner (SECAS) is added: present, in Chair.")
    expect(category_row(attendees, "Chair")).to_contain_text("Dave Warner")
    assert Attendance.objects.get(meeting=meeting).person == dave
    expect(add_form.get_by_label("Name")).to_be_focused()  # ready for the next one
    expect(page.locator(".htmx-settling, .htmx-swapping, .htmx-request")).to_have_count(0)

    # Someone new with a new organisation, by keyboard only.
    page.keyboard.type("Marta Kaminska")
    page.keyboard.press("Tab")
    expect(add_form.get_by_label("Organisation")).to_be_focused()
    page.keyboard.type("Octopus Energy")
    page.keyboard.press("Tab")
    expect(add_form.get_by_label("Seat category")).to_be_focused()
    page.keyboard.type("Large")
    expect(add_form.get_by_label("Seat category")).to_have_value(
        str(committee.seat_categories.get(name="Large Suppliers").pk)
    )
    page.keyboard.press("Tab")
    expect(add_form.get_by_role("radio", name="Present")).to_be_focused()
    page.keyboard.press("Tab")
    expect(add_form.get_by_label("Role note")).to_be_focused()
    page.keyboard.press("Enter")
    expect(category_row(attendees, "Large Suppliers")).to_contain_text("Marta Kaminska")
    marta = Person.objects.get(name="Marta Kaminska")
    assert marta.organisation == Organisation.objects.get(name="Octopus Energy")

    # Apologies with a role note.
    add_form.get_by_label("Name").fill("Veronica Asantewaa")
    add_form.get_by_label("Seat category").select_option(label="SECAS")
    add_form.get_by_role("radio", name="Apologies").check()
    add_form.get_by_label("Role note").fill("Meeting Secretary")
    add_form.get_by_role("button", name="Add attendee").click()
    expect(category_row(apologies, "SECAS")).to_contain_text("Veronica Asantewaa (Meeting Secretary)")

    # Someone sits in for Veronica, remotely: the details are under "More".
    add_form.get_by_label("Name").fill("Sam Standin")
    add_form.get_by_label("Seat category").select_option(label="SECAS")
    add_form.get_by_text("More: initials, remote").click()
    add_form.get_by_label("Joined remotely").check()
    add_form.get_by_label("Sitting in for").select_option(label="Veronica Asantewaa")
    add_form.get_by_role("button", name="Add attendee").click()
    expect(category_row(attendees, "SECAS")).to_contain_text("Sam Standin (remote; for Veronica Asantewaa)")
    expect(category_row(apologies, "SECAS")).to_contain_text(
        "Veronica Asantewaa (Meeting Secretary; represented by Sam Standin)"
    )

    # Move Dave to another category.
    section.get_by_role("link", name="Edit Dave Warner").click()
    edit_form = page.get_by_role("form", name="How Dave Warner is listed")
    expect(edit_form.get_by_label("Seat category")).to_be_focused()
    assert_accessible(page)
    edit_form.get_by_label("Seat category").select_option(label="DCC")
    edit_form.get_by_role("button", name="Save how Dave Warner is listed").click()
    expect(section.get_by_role("status")).to_have_text("Dave Warner is now listed present, in DCC.")
    expect(section.get_by_role("status")).to_be_focused()
    expect(category_row(attendees, "DCC")).to_contain_text("Dave Warner")
    expect(category_row(attendees, "Chair")).to_have_count(0)
    expect(edit_form).to_have_count(0)

    # Take Marta off the list.
    section.get_by_role("button", name="Remove Marta Kaminska").click()
    expect(section.get_by_role("status")).to_have_text("Marta Kaminska is taken off the list.")
    expect(section.get_by_role("status")).to_be_focused()  # the removed row's button is gone
    assert_accessible(page)
    expect(attendees).not_to_contain_text("Marta Kaminska")
    expect(category_row(attendees, "Large Suppliers")).to_have_count(0)

    # Someone already listed is refused, and what was typed stays.
    add_form.get_by_label("Name").fill("DAVE WARNER")
    add_form.get_by_role("button", name="Add attendee").click()
    summary = section.get_by_role("alert").filter(has_text="Nothing was saved")
    expect(summary).to_contain_text("Dave Warner is already on this meeting's list: present, in DCC.")
    expect(summary).to_be_focused()
    expect(add_form.get_by_label("Name")).to_have_value("DAVE WARNER")

    # The tables read in the committee's order, and so does the page after a reload.
    page.reload()
    expect(attendees.get_by_role("rowheader")).to_have_text(["DCC", "SECAS"])
    expect(apologies.get_by_role("rowheader")).to_have_text(["SECAS"])
    expect(attendees.get_by_role("row").nth(1)).to_have_text(re.compile(r"DCC\s*Dave Warner"))
    assert [(a.person.name, a.seat_category.name, a.status) for a in Attendance.objects.order_by("id")] == [
        ("Dave Warner", "DCC", "present"),
        ("Veronica Asantewaa", "SECAS", "apologies"),
        ("Sam Standin", "SECAS", "present"),
    ]
    assert_accessible(page)
