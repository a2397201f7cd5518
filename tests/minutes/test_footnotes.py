"""Footnotes: the same numbers on the page and in the PDF, several in one paragraph, each after the
occurrence of its words that the secretary chose."""

import re

import pytest
from django.urls import reverse

from minutes.pdf import meeting_pdf
from minutes.selectors import meeting_minutes
from minutes.services.decisions import footnote_add
from tests.factories import make_item, make_meeting
from tests.minutes.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

TEXT = "<p>The DCC reported on the firmware. SECAS noted the firmware report and the delay.</p>"


@pytest.fixture
def item(committee):
    meeting = make_meeting(committee, 55)
    make_item(meeting, "Earlier item", text="<p>Nothing to note.</p>")
    return make_item(meeting, "Firmware", text=TEXT)


def marks(html):
    """The footnote numbers in the order their marks stand in the text."""
    return [int(number) for number in re.findall(r'aria-label="Footnote (\d+)"', html)]


def test_notes_are_numbered_in_the_order_their_marks_stand_in_the_text(item):
    # Added in another order than they stand: numbered as they read, as the PDF numbers them.
    footnote_add(item=item, anchor_text="the delay", text="Third in the text.")
    footnote_add(item=item, anchor_text="reported", text="First in the text.")
    footnote_add(item=item, anchor_text="nowhere", text="At the end.")
    footnote_add(item=item, anchor_text="SECAS noted", text="Second in the text.")
    shown = meeting_minutes(item.meeting).item(item.pk)
    assert [(note.number, note.text) for note in shown.item_footnotes] == [
        (1, "First in the text."),
        (2, "Second in the text."),
        (3, "Third in the text."),
        (4, "At the end."),
    ]
    assert marks(shown.minutes_html) == [1, 2, 3, 4]
    assert shown.minutes_html.index("reported<sup") < shown.minutes_html.index("SECAS noted<sup")
    notes = re.findall(r'<span class="footnote">([^<]*)</span>', shown.print_html)
    assert notes == ["First in the text.", "Second in the text.", "Third in the text.", "At the end."]


def test_two_notes_on_the_same_words_read_one_then_two_on_the_page_and_in_the_pdf(item, tmp_path):
    footnote_add(item=item, anchor_text="firmware", text="Alpha note about the firmware.")
    footnote_add(item=item, anchor_text="firmware", text="Beta note about the firmware.")
    shown = meeting_minutes(item.meeting).item(item.pk)
    assert "firmware<sup" in shown.minutes_html and marks(shown.minutes_html) == [1, 2]
    assert re.search(r"firmware<sup[^>]*>.*?>1</a></sup><sup[^>]*>.*?>2</a></sup>", shown.minutes_html)
    text = " ".join(pdf_text(meeting_pdf(item.meeting), tmp_path=tmp_path).split())
    # WeasyPrint numbers the notes where they are called: the same order, so the same numbers.
    assert re.search(r"1\s*Alpha note about the firmware\..*2\s*Beta note about the firmware\.", text)


def test_a_note_follows_the_occurrence_chosen(item):
    footnote_add(item=item, anchor_text="firmware", occurrence=2, text="On the report.")
    footnote_add(item=item, anchor_text="firmware", text="On the first mention.")
    shown = meeting_minutes(item.meeting).item(item.pk)
    first, second = shown.minutes_html.split("SECAS noted the ")
    assert marks(first) == [1] and "firmware<sup" in first  # the first mention
    assert marks(second) == [2] and second.startswith("firmware<sup")  # the second
    assert [note.text for note in shown.item_footnotes] == ["On the first mention.", "On the report."]


def test_an_occurrence_the_text_does_not_have_goes_at_the_end_and_is_flagged(client, users, item):
    footnote_add(item=item, anchor_text="firmware", occurrence=3, text="Third mention?")
    client.force_login(users["secretary"])
    page = client.get(reverse("minutes:meeting-draft", args=[item.meeting.reference])).content.decode()
    assert "These words do not appear so many times in the text: the mark goes at the end." in page
    assert "where it appears for the 3rd time" in page
    detail = client.get(reverse("minutes:meeting-detail", args=[item.meeting.reference])).content.decode()
    assert 'the delay.<sup class="footnote-ref"><a href="#footnote-1"' in detail


def test_the_secretary_chooses_the_occurrence_and_a_bad_one_is_refused_at_its_field(client, users, item):
    client.force_login(users["secretary"])
    add = reverse("minutes:footnote-add", args=[item.meeting.reference, item.pk])
    response = client.post(add, {"anchor_text": "firmware", "occurrence": "0", "text": "Kept."})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give 1 for the first time the words appear" in page and "Kept." in page
    assert not item.footnotes.exists()
    assert (
        client.post(add, {"anchor_text": "firmware", "occurrence": "2", "text": "Second."}).status_code == 302
    )
    assert item.footnotes.get().occurrence == 2
