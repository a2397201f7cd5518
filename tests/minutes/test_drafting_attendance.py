"""The secretary records who attended and who sent apologies on the drafting page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minutes.forms.attendance import AttendanceEditForm
from minutes.models import Attendance, Meeting, Organisation, Person, SeatCategory
from minutes.services.attendance import attendance_add, attendance_change
from tests.factories import make_attendance, make_committee, make_meeting, make_organisation, make_person

pytestmark = pytest.mark.django_db

PRESENT, APOLOGIES = Attendance.Status.PRESENT, Attendance.Status.APOLOGIES
HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture
def meeting(committee):
    return make_meeting(committee, 55)


@pytest.fixture
def category(committee):
    def get(name):
        return SeatCategory.objects.get(committee=committee, name=name)

    return get


@pytest.fixture
def secretary(client, users):
    client.force_login(users["secretary"])
    return client


def draft_url(meeting):
    return reverse("minutes:meeting-draft", args=[meeting.reference])


def add_url(meeting):
    return reverse("minutes:attendance-add", args=[meeting.reference])


def edit_url(attendance):
    return reverse("minutes:attendance-edit", args=[attendance.meeting.reference, attendance.pk])


def remove_url(attendance):
    return reverse("minutes:attendance-remove", args=[attendance.meeting.reference, attendance.pk])


def add_data(category, name="Dave Warner", organisation="", status=PRESENT, role_note=""):
    return {
        "attendance-name": name,
        "attendance-organisation": organisation,
        "attendance-seat_category": category.pk,
        "attendance-status": status,
        "attendance-role_note": role_note,
    }


def edit_data(attendance, **changes):
    prefix = f"attendance-{attendance.pk}-"
    data = {
        "token": attendance.edit_token(AttendanceEditForm.token_fields),
        "seat_category": attendance.seat_category_id,
        "status": attendance.status,
        "role_note": attendance.role_note,
    }
    data.update(changes)
    return {prefix + name: value for name, value in data.items()}


def listing(meeting):
    """The meeting's list as (name, category, status, role note), in print order."""
    return [
        (a.person.name, a.seat_category.name, a.status, a.role_note)
        for a in Attendance.objects.filter(meeting=meeting)
        .select_related("person", "seat_category")
        .order_by("seat_category__position", "position", "id")
    ]


def snapshot():
    return (
        sorted(
            Attendance.objects.values_list(
                "id", "person_id", "seat_category_id", "status", "role_note", "position"
            )
        ),
        Person.objects.count(),
        Organisation.objects.count(),
    )


def section_of(html):
    """The attendance section of a drafting page, up to the agenda."""
    start = html.index('id="attendance"')
    return html[start : html.index('id="agenda"', start)]


# ---- Adding -------------------------------------------------------------------


def test_the_secretary_adds_an_existing_person_by_typing_their_name(secretary, meeting, category):
    dcc = make_organisation("DCC")
    dave = make_person("Dave Warner", organisation=dcc)
    people = Person.objects.count()

    response = secretary.post(add_url(meeting), add_data(category("Chair"), name="  dave WARNER "))

    assert response.status_code == 302
    assert response["Location"] == draft_url(meeting) + "#attendance"
    attendance = Attendance.objects.get(meeting=meeting)
    assert attendance.person == dave
    assert Person.objects.count() == people
    page = secretary.get(response["Location"]).content.decode()
    assert "Dave Warner (DCC) is added: present, in Chair." in page


def test_adding_with_htmx_redraws_the_whole_attendance_section(secretary, meeting, category):
    make_person("Dave Warner")

    response = secretary.post(add_url(meeting), add_data(category("Chair")), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="attendance"')
    assert "Dave Warner is added" in html
    assert re.search(r'<th scope="row">Chair</th>\s*<td>.*Dave Warner', html, re.S)
    assert 'Remove<span class="visually-hidden"> Dave Warner</span>' in html


def test_a_new_person_with_a_new_organisation_is_created_on_the_spot(secretary, meeting, category):
    response = secretary.post(
        add_url(meeting),
        add_data(category("Large Suppliers"), name="Marta Kaminska", organisation=" Octopus Energy "),
    )

    assert response.status_code == 302
    person = Person.objects.get(name="Marta Kaminska")
    assert person.organisation.name == "Octopus Energy"
    assert Attendance.objects.get(meeting=meeting).person == person


def test_a_new_person_joins_a_known_organisation_whatever_case_is_typed(secretary, meeting, category):
    dcc = make_organisation("DCC")

    secretary.post(add_url(meeting), add_data(category("DCC"), name="Lisa Moran", organisation="dcc"))

    assert Person.objects.get(name="Lisa Moran").organisation == dcc
    assert Organisation.objects.count() == 1


def test_a_new_person_may_have_no_organisation(secretary, meeting, category):
    secretary.post(add_url(meeting), add_data(category("SECAS"), name="Joey Manners"))

    assert Person.objects.get(name="Joey Manners").organisation is None
    assert Organisation.objects.count() == 0


def test_apologies_and_a_role_note_are_recorded(secretary, meeting, category):
    secretary.post(
        add_url(meeting),
        add_data(
            category("SECAS"), name="Veronica Asantewaa", status=APOLOGIES, role_note=" Meeting Secretary "
        ),
    )

    assert listing(meeting) == [("Veronica Asantewaa", "SECAS", APOLOGIES, "Meeting Secretary")]


def test_someone_already_on_the_list_is_refused_and_the_form_keeps_what_was_typed(
    secretary, meeting, category
):
    dave = make_person("Dave Warner")
    make_attendance(meeting, dave, category("Chair"), role_note="Chair")
    before = snapshot()

    response = secretary.post(
        add_url(meeting), add_data(category("DCC"), name="dave warner", role_note="Typed note"), **HTMX
    )

    assert response.status_code == 422
    assert snapshot() == before
    html = response.content.decode()
    message = "Dave Warner is already on this meeting&#x27;s list: present, in Chair (Chair)."
    assert html.count(message) == 2  # next to the field and in the summary
    assert 'value="dave warner"' in html
    assert 'value="Typed note"' in html
    assert re.search(rf'<option value="{category("DCC").pk}" selected>', html)


def test_a_name_shared_by_several_people_needs_their_organisation(secretary, meeting, category):
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    make_person("John Smith", organisation=dcc)
    at_secas = make_person("John Smith", organisation=secas)
    before = snapshot()

    response = secretary.post(add_url(meeting), add_data(category("DCC"), name="John Smith"))

    assert response.status_code == 422
    assert snapshot() == before
    html = response.content.decode()
    assert (
        html.count("2 people are called John Smith (DCC, SECAS). Type the organisation of the one you mean.")
        == 2
    )

    response = secretary.post(
        add_url(meeting), add_data(category("DCC"), name="John Smith", organisation="Nobody Ltd")
    )
    assert response.status_code == 422
    assert "None of them is at Nobody Ltd" in response.content.decode()
    assert snapshot() == before

    response = secretary.post(
        add_url(meeting), add_data(category("SECAS"), name="john smith", organisation="secas")
    )
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting).person == at_secas


def test_bad_input_is_refused_next_to_the_field_and_in_the_summary(secretary, meeting, category):
    other_committee = make_committee("SSC", "Security Sub-Committee", categories=["SSC Members"])
    before = snapshot()

    response = secretary.post(add_url(meeting), add_data(category("Chair"), name="   "))
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("Type the name of the person to add.") == 2
    assert (
        '<a class="alert-link" href="#id_attendance-name">Name: Type the name of the person to add.</a>'
        in html
    )

    foreign = other_committee.seat_categories.get()
    response = secretary.post(add_url(meeting), add_data(foreign, name="Someone New"))
    assert response.status_code == 422
    assert response.content.decode().count("Choose one of this committee&#x27;s seat categories.") == 2
    assert 'value="Someone New"' in response.content.decode()

    assert snapshot() == before


def test_a_refused_add_without_javascript_shows_the_whole_draft_page_again(secretary, meeting, category):
    response = secretary.post(add_url(meeting), add_data(category("Chair"), name=""))

    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>OPSG_55: drafting the minutes" in html
    assert "Nothing was saved" in html


def test_new_attendees_go_to_the_end_of_their_category(secretary, meeting, category):
    for name, seat in [
        ("Ann", "DCC"),
        ("Bob", "Chair"),
        ("Cat", "DCC"),
        ("Dan", "Large Suppliers"),
        ("Eve", "DCC"),
    ]:
        assert secretary.post(add_url(meeting), add_data(category(seat), name=name)).status_code == 302

    assert [row[:2] for row in listing(meeting)] == [
        ("Bob", "Chair"),
        ("Dan", "Large Suppliers"),
        ("Ann", "DCC"),
        ("Cat", "DCC"),
        ("Eve", "DCC"),
    ]


def test_the_add_form_suggests_known_people_and_organisations(secretary, meeting, category):
    make_person("Kate Frazer", organisation=make_organisation("Utilita"))
    listed = make_person("Already Listed")
    make_attendance(meeting, listed, category("Chair"))

    response = secretary.get(add_url(meeting), **HTMX)

    html = response.content.decode()
    assert '<option value="Kate Frazer" label="Kate Frazer (Utilita)"></option>' in html
    assert '<option value="Utilita"></option>' in html
    assert 'value="Already Listed"' not in html
    assert 'list="attendance-people"' in html and 'list="attendance-organisations"' in html


# ---- Changing and removing ----------------------------------------------------


def test_the_edit_form_loads_in_place_and_as_a_page_of_its_own(secretary, meeting, category):
    attendance = make_attendance(meeting, make_person("Dave Warner"), category("Chair"), role_note="Chair")

    partial = secretary.get(edit_url(attendance), **HTMX).content.decode()
    assert "How Dave Warner is listed" in partial
    assert "<html" not in partial
    assert 'value="Chair"' in partial

    page = secretary.get(edit_url(attendance)).content.decode()
    assert "<title>OPSG_55: how Dave Warner is listed" in page
    assert "Back to the draft minutes" in page


def test_the_secretary_changes_category_status_and_role_note(secretary, meeting, category):
    dave = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    make_attendance(meeting, make_person("Lisa Moran"), category("DCC"), position=1)
    make_attendance(meeting, make_person("Daniel Heathcote"), category("DCC"), position=2)

    response = secretary.post(
        edit_url(dave),
        edit_data(dave, seat_category=category("DCC").pk, status=APOLOGIES, role_note="Meeting Secretary"),
    )

    assert response.status_code == 302
    assert response["Location"] == draft_url(meeting) + "#attendance"
    assert listing(meeting) == [
        ("Lisa Moran", "DCC", PRESENT, ""),
        ("Daniel Heathcote", "DCC", PRESENT, ""),
        ("Dave Warner", "DCC", APOLOGIES, "Meeting Secretary"),
    ]


def test_a_change_with_htmx_redraws_the_section(secretary, meeting, category):
    dave = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))

    response = secretary.post(edit_url(dave), edit_data(dave, status=APOLOGIES), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="attendance"')
    assert "Dave Warner is now listed apologies, in Chair." in html
    assert "No attendees recorded." in html


def test_a_bad_change_is_refused_in_the_form_slot(secretary, meeting, category):
    dave = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    before = snapshot()

    response = secretary.post(edit_url(dave), edit_data(dave, status="absent", role_note="x" * 101), **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#attendance-slot-{dave.pk}"
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "x" * 101 in html
    assert snapshot() == before


def test_a_conflicting_change_is_refused_and_shows_both_versions(client, users, meeting, category):
    dave = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    first = edit_data(dave, status=APOLOGIES, role_note="Their note")
    second = edit_data(dave, seat_category=category("SECAS").pk, role_note="My note")
    client.force_login(users["secretary"])
    assert client.post(edit_url(dave), first).status_code == 302
    after_first = snapshot()

    client.force_login(users["staff"])
    response = client.post(edit_url(dave), second, **HTMX)

    assert response.status_code == 409
    assert snapshot() == after_first
    html = response.content.decode()
    assert "someone else changed this entry" in html
    assert "Dave Warner: apologies, in Chair (Their note)." in html  # theirs
    assert 'value="My note"' in html  # mine, still in the form
    assert re.search(rf'<option value="{category("SECAS").pk}" selected>', html)

    # Saving the form again deliberately replaces their version.
    token = re.search(rf'name="attendance-{dave.pk}-token" value="(\w+)"', html).group(1)
    response = client.post(edit_url(dave), {**second, f"attendance-{dave.pk}-token": token})
    assert response.status_code == 302
    assert listing(meeting) == [("Dave Warner", "SECAS", PRESENT, "My note")]


def test_the_secretary_removes_someone(secretary, meeting, category):
    dave = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    make_attendance(meeting, make_person("Lisa Moran"), category("DCC"))

    response = secretary.post(remove_url(dave), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dave Warner is taken off the list." in html
    assert 'Remove<span class="visually-hidden"> Dave Warner' not in html
    assert [row[0] for row in listing(meeting)] == ["Lisa Moran"]
    assert Person.objects.filter(name="Dave Warner").exists()  # still known for other meetings

    response = secretary.post(remove_url(Attendance.objects.get()))
    assert response.status_code == 302
    assert listing(meeting) == []


def test_the_page_groups_people_by_category_in_the_committees_order(secretary, meeting, category):
    make_attendance(meeting, make_person("Eve SECAS"), category("SECAS"))
    make_attendance(meeting, make_person("Ann Apology"), category("DCC"), status=APOLOGIES)
    make_attendance(meeting, make_person("Bob Network"), category("Network Parties"), position=2)
    make_attendance(meeting, make_person("Ben Network"), category("Network Parties"), position=1)
    make_attendance(meeting, make_person("Cid Chair"), category("Chair"), role_note="Chair of the day")
    make_attendance(meeting, make_person("Al Apology"), category("Chair"), status=APOLOGIES)

    section = section_of(secretary.get(draft_url(meeting)).content.decode())

    attendees, apologies = section.split('id="apologies-heading"')
    assert '<th scope="col">Operations Group Members</th>' in attendees
    assert re.findall(r'<th scope="row">([^<]+)</th>', attendees) == ["Chair", "Network Parties", "SECAS"]
    names = re.findall(r'<span class="me-auto">([^<]+)</span>', attendees)
    assert names == ["Cid Chair (Chair of the day)", "Ben Network", "Bob Network", "Eve SECAS"]
    assert '<th scope="col">Representing</th><th scope="col">Name</th>' in apologies
    assert re.findall(r'<th scope="row">([^<]+)</th>', apologies) == ["Chair", "DCC"]
    assert re.findall(r'<span class="me-auto">([^<]+)</span>', apologies) == ["Al Apology", "Ann Apology"]


# ---- Who may change the list ----------------------------------------------------


def endpoints(meeting, attendance, category):
    """Every changing request of the section, as (method, url, data)."""
    return [
        ("get", reverse("minutes:attendance", args=[meeting.reference]), {}),
        ("get", add_url(meeting), {}),
        ("get", edit_url(attendance), {}),
        ("post", add_url(meeting), add_data(category, name="New Person")),
        ("post", edit_url(attendance), edit_data(attendance, role_note="Changed")),
        ("post", remove_url(attendance), {}),
    ]


@pytest.mark.parametrize("role", ["chair", "member", "owner", "reader", "outsider"])
def test_only_secretaries_and_staff_may_change_the_list(client, users, meeting, category, role):
    attendance = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    before = snapshot()
    # Readers see published minutes only, so to them a draft does not exist either.
    expected = 404 if role in ("reader", "outsider") else 403
    client.force_login(users[role])
    for method, url, data in endpoints(meeting, attendance, category("DCC")):
        assert getattr(client, method)(url, data).status_code == expected, (method, url)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["secretary", "staff"])
def test_secretaries_and_staff_may_use_every_endpoint(client, users, meeting, category, role):
    attendance = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    client.force_login(users[role])
    for method, url, data in endpoints(meeting, attendance, category("DCC")):
        assert getattr(client, method)(url, data, **HTMX).status_code == 200, (method, url)
    assert [row[0] for row in listing(meeting)] == ["New Person"]


def test_anonymous_users_are_sent_to_log_in(client, meeting, category):
    attendance = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    before = snapshot()
    for method, url, data in endpoints(meeting, attendance, category("DCC")):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


def test_changing_urls_refuse_other_methods(secretary, meeting, category):
    attendance = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    section = reverse("minutes:attendance", args=[meeting.reference])
    assert secretary.get(remove_url(attendance)).status_code == 405
    assert secretary.post(section).status_code == 405
    for url in [add_url(meeting), edit_url(attendance), remove_url(attendance)]:
        assert secretary.put(url).status_code == 405
        assert secretary.delete(url).status_code == 405
    assert listing(meeting) == [("Dave Warner", "Chair", PRESENT, "")]


@pytest.mark.parametrize("status", ["circulated", "approved", "published"])
def test_minutes_not_in_draft_refuse_every_change(secretary, users, meeting, category, status):
    attendance = make_attendance(meeting, make_person("Dave Warner"), category("Chair"))
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=status)
    before = snapshot()
    for client_user in ["secretary", "staff"]:
        secretary.force_login(users[client_user])
        for method, url, data in endpoints(meeting, attendance, category("DCC")):
            assert getattr(secretary, method)(url, data).status_code == 403, (method, url)
    assert snapshot() == before


def test_the_service_itself_refuses_minutes_not_in_draft(meeting, category):
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.Status.CIRCULATED)
    with pytest.raises(ValidationError, match="not in draft"):
        attendance_add(
            meeting=meeting, name="Dave Warner", seat_category=category("Chair"), status=PRESENT, role_note=""
        )
    assert not Person.objects.filter(name="Dave Warner").exists()


def test_the_services_refuse_what_the_forms_refuse(meeting, category):
    foreign = make_committee(
        "SSC", "Security Sub-Committee", categories=["SSC Members"]
    ).seat_categories.get()
    chair = category("Chair")
    refusals = [
        ({"name": "x" * 201}, "name"),
        ({"organisation_name": "x" * 201}, "organisation"),
        ({"role_note": "x" * 101}, "role_note"),
        ({"seat_category": foreign}, "seat_category"),
        ({"status": "absent"}, "status"),
    ]
    for change, field in refusals:
        data = {"name": "Dave Warner", "seat_category": chair, "status": PRESENT, "role_note": "", **change}
        with pytest.raises(ValidationError) as refused:
            attendance_add(meeting=meeting, **data)
        assert list(refused.value.message_dict) == [field]
    assert not Attendance.objects.exists()

    attendance = make_attendance(meeting, make_person("Dave Warner"), chair)
    token = attendance.edit_token(AttendanceEditForm.token_fields)
    with pytest.raises(ValidationError):
        attendance_change(
            attendance=attendance, seat_category=foreign, status=PRESENT, role_note="", based_on=token
        )
    assert listing(meeting) == [("Dave Warner", "Chair", PRESENT, "")]


def test_an_attendance_of_another_meeting_is_not_found(secretary, committee, meeting, category):
    other = make_attendance(make_meeting(committee, 56), make_person("Dave Warner"), category("Chair"))
    for url in [
        reverse("minutes:attendance-edit", args=[meeting.reference, other.pk]),
        reverse("minutes:attendance-remove", args=[meeting.reference, other.pk]),
    ]:
        assert secretary.post(url).status_code == 404
    assert Attendance.objects.filter(pk=other.pk).exists()


# ---- Hostile input and the page's cost ------------------------------------------


def test_hostile_input_is_shown_inert_on_the_draft_and_meeting_pages(secretary, meeting, category):
    for i, text in enumerate(HOSTILE):
        response = secretary.post(
            add_url(meeting),
            add_data(category("DCC"), name=f"{text} {i}", organisation=text, role_note=text),
        )
        assert response.status_code == 302

    for url in [draft_url(meeting), reverse("minutes:meeting-detail", args=[meeting.reference])]:
        html = secretary.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; 0" in html
        assert "&lt;img src=x onerror=alert(1)&gt; 1" in html
    section = secretary.get(add_url(meeting), **HTMX).content.decode()
    assert '<option value="&lt;script&gt;alert(1)&lt;/script&gt;"></option>' in section


def test_the_drafting_page_costs_the_same_queries_however_many_attend(secretary, meeting, category):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert secretary.get(draft_url(meeting)).status_code == 200
        return len(captured)

    make_attendance(meeting, make_person(organisation=make_organisation()), category("Chair"))
    few = queries()
    for seat in ["DCC", "SECAS", "Network Parties"] * 5:
        make_attendance(meeting, make_person(organisation=make_organisation()), category(seat))
        make_attendance(meeting, make_person(), category(seat), status=APOLOGIES)
    assert queries() == few


def test_the_page_with_the_add_form_costs_the_same_queries_however_many_people_are_known(
    secretary, meeting, category
):
    def queries():
        # A refused add without JavaScript draws the whole page with the add form and its suggestions.
        with CaptureQueriesContext(connection) as captured:
            response = secretary.post(add_url(meeting), add_data(category("Chair"), name=""))
        assert response.status_code == 422
        assert "attendance-people" in response.content.decode()
        return len(captured)

    make_attendance(meeting, make_person(organisation=make_organisation()), category("Chair"))
    few = queries()
    for seat in ["DCC", "SECAS", "Network Parties"] * 5:
        make_attendance(meeting, make_person(organisation=make_organisation()), category(seat))
        make_person(organisation=make_organisation())
    assert queries() == few
