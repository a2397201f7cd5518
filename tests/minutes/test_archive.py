"""The committee's archive: one zip, streamed, with every published PDF as stored (and its SHA-256),
committee.json, actions.csv, the conventions file and a README; the download (its secretaries and
staff) and `manage.py export_archive`."""

import csv
import datetime
import hashlib
import io
import json
import tomllib
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from actions import exports
from actions.filters import with_log_columns
from actions.models import Action
from minutes import archive
from minutes.archive import archive_chunks, archive_filename
from minutes.conventions_file import export, parse
from minutes.models import Attendance, Committee, ItemKind, Membership, PublishedMinutes
from tests.factories import (
    make_attendance,
    make_committee,
    make_decision,
    make_footnote,
    make_item,
    make_meeting,
    make_organisation,
    make_person,
    make_standard_agenda,
    make_user,
    publish,
    raise_action,
)
from tests.rolled_back import built_for_module

pytestmark = pytest.mark.django_db

NAMES = [
    "README.txt",
    "OPSG.toml",
    "committee.json",
    "actions.csv",
    "published/OPSG_54_v1.pdf",
    "published/OPSG_54_v2.pdf",
    "published/SHA256SUMS",
]
ROLES = ("secretary", "chair", "member", "owner", "reader")
ASKED = timezone.localdate() + datetime.timedelta(days=30)  # a revised target date is never in the past


def build():
    """OPSG_54 published, amended and published again (two PDFs, the only ones rendered in this
    module); OPSG_55 a draft with an item deleted, an update, a revised target date and a deleted
    action; OPSG_56 empty; and another committee whose data must stay out."""
    committee = make_committee()
    committee.print_paper_references = True
    committee.save()
    make_standard_agenda(committee)
    users = {role: make_user(role, committee=committee, role=role) for role in ROLES}
    users["staff"] = make_user("staff", is_staff=True)
    users["outsider"] = make_user("outsider")
    secretary = users["secretary"]
    dcc = make_organisation("DCC")
    andy = make_person("Andy Knowles", organisation=dcc)
    chair_category, members = committee.seat_categories.all()[:2]

    published = make_meeting(committee, 54)
    make_item(published, "Open Session", kind=ItemKind.HEADING)
    reports = make_item(published, "PMR Report", text="<p>The OPSG considered the report.</p>")
    reports.paper_reference = "OPSG_54_03"
    reports.save()
    annex = make_item(published, "Annex", parent=reports)
    make_decision(reports, "NOTED", "the report")
    make_decision(reports, "AGREED", "the plan")
    make_footnote(reports, "report", "See the annex.")
    absent = make_attendance(
        published, make_person("Dave Warner"), chair_category, status=Attendance.Status.APOLOGIES
    )
    make_attendance(
        published, andy, members, initials="AK", remote=True, alternate_for=absent, joined_at_item=annex
    )
    action = raise_action(
        published,
        "The DCC to report back.",
        owners=[dcc, andy],
        item=reports,
        target_on=datetime.date(2021, 4, 1),
    )
    publish(published, secretary)
    published.start_amendment(by=secretary, reason="A typo in the report")
    reports.refresh_from_db()
    reports.minutes_text = "<p>The OPSG considered the amended report.</p>"
    reports.save()
    publish(published, secretary)

    draft = make_meeting(committee, 55)
    make_item(draft, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    make_item(draft, "Withdrawn paper").delete()
    action.record_meeting_update(
        meeting=draft,
        text="Report due next month.",
        status=Action.Status.OPEN,
        revised_target_on=datetime.date(2021, 5, 1),
        by=secretary,
    )
    action.record_update(text="Draft report shared.", by=users["owner"])
    action.ask_target_date(by=users["owner"], note="Waiting for data.", target_on=ASKED)
    raise_action(draft, "Raised by mistake.").delete()
    make_meeting(committee, 56)

    other = make_committee("SAB", "Settlement Assurance Board")
    raise_action(make_meeting(other, 7), "Not an OPSG action.")
    return committee, users


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    def made():
        committee, users = build()
        return committee, users, b"".join(archive_chunks(committee))

    yield from built_for_module(django_db_blocker, made)


@pytest.fixture
def committee(world, db):
    return Committee.objects.get(pk=world[0].pk)


@pytest.fixture
def users(world):
    return world[1]


@pytest.fixture
def zipped(world):
    return zipfile.ZipFile(io.BytesIO(world[2]))


@pytest.fixture
def document(zipped):
    return json.loads(zipped.read("committee.json"))


def contents(data):
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def test_the_zip_opens_and_holds_every_file_in_order(zipped):
    assert zipped.testzip() is None
    assert zipped.namelist() == NAMES


def test_every_published_pdf_is_there_byte_for_byte_with_its_stored_sha256(zipped, committee):
    versions = PublishedMinutes.objects.filter(meeting__committee=committee).order_by("version")
    assert [version.version for version in versions] == [1, 2]
    lines = []
    for version in versions:
        data = zipped.read(f"published/OPSG_54_v{version.version}.pdf")
        assert data == bytes(version.pdf)
        assert hashlib.sha256(data).hexdigest() == version.sha256
        lines.append(f"{version.sha256}  OPSG_54_v{version.version}.pdf\n")
    assert versions[0].sha256 != versions[1].sha256  # the amendment is a new version; the first stays
    assert zipped.read("published/SHA256SUMS").decode() == "".join(lines)


def test_committee_json_holds_the_conventions_and_every_meeting_with_its_parts(document):
    assert document["format_version"] == 1
    assert document["committee"]["code"] == "OPSG"
    assert document["committee"]["print_paper_references"] is True
    assert [category["name"] for category in document["seat_categories"]][:2] == ["Chair", "Network Parties"]
    assert document["statuses"] == [
        {"id": None, "label": "Open", "open": True},
        {"id": None, "label": "Closed", "open": False},
    ]
    assert [entry["title"] for entry in document["standard_agenda"]] == [
        "Previous Meeting Minutes",
        "Actions Outstanding",
        "Any Other Business",
    ]
    assert [meeting["reference"] for meeting in document["meetings"]] == ["OPSG_54", "OPSG_55", "OPSG_56"]

    meeting = document["meetings"][0]
    assert meeting["held_on"] == "2021-02-24" and meeting["start_time"] == "10:00:00"
    assert meeting["minutes_status"] == "published"
    heading, reports = meeting["items"]
    assert (heading["heading"], heading["number"], heading["title"]) == (True, "", "Open Session")
    assert (reports["number"], reports["title"], reports["paper_reference"]) == (
        "1",
        "PMR Report",
        "OPSG_54_03",
    )
    assert reports["minutes_text"] == "<p>The OPSG considered the amended report.</p>"
    assert [(sub["number"], sub["title"]) for sub in reports["sub_items"]] == [("1.1", "Annex")]
    assert [(d["verb"], d["text"]) for d in reports["decisions"]] == [
        ("NOTED", "the report"),
        ("AGREED", "the plan"),
    ]
    assert [(f["anchor_text"], f["text"]) for f in reports["footnotes"]] == [("report", "See the annex.")]

    apologies, present = sorted(meeting["attendance"], key=lambda row: row["status"])
    assert (apologies["person"], apologies["status"], apologies["seat_category"]) == (
        "Dave Warner",
        "apologies",
        "Chair",
    )
    assert present["person"] == "Andy Knowles" and present["organisation"] == "DCC"
    assert (present["initials"], present["remote"]) == ("AK", True)
    assert present["alternate_for"] == {"id": apologies["id"], "person": "Dave Warner"}
    assert present["joined_at_item"] == {"id": reports["sub_items"][0]["id"], "number": "1.1"}

    assert [(t["from"], t["to"], t["by"]) for t in meeting["transitions"]] == [
        ("draft", "circulated", "secretary"),
        ("circulated", "approved", "secretary"),
        ("approved", "published", "secretary"),
        ("published", "draft", "secretary"),
        ("draft", "circulated", "secretary"),
        ("circulated", "approved", "secretary"),
        ("approved", "published", "secretary"),
    ]
    assert [revision["number"] for revision in meeting["revisions"]] == [1, 2]
    assert [(v["version"], v["file"]) for v in meeting["published_versions"]] == [
        (1, "published/OPSG_54_v1.pdf"),
        (2, "published/OPSG_54_v2.pdf"),
    ]
    assert meeting["published_versions"][0]["sha256"] == PublishedMinutes.objects.get(version=1).sha256


def test_each_meeting_carries_its_history_deleted_items_included(document):
    published, draft, _ = document["meetings"]
    objects = {record["object"] for record in published["history"]}
    assert objects == {"meeting", "item", "decision", "footnote", "attendance"}
    text_changes = [
        record["values"]["minutes_text"]
        for record in published["history"]
        if record["object"] == "item" and record["values"]["title"] == "PMR Report"
    ]
    assert text_changes[-2:] == [
        "<p>The OPSG considered the report.</p>",
        "<p>The OPSG considered the amended report.</p>",
    ]
    withdrawn = [record for record in draft["history"] if record["values"].get("title") == "Withdrawn paper"]
    assert [record["type"] for record in withdrawn] == ["created", "deleted"]
    dates = [record["date"] for record in published["history"]]
    assert dates == sorted(dates)
    assert all(datetime.datetime.fromisoformat(date) for date in dates)


def test_committee_json_holds_every_action_with_its_steps_updates_proposals_and_history(document, committee):
    [action] = document["actions"]
    raised = Action.objects.get(committee=committee)
    assert action["reference"] == "OPSG 54/01" and action["meeting"] == "OPSG_54"
    assert action["raised_on"] == "2021-02-24" and action["status"] == "open"
    assert action["owners"] == {
        "organisations": ["DCC"],
        "people": [{"name": "Andy Knowles", "organisation": "DCC"}],
    }
    assert [(step["target_on"], step["meeting"]) for step in action["target_dates"]] == [
        ("2021-04-01", "OPSG_54"),
        ("2021-05-01", "OPSG_55"),
    ]
    assert [(update["text"], update["meeting"]) for update in action["updates"]] == [
        ("Report due next month.", "OPSG_55"),
        ("Draft report shared.", None),
    ]
    assert [
        (p["kind"], p["proposed_target_on"], p["proposed_by"], p["status"]) for p in action["proposals"]
    ] == [("target_date", ASKED.isoformat(), "owner", "pending")]
    history = action["history"]
    assert {record["object"] for record in history} == {"action", "target_date", "update"}
    created = next(record for record in history if record["object"] == "action")
    assert created["type"] == "created" and created["values"]["reference"] == "OPSG 54/01"
    assert "search_document" not in created["values"]  # the log's search, made from the rest
    owners = [record["values"]["owner_people"] for record in history if record["object"] == "action"]
    assert owners[-1] == [raised.owner_people.get().pk]

    [deleted] = document["deleted_actions"]
    assert deleted["reference"] == "OPSG 55/01"
    assert [record["type"] for record in deleted["history"] if record["object"] == "action"][-1] == "deleted"
    assert "Not an OPSG action." not in json.dumps(document)


def test_actions_csv_is_the_action_log_export_of_all_the_committees_actions(zipped, committee):
    everything = type("Secretariat", (), {"is_authenticated": True, "is_staff": True})()
    log = with_log_columns(
        Action.objects.filter(committee=committee).select_related(
            "committee", "meeting__committee", "status_label"
        ),
        user=everything,
    ).prefetch_related("owner_organisations", "owner_people")
    data = zipped.read("actions.csv")
    assert data == exports.as_csv(log)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(exports.HEADERS)
    assert [row[0] for row in rows[1:]] == ["OPSG 54/01"]
    assert rows[1][-1] == "Draft report shared."  # the latest update, whoever may read it


def test_the_conventions_file_is_export_committees_and_configures_a_committee_again(
    zipped, committee, tmp_path
):
    text = zipped.read("OPSG.toml").decode()
    assert text == export(committee)
    assert parse(text)["code"] == "OPSG"
    again = tmp_path / "OPSG.toml"
    again.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("configure_committee", str(again), stdout=out)  # the committee as it is: no change
    assert "Nothing changed" in out.getvalue()

    copy = text.replace('code = "OPSG"', 'code = "OPSGCOPY"')
    fresh = tmp_path / "OPSGCOPY.toml"
    fresh.write_text(copy, encoding="utf-8")
    call_command("configure_committee", str(fresh), stdout=io.StringIO())
    made = Committee.objects.get(code="OPSGCOPY")
    assert export(made) == copy
    assert set(Membership.objects.filter(committee=made).values_list("user__username", "role")) == {
        (role, role) for role in ROLES
    }


def test_the_readme_says_what_each_file_is(zipped):
    readme = zipped.read("README.txt").decode()
    for name in (
        "OPSG.toml",
        "committee.json",
        "actions.csv",
        "published/",
        "SHA256SUMS",
        '"deleted_actions"',
    ):
        assert name in readme
    assert "sha256sum -c SHA256SUMS" in readme


def test_two_exports_of_the_same_data_hold_the_same_files(world, committee):
    assert contents(b"".join(archive_chunks(committee))) == contents(world[2])


def test_the_archive_comes_in_chunks_as_it_is_written(committee, monkeypatch):
    chunks = list(archive_chunks(committee))
    assert len(chunks) > 1 and all(chunks)
    # Smaller chunks: the big entries (the PDFs) come in several.
    monkeypatch.setattr(archive, "CHUNK_SIZE", 1024)
    assert len(list(archive_chunks(committee))) > len(chunks)


def test_meetings_are_read_a_few_at_a_time_in_a_fixed_number_of_queries(
    committee, monkeypatch, django_assert_num_queries
):
    # The ids, then per chunk of meetings: the meetings, items, decisions, footnotes, attendance,
    # transitions, revisions, published versions, the items' meetings in the history, and the
    # history of meetings, items, decisions, footnotes and attendance.
    monkeypatch.setattr(archive, "MEETINGS_PER_QUERY", 1)
    with django_assert_num_queries(1 + 3 * 14):
        one_by_one = list(archive.meeting_records(committee))
    monkeypatch.setattr(archive, "MEETINGS_PER_QUERY", 50)
    with django_assert_num_queries(1 + 14):
        together = list(archive.meeting_records(committee))
    assert one_by_one == together


def test_the_committee_json_is_written_a_meeting_at_a_time(committee):
    pieces = list(archive.committee_json(committee))
    meetings = [piece for piece in pieces if '"reference": "OPSG_5' in piece and '"held_on"' in piece]
    assert len(meetings) == 3
    assert json.loads("".join(pieces))["meetings"][2]["reference"] == "OPSG_56"


# ---- The download -----------------------------------------------------------------------


def url(committee):
    return reverse("minutes:committee-archive", args=[committee.code])


def test_the_secretary_downloads_it_streamed(client, users, committee, world):
    client.force_login(users["secretary"])
    response = client.get(url(committee))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Type"] == "application/zip"
    filename = f"OPSG_archive_{timezone.localdate():%Y-%m-%d}.zip"
    assert filename == archive_filename(committee)
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Security-Policy" in response and response["X-Frame-Options"] == "DENY"
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert contents(b"".join(chunks)) == contents(world[2])


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider", 404), ("reader", 403), ("member", 403), ("owner", 403), ("chair", 403), ("staff", 200)],
)
def test_only_the_committees_secretaries_and_staff_download_it_as_for_its_settings(
    client, users, committee, role, status
):
    client.force_login(users[role])
    assert client.get(url(committee)).status_code == status
    assert client.get(reverse("minutes:committee-settings", args=[committee.code])).status_code == status


def test_anonymous_users_are_sent_to_log_in_and_posts_are_refused(client, users, committee):
    assert client.get(url(committee))["Location"].startswith(resolve_url(settings.LOGIN_URL))
    client.force_login(users["secretary"])
    assert client.post(url(committee)).status_code == 405
    assert client.get(reverse("minutes:committee-archive", args=["NOPE"])).status_code == 404


def test_the_settings_page_links_to_the_archive(client, users, committee):
    client.force_login(users["secretary"])
    page = client.get(reverse("minutes:committee-settings", args=[committee.code])).content.decode()
    assert f'href="{url(committee)}"' in page and "Download archive" in page
    assert "Everything about this committee in one zip" in page


# ---- The command -----------------------------------------------------------------------


def test_the_command_writes_the_archive_to_a_file(committee, world, tmp_path):
    target = tmp_path / "OPSG.zip"
    out = io.StringIO()
    call_command("export_archive", "OPSG", "-o", str(target), stdout=out)
    assert contents(target.read_bytes()) == contents(world[2])
    assert out.getvalue().startswith(f"Wrote {target} (")
    assert list(tmp_path.iterdir()) == [target]  # no partial file left


def test_the_command_writes_to_standard_output_with_a_dash(committee, world, capsysbinary):
    call_command("export_archive", "OPSG", "-o", "-")
    assert contents(capsysbinary.readouterr().out) == contents(world[2])


def test_the_command_refuses_an_unknown_committee(committee, tmp_path):
    with pytest.raises(CommandError, match="No committee has the code NOPE"):
        call_command("export_archive", "NOPE", "-o", str(tmp_path / "x.zip"))
    assert not list(tmp_path.iterdir())


def test_an_empty_committee_has_an_archive_too(db):
    empty = make_committee("PAB", "Performance Assurance Board")
    with zipfile.ZipFile(io.BytesIO(b"".join(archive_chunks(empty)))) as opened:
        assert opened.namelist() == ["README.txt", "PAB.toml", "committee.json", "actions.csv"]
        document = json.loads(opened.read("committee.json"))
        assert (document["meetings"], document["actions"], document["deleted_actions"]) == ([], [], [])
        assert tomllib.loads(opened.read("PAB.toml").decode())["code"] == "PAB"
