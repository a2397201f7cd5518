"""The committee settings page: its secretaries change the conventions, see a preview, and published
minutes stay as published."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action
from minutes.models import Committee, Meeting
from minutes.services.committees import committee_configure
from tests.factories import (
    make_attendance,
    make_decision,
    make_item,
    make_meeting,
    make_person,
    publish,
    raise_action,
    settings_data,
)

pytestmark = pytest.mark.django_db


def url(committee):
    return reverse("minutes:committee-settings", args=[committee.code])


def data(committee, **changes):
    return settings_data(committee, **changes)


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider", 404), ("reader", 403), ("member", 403), ("owner", 403), ("chair", 403), ("secretary", 200)],
)
def test_only_the_committees_secretaries_open_its_settings(client, users, committee, role, status):
    client.force_login(users[role])
    assert client.get(url(committee)).status_code == status
    assert client.post(url(committee), data(committee, name="Renamed")).status_code in (status, 302)
    assert Committee.objects.get(pk=committee.pk).name == (
        "Renamed" if role == "secretary" else "Operations Group"
    )


def test_the_page_previews_what_a_change_would_give_without_saving_it(client, users, committee):
    make_meeting(committee, 55)
    client.force_login(users["secretary"])
    page = client.get(url(committee)).content.decode()
    assert "OPSG 55/01, OPSG 55/02, OPSG 55/03" in page

    changes = {
        "action_reference": "Action {n:03}",
        "action_numbering": "committee",
        "decision_list": "letters",
    }
    response = client.post(url(committee), {**data(committee, **changes), "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "Preview of your changes" in page
    assert "Action 001, Action 002, Action 003" in page
    assert '<span class="decision-marker">a)</span>' in page
    assert Committee.objects.get(pk=committee.pk).action_reference == "{code} {meeting}/{n:02}"  # not saved


def test_saving_changes_the_next_actions_and_the_drafts_not_the_published_minutes(client, users, committee):
    published = make_meeting(committee, 54)
    item = make_item(published, "Reports")
    make_decision(item, "NOTED", "the report")
    make_decision(item, "AGREED", "the plan")
    make_attendance(published, make_person("Andy Knowles"), initials="AK")
    publish(published, users["secretary"])
    pdf = bytes(published.published_versions.get().pdf)
    draft = make_meeting(committee, 55)
    draft_item = make_item(draft, "Reports")
    make_decision(draft_item, "NOTED", "the report")
    make_decision(draft_item, "AGREED", "the plan")
    raise_action(draft)
    make_attendance(draft, make_person("Rachel Black"), initials="RB")

    client.force_login(users["secretary"])
    changes = {
        "action_reference": "{code}/{meeting}/{n:03}",
        "decision_list": "numbers",
        "decision_name": "The Group",
        "attendance_columns": ["name", "initials"],
        "attendance_grouping": "none",
    }
    response = client.post(url(committee), data(committee, **changes))
    assert response.status_code == 302
    assert raise_action(draft).reference == "OPSG/55/002"
    assert Action.objects.filter(meeting=draft).order_by("pk").first().reference == "OPSG 55/01"
    draft_page = client.get(reverse("minutes:meeting-detail", args=[draft.reference])).content.decode()
    assert "The Group:" in draft_page and '<span class="decision-marker">2.</span>' in draft_page
    assert "<td>Rachel Black</td><td>RB</td>" in draft_page
    published.refresh_from_db()
    assert bytes(published.published_versions.get().pdf) == pdf
    response = client.get(reverse("minutes:meeting-pdf", args=[published.reference]))
    assert response.content == pdf


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"action_reference": "{code} {x}/{n}"}, "action_reference", "{x} is not a placeholder"),
        ({"action_reference": "{code} {meeting}"}, "action_reference", "needs {n}"),
        ({"action_reference": "Action {n:03}"}, "action_reference", "needs {meeting}"),
        ({"action_reference": "<b>{meeting}/{n}</b>"}, "action_reference", "Use letters, digits"),
        ({"action_reference": "{code} {meeting}{n:02}"}, "action_reference", "between {meeting} and {n}"),
        ({"decision_verbs": "AGREED\nagreed"}, "decision_verbs", "listed twice"),
        ({"decision_verbs": "  "}, "decision_verbs", "at least one verb"),
        ({"decision_name": " "}, "decision_name", "Give the lead-in"),
        ({"decision_list": "roman"}, "decision_list", "Select a valid choice"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_and_nothing_changes(
    client, users, committee, changes, field, says
):
    client.force_login(users["secretary"])
    before = Committee.objects.filter(pk=committee.pk).values().get()
    response = client.post(url(committee), data(committee, **changes))
    assert response.status_code == 422
    assert says in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert "is-invalid" in page and 'aria-invalid="true"' in page
    for value in changes.values():
        if value.strip():
            assert html.escape(value.split("\n")[0]) in page  # what was typed is kept
    assert Committee.objects.filter(pk=committee.pk).values().get() == before


def test_a_pattern_that_would_give_a_used_reference_again_is_refused(users, committee):
    meeting = make_meeting(committee, 55)
    raise_action(meeting)  # OPSG 55/01
    # As an import of historic actions with their references as typed may leave the counters.
    Meeting.objects.filter(pk=meeting.pk).update(last_action_sequence=0)
    with pytest.raises(ValidationError) as refused:
        committee_configure(committee=committee, action_reference="{code} {meeting}/0{n}")
    assert "would get OPSG 55/01, which an action of OPSG already has" in str(refused.value)
    committee.refresh_from_db()
    assert committee.action_reference == "{code} {meeting}/{n:02}"


def test_the_meetings_list_links_the_settings_of_the_committees_one_runs(client, users, committee):
    client.force_login(users["secretary"])
    assert url(committee) in client.get(reverse("minutes:meeting-list")).content.decode()
    client.force_login(users["member"])
    assert url(committee) not in client.get(reverse("minutes:meeting-list")).content.decode()
