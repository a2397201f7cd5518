"""Items as committees number and group them: headings without a number, paper references,
numbering continuing across meetings, the Apologies item written from the attendance, and a
standard agenda with headings, sub-items and default text."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from minutes.forms import ItemForm
from minutes.models import AgendaItem, Attendance, Committee, ItemKind, Meeting, StandardAgendaItem
from minutes.selectors import meeting_minutes
from minutes.services.items import item_move
from minutes.services.meetings import meeting_create
from tests.factories import make_attendance, make_item, make_meeting, make_organisation, make_person

pytestmark = pytest.mark.django_db

D = datetime.date


def headings(meeting):
    return [item.heading_text for item in meeting_minutes(meeting).all_items]


def test_a_heading_groups_the_items_after_it_and_takes_no_number(committee):
    meeting = make_meeting(committee, 1)
    make_item(meeting, "Open Session", kind=ItemKind.HEADING)
    welcome = make_item(meeting, "Welcome")
    make_item(meeting, "Apologies note", parent=welcome)
    make_item(meeting, "Confidential Session", kind=ItemKind.HEADING)
    make_item(meeting, "Security incident")
    assert headings(meeting) == [
        "Open Session",
        "1. Welcome",
        "1.1. Apologies note",
        "Confidential Session",
        "2. Security incident",
    ]


def test_a_heading_takes_no_sub_items(committee):
    meeting = make_meeting(committee, 1)
    heading = make_item(meeting, "Open Session", kind=ItemKind.HEADING)
    item = make_item(meeting, "Welcome")
    with pytest.raises(ValidationError, match="A heading takes no sub-items"):
        make_item(meeting, "Under it", parent=heading)
    with pytest.raises(ValidationError, match="is a heading"):
        item_move(item=item, direction="indent")
    assert not AgendaItem.objects.filter(parent=heading).exists()


def test_paper_references_print_after_the_title_where_the_committee_prints_them(client, users, committee):
    meeting = make_meeting(committee, 55)
    item = make_item(meeting, "PMR Report")
    item.paper_reference = "OPSG_55_03"
    item.save()
    assert headings(meeting) == ["1. PMR Report"]
    Committee.objects.filter(pk=committee.pk).update(print_paper_references=True)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert headings(meeting) == ["1. PMR Report (OPSG_55_03)"]
    client.force_login(users["member"])
    page = client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    assert "1. PMR Report (OPSG_55_03)</h2>" in page


def test_continuous_numbering_goes_on_across_three_meetings(committee):
    Committee.objects.filter(pk=committee.pk).update(item_numbering="continuous")
    committee.refresh_from_db()
    for position, title in enumerate(("Minutes", "Reports", "Any Other Business"), start=1):
        StandardAgendaItem.objects.create(committee=committee, title=title, position=position)
    StandardAgendaItem.objects.create(
        committee=committee, title="Closed Session", kind=ItemKind.HEADING, position=4
    )
    numbers = []
    for number, day in ((1, D(2025, 1, 6)), (2, D(2025, 2, 3)), (3, D(2025, 3, 3))):
        meeting = meeting_create(committee=committee, number=number, held_on=day)
        numbers.append([item.number for item in meeting_minutes(meeting).all_items])
    assert numbers == [["1", "2", "3", ""], ["4", "5", "6", ""], ["7", "8", "9", ""]]


def test_the_secretary_can_set_where_a_meetings_numbers_start(client, users, committee):
    meeting = make_meeting(committee, 55)
    make_item(meeting, "Minutes")
    client.force_login(users["secretary"])
    data = {
        "token": meeting.edit_token(
            (
                "kind",
                "held_on",
                "start_time",
                "end_time",
                "location",
                "first_item_number",
                "next_main_meeting_on",
                "next_reporting_meeting_on",
            )
        ),
        "kind": "main",
        "held_on": meeting.held_on.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "location": "Teleconference",
        "first_item_number": "41",
    }
    assert client.post(reverse("minutes:meeting-details", args=[meeting.reference]), data).status_code == 302
    assert headings(Meeting.objects.get(pk=meeting.pk)) == ["41. Minutes"]


def test_the_apologies_item_is_written_from_the_attendance_until_the_secretary_writes_it(
    client, users, committee
):
    meeting = make_meeting(committee, 55)
    item = make_item(meeting, "Apologies", kind=ItemKind.APOLOGIES)
    dcc = make_organisation("DCC")
    make_attendance(
        meeting, make_person("Ada Lovelace", organisation=dcc), status=Attendance.Status.APOLOGIES
    )
    make_attendance(meeting, make_person("Bob <Builder>"), status=Attendance.Status.APOLOGIES)
    make_attendance(meeting, make_person("Cy Present"))
    shown = meeting_minutes(meeting).item(item.pk)
    assert (
        shown.minutes_html
        == "<p>Apologies were received from Ada Lovelace (DCC) and Bob &lt;Builder&gt;.</p>"
    )
    client.force_login(users["secretary"])
    draft = client.get(reverse("minutes:meeting-draft", args=[meeting.reference])).content.decode()
    assert "Written from the attendance until you change it." in draft
    item.minutes_text = "<p>Apologies from Ada only.</p>"
    item.save()
    assert meeting_minutes(meeting).item(item.pk).minutes_html == "<p>Apologies from Ada only.</p>"


def test_with_no_apologies_the_item_says_so(committee):
    meeting = make_meeting(committee, 55)
    item = make_item(meeting, "Apologies", kind=ItemKind.APOLOGIES)
    assert meeting_minutes(meeting).item(item.pk).minutes_html == "<p>No apologies were received.</p>"


AGENDA = """\
code = "PAB"
name = "Performance Assurance Board"
lead_in = "The Board"
item_numbering = "continuous"
paper_references = true

[[standard_agenda]]
title = "Open Session"
heading = true

[[standard_agenda]]
title = "Apologies"
kind = "apologies"

[[standard_agenda]]
title = "Performance reports"
text = "<p>The Board considered the reports.</p>"

[[standard_agenda.children]]
title = "Settlement"

[[standard_agenda.children]]
title = "Metering"
"""


def test_a_standard_agenda_with_a_heading_sub_items_and_text_from_the_file(tmp_path):
    path = tmp_path / "pab.toml"
    path.write_text(AGENDA)
    call_command("configure_committee", str(path), stdout=io.StringIO())
    committee = Committee.objects.get(code="PAB")
    assert committee.numbers_items_continuously and committee.print_paper_references
    meeting = meeting_create(committee=committee, number=1, held_on=D(2025, 1, 6))
    assert headings(meeting) == [
        "Open Session",
        "1. Apologies",
        "2. Performance reports",
        "2.1. Settlement",
        "2.2. Metering",
    ]
    reports = meeting.items.get(title="Performance reports")
    assert reports.minutes_text == "<p>The Board considered the reports.</p>"
    out = io.StringIO()
    call_command("export_committee", "PAB", stdout=out)
    path.write_text(out.getvalue())
    said = io.StringIO()
    call_command("configure_committee", str(path), stdout=said)
    assert "Nothing changed" in said.getvalue()


def test_a_heading_in_the_file_takes_no_sub_items(tmp_path):
    path = tmp_path / "pab.toml"
    path.write_text(
        AGENDA.replace('title = "Performance reports"', 'title = "Performance reports"\nheading = true')
    )
    with pytest.raises(Exception, match="a heading takes no sub-items"):
        call_command("configure_committee", str(path), stdout=io.StringIO())
    assert not Committee.objects.filter(code="PAB").exists()


def test_the_item_form_makes_an_item_a_heading_and_gives_its_paper(client, users, committee):
    meeting = make_meeting(committee, 55)
    item = make_item(meeting, "Open Session")
    make_item(meeting, "Reports")
    client.force_login(users["secretary"])
    prefix = f"item-{item.pk}"
    data = {
        f"{prefix}-token": item.edit_token(ItemForm.token_fields),
        f"{prefix}-title": "Open Session",
        f"{prefix}-is_heading": "on",
        f"{prefix}-paper_reference": "",
    }
    assert (
        client.post(reverse("minutes:item-edit", args=[meeting.reference, item.pk]), data).status_code == 302
    )
    assert headings(meeting) == ["Open Session", "1. Reports"]
