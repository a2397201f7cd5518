"""A committee's own action statuses ("On Hold", "Superseded"): recorded at a meeting, printed in
the minutes, the log and the exports; open ones carried into the next Actions Outstanding."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action
from minutes.models import ActionStatus, ItemKind
from minutes.services.committees import committee_set_statuses, committee_statuses
from tests.factories import (
    make_committee,
    make_item,
    make_meeting,
    make_organisation,
    raise_action,
    settings_data,
)

pytestmark = pytest.mark.django_db

D = datetime.date
STATUSES = [("Open", True), ("On Hold", True), ("Closed", False), ("Superseded", False)]


@pytest.fixture
def world(committee):
    committee_set_statuses(committee=committee, statuses=STATUSES)
    make_organisation("DCC")
    earlier = make_meeting(committee, 54, held_on=D(2021, 7, 12))
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    later = make_meeting(committee, 56, held_on=D(2021, 9, 7))
    for each in (meeting, later):
        make_item(each, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    held = raise_action(earlier, "The DCC to wait for the release.", target_on=D(2021, 8, 1))
    superseded = raise_action(earlier, "The DCC to write the old report.", target_on=D(2021, 8, 1))
    return {
        "committee": committee,
        "meeting": meeting,
        "later": later,
        "held": held,
        "superseded": superseded,
    }


def status(committee, label):
    return ActionStatus.objects.get(committee=committee, label=label)


def record(world, action, label, text="Noted."):
    return action.record_meeting_update(
        meeting=world["meeting"], text=text, label=status(world["committee"], label)
    )


def test_a_closed_status_closes_the_action_and_an_open_one_carries_it_forward(world):
    record(world, world["held"], "On Hold")
    record(world, world["superseded"], "Superseded")
    held, superseded = (Action.objects.get(pk=world[name].pk) for name in ("held", "superseded"))
    assert (held.status, held.status_display, held.closed_on) == ("open", "On Hold", None)
    assert (superseded.status, superseded.status_display) == ("closed", "Superseded")
    assert superseded.closed_on == world["meeting"].held_on
    outstanding_later = list(Action.objects.outstanding_at(world["later"]).values_list("pk", flat=True))
    assert outstanding_later == [held.pk]


def test_the_minutes_print_the_committees_status(client, users, world):
    record(world, world["held"], "On Hold", text="The release slipped.")
    client.force_login(users["member"])
    page = client.get(reverse("minutes:meeting-detail", args=[world["meeting"].reference])).content.decode()
    assert "The release slipped. <strong>Status: On Hold</strong>" in page


def test_the_log_and_the_export_show_the_committees_status(client, users, world):
    record(world, world["held"], "On Hold")
    client.force_login(users["member"])
    page = client.get(reverse("actions:action-log")).content.decode()
    assert "<td>On Hold</td>" in page
    response = client.get(reverse("actions:action-log-csv"))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    status_column = rows[0].index("Status")
    assert {row[status_column] for row in rows[1:]} == {"On Hold", "Open"}


def test_the_log_filters_by_the_committees_statuses(client, users, world, committee):
    record(world, world["held"], "On Hold")
    record(world, world["superseded"], "Superseded")
    other = make_committee(code="PAB", categories=[])
    committee_set_statuses(committee=other, statuses=[("Open", True), ("Parked", True), ("Closed", False)])
    client.force_login(users["member"])  # a member of the OPSG only
    page = client.get(reverse("actions:action-log")).content.decode()
    assert '<optgroup label="Committees&#x27; statuses">' in page
    assert '<option value="label:On Hold">On Hold</option>' in page
    assert "Parked" not in page  # another committee's
    assert '<option value="label:Open">' not in page  # the plain statuses are offered once

    def references(status):
        response = client.get(reverse("actions:action-log"), {"status": status})
        assert response.status_code == 200
        return [action.reference for action in response.context["page"].object_list]

    assert references("label:On Hold") == [world["held"].reference]
    assert references("label:Superseded") == [world["superseded"].reference]
    response = client.get(reverse("actions:action-log"), {"status": "label:Parked"})
    assert "Select a valid choice" in response.content.decode()


def test_the_drafting_form_offers_the_committees_statuses(client, users, world):
    client.force_login(users["secretary"])
    meeting = world["meeting"]
    page = client.get(reverse("minutes:meeting-draft", args=[meeting.reference])).content.decode()
    for label, _ in STATUSES:
        assert f">{label}</option>" in page
    assert ">Proposed closed</option>" in page
    item = meeting.items.get(kind=ItemKind.ACTIONS_OUTSTANDING)
    held = world["held"]
    prefix = f"outstanding-{item.pk}-{held.pk}"
    on_hold = status(world["committee"], "On Hold")
    data = {f"{prefix}-text": "Paused.", f"{prefix}-status": f"status-{on_hold.pk}", f"{prefix}-token": ""}
    url = reverse("actions:outstanding-update", args=[meeting.reference, item.pk, held.pk])
    assert client.post(url, data).status_code == 302
    assert Action.objects.get(pk=held.pk).status_label == on_hold
    data[f"{prefix}-status"] = "status-999999"  # not one of the committee's
    assert client.post(url, data).status_code == 422


def test_a_committee_without_statuses_has_open_and_closed(committee):
    assert committee_statuses(committee) == [("Open", True), ("Closed", False)]


@pytest.mark.parametrize(
    ("statuses", "says"),
    [
        ([("Open", True), ("open", True), ("Closed", False)], "listed twice"),
        ([("Open", True)], "one open status"),
        ([("Closed", False)], "one open status"),
        ([("Open", True), (" ", False)], "needs a label"),
    ],
)
def test_bad_statuses_are_refused_and_change_nothing(committee, statuses, says):
    committee_set_statuses(committee=committee, statuses=STATUSES)
    with pytest.raises(ValidationError, match=says):
        committee_set_statuses(committee=committee, statuses=statuses)
    assert committee_statuses(committee) == STATUSES


def test_a_status_in_use_cannot_be_removed_or_turned(world):
    record(world, world["held"], "On Hold")
    committee = world["committee"]
    with pytest.raises(ValidationError, match="cannot be removed"):
        committee_set_statuses(committee=committee, statuses=[("Open", True), ("Closed", False)])
    with pytest.raises(ValidationError, match="cannot change between open and closed"):
        committee_set_statuses(
            committee=committee, statuses=[("Open", True), ("On Hold", False), ("Closed", False)]
        )
    assert committee_statuses(committee) == STATUSES


def test_a_status_of_another_committee_is_refused(world, committee):
    other = make_committee(code="PAB", name="Board")
    foreign = ActionStatus.objects.create(committee=other, label="Parked", is_open=True)
    with pytest.raises(ValidationError, match="is not a status of"):
        world["held"].record_meeting_update(meeting=world["meeting"], text="x", label=foreign)


def test_closing_between_meetings_prints_closed_again(world, users):
    record(world, world["held"], "On Hold")
    held = Action.objects.get(pk=world["held"].pk)
    held.close(on=D(2021, 9, 1), text="Done.", by=users["secretary"])
    held.refresh_from_db()
    assert held.status_display == "Closed"


def test_the_settings_page_sets_the_statuses(client, users, committee):
    client.force_login(users["secretary"])
    url = reverse("minutes:committee-settings", args=[committee.code])
    page = client.get(url).content.decode()
    assert "Carried forward: Open. Ending the action: Closed." in page
    data = settings_data(committee, open_statuses="Open\nOn Hold", closed_statuses="Closed\nSuperseded")
    assert client.post(url, data).status_code == 302
    assert committee_statuses(committee) == STATUSES
    response = client.post(url, {**data, "closed_statuses": "Open"})
    assert response.status_code == 422 and "listed twice" in response.content.decode()
    assert committee_statuses(committee) == STATUSES
