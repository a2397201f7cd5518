"""The action log's CSV and XLSX exports: the filtered list, every page of it, with text kept inert."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.exports import HEADERS
from tests.factories import make_meeting, make_organisation, make_person, publish, raise_action

pytestmark = pytest.mark.django_db

LOG = reverse("actions:action-log")
CSV = reverse("actions:action-log-csv")
XLSX = reverse("actions:action-log-xlsx")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(committee, today):
    dcc, secas = make_organisation("DCC"), make_organisation("SECAS")
    m10 = make_meeting(committee, 10, held_on=today - 100 * DAY)
    m11 = make_meeting(committee, 11, held_on=today - 50 * DAY)
    revised = raise_action(
        m10, "The DCC to revise the plan.", owners=[dcc, secas], target_on=today - 20 * DAY
    )
    revised.record_meeting_update(
        meeting=m11, text="Revised at the meeting.", status="open", revised_target_on=today + 20 * DAY
    )
    revised.record_update(text="First update.", given_on=today - 60 * DAY)
    revised.record_update(text="Latest update: on track.", given_on=today - 10 * DAY)
    for number in range(30):
        raise_action(m11, f"Batch action {number}.", owners=[dcc], target_on=today + number * DAY)
    closed = raise_action(m11, "SECAS to close this.", owners=[secas], target_on=today)
    closed.close(on=timezone.localdate(), text="Done.")
    return {"dcc": dcc, "secas": secas, "revised": revised, "closed": closed, "m11": m11}


@pytest.fixture
def member_client(client, users, world):
    client.force_login(users["member"])
    return client


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="action-log-')
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def page_rows(client, query):
    """(reference, text, owners, status) of every row of the log page, page by page."""
    rows, number = [], 1
    while True:
        page = client.get(f"{LOG}?{query}&page={number}").context["page"]
        rows += [(a.reference, a.text, a.owner_names, a.get_status_display()) for a in page.object_list]
        if not page.has_next():
            return rows
        number += 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=-target",
        "status=open&sort=reference",
        "q=batch&sort=target",
        "owner=org-{dcc}",
        "overdue=on",
    ],
)
def test_the_exports_hold_every_row_of_the_filtered_list_in_its_order(member_client, world, query):
    query = query.format(dcc=world["dcc"].pk)
    expected = page_rows(member_client, query)
    csv_rows = read_csv(member_client.get(f"{CSV}?{query}"))
    xlsx_rows = read_xlsx(member_client.get(f"{XLSX}?{query}"))
    assert csv_rows[0] == list(HEADERS) and xlsx_rows[0] == list(HEADERS)
    assert [(r[0], r[1], r[5], r[6]) for r in csv_rows[1:]] == expected
    assert [(r[0], r[1], r[5], r[6]) for r in xlsx_rows[1:]] == expected
    if not query:
        assert len(expected) == 32  # more than one page of 25


def test_the_columns_of_the_seed_plus_status_and_latest_update(member_client, world, today):
    by_reference = {row[0]: row for row in read_csv(member_client.get(f"{CSV}?q=revise"))[1:]}
    assert by_reference["OPSG 10/01"] == [
        "OPSG 10/01",
        "The DCC to revise the plan.",
        f"{today - 100 * DAY:%d/%m/%Y}",
        f"{today - 20 * DAY:%d/%m/%Y}",  # the date in force before the revision
        f"{today + 20 * DAY:%d/%m/%Y}",  # the revised target date
        "DCC, SECAS",
        "Open",
        f"{today - 10 * DAY:%d/%m/%Y}",
        "Latest update: on track.",
    ]
    sheet_rows = read_xlsx(member_client.get(f"{XLSX}?q=revise"))
    assert sheet_rows[1][:6] == [
        "OPSG 10/01",
        "The DCC to revise the plan.",
        datetime.datetime.combine(today - 100 * DAY, datetime.time()),
        datetime.datetime.combine(today - 20 * DAY, datetime.time()),
        datetime.datetime.combine(today + 20 * DAY, datetime.time()),
        "DCC, SECAS",
    ]
    batch = {row[0]: row for row in read_csv(member_client.get(f"{CSV}?q=batch"))[1:]}["OPSG 11/01"]
    assert batch[3:5] == [f"{today:%d/%m/%Y}", ""]  # never revised: no revised date
    assert batch[7:] == ["", ""]  # no update yet


def test_hostile_text_cannot_become_a_formula(member_client, world):
    action = raise_action(
        world["m11"], '=HYPERLINK("http://evil.example","click")', owners=[make_person("+SUM(1)")]
    )
    action.record_update(text="@cmd|' /C calc'!A0\x07")
    raise_action(world["m11"], "-2+3 is not a sum", owners=[make_organisation("\tTabbed")])
    csv_rows = {row[1]: row for row in read_csv(member_client.get(CSV))[1:]}
    row = csv_rows['\'=HYPERLINK("http://evil.example","click")']
    assert row[5] == "'+SUM(1)" and row[8] == "'@cmd|' /C calc'!A0\x07"
    assert "'-2+3 is not a sum" in csv_rows and csv_rows["'-2+3 is not a sum"][5] == "'\tTabbed"
    book = load_workbook(io.BytesIO(member_client.get(XLSX).content))
    cells = [cell for row in book.active.iter_rows(min_row=2) for cell in row]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert '\'=HYPERLINK("http://evil.example","click")' in texts and "'+SUM(1)" in texts
    assert "'@cmd|' /C calc'!A0" in texts  # a control character cannot be stored in XLSX: dropped
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(value.startswith(("=", "+", "-", "@")) for value in texts)


def test_who_may_export(client, users, world):
    client.force_login(users["outsider"])
    assert read_csv(client.get(CSV)) == [list(HEADERS)]
    assert read_xlsx(client.get(XLSX)) == [list(HEADERS)]
    client.force_login(users["reader"])
    assert read_csv(client.get(CSV)) == [list(HEADERS)]  # raised in draft minutes: not for readers
    publish(world["revised"].meeting, users["secretary"])
    publish(world["m11"], users["secretary"])
    assert len(read_csv(client.get(CSV))) == 33


def test_invalid_filters_export_nothing(member_client):
    for url in (CSV, XLSX):
        response = member_client.get(f"{url}?due_within=soon")
        assert response.status_code == 400
        assert "The filters are not valid" in response.content.decode()


def test_the_workbook_has_its_header_frozen_bold_and_dates_as_dates(member_client, world):
    sheet = load_workbook(io.BytesIO(member_client.get(XLSX).content)).active
    assert sheet.title == "Action log" and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    raised = [row[2] for row in sheet.iter_rows(min_row=2) if row[2].value is not None]
    assert raised and all(cell.is_date and cell.number_format == "DD/MM/YYYY" for cell in raised)
