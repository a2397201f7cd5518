"""Review of circulated minutes: the revision as it reads, comments per item, verdicts, summary.

Every control is a plain form post that redirects back to the thread it changed.
Access: the meeting through `get_meeting_for` (outsiders, and readers of
unpublished minutes, 404), then the review role (see `MeetingAccess`, else 403),
then the state: posts to minutes that are not out for review get 409.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from minutes.access import MeetingAccess, get_meeting_for
from minutes.editing import CONFLICT, INVALID
from minutes.forms.review import CommentForm, VerdictForm
from minutes.models import Membership, ReviewComment, ReviewVerdict
from minutes.services.review import (
    ReviewClosed,
    as_date,
    comment_add,
    comment_reopen,
    comment_resolve,
    is_under_review,
    latest_revision,
    review_items,
    review_summary,
    verdict_record,
)


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
        context["held_on"] = as_date(revision.snapshot.get("held_on"))
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
