"""The secretary drafts in Chromium: autosave, conflicts, keyboard and mouse reordering."""

import re

import pytest
from playwright.sync_api import expect

from minutes.models import AgendaItem
from tests.factories import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "test-password-123"


@pytest.fixture
def meeting(committee):
    meeting = make_meeting(committee, 56)
    make_item(meeting, "Previous Meeting Minutes", text="<p>The Chair invited comments.</p>")
    reports = make_item(meeting, "SEC Panel Reports")
    make_item(meeting, "RDP Incident Report", parent=reports)
    make_item(meeting, "Any Other Business")
    return meeting


def open_draft(page, live_server, log_in, meeting, username="secretary"):
    log_in(page, username, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.reference}/draft/")
    expect(page.get_by_role("heading", name="1. Previous Meeting Minutes")).to_be_visible()


def press_enter_on(page, name):
    """Focus a button by its name and press Enter, once htmx has finished the last swap."""
    expect(page.locator(".htmx-settling, .htmx-swapping, .htmx-request")).to_have_count(0)
    page.get_by_role("button", name=name).focus()
    page.keyboard.press("Enter")


def editor(page, number):
    return page.get_by_role("textbox", name=f"Minutes text for item {number}", exact=True)


def test_text_autosaves_with_a_visible_status(page, live_server, log_in, users, meeting, assert_accessible):
    open_draft(page, live_server, log_in, meeting)
    assert_accessible(page)
    box = editor(page, "3")
    box.click()
    page.keyboard.type("There was no further business.")
    section = page.locator("#item-" + str(AgendaItem.objects.get(title="Any Other Business").pk))
    status = section.get_by_role("status").first
    expect(status).to_have_text(re.compile("Not saved yet|Saving…"))
    expect(status).to_have_text("Saved", timeout=10_000)
    assert "There was no further business." in AgendaItem.objects.get(title="Any Other Business").minutes_text

    # Bold and a bulleted list from the toolbar, by keyboard shortcut and button.
    page.keyboard.press("Enter")
    section.get_by_role("button", name="Bulleted list").click()
    page.keyboard.type("First point")
    expect(status).to_have_text("Saved", timeout=10_000)
    text = AgendaItem.objects.get(title="Any Other Business").minutes_text
    assert "<ul><li>First point" in text

    # The server cannot be reached: the status says so, and Retry saves later.
    page.route("**/text/", lambda route: route.abort())
    box.click()
    page.keyboard.press("End")
    page.keyboard.type(" Unsaved words.")
    expect(status).to_have_text("Not saved — retry", timeout=10_000)
    page.unroute("**/text/")
    section.get_by_role("button", name="Retry").click()
    expect(status).to_have_text("Saved", timeout=10_000)
    assert "Unsaved words." in AgendaItem.objects.get(title="Any Other Business").minutes_text

    page.reload()
    expect(editor(page, "3")).to_contain_text("Unsaved words.")


def test_two_secretaries_typing_in_the_same_item_lose_nothing(browser, live_server, users, meeting, log_in):
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    open_draft(alice, live_server, log_in, meeting, "secretary")
    open_draft(bob, live_server, log_in, meeting, "staff")

    editor(alice, "1").click()
    alice.keyboard.press("Control+End")
    alice.keyboard.type(" Alice adds this.")
    item = AgendaItem.objects.get(title="Previous Meeting Minutes")
    alice_status = alice.locator(f"#item-{item.pk}").get_by_role("status").first
    expect(alice_status).to_have_text("Saved", timeout=10_000)

    editor(bob, "1").click()
    bob.keyboard.press("Control+End")
    bob.keyboard.type(" Bob adds that.")
    bob_item = bob.locator(f"#item-{item.pk}")
    expect(bob_item.get_by_role("status").first).to_have_text("Not saved — retry", timeout=10_000)
    conflict = bob_item.get_by_role("alert")
    expect(conflict).to_contain_text("someone else changed this text")
    expect(conflict).to_contain_text("Alice adds this.")  # their version is shown
    expect(editor(bob, "1")).to_contain_text("Bob adds that.")  # his own words are still there
    item.refresh_from_db()
    assert "Alice adds this." in item.minutes_text and "Bob adds that." not in item.minutes_text

    # Bob copies Alice's sentence into his text, then saves on purpose.
    editor(bob, "1").click()
    bob.keyboard.press("Control+End")
    bob.keyboard.type(" Alice adds this.")
    expect(bob_item.get_by_role("status").first).to_have_text("Not saved — retry")  # no silent overwrite
    bob_item.get_by_role("button", name="Save mine anyway").click()
    expect(bob_item.get_by_role("status").first).to_have_text("Saved", timeout=10_000)
    item.refresh_from_db()
    assert "Bob adds that." in item.minutes_text and "Alice adds this." in item.minutes_text


def test_reordering_and_nesting_by_keyboard_alone(
    page, live_server, log_in, users, meeting, assert_accessible
):
    open_draft(page, live_server, log_in, meeting)
    press_enter_on(page, "Move item 3 up")
    expect(page.get_by_role("heading", name="2. Any Other Business")).to_be_visible()
    expect(page.get_by_role("heading", name="3. SEC Panel Reports")).to_be_visible()
    expect(page.get_by_role("heading", name="3.1. RDP Incident Report")).to_be_visible()
    # Focus stays on the same control of the moved item, so the user can keep going.
    expect(page.get_by_role("button", name="Move item 2 up")).to_be_focused()
    press_enter_on(page, "Move item 2 up")
    expect(page.get_by_role("heading", name="1. Any Other Business")).to_be_visible()
    expect(page.get_by_role("button", name="Move item 1 up")).to_be_focused()

    press_enter_on(page, "Outdent item 3.1 to a top-level item")
    expect(page.get_by_role("heading", name="4. RDP Incident Report")).to_be_visible()
    press_enter_on(page, "Indent item 4 under the item above")
    expect(page.get_by_role("heading", name="3.1. RDP Incident Report")).to_be_visible()

    # A move that cannot happen says why.
    press_enter_on(page, "Move item 1 up")
    expect(page.get_by_role("alert")).to_contain_text("already the first item")
    assert_accessible(page)


def test_adding_renaming_deferring_dragging_and_deleting_items(page, live_server, log_in, users, meeting):
    open_draft(page, live_server, log_in, meeting)
    page.get_by_label("New item", exact=True).fill("Major Incident Review")
    page.get_by_role("button", name="Add item", exact=True).click()
    expect(page.get_by_role("heading", name="4. Major Incident Review")).to_be_visible()

    page.get_by_text("Add a sub-item to item 4").click()
    page.get_by_label("New sub-item of 4").fill("INC000000746657")
    page.get_by_role("button", name="Add sub-item").last.click()
    expect(page.get_by_role("heading", name="4.1. INC000000746657")).to_be_visible()

    page.get_by_role("link", name="Rename item 3 / defer").click()
    page.get_by_label("Title").fill("Unexpected Service Responses")
    page.get_by_label("This item was deferred").check()
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_role("heading", name="3. Unexpected Service Responses")).to_be_visible()

    page.get_by_role("link", name="Rename item 3 / defer").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save item").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the item a title.")
    page.get_by_role("link", name="Cancel").click()

    # Drag item 4 above item 1 by its handle (a tall window, so both are in view).
    page.set_viewport_size({"width": 1280, "height": 3000})
    dragged = AgendaItem.objects.get(title="Major Incident Review")
    handle = page.locator(f"#item-{dragged.pk} > .draft-item-head .drag-handle")
    target = page.get_by_role("heading", name="1. Previous Meeting Minutes")
    handle.hover()
    page.mouse.down()
    box = target.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 2, steps=20)
    page.mouse.up()
    expect(page.get_by_role("heading", name="1. Major Incident Review")).to_be_visible()
    expect(page.get_by_role("heading", name="1.1. INC000000746657")).to_be_visible()
    expect(page.get_by_role("heading", name="2. Previous Meeting Minutes")).to_be_visible()

    page.get_by_role("link", name="Delete item 1", exact=True).click()
    page.get_by_role("button", name="Delete item 1").click()
    expect(page.get_by_role("heading", name="1. Previous Meeting Minutes")).to_be_visible()
    assert not AgendaItem.objects.filter(title__in=["Major Incident Review", "INC000000746657"]).exists()
