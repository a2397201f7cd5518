"""The minutes life cycle: draft → circulated → approved → published, and amendments."""

import hashlib

import pytest
from django.contrib import admin
from django.db import IntegrityError, InternalError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MinutesPublished,
    MinutesRevision,
    MinutesTransition,
    PublishedMinutes,
    TransitionRefused,
)
from tests.factories import make_attendance, make_decision, make_footnote, make_item, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(committee):
    meeting = make_meeting(committee, 55)
    item = make_item(meeting, "Reports", text="<p>The OPSG considered the report.</p>")
    make_decision(item, "NOTED", "the report")
    make_footnote(item, "report", "A note.")
    make_attendance(meeting)
    return meeting


def status(meeting):
    return Meeting.objects.get(pk=meeting.pk).minutes_status


def published(meeting, users):
    meeting.circulate(by=users["secretary"])
    meeting.approve(by=users["chair"])
    return meeting.publish(by=users["secretary"])


def test_circulating_freezes_a_numbered_revision(meeting, users):
    revision = meeting.circulate(by=users["secretary"], note="For comment by Friday")
    assert status(meeting) == "circulated"
    assert revision.number == 1
    assert revision.snapshot["items"][0]["paragraphs"] == ["The OPSG considered the report."]
    assert revision.snapshot["items"][0]["decisions"] == "The OPSG NOTED the report."
    assert "The OPSG considered the report" in revision.html

    meeting.reopen(by=users["secretary"])
    item = meeting.items.get()
    item.minutes_text = "<p>The OPSG considered the report and its annex.</p>"
    item.save()
    second = meeting.circulate(by=users["secretary"])
    assert second.number == 2
    assert MinutesRevision.objects.get(pk=revision.pk).snapshot["items"][0]["paragraphs"] == [
        "The OPSG considered the report."
    ]  # revision 1 stays as it was


def test_every_transition_is_logged(meeting, users):
    published(meeting, users)
    assert list(
        MinutesTransition.objects.filter(meeting=meeting).values_list(
            "from_status", "to_status", "by__username"
        )
    ) == [
        ("draft", "circulated", "secretary"),
        ("circulated", "approved", "chair"),
        ("approved", "published", "secretary"),
    ]


@pytest.mark.parametrize(
    "prepare, attempt, message",
    [
        ([], "approve", "are draft: they cannot be approved"),
        ([], "publish", "are draft: they cannot be published"),
        ([], "reopen", "are draft: they cannot be reopened"),
        (["circulate"], "circulate", "are circulated: they cannot be circulated"),
        (["circulate"], "publish", "are circulated: they cannot be published"),
        (["circulate", "approve"], "circulate", "are approved: they cannot be circulated"),
        (["circulate", "approve", "publish"], "publish", "are published: they cannot be published"),
        (["circulate", "approve", "publish"], "circulate", "are published: they cannot be circulated"),
        (["circulate", "approve", "publish"], "approve", "are published: they cannot be approved"),
    ],
)
def test_wrong_transitions_are_refused_and_change_nothing(meeting, users, prepare, attempt, message):
    by = users["secretary"]
    for step in prepare:
        getattr(meeting, step)(by=by)
    before = (status(meeting), MinutesRevision.objects.count(), PublishedMinutes.objects.count())
    transitions = MinutesTransition.objects.count()
    with pytest.raises(TransitionRefused) as error:
        getattr(meeting, attempt)(by=by)
    assert message in str(error.value)
    assert (status(meeting), MinutesRevision.objects.count(), PublishedMinutes.objects.count()) == before
    assert MinutesTransition.objects.count() == transitions


def test_approval_at_a_later_meeting_links_the_two(committee, meeting, users):
    later = make_meeting(committee, 56, held_on=meeting.held_on.replace(year=meeting.held_on.year + 1))
    earlier = make_meeting(committee, 54, held_on=meeting.held_on.replace(year=meeting.held_on.year - 1))
    meeting.circulate(by=users["secretary"])
    with pytest.raises(TransitionRefused):
        meeting.approve(by=users["secretary"], at_meeting=earlier)
    meeting.approve(by=users["secretary"], at_meeting=later)
    assert Meeting.objects.get(pk=meeting.pk).approved_at_meeting == later


def test_publishing_stores_the_final_pdf_with_its_sha256(meeting, users):
    version = published(meeting, users)
    stored = PublishedMinutes.objects.get(meeting=meeting)
    assert stored.version == 1
    assert bytes(stored.pdf).startswith(b"%PDF-")
    assert stored.sha256 == hashlib.sha256(bytes(stored.pdf)).hexdigest() == version.sha256


def test_an_amendment_publishes_a_new_version_and_keeps_the_old(meeting, users):
    first = published(meeting, users)
    with pytest.raises(TransitionRefused):
        meeting.start_amendment(by=users["secretary"], reason="  ")
    meeting.start_amendment(by=users["secretary"], reason="A name was misspelt.")
    assert status(meeting) == "draft"
    item = meeting.items.get()
    item.minutes_text = "<p>The OPSG considered the corrected report.</p>"
    item.save()
    second = published(meeting, users)
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 != second.sha256
    assert PublishedMinutes.objects.filter(meeting=meeting).count() == 2
    assert MinutesTransition.objects.filter(note="Amendment: A name was misspelt.").exists()


# ---- Published minutes cannot be changed, by any path --------------------------------


@pytest.fixture
def frozen(meeting, users):
    published(meeting, users)
    return Meeting.objects.get(pk=meeting.pk)


def snapshot(meeting):
    return (
        list(Meeting.objects.filter(pk=meeting.pk).values()),
        list(AgendaItem.objects.filter(meeting=meeting).values()),
        list(Decision.objects.filter(item__meeting=meeting).values()),
        list(Attendance.objects.filter(meeting=meeting).values()),
        list(PublishedMinutes.objects.filter(meeting=meeting).values("version", "sha256")),
    )


def test_published_minutes_refuse_orm_saves_and_deletes(frozen):
    before = snapshot(frozen)
    item = frozen.items.get()
    decision = Decision.objects.get(item=item)
    changes = [
        lambda: setattr(frozen, "location", "Changed") or frozen.save(),
        lambda: setattr(frozen, "printed_conventions", {}) or frozen.save(),
        lambda: frozen.delete(),
        lambda: setattr(item, "title", "Changed") or item.save(),
        lambda: item.delete(),
        lambda: setattr(decision, "text", "changed") or decision.save(),
        lambda: decision.delete(),
        lambda: AgendaItem.objects.create(meeting=frozen, title="Added later"),
        lambda: make_attendance(frozen),
        lambda: PublishedMinutes.objects.get(meeting=frozen).delete(),
    ]
    for change in changes:
        with (
            pytest.raises(MinutesPublished if change is not changes[-1] else TransitionRefused),
            transaction.atomic(),
        ):
            change()
    stored = PublishedMinutes.objects.get(meeting=frozen)
    stored.sha256 = "0" * 64
    with pytest.raises(TransitionRefused):
        stored.save()
    assert snapshot(frozen) == before


def test_published_minutes_refuse_bulk_operations(frozen):
    before = snapshot(frozen)
    operations = [
        lambda: Meeting.objects.filter(pk=frozen.pk).update(location="Changed"),
        lambda: Meeting.objects.filter(pk=frozen.pk).delete(),
        lambda: AgendaItem.objects.filter(meeting=frozen).update(title="Changed"),
        lambda: AgendaItem.objects.filter(meeting=frozen).delete(),
        lambda: Decision.objects.filter(item__meeting=frozen).update(text="changed"),
        lambda: Attendance.objects.filter(meeting=frozen).delete(),
        lambda: AgendaItem.objects.bulk_create([AgendaItem(meeting=frozen, title="Bulk")]),
        lambda: AgendaItem.objects.bulk_update(
            [AgendaItem(pk=frozen.items.get().pk, meeting=frozen, title="B")], ["title"]
        ),
    ]
    for operation in operations:
        with pytest.raises(MinutesPublished), transaction.atomic():
            operation()
    assert snapshot(frozen) == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE minutes_meeting SET location = 'Changed' WHERE id = {meeting}",
        "UPDATE minutes_meeting SET first_item_number = 7 WHERE id = {meeting}",
        "UPDATE minutes_meeting SET printed_conventions = '{{}}' WHERE id = {meeting}",
        "DELETE FROM minutes_meeting WHERE id = {meeting}",
        "UPDATE minutes_agendaitem SET title = 'Changed' WHERE meeting_id = {meeting}",
        "DELETE FROM minutes_attendance WHERE meeting_id = {meeting}",
        "INSERT INTO minutes_agendaitem (meeting_id, position, kind, title, minutes_text, is_deferred, deferred_note, updated_at) "
        "VALUES ({meeting}, 9, 'item', 'Raw', '', false, '', CURRENT_TIMESTAMP)",
        "UPDATE minutes_decision SET text = 'changed' WHERE item_id IN (SELECT id FROM minutes_agendaitem WHERE meeting_id = {meeting})",
        # After migrations that rebuild the table on SQLite (0008), its guard is still there.
        "INSERT INTO minutes_footnote (item_id, anchor_text, occurrence, text, position) "
        "SELECT id, 'x', 1, 'Raw', 9 FROM minutes_agendaitem WHERE meeting_id = {meeting}",
        "UPDATE minutes_publishedminutes SET sha256 = 'x' WHERE meeting_id = {meeting}",
        "DELETE FROM minutes_publishedminutes WHERE meeting_id = {meeting}",
    ],
)
def test_the_database_refuses_changes_that_skip_the_models(frozen, sql):
    before = snapshot(frozen)
    if sql.startswith("DELETE") and connection.vendor == "sqlite":
        # SQLite guards inserts and updates only (see migration 0004); deletes are
        # refused by the models there, and by the database on PostgreSQL.
        table = sql.split()[2]
        model = {
            "minutes_meeting": Meeting,
            "minutes_attendance": Attendance,
            "minutes_publishedminutes": PublishedMinutes,
        }[table]
        with pytest.raises(TransitionRefused), transaction.atomic():
            for row in model.objects.filter(
                **({"pk": frozen.pk} if model is Meeting else {"meeting": frozen})
            ):
                row.delete()
    else:
        with (
            pytest.raises((IntegrityError, InternalError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql.format(meeting=frozen.pk))
    assert snapshot(frozen) == before


def test_the_admin_shows_published_minutes_read_only(frozen, users):
    request = RequestFactory().get("/")
    request.user = users["staff"]
    users["staff"].is_superuser = True
    for model, obj in [(Meeting, frozen), (AgendaItem, frozen.items.get())]:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request, obj)
        assert not model_admin.has_delete_permission(request, obj)


def test_drafting_pages_refuse_published_minutes(client, frozen, users):
    client.force_login(users["secretary"])
    item = frozen.items.get()
    assert client.get(reverse("minutes:meeting-draft", args=[frozen.reference])).status_code == 403
    response = client.post(reverse("minutes:item-add", args=[frozen.reference]), {"title": "Late"})
    assert response.status_code == 403
    assert client.post(reverse("minutes:item-delete", args=[frozen.reference, item.pk])).status_code == 403
    assert AgendaItem.objects.filter(meeting=frozen).count() == 1


# ---- The pages ---------------------------------------------------------------------------


def post(client, name, meeting, data=None):
    return client.post(reverse(f"minutes:{name}", args=[meeting.reference]), data or {})


def test_the_whole_cycle_through_the_pages(client, meeting, users):
    client.force_login(users["secretary"])
    response = post(client, "meeting-circulate", meeting, {"note": "Comments by Friday"})
    assert response.status_code == 302 and status(meeting) == "circulated"

    client.force_login(users["chair"])
    assert post(client, "meeting-sign-off", meeting).status_code == 302
    assert status(meeting) == "approved"

    client.force_login(users["secretary"])
    assert post(client, "meeting-publish", meeting).status_code == 302
    stored = PublishedMinutes.objects.get(meeting=meeting)
    page = client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).content.decode()
    assert stored.sha256 in page

    client.force_login(users["reader"])
    response = client.get(reverse("minutes:meeting-pdf", args=[meeting.reference]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == stored.sha256  # served as stored
    version = client.get(reverse("minutes:meeting-published-pdf", args=[meeting.reference, 1]))
    assert hashlib.sha256(version.content).hexdigest() == stored.sha256


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("meeting-circulate", {"secretary", "staff"}),
        ("meeting-reopen", {"secretary", "staff"}),
        ("meeting-sign-off", {"chair", "staff"}),
        ("meeting-publish", {"secretary", "staff"}),
        ("meeting-amend", {"secretary", "staff"}),
    ],
)
def test_only_the_right_role_may_move_the_minutes(client, meeting, users, name, allowed):
    for role in ["chair", "member", "owner", "secretary", "staff"]:
        if role in allowed:
            continue
        client.force_login(users[role])
        before = (status(meeting), MinutesTransition.objects.count())
        assert post(client, name, meeting).status_code == 403, role
        assert (status(meeting), MinutesTransition.objects.count()) == before
    for role in ["reader", "outsider"]:
        client.force_login(users[role])
        assert post(client, name, meeting).status_code == 404, role
    client.logout()
    assert post(client, name, meeting).status_code == 302
    client.force_login(users["secretary"])
    assert client.get(reverse(f"minutes:{name}", args=[meeting.reference])).status_code == 405


def test_a_wrong_transition_through_the_pages_says_why(client, meeting, users):
    client.force_login(users["secretary"])
    response = client.post(reverse("minutes:meeting-publish", args=[meeting.reference]), follow=True)
    assert "they cannot be published" in response.content.decode()
    assert status(meeting) == "draft"


def test_recording_the_approval_decision_at_a_later_meeting_approves_the_minutes(
    client, committee, meeting, users
):
    from minutes.models import ItemKind

    meeting.circulate(by=users["secretary"])
    later = make_meeting(committee, 56, held_on=meeting.held_on.replace(year=meeting.held_on.year + 1))
    item = make_item(later, "Previous Meeting Minutes", kind=ItemKind.PREVIOUS_MINUTES)
    client.force_login(users["secretary"])
    draft = client.get(reverse("minutes:meeting-draft", args=[later.reference])).content.decode()
    assert "Approves the draft minutes of" in draft and "OPSG_55 of" in draft

    url = reverse("minutes:decision-add", args=[later.reference, item.pk])
    response = client.post(
        url,
        {
            "verb": "AGREED",
            "text": "that the Draft Minutes from OPSG_55 will be published as final",
            "approves_minutes_of": meeting.pk,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_status == "approved" and meeting.approved_at_meeting == later
    decision = Decision.objects.get(item=item)
    assert decision.approves_minutes_of == meeting

    # Minutes that are not circulated cannot be approved this way.
    draft_only = make_meeting(committee, 54, held_on=meeting.held_on.replace(day=1))
    response = client.post(
        url, {"verb": "AGREED", "text": "that OPSG_54 is final", "approves_minutes_of": draft_only.pk}
    )
    assert response.status_code == 422
    assert Decision.objects.filter(item=item).count() == 1
    assert Meeting.objects.get(pk=draft_only.pk).minutes_status == "draft"


def test_readers_keep_the_published_versions_while_an_amendment_is_drafted(client, frozen, users):
    stored = PublishedMinutes.objects.get(meeting=frozen)
    frozen.start_amendment(by=users["secretary"], reason="A name was misspelt.")
    client.force_login(users["reader"])
    url = reverse("minutes:meeting-published-pdf", args=[frozen.reference, 1])
    response = client.get(url)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == stored.sha256
    assert (
        client.get(reverse("minutes:meeting-detail", args=[frozen.reference])).status_code == 404
    )  # the draft
    client.force_login(users["outsider"])
    assert client.get(url).status_code == 404
