"""Importing Word minutes: the demo meeting exported to Word and imported into another committee is
the same meeting (items, attendance, decisions, footnotes, actions, updates) and prints like the
seed document; as a record, the Word file is the official document; the page and the command.

The demo is loaded once for the module (tests.rolled_back); each test runs in a savepoint.
"""

import difflib
import hashlib
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action
from minutes.docx import meeting_docx
from minutes.models import (
    Committee,
    Job,
    Meeting,
    MinutesImport,
    PublishedMinutes,
    SeatCategory,
)
from minutes.pdf import meeting_pdf
from minutes.sanitize import anchor_offset
from minutes.services.word_import import MinutesImportRefused, import_minutes, preview_import
from minutes.word_import import read_minutes_docx
from tests.minutes.test_pdf import SEED, pdf_text, words
from tests.rolled_back import built_for_module, load_demo_quickly

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from built_for_module(django_db_blocker, _load_demo)


def _load_demo():
    load_demo_quickly()
    opsg = Committee.objects.get(code="OPSG")
    return SimpleNamespace(
        opsg_55=meeting_docx(Meeting.objects.select_related("committee").get_by_reference("OPSG_55")),
        sab_40=meeting_docx(Meeting.objects.select_related("committee").get_by_reference("SAB_40")),
        opsg=opsg,
        secretary=get_user_model().objects.get(username="secretary"),
    )


def empty_like(committee, code):
    """A new committee with `committee`'s conventions and nothing else: no seat categories,
    meetings or actions."""
    return Committee.objects.create(
        code=code,
        name=committee.name,
        decision_name=committee.decision_name,
        decision_verbs=committee.decision_verbs,
        decision_list=committee.decision_list,
        item_numbering=committee.item_numbering,
        print_paper_references=committee.print_paper_references,
        attendance_columns=committee.attendance_columns,
        attendance_grouping=committee.attendance_grouping,
    )


def imported_into(world, data, code="COPY", *, mode="draft", filename="OPSG_55.docx", like=None):
    committee = empty_like(like or world.opsg, code)
    imported = read_minutes_docx(data, filename=filename, committee=committee)
    meeting, notes = import_minutes(
        committee=committee,
        imported=imported,
        by=world.secretary,
        filename=filename,
        mode=mode,
        original=data,
    )
    return meeting, notes


def plain(html):
    return " ".join(html.replace("<", " <").split())


def items_of(meeting):
    return [
        (
            item.parent.title if item.parent_id else "",
            item.title,
            item.kind,
            item.paper_reference,
            item.is_deferred,
            item.deferred_note,
            plain(item.minutes_text),
            [(d.verb, d.text.rstrip(".")) for d in item.decisions.order_by("position")],
            # Where each mark lands (the reader anchors it on the word before it), and its text.
            [
                (anchor_offset(item.minutes_text, f.anchor_text, f.occurrence), f.text)
                for f in item.footnotes.order_by("position")
            ],
        )
        for item in meeting.items.select_related("parent").order_by(
            "parent__position", "parent_id", "position"
        )
    ]


def attendance_of(meeting, *, categories=True):
    """The attendance as printed: initials only where the committee prints them (elsewhere an
    import suggests them from the name, as adding someone on the drafting page does)."""
    initials = "initials" in meeting.committee.attendance_column_list
    return sorted(
        (
            a.person.name,
            a.status,
            a.seat_category.name if categories else "",
            a.role_note,
            a.remote,
            a.initials if initials else "",
        )
        for a in meeting.attendances.select_related("person", "seat_category")
    )


def actions_of(meeting):
    return sorted(
        (
            a.reference,
            a.text,
            sorted(o.name for o in [*a.owner_organisations.all(), *a.owner_people.all()]),
            a.due_on,
            a.item.title if a.item_id else "",
        )
        for a in Action.objects.filter(meeting=meeting).select_related("item")
    )


def updates_of(meeting):
    return sorted(
        (u.action.reference, u.text, u.status_after) for u in meeting.action_updates.select_related("action")
    )


def test_the_demo_minutes_exported_to_word_import_as_the_same_meeting(world):
    original = Meeting.objects.get_by_reference("OPSG_55")
    copy, notes = imported_into(world, world.opsg_55)
    assert copy.reference == "COPY_55" and copy.is_draft
    assert (copy.held_on, copy.start_time, copy.end_time, copy.location) == (
        original.held_on,
        original.start_time,
        original.end_time,
        original.location,
    )
    assert (copy.next_main_meeting_on, copy.next_reporting_meeting_on) == (
        original.next_main_meeting_on,
        original.next_reporting_meeting_on,
    )
    assert items_of(copy) == items_of(original)
    assert attendance_of(copy) == attendance_of(original)
    # The committee had no seat categories: the file's are added, in its order.
    assert list(SeatCategory.objects.filter(committee=copy.committee).values_list("name", flat=True)) == list(
        SeatCategory.objects.filter(committee=original.committee)
        .filter(attendances__meeting=original)
        .distinct()
        .order_by("position")
        .values_list("name", flat=True)
    )
    assert actions_of(copy) == actions_of(original)
    assert updates_of(copy) == updates_of(original)
    assert any("raised at COPY_55" in note for note in notes)
    # The outstanding actions the new committee did not hold came in as historic actions.
    historic = Action.objects.filter(committee=copy.committee).exclude(meeting=copy)
    assert historic.count() == len(updates_of(original))
    assert all(action.meeting.imported_from == "OPSG_55.docx" for action in historic)


def test_the_imported_meetings_pdf_reads_like_the_seed_document(world):
    copy, _ = imported_into(world, world.opsg_55)
    seed_words = words(SEED.read_text())
    pdf_words = words(pdf_text(meeting_pdf(copy)))
    ratio = difflib.SequenceMatcher(None, seed_words, pdf_words, autojunk=False).ratio()
    print(f"word similarity of the imported meeting's PDF to the seed: {ratio:.4f}")
    assert ratio >= 0.90, ratio


def test_other_conventions_round_trip_lettered_decisions_headings_columns(world):
    sab = Committee.objects.get(code="SAB")
    original = Meeting.objects.get_by_reference("SAB_40")
    copy, _ = imported_into(world, world.sab_40, "SABX", like=sab, filename="SAB_40.docx")
    assert items_of(copy) == items_of(original)
    # The SAB prints one list without categories: everyone goes to the committee's first one.
    assert attendance_of(copy, categories=False) == attendance_of(original, categories=False)
    assert set(copy.attendances.values_list("seat_category__name", flat=True)) == {"Members"}
    assert copy.first_item_number == original.first_item_number
    assert [a[:3] for a in actions_of(copy)] == [a[:3] for a in actions_of(original)]


def test_as_a_record_the_word_file_is_the_official_document(client, world):
    copy, _ = imported_into(world, world.opsg_55, mode="archive")
    assert copy.is_published
    published = PublishedMinutes.objects.get(meeting=copy)
    assert bytes(published.pdf) == world.opsg_55
    assert published.sha256 == hashlib.sha256(world.opsg_55).hexdigest()
    assert published.filename == "OPSG_55.docx"
    client.force_login(world.secretary)
    Committee.objects.get(pk=copy.committee_id).memberships.create(user=world.secretary, role="secretary")
    response = client.get(reverse("minutes:meeting-published-pdf", args=[copy.reference, 1]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response) == world.opsg_55
    assert 'filename="COPY_55 Minutes.docx"' in response["Content-Disposition"]
    page = client.get(reverse("minutes:meeting-detail", args=[copy.reference])).content.decode()
    assert "Version 1 (original DOCX file)" in page
    # The minutes still print from what was read, for those who want a PDF.
    assert client.get(reverse("minutes:meeting-pdf", args=[copy.reference])).content.startswith(b"%PDF")
    # What was read feeds the action log.
    assert Action.objects.filter(meeting=copy).exists()


def test_a_meeting_held_already_is_refused_and_nothing_changes(world):
    committee = world.opsg
    imported = read_minutes_docx(world.opsg_55, committee=committee)
    before = (Meeting.objects.count(), Action.objects.count())
    with pytest.raises(MinutesImportRefused, match="OPSG_55 is already here"):
        import_minutes(committee=committee, imported=imported, by=world.secretary, filename="x.docx")
    assert (Meeting.objects.count(), Action.objects.count()) == before
    # Under another number it goes in.
    meeting, _ = import_minutes(
        committee=committee, imported=imported, by=world.secretary, filename="x.docx", number=99
    )
    assert meeting.reference == "OPSG_99"


def test_a_placeholder_from_an_action_log_import_is_filled_in(world):
    committee = empty_like(world.opsg, "FILL")
    placeholder = Meeting.objects.create(
        committee=committee, number=55, held_on="2021-08-23", imported_from="log.xlsx"
    )
    imported = read_minutes_docx(world.opsg_55, committee=committee)
    preview = preview_import(committee, imported)
    assert preview.ok and preview.placeholder == placeholder
    assert "The import fills in the placeholder FILL_55 held on 23 August 2021." in preview.notes
    meeting, _ = import_minutes(committee=committee, imported=imported, by=world.secretary, filename="m.docx")
    assert meeting.pk == placeholder.pk and meeting.items.exists()


def test_what_the_file_does_not_say_is_asked_for(world):
    committee = empty_like(world.opsg, "ASK")
    imported = read_minutes_docx(world.opsg_55, committee=committee)
    imported.number, imported.held_on = None, None
    preview = preview_import(committee, imported)
    assert preview.problems == [
        "The file does not say the meeting's number: give it.",
        "The file does not say when the meeting was held: give the date.",
    ]
    assert preview_import(committee, imported, number=7, held_on=world.opsg.meetings.first().held_on).ok


def test_the_history_says_imported_from_the_file(world):
    copy, _ = imported_into(world, world.opsg_55, filename="Minutes OPSG 55.docx")
    item = copy.items.first()
    assert item.history.first().history_change_reason == "imported from Minutes OPSG 55.docx"
    assert item.history.first().history_user == world.secretary


# ---- The command ---------------------------------------------------------------------------


def test_the_command_previews_with_dry_run_then_imports(world, tmp_path):
    empty_like(world.opsg, "CMD")
    path = tmp_path / "OPSG_55.docx"
    path.write_bytes(world.opsg_55)
    out = io.StringIO()
    call_command("import_minutes", str(path), "--committee", "CMD", "--dry-run", stdout=out)
    assert "The import makes CMD_55 held on 23 August 2021." in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    assert not Meeting.objects.filter(committee__code="CMD").exists()
    with pytest.raises(CommandError, match="say who with --user"):
        call_command("import_minutes", str(path), "--committee", "CMD", "--as", "archive")
    out = io.StringIO()
    call_command(
        "import_minutes",
        str(path),
        "--committee",
        "CMD",
        "--as",
        "archive",
        "--user",
        "secretary",
        stdout=out,
    )
    assert "Imported OPSG_55.docx as CMD_55" in out.getvalue()
    assert Meeting.objects.get(committee__code="CMD", number=55).is_published
    with pytest.raises(CommandError, match="CMD_55 is already here"):
        call_command("import_minutes", str(path), "--committee", "CMD", stdout=io.StringIO())
    bad = tmp_path / "minutes.docx"
    bad.write_bytes(b"MZ\x90\x00 not a Word file")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("import_minutes", str(bad), "--committee", "CMD")


# ---- The page ------------------------------------------------------------------------------


def upload_url(committee):
    return reverse("minutes:minutes-import-upload", args=[committee.code])


def upload(client, committee, data, name="OPSG_55.docx", mode="draft"):
    return client.post(
        upload_url(committee),
        {"file": SimpleUploadedFile(name, data), "mode": mode},
    )


@pytest.fixture
def page_committee(world):
    committee = empty_like(world.opsg, "PAGE")
    committee.memberships.create(user=world.secretary, role="secretary")
    return committee


@pytest.mark.tasks
def test_a_secretary_uploads_sees_what_was_recognised_and_imports(client, world, page_committee, run_jobs):
    client.force_login(world.secretary)
    response = upload(client, page_committee, world.opsg_55)
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "The import makes PAGE_55 held on 23 August 2021." in page
    assert "Nothing is saved until you import." in page
    for item in Meeting.objects.get_by_reference("OPSG_55").items.filter(parent=None):
        assert item.title.replace("&", "&amp;").replace("'", "&#x27;") in page
    assert not Meeting.objects.filter(committee=page_committee).exists()

    # The import runs in the background: the page goes to the job, which links to the draft.
    response = run_jobs(
        lambda: client.post(preview_url, {"step": "import", "number": "55", "held_on": "2021-08-23"})
    )
    job = Job.objects.get(committee=page_committee)
    assert response.status_code == 302 and response["Location"] == reverse("minutes:job", args=[job.pk])
    done = client.get(response["Location"]).content.decode()
    assert "Done: Imported OPSG_55.docx as PAGE_55." in done
    assert f'href="{reverse("minutes:meeting-draft", args=["PAGE_55"])}">See the result' in done
    meeting = Meeting.objects.get(committee=page_committee, number=55)
    assert meeting.imports.get().imported_at is not None
    page = client.get(preview_url).content.decode()
    assert 'as <a href="/meetings/PAGE_55/">PAGE_55</a>' in page
    # Confirming twice imports once.
    run_jobs(lambda: client.post(preview_url, {"step": "import", "number": "55", "held_on": "2021-08-23"}))
    assert Meeting.objects.filter(committee=page_committee, imported_from="").count() == 0
    assert Meeting.objects.get(committee=page_committee, number=55).imports.count() == 1


def test_a_bad_file_is_refused_beside_the_field_and_nothing_is_kept(client, world, page_committee):
    client.force_login(world.secretary)
    response = upload(client, page_committee, b"%PDF-1.7 not minutes", name="minutes.docx")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was saved." in page and 'href="#id_file"' in page
    assert not MinutesImport.objects.exists()


def test_a_refused_import_says_why_and_keeps_what_was_typed(client, world, page_committee):
    client.force_login(world.secretary)
    preview_url = upload(client, page_committee, world.opsg_55)["Location"]
    Meeting.objects.create(committee=page_committee, number=55, held_on="2021-08-23")
    response = client.post(preview_url, {"step": "import", "number": "55", "held_on": "2021-08-23"})
    assert response.status_code == 422  # shown again with the problem, nothing saved
    page = response.content.decode()
    assert "PAGE_55 is already here" in page
    response = client.post(preview_url, {"step": "import", "number": "x", "held_on": "2021-08-23"})
    assert response.status_code == 422
    assert 'value="x"' in response.content.decode()
    assert not Meeting.objects.filter(committee=page_committee, number=56).exists()


def test_text_over_a_limit_stops_the_import_with_the_items_number(world):
    committee = empty_like(world.opsg, "DEEP")
    imported = read_minutes_docx(world.opsg_55, committee=committee)
    imported.items[2].minutes_html = "<ul><li>x" * 9 + "</li></ul>" * 9
    preview = preview_import(committee, imported)
    assert (
        f"Item {imported.items[2].number}: This text nests lists 9 deep: lists can nest up to 8 levels."
        in (preview.problems)
    )
    with pytest.raises(MinutesImportRefused, match="nests lists 9 deep"):
        import_minutes(committee=committee, imported=imported, by=world.secretary, filename="deep.docx")
    assert not Meeting.objects.filter(committee=committee).exists()
