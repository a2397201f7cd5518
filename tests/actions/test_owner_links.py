"""Owners without an account: a signed, expiring link per owner and action to post an update."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.links import (
    MAX_AGE,
    LinkRefused,
    owner_link_token,
    owner_link_url,
    read_owner_link_token,
)
from actions.models import Action, ActionProposal, ActionRefused, ActionUpdate
from actions.services.owner_links import link_update_record
from tests.factories import make_meeting, make_organisation, make_person, raise_action

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(committee):
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    dcc = make_organisation("DCC")
    person = make_person("Pat Owner", organisation=dcc)
    person.email = "pat@example.com"
    person.save()
    action = raise_action(meeting, "The DCC to report back.", owners=[dcc, person], target_on=D(2021, 9, 1))
    other = raise_action(meeting, "The DCC to report again.", owners=[dcc, person])
    return {"meeting": meeting, "dcc": dcc, "person": person, "action": action, "other": other}


def link_url(action, token, slug=None):
    return reverse("actions:owner-link", args=[slug or action.slug, token])


def post_update(url, text="Testing is complete.", **extra):
    client = Client(enforce_csrf_checks=False)
    return client.post(url, {"text": text, **extra})


def test_a_link_shows_the_action_and_a_form_without_login(client, world):
    action = world["action"]
    action.record_update(text="Work has started.", given_on=D(2021, 8, 24))
    token = owner_link_token(action, world["person"])
    response = client.get(link_url(action, token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "OPSG 55/01" in page and "The DCC to report back." in page
    assert "1 September 2021" in page
    assert "Work has started." in page
    assert "Your update" in page and "Propose closure" in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_update_is_attributed_and_appears_in_the_updates_and_history(client, world):
    action = world["action"]
    url = link_url(action, owner_link_token(action, world["person"]))
    response = client.post(url, {"text": "Testing is complete."})
    assert response.status_code == 302 and response["Location"] == url
    update = action.updates.get()
    assert update.text == "Testing is complete."
    assert update.author is None
    assert update.author_name == "Pat Owner (by e-mailed link to pat@example.com)"
    assert update.given_on == timezone.localdate()
    assert update.status_after == Action.Status.OPEN
    history = ActionUpdate.history.filter(id=update.pk).get()
    assert history.author_name == update.author_name and history.history_type == "+"
    action.refresh_from_db()
    assert "Testing is complete." in action.search_document
    followed = client.get(url)
    assert "your update on OPSG 55/01 was recorded" in followed.content.decode()
    assert "Pat Owner (by e-mailed link to pat@example.com)" in followed.content.decode()


def test_an_organisation_owner_link_is_attributed_to_the_organisation(client, world):
    action = world["action"]
    token = owner_link_token(action, world["dcc"], email="ops@dcc.example")
    client.post(link_url(action, token), {"text": "Done."})
    assert action.updates.get().author_name == "DCC (by e-mailed link to ops@dcc.example)"


def test_proposing_closure_marks_the_action_and_leaves_a_proposal(client, world):
    action = world["action"]
    url = link_url(action, owner_link_token(action, world["person"]))
    client.post(url, {"text": "All done.", "propose_closure": "on"})
    action.refresh_from_db()
    assert action.status == Action.Status.PROPOSED_CLOSED
    proposal = action.proposals.get()
    assert proposal.kind == ActionProposal.Kind.CLOSURE and proposal.status == ActionProposal.Status.PENDING
    assert proposal.proposed_by_name == "Pat Owner (by e-mailed link to pat@example.com)"
    assert action.updates.get().status_after == Action.Status.PROPOSED_CLOSED
    client.post(url, {"text": "Really done.", "propose_closure": "on"})
    assert action.proposals.count() == 1  # still one pending proposal
    assert action.updates.count() == 2


def test_an_empty_update_is_refused_on_the_form(client, world):
    action = world["action"]
    response = client.post(link_url(action, owner_link_token(action, world["person"])), {"text": "  "})
    assert response.status_code == 422
    assert "Your update: Write your update" in response.content.decode()
    assert not action.updates.exists()


def test_the_form_needs_a_csrf_token(world):
    action = world["action"]
    client = Client(enforce_csrf_checks=True)
    response = client.post(link_url(action, owner_link_token(action, world["person"])), {"text": "Hi"})
    assert response.status_code == 403
    assert not action.updates.exists()


def test_a_closed_action_takes_no_update(client, world):
    action = world["action"]
    action.close(on=D(2021, 9, 7), text="Closed.")
    url = link_url(action, owner_link_token(action, world["person"]))
    assert "no further updates" in client.get(url).content.decode()
    response = client.post(url, {"text": "More."})
    assert response.status_code == 403
    assert action.updates.count() == 1


def refused(client, url, reason):
    for response in (client.get(url), client.post(url, {"text": "Sneaky update."})):
        assert response.status_code == 403
        page = response.content.decode()
        assert "This link cannot be used" in page and reason in page
        assert "Nothing was recorded" in page
    assert not ActionUpdate.objects.filter(text="Sneaky update.").exists()


def test_an_expired_link_is_refused(client, world):
    action = world["action"]
    old = timezone.now() - MAX_AGE - datetime.timedelta(minutes=1)
    refused(client, link_url(action, owner_link_token(action, world["person"], now=old)), "has expired")


def test_a_link_is_valid_until_it_is_14_days_old(world):
    action, person = world["action"], world["person"]
    signed_at = timezone.now().replace(microsecond=0)  # tokens carry whole seconds
    token = owner_link_token(action, person, now=signed_at)
    assert read_owner_link_token(token, now=signed_at + MAX_AGE).owner == person
    with pytest.raises(LinkRefused, match="expired"):
        read_owner_link_token(token, now=signed_at + MAX_AGE + datetime.timedelta(seconds=1))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:10],
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_link_is_refused(client, world, tamper):
    action = world["action"]
    refused(client, link_url(action, tamper(owner_link_token(action, world["person"]))), "not valid")


def test_a_link_signed_for_something_else_is_refused(client, world):
    action = world["action"]
    other_salt = signing.dumps({"a": action.pk, "k": "person", "o": world["person"].pk, "e": "x@example.com"})
    refused(client, link_url(action, other_salt), "not valid")


def test_a_link_used_for_another_action_is_refused(client, world):
    token = owner_link_token(world["action"], world["person"])
    refused(client, link_url(world["other"], token), "for another action")
    assert not world["action"].updates.exists() and not world["other"].updates.exists()


def test_a_link_is_refused_once_the_owner_lost_the_action(client, world):
    action, person, dcc = world["action"], world["person"], world["dcc"]
    person_link = link_url(action, owner_link_token(action, person))
    organisation_link = link_url(action, owner_link_token(action, dcc, email="ops@dcc.example"))
    action.set_owners([dcc])
    refused(client, person_link, "no longer owned")
    assert client.get(organisation_link).status_code == 200
    action.set_owners([person])
    refused(client, organisation_link, "no longer owned")


def test_a_link_for_a_deleted_action_is_refused(client, world):
    action = world["action"]
    url = link_url(action, owner_link_token(action, world["person"]))
    action.delete()
    response = client.get(url)
    assert response.status_code == 403 and "no longer exists" in response.content.decode()


def test_hostile_text_is_inert(client, world):
    action = world["action"]
    url = link_url(action, owner_link_token(action, world["person"]))
    client.post(url, {"text": "<script>alert(1)</script>"})
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_link_url_is_absolute_and_opens_the_page(client, world, settings):
    settings.SITE_URL = "https://minutes.example.org/"
    action = world["action"]
    url = owner_link_url(action, world["person"])
    assert url.startswith("https://minutes.example.org/actions/link/OPSG-55-01/")
    assert client.get(url.removeprefix("https://minutes.example.org")).status_code == 200


def test_only_get_and_post_are_allowed(client, world):
    action = world["action"]
    url = link_url(action, owner_link_token(action, world["person"]))
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_an_action_closed_after_the_page_was_read_takes_no_update(world):
    action = world["action"]
    link = read_owner_link_token(owner_link_token(action, world["person"]))
    action.close(on=D(2021, 9, 7), text="Closed at the meeting.")
    with pytest.raises(ActionRefused, match="was closed"):
        link_update_record(link=link, text="Late update.", propose_closure=True)
    assert action.updates.count() == 1 and not action.proposals.exists()
