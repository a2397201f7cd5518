"""The one door to meetings: who may see and who may change them.

Outsiders get 404 (they must not learn a meeting exists), a user who may read a
meeting but tries to change it gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from minutes.models import Committee, Meeting, Membership
from opsg.security import log_refused


def can_edit_minutes(user, meeting):
    """Secretaries of the committee (and staff) may change minutes still in draft."""
    if not user.is_authenticated or meeting.minutes_status != Meeting.Status.DRAFT:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, committee_id=meeting.committee_id, role=Membership.Role.SECRETARY
    ).exists()


def get_meeting_for(user, reference, *, edit=False):
    """The meeting `reference` (e.g. OPSG_55) as `user` may see it."""
    try:
        meeting = (
            Meeting.objects.visible_to(user)
            .select_related("committee", "approved_at_meeting__committee")
            .get_by_reference(reference)
        )
    except Meeting.DoesNotExist:
        log_refused(None, f"no meeting {reference!r} that they may see", user=user)
        raise Http404("No such meeting.") from None
    if edit and not can_edit_minutes(user, meeting):
        log_refused(None, f"may not change the minutes of {meeting.reference}", user=user)
        raise PermissionDenied("Only the committee's secretaries may change draft minutes.")
    return meeting


def committees_drafted_by(user):
    """Committees whose minutes `user` may draft: as their secretary, or any as staff."""
    if user.is_staff:
        return Committee.objects.all()
    return Committee.objects.filter(memberships__user=user, memberships__role=Membership.Role.SECRETARY)


def role_of(user, committee_id):
    """The user's role on a committee ("secretary", "chair", …), or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, committee_id=committee_id).values_list("role", flat=True).first()
    )


def require_role(user, meeting, roles):
    """Refuse (403) unless the user is staff or holds one of `roles` on the meeting's committee."""
    if user.is_staff or role_of(user, meeting.committee_id) in roles:
        return
    log_refused(None, f"needs the role {' or '.join(roles)} on {meeting.committee.code}", user=user)
    raise PermissionDenied("Your role on this committee does not allow this.")


def role_sees_drafts(role):
    """Drafts (revisions, history) are for the committee's members and staff, not readers."""
    return role not in (None, Membership.Role.READER)


def can_see_revisions(user, meeting):
    """Circulated revisions are drafts: the committee's members and staff may read them, readers may not."""
    return user.is_authenticated and (user.is_staff or role_sees_drafts(role_of(user, meeting.committee_id)))


def get_meeting_for_revisions(user, reference):
    """The meeting whose drafts (revisions, history) `user` may read.

    Outsiders get 404; readers, who may see the published minutes only, 403.
    """
    meeting = get_meeting_for(user, reference)
    if not can_see_revisions(user, meeting):
        raise PermissionDenied("Revisions and history are drafts: only the committee's members see them.")
    return meeting


def get_published_minutes_for(user, reference, version):
    """A published version of a meeting's minutes.

    Anyone with a role on the committee (readers included) and staff may download
    it, also while an amendment is being drafted; others get 404.
    """
    from minutes.models import PublishedMinutes

    try:
        meeting = Meeting.objects.select_related("committee").get_by_reference(reference)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    if not (user.is_staff or role_of(user, meeting.committee_id)):
        raise Http404("No such meeting.")
    published = PublishedMinutes.objects.filter(meeting=meeting, version=version).first()
    if published is None:
        raise Http404("No such published version.")
    return meeting, published
