"""Owners' self-service: updates, closure proposals, revised target dates; the secretary's decisions; My actions."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionProposal, ActionRefused, ActionUpdate, TargetDate
from tests.actions.test_action_page import build
from tests.factories import (
    make_committee,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = timezone.localdate
CONFLICT, INVALID = 409, 422


@pytest.fixture
def world(committee, users):
    return build(committee, users)


@pytest.fixture
def action(world):
    return world["action"]


def later(days=30):
    return TODAY() + datetime.timedelta(days=days)


def snapshot(action):
    """Everything a refused change must leave as it was."""
    action = Action.objects.get(pk=action.pk)
    return (
        action.status,
        action.closed_on,
        list(action.target_dates.values_list("target_on", "id")),
        list(action.updates.values_list("id", "text")),
        list(action.proposals.values_list("id", "status", "decided_at", "decision_note")),
    )


def propose(action, kind, *, by, note, target_on):
    """What the owner's two proposal forms call: closure, or a revised target date."""
    if kind == "closure":
        return action.propose_closure(by=by, note=note)
    return action.ask_target_date(by=by, note=note, target_on=target_on)


def url(name, action, *args):
    return reverse(f"actions:{name}", args=[action.committee.code, action.slug, *args])


# ---- The services ---------------------------------------------------------------------


def test_an_update_is_recorded_with_its_author_and_the_status_unchanged(users, action):
    update = action.record_update(by=users["owner"], text="  Draft shared.  ")
    assert (update.text, update.given_on, update.author, update.status_after, update.meeting) == (
        "Draft shared.",
        TODAY(),
        users["owner"],
        "open",
        None,
    )
    action.refresh_from_db()
    assert action.status == "open"
    assert "Draft shared." in action.search_document


def test_an_update_by_link_carries_the_name_given(action):
    update = action.record_update(by=None, text="By link.", author_name="Lee Link")
    assert (update.author, update.author_name) == (None, "Lee Link")


@pytest.mark.parametrize(
    ("text", "given_on", "message"),
    [
        ("   ", None, "Write the update"),
        ("Fine.", later(1), "future"),
        ("Fine.", D(2021, 8, 1), "before the action was raised"),
    ],
)
def test_a_bad_update_is_refused(users, action, text, given_on, message):
    before = snapshot(action)
    with pytest.raises(ValidationError, match=message):
        action.record_update(by=users["owner"], text=text, given_on=given_on)
    assert snapshot(action) == before


def test_a_closed_action_takes_no_updates(users, action):
    action.close(on=D(2021, 9, 1), text="Done.")
    before = snapshot(action)
    with pytest.raises(ActionRefused, match="OPSG 55/01 was closed on 01/09/2021: it takes no more updates"):
        action.record_update(by=users["owner"], text="More.")
    assert snapshot(action) == before


def test_proposing_closure_marks_the_action_proposed_closed(users, action):
    proposal = action.propose_closure(by=users["owner"], note="Published.")
    assert (proposal.status, proposal.proposed_by, proposal.note) == ("pending", users["owner"], "Published.")
    action.refresh_from_db()
    assert action.status == "proposed_closed" and action.closed_on is None


def test_one_pending_proposal_of_a_kind_at_a_time(users, action):
    action.propose_closure(by=users["owner"], note="Done.")
    before = snapshot(action)
    with pytest.raises(ActionRefused, match="already waiting for the secretary"):
        action.propose_closure(by=users["owner"], note="Again.")
    assert snapshot(action) == before
    # A target-date request may still be made beside it.
    action.ask_target_date(by=users["owner"], note="Just in case.", target_on=later())


@pytest.mark.parametrize("kind", ["closure", "target_date"])
def test_a_closed_action_accepts_no_proposals(users, action, kind):
    action.close(on=D(2021, 9, 1), text="Done.")
    before = snapshot(action)
    with pytest.raises(ActionRefused, match="it takes no more proposals. Nothing was saved."):
        propose(action, kind, by=users["owner"], note="Why.", target_on=later())
    assert snapshot(action) == before


@pytest.mark.parametrize(
    ("kind", "note", "target_on", "message"),
    [
        ("target_date", "Late data.", None, "Give the revised target date"),
        ("target_date", "Late data.", D(2020, 1, 1), "cannot be in the past"),
        ("target_date", "Late data.", D(2021, 9, 27), "already the target date"),
        ("target_date", "  ", later(), "Say why"),
        ("closure", "", None, "Say why"),
    ],
)
def test_a_bad_proposal_is_refused(users, action, kind, note, target_on, message):
    if target_on == D(2021, 9, 27):
        action.revise_target_date(later(10))
        target_on = later(10)
    before = snapshot(action)
    with pytest.raises(ValidationError, match=message):
        propose(action, kind, by=users["owner"], note=note, target_on=target_on)
    assert snapshot(action) == before


def test_accepting_closure_closes_the_action_today(users, action):
    closure = action.propose_closure(by=users["owner"], note="Published.")
    asked = action.ask_target_date(by=users["owner"], note="If not.", target_on=later())
    decided = closure.action.decide(closure, by=users["secretary"], accept=True, note="Agreed by OPSG.")
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        "accepted",
        users["secretary"],
        "Agreed by OPSG.",
    )
    assert decided.decided_at is not None
    action.refresh_from_db()
    assert (action.status, action.closed_on) == ("closed", TODAY())
    last = action.updates.last()
    assert (last.text, last.status_after, last.author, last.given_on) == (
        "Closure confirmed by the secretary. Agreed by OPSG.",
        "closed",
        users["secretary"],
        TODAY(),
    )
    asked.refresh_from_db()
    assert (asked.status, asked.decision_note) == ("declined", "The action was closed.")


def test_accepting_a_target_date_records_a_new_step(users, action):
    asked = action.ask_target_date(by=users["owner"], note="Late data.", target_on=later())
    asked.action.decide(asked, by=users["secretary"], accept=True, note="")
    steps = list(action.target_dates.values_list("target_on", "meeting", "recorded_by"))
    assert steps == [(D(2021, 9, 27), action.meeting_id, None), (later(), None, users["secretary"].pk)]
    assert Action.objects.get(pk=action.pk).status == "open"


def test_declining_closure_reopens_the_action_and_keeps_the_decision(users, action):
    closure = action.propose_closure(by=users["owner"], note="Done?")
    closure.action.decide(closure, by=users["secretary"], accept=False, note="Report not yet published.")
    closure.refresh_from_db()
    assert (closure.status, closure.decision_note, closure.decided_by) == (
        "declined",
        "Report not yet published.",
        users["secretary"],
    )
    action.refresh_from_db()
    assert (action.status, action.closed_on) == ("open", None)
    assert not action.updates.exists()


def test_declining_a_target_date_keeps_the_date(users, action):
    asked = action.ask_target_date(by=users["owner"], note="Late.", target_on=later())
    asked.action.decide(asked, by=users["secretary"], accept=False, note="No.")
    assert Action.objects.get(pk=action.pk).current_target_on == D(2021, 9, 27)
    assert TargetDate.objects.filter(action=action).count() == 1


@pytest.mark.parametrize("first", [True, False])
def test_a_decided_proposal_cannot_be_decided_again(users, action, first):
    closure = action.propose_closure(by=users["owner"], note="Done.")
    closure.action.decide(closure, by=users["secretary"], accept=first, note="")
    before = snapshot(action)
    with pytest.raises(ActionRefused, match="already (accepted|declined).*nothing was changed"):
        closure.action.decide(closure, by=users["secretary"], accept=not first, note="Changed my mind.")
    assert snapshot(action) == before


def test_closing_an_action_declines_its_pending_request_which_cannot_be_decided_again(users, action):
    # A closed action never keeps a pending proposal: closing it settles them (as at a meeting).
    asked = action.ask_target_date(by=users["owner"], note="Late.", target_on=later())
    action.close(on=D(2021, 9, 1), text="Closed between meetings.", by=users["secretary"])
    asked.refresh_from_db()
    assert (asked.status, asked.decision_note) == ("declined", "The action was closed.")
    before = snapshot(action)
    with pytest.raises(ActionRefused, match="already declined"):
        action.decide(asked, by=users["secretary"], accept=True, note="")
    assert snapshot(action) == before


def test_closing_at_a_meeting_settles_the_pending_proposals(committee, users, action):
    closure = action.propose_closure(by=users["owner"], note="Done.")
    meeting = make_meeting(committee, 56, held_on=D(2021, 9, 7))
    action.record_meeting_update(meeting=meeting, text="Closed.", status="closed", by=users["secretary"])
    closure.refresh_from_db()
    assert (closure.status, closure.decision_note) == ("accepted", "Closed at OPSG_56.")


# ---- Who may do what, through the pages ----------------------------------------------


def posts(action, proposal):
    """Each POST endpoint with a valid form that changes something."""
    return {
        "update": (url("action-post-update", action), {"update-text": "Progress."}),
        "closure": (url("action-propose-closure", action), {"closure-note": "Done."}),
        "target": (
            url("action-ask-target-date", action),
            {"target-proposed_target_on": later().isoformat(), "target-note": "Late."},
        ),
        "decide": (
            url("proposal-decide", action, proposal.pk),
            {f"decide-{proposal.pk}-decision": "decline", f"decide-{proposal.pk}-note": "No."},
        ),
    }


# What each role gets from each endpoint, on the DCC's action: 302 is done.
ALLOWED = {
    "update": {"owner": 302, "secretary": 302, "staff": 302},
    "closure": {"owner": 302},
    "target": {"owner": 302},
    "decide": {"secretary": 302, "staff": 302},
}
ROLES = ["outsider", "reader", "member", "other_owner", "chair", "owner", "secretary", "staff"]


@pytest.mark.parametrize("endpoint", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_answer(client, users, action, endpoint, role):
    # A pending target-date proposal to decide (the closure endpoint is still free to use).
    proposal = action.ask_target_date(by=users["owner"], note="Late.", target_on=later(60))
    if endpoint == "target":
        proposal.action.decide(proposal, by=users["secretary"], accept=False, note="")
    before = snapshot(action)
    client.force_login(users[role])
    address, data = posts(action, proposal)[endpoint]
    # Readers do not see actions raised in draft minutes (404, as outsiders).
    expected = 404 if role in ("outsider", "reader") else ALLOWED[endpoint].get(role, 403)
    response = client.post(address, data)
    assert response.status_code == expected
    if expected != 302:
        assert snapshot(action) == before
    else:
        assert snapshot(action) != before


@pytest.mark.parametrize("endpoint", list(ALLOWED))
def test_anonymous_posts_are_sent_to_log_in(client, users, action, endpoint):
    proposal = action.ask_target_date(by=users["owner"], note="x", target_on=later())
    address, data = posts(action, proposal)[endpoint]
    response = client.post(address, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("endpoint", list(ALLOWED))
def test_get_on_a_post_url_is_refused(client, users, action, endpoint):
    proposal = action.ask_target_date(by=users["owner"], note="x", target_on=later())
    client.force_login(users["owner"])
    assert client.get(posts(action, proposal)[endpoint][0]).status_code == 405
    client.logout()
    assert client.get(posts(action, proposal)[endpoint][0]).status_code == 405


def test_an_owner_of_another_organisation_is_refused_on_this_action_but_not_on_theirs(client, users, world):
    client.force_login(users["other_owner"])
    assert client.post(url("action-post-update", world["action"]), {"update-text": "x"}).status_code == 403
    assert (
        client.post(url("action-post-update", world["theirs"]), {"update-text": "Ours."}).status_code == 302
    )
    assert world["theirs"].updates.get().text == "Ours."


def test_an_owner_in_person_may_act(client, users, world, committee):
    someone = make_person("Pat Person", user=make_user("pat", committee=committee, role="owner"))
    world["theirs"].owner_people.add(someone)
    client.force_login(someone.user)
    assert (
        client.post(url("action-propose-closure", world["theirs"]), {"closure-note": "Done."}).status_code
        == 302
    )


def test_a_decision_on_another_committees_proposal_is_not_found(client, users, world):
    proposal = world["theirs"].propose_closure(by=users["other_owner"], note="Done.")
    client.force_login(users["secretary"])
    response = client.post(
        url("proposal-decide", world["action"], proposal.pk), {f"decide-{proposal.pk}-decision": "accept"}
    )
    assert response.status_code == 404
    assert ActionProposal.objects.get(pk=proposal.pk).status == "pending"


# ---- The forms: errors, typed text kept, state refusals --------------------------------


def test_an_owner_posts_an_update_and_sees_it_on_the_page(client, users, action):
    client.force_login(users["owner"])
    response = client.post(
        url("action-post-update", action), {"update-text": "Draft shared.", "update-given_on": "2021-09-01"}
    )
    update = ActionUpdate.objects.get(action=action)
    assert response.status_code == 302 and response["Location"].endswith(f"#update-{update.pk}")
    assert update.given_on == D(2021, 9, 1) and update.author == users["owner"]
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert "Draft shared." in page and "Your update on OPSG 55/01 was posted." in page


def test_an_empty_update_comes_back_with_its_errors_and_the_date_kept(client, users, action):
    client.force_login(users["owner"])
    response = client.post(
        url("action-post-update", action), {"update-text": " ", "update-given_on": "2021-09-01"}
    )
    assert response.status_code == INVALID
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'href="#id_update-text">Update: Write the update before posting it.' in page
    assert 'aria-invalid="true"' in page and 'value="2021-09-01"' in page
    assert not ActionUpdate.objects.exists()


def test_a_future_update_date_is_refused_with_the_text_kept(client, users, action):
    client.force_login(users["owner"])
    response = client.post(
        url("action-post-update", action), {"update-text": "Keep me.", "update-given_on": later().isoformat()}
    )
    assert response.status_code == INVALID
    page = response.content.decode()
    assert "cannot be dated in the future" in page and "Keep me.</textarea>" in page


def test_an_update_on_a_closed_action_is_refused_with_the_text_kept(client, users, action):
    client.force_login(users["secretary"])
    action.close(on=D(2021, 9, 1), text="Done.")
    response = client.post(url("action-post-update", action), {"update-text": "Keep me."})
    # The form is gone from a closed action's page: the refusal and the text are shown at the top.
    assert response.status_code == CONFLICT
    page = response.content.decode()
    assert "OPSG 55/01 was closed on 01/09/2021: it takes no more updates. Nothing was saved." in page
    assert "What you wrote:</span> Keep me." in page
    assert ActionUpdate.objects.filter(action=action).count() == 1


def test_proposing_closure_twice_is_refused_with_a_message(client, users, action):
    client.force_login(users["owner"])
    assert client.post(url("action-propose-closure", action), {"closure-note": "Done."}).status_code == 302
    assert Action.objects.get(pk=action.pk).status == "proposed_closed"
    before = snapshot(action)
    response = client.post(url("action-propose-closure", action), {"closure-note": "Again."})
    assert response.status_code == CONFLICT
    page = response.content.decode()
    assert "A closure proposal on OPSG 55/01 is already waiting for the secretary." in page
    assert "What you wrote:</span> Again." in page
    assert snapshot(action) == before


def test_a_target_date_request_without_a_date_comes_back_with_the_reason_kept(client, users, action):
    client.force_login(users["owner"])
    response = client.post(url("action-ask-target-date", action), {"target-note": "Data late."})
    assert response.status_code == INVALID
    page = response.content.decode()
    assert "Revised target date: Give the revised target date you ask for." in page
    assert "Data late.</textarea>" in page
    assert not ActionProposal.objects.exists()


def test_a_past_target_date_is_refused(client, users, action):
    client.force_login(users["owner"])
    response = client.post(
        url("action-ask-target-date", action), {"target-proposed_target_on": "2020-01-01", "target-note": "x"}
    )
    assert response.status_code == INVALID and "cannot be in the past" in response.content.decode()


def test_the_secretary_confirms_closure_from_the_action_page(client, users, action):
    closure = action.propose_closure(by=users["owner"], note="Done.")
    client.force_login(users["secretary"])
    response = client.post(
        url("proposal-decide", action, closure.pk),
        {f"decide-{closure.pk}-decision": "accept", f"decide-{closure.pk}-note": "Agreed."},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#decision-{closure.pk}")
    action.refresh_from_db()
    assert action.status == "closed"


def test_deciding_a_decided_proposal_is_refused_with_a_message(client, users, action):
    closure = action.propose_closure(by=users["owner"], note="Done.")
    closure.action.decide(closure, by=users["secretary"], accept=False, note="")
    before = snapshot(action)
    client.force_login(users["secretary"])
    response = client.post(
        url("proposal-decide", action, closure.pk), {f"decide-{closure.pk}-decision": "accept"}
    )
    assert response.status_code == CONFLICT
    assert "already declined" in response.content.decode()
    assert snapshot(action) == before


def test_a_decision_without_accept_or_decline_changes_nothing(client, users, action):
    closure = action.propose_closure(by=users["owner"], note="Done.")
    before = snapshot(action)
    client.force_login(users["secretary"])
    response = client.post(
        url("proposal-decide", action, closure.pk),
        {f"decide-{closure.pk}-decision": "maybe", f"decide-{closure.pk}-note": "Kept."},
    )
    assert response.status_code == INVALID
    assert "Kept.</textarea>" in response.content.decode()
    assert snapshot(action) == before


def test_hostile_input_is_stored_as_text_and_shown_inert(client, users, action):
    evil = "<script>alert(1)</script>"
    client.force_login(users["owner"])
    client.post(url("action-post-update", action), {"update-text": evil})
    client.post(url("action-propose-closure", action), {"closure-note": evil})
    assert ActionUpdate.objects.get().text == evil
    client.force_login(users["secretary"])
    for address in (
        url("action-detail", action),
        reverse("actions:proposals"),
        reverse("actions:my-actions"),
    ):
        page = client.get(address).content.decode()
        assert "<script>alert(1)" not in page
    client.force_login(users["owner"])
    page = client.get(reverse("actions:my-actions")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


# ---- The proposals list ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("outsider", 403),
        ("reader", 403),
        ("member", 403),
        ("owner", 403),
        ("chair", 403),
        ("secretary", 200),
        ("staff", 200),
    ],
)
def test_the_proposals_list_is_for_secretaries(client, users, world, role, status):
    client.force_login(users[role])
    assert client.get(reverse("actions:proposals")).status_code == status
    assert client.post(reverse("actions:proposals")).status_code == 405


def test_the_proposals_list_shows_the_pending_ones_and_decides_them(client, users, world, action):
    closure = action.propose_closure(by=users["owner"], note="Published.")
    decided = world["theirs"].propose_closure(by=users["other_owner"], note="Old.")
    decided.action.decide(decided, by=users["secretary"], accept=False, note="")
    client.force_login(users["secretary"])
    response = client.get(reverse("actions:proposals"))
    assert [p.pk for p in response.context["proposals"]] == [closure.pk]
    page = response.content.decode()
    assert "Published." in page and "Old." not in page and "Confirm closure" in page
    response = client.post(
        url("proposal-decide", action, closure.pk),
        {f"decide-{closure.pk}-decision": "accept", f"decide-{closure.pk}-return_to": "proposals"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("actions:proposals")
    assert Action.objects.get(pk=action.pk).status == "closed"


def test_a_secretary_sees_only_their_committees_proposals(client, users, world):
    other = make_meeting(make_committee("TABASC", "Technical"), 3)
    theirs = raise_action(other, owners=[make_organisation("DCC")])
    theirs.propose_closure(by=None, note="Elsewhere.", by_name="Someone")
    client.force_login(users["secretary"])
    assert "Elsewhere." not in client.get(reverse("actions:proposals")).content.decode()
    client.force_login(users["staff"])
    assert "Elsewhere." in client.get(reverse("actions:proposals")).content.decode()


def test_the_proposals_list_costs_the_same_queries_however_many(client, users, world):
    client.force_login(users["secretary"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("actions:proposals")).status_code == 200
        return len(captured)

    world["action"].propose_closure(by=users["owner"], note="One.")
    few = queries()
    meeting = make_meeting(world["meeting"].committee, 60)
    for _ in range(15):
        more = raise_action(meeting, owners=[world["dcc"], make_person()], target_on=D(2021, 9, 27))
        more.propose_closure(by=users["owner"], note="More.")
    assert queries() == few


# ---- My actions -----------------------------------------------------------------------


def test_my_actions_lists_the_open_actions_of_my_organisation_and_myself(client, users, world, committee):
    mine_in_person = raise_action(
        world["meeting"], "Owner Person to check.", owners=[users["owner"].person], target_on=later()
    )
    closed = raise_action(world["meeting"], "Closed one.", owners=[world["dcc"]])
    closed.close(on=D(2021, 9, 1), text="Done.")
    world["action"].record_update(by=users["owner"], text="Latest words.")
    world["action"].propose_closure(by=users["owner"], note="Done.")
    client.force_login(users["owner"])
    response = client.get(reverse("actions:my-actions"))
    assert response.status_code == 200
    listed = [action.reference for action in response.context["actions"]]
    assert listed == [world["action"].reference, mine_in_person.reference]
    assert response.context["counts"] == {"open": 2, "overdue": 1, "proposed_closed": 1, "pending": 1}
    page = response.content.decode()
    assert "Overdue" in page and "Latest words." in page and "Closure waiting" in page
    assert f'href="/actions/OPSG/{world["action"].slug}/#post-update"' in page
    assert "SECAS to highlight" not in page


def test_my_actions_without_a_person_is_empty_and_says_why(client, users, world):
    client.force_login(users["member"])
    response = client.get(reverse("actions:my-actions"))
    assert response.status_code == 200 and response.context["actions"] == []
    assert "not linked to a person" in response.content.decode()


def test_my_actions_needs_a_login_and_refuses_posts(client, users):
    response = client.get(reverse("actions:my-actions"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(users["owner"])
    assert client.post(reverse("actions:my-actions")).status_code == 405


def test_my_actions_costs_the_same_queries_however_many(client, users, world):
    client.force_login(users["owner"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("actions:my-actions")).status_code == 200
        return len(captured)

    few = queries()
    meeting = make_meeting(world["meeting"].committee, 60)
    for _ in range(12):
        more = raise_action(meeting, owners=[world["dcc"], make_person()], target_on=D(2021, 9, 27))
        more.record_update(by=users["owner"], text="Going.")
        more.propose_closure(by=users["owner"], note="Done.")
    assert queries() == few


def test_the_demo_owner_sees_the_dccs_actions(client):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="owner"))
    response = client.get(reverse("actions:my-actions"))
    listed = [action.reference for action in response.context["actions"]]
    assert listed == ["OPSG 55/01", "OPSG 55/02", "OPSG 55/04"]
