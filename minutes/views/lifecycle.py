"""Moving minutes through their life cycle: circulate, reopen, sign off, publish, amend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from minutes.access import MeetingAccess, get_meeting_for, get_published_minutes_for, refuse_unless
from minutes.models import TransitionRefused

# Who may move minutes along, whatever their state (the model refuses a wrong state).
SECRETARY = ("is_secretary", "the role secretary")
CHAIR = ("is_chair", "the role chair")
NOTE_MAX_LENGTH = 500  # the note fields' maxlength on the meeting page


def _typed(request, name, label):
    """(text, refusal): a note typed into a life-cycle form, trimmed, and why it cannot be stored ("" if it can).

    The database refuses NUL characters in text; the page's fields hold 500 characters.
    """
    text = request.POST.get(name, "").strip()
    if "\x00" in text:
        return text, f"The {label} contains a null character, which cannot be saved: nothing was done."
    if len(text) > NOTE_MAX_LENGTH:
        return (
            text,
            f"Keep the {label} under {NOTE_MAX_LENGTH} characters (it has {len(text)}): nothing was done.",
        )
    return text, ""


def _back(meeting):
    return redirect(reverse("minutes:meeting-detail", args=[meeting.reference]) + "#life-cycle")


def _transition(request, reference, who, run, done_message, refusal=""):
    meeting = get_meeting_for(request.user, reference)
    predicate, role = who
    refuse_unless(
        getattr(MeetingAccess.of(request.user, meeting), predicate),
        request.user,
        f"needs {role} on {meeting.committee.code}",
    )
    if refusal:
        messages.error(request, refusal)
        return _back(meeting)
    try:
        result = run(meeting)
    except TransitionRefused as error:
        messages.error(request, " ".join(error.messages))
        return _back(meeting)
    messages.success(request, done_message(meeting, result))
    return _back(meeting)


@require_POST
@login_required
def circulate(request, reference):
    note, refusal = _typed(request, "note", "note to reviewers")

    def run(meeting):
        revision = meeting.circulate(by=request.user, note=note)
        from minutes.services.review import review_notify_circulated

        sent = review_notify_circulated(revision=revision, request=request)
        return revision, sent

    return _transition(
        request,
        reference,
        SECRETARY,
        run,
        lambda meeting, result: (
            f"{meeting.reference} revision {result[0].number} is circulated; "
            f"{result[1]} reviewer{'s' if result[1] != 1 else ''} e-mailed."
        ),
        refusal,
    )


@require_POST
@login_required
def reopen(request, reference):
    note, refusal = _typed(request, "note", "note")
    return _transition(
        request,
        reference,
        SECRETARY,
        lambda meeting: meeting.reopen(by=request.user, note=note),
        lambda meeting, _: (
            f"{meeting.reference} is a draft again: edit it, then circulate the next revision."
        ),
        refusal,
    )


@require_POST
@login_required
def sign_off(request, reference):
    note, refusal = _typed(request, "note", "note")
    note = note or "Approved by the chair's sign-off."
    return _transition(
        request,
        reference,
        CHAIR,
        lambda meeting: meeting.approve(by=request.user, note=note),
        lambda meeting, _: f"The minutes of {meeting.reference} are approved by your sign-off.",
        refusal,
    )


@require_POST
@login_required
def publish(request, reference):
    return _transition(
        request,
        reference,
        SECRETARY,
        lambda meeting: meeting.publish(by=request.user),
        lambda meeting, published: (
            f"{meeting.reference} is published (version {published.version}, SHA-256 {published.sha256})."
        ),
    )


@require_POST
@login_required
def amend(request, reference):
    reason, refusal = _typed(request, "reason", "reason for the amendment")
    return _transition(
        request,
        reference,
        SECRETARY,
        lambda meeting: meeting.start_amendment(by=request.user, reason=reason),
        lambda meeting, _: (
            f"{meeting.reference} is open for an amendment; the published versions stay available."
        ),
        refusal,
    )


@require_safe
@login_required
def published_pdf(request, reference, version):
    """A stored published version, byte for byte as published (the original file, for minutes
    imported as a record)."""
    meeting, published = get_published_minutes_for(request.user, reference, version)
    response = HttpResponse(bytes(published.pdf), content_type=published.content_type)
    name = (
        f"{meeting.reference} Minutes" + (f" v{version}" if version > 1 else "") + f".{published.extension}"
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-SHA256"] = published.sha256
    return response


urlpatterns = [
    path("meetings/<str:reference>/circulate/", circulate, name="meeting-circulate"),
    path("meetings/<str:reference>/reopen/", reopen, name="meeting-reopen"),
    path("meetings/<str:reference>/sign-off/", sign_off, name="meeting-sign-off"),
    path("meetings/<str:reference>/publish/", publish, name="meeting-publish"),
    path("meetings/<str:reference>/amend/", amend, name="meeting-amend"),
    path("meetings/<str:reference>/published/<int:version>/", published_pdf, name="meeting-published-pdf"),
]
