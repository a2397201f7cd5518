"""Attendance as committees record it: initials, remote attendance, part of the meeting,
alternates sitting in for absent members, observers, and the columns each committee prints."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minutes.forms.attendance import AttendanceEditForm
from minutes.models import Attendance, Committee, suggest_initials
from minutes.pdf import meeting_pdf
from minutes.services.attendance import attendance_add, attendance_change
from tests.factories import (
    make_attendance,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    settings_data,
)
from tests.minutes.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

PRESENT, APOLOGIES, OBSERVER = (
    Attendance.Status.PRESENT,
    Attendance.Status.APOLOGIES,
    Attendance.Status.OBSERVER,
)


@pytest.fixture
def meeting(committee):
    meeting = make_meeting(committee, 55)
    for title in ("Welcome", "Minutes", "PMR Report", "Any Other Business"):
        make_item(meeting, title)
    return meeting


@pytest.fixture
def secretary(client, users):
    client.force_login(users["secretary"])
    return client


def category(committee, name):
    return committee.seat_categories.get(name=name)


def item(meeting, title):
    return meeting.items.get(title=title)


def add(client, meeting, **fields):
    data = {
        "attendance-name": fields.pop("name"),
        "attendance-organisation": "",
        "attendance-seat_category": category(meeting.committee, fields.pop("category", "DCC")).pk,
        "attendance-status": fields.pop("status", PRESENT),
        "attendance-role_note": "",
    }
    data.update({f"attendance-{name}": value for name, value in fields.items()})
    return client.post(reverse("minutes:attendance-add", args=[meeting.reference]), data)


def meeting_page(client, meeting):
    return client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()


@pytest.mark.parametrize(
    ("name", "initials"),
    [("Andy Knowles", "AK"), ("Mary-Jane O'Neil", "MO"), ("Gregor Hamilton-Smith", "GH"), ("", "")],
)
def test_initials_are_suggested_from_the_name(name, initials):
    assert suggest_initials(name) == initials


def test_initials_typed_are_kept_and_left_empty_are_suggested(meeting, committee):
    dcc = category(committee, "DCC")
    typed = attendance_add(
        meeting=meeting, name="Andy Knowles", seat_category=dcc, status=PRESENT, initials="AKn"
    )
    suggested = attendance_add(meeting=meeting, name="Rachel Black", seat_category=dcc, status=PRESENT)
    assert (typed.initials, suggested.initials) == ("AKn", "RB")
    changed = attendance_change(
        attendance=typed,
        seat_category=dcc,
        status=PRESENT,
        role_note="",
        based_on=typed.edit_token(AttendanceEditForm.token_fields),
        initials="  ",
    )
    assert changed.initials == "AK"


def test_remote_and_part_of_the_meeting_are_said_after_the_name(secretary, meeting):
    response = add(
        secretary,
        meeting,
        name="Dave Warner",
        remote="on",
        joined_at_item=item(meeting, "Minutes").pk,
        left_after_item=item(meeting, "PMR Report").pk,
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(person__name="Dave Warner")
    assert attendance.remote and attendance.initials == "DW"
    assert "Dave Warner (remote; items 2 to 3)" in meeting_page(secretary, meeting)

    later = add(secretary, meeting, name="Ed Late", joined_at_item=item(meeting, "PMR Report").pk)
    early = add(secretary, meeting, name="Fay Early", left_after_item=item(meeting, "Welcome").pk)
    assert later.status_code == early.status_code == 302
    page = meeting_page(secretary, meeting)
    assert "Ed Late (from item 3)" in page and "Fay Early (until item 1)" in page


def test_an_alternate_sits_in_for_a_member_who_sent_apologies(secretary, meeting, committee):
    absent = make_attendance(
        meeting, make_person("Bob Absent"), category(committee, "Large Suppliers"), status=APOLOGIES
    )
    response = add(
        secretary, meeting, name="Carol Standin", category="Large Suppliers", alternate_for=absent.pk
    )
    assert response.status_code == 302
    page = meeting_page(secretary, meeting)
    assert "Carol Standin (for Bob Absent)" in page
    assert "Bob Absent (represented by Carol Standin)" in page
    pdf = pdf_text(meeting_pdf(meeting))
    assert "Carol Standin (for Bob Absent)" in pdf and "Bob Absent (represented by Carol Standin)" in pdf


def test_an_alternate_for_someone_present_is_refused_next_to_the_field(secretary, meeting, committee):
    present = make_attendance(meeting, make_person("Bob Present"), category(committee, "DCC"))
    response = add(
        secretary,
        meeting,
        name="Carol Standin",
        alternate_for=present.pk,
        joined_at_item=item(meeting, "Minutes").pk,
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose a member who sent apologies to this meeting." in page
    assert 'value="Carol Standin"' in page  # what was typed is kept
    assert not Attendance.objects.filter(person__name="Carol Standin").exists()


def test_someone_sending_apologies_sits_in_for_nobody(meeting, committee):
    dcc = category(committee, "DCC")
    absent = make_attendance(meeting, make_person("Bob Absent"), dcc, status=APOLOGIES)
    with pytest.raises(Exception, match="sits in for nobody"):
        attendance_add(
            meeting=meeting, name="Carol", seat_category=dcc, status=APOLOGIES, alternate_for=absent
        )
    assert not Attendance.objects.filter(person__name="Carol").exists()


def test_an_item_of_another_meeting_is_refused(secretary, meeting, committee):
    other = make_item(make_meeting(committee, 56), "Elsewhere")
    response = add(secretary, meeting, name="Dave Warner", joined_at_item=other.pk)
    assert response.status_code == 422
    assert "Choose an item of this meeting." in response.content.decode()


def test_the_edit_form_changes_the_details(secretary, meeting, committee):
    attendance = make_attendance(
        meeting, make_person("Dave Warner"), category(committee, "DCC"), initials="DW"
    )
    prefix = f"attendance-{attendance.pk}-"
    response = secretary.post(
        reverse("minutes:attendance-edit", args=[meeting.reference, attendance.pk]),
        {
            prefix + "token": attendance.edit_token(AttendanceEditForm.token_fields),
            prefix + "seat_category": attendance.seat_category_id,
            prefix + "status": PRESENT,
            prefix + "role_note": "",
            prefix + "initials": "DWa",
            prefix + "remote": "on",
            prefix + "left_after_item": item(meeting, "PMR Report").pk,
        },
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert (attendance.initials, attendance.remote, attendance.left_after_item.title) == (
        "DWa",
        True,
        "PMR Report",
    )
    draft = secretary.get(reverse("minutes:meeting-draft", args=[meeting.reference])).content.decode()
    assert "Dave Warner (remote; until item 3)" in draft
    assert '<span class="visually-hidden">initials </span>DWa</span>' in draft


def test_observers_are_listed_in_a_table_of_their_own(secretary, meeting, committee):
    make_attendance(meeting, make_person("Olive Observer"), category(committee, "SECAS"), status=OBSERVER)
    make_attendance(meeting, make_person("Pat Present"), category(committee, "SECAS"))
    page = meeting_page(secretary, meeting)
    attendees, observers = page.split('id="attendees-heading"')[1].split('id="observers-heading"')
    assert "Pat Present" in attendees and "Olive Observer" not in attendees
    assert "Olive Observer" in observers
    pdf = pdf_text(meeting_pdf(meeting))
    assert pdf.index("Observers:") < pdf.index("Olive Observer")


def test_the_classic_layout_prints_as_before(secretary, meeting, committee):
    make_attendance(
        meeting, make_person("Pat Present"), category(committee, "SECAS"), role_note="Meeting Secretary"
    )
    page = meeting_page(secretary, meeting)
    assert "Operations Group Members" in page and "Pat Present (Meeting Secretary)" in page
    assert '<th scope="col">Initials</th>' not in page


@pytest.fixture
def columns(committee):
    """A committee printing a row a person: name, initials, organisation, role; in one list."""
    Committee.objects.filter(pk=committee.pk).update(
        attendance_columns="name,initials,organisation,role_note", attendance_grouping="none"
    )
    committee.refresh_from_db()
    return committee


def test_a_committee_may_print_a_row_a_person_with_its_columns(secretary, columns, meeting):
    meeting.committee = columns
    elexon = make_organisation("Elexon")
    make_attendance(
        meeting,
        make_person("Andy Knowles", elexon),
        category(columns, "Chair"),
        initials="AK",
        role_note="Chair",
    )
    make_attendance(
        meeting, make_person("Rachel Black", elexon), category(columns, "SECAS"), initials="RB", remote=True
    )
    page = meeting_page(secretary, meeting)
    header = "".join(f'<th scope="col">{name}</th>' for name in ("Name", "Initials", "Organisation", "Role"))
    assert header in page
    assert "<td>Andy Knowles</td><td>AK</td><td>Elexon</td><td>Chair</td>" in page
    assert "<td>Rachel Black (remote)</td><td>RB</td><td>Elexon</td><td></td>" in page
    assert "Operations Group Members" not in page
    pdf = pdf_text(meeting_pdf(meeting))
    for text in ("Name", "Initials", "Organisation", "Andy Knowles", "AK", "Rachel Black (remote)", "RB"):
        assert text in pdf


def test_columns_grouped_by_seat_category_print_a_heading_row_a_category(secretary, committee, meeting):
    Committee.objects.filter(pk=committee.pk).update(attendance_columns="name,initials")
    make_attendance(meeting, make_person("Andy Knowles"), category(committee, "Chair"), initials="AK")
    page = meeting_page(secretary, meeting)
    assert '<th scope="rowgroup" colspan="2">Chair</th>' in page
    assert "<td>Andy Knowles</td><td>AK</td>" in page


def test_the_meeting_page_costs_the_same_queries_however_many_alternates_and_late_joiners(
    secretary, meeting, committee
):
    dcc = category(committee, "DCC")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert (
                secretary.get(reverse("minutes:meeting-detail", args=[meeting.reference])).status_code == 200
            )
        return len(captured)

    absent = make_attendance(meeting, make_person(), dcc, status=APOLOGIES)
    make_attendance(
        meeting, make_person(), dcc, alternate_for=absent, joined_at_item=item(meeting, "Minutes")
    )
    few = queries()
    for _ in range(5):
        absent = make_attendance(meeting, make_person(), dcc, status=APOLOGIES)
        make_attendance(
            meeting, make_person(), dcc, alternate_for=absent, left_after_item=item(meeting, "Welcome")
        )
        make_attendance(meeting, make_person(), dcc, status=OBSERVER, remote=True)
    assert queries() == few


def test_the_settings_page_chooses_the_columns_and_keeps_their_order(secretary, committee):
    url = reverse("minutes:committee-settings", args=[committee.code])
    Committee.objects.filter(pk=committee.pk).update(attendance_columns="name,seat_category")
    committee.refresh_from_db()
    page = secretary.get(url).content.decode()
    assert "Category | Name" not in page and "Name | Category, grouped by seat category." in page
    response = secretary.post(
        url,
        settings_data(
            committee, attendance_columns=["seat_category", "name", "initials"], attendance_grouping="none"
        ),
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert (committee.attendance_columns, committee.attendance_grouping) == (
        "name,seat_category,initials",
        "none",
    )


def test_the_settings_page_refuses_columns_without_the_name(secretary, committee):
    url = reverse("minutes:committee-settings", args=[committee.code])
    response = secretary.post(url, settings_data(committee, attendance_columns=["initials"]))
    assert response.status_code == 422
    assert "Name is always printed: tick it too." in response.content.decode()
    committee.refresh_from_db()
    assert committee.attendance_columns == "seat_category,name"


def configure(tmp_path, text):
    path = tmp_path / "committee.toml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("configure_committee", str(path), stdout=out)
    return out.getvalue()


def test_the_conventions_file_sets_the_columns_and_exports_them(tmp_path, committee):
    said = configure(
        tmp_path,
        'code = "OPSG"\nattendance_columns = ["name", "initials", "organisation"]\nattendance_grouping = "none"\n',
    )
    assert "attendance_columns: 'seat_category,name' -> 'name,initials,organisation'" in said
    out = io.StringIO()
    call_command("export_committee", "OPSG", stdout=out)
    assert 'attendance_columns = [\n    "name",\n    "initials",\n    "organisation",\n]' in out.getvalue()
    assert 'attendance_grouping = "none"' in out.getvalue()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('attendance_columns = ["name", "shoe size"]', "List the columns to print, with name among them"),
        ('attendance_columns = ["initials"]', "with name among them"),
        ('attendance_columns = "name"', "give a list of columns"),
        ('attendance_grouping = "alphabet"', "not a valid choice"),
    ],
)
def test_the_conventions_file_refuses_bad_columns_with_their_line(tmp_path, committee, line, says):
    with pytest.raises(CommandError) as refused:
        configure(tmp_path, f'code = "OPSG"\n{line}\n')
    assert says in str(refused.value) and "line 2 " in str(refused.value)
    committee.refresh_from_db()
    assert (committee.attendance_columns, committee.attendance_grouping) == (
        "seat_category,name",
        "seat_category",
    )


def test_minutes_printed_as_one_list_circulate_with_their_attendance_in_the_revision(columns, meeting, users):
    from minutes.redline import redline

    meeting.committee = columns
    dcc = category(columns, "DCC")
    absent = make_attendance(meeting, make_person("Bob Absent"), dcc, status=APOLOGIES)
    make_attendance(meeting, make_person("Carol Standin"), dcc, alternate_for=absent, remote=True)
    first = meeting.circulate(by=users["secretary"])
    assert first.snapshot["present"] == [["DCC", ["Carol Standin (remote; for Bob Absent)"]]]
    assert first.snapshot["apologies"] == [["DCC", ["Bob Absent (represented by Carol Standin)"]]]
    meeting.reopen(by=users["secretary"])
    make_attendance(meeting, make_person("Olive Observer"), dcc, status=OBSERVER)
    second = meeting.circulate(by=users["secretary"])
    assert second.snapshot["observers"] == [["DCC", ["Olive Observer"]]]
    details = redline(first.snapshot, second.snapshot)[0]
    observers = next(section for section in details.sections if section.name == "observers")
    assert "Olive Observer – DCC" in " ".join(
        segment.text for block in observers.blocks for segment in block.segments
    )
