"""Demo data: the Settlement Assurance Board (SAB), an invented committee beside the OPSG.

Its conventions come from `demo_committees/SAB.toml`, applied as `configure_committee` applies
any committee's file: actions numbered per committee (Action 021), its own statuses (Carried
Forward, On Hold, Superseded), attendance printed a row a person with initials and organisation,
sessions under headings, items numbered continuously, paper references and lettered decisions.
Its people and organisations are invented. Its meetings are dated around the day the demo is
loaded: SAB 40 six weeks ago (published), SAB 41 last week (minutes in draft), SAB 42 in two
weeks; some actions are due soon and one is overdue, so that owners' flows (updates, revised
target dates, reminders) can be tried at once.

Loaded by `opsg.demo.load_demo`, after the demo users (the file names them as members); like the
OPSG's, a meeting that exists is left alone.
"""

from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

from actions.models import Action
from minutes.conventions_file import configure
from minutes.models import (
    ActionStatus,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Organisation,
    Person,
)
from minutes.services.meetings import meeting_create

CONVENTIONS = Path(__file__).resolve().parent / "demo_committees" / "SAB.toml"

ORGANISATIONS = {
    "Brightwater Energy": "Brightwater Energy Supply Ltd",
    "Northgate Supply": "Northgate Supply plc",
    "Eastway Networks": "Eastway Electricity Networks Ltd",
    "Valley Power Networks": "Valley Power Distribution Ltd",
    "SAB Secretariat": "Settlement Assurance Board Secretariat",
    "Energy Regulator": "Office of the Energy Regulator",
}

# name, organisation (or None), seat category, role note; in the order the minutes list them.
PEOPLE = [
    ("Margaret Ellison", None, "Chair", "Chair"),
    ("Priya Raman", "Brightwater Energy", "Supplier Members", ""),
    ("Tom Okafor", "Northgate Supply", "Supplier Members", ""),
    ("Ben Carter", "Northgate Supply", "Supplier Members", ""),
    ("Helen Marsh", "Eastway Networks", "Network Members", ""),
    ("Sam Fielding", "Eastway Networks", "Network Members", ""),
    ("Gareth Lloyd", "Valley Power Networks", "Network Members", ""),
    ("Aisha Khan", None, "Independent Members", ""),
    ("Daniel Frost", "SAB Secretariat", "Secretariat", "Board Secretary"),
    ("Clara Nwosu", "Energy Regulator", "Secretariat", ""),
]

# People without a login whom reminders reach by e-mail, with a link of their own (no account).
EMAILS = {
    "Tom Okafor": "tom.okafor@northgate.example",
    "Sam Fielding": "sam.fielding@eastway.example",
    "Daniel Frost": "daniel.frost@sab-secretariat.example",
}

# The demo users of the SAB (their memberships come from the file): username -> person.
USERS = {"board-chair": "Margaret Ellison", "board-owner": "Priya Raman"}


@dataclass
class Listed:
    """Someone on a meeting's list: as in PEOPLE, with how they attended."""

    name: str
    status: str = Attendance.Status.PRESENT
    remote: bool = False
    alternate_for: str = ""
    joined_at: str = ""  # the title of the item they joined at
    left_after: str = ""


@dataclass
class Raised:
    sequence: int
    item: str
    text: str
    owners: list
    target_in_days: int  # from the day the demo is loaded; negative: overdue


@dataclass
class Held:
    """A meeting of the SAB and what its minutes say."""

    number: int
    days_from_today: int
    status: str
    attendance: list
    texts: dict = field(default_factory=dict)  # item title -> minutes HTML
    papers: dict = field(default_factory=dict)  # item title -> paper reference
    decisions: dict = field(default_factory=dict)  # item title -> [(verb, text)]
    actions: list = field(default_factory=list)
    # (action number, update, status label, revised target in days from today or None)
    updates: list = field(default_factory=list)
    first_item_number: int | None = None


SAB_40 = Held(
    number=40,
    days_from_today=-42,
    status=Meeting.Status.PUBLISHED,
    first_item_number=112,
    attendance=[
        Listed("Margaret Ellison"),
        Listed("Priya Raman"),
        Listed("Tom Okafor"),
        Listed("Helen Marsh"),
        Listed("Gareth Lloyd", remote=True),
        Listed("Daniel Frost"),
        Listed("Aisha Khan", status=Attendance.Status.APOLOGIES),
    ],
    texts={
        "Minutes and actions": "<p>The minutes of SAB 39 were approved as a true record.</p>",
        "Settlement performance": "<p>The Secretariat presented the settlement performance report for the "
        "quarter. Performance against the initial settlement run target was 96.8%, below the 97% "
        "target for the second quarter running.</p>",
        "Data quality": "<p>The Board discussed the number of meter readings rejected at validation, "
        "which had risen since the change of data collector at two suppliers.</p>",
        "Risk register review": "<p>The Board reviewed the settlement risk register. Two risks were "
        "re-rated; no new risks were added.</p>",
        "Any Other Business": "<p>None raised.</p>",
    },
    papers={"Performance reports": "SAB40/01", "Risk register review": "SAB40/02C"},
    decisions={
        "Performance reports": [
            ("NOTED", "the settlement performance report"),
            ("REQUESTED", "that suppliers below target present remediation plans"),
        ],
        "Risk register review": [("AGREED", "the revised ratings of risks R4 and R9")],
    },
    actions=[
        Raised(
            21,
            "Settlement performance",
            "Brightwater Energy to present its remediation plan for initial settlement performance.",
            ["Brightwater Energy"],
            -5,
        ),
        Raised(
            22,
            "Data quality",
            "Brightwater Energy and Northgate Supply to report the causes of rejected meter readings.",
            ["Brightwater Energy", "Northgate Supply"],
            4,
        ),
        Raised(
            23,
            "Data quality",
            "Eastway Networks to confirm the date of its data collector migration.",
            ["Eastway Networks"],
            21,
        ),
        Raised(
            24,
            "Risk register review",
            "The Secretariat to circulate the updated risk register.",
            ["SAB Secretariat"],
            -35,
        ),
    ],
)

SAB_41 = Held(
    number=41,
    days_from_today=-7,
    status=Meeting.Status.DRAFT,
    attendance=[
        Listed("Margaret Ellison"),
        Listed("Priya Raman"),
        Listed("Tom Okafor", remote=True),
        Listed("Ben Carter", status=Attendance.Status.APOLOGIES),
        Listed("Helen Marsh", status=Attendance.Status.APOLOGIES),
        Listed("Sam Fielding", alternate_for="Helen Marsh"),
        Listed("Gareth Lloyd", joined_at="Performance reports"),
        Listed("Aisha Khan", left_after="Performance reports"),
        Listed("Daniel Frost"),
        Listed("Clara Nwosu", status=Attendance.Status.OBSERVER, remote=True),
    ],
    texts={
        "Minutes and actions": "<p>The minutes of SAB 40 were approved as a true record.</p>",
        "Settlement performance": "<p>PR presented Brightwater Energy's progress: initial settlement "
        "performance had recovered to 97.2% in the last month. The Board welcomed the improvement and "
        "asked for the remediation plan to be kept until the quarter's figures confirm it.</p>",
        "Data quality": "<p>SF reported for Eastway Networks that the data collector migration had "
        "been rescheduled. The Board asked for the new date and for the effect on rejected readings to "
        "be reported.</p>",
        "Risk register review": "<p>The Board reviewed risk R9 (data collector migrations) in "
        "confidential session.</p>",
        "Any Other Business": "<p>None raised.</p>",
    },
    papers={"Performance reports": "SAB41/01", "Risk register review": "SAB41/02C"},
    decisions={
        "Performance reports": [
            ("NOTED", "the settlement performance report"),
            ("AGREED", "to keep Brightwater Energy's remediation plan under review"),
            ("REQUESTED", "an update on data collector migrations at the next meeting"),
        ],
        "Risk register review": [("AGREED", "to raise the rating of risk R9 to amber")],
    },
    actions=[
        Raised(
            25,
            "Settlement performance",
            "Brightwater Energy to share the quarter's initial settlement figures with the Board.",
            ["Priya Raman"],
            10,
        ),
        Raised(
            26,
            "Data quality",
            "Eastway Networks to report the rescheduled migration date and its effect on rejected readings.",
            ["Sam Fielding"],
            3,
        ),
    ],
    updates=[
        (21, "Brightwater Energy presented its plan; performance is recovering.", "Carried Forward", None),
        (22, "Causes identified at Northgate Supply; Brightwater Energy to follow.", "Open", None),
        (23, "Superseded by Action 026.", "Superseded", None),
        (24, "The updated register was circulated on the day of SAB 40.", "Closed", None),
    ],
)

SAB_42 = {"number": 42, "days_from_today": 14}


class BoardLoader:
    def __init__(self, *, today, say, secretary=None):
        self.today = today
        self.secretary = secretary
        self.say = say

    def run(self):
        self.committee, report = configure(CONVENTIONS.read_text(encoding="utf-8"))
        if report.created:
            self.say(f"Created committee {self.committee} from {CONVENTIONS.name}.")
        else:
            self.say(
                f"Found committee {self.committee}; {CONVENTIONS.name}: {str(report).replace(chr(10), '; ')}"
            )
        self.categories = {category.name: category for category in self.committee.seat_categories.all()}
        self.statuses = {
            status.label: status for status in ActionStatus.objects.filter(committee=self.committee)
        }
        for held in (SAB_40, SAB_41):
            self.load_meeting(held)
        self.load_next_meeting()

    def load_people(self):
        """The SAB's organisations and people, brought to the values above: {name: person}."""
        organisations = {
            name: Organisation.objects.update_or_create(name=name, defaults={"full_name": full_name})[0]
            for name, full_name in ORGANISATIONS.items()
        }
        self.organisations = organisations
        self.people = {
            name: Person.objects.update_or_create(
                name=name,
                defaults={"organisation": organisations.get(organisation), "email": EMAILS.get(name, "")},
            )[0]
            for name, organisation, _category, _role in PEOPLE
        }
        return self.people

    def existing(self, number):
        meeting = Meeting.objects.filter(committee=self.committee, number=number).first()
        if meeting is not None:
            self.say(f"Meeting {meeting} already exists: left unchanged.")
        return meeting

    def load_meeting(self, held):
        if self.existing(held.number) is not None:
            return
        held_on = self.today + timedelta(days=held.days_from_today)
        fields = {"first_item_number": held.first_item_number} if held.first_item_number else {}
        if held.number == SAB_41.number:
            fields["next_main_meeting_on"] = self.today + timedelta(days=SAB_42["days_from_today"])
        meeting = meeting_create(
            committee=self.committee,
            number=held.number,
            kind=Meeting.Kind.MAIN,
            held_on=held_on,
            start_time=time(10, 0),
            end_time=time(12, 30),
            location="Online and at 10 Harbour Street, Bristol",
            **fields,
        )
        items = {item.title: item for item in AgendaItem.objects.filter(meeting=meeting)}
        self.load_attendance(meeting, held, items)
        for title, text in held.texts.items():
            AgendaItem.objects.filter(pk=items[title].pk).update(minutes_text=text)
        for title, reference in held.papers.items():
            AgendaItem.objects.filter(pk=items[title].pk).update(paper_reference=reference)
        for title, decisions in held.decisions.items():
            for position, (verb, text) in enumerate(decisions, start=1):
                Decision.objects.create(item=items[title], verb=verb, text=text, position=position)
        for number, text, label, revised in held.updates:
            action = Action.objects.get(committee=self.committee, sequence=number)
            action.record_meeting_update(
                meeting=meeting,
                text=text,
                label=self.statuses[label],
                revised_target_on=self.today + timedelta(days=revised) if revised is not None else None,
            )
        for raised in held.actions:
            owners = [self.organisations.get(name) or self.people[name] for name in raised.owners]
            Action.objects.raise_action(
                meeting=meeting,
                item=items[raised.item],
                text=raised.text,
                owners=owners,
                target_on=self.today + timedelta(days=raised.target_in_days),
                raised_on=held_on,
                sequence=raised.sequence,
            )
        if held.status == Meeting.Status.PUBLISHED:
            meeting.circulate(by=self.secretary)
            meeting.approve(by=self.secretary, note="Approved at the next meeting.")
            meeting.publish(by=self.secretary)
        self.say(
            f"Created meeting {meeting}: {len(held.attendance)} attendance rows, "
            f"{len(held.actions)} new actions, {len(held.updates)} action updates."
        )

    def load_attendance(self, meeting, held, items):
        listed = {}
        for position, entry in enumerate(held.attendance, start=1):
            _name, _organisation, category, role_note = next(row for row in PEOPLE if row[0] == entry.name)
            person = self.people[entry.name]
            listed[entry.name] = Attendance.objects.create(
                meeting=meeting,
                person=person,
                seat_category=self.categories[category],
                status=entry.status,
                role_note=role_note,
                initials="".join(word[0] for word in entry.name.split()),
                remote=entry.remote,
                alternate_for=listed.get(entry.alternate_for),
                joined_at_item=items.get(entry.joined_at),
                left_after_item=items.get(entry.left_after),
                position=position,
            )

    def load_next_meeting(self):
        if self.existing(SAB_42["number"]) is not None:
            return
        meeting = meeting_create(
            committee=self.committee,
            number=SAB_42["number"],
            kind=Meeting.Kind.MAIN,
            held_on=self.today + timedelta(days=SAB_42["days_from_today"]),
            start_time=time(10, 0),
            end_time=time(12, 30),
            location="Online and at 10 Harbour Street, Bristol",
            copy_attendance=True,
        )
        self.say(f"Created meeting {meeting} with the standard agenda.")
