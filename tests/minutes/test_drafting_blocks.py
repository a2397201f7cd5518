"""Each in-place change answers with its own block only, fetched by a selector of its own.

A block's response costs the same number of queries however large the meeting is
(minutes.drafting.item_block_context / attendance_block_context), and holds that
block, not the rest of the drafting page.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action
from minutes.models import AgendaItem, Attendance, ItemKind
from tests.factories import make_full_meeting

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _last_item(meeting):
    return (
        AgendaItem.objects.filter(meeting=meeting, parent=None, kind=ItemKind.ITEM)
        .order_by("position")
        .last()
    )


def post_action_add(client, meeting):
    item = _last_item(meeting)
    organisation = Action.objects.filter(meeting=meeting).first().owner_organisations.first()
    prefix = f"add-action-{item.pk}"
    data = {f"{prefix}-text": "The DCC to report.", f"{prefix}-owners": [f"org-{organisation.pk}"]}
    return client.post(reverse("actions:action-add", args=[meeting.reference, item.pk]), data, headers=HTMX)


def post_outstanding(client, meeting):
    item = AgendaItem.objects.get(meeting=meeting, kind=ItemKind.ACTIONS_OUTSTANDING)
    # An action of the meeting before, closed at this one: the same change in every meeting.
    action = Action.objects.outstanding_at(meeting).filter(meeting__number=meeting.number - 1).first()
    update = action.update_at(meeting)
    prefix = f"outstanding-{item.pk}-{action.pk}"
    data = {
        f"{prefix}-text": "The DCC reported again.",
        f"{prefix}-status": "open",
        f"{prefix}-revised_target_on": "",
        f"{prefix}-token": update.meeting_token if update else "",
    }
    url = reverse("actions:outstanding-update", args=[meeting.reference, item.pk, action.pk])
    return client.post(url, data, headers=HTMX)


def post_decision(client, meeting):
    item = _last_item(meeting)
    data = {"verb": "NOTED", "text": "the report"}
    return client.post(reverse("minutes:decision-add", args=[meeting.reference, item.pk]), data, headers=HTMX)


def post_footnote(client, meeting):
    item = _last_item(meeting)
    data = {"anchor_text": "anchor words", "text": "A note."}
    return client.post(reverse("minutes:footnote-add", args=[meeting.reference, item.pk]), data, headers=HTMX)


def post_attendance(client, meeting):
    category = meeting.committee.seat_categories.first()
    data = {
        "attendance-name": "Someone New",
        "attendance-organisation": "",
        "attendance-seat_category": category.pk,
        "attendance-status": Attendance.Status.PRESENT,
        "attendance-role_note": "",
    }
    return client.post(reverse("minutes:attendance-add", args=[meeting.reference]), data, headers=HTMX)


BLOCKS = {
    "actions": post_action_add,
    "outstanding": post_outstanding,
    "decisions": post_decision,
    "footnotes": post_footnote,
    "attendance": post_attendance,
}


@pytest.fixture
def meetings(committee):
    """A meeting with the content of OPSG_55, and one with eight times as much."""
    return make_full_meeting(committee, 60, 1), make_full_meeting(committee, 70, 8)


@pytest.mark.parametrize("block", BLOCKS)
def test_a_block_costs_the_same_queries_however_large_the_meeting(client, users, meetings, block):
    client.force_login(users["secretary"])
    counts, sizes = [], []
    for meeting in meetings:
        with CaptureQueriesContext(connection) as queries:
            response = BLOCKS[block](client, meeting)
        assert response.status_code == 200, response.content.decode()[:500]
        counts.append(len(queries))
        sizes.append(len(response.content))
    assert counts[0] == counts[1]
    # The block alone: the larger meeting's other items are not drawn again.
    page = client.get(reverse("minutes:meeting-draft", args=[meetings[1].reference]))
    assert sizes[1] * 5 < len(page.content)


def test_a_block_holds_its_own_item_only(client, users, meetings):
    client.force_login(users["secretary"])
    meeting = meetings[1]
    item = _last_item(meeting)
    html = post_decision(client, meeting).content.decode()
    others = AgendaItem.objects.filter(meeting=meeting).exclude(pk=item.pk)
    assert f'id="decisions-{item.pk}"' in html or f"item-{item.pk}" in html
    assert not any(f'id="item-{other.pk}"' in html for other in others)
    assert "Attendees" not in html


def test_the_block_numbers_the_item_as_the_page_does(client, users, meetings):
    client.force_login(users["secretary"])
    meeting = meetings[0]
    item = _last_item(meeting)
    html = post_decision(client, meeting).content.decode()
    page = client.get(reverse("minutes:meeting-draft", args=[meeting.reference])).context
    number = next(i.number for i in page["minutes"].all_items if i.pk == item.pk)
    assert f"Add a decision to item {number}" in html
