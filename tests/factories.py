"""Small builders for test data: each makes one valid object with sensible defaults."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from actions.models import Action
from minutes.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Footnote,
    ItemKind,
    Meeting,
    Membership,
    Organisation,
    Person,
    SeatCategory,
    StandardAgendaItem,
)

_counter = itertools.count(1)

CATEGORIES = ["Chair", "Network Parties", "Large Suppliers", "Small Suppliers", "DCC", "SECAS"]


def make_committee(code="OPSG", name="Operations Group", categories=CATEGORIES):
    committee = Committee.objects.create(code=code, name=name, decision_name=f"The {code}")
    for position, category in enumerate(categories, start=1):
        SeatCategory.objects.create(committee=committee, name=category, position=position)
    return committee


def make_organisation(name=None):
    return Organisation.objects.get_or_create(name=name or f"Organisation {next(_counter)}")[0]


def make_person(name=None, organisation=None, user=None):
    return Person.objects.create(
        name=name or f"Person {next(_counter)}", organisation=organisation, user=user
    )


def make_user(username=None, *, committee=None, role=None, is_staff=False, password="test-password-123"):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", password, is_staff=is_staff
    )
    if committee is not None and role is not None:
        Membership.objects.create(committee=committee, user=user, role=role)
    return user


def make_standard_agenda(committee, third="Any Other Business"):
    """The committee's standard agenda: previous minutes, actions outstanding, then `third`."""
    titles = [
        ("Previous Meeting Minutes", ItemKind.PREVIOUS_MINUTES),
        ("Actions Outstanding", ItemKind.ACTIONS_OUTSTANDING),
        (third, ItemKind.ITEM),
    ]
    for position, (title, kind) in enumerate(titles, start=1):
        StandardAgendaItem.objects.create(committee=committee, title=title, kind=kind, position=position)


def make_meeting(committee, number=None, held_on=None, **fields):
    number = number if number is not None else next(_counter) + 100
    held_on = held_on or datetime.date(2021, 1, 1) + datetime.timedelta(days=number)
    fields.setdefault("start_time", datetime.time(10, 0))
    fields.setdefault("end_time", datetime.time(12, 0))
    return Meeting.objects.create(committee=committee, number=number, held_on=held_on, **fields)


def make_item(meeting, title=None, *, parent=None, kind=ItemKind.ITEM, text="", position=None):
    if position is None:
        position = AgendaItem.objects.filter(meeting=meeting, parent=parent).count() + 1
    return AgendaItem.objects.create(
        meeting=meeting,
        parent=parent,
        title=title or f"Item {next(_counter)}",
        kind=kind,
        minutes_text=text,
        position=position,
    )


def make_decision(item, verb="NOTED", text="the update", **fields):
    return Decision.objects.create(item=item, verb=verb, text=text, **fields)


def make_footnote(item, anchor_text, text="A footnote."):
    return Footnote.objects.create(item=item, anchor_text=anchor_text, text=text)


def make_attendance(meeting, person=None, category=None, status=Attendance.Status.PRESENT, **fields):
    category = category or meeting.committee.seat_categories.first()
    return Attendance.objects.create(
        meeting=meeting, person=person or make_person(), seat_category=category, status=status, **fields
    )


def raise_action(
    meeting, text="The DCC to report back.", *, owners=None, target_on=None, item=None, **fields
):
    owners = owners if owners is not None else [make_organisation("DCC")]
    return Action.objects.raise_action(
        meeting=meeting, item=item, text=text, owners=owners, target_on=target_on, **fields
    )


def publish(meeting, by):
    """Take a draft's minutes to published along the life cycle the pages use: circulate,
    the chair's sign-off, publish (the final PDF is rendered)."""
    meeting.circulate(by=by)
    meeting.approve(by=by, note="Approved by the chair's sign-off.")
    return meeting.publish(by=by)


def make_full_meeting(committee, number, scale):
    """A meeting with `scale` times roughly the content of OPSG_55."""
    earlier = make_meeting(
        committee, number - 1, held_on=datetime.date(2021, 7, 1) + datetime.timedelta(number)
    )
    meeting = make_meeting(committee, number, held_on=datetime.date(2021, 8, 23) + datetime.timedelta(number))
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    categories = list(committee.seat_categories.all())
    for _ in range(2 * scale):
        old = raise_action(earlier, owners=[dcc, make_person()], target_on=datetime.date(2021, 8, 1))
        old.record_meeting_update(meeting=meeting, text="Progress.", status=Action.Status.CLOSED)
    for i in range(26 * scale):
        make_attendance(meeting, make_person(organisation=dcc), categories[i % len(categories)])
    for i in range(5 * scale):
        make_attendance(meeting, category=categories[i % len(categories)], status=Attendance.Status.APOLOGIES)
    make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    for i in range(5 * scale):
        parent = make_item(meeting, text="<p>Parent text with anchor words.</p>")
        for _ in range(3):
            make_item(meeting, parent=parent, text="<p>Child text.</p>")
        make_decision(parent, "NOTED", "the report")
        make_decision(parent, "AGREED", "that it is fine")
        raise_action(meeting, item=parent, owners=[dcc, secas], target_on=datetime.date(2021, 9, 27))
        if i % 4 == 0:
            make_footnote(parent, "anchor words")
    return meeting


def settings_data(committee, **changes):
    """What the committee settings page posts for `committee` as it is, with `changes`."""
    committee.refresh_from_db()
    values = {
        "name": committee.name,
        "decision_name": committee.decision_name,
        "decision_verbs": committee.decision_verbs,
        "decision_list": committee.decision_list,
        "item_numbering": committee.item_numbering,
        "action_reference": committee.action_reference,
        "action_numbering": committee.action_numbering,
        "attendance_grouping": committee.attendance_grouping,
        "attendance_columns": committee.attendance_column_list,
        "open_statuses": "Open",
        "closed_statuses": "Closed",
    }
    if committee.print_paper_references:
        values["print_paper_references"] = "on"
    return {**values, **changes}
