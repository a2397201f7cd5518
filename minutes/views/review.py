"""Review of circulated minutes: the revision as it reads, comments per item, verdicts, summary.

Every control is a plain form post that redirects back to the thread it changed.
Access: the meeting through `get_meeting_for` (outsiders, and readers of
unpublished minutes, 404), then the review role (see `MeetingAccess`, else 403),
then the state: posts to minutes that are not out for review get 409.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from minutes.access import MeetingAccess, get_meeting_for
from minutes.forms.review import CommentForm, VerdictForm
from minutes.models import Membership, ReviewComment, ReviewVerdict
from minutes.services.review import (
    ReviewClosed,
    comment_add,
    comment_reopen,
    comment_resolve,
    display_name,
    is_under_review,
    latest_revision,
    review_summary,
    verdict_record,
)
from minutes.views.parts import CONFLICT, INVALID


def _review_url(meeting, anchor=""):
    url = reverse("minutes:review", args=[meeting.reference])
    return f"{url}#{anchor}" if anchor else url


def _meeting_for_review(request, reference):
    meeting = get_meeting_for(request.user, reference)
    access = MeetingAccess.of(request.user, meeting)
    if not access.can_review:
        # A reader of published minutes: the drafts and their review are not for readers.
        raise PermissionDenied("Only the committee's members take part in the review of its minutes.")
    return meeting, access


def _closed_message(meeting, revision):
    if revision is None:
        return (
            f"The minutes of {meeting.reference} have not been circulated for review yet: nothing was saved."
        )
    return (
        f"The minutes of {meeting.reference} are not out for review "
        f"(they are {meeting.get_minutes_status_display().lower()}): nothing was saved."
    )


def _stale_message(meeting, revision, posted_number):
    return (
        f"Revision {revision.number} of {meeting.reference} is now out for review; revision {posted_number} "
        "no longer takes comments or verdicts. Nothing was saved."
    )


def _refused(request, meeting, message, *, text="", status=CONFLICT):
    """The post changed nothing: say why, and give back what the person typed."""
    return render(
        request,
        "minutes/review/refused.html",
        {"meeting": meeting, "message": message, "text": text, "back_url": _review_url(meeting)},
        status=status,
    )


def _as_date(value):
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
                    name: _as_date(row.get(name))
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


def _render_review(request, meeting, access, *, status=200, comment_form=None, verdict_form=None):
    revision = latest_revision(meeting)
    is_open = is_under_review(meeting, revision)
    roles = dict(Membership.objects.filter(committee_id=meeting.committee_id).values_list("user_id", "role"))
    context = {
        "meeting": meeting,
        "access": access,
        "revision": revision,
        "is_open": is_open,
        "comment_form": comment_form,
        "verdict_form": verdict_form,
    }
    if revision is not None:
        comments = list(revision.comments.select_related("author", "resolved_by"))
        context["items"] = review_items(
            revision, comments, access=access, roles=roles, comment_form=comment_form
        )
        context["held_on"] = _as_date(revision.snapshot.get("held_on"))
        context["comment_count"] = len(comments)
        context["open_total"] = sum(item["open_count"] for item in context["items"])
        if comment_form is not None:
            context["failed_item"] = next(
                (i for i in context["items"] if i["key"] == comment_form.data.get("item_key")), None
            )
        if access.can_give_verdict:
            my_verdict = revision.verdicts.filter(reviewer=request.user).first()
            context["my_verdict"] = my_verdict
            if verdict_form is None and is_open:
                initial = {"revision": revision.number}
                if my_verdict:
                    initial.update(verdict=my_verdict.verdict, note=my_verdict.note)
                context["verdict_form"] = VerdictForm(initial=initial)
    return render(request, "minutes/review/review.html", context, status=status)


@require_safe
@login_required
def review(request, reference):
    meeting, access = _meeting_for_review(request, reference)
    return _render_review(request, meeting, access)


def _posted_revision(request, meeting, *, text_field="text"):
    """The revision out for review, or a 409 response (with the typed text) if there is none."""
    revision = latest_revision(meeting)
    if not is_under_review(meeting, revision):
        text = request.POST.get(text_field, "")
        return None, _refused(request, meeting, _closed_message(meeting, revision), text=text)
    return revision, None


@require_POST
@login_required
def comment_add_view(request, reference):
    meeting, access = _meeting_for_review(request, reference)
    revision, refused = _posted_revision(request, meeting)
    if refused:
        return refused
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_review(request, meeting, access, status=INVALID, comment_form=form)
    data = form.cleaned_data
    if data["revision"] != revision.number:
        return _refused(
            request, meeting, _stale_message(meeting, revision, data["revision"]), text=data["text"]
        )
    parent = None
    if data["parent"] is not None:
        parent = ReviewComment.objects.filter(pk=data["parent"], revision=revision).first()
        if parent is None:
            form.add_error(None, "The comment you replied to is not part of this revision: reload the page.")
            return _render_review(request, meeting, access, status=INVALID, comment_form=form)
    try:
        comment = comment_add(
            revision=revision,
            item_key=data["item_key"],
            author=request.user,
            text=data["text"],
            parent=parent,
        )
    except ReviewClosed as error:
        return _refused(request, meeting, " ".join(error.messages), text=data["text"])
    except ValidationError as error:
        form.add_error(None, error)
        return _render_review(request, meeting, access, status=INVALID, comment_form=form)
    messages.success(request, "Your reply is added." if parent else "Your comment is added.")
    return redirect(_review_url(meeting, f"comment-{comment.pk}"))


def _resolution(request, reference, comment_id, *, change, done_message):
    meeting, access = _meeting_for_review(request, reference)
    comment = get_object_or_404(
        ReviewComment.objects.select_related("revision"), pk=comment_id, revision__meeting=meeting
    )
    if not access.can_resolve(comment):
        raise PermissionDenied("Only the comment's author or the secretary may resolve it.")
    revision, refused = _posted_revision(request, meeting)
    if refused:
        return refused
    if comment.revision_id != revision.pk:
        return _refused(request, meeting, _stale_message(meeting, revision, comment.revision.number))
    try:
        change(comment=comment, by=request.user)
    except ReviewClosed as error:
        return _refused(request, meeting, " ".join(error.messages))
    except ValidationError as error:
        return _refused(request, meeting, " ".join(error.messages), status=INVALID)
    messages.success(request, done_message)
    return redirect(_review_url(meeting, f"comment-{comment.pk}"))


@require_POST
@login_required
def comment_resolve_view(request, reference, comment_id):
    return _resolution(
        request, reference, comment_id, change=comment_resolve, done_message="The comment is resolved."
    )


@require_POST
@login_required
def comment_reopen_view(request, reference, comment_id):
    return _resolution(
        request, reference, comment_id, change=comment_reopen, done_message="The comment is open again."
    )


@require_POST
@login_required
def verdict_view(request, reference):
    meeting, access = _meeting_for_review(request, reference)
    if not access.can_give_verdict:
        raise PermissionDenied("Only the committee's members and chair approve or ask for changes.")
    revision, refused = _posted_revision(request, meeting, text_field="note")
    if refused:
        return refused
    form = VerdictForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["revision"] != revision.number:
            return _refused(
                request, meeting, _stale_message(meeting, revision, data["revision"]), text=data["note"]
            )
        try:
            verdict = verdict_record(
                revision=revision, reviewer=request.user, verdict=data["verdict"], note=data["note"]
            )
        except ReviewClosed as error:
            return _refused(request, meeting, " ".join(error.messages), text=data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if verdict.verdict == ReviewVerdict.Verdict.APPROVE:
                messages.success(request, f"Your review is recorded: you approve revision {revision.number}.")
            else:
                messages.success(
                    request, f"Your review is recorded: you ask for changes to revision {revision.number}."
                )
            return redirect(_review_url(meeting, "your-review"))
    return _render_review(request, meeting, access, status=INVALID, verdict_form=form)


@require_safe
@login_required
def review_summary_view(request, reference):
    meeting, access = _meeting_for_review(request, reference)
    if not access.can_see_review_summary:
        raise PermissionDenied("The review summary is for the secretary and the chair.")
    revision = latest_revision(meeting)
    return render(
        request,
        "minutes/review/summary.html",
        {
            "meeting": meeting,
            "revision": revision,
            "is_open": is_under_review(meeting, revision),
            "summary": review_summary(revision) if revision else None,
        },
    )


urlpatterns = [
    path("meetings/<str:reference>/review/", review, name="review"),
    path("meetings/<str:reference>/review/summary/", review_summary_view, name="review-summary"),
    path("meetings/<str:reference>/review/comments/", comment_add_view, name="review-comment-add"),
    path(
        "meetings/<str:reference>/review/comments/<int:comment_id>/resolve/",
        comment_resolve_view,
        name="review-comment-resolve",
    ),
    path(
        "meetings/<str:reference>/review/comments/<int:comment_id>/reopen/",
        comment_reopen_view,
        name="review-comment-reopen",
    ),
    path("meetings/<str:reference>/review/verdict/", verdict_view, name="review-verdict"),
]
