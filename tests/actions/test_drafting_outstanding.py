"""The Actions Outstanding item: built by the system, the secretary records each update given."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action, ActionUpdate, TargetDate
from minutes.models import AgendaItem, ItemKind, Meeting
from tests.factories import make_item, make_meeting, make_organisation, make_standard_agenda, raise_action

pytestmark = pytest.mark.django_db

D = datetime.date
HTMX = {"HX-Request": "true"}
REFUSED = {"chair": 403, "member": 403, "owner": 403, "reader": 404, "outsider": 404}


@pytest.fixture
def standard_agenda(committee):
    make_standard_agenda(committee, "AOB")


@pytest.fixture
def earlier(committee):
    return make_meeting(committee, 43, held_on=D(2020, 10, 12))


@pytest.fixture
def old_action(earlier):
    """OPSG 43/08, owned by the DCC, due 23/08/2021."""
    return raise_action(
        earlier,
        "The DCC to review its governance process for the PMR.",
        owners=[make_organisation("DCC")],
        target_on=D(2021, 8, 23),
        sequence=8,
    )


def create_meeting(client, committee, number, held_on):
    """Set a meeting up through the page, as the secretary does."""
    data = {
        "committee": committee.pk,
        "number": number,
        "kind": Meeting.Kind.MAIN,
        "held_on": held_on.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "location": "Teleconference",
        "copy_attendance": "",
    }
    response = client.post(reverse("minutes:meeting-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Meeting.objects.get(committee=committee, number=number)


@pytest.fixture
def meeting(committee, old_action):
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    make_item(meeting, "Previous Meeting Minutes", kind=ItemKind.PREVIOUS_MINUTES)
    make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    return meeting


def outstanding_item(meeting):
    return AgendaItem.objects.get(meeting=meeting, kind=ItemKind.ACTIONS_OUTSTANDING)


def update_url(meeting, action):
    item = outstanding_item(meeting)
    return reverse("actions:outstanding-update", args=[meeting.reference, item.pk, action.pk])


def draft(client, meeting):
    return client.get(reverse("minutes:meeting-draft", args=[meeting.reference])).content.decode()


def update_data(meeting, action, text="The DCC noted progress.", status="open", revised="", token=""):
    prefix = f"outstanding-{outstanding_item(meeting).pk}-{action.pk}"
    return {
        f"{prefix}-token": token,
        f"{prefix}-text": text,
        f"{prefix}-revised_target_on": revised,
        f"{prefix}-status": status,
    }


def current_token(action, meeting):
    update = action.update_at(meeting)
    return update.meeting_token if update else ""


def snapshot(action):
    action = Action.objects.get(pk=action.pk)
    return (
        action.status,
        action.closed_on,
        list(
            ActionUpdate.objects.filter(action=action).values_list("id", "text", "status_after", "meeting_id")
        ),
        list(TargetDate.objects.filter(action=action).values_list("id", "target_on", "meeting_id")),
    )


def test_a_new_meeting_lists_the_open_actions_of_earlier_meetings_without_typing(
    client, users, committee, standard_agenda, old_action
):
    closed = raise_action(old_action.meeting, "Closed already.")
    closed.close(on=D(2021, 1, 4), text="Done.")
    client.force_login(users["secretary"])

    meeting = create_meeting(client, committee, 55, D(2021, 8, 23))

    page = draft(client, meeting)
    item = outstanding_item(meeting)
    assert f'id="outstanding-{item.pk}"' in page
    assert '<th scope="row">OPSG 43/08</th>' in page
    assert "The DCC to review its governance process for the PMR." in page
    assert "<td>12/10/2020</td>" in page and "<td>23/08/2021</td>" in page and "<td>N/A</td>" in page
    assert "Save update on OPSG 43/08" in page
    assert 'Update given at OPSG_55<span class="visually-hidden"> on OPSG 43/08</span>' in page
    assert closed.reference not in page


def test_recording_an_update_that_closes_the_action(client, users, committee, standard_agenda, old_action):
    client.force_login(users["secretary"])
    meeting = create_meeting(client, committee, 55, D(2021, 8, 23))
    text = "The DCC noted that it has transformed its governance process."

    response = client.post(
        update_url(meeting, old_action), update_data(meeting, old_action, text, status="closed"), headers=HTMX
    )

    assert response.status_code == 200
    page = response.content.decode()
    item = outstanding_item(meeting)
    assert f'id="outstanding-{item.pk}"' in page
    assert f"{text} <strong>Status: Closed</strong>" in page
    assert 'role="status"' in page and "Update on OPSG 43/08 saved" in page
    old_action.refresh_from_db()
    assert (old_action.status, old_action.closed_on) == (Action.Status.CLOSED, D(2021, 8, 23))
    update = ActionUpdate.objects.get(action=old_action)
    assert (update.meeting, update.given_on, update.text, update.status_after, update.author) == (
        meeting,
        meeting.held_on,
        text,
        Action.Status.CLOSED,
        users["secretary"],
    )

    # On the meeting page (as it will print), and still listed at this meeting.
    detail = client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    assert f"{text} <strong>Status: Closed</strong>" in detail
    assert f"{text} <strong>Status: Closed</strong>" in draft(client, meeting)

    # At a later meeting the action is no longer outstanding.
    later = create_meeting(client, committee, 56, D(2021, 9, 27))
    later_page = draft(client, later)
    assert "OPSG 43/08" not in later_page
    assert "No actions were outstanding at this meeting." in later_page


def test_an_action_left_open_is_outstanding_again_at_the_next_meeting(
    client, users, committee, standard_agenda, old_action
):
    client.force_login(users["secretary"])
    meeting = create_meeting(client, committee, 55, D(2021, 8, 23))
    data = update_data(meeting, old_action, "The DCC is still working on it.", status="proposed_closed")
    assert client.post(update_url(meeting, old_action), data).status_code == 302
    old_action.refresh_from_db()
    assert (old_action.status, old_action.closed_on) == (Action.Status.PROPOSED_CLOSED, None)

    later = create_meeting(client, committee, 56, D(2021, 9, 27))
    page = draft(client, later)
    assert '<th scope="row">OPSG 43/08</th>' in page
    assert "<strong>Status: Proposed closed</strong>" in page
    assert (
        "The DCC is still working on it."
        not in page.split(f'id="outstanding-{outstanding_item(later).pk}"')[1]
    )


def test_without_javascript_the_update_returns_to_the_outstanding_item(client, users, meeting, old_action):
    client.force_login(users["secretary"])
    response = client.post(update_url(meeting, old_action), update_data(meeting, old_action))
    assert response.status_code == 302
    item = outstanding_item(meeting)
    url = reverse("minutes:meeting-draft", args=[meeting.reference])
    assert response["Location"] == f"{url}#outstanding-{item.pk}"
    assert "Update on OPSG 43/08 saved" in client.get(response["Location"]).content.decode()


def test_a_revised_target_date_shows_as_last_and_revised(client, users, meeting, old_action):
    client.force_login(users["secretary"])
    data = update_data(meeting, old_action, "Delayed.", revised="2021-10-25")

    page = client.post(update_url(meeting, old_action), data, headers=HTMX).content.decode()

    row = page.split('<th scope="row">OPSG 43/08</th>')[1].split("</tr>")[0]
    assert "<td>23/08/2021</td>\n      <td>25/10/2021</td>" in row
    assert old_action.current_target_on == D(2021, 10, 25)
    history = list(TargetDate.objects.filter(action=old_action).values_list("target_on", "meeting"))
    assert history == [(D(2021, 8, 23), old_action.meeting_id), (D(2021, 10, 25), meeting.pk)]
    assert 'value="2021-10-25"' in page

    # Changed again at the same meeting: the same step changes; cleared: it goes.
    data = update_data(
        meeting, old_action, "Delayed.", revised="2021-11-01", token=current_token(old_action, meeting)
    )
    client.post(update_url(meeting, old_action), data, headers=HTMX)
    assert list(TargetDate.objects.filter(action=old_action).values_list("target_on", flat=True)) == [
        D(2021, 8, 23),
        D(2021, 11, 1),
    ]
    data = update_data(meeting, old_action, "Delayed.", revised="", token=current_token(old_action, meeting))
    page = client.post(update_url(meeting, old_action), data, headers=HTMX).content.decode()
    assert list(TargetDate.objects.filter(action=old_action).values_list("target_on", flat=True)) == [
        D(2021, 8, 23)
    ]
    row = page.split('<th scope="row">OPSG 43/08</th>')[1].split("</tr>")[0]
    assert "<td>23/08/2021</td>\n      <td>N/A</td>" in row


def test_editing_the_update_again_changes_the_same_row(client, users, meeting, old_action):
    client.force_login(users["secretary"])
    url = update_url(meeting, old_action)
    client.post(url, update_data(meeting, old_action, "First wording.", status="closed"), headers=HTMX)
    first = ActionUpdate.objects.get(action=old_action)

    data = update_data(
        meeting, old_action, "Better wording.", status="open", token=current_token(old_action, meeting)
    )
    page = client.post(url, data, headers=HTMX).content.decode()

    update = ActionUpdate.objects.get(action=old_action)
    assert update.pk == first.pk
    assert (update.text, update.status_after) == ("Better wording.", Action.Status.OPEN)
    old_action.refresh_from_db()
    assert (old_action.status, old_action.closed_on) == (Action.Status.OPEN, None)  # reopened
    assert "Better wording. <strong>Status: Open</strong>" in page
    assert "First wording." not in page


def test_a_second_secretary_saving_the_same_row_is_refused_showing_both_versions(
    client, users, committee, meeting, old_action
):
    from minutes.models import Membership
    from tests.factories import make_user

    client.force_login(users["secretary"])
    token = current_token(old_action, meeting)  # both open the page before anyone saved
    url = update_url(meeting, old_action)
    theirs = update_data(meeting, old_action, "Their update.", status="closed", token=token)
    assert client.post(url, theirs, headers=HTMX).status_code == 200
    before = snapshot(old_action)

    other = make_user("second-secretary", committee=committee, role=Membership.Role.SECRETARY)
    client.force_login(other)
    mine = update_data(meeting, old_action, "My update.", status="open", revised="2021-12-01", token=token)
    response = client.post(url, mine, headers=HTMX)

    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else changed this update" in page
    assert "Their update." in page  # theirs, as saved now
    assert "My update.</textarea>" in page and 'value="2021-12-01"' in page  # mine, kept
    assert snapshot(old_action) == before

    # Saving again from the refused form replaces their version, on purpose.
    prefix = f"outstanding-{outstanding_item(meeting).pk}-{old_action.pk}"
    mine[f"{prefix}-token"] = response.context["update_form"][("token")].value()
    assert client.post(url, mine, headers=HTMX).status_code == 200
    assert ActionUpdate.objects.get(action=old_action).text == "My update."


def test_an_update_needs_its_text(client, users, meeting, old_action):
    client.force_login(users["secretary"])
    data = update_data(meeting, old_action, "   ", status="closed", revised="2021-12-01")
    response = client.post(update_url(meeting, old_action), data, headers=HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Write the update given at the meeting" in page
    assert 'value="2021-12-01"' in page
    assert '<option value="closed" selected>Closed</option>' in page
    assert not ActionUpdate.objects.exists()
    assert Action.objects.get(pk=old_action.pk).status == Action.Status.OPEN

    response = client.post(update_url(meeting, old_action), data)
    assert response.status_code == 422 and "<h1" in response.content.decode()


def test_an_unknown_status_is_refused(client, users, meeting, old_action):
    client.force_login(users["secretary"])
    data = update_data(meeting, old_action, "Text.", status="finished")
    assert client.post(update_url(meeting, old_action), data, headers=HTMX).status_code == 422
    assert not ActionUpdate.objects.exists()


def test_only_actions_outstanding_at_the_meeting_can_be_updated(
    client, users, committee, meeting, old_action
):
    own = raise_action(meeting, "Raised at this meeting.")
    later = raise_action(make_meeting(committee, 56, held_on=D(2021, 9, 27)), "Raised later.")
    client.force_login(users["secretary"])
    item = outstanding_item(meeting)
    for action in [own, later]:
        url = reverse("actions:outstanding-update", args=[meeting.reference, item.pk, action.pk])
        assert client.post(url, update_data(meeting, action)).status_code == 404
    # Only through the meeting's Actions Outstanding item.
    plain = AgendaItem.objects.get(meeting=meeting, kind=ItemKind.PREVIOUS_MINUTES)
    url = reverse("actions:outstanding-update", args=[meeting.reference, plain.pk, old_action.pk])
    assert client.post(url, update_data(meeting, old_action)).status_code == 404
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("role, status", REFUSED.items())
def test_only_secretaries_and_staff_may_record_updates(client, users, meeting, old_action, role, status):
    client.force_login(users[role])
    response = client.post(update_url(meeting, old_action), update_data(meeting, old_action, status="closed"))
    assert response.status_code == status
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("role", ["secretary", "staff"])
def test_secretaries_and_staff_may_record_updates(client, users, meeting, old_action, role):
    client.force_login(users[role])
    response = client.post(update_url(meeting, old_action), update_data(meeting, old_action, status="closed"))
    assert response.status_code == 302
    assert ActionUpdate.objects.get().author == users[role]


def test_anonymous_users_are_sent_to_log_in(client, meeting, old_action):
    response = client.post(update_url(meeting, old_action), update_data(meeting, old_action))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ActionUpdate.objects.exists()


def test_recording_an_update_refuses_a_get(client, users, meeting, old_action):
    client.force_login(users["secretary"])
    assert client.get(update_url(meeting, old_action)).status_code == 405


def test_no_update_once_the_minutes_are_circulated(client, users, meeting, old_action):
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.Status.CIRCULATED)
    before = snapshot(old_action)
    for role in ["secretary", "staff"]:
        client.force_login(users[role])
        data = update_data(meeting, old_action, status="closed", revised="2021-12-01")
        assert client.post(update_url(meeting, old_action), data).status_code == 403
    assert snapshot(old_action) == before


def test_hostile_update_text_is_inert_on_the_draft_and_the_meeting_page(client, users, meeting, old_action):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    client.force_login(users["secretary"])
    client.post(update_url(meeting, old_action), update_data(meeting, old_action, hostile))
    assert ActionUpdate.objects.get().text == hostile

    for page in [
        draft(client, meeting),
        client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode(),
    ]:
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page and 'href="javascript:' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
