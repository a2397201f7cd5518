"""Actions raised at meetings, their owners, target-date history and updates.

An action's status changes only through its own methods (raising, closing,
reopening, proposals and their decisions, updates at a meeting): each locks the
action's row, refuses a move from the wrong state with `ActionRefused` (nothing
written), and leaves its trace in the history.
"""

import datetime
import functools
import operator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from actions.references import action_named, typed_reference
from minutes.conventions import PER_COMMITTEE, format_reference, reference_slug
from minutes.editing import EditableMixin, EditConflict, edit_token
from minutes.models import AgendaItem, Committee, Meeting, Membership, Organisation, Person

UPDATE_MAX_LENGTH = 5000
# What an action edit form changes, and so what its edit token covers.
EDIT_FIELDS = ("text", "owner_organisations", "owner_people", "current_target_on")


class ActionRefused(ValidationError):
    """A change the action's (or the proposal's) current state does not allow; nothing was written."""


def _word_stem(word):
    """A crude English stem for the SQLite search: "workshops" finds "workshop", "reporting" "report"."""
    lowered = word.lower()
    for suffix in ("ies", "ing", "ed", "es", "s"):
        if lowered.endswith(suffix) and len(lowered) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def open_statuses():
    """The statuses of an action not closed yet: it is carried into Actions Outstanding."""
    return [Action.Status.OPEN, Action.Status.PROPOSED_CLOSED]


def overdue_condition(on):
    """Overdue on the day `on`: not closed, with a target date in force before it."""
    return Q(status__in=open_statuses(), due_on__lt=on)


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions raised at a meeting the user may see (Meeting.objects.visible_to).

        Staff see every action; the committee's members (every role but reader) every
        action of the committee; readers those raised at meetings whose minutes are
        published, never one raised in a draft.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        roles = Membership.objects.for_user(user)
        published = Meeting.objects.filter(
            committee__in=roles.readers().values("committee"), minutes_status=Meeting.Status.PUBLISHED
        )
        return self.filter(
            Q(committee__in=roles.seeing_drafts().values("committee")) | Q(meeting__in=published.values("pk"))
        )

    def owned_by(self, user):
        """Actions the user owns: as a person, or through their organisation."""
        person = getattr(user, "person", None) if user.is_authenticated else None
        if person is None:
            return self.none()
        condition = Q(owner_people=person)
        if person.organisation_id:
            condition |= Q(owner_organisations=person.organisation_id)
        return self.filter(condition).distinct()

    def search(self, words, *, user=None):
        """Actions whose reference, text, owners or updates match `words`.

        PostgreSQL: full-text search (English stemming, web-style query) on a
        GIN-indexed document; SQLite: every word must appear, case-insensitively.
        For `user`, only what they may read is searched: in the committees where
        they are a reader, not the updates given at meetings whose minutes are
        unpublished (`published_search_document`); elsewhere (and for staff, or
        with no user) everything (`search_document`).
        """
        words = (words or "").strip()
        if not words:
            return self
        if user is None or user.is_staff:
            documents = {"search_document": Q()}
        else:
            roles = Membership.objects.for_user(user)
            documents = {
                "search_document": Q(committee__in=roles.seeing_drafts().values("committee")),
                "published_search_document": Q(committee__in=roles.readers().values("committee")),
            }
        queryset, conditions = self, []
        for document, where in documents.items():
            if connection.vendor == "postgresql":
                from django.contrib.postgres.search import SearchQuery, SearchVector

                vector = f"{document}_vector"
                queryset = queryset.annotate(**{vector: SearchVector(document, config="english")})
                matches = Q(**{vector: SearchQuery(words, config="english", search_type="websearch")})
            else:
                matches = Q()
                for word in words.split():
                    matches &= Q(**{f"{document}__icontains": _word_stem(word)})
            conditions.append(where & matches)
        # A typed reference also finds its action by the (unique, indexed) reference
        # column; an equality, so that PostgreSQL combines both indexes.
        reference = typed_reference(words)
        if reference:
            conditions.append(Q(reference=reference))
        return queryset.filter(functools.reduce(operator.or_, conditions))

    def open(self):
        """Actions not yet closed (open or proposed for closure)."""
        return self.filter(status__in=open_statuses())

    def overdue(self, on):
        """Actions overdue on the day `on` (see overdue_condition)."""
        return self.filter(overdue_condition(on))

    def due_within(self, days, on):
        """Open actions whose target date in force falls in the `days` days from `on` (both included)."""
        return self.open().filter(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=days))

    def with_overdue(self, on):
        """Each action annotated with `is_overdue` on the day `on`, by the same rule as overdue()."""
        return self.annotate(
            is_overdue=Case(When(overdue_condition(on), then=Value(True)), default=Value(False))
        )

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
        reference=None,
        by=None,
    ):
        """Create an action with the next reference in the committee's convention, e.g. OPSG 55/01.

        Its number comes from a counter on the meeting (numbering per meeting) or on the
        committee (numbering per committee, continuing), incremented with an UPDATE that
        locks the row until commit: two actions raised at once get different numbers,
        and a deleted action's number is never given again. `sequence` is for recording
        historic actions whose number is already known; `reference` keeps a historic action's
        reference as it was typed (an imported action log): without `sequence` it takes the
        meeting's next free number and leaves the committee's numbering alone.
        """
        if item is not None and item.meeting_id != meeting.pk:
            raise ValidationError("The item belongs to another meeting.")
        with transaction.atomic():
            committee = Committee.objects.filter(pk=meeting.committee_id)
            if committee.values_list("action_numbering", flat=True).get() == PER_COMMITTEE:
                counter, field = committee, "last_action_number"
            else:
                counter, field = Meeting.objects.filter(pk=meeting.pk), "last_action_sequence"
            if sequence is None and reference is not None:
                counter, field = Meeting.objects.filter(pk=meeting.pk), "last_action_sequence"
                taken = self.filter(meeting=meeting).aggregate(top=Max("sequence"))["top"] or 0
                sequence = max(taken, counter.values_list(field, flat=True).get()) + 1
                counter.update(**{field: sequence})
            elif sequence is None:
                counter.update(**{field: F(field) + 1})
                sequence = counter.values_list(field, flat=True).get()
            else:
                counter.update(**{field: Greatest(F(field), sequence)})
            if field != "last_action_sequence":
                # The meeting's counter never falls behind a number given at it, so that numbering
                # per meeting, if the committee goes back to it, never gives one again.
                Meeting.objects.filter(pk=meeting.pk).update(
                    last_action_sequence=Greatest(F("last_action_sequence"), sequence)
                )
            code, pattern = committee.values_list("code", "action_reference").get()
            if reference is None:
                reference = format_reference(pattern, code=code, meeting=meeting.number, n=sequence)
            try:
                with transaction.atomic():
                    action = self.create(
                        committee_id=meeting.committee_id,
                        meeting=meeting,
                        item=item,
                        sequence=sequence,
                        reference=reference,
                        slug=reference_slug(reference),
                        text=text,
                        raised_on=raised_on or meeting.held_on,
                    )
            except IntegrityError as error:
                raise ValidationError(
                    f"{reference} is already used by another action of the committee: "
                    "check its action reference pattern."
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
    # As the committee's pattern gave it (unique within the committee), and as its page's URL
    # names it ("OPSG 55/01" -> "OPSG-55-01").
    reference = models.CharField(max_length=40, editable=False)
    slug = models.CharField(max_length=40, editable=False)
    text = models.TextField()
    owner_organisations = models.ManyToManyField(Organisation, blank=True, related_name="actions")
    owner_people = models.ManyToManyField(Person, blank=True, related_name="actions")
    raised_on = models.DateField("date raised")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # The committee's own status where one was recorded ("Carried Forward", "Superseded"): it
    # prints instead of Open or Closed; open or closed all the same, as `status` says.
    status_label = models.ForeignKey(
        "minutes.ActionStatus", on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Reference, text, owners and updates in one field, for the action log's search
    # (full-text with a GIN index on PostgreSQL, a plain match on SQLite)...
    search_document = models.TextField(blank=True, editable=False)
    # ... and the same without the updates given at meetings whose minutes are not
    # published, which readers may not see: what their search reads.
    published_search_document = models.TextField(blank=True, editable=False)
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
            # A typed reference is looked up by equality, in any committee.
            models.Index(fields=["reference"], name="action_reference"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sequence"], name="unique_action_sequence"),
            models.UniqueConstraint(fields=["committee", "reference"], name="unique_action_reference"),
            models.UniqueConstraint(fields=["committee", "slug"], name="unique_action_slug"),
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

    def get_absolute_url(self):
        return reverse("actions:action-detail", args=[self.committee.code, self.slug])

    def clean(self):
        if self.status == self.Status.CLOSED and not self.closed_on:
            raise ValidationError({"closed_on": "Give the date the action was closed."})
        if self.status != self.Status.CLOSED and self.closed_on:
            raise ValidationError({"closed_on": "Only a closed action has a closure date: clear it."})

    # ---- What the log searches and sorts by (kept by actions/signals.py) ----------------

    def refresh_search_document(self):
        """Rebuild what the action log searches and sorts by: the search documents
        (reference, text, owners, updates; for readers without the updates given at
        meetings whose minutes are not published) and the owner it sorts by."""
        organisations = sorted(o.name for o in self.owner_organisations.all())
        people = sorted(p.name for p in self.owner_people.all())
        updates = list(self.updates.values_list("text", "meeting__minutes_status"))
        head = [self.reference, self.text, " ".join(organisations + people)]
        stored = {
            "search_document": "\n".join([*head, *(text for text, _ in updates)]),
            "published_search_document": "\n".join(
                [*head, *(text for text, status in updates if status in (None, Meeting.Status.PUBLISHED))]
            ),
            "owner_sort": (organisations or people or [""])[0][:200],
        }
        if any(getattr(self, name) != value for name, value in stored.items()):
            type(self).objects.filter(pk=self.pk).update(**stored)
            for name, value in stored.items():
                setattr(self, name, value)

    def refresh_due_on(self):
        """Store the target date in force (the latest step of the history) in `due_on`."""
        latest = self.target_dates.order_by("-recorded_at", "-id").values_list("target_on", flat=True).first()
        if latest != self.due_on:
            type(self).objects.filter(pk=self.pk).update(due_on=latest)
            self.due_on = latest

    # ---- Reading ---------------------------------------------------------------------

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
    def callout(self):
        """How the minutes introduce the action: "ACTION OPSG 55/01", or the reference alone when it
        says so itself ("Action 025")."""
        return self.reference if self.named == self.reference else f"ACTION {self.reference}"

    @property
    def named(self):
        """The action in a sentence: "action OPSG 55/01", "Action 025" (see action_named)."""
        return action_named(self.reference)

    @property
    def owner_names(self):
        names = [o.name for o in self.owner_organisations.all()] + [p.name for p in self.owner_people.all()]
        return ", ".join(names)

    @property
    def status_display(self):
        """The status as the committee prints it: its own label where one was recorded."""
        return self.status_label.label if self.status_label_id else self.get_status_display()

    @property
    def is_open(self):
        """Not closed yet (open, or proposed for closure)."""
        return self.status != self.Status.CLOSED

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def is_proposed_closed(self):
        return self.status == self.Status.PROPOSED_CLOSED

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

    # ---- Changes: each locks the row, checks the state, writes, leaves history ----------

    def _locked(self, by=None):
        """The action's row, locked until the transaction ends, as it is now.

        `by` is who changes it, for the history rows its saves leave (the request's
        user is taken when there is a request; commands and tests name it).
        """
        current = type(self)._base_manager.select_for_update().get(pk=self.pk)
        if by is not None and getattr(by, "is_authenticated", False):
            current._history_user = by
        return current

    def _refresh_from(self, current):
        self.status, self.closed_on, self.text = current.status, current.closed_on, current.text

    def _refuse_if_closed(self, current, what):
        if current.status == self.Status.CLOSED:
            raise ActionRefused(
                f"{current.reference} was closed on {current.closed_on:%d/%m/%Y}: it takes no more {what}. "
                "Nothing was saved."
            )

    # Each move between statuses: the statuses it starts from (any other is refused) and how
    # a refusal words it ("OPSG 55/01 is open: it cannot be reopened.").
    MOVES = {
        "propose closure": ({"open"}, "be proposed for closure"),
        "close": ({"open", "proposed_closed"}, "be closed"),
        "reopen": ({"closed"}, "be reopened"),
        "withdraw the closure proposal": ({"proposed_closed"}, "go back to open from a closure proposal"),
    }

    def _move(self, current, move, to, *, on=None):
        """Change `current`'s status by `move` (a MOVES key), guarded: ActionRefused from the wrong state."""
        starts, words = self.MOVES[move]
        if current.status not in starts:
            if current.status == self.Status.CLOSED:
                state = f"was closed on {current.closed_on:%d/%m/%Y}"
            else:
                state = f"is {current.get_status_display().lower()}"
            raise ActionRefused(f"{current.reference} {state}: it cannot {words}. Nothing was saved.")
        self._write_status(current, to, on=on)

    def _write_status(self, current, to, *, on=None, label=None):
        """The one place an action's status is written: closed on the day `on`, else no closure date;
        `label` is the committee's own status recorded with it (none: Open, Closed as they are)."""
        closed_on = on if to == self.Status.CLOSED else None
        label_id = label.pk if label is not None else None
        if (current.status, current.closed_on, current.status_label_id) != (to, closed_on, label_id):
            current.status, current.closed_on, current.status_label = to, closed_on, label
            current.save(update_fields=["status", "closed_on", "status_label"])

    def record_update(self, *, text, by=None, given_on=None, author_name=""):
        """Record a progress update given between meetings; the status is unchanged.

        Refused on a closed action, for a date in the future or before the action was raised.
        """
        text = (text or "").strip()
        if not text:
            raise ValidationError("Write the update before posting it.")
        given_on = given_on or timezone.localdate()
        if given_on > timezone.localdate():
            raise ValidationError("An update cannot be dated in the future.")
        with transaction.atomic():
            current = self._locked(by)
            self._refuse_if_closed(current, "updates")
            if given_on < current.raised_on:
                raise ValidationError(
                    f"An update cannot be dated before the action was raised ({current.raised_on:%d/%m/%Y})."
                )
            return _recorded(
                ActionUpdate(action=current),
                by,
                text=text,
                given_on=given_on,
                status_after=current.status,
                author=by if by is not None and by.is_authenticated else None,
                author_name=author_name.strip(),
            )

    def propose_closure(self, *, by, note, by_name=""):
        """An owner proposes closure: the action is "proposed closed" until the secretary decides."""
        return self._propose(ActionProposal.Kind.CLOSURE, by=by, note=note, by_name=by_name)

    def ask_target_date(self, *, by, note, target_on, by_name=""):
        """An owner asks for a revised target date, for the secretary to decide."""
        return self._propose(
            ActionProposal.Kind.TARGET_DATE, by=by, note=note, by_name=by_name, target_on=target_on
        )

    def _propose(self, kind, *, by, note, by_name="", target_on=None):
        note = (note or "").strip()
        if not note:
            raise ValidationError("Say why, so that the secretary can decide.")
        with transaction.atomic():
            current = self._locked(by)
            self._refuse_if_closed(current, "proposals")
            if current.proposals.filter(kind=kind, status=ActionProposal.Status.PENDING).exists():
                label = ActionProposal.Kind(kind).label.lower()
                raise ActionRefused(
                    f"A {label} proposal on {current.reference} is already waiting for the secretary. "
                    "Nothing was saved."
                )
            if kind == ActionProposal.Kind.TARGET_DATE:
                if target_on is None:
                    raise ValidationError("Give the revised target date you ask for.")
                if target_on < timezone.localdate():
                    raise ValidationError("A revised target date cannot be in the past.")
                if target_on == current.current_target_on:
                    raise ValidationError(
                        f"{target_on:%d/%m/%Y} is already the target date: give another date."
                    )
            else:
                target_on = None
            proposal = current.proposals.create(
                kind=kind,
                note=note,
                proposed_target_on=target_on,
                proposed_by=by if by is not None and by.is_authenticated else None,
                proposed_by_name=by_name.strip(),
            )
            if kind == ActionProposal.Kind.CLOSURE and current.status == self.Status.OPEN:
                self._move(current, "propose closure", self.Status.PROPOSED_CLOSED)
            self._refresh_from(current)
            return proposal

    def decide(self, proposal, *, by, accept, note):
        """The secretary accepts or declines a pending proposal on this action.

        Accepting closure closes the action today with a "Closure confirmed" update;
        accepting a target date records it as a new step of the history. Declining
        leaves the action as it was (a declined closure reopens it). Either way the
        decision, its author and note stay on the proposal.
        """
        note = (note or "").strip()
        with transaction.atomic():
            current = self._locked(by)
            pending = ActionProposal.objects.select_for_update().get(pk=proposal.pk, action=current)
            if pending.status != ActionProposal.Status.PENDING:
                when = f" on {timezone.localtime(pending.decided_at):%d/%m/%Y}" if pending.decided_at else ""
                raise ActionRefused(
                    f"This {pending.get_kind_display().lower()} proposal on {current.reference} was already "
                    f"{pending.get_status_display().lower()}{when}: nothing was changed."
                )
            if accept:
                self._refuse_if_closed(current, "changes")
                if pending.kind == ActionProposal.Kind.CLOSURE:
                    text = "Closure confirmed by the secretary."
                    self._close(
                        current, on=timezone.localdate(), by=by, text=f"{text} {note}" if note else text
                    )
                else:
                    current._revise_target_date(pending.proposed_target_on, by=by)
            elif (
                pending.kind == ActionProposal.Kind.CLOSURE and current.status == self.Status.PROPOSED_CLOSED
            ):
                self._move(current, "withdraw the closure proposal", self.Status.OPEN)
            pending.status = ActionProposal.Status.ACCEPTED if accept else ActionProposal.Status.DECLINED
            pending.record_decision(by=by, note=note)
            self._refresh_from(current)
            return pending

    def close(self, *, on, by=None, text=""):
        """Close the action on the day `on`, with an update saying so (`text`); its pending proposals
        are settled. Refused when it is closed already."""
        with transaction.atomic():
            current = self._locked(by)
            update = self._close(current, on=on, by=by, text=text or "Closed.")
            self._refresh_from(current)
            return update

    def _close(self, current, *, on, by, text):
        self._move(current, "close", self.Status.CLOSED, on=on)
        update = _recorded(
            ActionUpdate(action=current),
            by,
            text=text,
            given_on=on,
            status_after=self.Status.CLOSED,
            author=_user_or_none(by),
        )
        current._settle_proposals(by=by, note="The action was closed.")
        return update

    def reopen(self, *, by=None, text, on=None):
        """Reopen a closed action (its closure date is cleared), with an update saying why."""
        text = (text or "").strip()
        if not text:
            raise ValidationError("Say why the action is reopened.")
        with transaction.atomic():
            current = self._locked(by)
            self._move(current, "reopen", self.Status.OPEN)
            update = _recorded(
                ActionUpdate(action=current),
                by,
                text=text,
                given_on=on or timezone.localdate(),
                status_after=self.Status.OPEN,
                author=_user_or_none(by),
            )
            self._refresh_from(current)
            return update

    def revise_target_date(self, target_on, *, by=None, meeting=None):
        """Record a revised target date (the history keeps every step); refused on a closed action."""
        with transaction.atomic():
            current = self._locked(by)
            self._refuse_if_closed(current, "target dates")
            return current._revise_target_date(target_on, by=by, meeting=meeting)

    def _revise_target_date(self, target_on, *, by=None, meeting=None):
        if target_on == self.current_target_on and meeting is None:
            return None
        return _recorded(
            TargetDate(action=self), by, target_on=target_on, meeting=meeting, recorded_by=_user_or_none(by)
        )

    def _settle_proposals(self, *, by, note):
        """Once the action is closed: a pending closure proposal is accepted, any other declined."""
        for pending in ActionProposal.objects.select_for_update().filter(
            action=self, status=ActionProposal.Status.PENDING
        ):
            accepted = pending.kind == ActionProposal.Kind.CLOSURE
            pending.status = ActionProposal.Status.ACCEPTED if accepted else ActionProposal.Status.DECLINED
            pending.record_decision(by=by, note=note)

    def edit(self, *, text, owners, target_on, based_on, meeting=None, by=None):
        """Change the text, owners and target date, unless someone else changed them first.

        `based_on` is the edit token the form started from (EDIT_FIELDS); EditConflict
        (with the action as it is now, or None if it was deleted) if it no longer
        matches. A new target date is a new step of the history, recorded at `meeting`;
        a target date cannot be removed, only replaced.
        """
        with self.unchanged_since(EDIT_FIELDS, based_on) as current:
            if by is not None and by.is_authenticated:
                current._history_user = by
            if not owners:
                raise ValidationError("An action needs at least one owner.")
            previous_target_on = current.current_target_on
            if target_on is None and previous_target_on is not None:
                raise ValidationError("A target date can be changed but not removed.")
            current.text = text.strip()
            current.save(update_fields=["text"])
            current.set_owners(owners)
            if target_on is not None and target_on != previous_target_on:
                current._revise_target_date(target_on, by=by, meeting=meeting)
            return current

    def record_meeting_update(
        self, *, meeting, text, status=None, label=None, revised_target_on=None, by=None, based_on=None
    ):
        """Record (or correct) the update given on this action at `meeting`, and apply it.

        One update per action and meeting: created the first time, changed in place
        afterwards. The target date agreed at the meeting is one step of the history,
        created, changed or (when cleared) removed. The status follows the update:
        closed on the meeting's date (pending proposals settled), or open again. The
        update is part of the meeting's minutes: refused unless they are a draft and
        the action is outstanding at the meeting. With `based_on` (the token of the
        update the form started from), EditConflict with the update as it is now if
        someone else recorded it meanwhile; nothing is written then.
        """
        if label is not None:
            # One of the committee's own statuses: open or closed as it says.
            if label.committee_id != self.committee_id:
                raise ValidationError(f"{label} is not a status of {self.reference}'s committee.")
            status = self.Status.OPEN if label.is_open else self.Status.CLOSED
        if status not in self.Status.values:
            raise ValidationError(f"{status!r} is not a status of an action.")
        with transaction.atomic():
            current = self._locked(by)
            if not meeting.is_draft:
                raise ActionRefused(
                    f"The minutes of {meeting.reference} are {meeting.get_minutes_status_display().lower()}: "
                    "updates given at that meeting can no longer be changed. Nothing was saved."
                )
            if not type(self).objects.outstanding_at(meeting).filter(pk=current.pk).exists():
                raise ActionRefused(
                    f"{current.reference} is not outstanding at {meeting.reference}: "
                    "no update can be recorded there. Nothing was saved."
                )
            update = current.update_at(meeting)
            if based_on is not None and meeting_update_token(update) != based_on:
                raise EditConflict(update)
            if update is None:
                update = ActionUpdate(action=current, meeting=meeting)
            update.given_on = meeting.held_on
            update.text = text.strip()
            update.status_after = status
            update.status_label = label
            update.author = _user_or_none(by)
            _recorded(update, by)

            agreed = list(current.target_dates.filter(meeting=meeting))
            if revised_target_on is None:
                for entry in agreed:
                    entry._history_user = _user_or_none(by)
                    entry.delete()
            elif agreed:
                entry = agreed[-1]
                if entry.target_on != revised_target_on:
                    entry.target_on, entry.recorded_by = revised_target_on, _user_or_none(by)
                    entry._history_user = _user_or_none(by)
                    entry.save(update_fields=["target_on", "recorded_by"])
            else:
                current._revise_target_date(revised_target_on, by=by, meeting=meeting)

            # What the meeting recorded is the status, whatever it was before: closed on its date.
            self._write_status(current, status, on=meeting.held_on, label=label)
            if status == self.Status.CLOSED:
                current._settle_proposals(by=by, note=f"Closed at {meeting.reference}.")
            self._refresh_from(current)
            return update


def _user_or_none(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _recorded(row, by, **values):
    """Save `row` (an update or a target-date step) with `values`; its history row names `by`
    (the request's user is taken where there is a request, commands and tests name it)."""
    for name, value in values.items():
        setattr(row, name, value)
    if _user_or_none(by) is not None:
        row._history_user = by
    row.save()
    return row


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


class ActionUpdateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Updates on actions the user may see, except, for a reader, those given at a meeting whose
        minutes are not published yet (they are part of draft minutes)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        roles = Membership.objects.for_user(user)
        published = Meeting.Status.PUBLISHED
        return self.filter(
            Q(action__committee__in=roles.seeing_drafts().values("committee"))
            | Q(
                Q(meeting__isnull=True) | Q(meeting__minutes_status=published),
                action__committee__in=roles.readers().values("committee"),
                action__meeting__minutes_status=published,
            )
        )


class ActionUpdate(models.Model):
    """A dated progress update on an action, optionally given at a meeting."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    given_on = models.DateField(default=timezone.localdate)
    text = models.TextField()
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_updates"
    )
    status_after = models.CharField(max_length=20, choices=Action.Status.choices)
    # The committee's own status given with the update, if any (see Action.status_label).
    status_label = models.ForeignKey(
        "minutes.ActionStatus", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who gave the update when they have no account (a signed link)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "given_on", "id"]

    def __str__(self):
        return f"{self.action} {self.given_on:%d/%m/%Y}"

    @property
    def status_after_display(self):
        """The status the update left, as the committee prints it."""
        return self.status_label.label if self.status_label_id else self.get_status_after_display()

    @property
    def status_value(self):
        """The status as the meeting update form names it: "status-<id>" for the committee's own."""
        return f"status-{self.status_label_id}" if self.status_label_id else self.status_after

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
        longer matches is refused (see Action.record_meeting_update). Reads the
        action's target dates, which the meeting selector prefetches.
        """
        return meeting_update_token(self)


def status_choices(committee):
    """The statuses an update at a meeting may leave an action of `committee` with, as the form
    names them: the committee's own ("status-<id>"), else Open and Closed; and Proposed closed."""
    own = list(committee.action_statuses.all())
    if not own:
        return list(Action.Status.choices)
    proposed = Action.Status.PROPOSED_CLOSED
    return [(f"status-{status.pk}", status.label) for status in own] + [(proposed.value, proposed.label)]


def meeting_update_token(update):
    """The token of the update recorded at a meeting: its text, status and revised target date ("" while none is)."""
    if update is None:
        return ""
    return edit_token(
        [update.text, update.status_after, update.status_label_id, _date_text(update.revised_target_on)]
    )


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

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_closure(self):
        return self.kind == self.Kind.CLOSURE

    def record_decision(self, *, by, note):
        """Save the decision taken on the proposal (its status set by the caller): who, when, why."""
        self.decided_by = _user_or_none(by)
        self.decided_at = timezone.now()
        self.decision_note = note
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


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


class ActionImport(models.Model):
    """An action log a secretary uploaded to import: kept from upload to confirmation, with the
    columns and statuses they mapped, and what the import did."""

    committee = models.ForeignKey(
        "minutes.Committee", on_delete=models.CASCADE, related_name="action_imports"
    )
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # {heading: field or "ignore"} and {label in the file: committee's label}, as chosen.
    columns = models.JSONField(default=dict, blank=True)
    statuses = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {"new": n, "updated": n, "unchanged": n, "error": n, "skipped": n} once imported.
    result = models.JSONField(default=dict, blank=True)
    # The background job importing it, once confirmed.
    job = models.ForeignKey("minutes.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.committee.code})"
