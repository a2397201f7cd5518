"""Columns the action log reads instead of subqueries: the target date in force (due_on)
follows the target-date history; the owner it sorts by (owner_sort) follows the owners."""

import datetime
import importlib

import pytest
from django.db import connection

from actions.models import Action
from tests.factories import make_committee, make_meeting, make_organisation, make_person, raise_action

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def stored(action):
    return Action.objects.values_list("due_on", flat=True).get(pk=action.pk)


def test_due_on_follows_every_step_of_the_history():
    committee = make_committee()
    meeting = make_meeting(committee, 55, datetime.date(2025, 7, 8))
    action = raise_action(
        meeting, "Draft the note.", owners=[make_organisation("DCC")], target_on=datetime.date(2025, 8, 1)
    )
    assert stored(action) == datetime.date(2025, 8, 1) == action.current_target_on

    action.revise_target_date(datetime.date(2025, 9, 1))
    assert stored(action) == datetime.date(2025, 9, 1)

    later = make_meeting(committee, 56, datetime.date(2025, 8, 20))
    action.record_meeting_update(
        text="Slipped.", meeting=later, revised_target_on=datetime.date(2025, 10, 1), status="open"
    )
    assert stored(action) == datetime.date(2025, 10, 1)

    # Removing the latest step (say, in the admin) puts the previous one back in force.
    action.target_dates.order_by("-recorded_at", "-id").first().delete()
    assert stored(action) == datetime.date(2025, 9, 1)
    action.target_dates.all().delete()
    assert stored(action) is None


def test_an_action_without_a_target_date_has_none():
    committee = make_committee()
    meeting = make_meeting(committee, 55, datetime.date(2025, 7, 8))
    action = raise_action(meeting, "Note only.", owners=[make_organisation("DCC")])
    assert stored(action) is None


def test_load_demo_stores_the_date_in_force_for_every_action():
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    for action in Action.objects.prefetch_related("target_dates"):
        assert action.due_on == action.current_target_on, action.reference


def test_owner_sort_is_the_first_organisation_then_the_first_person_and_follows_renames():
    committee = make_committee()
    meeting = make_meeting(committee, 55, datetime.date(2025, 7, 8))
    secas, dcc = make_organisation("SECAS"), make_organisation("DCC")
    action = raise_action(meeting, "Report.", owners=[secas, make_person("Zoe Adams")])
    assert Action.objects.get(pk=action.pk).owner_sort == "SECAS"
    action.set_owners([secas, dcc])
    assert Action.objects.get(pk=action.pk).owner_sort == "DCC"
    action.set_owners([make_person("Bea Lane"), make_person("Al Moss")])
    assert Action.objects.get(pk=action.pk).owner_sort == "Al Moss"

    person = action.owner_people.get(name="Al Moss")
    person.name = "Cy Moss"
    person.save()
    stored = Action.objects.get(pk=action.pk)
    assert stored.owner_sort == "Bea Lane" and "Cy Moss" in stored.search_document
    assert list(Action.objects.search("Cy Moss")) == [action]


def test_the_migration_fills_both_columns_from_the_history_and_owners():
    committee = make_committee()
    meeting = make_meeting(committee, 55, datetime.date(2025, 7, 8))
    first = raise_action(
        meeting, "One.", owners=[make_organisation("SECAS")], target_on=datetime.date(2025, 8, 1)
    )
    first.revise_target_date(datetime.date(2025, 9, 1))
    second = raise_action(meeting, "Two.", owners=[make_person("Al Moss")])
    Action.objects.update(due_on=None, owner_sort="")
    migration = importlib.import_module("actions.migrations.0005_action_due_on")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL)
        cursor.execute(migration.FILL_OWNER_SORT)
    assert list(Action.objects.values_list("reference", "due_on", "owner_sort").order_by("id")) == [
        (first.reference, datetime.date(2025, 9, 1), "SECAS"),
        (second.reference, None, "Al Moss"),
    ]
