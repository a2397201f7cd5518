"""The secretary records decisions and a footnote on an item in Chromium."""

import pytest
from playwright.sync_api import expect

from minutes.models import Decision
from tests.factories import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretary_records_decisions_and_a_footnote(
    page, live_server, users, committee, log_in, assert_accessible
):
    meeting = make_meeting(committee, 55)
    make_item(
        meeting,
        "Previous Meeting Minutes",
        text="<p>The Chair invited members to comment on the Draft Minutes from OPSG_53.</p>",
    )
    log_in(page, "secretary", "test-password-123")
    page.goto(f"{live_server.url}/meetings/OPSG_55/draft/")
    item = page.get_by_role("region", name="1. Previous Meeting Minutes")

    # Two decisions: they read as a list, the last but one ending "; and".
    for verb, text in [
        ("NOTED", "the SEC Panel Reports"),
        ("APPROVED", "the summary of DCC reporting (Annex 1)."),
    ]:
        item.get_by_text("Add a decision to item 1").click()
        item.get_by_label("Verb of the new decision on item 1").select_option(verb)
        item.get_by_label("Decision text of the new decision on item 1").fill(text)
        item.get_by_role("button", name="Add decision to item 1").click()
        expect(item.get_by_role("status").filter(has_text=f"Decision added: {verb}")).to_be_visible()
    expect(item).to_contain_text("The OPSG:")
    expect(item.get_by_role("listitem").filter(has_text="NOTED the SEC Panel Reports; and")).to_be_visible()
    expect(
        item.get_by_role("listitem").filter(has_text="APPROVED the summary of DCC reporting (Annex 1).")
    ).to_be_visible()

    # A decision being typed is kept while the others change.
    item.get_by_text("Add a decision to item 1").click()
    typing = item.get_by_label("Decision text of the new decision on item 1")
    typing.fill("that the work in progress is kept")

    # The keyboard moves the second one up, and keeps its focus on the decision moved.
    move_up = item.get_by_role("button", name="Move decision 2 of item 1 up")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(
        item.get_by_role("listitem").filter(has_text="APPROVED the summary of DCC reporting (Annex 1); and")
    ).to_be_visible()
    expect(item.get_by_role("listitem").filter(has_text="NOTED the SEC Panel Reports.")).to_be_visible()
    expect(item.get_by_role("button", name="Move decision 1 of item 1 up")).to_be_focused()
    expect(typing).to_have_value("that the work in progress is kept")
    assert list(Decision.objects.values_list("position", "verb")) == [(1, "APPROVED"), (2, "NOTED")]

    # Edit the NOTED decision (now the second) in place.
    item.get_by_role("link", name="Edit decision 2 of item 1").click()
    text = item.get_by_label("Decision text of decision 2 of item 1")
    expect(text).to_be_focused()
    expect(text).to_have_value("the SEC Panel Reports")
    text.fill("the SEC Panel Reports and the annexes")
    item.get_by_role("button", name="Save decision 2 of item 1").click()
    expect(
        item.get_by_role("listitem").filter(has_text="NOTED the SEC Panel Reports and the annexes.")
    ).to_be_visible()

    # Delete the APPROVED one: the other reads as one sentence.
    item.get_by_role("button", name="Delete decision 1 of item 1").click()
    expect(
        item.get_by_role("status").filter(
            has_text="Decision deleted: APPROVED the summary of DCC reporting (Annex 1)."
        )
    ).to_be_visible()
    expect(item).to_contain_text("The OPSG NOTED the SEC Panel Reports and the annexes.")

    # A footnote after "OPSG_53".
    item.get_by_text("Add a footnote to item 1").click()
    item.get_by_label("Anchor words in the text of the new footnote to item 1").fill("OPSG_53")
    item.get_by_label("Footnote text of the new footnote to item 1").fill("Circulated on 2 August 2021.")
    item.get_by_role("button", name="Add footnote to item 1").click()
    footnotes = item.get_by_role("list", name="Footnotes to item 1")
    expect(footnotes).to_contain_text("Footnote 1: Circulated on 2 August 2021.")
    expect(footnotes).to_contain_text("The mark follows “OPSG_53”.")
    expect(footnotes).not_to_contain_text("These words are not in the text")
    assert_accessible(page)

    # As it will read: the mark follows its anchor words.
    page.get_by_role("link", name="View as it will read").click()
    mark = page.get_by_role("link", name="Footnote 1", exact=True)
    expect(mark).to_be_visible()
    before = mark.evaluate("a => a.parentElement.previousSibling.textContent")
    assert before.endswith("Draft Minutes from OPSG_53")
    expect(page.get_by_text("The OPSG NOTED the SEC Panel Reports and the annexes.")).to_be_visible()
    assert_accessible(page)
