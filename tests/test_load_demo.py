"""`manage.py load_demo`: the OPSG committee and OPSG_55, transcribed from real draft minutes."""

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate
from minutes.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Footnote,
    ItemKind,
    Meeting,
    Membership,
    Person,
    SeatCategory,
    StandardAgendaItem,
    number_items,
)

pytestmark = pytest.mark.django_db


def logs_in(client, username, password):
    """Does the login form take this password? (Through the form: axes needs the request.)"""
    response = client.post(reverse("login"), {"username": username, "password": password})
    client.logout()
    return response.status_code == 302


PRESENT = {
    "Operations Group Chair": ["Dave Warner"],
    "Network Parties": [
        "Gemma Slaney",
        "Matthew Alexander",
        "Martin Christie",
        "Rochelle Harrison",
        "Emslie Law",
        "Ralph Baxter",
    ],
    "Large Suppliers": ["Andy Knowles", "Marta Kaminska", "Kevin Donnelly", "Rob Short", "Richard Shah"],
    "Small Suppliers": ["Kate Frazer"],
    "Other SEC Parties": ["Michael Snowden", "Wendy Liddell", "Lisa Wong", "Robbie MacIntosh"],
    "DCC": [
        "Easton Brown",
        "Daniel Heathcote",
        "Lisa Moran",
        "Timothy Dunning",
        "Leigh Hill",
        "Nicholas Ives",
    ],
    "SECAS": ["Veronica Asantewaa", "Joey Manners"],
    "BEIS": ["Natasha Free"],
}
APOLOGIES = {
    "Large Suppliers": ["John Noad", "Nick Coombs"],
    "Small Suppliers": ["Kate Barnes", "Geoff Huckerby"],
    "Other SEC Parties": ["Elias Hanna"],
}


def load(**kwargs):
    out = StringIO()
    call_command("load_demo", stdout=out, **kwargs)
    return out.getvalue()


def dump():
    """Every row of every model (and many-to-many table) of minutes, actions and auth users."""
    User = get_user_model()
    models = [
        *apps.get_app_config("minutes").get_models(include_auto_created=True),
        *apps.get_app_config("actions").get_models(include_auto_created=True),
        User,
        User.groups.through,
        User.user_permissions.through,
        Group,
        Group.permissions.through,
    ]
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models}


def opsg55():
    return Meeting.objects.get_by_reference("OPSG_55")


def test_second_run_changes_nothing():
    load()
    before = dump()
    assert before["minutes.Meeting"], "the first run created nothing"
    output = load()
    assert dump() == before
    assert "OPSG_55 already exists" in output


def test_second_run_keeps_a_changed_password(client):
    load()
    user = get_user_model().objects.get(username="member")
    user.set_password("changed-by-the-user")
    user.save()
    output = load()
    assert "member / (changed since created) / Member" in output
    assert "chair / minutes-demo / Chair" in output
    assert logs_in(client, "member", "changed-by-the-user")
    assert not logs_in(client, "member", "minutes-demo")


def test_committee_and_reference_data():
    load()
    committee = Committee.objects.get(code="OPSG")
    assert (committee.name, committee.decision_name) == ("Operations Group", "The OPSG")
    assert committee.verbs == ["AGREED", "NOTED", "APPROVED", "CONSIDERED", "REQUESTED"]
    assert list(SeatCategory.objects.filter(committee=committee).values_list("position", "name")) == list(
        enumerate(PRESENT, start=1)
    )
    assert list(
        StandardAgendaItem.objects.filter(committee=committee).values_list("position", "title", "kind")
    ) == [
        (1, "Previous Meeting Minutes", ItemKind.PREVIOUS_MINUTES),
        (2, "Actions Outstanding", ItemKind.ACTIONS_OUTSTANDING),
        (3, "SEC Panel Reports", ItemKind.ITEM),
        (4, "PMR Report", ItemKind.ITEM),
        (5, "Performance Indicator Summary Report", ItemKind.ITEM),
        (6, "Major Incident Review", ItemKind.ITEM),
        (7, "Any Other Business", ItemKind.ITEM),
    ]


def test_opsg55_meeting_fields():
    load()
    meeting = opsg55()
    assert meeting.kind == Meeting.Kind.REPORTING
    assert meeting.held_on == date(2021, 8, 23)
    assert (meeting.start_time, meeting.end_time) == (time(12, 20), time(15, 20))
    assert meeting.location == "Teleconference"
    assert meeting.minutes_status == Meeting.Status.DRAFT
    assert meeting.next_main_meeting_on == date(2021, 9, 7)
    assert meeting.next_reporting_meeting_on == date(2021, 9, 27)


def test_attendance_and_apologies():
    load()
    meeting = opsg55()
    assert meeting.attendances.filter(status=Attendance.Status.PRESENT).count() == 26
    assert meeting.attendances.filter(status=Attendance.Status.APOLOGIES).count() == 5
    for status, expected in ((Attendance.Status.PRESENT, PRESENT), (Attendance.Status.APOLOGIES, APOLOGIES)):
        rows = meeting.attendances.filter(status=status).select_related("person", "seat_category")
        grouped = {}
        for row in rows:
            grouped.setdefault(row.seat_category.name, []).append(row.person.name)
        assert grouped == expected
        for category, names in expected.items():
            positions = rows.filter(seat_category__name=category).values_list("position", flat=True)
            assert list(positions) == list(range(1, len(names) + 1))
    secretary = meeting.attendances.get(person__name="Veronica Asantewaa")
    assert secretary.role_note == "Meeting Secretary"
    assert meeting.attendances.exclude(role_note="").count() == 1
    # People in the DCC, SECAS and BEIS seats belong to that organisation, the others to none.
    for row in meeting.attendances.select_related("person__organisation", "seat_category"):
        organisation = row.person.organisation.name if row.person.organisation else None
        category = row.seat_category.name
        assert organisation == (category if category in {"DCC", "SECAS", "BEIS"} else None), row.person


def test_items_are_numbered_from_order_and_nesting():
    load()
    meeting = opsg55()
    top = number_items(list(meeting.items.all()))
    numbered = {}
    for item in top:
        numbered[item.number] = item
        for child in item.sub_items:
            numbered[child.number] = child
    assert [(item.number, item.title) for item in top] == [
        ("1", "Previous Meeting Minutes"),
        ("2", "Actions Outstanding"),
        ("3", "SEC Panel Reports"),
        ("4", "PMR Report – June 2021"),
        ("5", "Performance Indicator Summary Report – June 2021"),
        ("6", "Unexpected Service Responses and Anomaly Detection"),
        ("7", "Major Incident Review"),
        ("8", "Any Other Business"),
    ]
    assert [child.number for child in numbered["3"].sub_items] == ["3.1", "3.2", "3.3", "3.4", "3.5"]
    assert numbered["3.1"].title == "Registration Data Provider Incident Report"
    assert numbered["3.5"].title == "DCC Responsible Communications Hubs Returns Quarterly Report"
    assert numbered["4.1"].title == "DXC ‘Failure to Report’ impacting CPM1 and CPM3"
    assert numbered["7.1"].title == "INC000000746657"
    assert numbered["8.3"].title == "Performance Assurance Framework (PAF)"
    assert len(numbered) == 8 + 5 + 1 + 1 + 3
    assert numbered["1"].kind == ItemKind.PREVIOUS_MINUTES
    assert numbered["2"].kind == ItemKind.ACTIONS_OUTSTANDING
    assert {item.kind for number, item in numbered.items() if number not in {"1", "2"}} == {ItemKind.ITEM}
    assert [number for number, item in numbered.items() if item.is_deferred] == ["6"]
    assert numbered["6"].deferred_note == ""


def test_minutes_text():
    load()
    meeting = opsg55()
    items = {item.title: item for item in meeting.items.all()}
    for item in items.values():
        for slip in ("INC0O", "INCO0", "SMETSL1", "MaclIntosh", "DCC'’s", "’'s", "ADTSs", "OSPG", "Th OPSG"):
            assert slip not in item.minutes_text, (item.title, slip)
        # Decisions and actions are rows of their own, not text.
        assert "AGREED" not in item.minutes_text
        assert "NOTED" not in item.minutes_text
        assert "ACTION OPSG" not in item.minutes_text
    assert items["SEC Panel Reports"].minutes_text == (
        "<p>SECAS presented a summary of the SEC Panel reports to the OPSG.</p>"
    )
    assert items["Actions Outstanding"].minutes_text == (
        "<p>SECAS presented the updates to the actions outstanding. "
        "Actions were noted as completed where appropriate.</p>"
    )
    rdp = items["Registration Data Provider Incident Report"].minutes_text
    assert rdp.endswith(
        "<ul><li>Incidents INC000000757735, INC000000744865 and INC000000753121 had been closed.</li>"
        "<li>Incidents INC000000737522 and INC000000737523 are awaiting a fix from RDPs.</li></ul>"
    )
    returns = items["DCC Responsible Communications Hubs Returns Quarterly Report"].minutes_text
    assert "as per action 29/15." in returns
    assert returns.endswith("follow an earliest to latest format (left to right).</p>")
    assert "The OPSG also requested" in returns
    assert "<p>The OPSG requested that the DCC provide a combined graph" in returns
    assert "Central &amp; South (C&amp;S)" in returns
    assert "DCC’s finance department" in returns
    assert "the recent SMETS1 related Incidents" in items["SEC Panel Quarterly Problem Report"].minutes_text
    assert items["Unexpected Service Responses and Anomaly Detection"].minutes_text == (
        "<p>The OPSG Chair noted that this item should be deferred "
        "as it is due to be reviewed by the SSC.</p>"
    )
    assert "The OPSG agreed that the issues with SMETS2 performance" in (
        items["Performance Indicator Summary Report – June 2021"].minutes_text
    )
    assert items["Major Incident Review"].minutes_text == ""
    assert items["Any Other Business"].minutes_text == ""
    assert items["Performance Assurance Framework (PAF)"].minutes_text.endswith(
        "<p>There was no further business, and the Chair closed the meeting.</p>"
    )
    assert items["Previous Meeting Minutes"].minutes_text.count("<p>") == 1
    assert "Date 9" not in "".join(item.minutes_text for item in items.values())


def test_footnote():
    load()
    footnote = Footnote.objects.get(item__meeting=opsg55())
    assert footnote.item.title == "DCC Responsible Communications Hubs Returns Quarterly Report"
    assert footnote.anchor_text == "as per action 29/15"
    assert footnote.text == (
        "Action OPSG 29/15: The DCC to perform an audit of the CSPs CH triage process "
        "and provide an update at the next meeting (OPSG_30)."
    )


def test_decisions():
    load()
    meeting = opsg55()
    decisions = Decision.objects.filter(item__meeting=meeting).select_related("item")
    assert decisions.count() == 9
    by_item = {}
    for decision in decisions.order_by("item__parent_id", "item__position", "position"):
        by_item.setdefault(decision.item.title, []).append((decision.verb, decision.text))
    assert by_item == {
        "Previous Meeting Minutes": [
            ("AGREED", "that the Draft Minutes from OPSG_53 will be published as final")
        ],
        "Actions Outstanding": [("NOTED", "the update")],
        "SEC Panel Reports": [
            ("NOTED", "the SEC Panel Reports"),
            (
                "APPROVED",
                "the summary of DCC reporting (Annex 1) noting that the report reflected the service "
                "experience by Users in July 2021",
            ),
        ],
        "PMR Report – June 2021": [
            ("NOTED", "the PMR"),
            ("AGREED", "that the report reflected the service experienced for the period of June 2021"),
        ],
        "Performance Indicator Summary Report – June 2021": [("NOTED", "the presentation")],
        "Major Incident Review": [
            ("NOTED", "the Major Incident Review"),
            (
                "AGREED",
                "that the Review Report for INC000000746657 be published to all SEC Parties, once "
                "amendments identified by the OPSG have been made",
            ),
        ],
    }
    # Decisions sit on top-level items, so they print after the sub-items.
    assert not decisions.filter(item__parent__isnull=False).exists()
    assert [d.position for d in decisions.filter(item__title="SEC Panel Reports")] == [1, 2]


def test_opsg53_approved_at_opsg55():
    load()
    opsg53 = Meeting.objects.get_by_reference("OPSG_53")
    assert opsg53.minutes_status == Meeting.Status.APPROVED
    (approval,) = opsg53.approvals.all()
    assert approval.item.meeting == opsg55()
    assert approval.item.kind == ItemKind.PREVIOUS_MINUTES
    assert approval.verb == "AGREED"
    assert Decision.objects.exclude(approves_minutes_of=None).count() == 1


def test_earlier_meetings():
    load()
    opsg43 = Meeting.objects.get_by_reference("OPSG_43")
    opsg53 = Meeting.objects.get_by_reference("OPSG_53")
    assert (opsg43.kind, opsg43.held_on, opsg43.minutes_status) == (
        Meeting.Kind.MAIN,
        date(2021, 2, 22),
        Meeting.Status.PUBLISHED,
    )
    assert (opsg53.kind, opsg53.held_on) == (Meeting.Kind.REPORTING, date(2021, 7, 26))
    standard = ["Previous Meeting Minutes", "Actions Outstanding", "SEC Panel Reports", "PMR Report"]
    for meeting in (opsg43, opsg53):
        titles = [item.title for item in number_items(list(meeting.items.all()))]
        assert titles[:4] == standard
        assert "Major Incident Review" in titles
        assert not AgendaItem.objects.filter(meeting=meeting).exclude(minutes_text="").exists()
    assert [m.reference for m in opsg55().earlier_meetings()] == ["OPSG_53", "OPSG_43"]


def test_new_actions_at_opsg55():
    load()
    meeting = opsg55()
    actions = list(meeting.actions.order_by("sequence").select_related("item"))
    assert [(a.reference, a.item.title, a.owner_names) for a in actions] == [
        ("OPSG 55/01", "SEC Panel Reports", "DCC"),
        ("OPSG 55/02", "Performance Indicator Summary Report – June 2021", "DCC, SECAS"),
        ("OPSG 55/03", "Performance Indicator Summary Report – June 2021", "SECAS"),
        ("OPSG 55/04", "Any Other Business", "DCC, SECAS"),
    ]
    assert actions[0].text == (
        "The DCC to provide a clear view of the User impact for the open problems that are "
        "attributed to DCO, in the Q2 2021 Quarterly Problem Report."
    )
    assert actions[2].text == "SECAS to highlight to the Panel the issues with SMETS2 performance."
    for action in actions:
        assert action.status == Action.Status.OPEN
        assert action.raised_on == date(2021, 8, 23)
        assert action.current_target_on == date(2021, 9, 27)
        assert not action.updates.exists()
    meeting.refresh_from_db()
    assert meeting.last_action_sequence == 4


def test_actions_outstanding_at_opsg55():
    load()
    meeting = opsg55()
    outstanding = list(Action.objects.outstanding_at(meeting).order_by("raised_on"))
    assert [a.reference for a in outstanding] == ["OPSG 43/08", "OPSG 53/10"]
    expected = {
        "OPSG 43/08": (date(2021, 2, 22), "PMR Report", "SECAS and the DCC to discuss the issues"),
        "OPSG 53/10": (date(2021, 7, 26), "Major Incident Review", "The DCC to confirm the Incident start"),
    }
    for action in outstanding:
        raised_on, item_title, text_start = expected[action.reference]
        assert action.raised_on == raised_on
        assert action.item.title == item_title
        assert action.item.meeting == action.meeting
        assert action.text.startswith(text_start)
        assert action.owner_names == "DCC"
        assert action.status == Action.Status.CLOSED
        assert action.closed_on == date(2021, 8, 23)
        assert action.target_dates_at(meeting) == (date(2021, 8, 23), None)
        (update,) = action.updates.all()
        assert update.meeting == meeting
        assert update.given_on == date(2021, 8, 23)
        assert update.status_after == Action.Status.CLOSED
        assert "Status" not in update.text
    updates = {u.action.reference: u.text for u in ActionUpdate.objects.select_related("action")}
    assert updates["OPSG 43/08"].endswith("via the PMR Queries Log.")
    assert updates["OPSG 53/10"].startswith(
        "The DCC noted that the actual outage time was from 11:15 to 12:15."
    )
    assert Meeting.objects.get_by_reference("OPSG_43").last_action_sequence == 8
    assert Meeting.objects.get_by_reference("OPSG_53").last_action_sequence == 10


def test_seed_names_are_people():
    load()
    names = set(Person.objects.values_list("name", flat=True))
    for group in (PRESENT, APOLOGIES):
        for category_names in group.values():
            assert set(category_names) <= names
    assert "Robbie MacIntosh" in names
    assert not Person.objects.filter(name__icontains="MaclIntosh").exists()


def test_demo_users_roles_and_logins(client):
    output = load()
    User = get_user_model()
    expected = {
        "secretary": ("Veronica Asantewaa", Membership.Role.SECRETARY),
        "chair": ("Dave Warner", Membership.Role.CHAIR),
        "member": ("Andy Knowles", Membership.Role.MEMBER),
        "owner": ("Easton Brown", Membership.Role.OWNER),
        "reader": ("Rachel Reader", Membership.Role.READER),
    }
    committee = Committee.objects.get(code="OPSG")
    for username, (person_name, role) in expected.items():
        user = User.objects.get(username=username)
        assert user.person.name == person_name
        assert f"{user.first_name} {user.last_name}" == person_name
        assert user.email == f"{username}@example.com"
        assert Membership.objects.get(committee=committee, user=user).role == role
        assert not user.is_staff
        assert not user.is_superuser
        assert logs_in(client, username, "minutes-demo"), username
        assert f"{username} / minutes-demo / {role.label}" in output
    assert User.objects.get(username="owner").person.organisation.name == "DCC"
    assert User.objects.get(username="reader").person.organisation is None
    group = Group.objects.get(name="Secretariat")
    # Staff is the demo's admin only; DEMO_MODE never exempts it from two-factor authentication.
    admin = User.objects.get(username="admin", is_staff=True, is_superuser=False)
    assert "admin / minutes-demo / staff: /admin/, two-factor authentication always" in output
    assert list(User.objects.filter(groups=group).values_list("username", flat=True)) == ["admin"]
    expected_perms = Permission.objects.filter(content_type__app_label__in=["minutes", "actions"])
    assert expected_perms.count() > 0
    assert set(group.permissions.all()) == set(expected_perms)
    assert admin.has_perm("minutes.change_agendaitem")
    assert admin.has_perm("actions.add_action")


def test_demo_password_from_environment(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    output = load()
    assert "chair / another-demo-secret / Chair" in output
    assert logs_in(client, "chair", "another-demo-secret")


def test_load_demo_function_returns_usernames():
    from opsg.demo import load_demo

    usernames = ["secretary", "chair", "member", "owner", "reader", "board-chair", "board-owner", "admin"]
    assert load_demo(password="x-demo-password") == usernames
    assert load_demo() == usernames


def test_the_second_committee_is_loaded_around_today_with_its_logins():
    said = load()
    assert "Created committee SAB – Settlement Assurance Board from SAB.toml." in said
    assert "board-owner / minutes-demo / Action owner, SAB" in said
    sab41 = Meeting.objects.get_by_reference("SAB_41")
    assert sab41.held_on == timezone.localdate() - timedelta(days=7)
