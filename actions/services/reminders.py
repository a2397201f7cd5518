"""E-mail reminders to action owners: due within 7 days, or overdue.

Safe to run as often as wanted: a ReminderSent row (unique per action,
recipient and day) is written in the same transaction as the e-mail is sent,
so a second run that day, or one running at the same time, finds the row (or
waits for it and fails to insert) and sends nothing.
"""

from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from actions.links import absolute_url, owner_link_url
from actions.models import Action, ReminderSent
from minutes.models import Membership, Person

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Recipient:
    """Someone to remind about an action, and the link their e-mail carries."""

    email: str
    name: str
    link: str


@dataclass
class ReminderSummary:
    sent: dict = field(default_factory=lambda: {ReminderSent.Kind.DUE_SOON: 0, ReminderSent.Kind.OVERDUE: 0})
    already_sent: int = 0
    without_recipient: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.sent.values())

    def __str__(self):
        due, overdue = self.sent[ReminderSent.Kind.DUE_SOON], self.sent[ReminderSent.Kind.OVERDUE]
        text = f"{self.total} reminder(s) ({due} due soon, {overdue} overdue); {self.already_sent} already sent today"
        if self.without_recipient:
            text += f"; no one to remind about {', '.join(self.without_recipient)}"
        return text


def actions_to_remind(today):
    """Actions overdue or due within 7 days, with the target date in force as `target_on`."""
    return (
        (Action.objects.overdue(today) | Action.objects.due_within(DUE_SOON_DAYS, today))
        .annotate(target_on=F("due_on"))
        .select_related("committee")
        .prefetch_related("owner_organisations", "owner_people__user")
        .order_by("target_on", "reference")
    )


def _email_of(person):
    return person.email or (person.user.email if person.user_id else "")


def recipients_of(action):
    """The owners to e-mail, one entry per address.

    A person owner with an account gets the action's page; one without gets a
    signed link. For an organisation: its people whose account is an action
    owner on the action's committee.
    """
    page = absolute_url(action.get_absolute_url())
    found = {}
    for person in action.owner_people.all():
        email = _email_of(person)
        if email:
            link = page if person.user_id else owner_link_url(action, person, email=email)
            found.setdefault(email.lower(), Recipient(email, person.name, link))
    organisations = [o.pk for o in action.owner_organisations.all()]
    if organisations:
        owners = Membership.objects.filter(committee_id=action.committee_id, role=Membership.Role.OWNER)
        people = (
            Person.objects.filter(organisation__in=organisations, user__in=owners.values("user"))
            .filter(user__is_active=True)
            .select_related("user")
            .order_by("name", "pk")
        )
        for person in people:
            email = _email_of(person)
            if email:
                found.setdefault(email.lower(), Recipient(email, person.name, page))
    return list(found.values())


def _send(action, recipient, kind, today):
    context = {
        "action": action,
        "recipient": recipient,
        "is_overdue": kind == ReminderSent.Kind.OVERDUE,
        "target_on": action.target_on,
        "days_late": (today - action.target_on).days,
        "days_left": (action.target_on - today).days,
    }
    subject = render_to_string("actions/email/reminder_subject.txt", context).strip()
    body = render_to_string("actions/email/reminder_body.txt", context)
    send_mail(subject, body, None, [recipient.email])


def send_action_reminders(*, today=None, dry_run=False):
    """E-mail every owner of an action due within 7 days or overdue, once a day; a ReminderSummary."""
    today = today or timezone.localdate()
    summary = ReminderSummary()
    for action in actions_to_remind(today):
        kind = ReminderSent.Kind.OVERDUE if action.target_on < today else ReminderSent.Kind.DUE_SOON
        recipients = recipients_of(action)
        if not recipients:
            summary.without_recipient.append(action.reference)
        for recipient in recipients:
            address = recipient.email.lower()
            if dry_run:
                if ReminderSent.objects.filter(action=action, recipient=address, sent_on=today).exists():
                    summary.already_sent += 1
                else:
                    summary.sent[kind] += 1
                continue
            try:
                with transaction.atomic():
                    # Inserted first: a concurrent run blocks on the unique index until this
                    # commits, then fails to insert. If sending fails, the row goes too.
                    ReminderSent.objects.create(action=action, recipient=address, kind=kind, sent_on=today)
                    _send(action, recipient, kind, today)
            except IntegrityError:
                summary.already_sent += 1
            else:
                summary.sent[kind] += 1
    return summary
