"""The one door to meetings: who may see them and who may change them.

Which meetings a user may see is `Meeting.objects.visible_to(user)`; the doors
below start from it. Outsiders get 404 (they must not learn a meeting exists), a
user who may read a meeting but tries to change it gets 403. The named
predicates say who may do what; views ask them (or `MeetingAccess`, which asks
them once per page with one query for the user's role) and templates show only
the controls they allow, never comparing roles or statuses themselves.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from minutes.models import Committee, Meeting, Membership, PublishedMinutes
from opsg.security import log_refused

Role = Membership.Role
# Who takes part in a review. Readers never see drafts; action owners are
# committee members who may comment but do not approve the minutes.
REVIEW_ROLES = {Role.SECRETARY, Role.CHAIR, Role.MEMBER, Role.OWNER}
VERDICT_ROLES = {Role.CHAIR, Role.MEMBER}
SUMMARY_ROLES = {Role.SECRETARY, Role.CHAIR}


def role_of(user, committee_id):
    """The user's role on a committee ("secretary", "chair", …), or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, committee_id=committee_id).values_list("role", flat=True).first()
    )


def role_sees_drafts(role):
    """Drafts (revisions, history, actions raised in them) are for the committee's members, not readers."""
    return role not in (None, Role.READER)


# ---- Named predicates ------------------------------------------------------------------


def is_secretary(user, committee_id):
    """A secretary of the committee, or staff (the secretariat)."""
    return user.is_authenticated and (user.is_staff or role_of(user, committee_id) == Role.SECRETARY)


def can_follow_job(user, job):
    """A background job's page is for the one who started it, its committee's secretaries and staff."""
    return user.is_authenticated and (
        job.created_by_id == user.pk
        or user.is_staff
        or (job.committee_id is not None and is_secretary(user, job.committee_id))
    )


def is_chair(user, committee_id):
    """The committee's chair, or staff."""
    return user.is_authenticated and (user.is_staff or role_of(user, committee_id) == Role.CHAIR)


def can_see_drafts(user, committee_id):
    """The committee's members (every role but reader) and staff see its minutes in draft."""
    return user.is_authenticated and (user.is_staff or role_sees_drafts(role_of(user, committee_id)))


def can_edit_minutes(user, meeting):
    """Secretaries of the committee (and staff) may change minutes still in draft."""
    return meeting.is_draft and is_secretary(user, meeting.committee_id)


def committees_drafted_by(user):
    """Committees whose minutes `user` may draft: as their secretary, or any as staff."""
    if user.is_staff:
        return Committee.objects.all()
    if not user.is_authenticated:
        return Committee.objects.none()
    return Committee.objects.filter(memberships__user=user, memberships__role=Role.SECRETARY)


@dataclass(frozen=True)
class MeetingAccess:
    """What one user may do with one meeting: the predicates above, with the role fetched once."""

    user: object
    meeting: Meeting
    role: str | None

    @classmethod
    def of(cls, user, meeting):
        return cls(user=user, meeting=meeting, role=role_of(user, meeting.committee_id))

    @property
    def is_staff(self):
        return self.user.is_staff

    @property
    def is_secretary(self):
        return self.is_staff or self.role == Role.SECRETARY

    @property
    def is_chair(self):
        return self.is_staff or self.role == Role.CHAIR

    @property
    def sees_drafts(self):
        return self.is_staff or role_sees_drafts(self.role)

    @property
    def can_edit(self):
        return self.meeting.is_draft and self.is_secretary

    @property
    def can_circulate(self):
        return self.meeting.is_draft and self.is_secretary

    @property
    def can_reopen(self):
        return self.meeting.is_circulated and self.is_secretary

    @property
    def can_sign_off(self):
        return self.meeting.is_circulated and self.is_chair

    @property
    def can_publish(self):
        return self.meeting.is_approved and self.is_secretary

    @property
    def can_amend(self):
        return self.meeting.is_published and self.is_secretary

    # The review of circulated minutes.

    @property
    def can_review(self):
        """Read the review and comment: the committee's members (not readers) and staff."""
        return self.is_staff or self.role in REVIEW_ROLES

    @property
    def can_give_verdict(self):
        return self.role in VERDICT_ROLES

    @property
    def can_see_review_summary(self):
        return self.is_staff or self.role in SUMMARY_ROLES

    def can_resolve(self, comment):
        """The secretary (or staff) resolves any thread; a commenter their own."""
        return self.is_secretary or (self.can_review and comment.author_id == self.user.pk)


# ---- Doors ------------------------------------------------------------------------------


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


def get_committee_for(user, code, *, edit=False):
    """The committee `code`, if the user has a role on it (or is staff); 404 otherwise.

    `edit=True` (its settings): its secretaries and staff, others 403.
    """
    committee = Committee.objects.filter(code=code).first() if "\x00" not in code else None
    if committee is None or not (user.is_staff or role_of(user, committee.pk)):
        log_refused(None, f"no committee {code!r} that they may see", user=user)
        raise Http404("No such committee.")
    if edit:
        refuse_unless(
            is_secretary(user, committee.pk),
            user,
            f"may not change the settings of {committee.code}",
            "Only the committee's secretaries may change its settings.",
        )
    return committee


def refuse_unless(allowed, user, why, message="Your role on this committee does not allow this."):
    """403 (logged with `why`) unless `allowed`: for a predicate asked after a door."""
    if not allowed:
        log_refused(None, why, user=user)
        raise PermissionDenied(message)


def get_meeting_for_revisions(user, reference):
    """The meeting whose drafts (revisions, history) `user` may read.

    Outsiders get 404; readers, who may see the published minutes only, 403.
    """
    meeting = get_meeting_for(user, reference)
    if not can_see_drafts(user, meeting.committee_id):
        raise PermissionDenied("Revisions and history are drafts: only the committee's members see them.")
    return meeting


def get_published_minutes_for(user, reference, version):
    """A published version of a meeting's minutes.

    Anyone with a role on the committee (readers included) and staff may download
    it, also while an amendment is being drafted; others get 404.
    """
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
