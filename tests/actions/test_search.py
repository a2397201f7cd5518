"""The action log's search: reference, text, owners and updates, on PostgreSQL and SQLite."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actions.models import Action
from minutes.models import Meeting
from tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def found(words):
    return sorted(Action.objects.search(words).values_list("reference", flat=True))


def test_search_finds_text_owners_updates_and_references(demo):
    assert found("workshops") == ["OPSG 55/02"]
    assert found("workshop tariff") == ["OPSG 55/02"]
    assert (
        found("workshops") == found("workshop") == ["OPSG 55/02"]
    )  # inflections, on both databases  # stemming on PostgreSQL, substrings on SQLite
    assert found("governance") == ["OPSG 43/08"]  # only in the update given at OPSG_55
    assert "OPSG 55/01" in found("DCC") and "OPSG 55/03" not in found("DCC")  # owners
    assert found("OPSG 53/10") == ["OPSG 53/10"]
    assert found("nothing like this") == []
    assert found("") == sorted(Action.objects.values_list("reference", flat=True))


def test_the_search_document_follows_changes(demo):
    action = Action.objects.get(reference="OPSG 55/03")
    action.record_update(text="SECAS presented the spreadsheet.")
    assert found("spreadsheet") == ["OPSG 55/03"]
    action.text = "SECAS to brief the Panel on heatpumps."
    action.save()
    assert found("heatpumps") == ["OPSG 55/03"]


def test_a_reader_does_not_find_an_action_by_an_update_in_unpublished_minutes(demo):
    users = {user.username: user for user in get_user_model().objects.all()}

    def found_by(username, words):
        user = users[username]
        visible = Action.objects.visible_to(user).search(words, user=user)
        return sorted(visible.values_list("reference", flat=True))

    # "governance" is only in the update given on OPSG 43/08 at OPSG_55, a draft.
    assert found_by("member", "governance") == found_by("secretary", "governance") == ["OPSG 43/08"]
    assert found_by("reader", "governance") == []
    assert found_by("reader", "OPSG 43/08") == ["OPSG 43/08"]  # raised in published minutes
    assert found_by("reader", "PMR report") == ["OPSG 43/08"]  # its text

    publish(Meeting.objects.get_by_reference("OPSG_55"), users["secretary"])
    assert found_by("reader", "governance") == ["OPSG 43/08"]
