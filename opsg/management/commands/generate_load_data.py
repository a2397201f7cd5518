"""Realistic bulk data for benchmarks: committees, meetings, owners, actions, updates."""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import Action, ActionUpdate, TargetDate
from minutes.conventions import reference_slug
from minutes.models import Committee, Meeting, Organisation, Person, SeatCategory

COMMITTEES = [
    ("LDOPS", "Load Test Operations Group"),
    ("LDSEC", "Load Test Security Sub-Committee"),
    ("LDTAB", "Load Test Technical Architecture Group"),
    ("LDPAB", "Load Test Performance Assurance Board"),
    ("LDSMK", "Load Test SMKI Policy Group"),
]
HISTORY_YEARS = 15
CADENCE_DAYS = 14
# Share of actions closed once their target date is 120 days past: a few stay open for years.
CLOSED_WHEN_OLD = 0.97
ORGANISATIONS = ["DCC", "SECAS", "BEIS"] + [f"Supplier {n:02d}" for n in range(1, 31)]
VERBS = [
    "provide",
    "report on",
    "review",
    "confirm",
    "investigate",
    "draft",
    "circulate",
    "update",
    "assess",
    "publish",
]
SUBJECTS = [
    "the quality of the PMR report",
    "the Incident start time for the latest Major Incident",
    "the CSP North firmware payload response times",
    "the Hot Standby failover test results",
    "the SMETS2 tariff update failure rates",
    "the Change of Supplier success rates",
    "the Communications Hub returns trend",
    "the Service Request forecasting accuracy",
    "the anomaly detection thresholds",
    "the certificate migration plan for ECoS",
]
UPDATES = [
    "The DCC noted progress and will report again at the next meeting.",
    "SECAS presented an update; members asked for more detail on the root cause.",
    "The owner confirmed the work is complete and proposed closure.",
    "A revised target date was agreed given the dependency on the release.",
    "The Panel was informed and will consider the matter next month.",
]


def committee_reference(meeting, sequence):
    """The reference the committee's convention gives action `sequence` of `meeting`."""
    return meeting.committee.action_reference_for(meeting.number, sequence)


class Command(BaseCommand):
    help = "Create load-test committees (codes LD…) with meetings and N actions, e.g. --actions 100000."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, default=100_000)
        parser.add_argument("--actions-per-meeting", type=int, default=12)
        parser.add_argument("--seed", type=int, default=55)

    def handle(self, actions, actions_per_meeting, seed, **options):
        if Committee.objects.filter(code__in=[code for code, _ in COMMITTEES]).exists():
            raise CommandError("Load-test committees exist already (codes LD…): use a fresh database.")
        rng = random.Random(seed)
        with transaction.atomic():
            organisations = [Organisation.objects.get_or_create(name=name)[0] for name in ORGANISATIONS]
            people = Person.objects.bulk_create(
                Person(name=f"Owner {n:04d}", organisation=rng.choice(organisations)) for n in range(400)
            )
            # Fortnightly meetings ending today, never more than HISTORY_YEARS of them per
            # committee: a larger data set has more committees, not meetings in the future.
            meetings_needed = -(-actions // actions_per_meeting)
            most_per_committee = HISTORY_YEARS * 365 // CADENCE_DAYS
            committee_count = max(len(COMMITTEES), -(-meetings_needed // most_per_committee))
            committees = []
            for position in range(committee_count):
                if position < len(COMMITTEES):
                    code, name = COMMITTEES[position]
                else:
                    code, name = f"LDX{position + 1:02d}", f"Load Test Working Group {position + 1}"
                committee = Committee.objects.create(code=code, name=name, decision_name=f"The {code}")
                SeatCategory.objects.create(committee=committee, name="Members", position=1)
                committees.append(committee)
            per_committee = -(-meetings_needed // len(committees))
            today = datetime.date.today()
            meetings = []
            for position, committee in enumerate(committees):
                for number in range(1, per_committee + 1):
                    days_ago = CADENCE_DAYS * (per_committee - number) + position % CADENCE_DAYS
                    meetings.append(
                        Meeting(
                            committee=committee,
                            number=number,
                            held_on=today - datetime.timedelta(days=days_ago),
                            location="Teleconference",
                            minutes_status=Meeting.Status.DRAFT,
                            last_action_sequence=actions_per_meeting,
                        )
                    )
            meetings = Meeting.objects.bulk_create(meetings, batch_size=2000)
            self.stdout.write(
                f"{len(committees)} committees, {len(meetings)} meetings, {len(people)} people."
            )
            self._actions(rng, meetings, organisations, people, actions, actions_per_meeting)

    def _actions(self, rng, meetings, organisations, people, total, per_meeting):
        today = datetime.date.today()
        made = 0
        batch = 5000
        while made < total:
            chunk = []
            for _ in range(min(batch, total - made)):
                meeting = meetings[made // per_meeting]
                sequence = made % per_meeting + 1
                text = f"{rng.choice(['The DCC', 'SECAS', 'The owner'])} to {rng.choice(VERBS)} {rng.choice(SUBJECTS)}."
                target = meeting.held_on + datetime.timedelta(days=rng.choice([14, 28, 56, 90]))
                closed = target < today - datetime.timedelta(days=120) and rng.random() < CLOSED_WHEN_OLD
                chunk.append(
                    (
                        Action(
                            committee_id=meeting.committee_id,
                            meeting=meeting,
                            sequence=sequence,
                            reference=(reference := committee_reference(meeting, sequence)),
                            slug=reference_slug(reference),
                            text=text,
                            raised_on=meeting.held_on,
                            status=Action.Status.CLOSED
                            if closed
                            else rng.choice(["open", "open", "proposed_closed"]),
                            closed_on=target if closed else None,
                            due_on=target,
                        ),
                        target,
                    )
                )
                made += 1
            created = Action.objects.bulk_create([action for action, _ in chunk], batch_size=batch)
            owners_org, owners_person, targets, updates = [], [], [], []
            for action, (_, target) in zip(created, chunk, strict=True):
                organisation = rng.choice(organisations)
                owners_org.append(
                    Action.owner_organisations.through(action_id=action.pk, organisation_id=organisation.pk)
                )
                names = [organisation.name]
                if rng.random() < 0.3:
                    person = rng.choice(people)
                    owners_person.append(
                        Action.owner_people.through(action_id=action.pk, person_id=person.pk)
                    )
                    names.append(person.name)
                targets.append(
                    TargetDate(action_id=action.pk, target_on=target, meeting_id=action.meeting_id)
                )
                texts = [rng.choice(UPDATES) for _ in range(rng.randint(0, 3))]
                for n, update_text in enumerate(texts, start=1):
                    updates.append(
                        ActionUpdate(
                            action_id=action.pk,
                            given_on=action.raised_on + datetime.timedelta(days=14 * n),
                            text=update_text,
                            status_after=action.status if n == len(texts) else "open",
                        )
                    )
                # Every update is given between meetings: readers may search all of it.
                action.search_document = "\n".join([action.reference, action.text, " ".join(names), *texts])
                action.published_search_document = action.search_document
                action.owner_sort = organisation.name  # an organisation always owns a generated action
            Action.owner_organisations.through.objects.bulk_create(owners_org, batch_size=batch)
            Action.owner_people.through.objects.bulk_create(owners_person, batch_size=batch)
            TargetDate.objects.bulk_create(targets, batch_size=batch)
            ActionUpdate.objects.bulk_create(updates, batch_size=batch)
            Action.objects.bulk_update(
                created, ["search_document", "published_search_document", "owner_sort"], batch_size=batch
            )
            self.stdout.write(f"{made:,} actions")
