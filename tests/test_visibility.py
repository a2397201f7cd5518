"""Who sees which action, on every surface: log, search, filters, counts, chart, exports, feed,
My actions, the action page.

The rule (DESIGN: "Who may see what is one visible_to(user) per QuerySet, used by every page,
export, feed, search"): a user who may not see a meeting's drafts (a reader) does not see the
actions raised in that meeting until its minutes are published, nor the updates given at a
meeting whose minutes are not published; the action page answers 404 for them as for anything
else they may not see, and counts and charts leave them out. Members, owners, chairs and
secretaries see every action of their committees, drafts included; staff those of every
committee; outsiders nothing; anonymous users are sent to log in.

The expectations are computed in Python from the world and the role each user holds (MEMBERSHIPS),
never read back from the server nor from `visible_to` itself.

The world is built once for the module (tests/rolled_back.py), through the methods the views
call, and every test runs in a savepoint rolled back after it:

    OPSG_10   published  OPSG 10/01 zebra  Acme, Rita Reader   overdue; updates: "walrus" between
                                                               meetings, "quokka" at OPSG_11 (a draft)
                         OPSG 10/02 zebra  Rita Reader         due within 14 days
                         OPSG 10/03 zebra  Acme                proposed closed
                         OPSG 10/04 zebra  Acme                closed
    OPSG_11   draft      OPSG 11/01 yak    Acme, Rita Reader, Max Mixed   overdue
                         OPSG 11/02 yak    Rita Reader         due within 14 days
    TABASC_20 published  TABASC 20/01 zebra  Acme, Max Mixed   overdue; updates: "walrus" between
                                                               meetings, "quokka" at TABASC_21 (a draft)
                         TABASC 20/02 zebra  Bram Bell         due within 14 days
                         TABASC 20/03 zebra  Bram Bell         closed
    TABASC_21 draft      TABASC 21/01 yak    Bram Bell, Max Mixed, Acme   overdue
                         TABASC 21/02 yak    Bram Bell         due within 14 days

Users: one per role on OPSG (the reader is Rita Reader, who owns actions raised in the draft too,
so that her My actions and feed would list them if the rule were broken; the owner is a person of
Acme), a secretary who is not staff, staff with no membership (a person of Acme), an outsider, and
"reader_and_member": a reader of TABASC and a member of OPSG (Max Mixed).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

import icalendar
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.calendar import calendar_feed_renew
from actions.models import Action, ActionUpdate
from tests.factories import (
    make_committee,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
    publish,
    raise_action,
)
from tests.rolled_back import built_for_module

pytestmark = pytest.mark.django_db

LOG = reverse("actions:action-log")
CHART = reverse("actions:action-log-chart")
CSV = reverse("actions:action-log-csv")
XLSX = reverse("actions:action-log-xlsx")
MINE = reverse("actions:my-actions")
DAY = datetime.timedelta(days=1)

# Each user's roles, by committee code. Every role but reader sees the committee's drafts.
MEMBERSHIPS = {
    "outsider": {},
    "reader": {"OPSG": "reader"},
    "member": {"OPSG": "member"},
    "owner": {"OPSG": "owner"},
    "chair": {"OPSG": "chair"},
    "secretary": {"OPSG": "secretary"},
    "staff": {},
    "reader_and_member": {"OPSG": "member", "TABASC": "reader"},
}
STAFF = {"staff"}
ROLES = tuple(MEMBERSHIPS)
# The person each user is, if any, and their organisation.
PEOPLE = {
    "reader": ("Rita Reader", None),
    "owner": ("Olive Owner", "Acme"),
    "staff": ("Stan Staff", "Acme"),
    "reader_and_member": ("Max Mixed", None),
}
# Words found in one kind of text only: published actions' text, draft actions' text, the update
# given at a draft meeting, the update given between meetings.
WORDS = ("zebra", "yak", "quokka", "walrus")


# ---- The world -----------------------------------------------------------------------------


@dataclass
class Row:
    """One action as the rules read it."""

    reference: str
    slug: str
    committee: str
    published: bool  # raised at a meeting whose minutes are published
    status: str
    due_on: datetime.date | None
    text: str
    organisations: frozenset
    people: frozenset
    updates: list = field(default_factory=list)  # Update, oldest first

    @property
    def is_open(self):
        return self.status != Action.Status.CLOSED

    @property
    def owners(self):
        return self.organisations | self.people


@dataclass
class Update:
    pk: int
    given_on: datetime.date
    text: str
    at_unpublished_meeting: bool  # given at a meeting whose minutes are not published


@dataclass
class World:
    users: dict
    rows: dict  # reference -> Row
    today: datetime.date
    meetings: dict


def _build():
    today = timezone.localdate()
    opsg, tabasc = make_committee("OPSG", "Operations Group"), make_committee("TABASC", "Tech Architecture")
    committees = {"OPSG": opsg, "TABASC": tabasc}
    acme = make_organisation("Acme")
    users = {}
    for role, memberships in MEMBERSHIPS.items():
        users[role] = make_user(role, is_staff=role in STAFF)
        for code, committee_role in memberships.items():
            users[role].memberships.create(committee=committees[code], role=committee_role)
    people = {
        name: make_person(name, organisation=acme if organisation else None, user=users[role])
        for role, (name, organisation) in PEOPLE.items()
    }
    bram = make_person("Bram Bell")
    secretary, owner, staff = users["secretary"], users["owner"], users["staff"]

    meetings = {
        "opsg_published": make_meeting(opsg, 10, held_on=today - 60 * DAY),
        "opsg_draft": make_meeting(opsg, 11, held_on=today - 10 * DAY),
        "tabasc_published": make_meeting(tabasc, 20, held_on=today - 50 * DAY),
        "tabasc_draft": make_meeting(tabasc, 21, held_on=today - 8 * DAY),
    }

    def action(meeting, text, owners, days):
        return raise_action(meetings[meeting], text, owners=owners, target_on=today + days * DAY)

    rita, max_mixed = people["Rita Reader"], people["Max Mixed"]
    # OPSG_10, to be published.
    opsg_zebra = action("opsg_published", "Acme to count the zebra crossings.", [acme, rita], -5)
    action("opsg_published", "Rita to sketch the zebra enclosure.", [rita], 7)
    proposed = action("opsg_published", "Acme to paint the zebra gate.", [acme], 30)
    proposed.propose_closure(by=owner, note="The gate is painted.")
    closed = action("opsg_published", "Acme to feed the zebra.", [acme], -15)
    closed.close(on=today - 20 * DAY, by=secretary, text="Fed and done.")
    # OPSG_11, a draft.
    action("opsg_draft", "Acme and Rita to shear the yak.", [acme, rita, max_mixed], -3)
    action("opsg_draft", "Rita to brush the yak.", [rita], 10)
    # TABASC_20, to be published.
    tabasc_zebra = action("tabasc_published", "Acme to photograph the zebra herd.", [acme, max_mixed], -4)
    action("tabasc_published", "Bram to measure the zebra.", [bram], 5)
    tabasc_closed = action("tabasc_published", "Bram to weigh the zebra.", [bram], -12)
    tabasc_closed.close(on=today - 18 * DAY, by=staff, text="Weighed.")
    # TABASC_21, a draft.
    action("tabasc_draft", "Bram, Max and Acme to feed the yak.", [bram, max_mixed, acme], -2)
    action("tabasc_draft", "Bram to comb the yak.", [bram], 9)

    # Updates between meetings, and at the draft meetings (Actions Outstanding, while they are drafts).
    opsg_zebra.record_update(text="A walrus survey began.", given_on=today - 30 * DAY, by=owner)
    opsg_zebra.record_meeting_update(
        meeting=meetings["opsg_draft"], text="The quokka census was agreed.", status="open", by=secretary
    )
    tabasc_zebra.record_update(text="A walrus was sighted.", given_on=today - 25 * DAY, by=staff)
    tabasc_zebra.record_meeting_update(
        meeting=meetings["tabasc_draft"], text="A quokka was spotted nearby.", status="open", by=staff
    )

    # Only these two are published (a PDF is rendered for each).
    publish(meetings["opsg_published"], secretary)
    publish(meetings["tabasc_published"], staff)
    for meeting in meetings.values():
        meeting.refresh_from_db()
    return World(users=users, rows=_rows(), today=today, meetings=meetings)


def _rows():
    """The actions as they now stand in the database: the state the rules are applied to."""
    rows = {}
    actions = Action.objects.select_related("committee", "meeting").prefetch_related(
        "owner_organisations", "owner_people", "target_dates"
    )
    for action in actions:
        rows[action.reference] = Row(
            reference=action.reference,
            slug=action.slug,
            committee=action.committee.code,
            published=action.meeting.is_published,
            status=action.status,
            due_on=action.current_target_on,
            text=action.text,
            organisations=frozenset(o.name for o in action.owner_organisations.all()),
            people=frozenset(p.name for p in action.owner_people.all()),
        )
    by_id = {action.pk: action.reference for action in actions}
    for update in ActionUpdate.objects.select_related("meeting").order_by("given_on", "id"):
        rows[by_id[update.action_id]].updates.append(
            Update(
                pk=update.pk,
                given_on=update.given_on,
                text=update.text,
                at_unpublished_meeting=update.meeting is not None and not update.meeting.is_published,
            )
        )
    return rows


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from built_for_module(django_db_blocker, _build_quickly)


def _build_quickly():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return _build()


# ---- The rule, in Python ------------------------------------------------------------------


def sees_drafts(role, committee):
    return role in STAFF or MEMBERSHIPS[role].get(committee) not in (None, "reader")


def reads_published(role, committee):
    return MEMBERSHIPS[role].get(committee) == "reader"


def sees_action(role, row):
    return sees_drafts(role, row.committee) or (reads_published(role, row.committee) and row.published)


def sees_update(role, row, update):
    if not sees_action(role, row):
        return False
    return sees_drafts(role, row.committee) or not update.at_unpublished_meeting


def visible(world, role):
    """The rows `role` may see, by reference."""
    return {ref: row for ref, row in world.rows.items() if sees_action(role, row)}


def visible_updates(role, row):
    return [update for update in row.updates if sees_update(role, row, update)]


def latest_update_text(role, row):
    """The latest update `role` may see (by date, then as recorded), or ""."""
    updates = visible_updates(role, row)
    return max(updates, key=lambda u: (u.given_on, u.pk)).text if updates else ""


def is_overdue(row, today):
    return row.is_open and row.due_on is not None and row.due_on < today


def is_due_within(row, days, today):
    return row.is_open and row.due_on is not None and today <= row.due_on <= today + days * DAY


def found_by(role, row, word):
    """The search finds an action through its reference, text, owners and the updates `role` may see."""
    texts = [row.reference, row.text, *row.owners, *(u.text for u in visible_updates(role, row))]
    return any(word.lower() in text.lower() for text in texts)


def owned_by(role, row):
    person = PEOPLE.get(role)
    if person is None:
        return False
    name, organisation = person
    return name in row.people or (organisation is not None and organisation in row.organisations)


def mine(world, role):
    """My actions (and the feed's target dates): open actions the user owns and may see."""
    return {ref for ref, row in visible(world, role).items() if row.is_open and owned_by(role, row)}


# ---- Requests -------------------------------------------------------------------------------


@pytest.fixture
def as_role(client, world):
    def log_in(role):
        client.force_login(world.users[role])
        return client

    return log_in


def log_rows(client, query=""):
    response = client.get(f"{LOG}?per_page=100&{query}")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.num_pages == 1
    return response, list(page.object_list)


def references(actions):
    return {action.reference for action in actions}


def read_csv(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def read_xlsx(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


# ---- The world is as the tests assume ---------------------------------------------------------


def test_the_world_is_as_the_tests_assume(world):
    status = {key: meeting.minutes_status for key, meeting in world.meetings.items()}
    assert status == {
        "opsg_published": "published",
        "opsg_draft": "draft",
        "tabasc_published": "published",
        "tabasc_draft": "draft",
    }
    rows = world.rows
    assert len(rows) == 11
    # Each word is where the docstring says, and nowhere else.
    zebra = {ref for ref, row in rows.items() if "zebra" in row.text}
    yak = {ref for ref, row in rows.items() if "yak" in row.text}
    assert zebra == {ref for ref, row in rows.items() if row.published}
    assert yak == {ref for ref, row in rows.items() if not row.published}
    quokka = [(ref, u) for ref, row in rows.items() for u in row.updates if "quokka" in u.text]
    walrus = [(ref, u) for ref, row in rows.items() for u in row.updates if "walrus" in u.text]
    assert sorted(ref for ref, _u in quokka) == ["OPSG 10/01", "TABASC 20/01"]
    assert all(u.at_unpublished_meeting for _ref, u in quokka)
    assert sorted(ref for ref, _u in walrus) == ["OPSG 10/01", "TABASC 20/01"]
    assert not any(u.at_unpublished_meeting for _ref, u in walrus)
    for ref in ("OPSG 10/01", "TABASC 20/01"):
        # The update given at the draft meeting is the latest: a reader would see it if it leaked.
        assert "quokka" in latest_update_text("staff", rows[ref])
        assert max(rows[ref].updates, key=lambda u: (u.given_on, u.pk)).at_unpublished_meeting
    for word in WORDS:
        assert not any(word in name.lower() for row in rows.values() for name in row.owners)
    statuses = [row.status for row in rows.values()]
    assert statuses.count("closed") == 2 and statuses.count("proposed_closed") == 1
    for committee in ("OPSG", "TABASC"):
        for published in (True, False):
            group = [r for r in rows.values() if r.committee == committee and r.published == published]
            assert any(is_overdue(r, world.today) for r in group), (committee, published)
            assert any(is_due_within(r, 14, world.today) for r in group), (committee, published)


def test_every_role_misses_something_or_sees_everything_for_a_reason(world):
    """The cases discriminate: a broken rule would change what these roles see."""
    everything = set(world.rows)
    assert set(visible(world, "staff")) == everything
    assert set(visible(world, "outsider")) == set()
    reader = set(visible(world, "reader"))
    assert reader and reader < set(visible(world, "member"))
    # The reader owns actions raised in the draft: My actions would list them if the rule broke.
    owned = {ref for ref, row in world.rows.items() if row.is_open and owned_by("reader", row)}
    assert mine(world, "reader") < owned
    owned = {ref for ref, row in world.rows.items() if row.is_open and owned_by("reader_and_member", row)}
    assert mine(world, "reader_and_member") < owned
    assert mine(world, "owner") and mine(world, "staff") > mine(world, "owner")


# ---- Anonymous users: the login page ---------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in_from_every_surface(client, world):
    urls = [LOG, f"{LOG}?q=zebra", CHART, CSV, XLSX, MINE]
    urls += [reverse("actions:action-detail", args=[row.committee, row.slug]) for row in world.rows.values()]
    login = reverse("login")
    for url in urls:
        response = client.get(url, headers={"HX-Request": "true"} if url == CHART else {})
        assert response.status_code == 302 and response["Location"].startswith(login), url
    # The feed needs no login: its token is the credential, and an unknown one is 404.
    assert client.get(reverse("actions:calendar", args=["not-a-token"])).status_code == 404


# ---- The log --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_log_lists_exactly_the_visible_actions(as_role, world, role):
    _response, rows = log_rows(as_role(role))
    expected = visible(world, role)
    assert references(rows) == set(expected)
    # The Latest Update column: never an update given at a meeting whose minutes are unpublished.
    assert {a.reference: a.latest_update_text or "" for a in rows} == {
        ref: latest_update_text(role, row) for ref, row in expected.items()
    }


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("role", ROLES)
def test_the_search_finds_only_visible_actions_through_visible_text(as_role, world, role, word):
    # Known gap (to be fixed in the app): the search document holds every update, so a reader's
    # search for "quokka" (only in an update given at an unpublished meeting) still finds the action.
    _response, rows = log_rows(as_role(role), f"q={word}")
    expected = {ref for ref, row in visible(world, role).items() if found_by(role, row, word)}
    assert references(rows) == expected, f"{role} searching {word!r}"


FILTERS = {
    "overdue=on": lambda row, today: is_overdue(row, today),
    "due_within=14": lambda row, today: is_due_within(row, 14, today),
    "status=outstanding": lambda row, today: row.is_open,
}


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("role", ROLES)
def test_the_filters_keep_to_the_visible_actions(as_role, world, role, query):
    _response, rows = log_rows(as_role(role), query)
    expected = {ref for ref, row in visible(world, role).items() if FILTERS[query](row, world.today)}
    assert references(rows) == expected
    assert expected or role == "outsider"  # a filter that matches nothing would prove nothing


@pytest.mark.parametrize("role", ROLES)
def test_the_counts_count_only_the_visible_actions(as_role, world, role):
    response, _rows = log_rows(as_role(role))
    rows = visible(world, role).values()
    statuses = [row.status for row in rows]
    assert response.context["counts"] == {
        "total": len(statuses),
        "open": statuses.count("open"),
        "proposed_closed": statuses.count("proposed_closed"),
        "closed": statuses.count("closed"),
        "overdue": sum(is_overdue(row, world.today) for row in rows),
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_chart_counts_only_the_visible_actions(as_role, world, role):
    response = as_role(role).get(CHART, headers={"HX-Request": "true"})
    assert response.status_code == 200
    expected = {}
    for row in visible(world, role).values():
        if row.is_open:
            for owner in row.owners:
                open_count, overdue = expected.get(owner, (0, 0))
                expected[owner] = (open_count + 1, overdue + is_overdue(row, world.today))
    figures = response.context["figures"]
    assert {f.owner: (f.open, f.overdue) for f in figures} == expected
    assert len(figures) == len(expected)


# ---- Exports --------------------------------------------------------------------------------


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_the_exports_hold_only_the_visible_actions_and_updates(as_role, world, role, export):
    read, url = {"csv": (read_csv, CSV), "xlsx": (read_xlsx, XLSX)}[export]
    rows = read(as_role(role).get(url))
    header, body = rows[0], rows[1:]
    ids, latest = header.index("Action ID"), header.index("Latest Update")
    expected = visible(world, role)
    assert {row[ids] for row in body} == set(expected)
    assert {row[ids]: row[latest] for row in body} == {
        ref: latest_update_text(role, row) for ref, row in expected.items()
    }
    assert len(body) == len(expected)


# ---- The owner's surfaces: the feed and My actions --------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_calendar_feed_has_only_visible_actions(client, world, role):
    token = calendar_feed_renew(user=world.users[role])
    response = client.get(reverse("actions:calendar", args=[token]))
    assert response.status_code == 200
    summaries = {
        str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    targets = {summary for summary in summaries if summary.endswith(" target date")}
    expected = mine(world, role)
    assert all(world.rows[ref].due_on is not None for ref in expected)
    assert targets == {f"{ref} target date" for ref in expected}


@pytest.mark.parametrize("role", ROLES)
def test_my_actions_lists_only_visible_actions_and_updates(as_role, world, role):
    response = as_role(role).get(MINE)
    assert response.status_code == 200
    actions = response.context["actions"]
    expected = mine(world, role)
    assert references(actions) == expected
    shown = {a.reference: a.latest_update.text if a.latest_update else "" for a in actions}
    assert shown == {ref: latest_update_text(role, world.rows[ref]) for ref in expected}


# ---- The action page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_each_action_page_is_404_unless_visible_and_shows_only_visible_updates(as_role, world, role):
    client = as_role(role)
    answers, leaks = {}, []
    for ref, row in world.rows.items():
        response = client.get(reverse("actions:action-detail", args=[row.committee, row.slug]))
        answers[ref] = response.status_code
        if response.status_code == 200:
            page = response.content.decode()
            texts = [u.text for u in visible_updates(role, row)]
            for word in ("quokka", "walrus"):
                if (word in page) != any(word in text for text in texts):
                    leaks.append((ref, word))
    assert answers == {ref: 200 if sees_action(role, row) else 404 for ref, row in world.rows.items()}
    assert leaks == []


def test_a_reader_does_not_see_the_update_given_at_a_draft_meeting_a_member_does(as_role, world):
    """The brief's example, said plainly: OPSG 10/01's page, for a reader and for a member."""
    url = reverse("actions:action-detail", args=["OPSG", world.rows["OPSG 10/01"].slug])
    reader = as_role("reader").get(url).content.decode()
    assert "walrus" in reader and "quokka" not in reader
    member = as_role("member").get(url).content.decode()
    assert "walrus" in member and "quokka" in member
