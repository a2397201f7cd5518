"""Committees, people, meetings, attendance, agenda items, decisions, footnotes."""

import contextlib
import contextvars
import copy
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q

from minutes.conventions import (
    DEFAULT_REFERENCE,
    PER_COMMITTEE,
    PER_MEETING,
    format_reference,
    reference_pattern_problem,
)
from minutes.editing import EditableMixin
from minutes.sanitize import clean_minutes_html
from minutes.signals import minutes_status_changed

DEFAULT_DECISION_VERBS = "AGREED\nNOTED\nAPPROVED\nCONSIDERED\nREQUESTED"
# What an attendance table may print, and how its header names each.
ATTENDANCE_COLUMNS = {
    "seat_category": "Category",
    "name": "Name",
    "initials": "Initials",
    "organisation": "Organisation",
    "role_note": "Role",
}
# The conventions the minutes print with, kept by published minutes (Meeting.printed_conventions).
PRINTING_CONVENTIONS = (
    "name",
    "decision_name",
    "decision_list",
    "item_numbering",
    "print_paper_references",
    "attendance_columns",
    "attendance_grouping",
)
# A decision verb: a word or a few, as the minutes print it ("AGREED", "TOOK NOTE").
VERB = re.compile(r"^[A-Za-z]+(?:[ '-][A-Za-z]+)*$")


class TransitionRefused(ValidationError):
    """A change of the minutes' state that their current state does not allow."""


TRANSITION_WORDS = {
    "draft": "reopened as a draft",
    "circulated": "circulated",
    "approved": "approved",
    "published": "published",
}

_lifecycle = contextvars.ContextVar("minutes_lifecycle", default=False)


@contextlib.contextmanager
def lifecycle_change():
    """Let the life-cycle methods change a meeting row that is otherwise frozen.

    On PostgreSQL the same permission is given to the database triggers that
    guard published minutes (see migration 0004), for this transaction only.
    """
    token = _lifecycle.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('minutes.lifecycle', 'on', true)")
        yield
    finally:
        _lifecycle.reset(token)
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('minutes.lifecycle', 'off', true)")


class MinutesPublished(TransitionRefused):
    """A change to minutes that are published: refused by the model layer (and the database)."""


def _refuse_if_published(meeting_ids):
    if _lifecycle.get():
        return
    ids = {pk for pk in meeting_ids if pk is not None}
    if ids and Meeting._base_manager.filter(pk__in=ids, minutes_status="published").exists():
        raise MinutesPublished(
            "These minutes are published and cannot be changed: start an amendment instead."
        )


class FrozenWhenPublishedQuerySet(models.QuerySet):
    """Bulk changes (update, delete, bulk_create) refused for rows of published minutes."""

    meeting_field = "meeting"

    def _meeting_ids(self):
        return self.values_list(self.meeting_field, flat=True).distinct()

    def update(self, **kwargs):
        _refuse_if_published(self._meeting_ids())
        return super().update(**kwargs)

    def delete(self):
        _refuse_if_published(self._meeting_ids())
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_if_published(obj.frozen_meeting_id() for obj in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_if_published(obj.frozen_meeting_id() for obj in objs)
        return super().bulk_update(objs, *args, **kwargs)


class ItemPartQuerySet(FrozenWhenPublishedQuerySet):
    meeting_field = "item__meeting"


class FrozenWhenPublished:
    """Saves and deletes refused once the meeting's minutes are published."""

    def frozen_meeting_id(self):
        return self.meeting_id

    def save(self, *args, **kwargs):
        meeting_ids = [self.frozen_meeting_id()]
        if self.pk is not None:
            # Moving a row out of published minutes is a change to them too.
            field = type(self).objects.all().meeting_field
            meeting_ids.append(
                type(self)._base_manager.filter(pk=self.pk).values_list(field, flat=True).first()
            )
        _refuse_if_published(meeting_ids)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_published([self.frozen_meeting_id()])
        return super().delete(*args, **kwargs)


DECISION_LIST_STYLES = [
    ("bullets", "Bullets: • NOTED …; and • AGREED …"),
    ("letters", "Letters: a) NOTED …; b) AGREED …"),
    ("numbers", "Numbers: 1. NOTED …; 2. AGREED …"),
]


class Committee(models.Model):
    """A standing committee whose meetings are minuted, such as the OPSG."""

    code = models.CharField(
        max_length=20,
        unique=True,
        help_text="Short code used in references, e.g. OPSG (letters and digits only).",
    )
    name = models.CharField(max_length=200, help_text="e.g. Operations Group")
    decision_name = models.CharField(
        max_length=100,
        help_text='How decisions name the committee, e.g. "The OPSG".',
    )
    decision_verbs = models.TextField(
        default=DEFAULT_DECISION_VERBS,
        help_text="The verbs decisions may use, one per line, in the order offered.",
    )
    decision_list = models.CharField(
        "decision lists",
        max_length=20,
        choices=DECISION_LIST_STYLES,
        default="bullets",
        help_text="How several decisions on one item print after the lead-in.",
    )
    attendance_columns = models.CharField(
        max_length=100,
        default="seat_category,name",
        help_text="What the attendance tables print, in order: seat_category, name, initials, "
        "organisation, role_note (comma-separated).",
    )
    attendance_grouping = models.CharField(
        max_length=20,
        choices=[("seat_category", "By seat category"), ("none", "One list")],
        default="seat_category",
    )
    action_reference = models.CharField(
        "action reference pattern",
        max_length=60,
        default=DEFAULT_REFERENCE,
        help_text="How action references read: {code} the committee's code, {meeting} the meeting's "
        "number, {n} the action's number, zero-padded as in {n:02}. E.g. {code} {meeting}/{n:02} "
        "(OPSG 55/01), Action {n:03} (Action 004), {n:04} (0606).",
    )
    item_numbering = models.CharField(
        max_length=20,
        choices=[
            (PER_MEETING, "From 1 at each meeting"),
            ("continuous", "Continuing from the last meeting's last item"),
        ],
        default=PER_MEETING,
    )
    print_paper_references = models.BooleanField(
        "print paper references",
        default=False,
        help_text="The paper an item considers prints after its title: “3. PMR Report (OPSG_55_03)”.",
    )
    action_numbering = models.CharField(
        max_length=20,
        choices=[
            (PER_MEETING, "Per meeting: 1, 2, … at each meeting"),
            (PER_COMMITTEE, "Per committee: continuing from meeting to meeting"),
        ],
        default=PER_MEETING,
    )
    # The counter behind per-committee action numbers: only ever goes up, so a deleted
    # action's number is never given again (per-meeting numbers count on the meeting).
    last_action_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def clean(self):
        if self.code and not self.code.isalnum():
            raise ValidationError({"code": "Use letters and digits only, e.g. OPSG."})
        errors = {}
        columns = self.attendance_column_list
        if (
            not columns
            or any(column not in ATTENDANCE_COLUMNS for column in columns)
            or "name" not in columns
        ):
            errors["attendance_columns"] = (
                "List the columns to print, with name among them: " + ", ".join(ATTENDANCE_COLUMNS) + "."
            )
        elif len(set(columns)) != len(columns):
            errors["attendance_columns"] = "Each column once, please."
        problem = reference_pattern_problem(self.action_reference, self.action_numbering)
        if problem:
            errors["action_reference"] = problem
        verbs = [line.strip() for line in (self.decision_verbs or "").splitlines() if line.strip()]
        odd = [verb for verb in verbs if not VERB.match(verb)]
        if not verbs:
            errors["decision_verbs"] = "Give at least one verb, e.g. AGREED."
        elif odd:
            errors["decision_verbs"] = (
                f"A verb is a word or two, e.g. AGREED or TOOK NOTE: “{odd[0][:40]}” is not."
            )
        elif len({verb.upper() for verb in verbs}) != len(verbs):
            errors["decision_verbs"] = "Each verb once, please: a verb is listed twice."
        if errors:
            raise ValidationError(errors)

    def action_reference_for(self, meeting_number, n):
        """The reference of action number `n` (raised at meeting number `meeting_number`)."""
        return format_reference(self.action_reference, code=self.code, meeting=meeting_number, n=n)

    @property
    def numbers_actions_per_committee(self):
        return self.action_numbering == PER_COMMITTEE

    @property
    def attendance_column_list(self):
        return [column.strip() for column in (self.attendance_columns or "").split(",") if column.strip()]

    @property
    def numbers_items_continuously(self):
        return self.item_numbering == "continuous"

    @property
    def verbs(self):
        return [line.strip().upper() for line in self.decision_verbs.splitlines() if line.strip()]

    def printing_conventions(self):
        """The conventions the minutes print with (PRINTING_CONVENTIONS), as published minutes keep
        them, and the seat categories' names in order ("seat_categories": [[pk, name]])."""
        conventions = {name: getattr(self, name) for name in PRINTING_CONVENTIONS}
        conventions["seat_categories"] = [
            [category.pk, category.name] for category in SeatCategory.objects.filter(committee_id=self.pk)
        ]
        return conventions

    def as_printed_with(self, conventions):
        """A copy of the committee holding `conventions` (kept by published minutes), never saved."""
        printed = copy.copy(self)
        for name, value in (conventions or {}).items():
            if name in PRINTING_CONVENTIONS:
                setattr(printed, name, value)
        return printed


class SeatCategory(models.Model):
    """A seat category of a committee (Network Parties, Large Suppliers, ...), in order."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seat_categories")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["committee", "position", "id"]
        verbose_name_plural = "seat categories"
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="unique_seat_category_name"),
        ]

    def __str__(self):
        return self.name


class ActionStatus(models.Model):
    """A status a committee's actions can have, as its minutes print it ("Carried Forward").

    Open statuses are carried into Actions Outstanding at the next meeting; closed ones
    end the action. A committee that defines none has Open and Closed.
    """

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="action_statuses")
    label = models.CharField(max_length=40)
    is_open = models.BooleanField(
        "counts as open",
        default=True,
        help_text="Open statuses are carried into the next meeting's Actions Outstanding.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["committee", "position", "id"]
        verbose_name_plural = "action statuses"
        constraints = [
            models.UniqueConstraint(fields=["committee", "label"], name="unique_action_status_label"),
        ]

    def __str__(self):
        return self.label


class ItemKind(models.TextChoices):
    ITEM = "item", "Ordinary item"
    PREVIOUS_MINUTES = "previous_minutes", "Previous Meeting Minutes"
    ACTIONS_OUTSTANDING = "actions_outstanding", "Actions Outstanding"
    # Groups the items after it ("Open Session", "Confidential Session") and takes no number.
    HEADING = "heading", "Heading (no number)"
    # Its text, left empty, is written from the attendance: "Apologies were received from …".
    APOLOGIES = "apologies", "Apologies"


class StandardAgendaItem(models.Model):
    """An item of a committee's standard agenda, copied into each new meeting."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="standard_agenda_items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=ItemKind.choices, default=ItemKind.ITEM)
    text = models.TextField("default text", blank=True, help_text="The item's minutes text to start from.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["committee", "position", "id"]

    def __str__(self):
        return self.title


class Organisation(models.Model):
    """An organisation that sends people to committees or owns actions (DCC, SECAS, ...)."""

    name = models.CharField(max_length=200, unique=True, help_text="Name as printed, e.g. DCC")
    full_name = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone who attends meetings or owns actions, optionally with a user account."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


def display_name(user):
    """How the pages name a user: their full name, else their username."""
    return user.get_full_name() or user.get_username()


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()

    def seeing_drafts(self):
        """Roles that see the committee's minutes in draft: everyone but readers."""
        return self.exclude(role=Membership.Role.READER)

    def readers(self):
        """Roles that see published minutes only."""
        return self.filter(role=Membership.Role.READER)


class Membership(models.Model):
    """A user's role on one committee."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", "Secretary"
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        OWNER = "owner", "Action owner"
        READER = "reader", "Reader"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.committee.code}"


class MeetingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse_if_published(self.values_list("pk", flat=True))
        return super().update(**kwargs)

    def delete(self):
        _refuse_if_published(self.values_list("pk", flat=True))
        return super().delete()

    def visible_to(self, user):
        """Meetings a user may open: staff see all; the committee's members every meeting of
        theirs; readers only published minutes."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        roles = Membership.objects.for_user(user)
        return self.filter(
            Q(committee__in=roles.seeing_drafts().values("committee"))
            | Q(committee__in=roles.readers().values("committee"), minutes_status=Meeting.Status.PUBLISHED)
        )

    def get_by_reference(self, reference):
        code, sep, number = reference.rpartition("_")
        # ASCII digits only ("²".isdigit() is true, int("²") fails); no NUL, which PostgreSQL refuses.
        if not sep or not (number.isascii() and number.isdigit()) or "\x00" in code:
            raise self.model.DoesNotExist(f"{reference!r} is not a meeting reference such as OPSG_55.")
        return self.get(committee__code=code, number=int(number))


class Meeting(EditableMixin, models.Model):
    """One meeting of a committee, and its minutes."""

    class Kind(models.TextChoices):
        MAIN = "main", "Main meeting"
        REPORTING = "reporting", "Reporting meeting"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CIRCULATED = "circulated", "Circulated"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAIN)
    held_on = models.DateField("date")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True, default="Teleconference")
    minutes_status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    first_item_number = models.PositiveIntegerField(
        "number of the first item",
        default=1,
        help_text="1, or where the last meeting's numbers ended for a committee that numbers items continuously.",
    )
    next_main_meeting_on = models.DateField("next main meeting", null=True, blank=True)
    next_reporting_meeting_on = models.DateField("next reporting meeting", null=True, blank=True)
    # The counter behind action references: only ever goes up, so a deleted
    # action's reference is never given again.
    last_action_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set on a meeting an action log import made so that its actions say where they came from:
    # a placeholder, with no minutes held here.
    imported_from = models.CharField(
        max_length=255,
        blank=True,
        editable=False,
        help_text="The file whose import made this meeting, as a placeholder with no minutes.",
    )
    # The committee's conventions the minutes were published with (name, decision lists, attendance
    # columns, paper references): published minutes print with them whatever the committee changes.
    printed_conventions = models.JSONField(null=True, blank=True, editable=False)
    approved_at_meeting = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes_approved",
        help_text="The later meeting whose decision approved these minutes (empty for a chair sign-off).",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="unique_meeting_number"),
            models.CheckConstraint(
                condition=Q(minutes_status__in=["draft", "circulated", "approved", "published"]),
                name="meeting_minutes_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self.pk is not None:
            _refuse_if_published([self.pk])
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_published([self.pk])
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "The meeting must end after it starts."})

    @property
    def reference(self):
        return f"{self.committee.code}_{self.number}"

    @property
    def is_draft(self):
        return self.minutes_status == self.Status.DRAFT

    @property
    def is_circulated(self):
        return self.minutes_status == self.Status.CIRCULATED

    @property
    def is_approved(self):
        return self.minutes_status == self.Status.APPROVED

    @property
    def is_published(self):
        return self.minutes_status == self.Status.PUBLISHED

    @property
    def minutes_title(self):
        return "Minutes" if self.is_published else "Draft Minutes"

    # ---- Minutes life cycle -------------------------------------------------
    # draft -> circulated (frozen revision N) -> approved -> published; a
    # circulated draft may be reopened; published minutes change only through an
    # amendment, which reopens them as a draft and publishes a new version.

    def _transition(self, *, expected, to, by, note=""):
        """Move to `to` if the minutes are in one of the `expected` states; log it."""
        with transaction.atomic():
            current = Meeting.objects.select_for_update().get(pk=self.pk)
            if current.minutes_status not in expected:
                raise TransitionRefused(
                    f"The minutes of {self.reference} are {current.get_minutes_status_display().lower()}: "
                    f"they cannot be {TRANSITION_WORDS[to]}."
                )
            with lifecycle_change():
                Meeting.objects.filter(pk=self.pk).update(minutes_status=to)
            MinutesTransition.objects.create(
                meeting=self, from_status=current.minutes_status, to_status=to, by=by, note=note
            )
            self.minutes_status = to
            minutes_status_changed.send(
                sender=Meeting, meeting=self, from_status=current.minutes_status, to_status=to
            )
            return current.minutes_status

    def circulate(self, *, by, note=""):
        """Freeze the draft as revision N and circulate it for review."""
        from minutes.revisions import freeze_revision

        with transaction.atomic():
            self._transition(expected=[self.Status.DRAFT], to=self.Status.CIRCULATED, by=by, note=note)
            return freeze_revision(self, by=by, note=note)

    def reopen(self, *, by, note=""):
        """Take circulated minutes back to draft, to issue a new revision."""
        self._transition(expected=[self.Status.CIRCULATED], to=self.Status.DRAFT, by=by, note=note)

    def approve(self, *, by, at_meeting=None, note=""):
        """Record that the committee approved these circulated minutes.

        `at_meeting` is the later meeting whose decision approved them; without it
        this is a chair sign-off (committees that approve by correspondence).
        """
        if at_meeting is not None and not self._is_earlier_than(at_meeting):
            raise TransitionRefused("Minutes are approved at a later meeting of the same committee.")
        with transaction.atomic():
            self._transition(expected=[self.Status.CIRCULATED], to=self.Status.APPROVED, by=by, note=note)
            with lifecycle_change():
                Meeting.objects.filter(pk=self.pk).update(approved_at_meeting=at_meeting)
            self.approved_at_meeting = at_meeting

    def publish(self, *, by, note=""):
        """Publish approved minutes: the final PDF is made once and stored with its SHA-256."""
        from minutes.revisions import publish_pdf

        with transaction.atomic():
            conventions = self.committee.printing_conventions()
            Meeting.objects.filter(pk=self.pk, minutes_status=self.Status.APPROVED).update(
                printed_conventions=conventions
            )
            self.printed_conventions = conventions
            self._transition(expected=[self.Status.APPROVED], to=self.Status.PUBLISHED, by=by, note=note)
            return publish_pdf(self, by=by, note=note)

    def committee_as_printed(self):
        """The committee as these minutes print it: published minutes keep the conventions they
        were published with; other minutes print with the committee's conventions of today."""
        if (
            self.minutes_status == self.Status.PUBLISHED
            and self.printed_conventions
            and getattr(self.committee, "printed_for", None) != self.pk
        ):
            printed = self.committee.as_printed_with(self.printed_conventions)
            printed.printed_for = self.pk
            self.committee = printed
        return self.committee

    def start_amendment(self, *, by, reason):
        """Reopen published minutes for a correction; the published versions stay available."""
        if not reason.strip():
            raise TransitionRefused("Say why the published minutes need an amendment.")
        self._transition(
            expected=[self.Status.PUBLISHED], to=self.Status.DRAFT, by=by, note=f"Amendment: {reason}"
        )

    def _is_earlier_than(self, other):
        return other.committee_id == self.committee_id and (self.held_on, self.number) < (
            other.held_on,
            other.number,
        )

    @property
    def is_placeholder(self):
        """Made by an import for the actions it raised: no minutes are held here."""
        return bool(self.imported_from)

    def earlier_meetings(self):
        """Meetings of the same committee held before this one."""
        return Meeting.objects.filter(committee_id=self.committee_id).filter(
            Q(held_on__lt=self.held_on) | Q(held_on=self.held_on, number__lt=self.number)
        )


def suggest_initials(name):
    """Initials from a name, as minutes use them: "Andy Knowles" -> "AK"."""
    return "".join(word[0] for word in re.findall(r"[A-Za-z][A-Za-z'-]*", name or "")).upper()[:10]


class Attendance(FrozenWhenPublished, EditableMixin, models.Model):
    """A person at a meeting in a seat category: present (in the room or remotely, perhaps for part
    of it, perhaps sitting in for an absent member), sending apologies, or observing."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        OBSERVER = "observer", "Observer"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    seat_category = models.ForeignKey(SeatCategory, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PRESENT)
    role_note = models.CharField(max_length=100, blank=True, help_text="e.g. Meeting Secretary")
    initials = models.CharField(max_length=10, blank=True, help_text="As the minutes use them, e.g. AK.")
    remote = models.BooleanField("joined remotely", default=False)
    alternate_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alternates",
        help_text="The absent member this person sat in for.",
    )
    joined_at_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    left_after_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    objects = FrozenWhenPublishedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "seat_category__position", "position", "id"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_status_display()})"

    def clean(self):
        if (
            self.meeting_id
            and self.seat_category_id
            and self.seat_category.committee_id != self.meeting.committee_id
        ):
            raise ValidationError({"seat_category": "Choose a seat category of this meeting's committee."})
        if self.alternate_for_id:
            if self.status == self.Status.APOLOGIES:
                raise ValidationError({"alternate_for": "Someone sending apologies sits in for nobody."})
            if (
                self.alternate_for.status != self.Status.APOLOGIES
                or self.alternate_for.meeting_id != self.meeting_id
            ):
                raise ValidationError(
                    {"alternate_for": "Choose a member who sent apologies to this meeting."}
                )
        for name in ("joined_at_item", "left_after_item"):
            item = getattr(self, name)
            if item is not None and item.meeting_id != self.meeting_id:
                raise ValidationError({name: "Choose an item of this meeting."})


class AgendaItem(FrozenWhenPublished, EditableMixin, models.Model):
    """A numbered item of a meeting's agenda, with its minutes; may nest one level."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    # Order among siblings; the printed number (3, 3.1) is derived from it.
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=30, choices=ItemKind.choices, default=ItemKind.ITEM)
    title = models.CharField(max_length=300)
    paper_reference = models.CharField(
        max_length=60, blank=True, help_text="The paper the item considers, e.g. OPSG_55_03."
    )
    minutes_text = models.TextField(blank=True, help_text="Sanitised HTML.")
    is_deferred = models.BooleanField("deferred", default=False)
    deferred_note = models.CharField(
        max_length=300, blank=True, help_text='Printed as "This item was deferred until …".'
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = FrozenWhenPublishedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "parent_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="item_not_own_parent"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        if self.parent_id and self.parent.parent_id:
            raise ValidationError("Items nest one level only.")
        if self.parent_id and self.parent.is_heading:
            raise ValidationError("A heading takes no sub-items: the items after it stand under it.")
        super().save(*args, **kwargs)

    def prepare_for_save(self):
        self.minutes_text = clean_minutes_html(self.minutes_text)
        self.title = self.title.strip()
        self.paper_reference = self.paper_reference.strip()

    @property
    def is_heading(self):
        """A heading groups the items after it and takes no number."""
        return self.kind == ItemKind.HEADING

    @property
    def is_apologies(self):
        """The item whose text, left empty, is written from the attendance."""
        return self.kind == ItemKind.APOLOGIES

    @property
    def is_actions_outstanding(self):
        """The item under which the Actions Outstanding table prints."""
        return self.kind == ItemKind.ACTIONS_OUTSTANDING

    @property
    def is_previous_minutes(self):
        """The item whose decisions may approve earlier minutes."""
        return self.kind == ItemKind.PREVIOUS_MINUTES

    def clean(self):
        if self.is_heading and self.parent_id:
            raise ValidationError({"kind": "A heading stands at the top level: outdent the item first."})
        if self.is_heading and self.pk and self.children.exists():
            raise ValidationError({"kind": "A heading takes no sub-items: outdent them first."})
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": "Items nest one level only: choose a top-level item."})
            if self.parent.is_heading:
                raise ValidationError(
                    {"parent": "A heading takes no sub-items: the items after it stand under it."}
                )
            if self.parent.meeting_id != self.meeting_id:
                raise ValidationError({"parent": "Choose an item of the same meeting."})

    @property
    def number(self):
        """The printed number, e.g. "3.1" ("" for a heading), as number_items gives it for the whole
        meeting (which sets it on every item without more queries)."""
        if hasattr(self, "_number"):
            return self._number
        items = list(
            AgendaItem.objects.filter(meeting_id=self.meeting_id).only("parent_id", "position", "kind")
        )
        start = Meeting.objects.filter(pk=self.meeting_id).values_list("first_item_number", flat=True).get()
        number_items(items, start=start)
        return next(item._number for item in items if item.pk == self.pk)


def number_items(items, start=1):
    """Give each item its number from order and nesting; return the top-level items.

    Each returned item has `sub_items`, its children in order. `items` are all the
    items of one meeting, in the model's ordering. The first numbered item takes
    `start` (a committee numbering continuously goes on from its last meeting);
    headings take no number.
    """
    top = [item for item in items if item.parent_id is None]
    children = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    number = start
    for item in top:
        item.sub_items = children.get(item.pk, [])
        if item.is_heading:
            item._number = ""
            continue
        item._number = str(number)
        for j, child in enumerate(item.sub_items, start=1):
            child._number = f"{number}.{j}"
            child.sub_items = []
        number += 1
    return top


class Decision(FrozenWhenPublished, EditableMixin, models.Model):
    """A decision recorded on an item: a verb and its text ("AGREED that …")."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    verb = models.CharField(max_length=40)
    text = models.TextField(
        help_text='Follows the verb, e.g. "that the Draft Minutes … be published as final".'
    )
    position = models.PositiveIntegerField(default=0)
    approves_minutes_of = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals",
        help_text="Set when this decision approves the draft minutes of an earlier meeting.",
    )

    objects = ItemPartQuerySet.as_manager()

    class Meta:
        ordering = ["item", "position", "id"]

    def __str__(self):
        return f"{self.verb} {self.text}"

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        super().save(*args, **kwargs)

    def prepare_for_save(self):
        self.verb = self.verb.strip().upper()
        self.text = self.text.strip()

    def frozen_meeting_id(self):
        return self.item.meeting_id if self.item_id else None

    @property
    def rest(self):
        """The text after the verb without closing punctuation: "the PMR"."""
        return self.text.strip().rstrip(" .;")


def _marker(style, index):
    """The printed marker of the `index`-th decision of a list (0-based): "", "a)", "1."."""
    if style == "letters":
        letters = ""
        index += 1
        while index:
            index, remainder = divmod(index - 1, 26)
            letters = chr(ord("a") + remainder) + letters
        return f"{letters})"
    if style == "numbers":
        return f"{index + 1}."
    return ""


def decision_wording(decision_name, decisions, style="bullets"):
    """How decisions print: one sentence, or a lead-in and a list ending "; and" / ".".

    Returns a dict with `lead`, and either `single` ({"verb", "rest"}) for one
    decision or `entries` (a list of {"marker", "verb", "rest"}) for several, marked
    as the committee's `style` says (bullets: no marker; letters: a), b); numbers: 1., 2.);
    `text` is the whole wording as plain text.
    """
    decisions = list(decisions)
    name = decision_name.rstrip().rstrip(":")
    marked = style != "bullets"
    if not decisions:
        return {"lead": "", "single": None, "entries": [], "text": "", "marked": marked}
    if len(decisions) == 1:
        single = {"verb": decisions[0].verb, "rest": decisions[0].rest + "."}
        return {
            "lead": name,
            "single": single,
            "entries": [],
            "text": f"{name} {single['verb']} {single['rest']}",
            "marked": marked,
        }
    entries = []
    for i, decision in enumerate(decisions):
        if i == len(decisions) - 1:
            ending = "."
        elif i == len(decisions) - 2:
            ending = "; and"
        else:
            ending = ";"
        entries.append({"marker": _marker(style, i), "verb": decision.verb, "rest": decision.rest + ending})
    words = [" ".join(part for part in (e["marker"], e["verb"], e["rest"]) if part) for e in entries]
    text = " ".join([f"{name}:", *words])
    return {"lead": f"{name}:", "single": None, "entries": entries, "text": text, "marked": marked}


class Footnote(FrozenWhenPublished, EditableMixin, models.Model):
    """A footnote on an item's text, marked after a chosen occurrence of its anchor words."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="footnotes")
    anchor_text = models.CharField(
        max_length=200,
        help_text="The words in the item's text that the footnote mark follows. "
        "If they are not found, the mark goes at the end of the text.",
    )
    occurrence = models.PositiveSmallIntegerField(
        default=1, help_text="Which time the anchor words appear: 1 for the first, 2 for the second, …"
    )
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)

    objects = ItemPartQuerySet.as_manager()

    class Meta:
        ordering = ["item", "position", "id"]

    def __str__(self):
        return self.text[:60]

    def frozen_meeting_id(self):
        return self.item.meeting_id if self.item_id else None


class RenderedPdf(models.Model):
    """The last PDF rendered for a meeting, kept until its printed content changes."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="rendered_pdf")
    html_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"PDF of {self.meeting_id} ({self.html_sha256[:8]})"


class MinutesTransition(models.Model):
    """One change of a meeting's minutes status: who, when, from, to, and why."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Meeting.Status.choices)
    to_status = models.CharField(max_length=20, choices=Meeting.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "at", "id"]

    def __str__(self):
        return f"{self.meeting}: {self.from_status} → {self.to_status}"


class MinutesRevision(models.Model):
    """A circulated draft, frozen: everything that prints, as it stood then."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField(help_text="Items, decisions, actions and attendance as circulated.")
    html = models.TextField(help_text="The print HTML as circulated.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_revision_number"),
        ]

    def __str__(self):
        return f"{self.meeting} revision {self.number}"


class PublishedMinutes(models.Model):
    """A published version of a meeting's minutes: the final PDF, made once, never changed.

    Minutes published elsewhere and imported as a record (`import_minutes --as archive`) keep
    their original file as the official document instead: `pdf` then holds that file's bytes,
    `content_type` and `filename` say what it is.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="published_versions")
    version = models.PositiveIntegerField()
    pdf = models.BinaryField(help_text="The official document: the final PDF, or the original file imported.")
    content_type = models.CharField(max_length=100, default="application/pdf")
    filename = models.CharField(
        max_length=255, blank=True, help_text="The original file's name, for minutes imported as a record."
    )
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True, help_text="For an amendment: what was corrected and why.")

    class Meta:
        ordering = ["meeting", "version"]
        verbose_name_plural = "published minutes"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="unique_published_version"),
        ]

    def __str__(self):
        return f"{self.meeting} v{self.version} ({self.sha256[:12]})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TransitionRefused("Published minutes are never changed: publish an amendment instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TransitionRefused("Published minutes are never deleted.")

    @property
    def is_pdf(self):
        return self.content_type == "application/pdf"

    @property
    def extension(self):
        """The file extension of the official document: "pdf", or the original file's ("docx")."""
        if self.is_pdf or "." not in self.filename:
            return "pdf"
        return self.filename.rsplit(".", 1)[1].lower()


class ReviewComment(models.Model):
    """A member's comment on an item of a circulated revision (or a reply to one)."""

    revision = models.ForeignKey(MinutesRevision, on_delete=models.CASCADE, related_name="comments")
    item_key = models.CharField(
        max_length=40, help_text="The item of the snapshot commented on, e.g. item-12."
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["revision", "created_at", "id"]

    def __str__(self):
        return self.text[:60]


class ReviewVerdict(models.Model):
    """A reviewer's approval of, or request for changes to, a circulated revision."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"

    revision = models.ForeignKey(MinutesRevision, on_delete=models.CASCADE, related_name="verdicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    note = models.TextField(blank=True)
    given_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["revision", "given_at"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "reviewer"], name="one_verdict_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.get_verdict_display()}"


class MinutesImport(models.Model):
    """A Word file of minutes a secretary uploaded to import: kept from upload to confirmation, with
    how it is to be imported (a draft or a published record) and the meeting it made."""

    class Mode(models.TextChoices):
        DRAFT = "draft", "A draft to correct"
        ARCHIVE = "archive", "A published record: the Word file stays the official document"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="minutes_imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    mode = models.CharField("import as", max_length=20, choices=Mode.choices, default=Mode.DRAFT)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports", editable=False
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="What the import did, in words.")
    # The background job importing it, once confirmed.
    job = models.ForeignKey("Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.committee.code})"


class Job(models.Model):
    """Work done in the background for someone (an import, a large export): what it is, how far it
    has got, and how it ended, for the page that follows it. The work itself is a task of Django's
    task framework (minutes/jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=300, help_text='What it does, e.g. "Import old-log.xlsx into OPSG".')
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="How it went, in words; why it failed.")
    result_url = models.CharField(max_length=500, blank=True, help_text="Where the result is.")
    # The task that does the work and its arguments after the job's id, to run it again.
    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
