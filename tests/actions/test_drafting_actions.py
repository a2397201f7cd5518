"""Raising, editing and deleting actions on items of the drafting page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, TargetDate
from minutes.models import ItemKind, Meeting
from tests.factories import make_item, make_meeting, make_organisation, make_person, raise_action

pytestmark = pytest.mark.django_db

D = datetime.date
HTMX = {"HX-Request": "true"}
REFUSED = {"chair": 403, "member": 403, "owner": 403, "reader": 404, "outsider": 404}


@pytest.fixture
def meeting(committee):
    return make_meeting(committee, 55, held_on=D(2021, 8, 23))


@pytest.fixture
def item(meeting):
    make_item(meeting, "Previous Meeting Minutes")
    return make_item(meeting, "Performance")


@pytest.fixture
def dcc(db):
    return make_organisation("DCC")


@pytest.fixture
def dave(db):
    return make_person("Dave Warner")


def draft_url(meeting):
    return reverse("minutes:meeting-draft", args=[meeting.reference])


def add_url(meeting, item):
    return reverse("actions:action-add", args=[meeting.reference, item.pk])


def edit_url(action):
    return reverse("actions:action-edit", args=[action.meeting.reference, action.pk])


def delete_url(action):
    return reverse("actions:action-delete", args=[action.meeting.reference, action.pk])


def add_data(item, text="The DCC to provide a report.", owners=(), target_on=""):
    prefix = f"add-action-{item.pk}"
    return {f"{prefix}-text": text, f"{prefix}-owners": list(owners), f"{prefix}-target_on": target_on}


def edit_data(action, token, text, owners, target_on=""):
    prefix = f"action-{action.pk}"
    return {
        f"{prefix}-token": token,
        f"{prefix}-text": text,
        f"{prefix}-owners": list(owners),
        f"{prefix}-target_on": target_on,
    }


def token_of(client, action):
    form = client.get(edit_url(action)).context["form"]
    return form["token"].value()


def snapshot(meeting):
    actions = Action.objects.filter(meeting=meeting).order_by("pk")
    return [
        (
            a.pk,
            a.reference,
            a.text,
            sorted(a.owner_values),
            [t.target_on for t in a.target_dates.all()],
        )
        for a in actions
    ]


def test_raising_an_action_shows_its_reference_at_once(client, users, meeting, item, dcc, dave):
    client.force_login(users["secretary"])
    data = add_data(item, owners=[f"org-{dcc.pk}", f"person-{dave.pk}"], target_on="2021-09-27")

    response = client.post(add_url(meeting, item), data, headers=HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="actions-{item.pk}"' in page
    assert "ACTION OPSG 55/01:</span> The DCC to provide a report." in page
    assert "Owner: DCC, Dave Warner · Target date: 27/09/2021" in page
    assert 'role="status"' in page and "OPSG 55/01 added" in page
    action = Action.objects.get()
    assert (action.reference, action.item, action.raised_on) == ("OPSG 55/01", item, meeting.held_on)
    assert list(action.owner_organisations.all()) == [dcc]
    assert list(action.owner_people.all()) == [dave]
    assert [(t.target_on, t.meeting, t.recorded_by) for t in action.target_dates.all()] == [
        (D(2021, 9, 27), meeting, users["secretary"])
    ]


def test_without_javascript_raising_an_action_returns_to_the_item(client, users, meeting, item, dcc):
    client.force_login(users["secretary"])
    response = client.post(add_url(meeting, item), add_data(item, owners=[f"org-{dcc.pk}"]))
    assert response.status_code == 302
    assert response["Location"] == f"{draft_url(meeting)}#item-{item.pk}"

    page = client.get(response["Location"]).content.decode()
    assert "ACTION OPSG 55/01:" in page and "OPSG 55/01 added" in page
    assert Action.objects.get().target_dates.count() == 0


def test_owners_are_required(client, users, meeting, item):
    client.force_login(users["secretary"])
    data = add_data(item, text="SECAS to write <it> up.", owners=[])

    response = client.post(add_url(meeting, item), data, headers=HTMX)

    assert response.status_code == 422
    page = response.content.decode()
    assert not Action.objects.exists()
    prefix = f"add-action-{item.pk}"
    # Next to the field, and in the summary at the top of the form.
    assert f'id="{prefix}-owners-error">Choose at least one owner: an organisation or a person.' in page
    assert f'href="#id_{prefix}-owners">Owners: Choose at least one owner' in page
    assert "SECAS to write &lt;it&gt; up.</textarea>" in page
    assert '<details class="add-action my-2" open>' in page

    # The same without JavaScript: a page of its own with the form filled in.
    response = client.post(add_url(meeting, item), data)
    assert response.status_code == 422
    assert "SECAS to write &lt;it&gt; up.</textarea>" in response.content.decode()
    assert not Action.objects.exists()


def test_the_text_is_required_and_the_owners_chosen_are_kept(client, users, meeting, item, dcc, dave):
    client.force_login(users["secretary"])
    data = add_data(item, text="  ", owners=[f"person-{dave.pk}"], target_on="2021-10-01")
    response = client.post(add_url(meeting, item), data, headers=HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Write what is to be done" in page
    assert f'<option value="person-{dave.pk}" selected>Dave Warner</option>' in page
    assert f'<option value="org-{dcc.pk}">DCC</option>' in page
    assert 'value="2021-10-01"' in page
    assert not Action.objects.exists()


def test_unknown_owners_are_refused(client, users, meeting, item):
    client.force_login(users["secretary"])
    response = client.post(add_url(meeting, item), add_data(item, owners=["org-999999"]), headers=HTMX)
    assert response.status_code == 422
    assert not Action.objects.exists()


def test_editing_text_owners_and_target_date_keeps_the_target_date_history(
    client, users, meeting, item, dcc, dave
):
    secas = make_organisation("SECAS")
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    client.force_login(users["secretary"])

    response = client.get(edit_url(action), headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Edit action OPSG 55/01" in page and "The DCC to report back.</textarea>" in page
    assert f'<option value="org-{dcc.pk}" selected>DCC</option>' in page
    assert 'value="2021-09-27"' in page
    token = response.context["form"]["token"].value()

    data = edit_data(action, token, "SECAS and the DCC to report.", [f"org-{secas.pk}", f"person-{dave.pk}"])
    data[f"action-{action.pk}-target_on"] = "2021-10-25"
    response = client.post(edit_url(action), data, headers=HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert "ACTION OPSG 55/01:</span> SECAS and the DCC to report." in page
    assert "Owner: SECAS, Dave Warner · Target date: 25/10/2021" in page
    assert "OPSG 55/01 saved" in page
    action.refresh_from_db()
    assert action.text == "SECAS and the DCC to report."
    assert action.owner_names == "SECAS, Dave Warner"
    history = [t.target_on for t in TargetDate.objects.filter(action=action)]
    assert history == [D(2021, 9, 27), D(2021, 10, 25)]
    assert action.current_target_on == D(2021, 10, 25)


def test_saving_an_edit_with_the_same_target_date_adds_no_history(client, users, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    client.force_login(users["secretary"])
    data = edit_data(action, token_of(client, action), "New text.", [f"org-{dcc.pk}"], "2021-09-27")
    response = client.post(edit_url(action), data)
    assert response.status_code == 302
    assert response["Location"] == f"{draft_url(meeting)}#item-{item.pk}"
    assert action.target_dates.count() == 1


def test_a_target_date_can_be_changed_but_not_removed(client, users, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    client.force_login(users["secretary"])
    data = edit_data(action, token_of(client, action), "Changed text.", [f"org-{dcc.pk}"], "")
    response = client.post(edit_url(action), data, headers=HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#action-slot-{action.pk}"
    assert "can be changed but not removed" in response.content.decode()
    action.refresh_from_db()
    assert action.text == "The DCC to report back." and action.current_target_on == D(2021, 9, 27)


def test_an_edit_needs_an_owner(client, users, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc])
    client.force_login(users["secretary"])
    data = edit_data(action, token_of(client, action), "Typed text.", [])
    response = client.post(edit_url(action), data, headers=HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose at least one owner" in page and "Typed text.</textarea>" in page
    assert list(action.owner_organisations.all()) == [dcc]


def test_a_later_edit_of_the_same_action_is_refused_showing_both_versions(
    client, users, meeting, item, dcc, dave
):
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    client.force_login(users["secretary"])
    token = token_of(client, action)

    first = edit_data(action, token, "Their version of the action.", [f"org-{dcc.pk}"], "2021-09-27")
    assert client.post(edit_url(action), first, headers=HTMX).status_code == 200
    before = snapshot(meeting)

    mine = edit_data(action, token, "My version of the action.", [f"person-{dave.pk}"], "2021-12-01")
    response = client.post(edit_url(action), mine, headers=HTMX)

    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#action-slot-{action.pk}"
    page = response.content.decode()
    assert "someone else changed this action" in page
    assert "Their version of the action." in page  # theirs, as saved now
    assert "My version of the action.</textarea>" in page  # mine, still in the form
    assert f'<option value="person-{dave.pk}" selected>' in page
    assert snapshot(meeting) == before

    # Saving again (from the rebased form) deliberately replaces their version.
    rebased = response.context["form"]["token"].value()
    mine[f"action-{action.pk}-token"] = rebased
    assert client.post(edit_url(action), mine, headers=HTMX).status_code == 200
    action.refresh_from_db()
    assert action.text == "My version of the action." and action.owner_names == "Dave Warner"


def test_a_change_of_target_date_alone_is_a_conflict_too(client, users, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    client.force_login(users["secretary"])
    token = token_of(client, action)
    action.revise_target_date(D(2021, 11, 1))
    data = edit_data(action, token, "The DCC to report back.", [f"org-{dcc.pk}"], "2021-09-30")
    assert client.post(edit_url(action), data, headers=HTMX).status_code == 409
    assert action.current_target_on == D(2021, 11, 1)


def test_deleting_an_action_never_gives_its_reference_again(client, users, meeting, item, dcc):
    first = raise_action(meeting, item=item, owners=[dcc])
    second = raise_action(meeting, item=item, owners=[dcc])
    client.force_login(users["secretary"])

    confirm = client.get(delete_url(second), headers=HTMX)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Delete action OPSG 55/02?" in text and "will not be given again" in text
    assert Action.objects.filter(pk=second.pk).exists()

    response = client.post(delete_url(second), headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ACTION OPSG 55/01:" in page and "ACTION OPSG 55/02:" not in page
    assert "OPSG 55/02 deleted" in page
    assert list(Action.objects.all()) == [first]

    response = client.post(add_url(meeting, item), add_data(item, owners=[f"org-{dcc.pk}"]), headers=HTMX)
    assert "ACTION OPSG 55/03:" in response.content.decode()
    assert Action.objects.filter(reference="OPSG 55/02").count() == 0


def test_without_javascript_delete_asks_first_then_returns_to_the_item(client, users, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc])
    client.force_login(users["secretary"])
    page = client.get(delete_url(action))
    assert page.status_code == 200 and "<h1" in page.content.decode()
    response = client.post(delete_url(action))
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    assert not Action.objects.exists()


def test_actions_of_another_meeting_are_not_found(client, users, committee, meeting, item, dcc):
    other = make_meeting(committee, 56)
    foreign = raise_action(other, item=make_item(other), owners=[dcc])
    client.force_login(users["secretary"])
    for url in [
        reverse("actions:action-edit", args=[meeting.reference, foreign.pk]),
        reverse("actions:action-delete", args=[meeting.reference, foreign.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    other_item_url = reverse("actions:action-add", args=[meeting.reference, foreign.item_id])
    assert client.post(other_item_url, add_data(foreign.item, owners=[f"org-{dcc.pk}"])).status_code == 404
    assert Action.objects.count() == 1


def endpoints(meeting, item, action):
    return [
        ("POST", add_url(meeting, item)),
        ("GET", edit_url(action)),
        ("POST", edit_url(action)),
        ("GET", delete_url(action)),
        ("POST", delete_url(action)),
    ]


def all_data(item, action, token, owner):
    return {
        **add_data(item, "Changed", owners=[owner]),
        **edit_data(action, token, "Changed", [owner], "2022-01-01"),
    }


@pytest.mark.parametrize("role, status", REFUSED.items())
def test_only_secretaries_and_staff_may_change_actions(client, users, meeting, item, dcc, role, status):
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    token = action.edit_token(("text", "owner_organisations", "owner_people", "current_target_on"))
    before = snapshot(meeting)
    client.force_login(users[role])
    for method, url in endpoints(meeting, item, action):
        data = all_data(item, action, token, f"org-{dcc.pk}")
        response = client.get(url) if method == "GET" else client.post(url, data)
        assert response.status_code == status, (role, method, url)
    assert snapshot(meeting) == before


def test_anonymous_users_are_sent_to_log_in(client, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc])
    for method, url in endpoints(meeting, item, action):
        response = client.get(url) if method == "GET" else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert Action.objects.count() == 1


@pytest.mark.parametrize("role", ["secretary", "staff"])
def test_secretaries_and_staff_may_raise_edit_and_delete(client, users, meeting, item, dcc, role):
    client.force_login(users[role])
    owner = f"org-{dcc.pk}"
    assert client.post(add_url(meeting, item), add_data(item, owners=[owner])).status_code == 302
    action = Action.objects.get()
    assert client.get(edit_url(action)).status_code == 200
    data = edit_data(action, token_of(client, action), "Edited.", [owner])
    assert client.post(edit_url(action), data).status_code == 302
    assert client.get(delete_url(action)).status_code == 200
    assert client.post(delete_url(action)).status_code == 302
    assert not Action.objects.exists()


def test_raising_an_action_refuses_a_get(client, users, meeting, item):
    client.force_login(users["secretary"])
    assert client.get(add_url(meeting, item)).status_code == 405
    assert client.put(edit_url(raise_action(meeting, item=item))).status_code == 405


def test_no_change_once_the_minutes_are_circulated(client, users, meeting, item, dcc):
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    client.force_login(users["secretary"])
    token = token_of(client, action)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.Status.CIRCULATED)
    before = snapshot(meeting)
    for role in ["secretary", "staff"]:
        client.force_login(users[role])
        for method, url in endpoints(meeting, item, action):
            data = all_data(item, action, token, f"org-{dcc.pk}")
            response = client.get(url) if method == "GET" else client.post(url, data)
            assert response.status_code == 403, (role, method, url)
    assert snapshot(meeting) == before
    assert Meeting.objects.get(pk=meeting.pk).last_action_sequence == 1


def test_hostile_action_text_is_inert_on_the_draft_and_the_meeting_page(client, users, meeting, item, dcc):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
    client.force_login(users["secretary"])
    client.post(add_url(meeting, item), add_data(item, text=hostile, owners=[f"org-{dcc.pk}"]))
    action = Action.objects.get()
    assert action.text == hostile  # stored as typed, escaped when shown

    pages = [
        client.get(draft_url(meeting)).content.decode(),
        client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode(),
        client.get(edit_url(action)).content.decode(),
        client.get(delete_url(action)).content.decode(),
    ]
    for page in pages:
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page and 'href="javascript:' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_drafting_page_costs_the_same_queries_however_many_actions(client, users, committee, dcc):
    def page_queries(meeting):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(draft_url(meeting))
        assert response.status_code == 200
        return len(queries)

    def meeting_with(number, count):
        """A meeting with `count` items of two actions each, after one that left `count` open."""
        earlier = make_meeting(committee, number - 1)
        meeting = make_meeting(committee, number)
        make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
        for _ in range(count):
            old = raise_action(earlier, owners=[dcc, make_person()], target_on=D(2021, 9, 27))
            old.record_meeting_update(
                meeting=meeting, text="Progress.", revised_target_on=D(2021, 12, 1), status="open"
            )
        for _ in range(count):
            item = make_item(meeting)
            for _ in range(2):
                raise_action(meeting, item=item, owners=[dcc, make_person()], target_on=D(2021, 9, 27))
        return meeting

    client.force_login(users["secretary"])
    small, large = meeting_with(61, 1), meeting_with(71, 6)
    page_queries(small)  # warm caches (sessions, content types)
    assert page_queries(small) == page_queries(large)
    page = client.get(draft_url(large)).content.decode()
    assert page.count("ACTION OPSG 71/") == 12 and page.count("Add an action to item") == 7
    assert page.count("Save update on OPSG") == 1 + 2 + 6  # open from OPSG_60, OPSG_61 and OPSG_70


def test_the_owner_options_escape_names_and_mark_the_chosen(db):
    from minutes.templatetags.drafting import owner_options

    odd = make_organisation('D<C>C & "co"')
    person = make_person("Ann O'Neil", organisation=odd)
    loner = make_person("Lone Owner")

    class Chosen:
        selected_owners = {f"person-{person.pk}"}

    html = owner_options([odd], [person, loner], Chosen())
    assert html == (
        f'<optgroup label="Organisations"><option value="org-{odd.pk}">D&lt;C&gt;C &amp; &quot;co&quot;</option>'
        f'</optgroup><optgroup label="People"><option value="person-{person.pk}" selected>Ann O&#x27;Neil '
        f'(D&lt;C&gt;C &amp; &quot;co&quot;)</option><option value="person-{loner.pk}">Lone Owner</option></optgroup>'
    )
    # On the page, an item's form to raise an action may be absent: nothing chosen.
    assert " selected" not in owner_options([odd], [person], "")
