"""Review of circulated minutes: the e-mail, comments, verdicts, the summary and who may do what."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minutes.models import ItemKind, Meeting, ReviewComment, ReviewVerdict
from minutes.services.review import (
    ReviewClosed,
    comment_add,
    comment_resolve,
    review_notify_circulated,
    review_summary,
    verdict_record,
)
from tests.factories import make_decision, make_item, make_meeting, make_person, make_user, raise_action

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


@pytest.fixture
def meeting(committee, users):
    earlier = make_meeting(committee, 54, held_on=datetime.date(2021, 7, 26))
    raise_action(earlier, "The DCC to report on SMETS1.", target_on=datetime.date(2021, 8, 1))
    meeting = make_meeting(committee, 55, held_on=datetime.date(2021, 8, 23))
    make_item(meeting, "Previous Meeting Minutes", text="<p>The Chair invited comments.</p>")
    make_item(meeting, "Actions Outstanding", kind=ItemKind.ACTIONS_OUTSTANDING)
    reports = make_item(meeting, "SEC Panel Reports", text="<p>The DCC presented the report.</p>")
    incident = make_item(meeting, "RDP Incident Report", parent=reports, text="<p>An incident occurred.</p>")
    make_decision(incident, "NOTED", "the incident report")
    raise_action(meeting, "The DCC to provide a root cause.", item=incident)
    make_item(meeting, "Any Other Business")
    return meeting


@pytest.fixture
def revision(meeting, users):
    return meeting.circulate(by=users["secretary"])


def key(meeting, title):
    return f"item-{meeting.items.get(title=title).pk}"


def url(name, meeting, *args):
    return reverse(f"minutes:{name}", args=[meeting.reference, *args])


def post_comment(client, meeting, revision, item_key, text="Please check the date.", parent=None):
    number = revision if isinstance(revision, int) else revision.number
    data = {"revision": number, "item_key": item_key, "text": text}
    if parent is not None:
        data["parent"] = parent.pk
    return client.post(url("review-comment-add", meeting), data)


def review_rows():
    """Everything a review post could change."""
    return list(ReviewComment.objects.values_list()), list(ReviewVerdict.objects.values_list())


# ---- E-mail -----------------------------------------------------------------


def test_circulating_emails_the_members_and_the_chair_a_link_to_the_review(revision, meeting):
    sent = review_notify_circulated(revision=revision, base_url="https://minutes.example.org/")
    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["chair@example.com", "member@example.com"]
    for message in mail.outbox:
        assert len(message.to) == 1  # nobody sees the other reviewers' addresses
        assert message.subject == "OPSG_55 draft minutes, revision 1, for review"
        assert "https://minutes.example.org/meetings/OPSG_55/review/" in message.body
        assert "23 August 2021" in message.body


def test_the_link_can_come_from_the_request(revision, settings):
    settings.ALLOWED_HOSTS = ["minutes.example.org"]
    request = RequestFactory().get("/meetings/OPSG_55/circulate/", HTTP_HOST="minutes.example.org")
    review_notify_circulated(revision=revision, request=request)
    assert "http://minutes.example.org/meetings/OPSG_55/review/" in mail.outbox[0].body


def test_readers_owners_the_secretary_and_outsiders_get_no_email(revision, users):
    review_notify_circulated(revision=revision, base_url="https://minutes.example.org")
    recipients = {address for message in mail.outbox for address in message.to}
    for name in ["reader", "owner", "secretary", "outsider", "staff"]:
        assert users[name].email not in recipients


def test_members_without_an_address_are_skipped_and_a_persons_address_is_used(committee, revision, users):
    users["member"].email = ""
    users["member"].save()
    no_address = make_user("quiet", committee=committee, role="member")
    no_address.email = ""
    no_address.save()
    person_only = make_user("personal", committee=committee, role="member")
    person_only.email = ""
    person_only.save()
    person = make_person("Personal Member", user=person_only)
    person.email = "personal@members.example"
    person.save()
    assert review_notify_circulated(revision=revision, base_url="https://m.example") == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@example.com", "personal@members.example"]


def test_a_mail_server_that_cannot_be_reached_does_not_undo_the_circulation(revision, meeting, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.EMAIL_USE_TLS = False
    assert review_notify_circulated(revision=revision, base_url="https://m.example") == 0
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.Status.CIRCULATED


def test_the_circulate_button_emails_the_reviewers(client, meeting, users):
    client.force_login(users["secretary"])
    response = client.post(url("meeting-circulate", meeting), {"note": "Please review by Friday."})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert "http://testserver/meetings/OPSG_55/review/" in mail.outbox[0].body
    assert "Please review by Friday." in mail.outbox[0].body


# ---- The review page ----------------------------------------------------------


def test_the_review_page_shows_the_revision_as_circulated_not_the_live_draft(
    client, meeting, revision, users
):
    item = meeting.items.get(title="Previous Meeting Minutes")
    # The secretary cannot edit circulated minutes, but even a direct change must not show.
    type(item).objects.filter(pk=item.pk).update(title="Changed after circulation")
    client.force_login(users["member"])
    page = client.get(url("review", meeting)).content.decode()
    assert "1. Previous Meeting Minutes" in page
    assert "Changed after circulation" not in page
    assert "The Chair invited comments." in page
    assert "3.1. RDP Incident Report" in page
    assert "The OPSG NOTED the incident report." in page
    assert "ACTION OPSG 55/01:" in page and "The DCC to provide a root cause." in page
    assert "Comment on item 3.1" in page
    assert "23 August 2021, OPSG_55" in page
    assert "OPSG 54/01" in page and "The DCC to report on SMETS1." in page and "01/08/2021" in page
    assert "Your verdict on revision 1" in page


def test_a_member_comments_replies_and_the_secretary_resolves(client, meeting, revision, users):
    item_key = key(meeting, "RDP Incident Report")
    client.force_login(users["member"])
    response = post_comment(client, meeting, revision, item_key, "Say which DCC system failed.")
    comment = ReviewComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("review", meeting) + f"#comment-{comment.pk}"
    assert (comment.author, comment.item_key, comment.parent) == (users["member"], item_key, None)

    client.force_login(users["secretary"])
    response = post_comment(client, meeting, revision, item_key, "It was the RDP gateway.", parent=comment)
    reply = ReviewComment.objects.get(parent=comment)
    assert response["Location"].endswith(f"#comment-{reply.pk}")
    # A reply to a reply joins the thread: threads are one level deep.
    client.force_login(users["chair"])
    post_comment(client, meeting, revision, item_key, "Agreed.", parent=reply)
    assert ReviewComment.objects.filter(parent=comment).count() == 2

    client.force_login(users["secretary"])
    response = client.post(url("review-comment-resolve", meeting, comment.pk))
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.resolved_at is not None and comment.resolved_by == users["secretary"]

    page = client.get(url("review", meeting)).content.decode()
    assert "Resolved by secretary" in page
    assert "Comments on item 3.1 (0 open)" in page
    assert "It was the RDP gateway." in page and "Agreed." in page

    client.post(url("review-comment-reopen", meeting, comment.pk))
    comment.refresh_from_db()
    assert comment.resolved_at is None and comment.resolved_by is None


def test_authors_resolve_their_own_comments_others_may_not(client, meeting, revision, users):
    comment = comment_add(
        revision=revision, item_key=key(meeting, "Any Other Business"), author=users["member"], text="x"
    )
    for name in ["chair", "owner"]:
        client.force_login(users[name])
        assert client.post(url("review-comment-resolve", meeting, comment.pk)).status_code == 403
    comment.refresh_from_db()
    assert comment.resolved_at is None
    client.force_login(users["member"])
    assert client.post(url("review-comment-resolve", meeting, comment.pk)).status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_by == users["member"]


def test_an_empty_comment_is_refused_next_to_the_field_and_nothing_is_saved(client, meeting, revision, users):
    item_key = key(meeting, "SEC Panel Reports")
    client.force_login(users["member"])
    response = post_comment(client, meeting, revision, item_key, "   ")
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="comment-text-{item_key}-error"' in page
    assert "Write your comment before sending it." in page
    assert f'href="#comment-text-{item_key}"' in page  # the summary links to the field
    assert not ReviewComment.objects.exists()


def test_a_reply_too_long_keeps_the_typed_text(client, meeting, revision, users):
    item_key = key(meeting, "SEC Panel Reports")
    comment = comment_add(revision=revision, item_key=item_key, author=users["chair"], text="Why?")
    client.force_login(users["member"])
    text = "Because " + "very " * 1200
    response = post_comment(client, meeting, revision, item_key, text, parent=comment)
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="reply-text-{comment.pk}-error"' in page
    assert text.strip() in page  # nothing typed is lost
    assert ReviewComment.objects.count() == 1


def test_comments_only_go_to_items_of_the_revision(meeting, revision, users):
    with pytest.raises(ValidationError, match="no such item"):
        comment_add(revision=revision, item_key="item-999999", author=users["member"], text="x")
    other = comment_add(
        revision=revision, item_key=key(meeting, "Any Other Business"), author=users["member"], text="x"
    )
    with pytest.raises(ValidationError, match="same item"):
        comment_add(
            revision=revision,
            item_key=key(meeting, "SEC Panel Reports"),
            author=users["member"],
            text="y",
            parent=other,
        )
    assert ReviewComment.objects.count() == 1


def test_hostile_comments_and_notes_are_shown_as_text(client, meeting, revision, users):
    client.force_login(users["member"])
    post_comment(client, meeting, revision, key(meeting, "Any Other Business"), HOSTILE)
    client.force_login(users["chair"])
    client.post(
        url("review-verdict", meeting), {"revision": 1, "verdict": "request_changes", "note": HOSTILE}
    )
    client.force_login(users["secretary"])
    for page in [client.get(url("review", meeting)), client.get(url("review-summary", meeting))]:
        html = page.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# ---- Verdicts -----------------------------------------------------------------


def test_a_member_approves_then_changes_their_mind(client, meeting, revision, users):
    client.force_login(users["member"])
    response = client.post(url("review-verdict", meeting), {"revision": 1, "verdict": "approve", "note": ""})
    assert response.status_code == 302 and response["Location"].endswith("#your-review")
    assert ReviewVerdict.objects.get().verdict == "approve"
    response = client.post(
        url("review-verdict", meeting), {"revision": 1, "verdict": "request_changes", "note": "Fix item 2.1."}
    )
    verdict = ReviewVerdict.objects.get()  # still one verdict per reviewer
    assert (verdict.verdict, verdict.note) == ("request_changes", "Fix item 2.1.")
    page = client.get(url("review", meeting)).content.decode()
    assert "You asked for changes to revision 1" in page
    assert re.search(r'value="request_changes"\s+checked', page)


def test_request_changes_without_a_note_is_refused_and_nothing_is_saved(client, meeting, revision, users):
    verdict_record(revision=revision, reviewer=users["member"], verdict="approve", note="Fine.")
    client.force_login(users["member"])
    response = client.post(
        url("review-verdict", meeting), {"revision": 1, "verdict": "request_changes", "note": " "}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="verdict-note-error"' in page
    assert "a note is required when you request changes" in page
    assert 'href="#verdict-note"' in page
    assert re.search(r'value="request_changes"\s+checked', page)  # the choice is kept
    verdict = ReviewVerdict.objects.get()
    assert (verdict.verdict, verdict.note) == ("approve", "Fine.")


def test_a_note_without_a_verdict_keeps_the_typed_note(client, meeting, revision, users):
    client.force_login(users["chair"])
    response = client.post(url("review-verdict", meeting), {"revision": 1, "note": "Item 3 needs the date."})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="verdict-error"' in page and "Choose Approve or Request changes." in page
    assert "Item 3 needs the date.</textarea>" in page
    assert not ReviewVerdict.objects.exists()


# ---- Summary --------------------------------------------------------------------


def test_the_summary_shows_approvals_change_requests_silence_and_open_comments(
    client, committee, meeting, revision, users
):
    second = make_user("second", committee=committee, role="member")
    second.first_name, second.last_name = "Sam", "Second"
    second.save()
    verdict_record(revision=revision, reviewer=users["chair"], verdict="approve", note="")
    verdict_record(
        revision=revision, reviewer=users["member"], verdict="request_changes", note="Item 2.1 is wrong."
    )
    incident, aob = key(meeting, "RDP Incident Report"), key(meeting, "Any Other Business")
    first = comment_add(revision=revision, item_key=incident, author=users["member"], text="One")
    comment_add(revision=revision, item_key=incident, author=users["owner"], text="Two")
    comment_add(revision=revision, item_key=incident, author=users["secretary"], text="Re", parent=first)
    done = comment_add(revision=revision, item_key=aob, author=users["member"], text="Three")
    comment_resolve(comment=done, by=users["secretary"])

    summary = review_summary(revision)
    assert [v.reviewer for v in summary.approvals] == [users["chair"]]
    assert [(v.reviewer, v.note) for v in summary.change_requests] == [
        (users["member"], "Item 2.1 is wrong.")
    ]
    assert [m.user for m in summary.not_answered] == [second]
    assert [(i.number, i.open, i.resolved, i.replies) for i in summary.items] == [
        ("3.1", 2, 0, 1),
        ("4", 0, 1, 0),
    ]
    assert summary.open_total == 2

    client.force_login(users["secretary"])
    page = client.get(url("review-summary", meeting)).content.decode()
    assert "Approved (1)" in page and "Asked for changes (1)" in page and "Not answered yet (1)" in page
    assert "Item 2.1 is wrong." in page and "Sam Second" in page
    assert f'href="/meetings/OPSG_55/review/#thread-{incident}">3.1. RDP Incident Report</a>' in page


# ---- Who may do what ------------------------------------------------------------

PAGE = {
    "secretary": 200,
    "chair": 200,
    "member": 200,
    "owner": 200,
    "staff": 200,
    "reader": 404,
    "outsider": 404,
}
SUMMARY = {
    "secretary": 200,
    "chair": 200,
    "staff": 200,
    "member": 403,
    "owner": 403,
    "reader": 404,
    "outsider": 404,
}
COMMENT = {
    "secretary": 302,
    "chair": 302,
    "member": 302,
    "owner": 302,
    "staff": 302,
    "reader": 404,
    "outsider": 404,
}
RESOLVE = {
    "secretary": 302,
    "staff": 302,
    "member": 302,
    "chair": 403,
    "owner": 403,
    "reader": 404,
    "outsider": 404,
}
VERDICT = {
    "chair": 302,
    "member": 302,
    "secretary": 403,
    "owner": 403,
    "staff": 403,
    "reader": 404,
    "outsider": 404,
}


def test_every_endpoint_by_role(client, meeting, revision, users):
    item_key = key(meeting, "Any Other Business")
    for name in PAGE:
        client.force_login(users[name])
        assert client.get(url("review", meeting)).status_code == PAGE[name], name
        assert client.get(url("review-summary", meeting)).status_code == SUMMARY[name], name
        before = ReviewComment.objects.count()
        assert post_comment(client, meeting, revision, item_key).status_code == COMMENT[name], name
        assert ReviewComment.objects.count() == before + (COMMENT[name] == 302), name
        own = comment_add(revision=revision, item_key=item_key, author=users["member"], text="by the member")
        assert client.post(url("review-comment-resolve", meeting, own.pk)).status_code == RESOLVE[name], name
        assert client.post(url("review-comment-reopen", meeting, own.pk)).status_code == RESOLVE[name], name
        response = client.post(
            url("review-verdict", meeting), {"revision": 1, "verdict": "approve", "note": ""}
        )
        assert response.status_code == VERDICT[name], name
        assert ReviewVerdict.objects.filter(reviewer=users[name]).exists() == (VERDICT[name] == 302), name


def test_anonymous_users_are_sent_to_log_in(client, meeting, revision):
    for address in [url("review", meeting), url("review-summary", meeting)]:
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    comment = comment_add(
        revision=revision,
        item_key=key(meeting, "Any Other Business"),
        author=meeting.revisions.get().created_by,
        text="x",
    )
    for address in post_urls(meeting, comment):
        response = client.post(
            address, {"revision": 1, "item_key": comment.item_key, "text": "x", "verdict": "approve"}
        )
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ReviewComment.objects.count() == 1 and not ReviewVerdict.objects.exists()


def post_urls(meeting, comment):
    return [
        url("review-comment-add", meeting),
        url("review-comment-resolve", meeting, comment.pk),
        url("review-comment-reopen", meeting, comment.pk),
        url("review-verdict", meeting),
    ]


def test_changing_urls_refuse_get(client, meeting, revision, users):
    comment = comment_add(
        revision=revision, item_key=key(meeting, "Any Other Business"), author=users["member"], text="x"
    )
    client.force_login(users["member"])
    for address in post_urls(meeting, comment):
        assert client.get(address).status_code == 405, address
    for address in [url("review", meeting), url("review-summary", meeting)]:
        client.force_login(users["secretary"])
        assert client.post(address).status_code == 405, address


def test_readers_of_published_minutes_may_not_see_their_review(client, meeting, revision, users):
    meeting.approve(by=users["chair"])
    meeting.publish(by=users["secretary"])
    client.force_login(users["reader"])
    assert client.get(reverse("minutes:meeting-detail", args=[meeting.reference])).status_code == 200
    assert client.get(url("review", meeting)).status_code == 403
    assert client.get(url("review-summary", meeting)).status_code == 403
    assert post_comment(client, meeting, revision, key(meeting, "Any Other Business")).status_code == 403


def test_comments_on_another_meetings_revision_are_not_found(client, committee, meeting, revision, users):
    other = make_meeting(committee, 56)
    make_item(other, "Other")
    other_revision = other.circulate(by=users["secretary"])
    comment = comment_add(
        revision=other_revision, item_key=f"item-{other.items.get().pk}", author=users["member"], text="x"
    )
    client.force_login(users["secretary"])
    assert client.post(url("review-comment-resolve", meeting, comment.pk)).status_code == 404
    comment.refresh_from_db()
    assert comment.resolved_at is None


# ---- Only while circulated ----------------------------------------------------------


@pytest.mark.parametrize("how", ["reopened", "approved", "never circulated"])
def test_posts_are_refused_when_the_minutes_are_not_out_for_review(client, committee, meeting, users, how):
    comment = None
    if how != "never circulated":
        revision = meeting.circulate(by=users["secretary"])
        comment = comment_add(
            revision=revision,
            item_key=key(meeting, "Any Other Business"),
            author=users["member"],
            text="Before",
        )
        verdict_record(revision=revision, reviewer=users["member"], verdict="approve", note="")
        if how == "reopened":
            meeting.reopen(by=users["secretary"])
        else:
            meeting.approve(by=users["chair"])
    before = review_rows()
    client.force_login(users["member"])
    response = post_comment(client, meeting, 1, key(meeting, "Any Other Business"), "Typed words")
    assert response.status_code == 409
    page = response.content.decode()
    assert "not out for review" in page or "have not been circulated" in page
    assert "Typed words</textarea>" in page  # given back, not lost
    response = client.post(
        url("review-verdict", meeting), {"revision": 1, "verdict": "request_changes", "note": "Late note"}
    )
    assert response.status_code == 409 and "Late note" in response.content.decode()
    if comment is not None:
        client.force_login(users["secretary"])
        assert client.post(url("review-comment-resolve", meeting, comment.pk)).status_code == 409
    assert review_rows() == before

    page = client.get(url("review", meeting)).content.decode()
    assert "not out for review" in page or "have not been circulated" in page
    assert "<textarea" not in page and "Record my review" not in page  # read-only
    if comment is not None:
        assert "Revision 1, circulated on" in page and "Before" in page


def test_a_post_for_an_earlier_revision_is_refused_once_a_new_one_is_out(client, meeting, revision, users):
    item_key = key(meeting, "Any Other Business")
    old = comment_add(revision=revision, item_key=item_key, author=users["member"], text="On revision 1")
    meeting.reopen(by=users["secretary"])
    meeting.circulate(by=users["secretary"])
    client.force_login(users["member"])
    response = post_comment(client, meeting, revision, item_key, "Written on the old page")
    assert response.status_code == 409
    assert "Revision 2 of OPSG_55 is now out for review" in response.content.decode()
    response = client.post(url("review-verdict", meeting), {"revision": 1, "verdict": "approve", "note": ""})
    assert response.status_code == 409
    assert client.post(url("review-comment-resolve", meeting, old.pk)).status_code == 409
    assert ReviewComment.objects.count() == 1 and not ReviewVerdict.objects.exists()
    with pytest.raises(ReviewClosed):
        verdict_record(revision=revision, reviewer=users["member"], verdict="approve", note="")
    page = client.get(url("review", meeting)).content.decode()
    assert "revision 2: review" in page and "On revision 1" not in page


# ---- Query counts ------------------------------------------------------------------


def add_comments(meeting, revision, users, count):
    keys = [entry["key"] for entry in revision.snapshot["items"]]
    authors = [users["member"], users["chair"], users["owner"], users["secretary"]]
    for i in range(count):
        parent = comment_add(
            revision=revision, item_key=keys[i % len(keys)], author=authors[i % 4], text=f"Comment {i}"
        )
        if i % 3 == 0:
            comment_add(
                revision=revision,
                item_key=parent.item_key,
                author=users["secretary"],
                text="Reply",
                parent=parent,
            )
        if i % 5 == 0:
            comment_resolve(comment=parent, by=users["secretary"])
    verdict_record(revision=revision, reviewer=users["chair"], verdict="approve", note="")


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["review", "review-summary"])
def test_page_queries_do_not_grow_with_the_number_of_comments(client, committee, users, page):
    counts = []
    for number, comments in [(60, 5), (61, 50)]:
        meeting = make_meeting(committee, number)
        for i in range(4):
            make_item(meeting, f"Item {i}", text="<p>Text.</p>")
        revision = meeting.circulate(by=users["secretary"])
        add_comments(meeting, revision, users, comments)
        client.force_login(users["chair"])
        counts.append(count_queries(client, url(page, meeting)))
    assert counts[0] == counts[1], counts
