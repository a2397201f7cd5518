"""The audit trail: every change is recorded with who and when, and shown on readable history pages."""

import datetime
import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action, ActionUpdate, TargetDate
from minutes.forms import ItemForm
from minutes.forms.attendance import AttendanceEditForm
from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    Meeting,
    Membership,
    MinutesTransition,
)
from opsg.security import log_refused
from tests.factories import (
    make_attendance,
    make_decision,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(1)">'


@pytest.fixture
def meeting(committee):
    return make_meeting(committee, 55, held_on=D(2021, 8, 23))


@pytest.fixture
def item(meeting):
    return make_item(meeting, "Performance Report")


@pytest.fixture
def secretary(client, users):
    users["secretary"].first_name, users["secretary"].last_name = "Sam", "Secretary"
    users["secretary"].save()
    client.force_login(users["secretary"])
    return client


def history_url(meeting):
    return reverse("minutes:meeting-history", args=[meeting.reference])


def action_history_url(meeting, action_id):
    return reverse("actions:action-history", args=[meeting.reference, action_id])


def latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def publish_directly(meeting):
    """Mark the minutes published without making a PDF: only access is tested here."""
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.Status.PUBLISHED)


@pytest.fixture
def window():
    """Checks that a recorded time falls within the test's request."""
    started = timezone.now()

    def check(moment):
        return started <= moment <= timezone.now()

    return check


# ---- Changes through the drafting pages are recorded ------------------------------


def test_renaming_an_item_records_the_old_and_new_title_with_the_user_and_time(
    secretary, users, meeting, item, window
):
    prefix = f"item-{item.pk}"
    data = {f"{prefix}-token": item.edit_token(ItemForm.token_fields), f"{prefix}-title": "Performance"}

    response = secretary.post(reverse("minutes:item-edit", args=[meeting.reference, item.pk]), data)

    assert response.status_code == 302
    record = latest(AgendaItem, item.pk)
    assert (record.history_type, record.title, record.history_user) == (
        "~",
        "Performance",
        users["secretary"],
    )
    assert window(record.history_date)
    assert record.prev_record.title == "Performance Report"


def test_a_save_that_changes_nothing_adds_no_history(secretary, meeting, item):
    prefix = f"item-{item.pk}"
    data = {f"{prefix}-token": item.edit_token(ItemForm.token_fields), f"{prefix}-title": item.title}
    before = AgendaItem.history.filter(id=item.pk).count()

    response = secretary.post(reverse("minutes:item-edit", args=[meeting.reference, item.pk]), data)

    assert response.status_code == 302
    assert AgendaItem.history.filter(id=item.pk).count() == before


def test_adding_editing_and_deleting_a_decision_are_each_recorded(secretary, users, meeting, item, window):
    add = reverse("minutes:decision-add", args=[meeting.reference, item.pk])
    assert secretary.post(add, {"verb": "NOTED", "text": "the report"}).status_code == 302
    decision = Decision.objects.get()
    edit = reverse("minutes:decision-edit", args=[meeting.reference, decision.pk])
    token = decision.edit_token(["verb", "text"])
    assert secretary.post(edit, {"verb": "AGREED", "text": "the report", "token": token}).status_code == 302
    delete = reverse("minutes:decision-delete", args=[meeting.reference, decision.pk])
    assert secretary.post(delete).status_code == 302

    records = list(Decision.history.filter(id=decision.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.verb, r.history_user) for r in records] == [
        ("+", "NOTED", users["secretary"]),
        ("~", "AGREED", users["secretary"]),
        ("-", "AGREED", users["secretary"]),
    ]
    assert all(window(r.history_date) for r in records)


def test_changing_attendance_is_recorded(secretary, users, meeting, window):
    attendance = make_attendance(meeting, make_person("Dave Warner"))
    prefix = f"attendance-{attendance.pk}-"
    data = {
        f"{prefix}token": attendance.edit_token(AttendanceEditForm.token_fields),
        f"{prefix}seat_category": attendance.seat_category_id,
        f"{prefix}status": Attendance.Status.APOLOGIES,
        f"{prefix}role_note": "",
    }

    response = secretary.post(
        reverse("minutes:attendance-edit", args=[meeting.reference, attendance.pk]), data
    )

    assert response.status_code == 302
    record = latest(Attendance, attendance.pk)
    assert (record.history_type, record.status, record.history_user) == ("~", "apologies", users["secretary"])
    assert window(record.history_date)


def test_editing_an_action_records_its_text_owners_and_new_target_date(
    secretary, users, meeting, item, window
):
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    edit = reverse("actions:action-edit", args=[meeting.reference, action.pk])
    token = secretary.get(edit).context["form"]["token"].value()
    prefix = f"action-{action.pk}"
    data = {
        f"{prefix}-token": token,
        f"{prefix}-text": "SECAS and the DCC to report.",
        f"{prefix}-owners": [f"org-{dcc.pk}", f"org-{secas.pk}"],
        f"{prefix}-target_on": "2021-10-25",
    }

    assert secretary.post(edit, data).status_code == 302

    mine = Action.history.filter(id=action.pk, history_user=users["secretary"])
    assert mine.filter(text="SECAS and the DCC to report.").exists()
    newest = mine.order_by("-history_date", "-history_id").first()
    assert window(newest.history_date)
    assert {row.organisation_id for row in newest.owner_organisations.all()} == {dcc.pk, secas.pk}
    target = TargetDate.history.get(action_id=action.pk, target_on=D(2021, 10, 25))
    assert (target.history_type, target.history_user) == ("+", users["secretary"])


def test_recording_an_update_on_an_outstanding_action_is_recorded(secretary, users, committee, window):
    earlier = make_meeting(committee, 54, held_on=D(2021, 7, 26))
    action = raise_action(earlier, owners=[make_organisation("DCC")])
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    from minutes.models import ItemKind

    outstanding = make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    url = reverse("actions:outstanding-update", args=[meeting.reference, outstanding.pk, action.pk])
    prefix = f"outstanding-{outstanding.pk}-{action.pk}"
    data = {
        f"{prefix}-text": "The DCC noted that this is done.",
        f"{prefix}-status": Action.Status.CLOSED,
        f"{prefix}-revised_target_on": "",
        f"{prefix}-token": "",
    }

    assert secretary.post(url, data).status_code == 302

    update = ActionUpdate.history.get(action_id=action.pk)
    assert (update.history_type, update.history_user) == ("+", users["secretary"])
    closed = latest(Action, action.pk)
    assert (closed.status, closed.history_user) == ("closed", users["secretary"])
    assert window(closed.history_date)


def test_bulk_updates_through_the_audit_helper_leave_a_history_row_per_changed_row(users, meeting):
    from simple_history.models import HistoricalRecords

    from minutes.audit import update_with_history

    first, second = make_item(meeting, "First"), make_item(meeting, "Second")
    request = type("Request", (), {"user": users["secretary"]})()
    HistoricalRecords.context.request = request
    try:
        update_with_history(AgendaItem.objects.filter(meeting=meeting), position=2)
    finally:
        del HistoricalRecords.context.request

    assert latest(AgendaItem, first.pk).history_type == "~"
    assert (latest(AgendaItem, first.pk).position, latest(AgendaItem, first.pk).history_user) == (
        2,
        users["secretary"],
    )
    assert latest(AgendaItem, second.pk).history_type == "+"  # already at 2: nothing changed


def test_a_role_changed_in_the_admin_is_recorded_with_the_administrator(client, committee):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "admin-password-1")
    user = make_user("newcomer", committee=committee, role=Membership.Role.READER)
    membership = Membership.objects.get(user=user)
    client.force_login(admin)

    response = client.post(
        reverse("admin:minutes_membership_change", args=[membership.pk]),
        {"committee": committee.pk, "user": user.pk, "role": Membership.Role.MEMBER},
    )

    assert response.status_code == 302
    record = latest(Membership, membership.pk)
    assert (record.history_type, record.role, record.history_user) == ("~", "member", admin)


def test_membership_changes_are_recorded(committee):
    user = make_user("newcomer", committee=committee, role=Membership.Role.READER)
    membership = Membership.objects.get(user=user)
    membership.role = Membership.Role.MEMBER
    membership.save()
    assert [r.role for r in Membership.history.filter(id=membership.pk).order_by("history_id")] == [
        "reader",
        "member",
    ]


# ---- The meeting's history page ---------------------------------------------------


def test_the_history_page_shows_each_change_readably_newest_first(secretary, users, meeting, item):
    prefix = f"item-{item.pk}"
    secretary.post(
        reverse("minutes:item-edit", args=[meeting.reference, item.pk]),
        {f"{prefix}-token": item.edit_token(ItemForm.token_fields), f"{prefix}-title": "Performance"},
    )
    secretary.post(
        reverse("minutes:decision-add", args=[meeting.reference, item.pk]),
        {"verb": "NOTED", "text": "the report"},
    )
    MinutesTransition.objects.create(
        meeting=meeting, from_status="draft", to_status="circulated", by=users["secretary"], note="For review"
    )

    response = secretary.get(history_url(meeting))

    assert response.status_code == 200
    page = response.content.decode()
    rename = page.index("<strong>Sam Secretary</strong> changed agenda item “Performance”")
    decision = page.index(
        "<strong>Sam Secretary</strong> recorded decision “NOTED the report” on item “Performance”"
    )
    circulated = page.index("<strong>Sam Secretary</strong> circulated the minutes")
    assert circulated < decision < rename  # newest first
    assert '<del class="bg-danger-subtle text-danger-emphasis">Performance Report</del>' in page
    assert '<ins class="bg-success-subtle text-success-emphasis">Performance</ins>' in page
    assert "Note: For review" in page
    assert "<time datetime=" in page


def test_a_changed_text_shows_the_words_removed_and_added(secretary, meeting, item):
    item.minutes_text = "<p>The DCC presented the report for July.</p>"
    item.save()
    item.minutes_text = "<p>The DCC presented the report for August.</p>"
    item.save()

    page = secretary.get(history_url(meeting)).content.decode()

    assert "[removed: </span>July.<span" in page
    assert "[added: </span>August.<span" in page
    assert "&lt;p&gt;" not in page and "<p>The DCC" not in page  # words, not markup


def test_a_change_of_formatting_alone_says_so(secretary, meeting, item):
    item.minutes_text = "<p>The DCC presented the report.</p>"
    item.save()
    item.minutes_text = "<p>The DCC presented <strong>the report</strong>.</p>"
    item.save()

    page = secretary.get(history_url(meeting)).content.decode()

    assert "(only the formatting changed)" in page


def test_hostile_text_on_the_history_page_is_inert(secretary, meeting, item):
    item.title = HOSTILE
    item.save()
    make_decision(item, "NOTED", HOSTILE)

    page = secretary.get(history_url(meeting)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onerror="alert(1)"' not in page


def test_changes_made_without_a_signed_in_user_are_shown_as_by_the_system(secretary, meeting, item):
    Footnote.objects.create(item=item, anchor_text="report", text="See the annex.")
    page = secretary.get(history_url(meeting)).content.decode()
    assert "<strong>The system</strong> added footnote “See the annex.” on item “Performance Report”" in page


def test_deleted_items_and_their_decisions_stay_in_the_history(secretary, meeting, item):
    make_decision(item, "NOTED", "the report")
    secretary.post(reverse("minutes:item-delete", args=[meeting.reference, item.pk]))
    assert not AgendaItem.objects.filter(pk=item.pk).exists()

    page = secretary.get(history_url(meeting)).content.decode()

    assert "deleted agenda item “Performance Report”" in page
    assert "deleted decision “NOTED the report” on item “Performance Report (deleted)”" in page


def test_the_history_page_is_paged_fifty_changes_at_a_time(secretary, meeting, item):
    for n in range(55):
        item.title = f"Title {n}"
        item.save()

    first = secretary.get(history_url(meeting)).content.decode()
    second = secretary.get(history_url(meeting) + "?page=2").content.decode()

    assert first.count("changed agenda item") == 50 and "Older changes" in first
    assert "Title 54" in first and "Title 3”" not in first
    assert "added agenda item “Performance Report”" in second and "Newer changes" in second


def test_the_history_page_costs_the_same_queries_for_5_or_50_changes(client, users, committee):
    def meeting_with_changes(number, rounds):
        """A meeting with five changes per round, one of each kind, and a footnote added last."""
        meeting = make_meeting(committee, number)
        item = make_item(meeting, "Reports")
        attendance = make_attendance(meeting, make_person())
        for n in range(rounds):
            meeting.location = f"Room {n}"
            meeting.save()
            item.title = f"Reports {n}"
            item.save()
            make_decision(item, "NOTED", f"report {n}")
            attendance.role_note = f"Role {n}"
            attendance.save()
            MinutesTransition.objects.create(
                meeting=meeting, from_status="draft", to_status="draft", by=users["secretary"]
            )
        Footnote.objects.create(item=item, anchor_text="Reports", text="A note.")
        return meeting

    small, large = meeting_with_changes(60, 1), meeting_with_changes(61, 10)
    client.force_login(users["member"])

    counts = []
    for meeting in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(history_url(meeting))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---- The action's history page ----------------------------------------------------


def test_the_action_history_shows_its_owners_target_dates_and_updates(secretary, users, meeting, item):
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    action = raise_action(meeting, item=item, owners=[dcc], target_on=D(2021, 9, 27))
    action.set_owners([dcc, secas])
    action.record_update(text="Work has started.", given_on=D(2021, 9, 1), by=users["secretary"])

    response = secretary.get(action_history_url(meeting, action.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "History of action OPSG 55/01" in page
    assert "raised action OPSG 55/01" in page
    assert '<del class="bg-danger-subtle text-danger-emphasis">DCC</del>' in page
    assert '<ins class="bg-success-subtle text-success-emphasis">DCC, SECAS</ins>' in page
    assert "set target date 27 September 2021 (agreed at OPSG_55)" in page
    assert "recorded the update of 1 September 2021" in page and "Work has started." in page
    meeting_page = secretary.get(history_url(meeting)).content.decode()
    assert f'href="{action_history_url(meeting, action.pk)}"' in meeting_page


def test_a_deleted_action_keeps_its_history(secretary, meeting, item):
    action = raise_action(meeting, item=item)
    action_id = action.pk
    secretary.post(reverse("actions:action-delete", args=[meeting.reference, action_id]))
    assert not Action.objects.filter(pk=action_id).exists()

    response = secretary.get(action_history_url(meeting, action_id))

    assert response.status_code == 200
    assert "deleted action OPSG 55/01" in response.content.decode()
    assert (
        "History of action OPSG 55/01</a> (deleted)" in secretary.get(history_url(meeting)).content.decode()
    )


def test_an_action_of_another_meeting_is_not_found_and_the_refusal_is_logged(
    secretary, committee, meeting, caplog
):
    other = raise_action(make_meeting(committee, 56))
    with caplog.at_level(logging.WARNING, logger="minutes.security"):
        response = secretary.get(action_history_url(meeting, other.pk))
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "minutes.security"]
    assert "Access refused to secretary" in record.getMessage()
    assert f"no action {other.pk} raised at OPSG_55" in record.getMessage()


# ---- Who may read the history -----------------------------------------------------


@pytest.mark.parametrize("role", ["secretary", "chair", "member", "owner", "staff"])
def test_the_committee_and_staff_read_the_history_of_a_draft(client, users, meeting, item, role):
    action = raise_action(meeting, item=item)
    client.force_login(users[role])
    assert client.get(history_url(meeting)).status_code == 200
    assert client.get(action_history_url(meeting, action.pk)).status_code == 200


@pytest.mark.parametrize("role", ["reader", "outsider"])
def test_readers_and_outsiders_get_404_on_the_history_of_a_draft(client, users, meeting, item, role):
    action = raise_action(meeting, item=item)
    client.force_login(users[role])
    assert client.get(history_url(meeting)).status_code == 404
    assert client.get(action_history_url(meeting, action.pk)).status_code == 404


def test_readers_see_neither_history_of_published_minutes(client, users, meeting, item):
    action = raise_action(meeting, item=item)
    publish_directly(meeting)
    client.force_login(users["reader"])
    # The meeting's history shows draft wording, which readers never see; the action's history
    # shows updates given at meetings whose minutes may still be drafts.
    assert client.get(history_url(meeting)).status_code == 403
    assert client.get(action_history_url(meeting, action.pk)).status_code == 403
    client.force_login(users["outsider"])
    assert client.get(history_url(meeting)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, meeting, item):
    action = raise_action(meeting, item=item)
    for url in (history_url(meeting), action_history_url(meeting, action.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_history_pages_are_read_only(client, users, meeting, item):
    action = raise_action(meeting, item=item)
    client.force_login(users["secretary"])
    assert client.post(history_url(meeting)).status_code == 405
    assert client.post(action_history_url(meeting, action.pk)).status_code == 405


def test_an_unknown_meeting_is_not_found(client, users):
    client.force_login(users["staff"])
    assert client.get(reverse("minutes:meeting-history", args=["OPSG_999"])).status_code == 404


# ---- Security log ---------------------------------------------------------------


def test_a_failed_login_is_logged_with_the_username_and_never_the_password(client, users, caplog):
    with caplog.at_level(logging.INFO, logger="minutes.security"):
        response = client.post(
            reverse("login"),
            {"username": "secretary", "password": "Wrong-Secret-42"},
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code == 200  # the form again, with its error
    records = [r for r in caplog.records if r.name == "minutes.security"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert "Failed login for username 'secretary' from 203.0.113.9" in message
    assert records[0].levelno == logging.WARNING
    assert "Wrong-Secret-42" not in caplog.text
    assert all("Wrong-Secret-42" not in str(value) for value in vars(records[0]).values())


def test_a_username_cannot_forge_log_lines(client, caplog):
    with caplog.at_level(logging.INFO, logger="minutes.security"):
        client.post(reverse("login"), {"username": "eve\nAccess granted to admin", "password": "x"})
    [record] = [r for r in caplog.records if r.name == "minutes.security"]
    assert "\n" not in record.getMessage()


def test_a_successful_login_is_not_logged_as_a_failure(client, users, caplog):
    with caplog.at_level(logging.INFO, logger="minutes.security"):
        client.post(reverse("login"), {"username": "secretary", "password": "test-password-123"})
    assert not [r for r in caplog.records if r.name == "minutes.security"]


def test_log_refused_finds_the_request_being_answered(rf, users, caplog):
    from simple_history.models import HistoricalRecords

    request = rf.get("/meetings/OPSG_55/draft/", REMOTE_ADDR="198.51.100.7")
    request.user = users["reader"]
    HistoricalRecords.context.request = request
    try:
        with caplog.at_level(logging.INFO, logger="minutes.security"):
            log_refused(None, "may not change OPSG_55")
    finally:
        del HistoricalRecords.context.request
    [record] = [r for r in caplog.records if r.name == "minutes.security"]
    assert record.getMessage() == (
        "Access refused to reader for GET '/meetings/OPSG_55/draft/' from 198.51.100.7: may not change OPSG_55"
    )


# ---- In the browser ---------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_reads_the_history_pages_in_the_browser(
    page, live_server, log_in, users, committee, assert_accessible
):
    meeting = make_meeting(committee, 55, held_on=D(2021, 8, 23))
    item = make_item(meeting, "Performance Report", text="<p>The DCC presented the July report.</p>")
    item._history_user = users["secretary"]
    for n in range(51):
        item.title = f"Performance Report {n}"
        item.save()
    item.minutes_text = "<p>The DCC presented the August report.</p>"
    item.save()
    action = raise_action(meeting, item=item, owners=[make_organisation("DCC")], target_on=D(2021, 9, 27))

    log_in(page, "member", "test-password-123")
    page.goto(f"{live_server.url}{history_url(meeting)}")
    expect(page.get_by_role("heading", name="History of OPSG_55")).to_be_visible()
    expect(page.get_by_text("secretary changed agenda item “Performance Report 50”").first).to_be_visible()
    expect(page.locator("ins", has_text="August")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Older changes").click()
    expect(page.get_by_text("added agenda item “Performance Report”")).to_be_visible()
    expect(page.get_by_role("navigation", name="Pages of the history")).to_contain_text("Page 2 of 2")
    assert_accessible(page)

    page.get_by_role("link", name="History of action OPSG 55/01").click()
    expect(page.get_by_role("heading", name="History of action OPSG 55/01")).to_be_visible()
    expect(page.get_by_text("set target date 27 September 2021 (agreed at OPSG_55)")).to_be_visible()
    assert page.url.endswith(action_history_url(meeting, action.pk))
    assert_accessible(page)
    page.screenshot(path="/tmp/opsg_aud_action_history.png", full_page=True)
    page.goto(f"{live_server.url}{history_url(meeting)}")
    page.screenshot(path="/tmp/opsg_aud_meeting_history.png", full_page=True)
