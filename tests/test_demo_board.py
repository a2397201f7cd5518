"""The second demo committee: the Settlement Assurance Board, configured from its TOML file, with
meetings and actions dated around the day the demo is loaded."""

import re
import subprocess
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from actions.models import Action
from actions.services.reminders import send_action_reminders
from minutes.conventions_file import export, parse
from minutes.models import Committee, Meeting
from minutes.pdf import meeting_pdf
from opsg.demo import load_demo
from opsg.demo_board import CONVENTIONS
from tests.rolled_back import built_for_module

TODAY = date(2026, 3, 16)


def days(n):
    return TODAY + timedelta(days=n)


@pytest.fixture(scope="module")
def board(django_db_setup, django_db_blocker):
    """The demo, loaded once as on 16 March 2026, rolled back after the module."""

    def build():
        load_demo(today=TODAY)
        return Committee.objects.get(code="SAB")

    yield from built_for_module(django_db_blocker, build)


@pytest.fixture
def meetings(board, db):
    return {m.number: m for m in Meeting.objects.filter(committee=board).select_related("committee")}


def pdf_text(data, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_committee_is_as_its_file_says(board, db):
    data = parse(CONVENTIONS.read_text(encoding="utf-8"))
    exported = parse(export(board))
    for members in (data, exported):
        members["members"].sort(key=lambda member: member["username"])
    assert exported == data
    assert (board.action_reference, board.action_numbering, board.decision_list) == (
        "Action {n:03}",
        "committee",
        "letters",
    )
    assert board.attendance_column_list == ["name", "initials", "organisation", "role_note"]
    assert [(status.label, status.is_open) for status in board.action_statuses.all()] == [
        ("Open", True),
        ("Carried Forward", True),
        ("On Hold", True),
        ("Closed", False),
        ("Superseded", False),
    ]


def test_its_meetings_are_dated_around_the_day_the_demo_is_loaded(meetings):
    assert {n: (m.held_on, m.minutes_status) for n, m in meetings.items()} == {
        40: (days(-42), Meeting.Status.PUBLISHED),
        41: (days(-7), Meeting.Status.DRAFT),
        42: (days(14), Meeting.Status.DRAFT),
    }
    assert meetings[41].next_main_meeting_on == days(14)
    # Items numbered continuously: SAB 40 from 112 (six numbered items), SAB 41 from 118, SAB 42 from 124.
    assert [meetings[n].first_item_number for n in (40, 41, 42)] == [112, 118, 124]
    assert [item.title for item in meetings[42].items.filter(parent=None)][:2] == [
        "Open Session",
        "Apologies",
    ]
    assert meetings[40].published_versions.count() == 1


def test_actions_are_numbered_across_meetings_some_due_soon_and_one_overdue(meetings, board):
    actions = {a.reference: a for a in Action.objects.filter(committee=board)}
    assert sorted(actions) == [f"Action {n:03}" for n in range(21, 27)]
    assert (
        actions["Action 021"].due_on == days(-5)
        and actions["Action 021"].status_label.label == "Carried Forward"
    )
    assert actions["Action 022"].due_on == days(4)
    assert actions["Action 023"].status_label.label == "Superseded" and actions["Action 023"].is_closed
    assert actions["Action 024"].status_label.label == "Closed"
    overdue = Action.objects.filter(committee=board).overdue(TODAY)
    assert [a.reference for a in overdue] == ["Action 021"]
    assert Action.objects.raise_action(meeting=meetings[42], text="Next.").reference == "Action 027"


def test_the_board_owner_sees_their_actions_and_is_reminded(client, meetings, board, db):
    client.force_login(board.memberships.get(user__username="board-owner").user)
    page = client.get(reverse("actions:my-actions")).content.decode()
    for reference in ("Action 021", "Action 022", "Action 025"):
        assert reference in page
    assert client.get("/actions/SAB/Action-021/").status_code == 200

    send_action_reminders(today=TODAY)
    sent = {(message.to[0], message.subject) for message in mail.outbox if ": Action 0" in message.subject}
    assert sent == {
        ("board-owner@example.com", "Overdue: Action 021 (target date 11 March 2026)"),
        ("board-owner@example.com", "Due soon: Action 022 (target date 20 March 2026)"),
        # Owned by someone without a login: the e-mail carries a link of their own.
        ("sam.fielding@eastway.example", "Due soon: Action 026 (target date 19 March 2026)"),
    }


def test_the_draft_prints_with_the_committees_conventions(meetings, tmp_path):
    text = pdf_text(meeting_pdf(meetings[41]), tmp_path)
    words = " ".join(text.split())
    for expected in (
        "Name Initials Organisation Role",
        "Sam Fielding (for Helen Marsh) SF Eastway Networks",
        "Helen Marsh (represented by Sam Fielding)",
        "Tom Okafor (remote)",
        "Gareth Lloyd (from item 121)",
        "Aisha Khan (until item 121)",
        "Observers:",
        "Clara Nwosu (remote)",
        "Open Session",
        "118. Apologies Apologies were received from Ben Carter (Northgate Supply) and Helen Marsh",
        "121. Performance reports (SAB41/01)",
        "121.1. Settlement performance",
        "Action 025: Brightwater Energy to share",
        "The Board: a) NOTED the settlement performance report; b) AGREED",
        "Confidential Session",
        "Status: Carried Forward",
        "Status: Superseded",
    ):
        assert expected in words, expected
    assert "ACTION Action" not in words
    assert re.search(r"Action 021 Brightwater Energy to present", words)
