"""Actions raised at meetings, their owners, target-date history and updates."""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from minutes.models import AgendaItem, EditableMixin, Meeting, Organisation, Person


def _word_stem(word):
    """A crude English stem for the SQLite search: "workshops" finds "workshop", "reporting" "report"."""
    lowered = word.lower()
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if lowered.endswith(suffix) and len(lowered) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


REFERENCE_TYPED = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*?)[\s_-]*(\d+)\s*/\s*(\d+)\s*$")


def typed_reference(words):
    """The action reference `words` stands for ("opsg 55/1" -> "OPSG 55/01"), or None."""
    match = REFERENCE_TYPED.match(words)
    if match is None:
        return None
    code, number, sequence = match.groups()
    return f"{code.upper()} {int(number)}/{int(sequence):02d}"


class ActionQuerySet(models.QuerySet):
    def search(self, words):
        """Actions whose reference, text, owners or updates match `words`.

        PostgreSQL: full-text search (English stemming, web-style query) on the
        GIN-indexed document; SQLite: every word must appear, case-insensitively.
        """
        words = (words or "").strip()
        if not words:
            return self
        # A typed reference also finds its action by the (unique, indexed) reference
        # column; an equality, so that PostgreSQL combines both indexes.
        reference = typed_reference(words)
        queryset = self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            queryset = self.annotate(document=SearchVector("search_document", config="english"))
            condition = Q(document=SearchQuery(words, config="english", search_type="websearch"))
        else:
            condition = Q()
            for word in words.split():
                condition &= Q(search_document__icontains=_word_stem(word))
        if reference:
            condition |= Q(reference=reference)
        return queryset.filter(condition)

    def open(self):
        """Actions not yet closed (open or proposed for closure)."""
        return self.exclude(status=Action.Status.CLOSED)

    def outstanding_at(self, meeting):
        """Actions raised at an earlier meeting of the committee and still open on its date.

        An action closed at this meeting (closed on its date) still belongs here,
        with the update that closed it; at later meetings it is gone.
        """
        day, number = meeting.held_on, meeting.number
        return self.filter(committee_id=meeting.committee_id).filter(
            Q(meeting__held_on__lt=day) | Q(meeting__held_on=day, meeting__number__lt=number),
            Q(closed_on__isnull=True) | Q(closed_on__gte=day),
        )

    def raise_action(
        self,
        *,
        meeting,
        text,
        item=None,
        owners=(),
        target_on=None,
        raised_on=None,
        sequence=None,
        by=None,
    ):
        """Create an action with the meeting's next reference, e.g. OPSG 55/01.

        The counter lives on the meeting row and is incremented with an UPDATE, which
        locks the row until commit: two actions raised at once get different
        numbers, and a deleted action's number is never given again. `sequence` is
        for recording historic actions whose number is already known.
        """
        if item is not None and item.meeting_id != meeting.pk:
            raise ValidationError("The item belongs to another meeting.")
        with transaction.atomic():
            counter = Meeting.objects.filter(pk=meeting.pk)
            if sequence is None:
                counter.update(last_action_sequence=F("last_action_sequence") + 1)
                sequence = counter.values_list("last_action_sequence", flat=True).get()
            else:
                counter.update(last_action_sequence=Greatest(F("last_action_sequence"), sequence))
            meeting.last_action_sequence = counter.values_list("last_action_sequence", flat=True).get()
            try:
                with transaction.atomic():
                    action = self.create(
                        committee_id=meeting.committee_id,
                        meeting=meeting,
                        item=item,
                        sequence=sequence,
                        reference=Action.format_reference(meeting, sequence),
                        text=text,
                        raised_on=raised_on or meeting.held_on,
                    )
            except IntegrityError as error:
                raise ValidationError(
                    f"{Action.format_reference(meeting, sequence)} is already used."
                ) from error
            action.set_owners(owners)
            if target_on is not None:
                action.target_dates.create(target_on=target_on, meeting=meeting, recorded_by=by)
        return action


def closed_last():
    """0 for an outstanding action, 1 for a closed one: the action log's default order starts so."""
    return Case(When(status="closed", then=Value(1)), default=Value(0))


class Action(EditableMixin, models.Model):
    """An action raised at a meeting, owned by organisations and/or people."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PROPOSED_CLOSED = "proposed_closed", "Proposed closed"
        CLOSED = "closed", "Closed"

    committee = models.ForeignKey("minutes.Committee", on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    sequence = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=40, unique=True, editable=False)
    text = models.TextField()
    owner_organisations = models.ManyToManyField(Organisation, blank=True, related_name="actions")
    owner_people = models.ManyToManyField(Person, blank=True, related_name="actions")
    raised_on = models.DateField("date raised")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Reference, text, owners and updates in one field, for the action log's search
    # (full-text with a GIN index on PostgreSQL, a plain match on SQLite).
    search_document = models.TextField(blank=True, editable=False)
    # The target date in force (the latest TargetDate step), kept by a signal so the
    # log filters, sorts and counts on a column, not a subquery per action.
    due_on = models.DateField("target date in force", null=True, blank=True, editable=False)
    # The first owner's name (organisations first), by which the log sorts its Owner column.
    owner_sort = models.CharField(max_length=200, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["raised_on", "sequence", "id"]
        # On PostgreSQL a GIN index over to_tsvector('english', search_document) is made
        # by migration 0004 (SQLite has none; there the log searches with a plain match).
        indexes = [
            models.Index(fields=["status", "committee"], name="action_status_committee"),
            models.Index(fields=["due_on", "status"], name="action_due_status"),
            # The log's default order (outstanding first, by target date) read off an index.
            models.Index(closed_last(), F("due_on"), name="action_closed_last_due"),
            models.Index(fields=["owner_sort"], name="action_owner_sort"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sequence"], name="unique_action_sequence"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "proposed_closed", "closed"]), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="action_closed_on_iff_closed",
            ),
        ]

    def __str__(self):
        return self.reference

    def clean(self):
        if self.status == self.Status.CLOSED and not self.closed_on:
            raise ValidationError({"closed_on": "Give the date the action was closed."})
        if self.status != self.Status.CLOSED and self.closed_on:
            raise ValidationError({"closed_on": "Only a closed action has a closure date: clear it."})

    def refresh_search_document(self):
        """Rebuild what the action log searches and sorts by: the search document
        (reference, text, owners, updates) and the owner it sorts by."""
        organisations = sorted(o.name for o in self.owner_organisations.all())
        people = sorted(p.name for p in self.owner_people.all())
        updates = list(self.updates.values_list("text", flat=True))
        document = "\n".join([self.reference, self.text, " ".join(organisations + people), *updates])
        owner_sort = (organisations or people or [""])[0][:200]
        if (document, owner_sort) != (self.search_document, self.owner_sort):
            type(self).objects.filter(pk=self.pk).update(search_document=document, owner_sort=owner_sort)
            self.search_document, self.owner_sort = document, owner_sort

    def refresh_due_on(self):
        """Store the target date in force (the latest step of the history) in `due_on`."""
        latest = self.target_dates.order_by("-recorded_at", "-id").values_list("target_on", flat=True).first()
        if latest != self.due_on:
            type(self).objects.filter(pk=self.pk).update(due_on=latest)
            self.due_on = latest

    @staticmethod
    def format_reference(meeting, sequence):
        return f"{meeting.committee.code} {meeting.number}/{sequence:02d}"

    def set_owners(self, owners):
        owners = list(owners)
        self.owner_organisations.set([o for o in owners if isinstance(o, Organisation)])
        self.owner_people.set([o for o in owners if isinstance(o, Person)])

    @property
    def owner_values(self):
        """The owners as the drafting forms name them: "org-3", "person-7"."""
        return [f"org-{o.pk}" for o in self.owner_organisations.all()] + [
            f"person-{p.pk}" for p in self.owner_people.all()
        ]

    @property
    def owner_names(self):
        names = [o.name for o in self.owner_organisations.all()] + [p.name for p in self.owner_people.all()]
        return ", ".join(names)

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    @property
    def current_target_on(self):
        entries = list(self.target_dates.all())
        return entries[-1].target_on if entries else None

    def edit_state(self, fields):
        """As EditableMixin's; "current_target_on" stands for the target date in force.

        The target date lives in its own history table, yet an edit form changes it
        together with the text and owners.
        """
        values = []
        for name in fields:
            if name == "current_target_on":
                values.append(_date_text(self.current_target_on))
            else:
                values.extend(super().edit_state([name]))
        return values

    def update_at(self, meeting):
        """The update given at `meeting` (the latest, if several were recorded), or None."""
        return self.updates.filter(meeting=meeting).order_by("given_on", "id").last()

    def target_dates_at(self, meeting):
        """(last target date, revised target date) as printed for `meeting`.

        The revised date is the one agreed at this meeting (None if none was); the
        last date is the one in force before it.
        """
        before, revised = None, None
        for entry in self.target_dates.all():
            if entry.meeting_id == meeting.pk:
                revised = entry.target_on
            elif revised is None and entry.is_before(meeting):
                before = entry.target_on
        return before, revised

    def set_target_date(self, target_on, *, meeting=None, by=None):
        """Record a (revised) target date; the history keeps every step."""
        if target_on == self.current_target_on and meeting is None:
            return None
        return self.target_dates.create(target_on=target_on, meeting=meeting, recorded_by=by)

    def record_update(self, *, text, given_on=None, meeting=None, status=None, target_on=None, by=None):
        """Record an update (at a meeting or between meetings) and apply what it changes."""
        given_on = given_on or (meeting.held_on if meeting else timezone.localdate())
        status = status or self.status
        with transaction.atomic():
            if target_on is not None and target_on != self.current_target_on:
                self.target_dates.create(target_on=target_on, meeting=meeting, recorded_by=by)
            if status != self.status:
                self.status = status
                self.closed_on = given_on if status == self.Status.CLOSED else None
                self.save(update_fields=["status", "closed_on"])
            return self.updates.create(
                text=text, given_on=given_on, meeting=meeting, status_after=status, author=by
            )


class TargetDate(models.Model):
    """One step of an action's target-date history."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="target_dates")
    target_on = models.DateField("target date")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_dates",
        help_text="The meeting where this date was agreed, if any.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["action", "recorded_at", "id"]

    def __str__(self):
        return f"{self.action}: {self.target_on:%d/%m/%Y}"

    def is_before(self, meeting):
        if self.meeting_id is None:
            return timezone.localdate(self.recorded_at) <= meeting.held_on
        own = self.meeting
        return (own.held_on, own.number) < (meeting.held_on, meeting.number)


class ActionUpdate(models.Model):
    """A dated progress update on an action, optionally given at a meeting."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    given_on = models.DateField(default=timezone.localdate)
    text = models.TextField()
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_updates"
    )
    status_after = models.CharField(max_length=20, choices=Action.Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who gave the update when they have no account (a signed link)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "given_on", "id"]

    def __str__(self):
        return f"{self.action} {self.given_on:%d/%m/%Y}"

    @property
    def revised_target_on(self):
        """The target date agreed at the meeting where this update was given, if any."""
        revised = None
        if self.meeting_id is not None:
            for entry in self.action.target_dates.all():
                if entry.meeting_id == self.meeting_id:
                    revised = entry.target_on
        return revised

    @property
    def meeting_token(self):
        """Digest of what was recorded at the meeting: text, status and revised target date.

        The Actions Outstanding form carries it; a save from a form whose token no
        longer matches is refused (see action_record_meeting_update). Reads the
        action's target dates, which the meeting selector prefetches.
        """
        return meeting_update_token(self)


def meeting_update_token(update):
    """The token of the update recorded at a meeting; "" while none is."""
    if update is None:
        return ""
    values = [update.text, update.status_after, _date_text(update.revised_target_on)]
    payload = "\x1f".join(repr(value) for value in values)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _date_text(day):
    return None if day is None else day.isoformat()


class ActionProposal(models.Model):
    """An owner's request on an action — close it, or a revised target date — for the secretary to decide."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", "Closure"
        TARGET_DATE = "target_date", "Revised target date"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    proposed_target_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_by_name = models.CharField(max_length=200, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["action", "proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="target_date") | Q(proposed_target_on__isnull=False),
                name="target_date_proposal_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.action}: {self.get_kind_display()} ({self.get_status_display()})"


class ReminderSent(models.Model):
    """A reminder e-mailed about an action, so that one is never sent twice on a day."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due within 7 days"
        OVERDUE = "overdue", "Overdue"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-sent_on", "action"]
        constraints = [
            models.UniqueConstraint(fields=["action", "recipient", "sent_on"], name="one_reminder_a_day"),
        ]

    def __str__(self):
        return f"{self.action} → {self.recipient} ({self.sent_on})"


class CalendarFeed(models.Model):
    """A user's private iCal feed: the secret token in its URL; a new token revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Calendar of {self.user}"
