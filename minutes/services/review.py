"""Review of circulated minutes: e-mail to reviewers, comments per item, verdicts, the summary.

Comments and verdicts belong to one frozen revision and are taken only while
that revision is the one out for review: the minutes are circulated and no later
revision exists. Each change locks the meeting's row first, the row the life-cycle
transitions lock too, so a comment never lands on minutes that were reopened or
approved a moment before.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from minutes.access import VERDICT_ROLES, MeetingAccess
from minutes.models import (
    Meeting,
    Membership,
    MinutesRevision,
    ReviewComment,
    ReviewVerdict,
    TransitionRefused,
    display_name,
)

logger = logging.getLogger(__name__)

COMMENT_MAX_LENGTH = 5000


class ReviewClosed(TransitionRefused):
    """The revision is not (or no longer) out for review: nothing can be added to it."""


def latest_revision(meeting):
    """The meeting's last circulated revision, or None if it was never circulated."""
    return MinutesRevision.objects.filter(meeting=meeting).order_by("-number").first()


def is_under_review(meeting, revision):
    """Whether `revision` is the one out for review now (`meeting` as loaded)."""
    return (
        revision is not None
        and meeting.minutes_status == Meeting.Status.CIRCULATED
        and revision.meeting_id == meeting.pk
    )


def _lock_under_review(revision):
    """Lock the meeting and check that `revision` is still the one out for review."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee")
        .get(pk=revision.meeting_id)
    )
    if meeting.minutes_status != Meeting.Status.CIRCULATED:
        raise ReviewClosed(
            f"The minutes of {meeting.reference} are not out for review "
            f"(they are {meeting.get_minutes_status_display().lower()}): nothing was saved."
        )
    last = MinutesRevision.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"]
    if last != revision.number:
        raise ReviewClosed(
            f"Revision {last} of {meeting.reference} is now out for review; revision {revision.number} "
            "no longer takes comments or verdicts. Nothing was saved."
        )
    return meeting


def _clean_text(text, *, field_name, missing):
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field_name: missing})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {field_name: f"Keep it under {COMMENT_MAX_LENGTH} characters (it has {len(text)})."}
        )
    return text


def review_notify_circulated(*, revision, request=None, base_url=None):
    """E-mail each member and the chair a link to review `revision`; return how many were sent.

    The link is built from `base_url` (e.g. "https://minutes.example.org") or the
    request being served. One message per reviewer, so addresses are not shared.
    A mail server that cannot be reached is logged and counts as none sent: the
    minutes are circulated either way.
    """
    meeting = Meeting.objects.select_related("committee").get(pk=revision.meeting_id)
    path = reverse("minutes:review", args=[meeting.reference])
    if base_url:
        link = base_url.rstrip("/") + path
    elif request is not None:
        link = request.build_absolute_uri(path)
    else:
        raise ValueError("Give the request or a base URL to build the review link.")
    memberships = Membership.objects.filter(
        committee_id=meeting.committee_id, role__in=VERDICT_ROLES, user__is_active=True
    ).select_related("user__person")
    subject = f"{meeting.reference} draft minutes, revision {revision.number}, for review"
    messages, seen = [], set()
    for membership in memberships.order_by("user_id"):
        user = membership.user
        person = getattr(user, "person", None)
        address = user.email or (person.email if person else "")
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        messages.append((subject, _circulated_body(meeting, revision, user, link), None, [address]))
    if not messages:
        return 0
    try:
        return send_mass_mail(messages, fail_silently=False)
    except (smtplib.SMTPException, OSError):
        logger.exception(
            "Could not e-mail the reviewers of %s revision %s", meeting.reference, revision.number
        )
        return 0


def _circulated_body(meeting, revision, user, link):
    lines = [
        f"Dear {display_name(user)},",
        "",
        f"The draft minutes of the {meeting.committee.name} meeting {meeting.reference}, "
        f"held on {format_date(meeting.held_on, 'j F Y')}, are out for review (revision {revision.number}).",
        "",
        "Please read them, comment on any item, and approve them or ask for changes:",
        link,
    ]
    if revision.note:
        lines += ["", f"Note from the secretary: {revision.note}"]
    lines += ["", "Minutes & Actions"]
    return "\n".join(lines)


@transaction.atomic
def comment_add(*, revision, item_key, author, text, parent=None):
    """Comment on an item of the revision out for review, or reply to a comment on it."""
    meeting = _lock_under_review(revision)
    if not MeetingAccess.of(author, meeting).can_review:
        raise PermissionDenied("Only the committee's members may comment on its draft minutes.")
    items = {entry["key"]: entry for entry in revision.snapshot.get("items", [])}
    if item_key not in items:
        raise ValidationError(f"There is no such item in revision {revision.number}: reload the page.")
    if parent is not None:
        if parent.revision_id != revision.pk or parent.item_key != item_key:
            raise ValidationError("You can only reply to a comment on the same item of this revision.")
        if parent.parent_id is not None:
            # Threads are one level deep: a reply to a reply joins the thread.
            parent = ReviewComment.objects.get(pk=parent.parent_id)
    missing = "Write your reply before sending it." if parent else "Write your comment before sending it."
    text = _clean_text(text, field_name="text", missing=missing)
    return ReviewComment.objects.create(
        revision=revision, item_key=item_key, parent=parent, author=author, text=text
    )


def _check_resolvable(comment, by):
    meeting = _lock_under_review(comment.revision)
    if not MeetingAccess.of(by, meeting).can_resolve(comment):
        raise PermissionDenied("Only the comment's author or the secretary may resolve it.")
    if comment.parent_id is not None:
        raise ValidationError("Replies are resolved with the comment they answer.")


@transaction.atomic
def comment_resolve(*, comment, by):
    """Mark a comment thread as dealt with."""
    _check_resolvable(comment, by)
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by = timezone.now(), by
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


@transaction.atomic
def comment_reopen(*, comment, by):
    """Open a resolved comment thread again."""
    _check_resolvable(comment, by)
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    if comment.resolved_at is not None:
        comment.resolved_at, comment.resolved_by = None, None
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


@transaction.atomic
def verdict_record(*, revision, reviewer, verdict, note=""):
    """Record (or change) a reviewer's approval of, or request for changes to, the revision."""
    meeting = _lock_under_review(revision)
    if not MeetingAccess.of(reviewer, meeting).can_give_verdict:
        raise PermissionDenied("Only the committee's members and chair approve or ask for changes.")
    if verdict not in ReviewVerdict.Verdict.values:
        raise ValidationError({"verdict": "Choose Approve or Request changes."})
    note = (note or "").replace("\r\n", "\n").strip()
    if verdict == ReviewVerdict.Verdict.REQUEST_CHANGES and not note:
        raise ValidationError(
            {"note": "Say what should change: a note is required when you request changes."}
        )
    if len(note) > COMMENT_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note under {COMMENT_MAX_LENGTH} characters."})
    result, _ = ReviewVerdict.objects.update_or_create(
        revision=revision, reviewer=reviewer, defaults={"verdict": verdict, "note": note}
    )
    return result


@dataclass
class ItemComments:
    key: str
    number: str
    title: str
    open: int = 0
    resolved: int = 0
    replies: int = 0


@dataclass
class ReviewSummary:
    """Where the review of one revision stands."""

    revision: MinutesRevision
    approvals: list = field(default_factory=list)
    change_requests: list = field(default_factory=list)
    not_answered: list = field(default_factory=list)
    items: list = field(default_factory=list)  # ItemComments of items that have comments

    @property
    def open_total(self):
        return sum(item.open for item in self.items)


def review_summary(revision):
    """Approvals, change requests, reviewers yet to answer and comments per item, in three queries.

    Verdicts carry `reviewer_name` and `reviewer_role`; `not_answered` lists
    memberships (with their users) of members and the chair without a verdict.
    """
    reviewers = list(
        Membership.objects.filter(
            committee__meetings__id=revision.meeting_id, role__in=VERDICT_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    roles = {membership.user_id: membership.get_role_display() for membership in reviewers}
    summary = ReviewSummary(revision=revision)
    answered = set()
    for verdict in revision.verdicts.select_related("reviewer").order_by("given_at", "id"):
        verdict.reviewer_name = display_name(verdict.reviewer)
        verdict.reviewer_role = roles.get(verdict.reviewer_id, "")
        answered.add(verdict.reviewer_id)
        if verdict.verdict == ReviewVerdict.Verdict.APPROVE:
            summary.approvals.append(verdict)
        else:
            summary.change_requests.append(verdict)
    summary.not_answered = [m for m in reviewers if m.user_id not in answered]
    for membership in summary.not_answered:
        membership.user_name = display_name(membership.user)

    counts = {
        row["item_key"]: row
        for row in revision.comments.values("item_key").annotate(
            open=Count("id", filter=Q(parent__isnull=True, resolved_at__isnull=True)),
            resolved=Count("id", filter=Q(parent__isnull=True, resolved_at__isnull=False)),
            replies=Count("id", filter=Q(parent__isnull=False)),
        )
    }
    for entry in revision.snapshot.get("items", []):
        row = counts.get(entry["key"])
        if row:
            summary.items.append(
                ItemComments(
                    key=entry["key"],
                    number=entry["number"],
                    title=entry["title"],
                    open=row["open"],
                    resolved=row["resolved"],
                    replies=row["replies"],
                )
            )
    return summary


# ---- The review page: the snapshot's items with their threads ------------------------


def as_date(value):
    """A date of the snapshot (stored as ISO text) as a date, for the same formats as the page."""
    return datetime.date.fromisoformat(value) if value else None


def _author_line(comment, roles):
    comment.author_name = display_name(comment.author)
    role = roles.get(comment.author_id)
    comment.author_role = (
        Membership.Role(role).label if role else ("Staff" if comment.author.is_staff else "")
    )
    if comment.resolved_by_id:
        comment.resolved_by_name = display_name(comment.resolved_by)


def review_items(revision, comments, *, access, roles, comment_form=None):
    """The snapshot's items, each with its comment threads (oldest first) and its forms.

    `comment_form` is a refused comment or reply: it goes back, with its errors
    and its text, under the item (or thread) it was written for.
    """
    threads, replies = {}, {}
    for comment in comments:
        _author_line(comment, roles)
        comment.thread_replies = []
        comment.can_resolve = access.can_resolve(comment)
        comment.reply_form = None
        if comment.parent_id is None:
            threads.setdefault(comment.item_key, []).append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    for item_threads in threads.values():
        for thread in item_threads:
            thread.thread_replies = replies.get(thread.pk, [])
    failed_key = failed_parent = None
    if comment_form is not None:
        failed_key = comment_form.data.get("item_key")
        failed_parent = comment_form.data.get("parent") or None
    items = []
    for entry in revision.snapshot.get("items", []):
        item = dict(entry)
        item["heading_level"] = 3 if entry.get("parent") else 2
        item["action_lines"] = [line.partition(": ")[::2] for line in entry.get("actions", [])]
        item["outstanding"] = [
            {
                **row,
                **{
                    name: as_date(row.get(name))
                    for name in ("raised_on", "last_target_on", "revised_target_on")
                },
            }
            for row in entry.get("outstanding", [])
        ]
        item["threads"] = threads.get(entry["key"], [])
        item["open_count"] = sum(1 for thread in item["threads"] if thread.resolved_at is None)
        item["comment_form"] = None
        if failed_key == entry["key"]:
            if failed_parent is None:
                item["comment_form"] = comment_form
            else:
                for thread in item["threads"]:
                    if str(thread.pk) == str(failed_parent):
                        thread.reply_form = comment_form
        items.append(item)
    return items
