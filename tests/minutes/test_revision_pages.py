"""The revisions of a meeting's minutes: the list, one frozen revision, and redlines as a page and a PDF."""

import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minutes.models import AgendaItem
from tests.factories import make_attendance, make_decision, make_item, make_meeting, make_person, raise_action

pytestmark = pytest.mark.django_db

MEMBERS = ["secretary", "chair", "member", "owner", "staff"]
REFUSED = {"reader": 404, "outsider": 404}
REPORT = "The DCC presented the {} performance report for July and answered questions from members."


@pytest.fixture
def meeting(committee, users):
    """OPSG_55 circulated twice: revision 2 inserts, deletes and moves words and adds an item."""
    meeting = make_meeting(committee, 55)
    make_attendance(meeting, make_person("Ann Example"))
    report = make_item(
        meeting,
        "Performance report",
        text=f"<p>{REPORT.format('monthly')}</p><p>Members raised the backlog of installations.</p>",
    )
    make_decision(report, "NOTED", "the report")
    make_item(meeting, "Any other business", text="<p>No other business was raised.</p>")
    meeting.circulate(by=users["secretary"], note="First draft")

    meeting.reopen(by=users["secretary"])
    report.minutes_text = (
        f"<p>Members raised the backlog of installations.</p><p>{REPORT.format('quarterly')}</p>"
    )
    report.save()
    make_item(meeting, "Smart meter rollout", text="<p>The rollout plan was welcomed.</p>")
    meeting.circulate(by=users["secretary"], note="Comments from the Chair")
    return meeting


def url(name, meeting, *args):
    return reverse(f"minutes:{name}", args=[meeting.reference, *args])


def page_urls(meeting):
    return [
        url("revision-list", meeting),
        url("revision-detail", meeting, 1),
        url("revision-redline", meeting, 1, 2),
    ]


def pdf_text(data, tmp_path):
    path = tmp_path / "redline.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(result.stdout.split())


def test_committee_members_and_staff_see_the_revision_pages(client, meeting, users):
    for name in MEMBERS:
        client.force_login(users[name])
        for page in page_urls(meeting):
            assert client.get(page).status_code == 200, (name, page)


def test_readers_and_outsiders_are_told_the_pages_do_not_exist(client, meeting, users):
    for name, status in REFUSED.items():
        client.force_login(users[name])
        for page in [*page_urls(meeting), url("revision-redline-pdf", meeting, 1, 2)]:
            assert client.get(page).status_code == status, (name, page)


def test_readers_do_not_see_revisions_even_of_published_minutes(client, meeting, users):
    meeting.approve(by=users["chair"])
    meeting.publish(by=users["secretary"])
    client.force_login(users["reader"])
    assert client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).status_code == 200
    for page in [*page_urls(meeting), url("revision-redline-pdf", meeting, 1, 2)]:
        assert client.get(page).status_code == 403, page  # the meeting is visible, its drafts are not
    client.force_login(users["member"])
    for page in page_urls(meeting):
        assert client.get(page).status_code == 200, page


def test_anonymous_users_are_sent_to_log_in(client, meeting):
    for page in [*page_urls(meeting), url("revision-redline-pdf", meeting, 1, 2)]:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_pages_refuse_post(client, meeting, users):
    client.force_login(users["secretary"])
    for page in [*page_urls(meeting), url("revision-redline-pdf", meeting, 1, 2)]:
        assert client.post(page).status_code == 405, page


def test_unknown_revisions_and_meetings_are_not_found(client, meeting, users):
    client.force_login(users["staff"])
    for page in [
        url("revision-detail", meeting, 3),
        url("revision-detail", meeting, 0),
        url("revision-redline", meeting, 1, 3),
        url("revision-redline", meeting, 9, 2),
        url("revision-redline-pdf", meeting, 1, 3),
        reverse("minutes:revision-list", args=["OPSG_999"]),
        reverse("minutes:revision-redline", args=["OPSG_999", 1, 2]),
    ]:
        assert client.get(page).status_code == 404, page


def test_the_list_shows_every_revision_with_who_when_and_why(client, meeting, users):
    client.force_login(users["member"])
    response = client.get(url("revision-list", meeting))
    html = response.content.decode()
    assert "First draft" in html
    assert "Comments from the Chair" in html
    assert html.count(users["secretary"].username) == 2
    assert url("revision-detail", meeting, 1) in html
    assert url("revision-detail", meeting, 2) in html
    assert url("revision-redline", meeting, 1, 2) in html
    assert 'for="id_from_revision"' in html and "From revision" in html
    assert 'for="id_to_revision"' in html and "To revision" in html
    assert 'method="get"' in html


def test_the_compare_form_leads_to_the_redline(client, meeting, users):
    client.force_login(users["member"])
    response = client.get(url("revision-list", meeting), {"from_revision": 2, "to_revision": 1})
    assert response.status_code == 302
    assert response["Location"] == url("revision-redline", meeting, 2, 1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from_revision": 1, "to_revision": 1}, "Choose a different revision"),
        ({"from_revision": 1, "to_revision": 7}, "Choose one of the listed revisions."),
        ({"from_revision": 1}, "Choose a revision."),
    ],
)
def test_the_compare_form_explains_a_wrong_choice(client, meeting, users, query, message):
    client.force_login(users["member"])
    response = client.get(url("revision-list", meeting), query)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html  # the summary at the top
    assert html.count(message) == 2  # in the summary and next to the field


def test_a_single_revision_cannot_be_compared_yet(client, committee, users):
    meeting = make_meeting(committee, 60)
    make_item(meeting, "Only item", text="<p>Text.</p>")
    meeting.circulate(by=users["secretary"])
    client.force_login(users["member"])
    html = client.get(url("revision-list", meeting)).content.decode()
    assert "a comparison needs two" in html
    assert "id_from_revision" not in html


def test_a_revision_shows_the_minutes_as_circulated(client, meeting, users):
    client.force_login(users["member"])
    html = client.get(url("revision-detail", meeting, 1)).content.decode()
    assert REPORT.format("monthly") in html
    assert "Smart meter rollout" not in html  # added later, in revision 2
    assert "First draft" in html
    # The print document sits inside the page: its headings one level down, one h1 on the page.
    assert len(re.findall(r"<h1\b", html)) == 1
    assert '<h2><span class="committee">Operations Group Meeting</span></h2>' in html
    assert "<!doctype" not in html.lower().split("<body", 1)[1]
    html = client.get(url("revision-detail", meeting, 2)).content.decode()
    assert REPORT.format("quarterly") in html
    assert "Smart meter rollout" in html


def test_the_redline_page_marks_insertions_deletions_and_moves(client, meeting, users):
    client.force_login(users["member"])
    response = client.get(url("revision-redline", meeting, 1, 2))
    html = response.content.decode()
    assert '<span class="visually-hidden">inserted: </span> quarterly</ins>' in html
    assert '<span class="visually-hidden">deleted: </span> monthly</del>' in html
    # The report paragraph moved below the other: shown as moved (with its edit), not as
    # a deletion of the whole paragraph and an unrelated insertion.
    assert "Moved to paragraph 2 of this item" in html
    assert "Moved from paragraph 1 of this item" in html
    assert f"deleted: </span>{REPORT.format('monthly')}" not in html
    assert f"inserted: </span>{REPORT.format('quarterly')}" not in html
    # The new item is marked and its text inserted.
    assert ">Added</span>" in html
    assert '<span class="visually-hidden">inserted: </span>The rollout plan was welcomed.</ins>' in html
    # Unchanged items are folded, the legend explains the marks, the PDF is offered.
    assert "Show the unchanged text" in html
    assert "Key" in html
    assert url("revision-redline-pdf", meeting, 1, 2) in html


def test_the_redline_reversed_swaps_insertions_and_deletions(client, meeting, users):
    client.force_login(users["member"])
    html = client.get(url("revision-redline", meeting, 2, 1)).content.decode()
    assert '<span class="visually-hidden">deleted: </span> quarterly</del>' in html
    assert '<span class="visually-hidden">inserted: </span> monthly</ins>' in html
    assert ">Removed</span>" in html


def test_the_redline_pdf_shows_the_inserted_and_deleted_words(client, meeting, users, tmp_path):
    client.force_login(users["chair"])
    response = client.get(url("revision-redline-pdf", meeting, 1, 2))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="OPSG_55 Redline r1-r2.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert "Redline: revision 1 to revision 2" in text
    assert REPORT.format("monthly quarterly") in text
    assert "Moved from paragraph 1 of this item" in text
    assert "Smart meter rollout" in text
    assert "The rollout plan was welcomed." in text


def test_hostile_text_is_shown_as_text(client, committee, users):
    meeting = make_meeting(committee, 61)
    item = make_item(meeting, "Safe title", text="<p>Plain.</p>")
    meeting.circulate(by=users["secretary"], note='<img src=x onerror="alert(1)">')
    meeting.reopen(by=users["secretary"])
    AgendaItem.objects.filter(pk=item.pk).update(title="<script>alert(1)</script>")
    meeting.circulate(by=users["secretary"])
    client.force_login(users["member"])
    for page in [
        url("revision-list", meeting),
        url("revision-detail", meeting, 2),
        url("revision-redline", meeting, 1, 2),
    ]:
        html = client.get(page).content.decode()
        assert "<script>alert(1)" not in html, page
        assert "<img src=x" not in html, page
    assert "&lt;script&gt;" in client.get(url("revision-redline", meeting, 1, 2)).content.decode()


def grow(meeting, users, extra):
    meeting.reopen(by=users["secretary"])
    for i in range(extra):
        item = make_item(meeting, f"Extra item {i}", text=f"<p>Extra text {i}.</p><p>More.</p>")
        make_decision(item, "AGREED", f"decision {i}")
        raise_action(meeting, item=item, text=f"The DCC to do {i}.")
        make_attendance(meeting, make_person(f"Extra Person {i}"))
    meeting.circulate(by=users["secretary"])


def test_pages_cost_a_fixed_number_of_queries(client, committee, users, meeting):
    large = make_meeting(committee, 70)
    make_item(large, "First", text="<p>Text.</p>")
    large.circulate(by=users["secretary"])
    grow(large, users, 12)
    grow(meeting, users, 1)  # revision 3 of the small meeting
    client.force_login(users["member"])

    def queries(page):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    for name, small_args, large_args in [
        ("revision-list", (), ()),
        ("revision-detail", (3,), (2,)),
        ("revision-redline", (2, 3), (1, 2)),
    ]:
        assert queries(url(name, meeting, *small_args)) == queries(url(name, large, *large_args)), name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_compares_two_revisions_in_the_browser(
    page, live_server, log_in, meeting, assert_accessible
):
    from playwright.sync_api import expect

    log_in(page, "member", "test-password-123")
    page.goto(f"{live_server.url}{url('revision-list', meeting)}")
    expect(page.get_by_role("heading", name="Revisions of OPSG_55")).to_be_visible()
    assert_accessible(page)

    # A wrong choice is explained at the top and next to the field.
    page.get_by_label("From revision").select_option("2")
    page.get_by_label("To revision").select_option("2")
    page.get_by_role("button", name="Show the changes").click()
    expect(page.get_by_role("alert")).to_contain_text("To revision: Choose a different revision")
    assert_accessible(page)

    page.get_by_label("From revision").select_option("1")
    page.get_by_role("button", name="Show the changes").click()
    expect(page.get_by_role("heading", name="OPSG_55: changes from revision 1 to revision 2")).to_be_visible()
    expect(page.get_by_role("insertion").filter(has_text="quarterly")).to_be_visible()
    expect(page.get_by_role("deletion").filter(has_text="monthly").first).to_be_visible()
    expect(page.get_by_text("Moved from paragraph 1 of this item")).to_be_visible()
    assert_accessible(page)

    # Unchanged items are folded and open by keyboard.
    unchanged = page.get_by_text("No other business was raised.")
    expect(unchanged).to_be_hidden()
    page.get_by_text("Show the unchanged text of item 2").focus()
    page.keyboard.press("Enter")
    expect(unchanged).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="revision 1", exact=True).click()
    expect(page.get_by_role("heading", name="OPSG_55: revision 1")).to_be_visible()
    expect(page.get_by_text(REPORT.format("monthly"))).to_be_visible()
    assert_accessible(page)
