"""The admin serves the secretariat's reference data: every page of it works."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

APPS = {"minutes", "actions"}


@pytest.fixture
def secretary_client(client):
    call_command("load_demo", verbosity=0)
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def test_every_model_of_the_domain_is_in_the_admin():
    names = {model.__name__ for model in registered_models()}
    assert {
        "Committee",
        "SeatCategory",
        "Organisation",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Attendance",
        "Action",
    } <= names


def test_secretariat_staff_can_list_search_filter_and_open_every_admin_page(secretary_client):
    for model in registered_models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert secretary_client.get(changelist).status_code == 200, changelist
        assert secretary_client.get(changelist, {"q": "DCC"}).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert secretary_client.get(change).status_code == 200, change


def test_members_without_staff_rights_cannot_use_the_admin(client):
    call_command("load_demo", verbosity=0)
    client.force_login(get_user_model().objects.get(username="member"))
    response = client.get(reverse("admin:minutes_meeting_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_admin_refuses_to_close_an_action_without_a_closure_date(secretary_client):
    from actions.models import Action

    action = Action.objects.get(reference="OPSG 55/01")
    url = reverse("admin:actions_action_change", args=[action.pk])
    form = secretary_client.get(url).context["adminform"].form
    data = {
        "item": action.item_id,
        "text": action.text,
        "owner_organisations": [o.pk for o in action.owner_organisations.all()],
        "raised_on": "23/08/2021",
        "status": "closed",
        "closed_on": "",
    }
    for prefix in ["target_dates", "updates"]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    assert form is not None
    response = secretary_client.post(url, data)
    assert response.status_code == 200
    assert "Give the date the action was closed." in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
