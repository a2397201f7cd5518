"""Importing a committee's action log: files as secretariats keep them, what the preview says,
idempotent reruns, errors per row, bad files, the command and the page."""

import csv
import datetime
import io
import threading
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from actions.imports import ImportFileError, parse_date, read_table
from actions.models import Action, ActionImport, ActionUpdate, TargetDate
from actions.services.imports import ImportRefused, import_actions, plan_import
from minutes.models import Committee, Job, Meeting, Organisation, Person
from minutes.services.committees import committee_configure, committee_set_statuses
from tests.factories import (
    make_committee,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    raise_action,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 5)


def csv_bytes(rows, *, delimiter=",", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(committee, filename, data, user=None, **options):
    return import_actions(
        committee, read_table(filename, data), by=user, filename=filename, today=TODAY, **options
    )


def plan(committee, filename, data, **options):
    return plan_import(committee, read_table(filename, data), **options)


LOG = [
    ["Action ID", "Action", "Date Raised", "Target date", "Owner(s)", "Status", "Latest update"],
    ["OPSG 23/01", "The DCC to report on the outage.", "12/03/2021", "30/04/2021", "DCC", "Open", "In hand."],
    ["OPSG 23/02", "SECAS to write to members.", "12/03/2021", "", "secas ,  dcc", "Closed", "Sent."],
    ["OPSG 24/05", "Review the risk register.", "9 April 2021", "23-Aug-21", "Jane  Smith", "Open", ""],
]


@pytest.fixture
def owners(db):
    return make_organisation("DCC"), make_organisation("SECAS"), make_person("Jane Smith")


# ---- Reading files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "23/08/2021",
        "23 August 2021",
        "23-Aug-21",
        "2021-08-23",
        "23rd August 2021",
        "23 Aug 2021",
        "23.08.2021",
        "44431",
    ],
)
def test_dates_as_uk_secretariats_write_them(text):
    assert parse_date(text) == D(2021, 8, 23)


@pytest.mark.parametrize("text", ["31/02/2021", "next week", "2021-13-01"])
def test_a_date_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    "headings",
    [
        ["Reference", "Action", "Owner", "Raised", "Target date", "Revised target date", "Status", "Update"],
        [
            "Action ID",
            "Description",
            "Owners",
            "Date raised",
            "Due",
            "Revised target date",
            "Status",
            "Latest update",
        ],
        [
            "No.",
            "Action",
            "Action owner",
            "Date raised",
            "Target Date",
            "Revised Target Date",
            "Status",
            "Comments",
        ],
        [
            "Ref",
            "Action Description",
            "Owner(s)",
            "Raised",
            "Due date",
            "New target date",
            "State",
            "Progress",
        ],
    ],
)
def test_columns_are_recognised_by_their_usual_headings(committee, owners, headings):
    rows = [
        headings,
        [
            "OPSG 23/01",
            "Report on the outage.",
            "DCC",
            "12/03/2021",
            "30/04/2021",
            "31/05/2021",
            "Open",
            "Late.",
        ],
    ]
    result = run(committee, "log.csv", csv_bytes(rows))
    assert result.counts["new"] == 1
    action = Action.objects.get(reference="OPSG 23/01")
    assert action.text == "Report on the outage." and action.owner_names == "DCC"
    assert action.raised_on == D(2021, 3, 12) and action.meeting.number == 23
    assert [t.target_on for t in action.target_dates.all()] == [D(2021, 4, 30), D(2021, 5, 31)]
    assert action.due_on == D(2021, 5, 31)
    assert [u.text for u in action.updates.all()] == ["Late."]


def test_a_log_in_utf8_with_bom_and_semicolons_imports_with_references_as_typed(committee, owners):
    rows = [*LOG, ["opsg 24/6", "Typed in lower case.", "09/04/2021", "", "DCC", "", ""]]
    result = run(committee, "log.csv", csv_bytes(rows, delimiter=";", bom=True))
    assert result.counts == {"new": 4, "updated": 0, "unchanged": 0, "error": 0}
    assert sorted(Action.objects.values_list("reference", flat=True)) == [
        "OPSG 23/01",
        "OPSG 23/02",
        "OPSG 24/05",
        "opsg 24/6",
    ]
    closed = Action.objects.get(reference="OPSG 23/02")
    assert closed.is_closed and closed.closed_on == TODAY
    assert sorted(o.name for o in closed.owner_organisations.all()) == ["DCC", "SECAS"]
    assert Action.objects.get(reference="OPSG 24/05").owner_people.get().name == "Jane Smith"
    # Meetings the product does not hold are placeholders, dated from the rows, saying where from.
    placeholders = Meeting.objects.filter(committee=committee).order_by("number")
    assert [(m.number, m.held_on, m.imported_from) for m in placeholders] == [
        (23, D(2021, 3, 12), "log.csv"),
        (24, D(2021, 4, 9), "log.csv"),
    ]


def test_an_xlsx_with_date_cells_serials_text_dates_and_a_formula(committee, owners):
    rows = [
        LOG[0],
        [
            "OPSG 23/01",
            '=HYPERLINK("http://x")',
            datetime.datetime(2021, 3, 12),
            44316,
            "DCC",
            "Open",
            "+1 more",
        ],
        ["OPSG 23/02", "Second.", "12 March 2021", "2021-04-30", "SECAS", "Open", ""],
    ]
    run(committee, "log.xlsx", xlsx_bytes(rows))
    first = Action.objects.get(reference="OPSG 23/01")
    assert first.text == '=HYPERLINK("http://x")'  # kept as text, never run
    assert first.raised_on == D(2021, 3, 12) and first.due_on == D(2021, 4, 30)
    assert first.updates.get().text == "+1 more"
    assert Action.objects.get(reference="OPSG 23/02").raised_on == D(2021, 3, 12)


def test_the_products_own_export_imports_back_unchanged(client, committee, owners):
    dcc = owners[0]
    meeting = make_meeting(committee, 10, held_on=D(2026, 1, 5))
    action = raise_action(meeting, "Report.", owners=[dcc], target_on=D(2026, 2, 1))
    action.record_update(text="On track.", given_on=D(2026, 1, 20))
    user = make_user("sec", committee=committee, role="secretary")
    client.force_login(user)
    exported = client.get(reverse("actions:action-log-csv")).getvalue()
    before = (Action.objects.count(), ActionUpdate.objects.count(), TargetDate.objects.count())
    result = run(committee, "export.csv", exported, user)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}
    assert (Action.objects.count(), ActionUpdate.objects.count(), TargetDate.objects.count()) == before


# ---- Idempotence, updates, history -----------------------------------------------------


def test_importing_the_same_file_again_changes_nothing_and_a_later_file_updates(committee, owners):
    user = make_user("sec", committee=committee, role="secretary")
    run(committee, "log.csv", csv_bytes(LOG), user)
    history = sum(model.history.count() for model in (Action, ActionUpdate, TargetDate))
    counts = (
        Action.objects.count(),
        ActionUpdate.objects.count(),
        TargetDate.objects.count(),
        Meeting.objects.count(),
    )
    again = run(committee, "log.csv", csv_bytes(LOG), user)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert sum(model.history.count() for model in (Action, ActionUpdate, TargetDate)) == history
    later = [row[:] for row in LOG]
    later[1][5], later[1][6] = "Closed", "Reported in May."
    later[3][3] = "30/09/2021"
    later.append(["OPSG 24/07", "New since.", "09/04/2021", "", "DCC", "Open", ""])
    result = run(committee, "log-may.csv", csv_bytes(later), user)
    assert result.counts == {"new": 1, "updated": 2, "unchanged": 1, "error": 0}
    assert {row.reference: row.changes for row in result.rows if row.outcome == "updated"} == {
        "OPSG 23/01": ["status Closed", "update"],
        "OPSG 24/05": ["target date 30/09/2021"],
    }
    first = Action.objects.get(reference="OPSG 23/01")
    assert first.is_closed and first.updates.order_by("id").last().text == "Reported in May."
    assert Action.objects.get(reference="OPSG 24/05").due_on == D(2021, 9, 30)
    assert Action.objects.count() == counts[0] + 1


def test_the_history_says_imported_from_the_file_by_whom(client, committee, owners):
    user = make_user("sec", committee=committee, role="secretary")
    run(committee, "opsg-log.xlsx", xlsx_bytes(LOG), user)
    action = Action.objects.get(reference="OPSG 23/01")
    record = action.history.earliest("history_date")
    assert (record.history_user, record.history_change_reason) == (user, "imported from opsg-log.xlsx")
    client.force_login(user)
    history_url = reverse("actions:action-history", args=[action.meeting.reference, action.pk])
    page = client.get(history_url).content.decode()
    assert "raised action OPSG 23/01, imported from opsg-log.xlsx" in page
    detail = client.get(action.get_absolute_url()).content.decode()
    assert "imported from opsg-log.xlsx: the minutes are not held here" in detail


def test_actions_written_in_bulk_are_what_the_one_by_one_path_keeps(committee, owners):
    # The import writes new actions in bulk, without the signals that keep the search documents,
    # the target date in force and the history's owners: it must leave them as those would.
    log = [*LOG, ["OPSG 24/06", "Check the plan.", "9 April 2021", "01/05/2021", "DCC", "Open", ""]]
    log[0] = [*log[0], "Revised target date"]
    log[1] = [*log[1], "31/05/2021"]
    user = make_user("importer")
    run(committee, "log.csv", csv_bytes(log), user=user)
    for action in Action.objects.filter(committee=committee).prefetch_related(
        "owner_organisations", "owner_people"
    ):
        stored = (action.search_document, action.published_search_document, action.owner_sort, action.due_on)
        action.refresh_search_document()
        action.refresh_due_on()
        assert (
            action.search_document,
            action.published_search_document,
            action.owner_sort,
            action.due_on,
        ) == stored
        record = action.history.get()
        assert (record.history_user, record.history_change_reason) == (user, "imported from log.csv")
        assert sorted(o.organisation.name for o in record.owner_organisations.all()) == sorted(
            o.name for o in action.owner_organisations.all()
        )
        assert [p.person.name for p in record.owner_people.all()] == [
            p.name for p in action.owner_people.all()
        ]
        for row in [*action.target_dates.all(), *action.updates.all()]:
            assert row.history.get().history_change_reason == "imported from log.csv"
    first = Action.objects.get(reference="OPSG 23/01")
    assert first.due_on == D(2021, 5, 31)
    assert [t.target_on for t in first.target_dates.order_by("recorded_at", "id")] == [
        D(2021, 4, 30),
        D(2021, 5, 31),
    ]
    assert Meeting.objects.get(committee=committee, number=24).last_action_sequence == 6


def test_numbering_continues_after_the_highest_imported_number(committee, owners):
    run(committee, "log.csv", csv_bytes(LOG))
    meeting = Meeting.objects.get(committee=committee, number=24)
    assert raise_action(meeting).reference == "OPSG 24/06"
    board = make_committee(code="PAB", name="Performance Assurance Board")
    committee_configure(committee=board, action_reference="Action {n:03}", action_numbering="committee")
    rows = [
        ["Reference", "Action", "Meeting", "Date raised", "Owner"],
        ["Action 030", "Old.", "12", "01/02/2020", "DCC"],
    ]
    run(board, "pab.csv", csv_bytes(rows))
    assert raise_action(make_meeting(board, 40)).reference == "Action 031"
    # A reference the pattern does not write is kept, and leaves the numbering alone.
    run(board, "pab2.csv", csv_bytes([rows[0], ["PAB-X-9", "Odd one.", "12", "01/02/2020", "DCC"]]))
    assert raise_action(make_meeting(board, 41)).reference == "Action 032"
    assert Action.objects.get(committee=board, reference="PAB-X-9").meeting.number == 12


# ---- What the preview says, mapping, errors ------------------------------------------------


def test_unknown_owners_are_listed_and_made_only_on_import(committee, owners):
    rows = [LOG[0], ["OPSG 23/01", "Report.", "12/03/2021", "", "Elexon / Alex Baker", "Open", ""]]
    preview = plan(committee, "log.csv", csv_bytes(rows))
    assert preview.new_owners == [("Alex Baker", "person"), ("Elexon", "organisation")]
    assert preview.new_meetings == [(23, D(2021, 3, 12))]
    assert not Organisation.objects.filter(name="Elexon").exists()
    assert not Meeting.objects.filter(number=23).exists()
    run(committee, "log.csv", csv_bytes(rows))
    assert (
        Organisation.objects.filter(name="Elexon").exists()
        and Person.objects.filter(name="Alex Baker").exists()
    )


def test_statuses_map_to_the_committees_own_and_unknown_labels_ask(committee, owners):
    committee_set_statuses(
        committee=committee,
        statuses=[("Open", True), ("Carried Forward", True), ("Closed", False), ("Superseded", False)],
    )
    rows = [
        LOG[0],
        ["OPSG 23/01", "A.", "12/03/2021", "", "DCC", "carried  forward", ""],
        ["OPSG 23/02", "B.", "12/03/2021", "", "DCC", "Complete", ""],
    ]
    preview = plan(committee, "log.csv", csv_bytes(rows))
    assert preview.unknown_statuses == ["Complete"] and preview.needs_mapping
    with pytest.raises(ImportRefused, match="Complete"):
        run(committee, "log.csv", csv_bytes(rows))
    assert not Action.objects.exists()
    run(committee, "log.csv", csv_bytes(rows), statuses={"Complete": "Superseded"})
    carried, superseded = Action.objects.order_by("reference")
    assert (carried.status, carried.status_display) == ("open", "Carried Forward")
    assert (superseded.status, superseded.status_display) == ("closed", "Superseded")


def test_rows_in_error_are_named_by_number_and_nothing_is_saved_unless_valid_only(committee, owners):
    rows = [
        *LOG,
        ["OPSG 23/01", "Twice.", "12/03/2021", "", "DCC", "", ""],
        ["OPSG 25/01", "Bad date.", "31/02/2021", "", "DCC", "", ""],
        ["", "No reference.", "12/03/2021", "", "DCC", "", ""],
        ["OPSG 26/01", "", "12/03/2021", "", "DCC", "", ""],
        ["OPSG 26/02", "Ragged.", "12/03/2021", "", "DCC", "", "", "extra"],
        ["OPSG 27/01", "No date, no meeting held.", "", "", "DCC", "", ""],
    ]
    preview = plan(committee, "log.csv", csv_bytes(rows))
    errors = {row.number: " ".join(row.errors) for row in preview.errors}
    assert sorted(errors) == [5, 6, 7, 8, 9, 10]
    assert "also on row 2" in errors[5]
    assert "“31/02/2021” is not a date" in errors[6]
    assert errors[7].startswith("No reference.")
    assert "No action text" in errors[8]
    assert "8 cells where the heading row has 7" in errors[9]
    assert "give the date" in errors[10]
    with pytest.raises(ImportRefused, match="6 row"):
        run(committee, "log.csv", csv_bytes(rows))
    assert not Action.objects.exists() and not Meeting.objects.exists()
    result = run(committee, "log.csv", csv_bytes(rows), valid_only=True)
    assert result.skipped == 6 and Action.objects.count() == 3


@pytest.mark.parametrize(
    ("filename", "data", "says"),
    [
        ("log.pdf", b"%PDF-1.7 ...", "neither a CSV nor an XLSX"),
        ("log.xlsx", b"MZ\x90\x00 not a zip at all" * 10, "not an XLSX file"),
        ("log.csv", b"", "The file is empty"),
        ("log.csv", b"\n\n ,, \n", "no rows"),
        ("log.csv", "Reference,Action\nOPSG 1/01,Caf\u00e9\n".encode("cp1252"), "Windows-1252"),
        ("log.csv", "Reference,Action\n".encode("utf-16"), "UTF-16"),
        ("log.csv", b"\x00\x01\x02binary", "binary"),
    ],
)
def test_bad_files_get_a_clear_message(filename, data, says):
    with pytest.raises(ImportFileError, match=says):
        read_table(filename, data)


def test_a_zip_bomb_and_a_file_over_20_mb_are_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (300 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_table("log.xlsx", bomb.getvalue())
    with pytest.raises(ImportFileError, match="up to 20 MB"):
        read_table("log.csv", b"a" * (20 * 1024 * 1024 + 1))


def test_merged_cells_in_an_xlsx_read_as_the_first_cell(committee, owners):
    book = Workbook()
    sheet = book.active
    for row in LOG[:3]:
        sheet.append(row)
    sheet.merge_cells("C2:C3")  # one "Date raised" for both rows
    out = io.BytesIO()
    book.save(out)
    preview = plan(committee, "log.xlsx", out.getvalue())
    errors = {row.number: row.errors for row in preview.errors}
    assert list(errors) == [3] and "Say which meeting" not in " ".join(errors[3])
    assert "give the date" in " ".join(errors[3])


# ---- The command -----------------------------------------------------------------------


def test_the_command_dry_runs_maps_and_imports(tmp_path, committee, owners):
    path = tmp_path / "log.csv"
    rows = [
        ["Ref", "What", "Date raised", "Owner", "Status"],
        ["OPSG 23/01", "Report.", "12/03/2021", "DCC", "Done"],
    ]
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="No column holds the action"):
        call_command("import_actions", str(path), committee="OPSG", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Done. Map each with --status"):
        call_command(
            "import_actions", str(path), committee="OPSG", column=["What=text"], stdout=io.StringIO()
        )
    out = io.StringIO()
    options = {"committee": "OPSG", "column": ["What=text"], "status": ["Done=Closed"], "stdout": out}
    call_command("import_actions", str(path), dry_run=True, **options)
    assert "row 2: OPSG 23/01: new" in out.getvalue() and "Dry run: nothing was saved." in out.getvalue()
    assert not Action.objects.exists()
    call_command("import_actions", str(path), **options)
    assert Action.objects.get().is_closed
    out = io.StringIO()
    call_command("import_actions", str(path), **{**options, "stdout": out})
    assert "0 new, 0 updated, 1 unchanged" in out.getvalue() and "Nothing to change" in out.getvalue()
    with pytest.raises(CommandError, match="No committee has the code XYZ"):
        call_command("import_actions", str(path), committee="XYZ")


# ---- The page --------------------------------------------------------------------------


@pytest.mark.tasks
def test_the_page_uploads_previews_maps_and_imports(client, committee, owners, users, run_jobs):
    client.force_login(users["secretary"])
    url = reverse("actions:import-upload", args=[committee.code])
    rows = [
        ["Ref", "What", "Date raised", "Owner", "Status"],
        ["OPSG 23/01", "Report.", "12/03/2021", "DCC", "Done"],
    ]
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "log.csv"
    response = client.post(url, {"file": upload})
    imported = ActionImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "actions:import-preview", args=[committee.code, imported.pk]
    )
    preview = client.get(response.url).content.decode()
    assert "No column is recognised as holding the action" in preview
    assert "Column “What”" in preview
    response = client.post(response.url, {"step": "mapping", "column_1": "text", "column_0": "reference"})
    preview = client.get(response.url).content.decode()
    assert "Status “Done”" in preview and not Action.objects.exists()
    client.post(
        response.url, {"step": "mapping", "column_1": "text", "column_0": "reference", "status_0": "Closed"}
    )
    preview = client.get(response.url).content.decode()
    assert "1 new" in preview and "OPSG_23" in preview
    # The import runs in the background: the page goes to the job, which says how it went.
    started = run_jobs(lambda: client.post(response.url, {"step": "import"}))
    job = Job.objects.get()
    assert started.url == reverse("minutes:job", args=[job.pk])
    done = client.get(started.url).content.decode()
    assert "Done: Imported log.csv: 1 new, 0 updated, 0 unchanged." in done
    assert f'href="{response.url}">See the result' in done
    assert "Imported on" in client.get(response.url).content.decode()
    assert Action.objects.get(reference="OPSG 23/01").is_closed
    # The upload is done with: posting again imports nothing twice.
    run_jobs(lambda: client.post(response.url, {"step": "import"}))
    assert Action.objects.count() == 1 and Job.objects.count() == 1


def test_the_page_shows_a_bad_file_at_the_field_and_refuses_others(client, committee, users):
    url = reverse("actions:import-upload", args=[committee.code])
    client.force_login(users["secretary"])
    upload = io.BytesIO("Reference,Action\nA,Caf\u00e9\n".encode("cp1252"))
    upload.name = "log.csv"
    response = client.post(url, {"file": upload})
    assert response.status_code == 422 and "Windows-1252" in response.content.decode()
    assert not ActionImport.objects.exists()
    client.force_login(users["member"])
    assert client.get(url).status_code == 403


@pytest.mark.tasks
def test_rows_in_error_need_the_valid_only_box_on_the_page(client, committee, owners, users, run_jobs):
    client.force_login(users["secretary"])
    rows = [*LOG, ["OPSG 25/01", "Bad date.", "31/02/2021", "", "DCC", "", ""]]
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "log.csv"
    preview_url = client.post(reverse("actions:import-upload", args=[committee.code]), {"file": upload}).url
    page = client.get(preview_url).content.decode()
    assert "Import the valid rows only (3)" in page
    refused = client.post(preview_url, {"step": "import"})
    assert refused.status_code == 422 and "1 row(s) are in error" in refused.content.decode()
    assert not Action.objects.exists()
    run_jobs(lambda: client.post(preview_url, {"step": "import", "valid_only": "on"}))
    assert Action.objects.count() == 3
    assert (
        Job.objects.get().message
        == "Imported log.csv: 3 new, 0 updated, 0 unchanged, 1 row(s) in error skipped."
    )


# ---- At once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_into_one_committee_give_no_reference_twice():
    committee = make_committee()
    make_organisation("DCC")
    first = [LOG[0]] + [
        [f"OPSG 30/{n:02}", f"A{n}.", "01/02/2021", "", "DCC", "Open", ""] for n in range(1, 21)
    ]
    second = [LOG[0]] + [
        [f"OPSG 30/{n:02}", f"A{n}.", "01/02/2021", "", "DCC", "Open", ""] for n in range(11, 31)
    ]
    errors = []

    def go(barrier, rows, name):
        try:
            barrier.wait(timeout=10)
            run(Committee.objects.get(pk=committee.pk), name, csv_bytes(rows))
        except Exception as error:  # reported below, so a failure names its cause
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=go, args=(barrier, rows, name))
        for rows, name in ((first, "a.csv"), (second, "b.csv"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = list(Action.objects.values_list("reference", flat=True))
    assert sorted(references) == [f"OPSG 30/{n:02}" for n in range(1, 31)]
    assert Meeting.objects.filter(committee=committee, number=30).count() == 1


def test_the_preview_costs_the_same_queries_for_two_rows_or_sixty(client, committee, owners, users):
    """However long the file, the preview reads the committee's actions, meetings, owners and
    statuses once: the number of queries does not grow with the rows."""
    client.force_login(users["secretary"])
    run(committee, "earlier.csv", csv_bytes(LOG))  # some rows will be updates, some unchanged
    counts = []
    for size in (2, 60):
        rows = [LOG[0], *LOG[1:3]] + [
            [f"OPSG {40 + n}/01", f"Action {n}.", "01/02/2021", "", f"Owner {n}", "Open", "Progress."]
            for n in range(size - 2)
        ]
        upload = ActionImport.objects.create(committee=committee, filename="log.csv", content=csv_bytes(rows))
        url = reverse("actions:import-preview", args=[committee.code, upload.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == 17
