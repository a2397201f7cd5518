"""Demo data: the OPSG committee and its meeting OPSG_55, transcribed from real draft minutes, and
a second, invented committee (opsg.demo_board) with other conventions.

The minutes text is the draft minutes of OPSG_55 (23 August 2021), with the slips
of the PDF text extraction corrected. Everything of the OPSG is Python source; the second
committee's conventions are its TOML file in opsg/demo_committees/.

`load_demo()` is idempotent. Reference data (committee, seat categories, standard
agenda, organisations, people, users, memberships) is found by its natural key
and brought to the values below; a meeting that already exists is left alone,
with all its content, and a missing one is created in full.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from actions.models import Action
from minutes.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Footnote,
    ItemKind,
    Meeting,
    Membership,
    Organisation,
    Person,
    SeatCategory,
    StandardAgendaItem,
)
from minutes.services.meetings import minutes_approve_by_decision
from opsg.demo_board import BoardLoader

DEFAULT_PASSWORD = "minutes-demo"

COMMITTEE = {"code": "OPSG", "name": "Operations Group", "decision_name": "The OPSG"}

SEAT_CATEGORIES = [
    "Operations Group Chair",
    "Network Parties",
    "Large Suppliers",
    "Small Suppliers",
    "Other SEC Parties",
    "DCC",
    "SECAS",
    "BEIS",
]

STANDARD_AGENDA = [
    ("Previous Meeting Minutes", ItemKind.PREVIOUS_MINUTES),
    ("Actions Outstanding", ItemKind.ACTIONS_OUTSTANDING),
    ("SEC Panel Reports", ItemKind.ITEM),
    ("PMR Report", ItemKind.ITEM),
    ("Performance Indicator Summary Report", ItemKind.ITEM),
    ("Major Incident Review", ItemKind.ITEM),
    ("Any Other Business", ItemKind.ITEM),
]

ORGANISATIONS = {
    "DCC": "Data Communications Company",
    "SECAS": "Smart Energy Code Administrator and Secretariat",
    "BEIS": "Department for Business, Energy and Industrial Strategy",
}

# Attendees in these seat categories are people of the organisation of that name.
CATEGORY_ORGANISATIONS = {"DCC": "DCC", "SECAS": "SECAS", "BEIS": "BEIS"}


# --- Meetings before OPSG_55 ------------------------------------------------------
#
# Only what OPSG_55 refers to: their agendas are the standard agenda, without
# minutes text, and the actions still outstanding at OPSG_55.

EARLIER_MEETINGS = [
    {
        "number": 43,
        "kind": Meeting.Kind.MAIN,
        "held_on": date(2021, 2, 22),
        "minutes_status": Meeting.Status.PUBLISHED,
        "approval_note": "Agreed as final at OPSG_44.",
        "actions": [
            {
                "sequence": 8,
                "item": "PMR Report",
                "owners": ["DCC"],
                "text": "SECAS and the DCC to discuss the issues highlighted regarding the quality "
                "of the PMR report.",
                "raised_on": date(2021, 2, 22),
                "target_on": date(2021, 8, 23),
            },
        ],
    },
    {
        "number": 53,
        "kind": Meeting.Kind.REPORTING,
        "held_on": date(2021, 7, 26),
        "minutes_status": Meeting.Status.APPROVED,
        "actions": [
            {
                "sequence": 10,
                "item": "Major Incident Review",
                "owners": ["DCC"],
                "text": "The DCC to confirm the Incident start time for Incident INC000000741238.",
                "raised_on": date(2021, 7, 26),
                "target_on": date(2021, 8, 23),
            },
        ],
    },
]


# --- OPSG_55 --------------------------------------------------------------------

OPSG_55 = {
    "number": 55,
    "kind": Meeting.Kind.REPORTING,
    "held_on": date(2021, 8, 23),
    "start_time": time(12, 20),
    "end_time": time(15, 20),
    "location": "Teleconference",
    "minutes_status": Meeting.Status.DRAFT,
    "next_main_meeting_on": date(2021, 9, 7),
    "next_reporting_meeting_on": date(2021, 9, 27),
}

# (seat category, [name or (name, role note), ...]) in the order of the minutes.
OPSG_55_PRESENT = [
    ("Operations Group Chair", ["Dave Warner"]),
    (
        "Network Parties",
        [
            "Gemma Slaney",
            "Matthew Alexander",
            "Martin Christie",
            "Rochelle Harrison",
            "Emslie Law",
            "Ralph Baxter",
        ],
    ),
    ("Large Suppliers", ["Andy Knowles", "Marta Kaminska", "Kevin Donnelly", "Rob Short", "Richard Shah"]),
    ("Small Suppliers", ["Kate Frazer"]),
    ("Other SEC Parties", ["Michael Snowden", "Wendy Liddell", "Lisa Wong", "Robbie MacIntosh"]),
    (
        "DCC",
        ["Easton Brown", "Daniel Heathcote", "Lisa Moran", "Timothy Dunning", "Leigh Hill", "Nicholas Ives"],
    ),
    ("SECAS", [("Veronica Asantewaa", "Meeting Secretary"), "Joey Manners"]),
    ("BEIS", ["Natasha Free"]),
]

OPSG_55_APOLOGIES = [
    ("Large Suppliers", ["John Noad", "Nick Coombs"]),
    ("Small Suppliers", ["Kate Barnes", "Geoff Huckerby"]),
    ("Other SEC Parties", ["Elias Hanna"]),
]


@dataclass(frozen=True)
class DecisionData:
    verb: str
    text: str
    # The number of the meeting whose draft minutes this decision approves.
    approves_minutes_of: int | None = None


@dataclass(frozen=True)
class FootnoteData:
    anchor_text: str
    text: str


@dataclass(frozen=True)
class ItemData:
    """An agenda item. `text` is light markup, turned into HTML by `minutes_html`:
    paragraphs are separated by blank lines; a block of lines starting "- " is a
    bulleted list (a line not starting "- " continues the bullet above)."""

    title: str
    text: str = ""
    kind: str = ItemKind.ITEM
    children: tuple["ItemData", ...] = ()
    # Printed after the item's sub-items.
    decisions: tuple[DecisionData, ...] = ()
    footnotes: tuple[FootnoteData, ...] = ()
    is_deferred: bool = False
    deferred_note: str = ""


OPSG_55_ITEMS = (
    ItemData(
        "Previous Meeting Minutes",
        kind=ItemKind.PREVIOUS_MINUTES,
        text="""
            The Chair invited Operations Group (OPSG) members to comment on the Draft Minutes from OPSG_53.
        """,
        decisions=(
            DecisionData(
                "AGREED",
                "that the Draft Minutes from OPSG_53 will be published as final",
                approves_minutes_of=53,
            ),
        ),
    ),
    ItemData(
        "Actions Outstanding",
        kind=ItemKind.ACTIONS_OUTSTANDING,
        text="""
            SECAS presented the updates to the actions outstanding. Actions were noted as completed where
            appropriate.
        """,
        decisions=(DecisionData("NOTED", "the update"),),
    ),
    ItemData(
        "SEC Panel Reports",
        text="""
            SECAS presented a summary of the SEC Panel reports to the OPSG.
        """,
        children=(
            ItemData(
                "Registration Data Provider Incident Report",
                text="""
                    The OPSG considered the Registration Data Provider (RDP) Incidents Report for July 2021.

                    SECAS highlighted that there were seven RDP Incidents opened in July, a lower number than
                    in previous months. 17 Incidents were reported as resolved within the month. Five
                    Incidents remain open with investigation to be completed.

                    The DCC provided the following updates since the report was issued:

                    - Incidents INC000000757735, INC000000744865 and INC000000753121 had been closed.
                    - Incidents INC000000737522 and INC000000737523 are awaiting a fix from RDPs.
                """,
            ),
            ItemData(
                "DCC Certificate Signing Request Variance Report",
                text="""
                    The OPSG considered the Certificate Signing Request (CSR) Variance Report for July 2021.

                    The OPSG noted that the Panel's decision in January not to actively pursue Party
                    compliance with the current User forecasting obligations means that there is limited value
                    in reviewing the total figures in this report.

                    MP160 ‘Certificate Signing Request’ is currently in the Refinement Process. SECAS has put
                    the progression of this modification on hold until issues and concerns with MP116 ‘Service
                    Request Forecasting’ have been addressed.
                """,
            ),
            ItemData(
                "DCC Service Request Variance Report",
                text="""
                    The OPSG considered the Service Request Variance (SRV) report for July 2021.

                    The OPSG noted that the Panel’s decision in January not to actively pursue Party
                    compliance with the current User forecasting obligations means that there is limited value
                    in reviewing the total figures in this report.

                    The Refinement Consultation for MP116 ‘Service Request Forecasting’ has now closed. SECAS
                    received six responses (five from Large Suppliers and one from a Network Party). Upon
                    review of the responses, the legal text and DCC User Guidance document will require
                    re-drafting. Once complete, MP116 will return to the Working Group. The responses document
                    can be found here.

                    The OPSG noted that the DCC Modelling, used by DCC and as input to the modification
                    process, achieved 88% accuracy for its SRV forecast.
                """,
            ),
            ItemData(
                "SEC Panel Quarterly Problem Report",
                text="""
                    The OPSG considered the SEC Panel Quarterly Problem Report for Q2 2021.

                    The report outlined that 37 new Problem Records were created in this quarter, an increase
                    from 30 in the last quarter. The OPSG noted that eight Problems have breached the target
                    the DCC has set for Root Cause Analysis. There are also 76 open Problems which the DCC
                    considers are ‘Significant and/or Impactful’.

                    SECAS highlighted there was an expectation that once the Dual Control Organisation (DCO)
                    Hot Standby function had been implemented that the Heightened Service Management (HSM)
                    plan would be complete. However, noting that a number of open problems were attributed to
                    DCO and, given the recent SMETS1 related Incidents, SECAS asked whether the HSM should be
                    continued until confidence has been restored with the DCO Service. SECAS noted that there
                    has been engagement with DCC to provide a clear view of the User impact by Problem Records
                    and will be discussed at the next meeting (OPSG_56).

                    A Large Supplier (LS) member highlighted that there also seem to be some instances where
                    Incidents are occurring after a Change has been implemented. The OPSG noted that this will
                    be discussed further at the next meeting (OPSG_56).
                """,
            ),
            ItemData(
                "DCC Responsible Communications Hubs Returns Quarterly Report",
                text="""
                    The OPSG considered the Responsible Communications Hubs (CH) Returns Quarterly Report for
                    Q1 2021.

                    The report outlined that a total of 11,332 records were closed during this period. Of
                    these, 10,087 were attributed to Service Users (No Fault Found) and 1,245 were attributed
                    to the DCC (Fault Found).

                    A LS member queried whether reporting on liquidated damages for CHs that were confirmed as
                    ‘Fault Found’ were included in the report. The DCC noted that this is part of the
                    financial aspects and is not part of the quarterly report. The LS member noted that it
                    will follow up with the DCC’s finance department and report back at a future meeting.

                    SECAS reported that the DCC is due to begin an audit of the Communication Service
                    Providers (CSPs) CH fault triage process at the end September as per action 29/15. SECAS
                    and the DCC will review the documentation for the audit and share this with members at a
                    future meeting.

                    A LS member queried whether the firmware version would be included in the reporting. SECAS
                    and the DCC noted that this requirement was captured during the CH Returns review at the
                    OPSG earlier in the year, but concerns were raised regarding commercial sensitivity and
                    making the data too detailed and unconsumable, but would be reviewed again in the future.
                    The LS member suggested using a breakdown by ‘Latest Firmware Version’ and ‘All Other
                    Firmware Versions’, and SECAS agreed to discuss with the DCC.

                    The OPSG noted there were no major concerns with the current trend in returns for Q2.

                    The OPSG requested that the DCC provide a combined graph for ‘CH Returns Raised’ trend
                    analysis for CSP Central & South (C&S) to be consistent with the rest of the report; the
                    DCC also confirmed it would provide a graph for the CSPN data. The OPSG also requested
                    that the dates on graphs and tables for the trend analysis follow an earliest to latest
                    format (left to right).
                """,
                footnotes=(
                    FootnoteData(
                        "as per action 29/15",
                        "Action OPSG 29/15: The DCC to perform an audit of the CSPs CH triage process and "
                        "provide an update at the next meeting (OPSG_30).",
                    ),
                ),
            ),
        ),
        decisions=(
            DecisionData("NOTED", "the SEC Panel Reports"),
            DecisionData(
                "APPROVED",
                "the summary of DCC reporting (Annex 1) noting that the report reflected the service "
                "experience by Users in July 2021",
            ),
        ),
    ),
    ItemData(
        "PMR Report – June 2021",
        text="""
            SECAS presented its review of the Performance Measurement Report (PMR) for June 2021. The OPSG
            noted the associated commentary.

            SECAS noted that Code Performance Measures (CPM) 1 was below Target Service Level at 97.03%. The
            OPSG noted that this was the first time that CPM1 had been above the Minimum Service Level since
            June 2020. CPM1 has been below Target Service Level since July 2018. This was largely driven by
            the continued failure to achieve the Minimum Service Level for PM2 ‘response times for delivery of
            firmware payloads’ in Communication Service Provider North (CSP N).

            SECAS reported that there were three Category 1 and 2 Incidents resolved in June, with no
            Incidents excluded from the report.

            The OPSG followed up on the outstanding query regarding the Incident Exception within the PMR
            relating to Unexpected/Unsolicited responses triggering Anomaly Detection Threshold (ADT)
            Incidents. The OPSG noted that the SEC defined Anomaly Detection Thresholds (ADTs) are associated
            with southbound anomalies in message volumes and that using the terminology ADTs to refer to
            Incidents triggered by Northbound responses causes confusion. The DCC will engage with the
            Security Sub-Committee (SSC) to review this term, and also to consider how northbound
            unsolicited/unexpected messages should be treated. This was due to be discussed under agenda item
            6 ‘Unexpected Service Responses and Anomaly Detection’, however this item was deferred until the
            SSC has considered the DCC proposal for renaming these events.
        """,
        children=(
            ItemData(
                "DXC ‘Failure to Report’ impacting CPM1 and CPM3",
                text="""
                    The OPSG confirmed that the failure to provide an accurate report for PM1.1 ‘Percentage
                    S1SP Countersigned Service Request Times within relevant Target Response Time’ and PM1.5
                    ‘Percentage S1SP Alert Response Times within the relevant Target Response Time’ by DXC was
                    a Failure to Report. The OPSG considered that it is the DCC’s responsibility to ensure
                    that the full reports are provided, managing any interactions between Service Providers.

                    The OPSG was concerned that these reporting issues would allow a precedent for DCC and
                    Service Providers to not be subject to reporting failures due to defects that effectively
                    fall within the DCC Service and Service Providers, and could have material impact on
                    Users. The OPSG noted that, although this was not the failure of the particular Service
                    Provider, the failure to report should be reflected against either or both of the Service
                    Providers responsible for the defect and/or the DCC.

                    The OPSG agreed to note the concerns raised, however agreed that no further action on this
                    event was required given that a fix was deployed in July 2021. The OPSG requested that
                    future occurrence of this type of reporting issue should be reflected in the relevant
                    CPM(s) impacted and that the DCC should be accountable for failures in reporting caused by
                    DCC and/or it's Service Providers.
                """,
            ),
        ),
        decisions=(
            DecisionData("NOTED", "the PMR"),
            DecisionData(
                "AGREED", "that the report reflected the service experienced for the period of June 2021"
            ),
        ),
    ),
    ItemData(
        "Performance Indicator Summary Report – June 2021",
        text="""
            The OPSG noted the Performance Indicator Report for June. The OPSG noted the continued good
            performance for SMETS1 business processes. The OPSG noted that overall performance of SMETS2
            business processes was generally not as good as SMETS1.

            The OPSG noted in particular that the overall performance of SMETS2 tariff updates and Change of
            Supplier (CoS) processes showed lower than expected success rates, and some recent declines. The
            DCC reported that three Large Suppliers have experienced a higher failure rate than expected, with
            one of the three Suppliers in particular experiencing approx. 85% failure rate with SRV1.1.1 for a
            particular manufacturer’s meters. However, the OPSG noted that there may be a multitude of factors
            contributing to the lower success rates such as regional issues, Devices, load on the
            infrastructure, and User behaviour. The DCC noted that it has engaged with these Suppliers and
            recommended upgrading Devices to the latest version and that they raise Incidents for further
            investigation. The OPSG noted that SMETS1 installations had passed through a quality control point
            at migration, but felt that this would not necessarily explain the lower performance observed for
            SMETS2. The DCC noted that there are a large number of Devices with interoperability issues that
            only became visible within the last three months and are now analysing how this has affected
            performance.

            The OPSG agreed that a series of workshops should be held to investigate the issues, starting with
            tariff updates.

            A LS member queried whether the data for ‘Install and Leave’ includes CHs which have been
            installed but with no meters or Devices successfully joined. The DCC noted that the data only
            represents CHs where an SRV8.14.2 (CH Status Update — Install Success No SM WAN) has been sent,
            and therefore may not cover situations where the CHs install has demonstrated a WAN connection,
            but no Devices were successfully joined. The DCC noted that new reporting has been produced for
            Service Users that provides details of Devices on the Smart Metering Inventory such as: CHs with
            no meters associated, CHs associated with non-commissioned meters, Meters with no CH associated.
            The new reports can be found on the SEC Parties DCC SharePoint.

            The OPSG agreed that the issues with SMETS2 performance should be highlighted to the SEC Panel.
        """,
        decisions=(DecisionData("NOTED", "the presentation"),),
    ),
    ItemData(
        "Unexpected Service Responses and Anomaly Detection",
        text="""
            The OPSG Chair noted that this item should be deferred as it is due to be reviewed by the SSC.
        """,
        is_deferred=True,
    ),
    ItemData(
        "Major Incident Review",
        children=(
            ItemData(
                "INC000000746657",
                text="""
                    SECAS provided a review of Major Incident INC000000746657 which occurred on 29 June 2021.

                    The DCC reported that investigation into the root cause is still ongoing, although it is
                    assumed that it was a configuration error. The DCO continue to perform tests in its System
                    Integration Testing (SIT) environment to identify the root cause.

                    The OPSG Chair highlighted that the DCO Network Database (NDB) encountered several service
                    issues last year and was disappointed that a similar instance had occurred once more.

                    The OPSG queried why the failover mechanisms had not prevented this issue. The DCC noted
                    that the execution of the Hot Standby failover should happen within 26 seconds with any
                    impacted messages recovered and replayed by the short retry mechanism, therefore Users
                    should not be impacted by an outage in future. The DCC noted that the Hot Standby solution
                    was not implemented until 20 August, and therefore could not mitigate the impact at the
                    time of the Incident.

                    SECAS queried why the DCO automated alarm did not trigger communication of the Incident to
                    DCC Major Incident Management (MIM). The DCC noted that triggers for the DCO automated
                    alarm were not set correctly at the time of the Incident. This has been amended and will
                    result in early identification, classification, and communication of Incidents going
                    forward.

                    The OPSG noted that the communication of the Incident was not timely, as the Incident was
                    resolved at 13:27 and initial communications were sent to Users at 13:48. The DCC
                    acknowledged that the initial communications were delayed. The DCC agreed to amend the
                    customer communications category RAG status from Green to Amber and reissue the report.
                """,
            ),
        ),
        decisions=(
            DecisionData("NOTED", "the Major Incident Review"),
            DecisionData(
                "AGREED",
                "that the Review Report for INC000000746657 be published to all SEC Parties, once amendments "
                "identified by the OPSG have been made",
            ),
        ),
    ),
    ItemData(
        "Any Other Business",
        children=(
            ItemData(
                "OPSG Elections",
                text="""
                    SECAS noted the number of OPSG seats up for election. Members have until 10 September to
                    send in their nominations.
                """,
            ),
            ItemData(
                "ECoS Migration",
                text="""
                    A LS member raised an issue that installed assets will fail to complete certificate
                    migration as part of the Enduring Change of Supply (ECoS) programme. A LS member also
                    noted that the lack of communication will result in having to replace assets before the
                    economic end of life and lead to a poor consumer experience.

                    The OPSG asked SECAS and the DCC to draft a candidate operational issue as a basis for
                    discussion with the ECoS programme. Further, the OPSG asked whether there was a more
                    general risk related to ECoS transition and operational implications for the SEC.
                """,
            ),
            ItemData(
                "Performance Assurance Framework (PAF)",
                text="""
                    The OPSG Chair noted that the SEC Panel had agreed that a project brief should be
                    developed for the PAF. SECAS will plan how the project brief will be developed and present
                    this plan to the OPSG at a future meeting.

                    There was no further business, and the Chair closed the meeting.
                """,
            ),
        ),
    ),
)

# Actions raised at OPSG_55, in order of reference (OPSG 55/01 ...). `item` is the
# printed item number; the target date is the next reporting meeting.
OPSG_55_ACTIONS = [
    {
        "item": "3",
        "owners": ["DCC"],
        "text": "The DCC to provide a clear view of the User impact for the open problems that are "
        "attributed to DCO, in the Q2 2021 Quarterly Problem Report.",
    },
    {
        "item": "5",
        "owners": ["DCC", "SECAS"],
        "text": "The DCC and SECAS to hold a series of workshops to investigate SMETS2 performance issues, "
        "starting with tariff updates in the north region.",
    },
    {
        "item": "5",
        "owners": ["SECAS"],
        "text": "SECAS to highlight to the Panel the issues with SMETS2 performance.",
    },
    {
        "item": "8",
        "owners": ["SECAS", "DCC"],
        "text": "SECAS and the DCC to draft a candidate operational issue on concerns regarding ECoS "
        "migrations for discussion with the ECoS programme.",
    },
]

# Updates given at OPSG_55 on actions outstanding: (meeting number, sequence, text, status after).
OPSG_55_ACTION_UPDATES = [
    (
        43,
        8,
        "The DCC noted that it has transformed its governance process, including a formal sign off "
        "process to improve the quality of the PMR report. SECAS noted that will continue to flag issues "
        "with content and quality via the PMR Queries Log.",
        Action.Status.CLOSED,
    ),
    (
        53,
        10,
        "The DCC noted that the actual outage time was from 11:15 to 12:15. The actual Incident raised time "
        "was 12:00. The DCC noted that it will update the outage time in the final Incident closure "
        "communication sent to Users in future.",
        Action.Status.CLOSED,
    ),
]


# --- Users --------------------------------------------------------------------------

SECRETARIAT_GROUP = "Secretariat"

# username, person, role, staff, committee. "Rachel Reader" is not an attendee: she is created
# without an organisation. The roles are in the OPSG; the SAB's members (these and more) are
# in its conventions file (opsg/demo_committees/SAB.toml).
DEMO_USERS = [
    ("secretary", "Veronica Asantewaa", Membership.Role.SECRETARY, False, "OPSG, SAB"),
    ("chair", "Dave Warner", Membership.Role.CHAIR, False, "OPSG"),
    ("member", "Andy Knowles", Membership.Role.MEMBER, False, "OPSG, SAB"),
    ("owner", "Easton Brown", Membership.Role.OWNER, False, "OPSG"),
    ("reader", "Rachel Reader", Membership.Role.READER, False, "OPSG, SAB"),
    ("board-chair", "Margaret Ellison", Membership.Role.CHAIR, False, "SAB"),
    ("board-owner", "Priya Raman", Membership.Role.OWNER, False, "SAB"),
    # Staff: the administration pages. Two-factor authentication is required of staff even with
    # DEMO_MODE on, so this login shows the set-up as production users go through it.
    ("admin", "Sam Okafor", None, True, ""),
]


# --- Loading --------------------------------------------------------------------------


def minutes_html(text):
    """Turn an item's light markup (see ItemData) into minutes HTML."""
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    parts = []
    for block in blocks:
        lines = [line.strip() for line in block.strip().splitlines()]
        if lines[0].startswith("- "):
            bullets = []
            for line in lines:
                if line.startswith("- "):
                    bullets.append(line[2:])
                else:
                    bullets[-1] += " " + line
            items = "".join(f"<li>{_escape(bullet)}</li>" for bullet in bullets)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{_escape(' '.join(lines))}</p>")
    return "".join(parts)


def _escape(text):
    return html.escape(" ".join(text.split()), quote=False)


class _Loader:
    def __init__(self, password, stdout, today):
        self.password = password
        self.stdout = stdout
        self.today = today

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    def run(self):
        self.committee = self.load_committee()
        self.organisations = {
            name: Organisation.objects.update_or_create(name=name, defaults={"full_name": full_name})[0]
            for name, full_name in ORGANISATIONS.items()
        }
        self.people = {}
        for category, names in OPSG_55_PRESENT + OPSG_55_APOLOGIES:
            organisation = self.organisations.get(CATEGORY_ORGANISATIONS.get(category))
            for entry in names:
                name = entry if isinstance(entry, str) else entry[0]
                self.people[name] = self.person(name, organisation)
        board = BoardLoader(today=self.today, say=self.say)
        self.people.update(board.load_people())
        usernames = self.load_users()
        self.secretary = board.secretary = get_user_model().objects.get(username="secretary")
        for meeting in EARLIER_MEETINGS:
            self.load_earlier_meeting(meeting)
        self.load_opsg_55()
        board.run()
        return usernames

    def person(self, name, organisation):
        return Person.objects.update_or_create(name=name, defaults={"organisation": organisation})[0]

    def load_committee(self):
        committee, created = Committee.objects.update_or_create(
            code=COMMITTEE["code"],
            defaults={"name": COMMITTEE["name"], "decision_name": COMMITTEE["decision_name"]},
        )
        self.say(f"{'Created' if created else 'Found'} committee {committee}.")
        self.categories = {}
        for position, name in enumerate(SEAT_CATEGORIES, start=1):
            self.categories[name] = SeatCategory.objects.update_or_create(
                committee=committee, name=name, defaults={"position": position}
            )[0]
        for position, (title, kind) in enumerate(STANDARD_AGENDA, start=1):
            StandardAgendaItem.objects.update_or_create(
                committee=committee, title=title, defaults={"kind": kind, "position": position}
            )
        return committee

    def existing_meeting(self, number):
        meeting = Meeting.objects.filter(committee=self.committee, number=number).first()
        if meeting is not None:
            self.say(f"Meeting {meeting} already exists: left unchanged.")
        return meeting

    def load_earlier_meeting(self, data):
        if self.existing_meeting(data["number"]) is not None:
            return
        meeting = Meeting.objects.create(
            committee=self.committee, number=data["number"], kind=data["kind"], held_on=data["held_on"]
        )
        items = {}
        for position, (title, kind) in enumerate(STANDARD_AGENDA, start=1):
            items[title] = AgendaItem.objects.create(
                meeting=meeting, position=position, kind=kind, title=title
            )
        for action in data["actions"]:
            Action.objects.raise_action(
                meeting=meeting,
                item=items[action["item"]],
                text=action["text"],
                owners=[self.organisations[name] for name in action["owners"]],
                target_on=action["target_on"],
                raised_on=action["raised_on"],
                sequence=action["sequence"],
            )
        # Through the real life cycle, so the minutes have their revision and, once
        # published, their stored PDF. OPSG_53 is approved later, at OPSG_55.
        meeting.circulate(by=self.secretary)
        if data["minutes_status"] == Meeting.Status.PUBLISHED:
            meeting.approve(by=self.secretary, note=data["approval_note"])
            meeting.publish(by=self.secretary)
        self.say(f"Created meeting {meeting} with {len(data['actions'])} action(s).")

    def load_opsg_55(self):
        if self.existing_meeting(OPSG_55["number"]) is not None:
            return
        meeting = Meeting.objects.create(committee=self.committee, **OPSG_55)
        for status, rows in (
            (Attendance.Status.PRESENT, OPSG_55_PRESENT),
            (Attendance.Status.APOLOGIES, OPSG_55_APOLOGIES),
        ):
            for category, names in rows:
                for position, entry in enumerate(names, start=1):
                    name, role_note = (entry, "") if isinstance(entry, str) else entry
                    Attendance.objects.create(
                        meeting=meeting,
                        person=self.people[name],
                        seat_category=self.categories[category],
                        status=status,
                        role_note=role_note,
                        position=position,
                    )
        items = {}
        for position, data in enumerate(OPSG_55_ITEMS, start=1):
            item = self.create_item(meeting, data, position)
            items[str(position)] = item
            for child_position, child in enumerate(data.children, start=1):
                items[f"{position}.{child_position}"] = self.create_item(meeting, child, child_position, item)
        for action in OPSG_55_ACTIONS:
            Action.objects.raise_action(
                meeting=meeting,
                item=items[action["item"]],
                text=action["text"],
                owners=[self.organisations[name] for name in action["owners"]],
                target_on=meeting.next_reporting_meeting_on,
            )
        for number, sequence, text, status in OPSG_55_ACTION_UPDATES:
            action = Action.objects.filter(
                committee=self.committee, meeting__number=number, sequence=sequence
            ).first()
            if action is None:
                self.say(
                    f"Action {self.committee.action_reference_for(number, sequence)} not found: no update recorded."
                )
                continue
            action.record_meeting_update(meeting=meeting, text=text, status=status)
        self.say(
            f"Created meeting {meeting}: {meeting.attendances.count()} attendance rows, "
            f"{meeting.items.count()} items, {len(OPSG_55_ACTIONS)} new actions, "
            f"{len(OPSG_55_ACTION_UPDATES)} action updates."
        )

    def create_item(self, meeting, data, position, parent=None):
        item = AgendaItem.objects.create(
            meeting=meeting,
            parent=parent,
            position=position,
            kind=data.kind,
            title=data.title,
            minutes_text=minutes_html(data.text),
            is_deferred=data.is_deferred,
            deferred_note=data.deferred_note,
        )
        for decision_position, decision in enumerate(data.decisions, start=1):
            approves = None
            if decision.approves_minutes_of is not None:
                approves = Meeting.objects.get(committee=self.committee, number=decision.approves_minutes_of)
            recorded = Decision.objects.create(
                item=item,
                verb=decision.verb,
                text=decision.text,
                position=decision_position,
                approves_minutes_of=approves,
            )
            if approves is not None:
                minutes_approve_by_decision(decision=recorded, by=self.secretary)
        for footnote_position, footnote in enumerate(data.footnotes, start=1):
            Footnote.objects.create(
                item=item, anchor_text=footnote.anchor_text, text=footnote.text, position=footnote_position
            )
        return item

    def load_users(self):
        group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=["minutes", "actions"]))
        User = get_user_model()
        usernames = []
        for username, person_name, role, is_staff, committees in DEMO_USERS:
            first_name, _, last_name = person_name.partition(" ")
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@example.com",
                    "is_staff": is_staff,
                },
            )
            if created:
                user.set_password(self.password)
                user.save(update_fields=["password"])
            if is_staff:
                user.groups.add(group)
            person = self.people.get(person_name) or self.person(person_name, None)
            if person.user_id != user.pk:
                person.user = user
                person.save(update_fields=["user"])
            if "OPSG" in committees:
                Membership.objects.update_or_create(
                    committee=self.committee, user=user, defaults={"role": role}
                )
            self.say(
                f"{'Created' if created else 'Kept'} user {username} ({role.label if role else 'staff'}, {person_name})."
            )
            usernames.append(username)
        return usernames


def load_demo(password=None, stdout=None, today=None):
    """Create the OPSG committee, its meetings OPSG_43, OPSG_53 and OPSG_55, the Settlement
    Assurance Board (opsg.demo_board) with its meetings around `today` (default: today), and
    demo users.

    Safe to run again: nothing that exists is changed (a user's password is set
    only when the user is created). Returns the demo usernames, in DEMO_USERS
    order. Progress lines go to `stdout` if given.
    """
    with transaction.atomic():
        return _Loader(password or DEFAULT_PASSWORD, stdout, today or timezone.localdate()).run()
