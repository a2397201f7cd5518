"""Drafting: the agenda items of a draft meeting and their minutes text."""

import html

import pytest
from django.urls import reverse

from actions.models import Action
from minutes.forms import ItemForm, ItemTextForm, MeetingDetailsForm
from minutes.models import AgendaItem, Meeting, number_items
from tests.factories import make_decision, make_item, make_meeting, raise_action

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'


@pytest.fixture
def meeting(committee):
    return make_meeting(committee, 56)


@pytest.fixture
def agenda(meeting):
    """Items 1, 2 (with 2.1 and 2.2) and 3."""
    first = make_item(meeting, "Minutes")
    second = make_item(meeting, "Reports")
    return {
        "1": first,
        "2": second,
        "2.1": make_item(meeting, "RDP", parent=second),
        "2.2": make_item(meeting, "CSR", parent=second),
        "3": make_item(meeting, "AOB"),
    }


def outline(meeting):
    result = []
    for item in number_items(list(AgendaItem.objects.filter(meeting=meeting))):
        result.append(f"{item.number} {item.title}")
        result.extend(f"{child.number} {child.title}" for child in item.sub_items)
    return result


def url(name, meeting, *args):
    return reverse(f"minutes:{name}", args=[meeting.reference, *args])


@pytest.fixture
def secretary(client, users):
    client.force_login(users["secretary"])
    return client


def test_the_drafting_page_shows_every_item_with_its_controls(secretary, meeting, agenda):
    page = secretary.get(url("meeting-draft", meeting)).content.decode()
    for label in ["1. Minutes", "2. Reports", "2.1. RDP", "2.2. CSR", "3. AOB"]:
        assert label in page
    assert 'aria-label="Move item 2.1 down"' in page
    assert 'aria-label="Indent item 3 under the item above"' in page
    assert 'aria-label="Outdent item 2.2 to a top-level item"' in page
    assert "Minutes text for item 2.2" in page


def test_adding_items_and_sub_items(secretary, meeting, agenda):
    response = secretary.post(url("item-add", meeting), {"title": "  Elections  "})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{AgendaItem.objects.get(title='Elections').pk}")
    secretary.post(url("item-add", meeting), {"title": "SEC Panel", "parent": agenda["2"].pk})
    assert outline(meeting) == [
        "1 Minutes",
        "2 Reports",
        "2.1 RDP",
        "2.2 CSR",
        "2.3 SEC Panel",
        "3 AOB",
        "4 Elections",
    ]


def test_an_item_needs_a_title_and_nothing_is_added_without_one(secretary, meeting, agenda):
    response = secretary.post(url("item-add", meeting), {"title": "   "})
    assert response.status_code == 422
    assert "Give the item a title." in response.content.decode()
    assert AgendaItem.objects.filter(meeting=meeting).count() == 5


def test_a_sub_item_cannot_have_sub_items(secretary, meeting, agenda):
    response = secretary.post(url("item-add", meeting), {"title": "Too deep", "parent": agenda["2.1"].pk})
    assert response.status_code == 422
    assert "Too deep" in response.content.decode()  # what was typed is kept
    assert not AgendaItem.objects.filter(title="Too deep").exists()


@pytest.mark.parametrize(
    "label, direction, expected",
    [
        ("1", "down", ["1 Reports", "1.1 RDP", "1.2 CSR", "2 Minutes", "3 AOB"]),
        ("3", "up", ["1 Minutes", "2 AOB", "3 Reports", "3.1 RDP", "3.2 CSR"]),
        ("2.2", "up", ["1 Minutes", "2 Reports", "2.1 CSR", "2.2 RDP", "3 AOB"]),
        ("3", "indent", ["1 Minutes", "2 Reports", "2.1 RDP", "2.2 CSR", "2.3 AOB"]),
        ("2.1", "outdent", ["1 Minutes", "2 Reports", "2.1 CSR", "3 RDP", "4 AOB"]),
    ],
)
def test_moving_items_renumbers_everything(secretary, meeting, agenda, label, direction, expected):
    response = secretary.post(url("item-move", meeting, agenda[label].pk), {"direction": direction})
    assert response.status_code == 302
    assert outline(meeting) == expected


@pytest.mark.parametrize(
    "label, direction, message",
    [
        ("1", "up", "already the first item"),
        ("3", "down", "already the last item"),
        ("1", "indent", "has no item above it"),
        ("2", "indent", "has sub-items of its own"),
        ("2.1", "indent", "items nest one level only"),
        ("3", "outdent", "already a top-level item"),
        ("3", "sideways", "Unknown direction"),
    ],
)
def test_impossible_moves_are_refused_with_a_reason(secretary, meeting, agenda, label, direction, message):
    before = outline(meeting)
    response = secretary.post(
        url("item-move", meeting, agenda[label].pk), {"direction": direction}, follow=True
    )
    assert message in response.content.decode()
    assert outline(meeting) == before


def test_htmx_moves_answer_with_the_renumbered_agenda(secretary, meeting, agenda):
    response = secretary.post(
        url("item-move", meeting, agenda["3"].pk), {"direction": "up"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<div id="agenda"')
    assert "2. AOB" in page and "3. Reports" in page and "3.1. RDP" in page


def test_drag_and_drop_applies_a_whole_new_order(secretary, meeting, agenda):
    ids = {label: item.pk for label, item in agenda.items()}
    order = f"{ids['3']}:,{ids['2.2']}:{ids['3']},{ids['1']}:,{ids['2']}:,{ids['2.1']}:{ids['2']}"
    assert secretary.post(url("item-reorder", meeting), {"order": order}).status_code == 302
    assert outline(meeting) == ["1 AOB", "1.1 CSR", "2 Minutes", "3 Reports", "3.1 RDP"]


@pytest.mark.parametrize(
    "order",
    [
        "garbage",
        "{i1}:,{i3}:",  # items missing
        "{i1}:,{i2}:,{i21}:{i2},{i22}:{i21},{i3}:",  # too deep
        "{i1}:,{i2}:{i1},{i21}:{i2},{i22}:{i2},{i3}:",  # a parent becomes a sub-item
        "{i1}:,{i1}:,{i2}:,{i21}:{i2},{i22}:{i2},{i3}:",  # twice
    ],
)
def test_a_broken_order_changes_nothing(secretary, meeting, agenda, order):
    ids = {"i" + key.replace(".", ""): item.pk for key, item in agenda.items()}
    before = outline(meeting)
    response = secretary.post(url("item-reorder", meeting), {"order": order.format(**ids)}, follow=True)
    assert response.status_code == 200
    assert outline(meeting) == before


def test_renaming_and_deferring_an_item(secretary, meeting, agenda):
    item = agenda["3"]
    token = item.edit_token(ItemForm.token_fields)
    prefix = f"item-{item.pk}"
    response = secretary.post(
        url("item-edit", meeting, item.pk),
        {
            f"{prefix}-token": token,
            f"{prefix}-title": "Unexpected Service Responses",
            f"{prefix}-is_deferred": "on",
            f"{prefix}-deferred_note": "the SSC has considered the DCC proposal",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.is_deferred) == ("Unexpected Service Responses", True)
    page = secretary.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    assert "This item was deferred until the SSC has considered the DCC proposal." in page


def test_a_rename_based_on_an_old_version_is_refused_and_keeps_what_was_typed(secretary, meeting, agenda):
    item = agenda["3"]
    prefix = f"item-{item.pk}"
    old_token = item.edit_token(ItemForm.token_fields)
    first = {f"{prefix}-token": old_token, f"{prefix}-title": "Any Other Business"}
    assert secretary.post(url("item-edit", meeting, item.pk), first).status_code == 302
    second = {f"{prefix}-token": old_token, f"{prefix}-title": "AOB and close"}
    response = secretary.post(url("item-edit", meeting, item.pk), second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else changed this item" in page
    assert "Any Other Business" in page  # their version
    assert 'value="AOB and close"' in page  # what this user typed
    item.refresh_from_db()
    assert item.title == "Any Other Business"


def test_deleting_an_item_asks_first_then_removes_it_with_its_parts(secretary, meeting, agenda):
    parent = agenda["2"]
    make_decision(agenda["2.1"], "NOTED", "the report")
    action = raise_action(meeting, item=agenda["2.1"])
    confirm = secretary.get(url("item-delete", meeting, parent.pk))
    assert confirm.status_code == 200
    assert "Delete item 2 “Reports”?" in confirm.content.decode()
    assert AgendaItem.objects.filter(pk=parent.pk).exists()

    assert secretary.post(url("item-delete", meeting, parent.pk)).status_code == 302
    assert outline(meeting) == ["1 Minutes", "2 AOB"]
    assert not Action.objects.filter(pk=action.pk).exists()
    assert raise_action(meeting).reference == "OPSG 56/02"  # the deleted reference is not given again


def text_post(client, meeting, item, text, token=None, **extra):
    prefix = f"text-{item.pk}"
    token = token or item.edit_token(ItemTextForm.token_fields)
    return client.post(
        url("item-text", meeting, item.pk),
        {f"{prefix}-token": token, f"{prefix}-minutes_text": text},
        **extra,
    )


def test_text_saved_by_the_editor_answers_with_the_next_token(secretary, meeting, agenda):
    item = agenda["1"]
    response = text_post(
        secretary, meeting, item, "<p>The Chair <b>invited</b> comments.</p>", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.minutes_text == "<p>The Chair <b>invited</b> comments.</p>"
    assert response.json()["token"] == item.edit_token(ItemTextForm.token_fields)


def test_text_typed_without_the_editor_becomes_paragraphs_and_bullets(secretary, meeting, agenda):
    item = agenda["1"]
    text = "First paragraph\nstill first.\n\n- one\n- two\n\nLast & <final>"
    assert text_post(secretary, meeting, item, text.replace("<final>", "final")).status_code == 302
    item.refresh_from_db()
    assert item.minutes_text == (
        "<p>First paragraph<br>still first.</p><ul><li>one</li><li>two</li></ul><p>Last &amp; final</p>"
    )


def test_hostile_text_is_made_inert(secretary, meeting, agenda):
    item = agenda["1"]
    text_post(secretary, meeting, item, f"<p>Hello {HOSTILE}</p>")
    item.refresh_from_db()
    for bad in ["<script", "onerror", "javascript:", "<img"]:
        assert bad not in item.minutes_text
    for page_url in [
        url("meeting-draft", meeting),
        reverse("minutes:meeting-detail", args=[meeting.reference]),
    ]:
        page = secretary.get(page_url).content.decode()
        assert (
            "<script>alert(1)" not in page and "onerror=alert" not in page and 'href="javascript:' not in page
        )


def test_hostile_titles_are_escaped(secretary, meeting, agenda):
    secretary.post(url("item-add", meeting), {"title": HOSTILE})
    for page_url in [
        url("meeting-draft", meeting),
        reverse("minutes:meeting-detail", args=[meeting.reference]),
    ]:
        page = secretary.get(page_url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_two_editors_saving_the_same_text_one_wins_and_the_other_keeps_their_words(
    secretary, meeting, agenda
):
    item = agenda["1"]
    token = item.edit_token(ItemTextForm.token_fields)
    assert (
        text_post(
            secretary, meeting, item, "<p>Alice's words.</p>", token, headers={"HX-Request": "true"}
        ).status_code
        == 200
    )
    response = text_post(
        secretary, meeting, item, "<p>Bob's words.</p>", token, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Alice's words." in page  # their version is shown
    item.refresh_from_db()
    assert item.minutes_text == "<p>Alice's words.</p>"
    # Saving again from the rebased token is a deliberate overwrite.
    rebased = page.split('data-token="')[1].split('"')[0]
    assert (
        text_post(
            secretary, meeting, item, "<p>Bob's words.</p>", rebased, headers={"HX-Request": "true"}
        ).status_code
        == 200
    )
    item.refresh_from_db()
    assert item.minutes_text == "<p>Bob's words.</p>"


def test_a_text_conflict_without_javascript_shows_both_versions_in_a_page(secretary, meeting, agenda):
    item = agenda["1"]
    token = item.edit_token(ItemTextForm.token_fields)
    text_post(secretary, meeting, item, "<p>Theirs.</p>", token)
    response = text_post(secretary, meeting, item, "Mine, typed without the editor.", token)
    assert response.status_code == 409
    page = response.content.decode()
    assert "<p>Theirs.</p>" in page and "Mine, typed without the editor." in page


def test_changing_the_title_does_not_conflict_with_an_open_text_editor(secretary, meeting, agenda):
    item = agenda["1"]
    text_token = item.edit_token(ItemTextForm.token_fields)
    prefix = f"item-{item.pk}"
    secretary.post(
        url("item-edit", meeting, item.pk),
        {
            f"{prefix}-token": item.edit_token(ItemForm.token_fields),
            f"{prefix}-title": "Renamed",
        },
    )
    assert text_post(secretary, meeting, item, "<p>Still mine.</p>", text_token).status_code == 302


def test_meeting_details_and_next_meeting_dates(secretary, meeting):
    token = meeting.edit_token(MeetingDetailsForm.token_fields)
    response = secretary.post(
        url("meeting-details", meeting),
        {
            "token": token,
            "kind": "main",
            "held_on": "2021-09-07",
            "start_time": "10:00",
            "end_time": "12:30",
            "location": "Teleconference",
            "next_main_meeting_on": "2021-10-05",
            "next_reporting_meeting_on": "2021-09-27",
        },
    )
    assert response.status_code == 302
    page = secretary.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    assert "Next main meeting: 5 October 2021; Next reporting meeting: 27 September 2021." in page
    assert "10:00 – 12:30" in page


def test_meeting_details_must_make_sense_and_nothing_changes_otherwise(secretary, meeting):
    before = Meeting.objects.get(pk=meeting.pk)
    form = {
        "kind": "main",
        "held_on": "2021-09-07",
        "start_time": "15:00",
        "end_time": "12:00",
        "location": "Room 1",
    }
    form["token"] = meeting.edit_token(MeetingDetailsForm.token_fields)
    response = secretary.post(url("meeting-details", meeting), form)
    assert response.status_code == 422
    page = response.content.decode()
    assert "The meeting must end after it starts." in page
    assert 'value="Room 1"' in page
    after = Meeting.objects.get(pk=meeting.pk)
    assert (after.location, after.start_time) == (before.location, before.start_time)


def nested(depth):
    return "<ul><li>level" * depth + "</li></ul>" * depth


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (nested(9), "This text nests lists 9 deep: lists can nest up to 8 levels."),
        (nested(80), "This text nests lists 80 deep: lists can nest up to 8 levels."),
        (
            "<p>" + "x" * 600 * 1024 + "</p>",
            "This text is 600 KB: an item's minutes text can be up to 512 KB.",
        ),
    ],
)
def test_text_over_a_limit_is_refused_at_the_field_and_kept_in_it(secretary, meeting, agenda, text, says):
    item = agenda["1"]
    before = item.minutes_text
    response = text_post(secretary, meeting, item, text)
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert says in page
    assert text[:40] in page  # what was typed is shown again, not lost
    item.refresh_from_db()
    assert item.minutes_text == before


def test_lists_eight_deep_are_kept(secretary, meeting, agenda):
    item = agenda["1"]
    assert text_post(secretary, meeting, item, nested(8)).status_code == 302
    item.refresh_from_db()
    assert item.minutes_text.count("<ul>") == 8
