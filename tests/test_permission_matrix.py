"""The permission matrix: for every URL of the app and every role, the exact answer.

The URL resolver is walked, so a URL added without an entry in MATRIX fails
`test_every_url_of_the_app_has_an_entry_in_the_matrix`, and an entry left for a
URL that is gone fails `test_every_entry_of_the_matrix_is_a_url_of_the_app`.
Each (URL, method, role) is a test of its own, so a failure names all three.

The expectations come from the access rules, not from the server:
- `get_meeting_for` (minutes/access.py): anonymous users go to the login page,
  outsiders get 404, readers get 404 for minutes that are not published;
  `edit=True` (drafting) is for the committee's secretaries and staff, and only
  while the minutes are a draft, else 403.
- Life-cycle posts (minutes/views/lifecycle.py): circulate, reopen, publish and
  amend need the secretary role, sign-off the chair role; staff may do all.
- Review (minutes/views/review.py, minutes/services_review.py): the committee's
  members and staff read and comment, readers of published minutes get 403;
  the chair and members give verdicts; the summary is for the secretary, the
  chair and staff; a comment is resolved by its author, the secretary or staff.
- Revisions (minutes/views/redline.py, `get_meeting_for_revisions`): the
  committee's members and staff; readers get 404 for minutes not yet published
  (they may not see the meeting) and 403 for published ones.
- History (minutes/views/history.py, actions/views/history.py,
  `get_meeting_for_revisions`): as revisions.

The world is built once for the module: the demo (`load_demo`), a staff user and
an outsider (no memberships), a secretary who is not staff, and OPSG_56,
circulated twice, with review comments.
Every test runs in a savepoint that is rolled back, so a post that changes
something (deleting an item, say) leaves the same world for the next role.
Posts by allowed roles are still chosen to change nothing where the view allows
it: an empty form (422), an unknown move (302 with a message), a transition from
the wrong state (302 back to the meeting with a message).

The demo's secretary is made staff here (`is_staff=True`, as secretariat staff often are), so
the secretary may, for example, sign off minutes as staff may. A secretary who is not staff
("secretary_only") is added, so that the secretary's role is tested on its own.
"""

import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import clear_url_caches, get_resolver, path, reverse

from actions.models import Action, ActionImport
from minutes.docx import meeting_docx
from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    ItemKind,
    Job,
    Meeting,
    Membership,
    MinutesImport,
)
from minutes.pdf import meeting_pdf
from minutes.services.meetings import meeting_create
from minutes.services.review import comment_add, comment_resolve
from tests.rolled_back import built_for_module
from tests.url_walk import url_patterns

pytestmark = pytest.mark.django_db

# The world's secretary is also staff (secretariat staff, `is_staff=True`), so a
# secretary who is not staff is a role of its own: "secretary_only".
ROLES = (
    "anonymous",
    "outsider",
    "reader",
    "member",
    "owner",
    "chair",
    "secretary",
    "secretary_only",
    "staff",
)
COMMITTEE_ROLES = ("member", "owner", "chair", "secretary")

LOGIN = "login"  # a redirect (302) to the login page
INVALID = 422  # the form comes back with its errors; nothing was saved
# Any other 302 is a redirect somewhere else than the login page.

# Patterns with no entry on purpose, and why.
EXCLUDED = {
    "admin": "the admin site (its own namespace): Django's staff-only permission system",
    "two_factor": "two-factor authentication (its own namespace): each user's own settings (tests/test_two_factor.py)",
    "favicon.ico": "a permanent redirect to a static file, the same for everyone",
    "login": "the login page (two-factor's login wizard): the page everybody is sent to",
    "logout": "Django's auth view",
    "password_change": "Django's auth view",
    "password_change_done": "Django's auth view",
    "password_reset": "Django's auth view",
    "password_reset_done": "Django's auth view",
    "password_reset_confirm": "Django's auth view",
    "password_reset_complete": "Django's auth view",
}
EXCLUDED_NAMESPACES = {"admin", "two_factor"}


# ---- Who gets what: the role → answer maps ------------------------------------------


def answers(
    *, anonymous=LOGIN, outsider=404, reader=404, member, owner, chair, secretary, secretary_only=None, staff
):
    """The answer per role; a secretary who is not staff gets what the (staff) secretary gets unless told."""
    return {
        "anonymous": anonymous,
        "outsider": outsider,
        "reader": reader,
        "member": member,
        "owner": owner,
        "chair": chair,
        "secretary": secretary,
        "secretary_only": secretary if secretary_only is None else secretary_only,
        "staff": staff,
    }


def everyone(ok, *, anonymous=LOGIN):
    """No meeting to hide: every logged-in user gets `ok`."""
    return answers(
        anonymous=anonymous, outsider=ok, reader=ok, member=ok, owner=ok, chair=ok, secretary=ok, staff=ok
    )


def method_not_allowed():
    """The wrong method: 405 before anything else, even for anonymous users."""
    return everyone(405, anonymous=405)


def drafting(ok):
    """`get_meeting_for(edit=True)` on a draft: the secretary and staff get `ok`, members 403."""
    return answers(member=403, owner=403, chair=403, secretary=ok, staff=ok)


def frozen(*, reader=404):
    """`edit=True` on minutes that are not a draft: nobody drafts them (readers see published ones)."""
    return answers(reader=reader, member=403, owner=403, chair=403, secretary=403, staff=403)


def committee(ok, *, reader=404):
    """`get_meeting_for` (reading): the committee and staff; readers only published minutes."""
    return answers(reader=reader, member=ok, owner=ok, chair=ok, secretary=ok, staff=ok)


def roles(ok, allowed, *, reader=404, staff=True):
    """The meeting is visible; then only `allowed` roles (and staff unless staff=False) get `ok`, others 403.

    The demo's secretary passes as staff where staff may; a secretary who is not staff only by role.
    """
    by_role = {role: ok if role in allowed else 403 for role in COMMITTEE_ROLES}
    return answers(
        reader=reader,
        **{**by_role, "secretary": ok if "secretary" in allowed or staff else 403},
        secretary_only=by_role["secretary"],
        staff=ok if staff else 403,
    )


def secretariat(ok):
    """Not about one meeting: the secretaries of some committee, and staff."""
    return answers(outsider=403, reader=403, member=403, owner=403, chair=403, secretary=ok, staff=ok)


# ---- Cases: a URL with its arguments, one method, the answers ---------------------------


@dataclass(frozen=True)
class At:
    """URL arguments: the meeting reference, plus ids named after objects of the world (ints kept)."""

    reference: str | None = None
    ids: dict = field(default_factory=dict)

    def kwargs(self, world):
        kwargs = {} if self.reference is None else {"reference": self.reference}
        for name, value in self.ids.items():
            kwargs[name] = world.ids[value] if isinstance(value, str) else value
        return kwargs

    def __str__(self):
        return self.reference or "-"


def at(reference=None, **ids):
    return At(reference, ids)


@dataclass(frozen=True)
class Case:
    method: str
    where: At
    expected: dict
    data: dict = field(default_factory=dict)


def get(where, expected):
    return Case("GET", where, expected)


def post(where, expected, data=None):
    return Case("POST", where, expected, data or {})


def page(where, expected):
    """A read-only page: GET answers `expected`, POST is 405."""
    return [get(where, expected), post(where, method_not_allowed())]


def post_only(where, expected, data=None):
    """A change: GET is 405, POST (with `data`) answers `expected`."""
    return [get(where, method_not_allowed()), post(where, expected, data)]


def form(where, *, shown, posted, data=None):
    """GET shows a form, POST (with `data`) submits it."""
    return [get(where, shown), post(where, posted, data)]


# Meetings of the world: OPSG_55 a draft, OPSG_56 circulated (revisions 1 and 2, comments),
# OPSG_53 approved, OPSG_43 published (revision 1, published version 1).
DRAFT, CIRCULATED, APPROVED, PUBLISHED = "OPSG_55", "OPSG_56", "OPSG_53", "OPSG_43"

MATRIX = {
    # A RedirectView to the meeting list, for any method.
    "home": [get(at(), everyone(302, anonymous=302)), post(at(), everyone(302, anonymous=302))],
    # ---- Meetings (minutes/views/meetings.py)
    "minutes:meeting-list": page(at(), everyone(200)),
    "minutes:meeting-detail": [
        *page(at(DRAFT), committee(200)),
        get(at(PUBLISHED), committee(200, reader=200)),
    ],
    "minutes:meeting-pdf": [
        *page(at(PUBLISHED), committee(200, reader=200)),  # the stored PDF
        get(at(DRAFT), committee(200)),
    ],
    # ---- Drafting (minutes/views/drafting.py): edit=True
    "minutes:meeting-create": form(at(), shown=secretariat(200), posted=secretariat(INVALID)),
    "minutes:meeting-draft": [
        *page(at(DRAFT), drafting(200)),
        get(at(CIRCULATED), frozen()),
        get(at(PUBLISHED), frozen(reader=403)),
    ],
    "minutes:meeting-details": form(at(DRAFT), shown=drafting(200), posted=drafting(INVALID)),
    "minutes:item-add": post_only(at(DRAFT), drafting(INVALID)),
    "minutes:item-reorder": post_only(at(DRAFT), drafting(302)),  # no order given: a message, no change
    "minutes:item-edit": form(at(DRAFT, item_id="item"), shown=drafting(200), posted=drafting(INVALID)),
    "minutes:item-text": post_only(at(DRAFT, item_id="item"), drafting(INVALID)),
    "minutes:item-move": post_only(at(DRAFT, item_id="item"), drafting(302)),  # no direction: a message
    "minutes:item-delete": form(at(DRAFT, item_id="item"), shown=drafting(200), posted=drafting(302)),
    # ---- Attendance (minutes/views/attendance.py): edit=True
    "minutes:attendance": page(at(DRAFT), drafting(302)),  # without htmx: back to the draft page
    "minutes:attendance-add": form(at(DRAFT), shown=drafting(200), posted=drafting(INVALID)),
    "minutes:attendance-edit": form(
        at(DRAFT, attendance_id="attendance"), shown=drafting(200), posted=drafting(INVALID)
    ),
    "minutes:attendance-remove": post_only(at(DRAFT, attendance_id="attendance"), drafting(302)),
    # ---- Decisions and footnotes (minutes/views/decisions.py): edit=True
    "minutes:decision-add": post_only(at(DRAFT, item_id="item"), drafting(INVALID)),
    "minutes:decision-edit": form(
        at(DRAFT, decision_id="decision"), shown=drafting(200), posted=drafting(INVALID)
    ),
    "minutes:decision-move": post_only(at(DRAFT, decision_id="decision"), drafting(302)),
    "minutes:decision-delete": post_only(at(DRAFT, decision_id="decision"), drafting(302)),
    "minutes:footnote-add": post_only(at(DRAFT, item_id="item"), drafting(INVALID)),
    "minutes:footnote-edit": form(
        at(DRAFT, footnote_id="footnote"), shown=drafting(200), posted=drafting(INVALID)
    ),
    "minutes:footnote-delete": post_only(at(DRAFT, footnote_id="footnote"), drafting(302)),
    # ---- Actions on the drafting page (actions/views.py): edit=True
    "actions:action-add": post_only(at(DRAFT, item_id="item"), drafting(INVALID)),
    "actions:action-edit": form(at(DRAFT, action_id="action"), shown=drafting(200), posted=drafting(INVALID)),
    "actions:action-delete": form(at(DRAFT, action_id="action"), shown=drafting(200), posted=drafting(302)),
    "actions:outstanding-update": post_only(
        at(DRAFT, item_id="outstanding_item", action_id="outstanding_action"), drafting(INVALID)
    ),
    # ---- The minutes as Word (minutes/views/word.py): as the PDF
    "minutes:meeting-docx": [
        *page(at(PUBLISHED), committee(200, reader=200)),
        get(at(DRAFT), committee(200)),
    ],
    # ---- Committee archive (minutes/views/archive.py): as its settings page, GET only
    "minutes:committee-archive": page(
        at(code="code"), answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200)
    ),
    # ---- Import actions (actions/views/imports.py): the committee's secretaries and staff; an
    # upload without a file comes back with its error (422); the preview of an upload posted
    # without a step shows it again
    "actions:import-upload": form(
        at(code="code"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    "actions:import-preview": form(
        at(code="code", pk="action_import"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
    ),
    # ---- Import minutes (minutes/views/word_import.py): as importing actions; the preview posted
    # without a step shows what the import would do again
    "minutes:minutes-import-upload": form(
        at(code="code"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    "minutes:minutes-import-preview": form(
        at(code="code", pk="minutes_import"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
    ),
    # ---- Background jobs (minutes/views/jobs.py): the one who started it (the secretary), the
    # committee's secretaries and staff; running again a job that has not failed goes back (302)
    "minutes:job": page(
        at(pk="job"),
        answers(outsider=403, reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
    ),
    "minutes:job-run-again": post_only(
        at(pk="job"),
        answers(outsider=403, reader=403, member=403, owner=403, chair=403, secretary=302, staff=302),
    ),
    # ---- Committee settings (minutes/views/committees.py): its secretaries and staff; an empty
    # form comes back with its errors (422), nothing saved
    "minutes:committee-settings": form(
        at(code="code"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    # ---- Standard agenda and seat categories (minutes/views/committees.py): as the settings;
    # a post without its rows comes back with the form's error (422), nothing saved
    "minutes:committee-agenda": form(
        at(code="code"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    "minutes:committee-seat-categories": form(
        at(code="code"),
        shown=answers(reader=403, member=403, owner=403, chair=403, secretary=200, staff=200),
        posted=answers(reader=403, member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    # ---- Life cycle (minutes/views/lifecycle.py): each from a state that refuses it, so
    # the allowed roles are sent back to the meeting (302) and nothing changes.
    "minutes:meeting-circulate": post_only(at(CIRCULATED), roles(302, {"secretary"})),
    "minutes:meeting-reopen": post_only(at(APPROVED), roles(302, {"secretary"})),
    "minutes:meeting-sign-off": post_only(at(PUBLISHED), roles(302, {"chair"}, reader=403)),
    "minutes:meeting-publish": post_only(at(DRAFT), roles(302, {"secretary"})),
    "minutes:meeting-amend": post_only(at(PUBLISHED), roles(302, {"secretary"}, reader=403)),  # no reason
    "minutes:meeting-published-pdf": page(at(PUBLISHED, version=1), committee(200, reader=200)),
    # ---- Review (minutes/views/review.py)
    "minutes:review": [
        *page(at(CIRCULATED), committee(200)),
        get(at(PUBLISHED), committee(200, reader=403)),
    ],
    "minutes:review-summary": page(at(CIRCULATED), roles(200, {"secretary", "chair"})),
    "minutes:review-comment-add": post_only(at(CIRCULATED), committee(INVALID)),
    # Resolving a resolved comment, reopening an open one: allowed, and no change.
    "minutes:review-comment-resolve": post_only(
        at(CIRCULATED, comment_id="resolved_comment"), roles(302, {"member", "secretary"})
    ),
    "minutes:review-comment-reopen": post_only(
        at(CIRCULATED, comment_id="open_comment"), roles(302, {"member", "secretary"})
    ),
    "minutes:review-verdict": post_only(at(CIRCULATED), roles(INVALID, {"member", "chair"}, staff=False)),
    # ---- Revisions (minutes/views/redline.py)
    "minutes:revision-list": [
        *page(at(CIRCULATED), committee(200)),
        # Readers see published minutes, never their drafts: 403 once the meeting is visible to them.
        get(at(PUBLISHED), committee(200, reader=403)),
    ],
    "minutes:revision-detail": page(at(CIRCULATED, number=2), committee(200)),
    "minutes:revision-redline": page(at(CIRCULATED, a=1, b=2), committee(200)),
    "minutes:revision-redline-pdf": page(at(CIRCULATED, a=1, b=2), committee(200)),
    # ---- History (minutes/views/history.py, actions/views/history.py)
    "minutes:meeting-history": [
        *page(at(DRAFT), committee(200)),
        # The history shows draft wording: like revisions, not for readers.
        get(at(PUBLISHED), committee(200, reader=403)),
    ],
    "actions:action-history": [
        *page(at(DRAFT, action_id="action"), committee(200)),
        # It shows updates given at meetings whose minutes are still drafts: not for readers either.
        get(at(PUBLISHED, action_id="published_action"), committee(200, reader=403)),
    ],
    # ---- Action log (actions/views/log.py): Action.objects.visible_to; outsiders get an empty log
    "actions:action-log": page(at(), everyone(200)),
    "actions:action-log-chart": page(at(), everyone(200)),  # an outsider gets "no open actions"
    "actions:action-log-csv": page(at(), everyone(200)),  # an outsider gets the header row only
    "actions:action-log-xlsx": page(at(), everyone(200)),
    # ---- Action page and owners' self-service (actions/views/action_page.py, actions/views/owners.py)
    # Actions raised in draft minutes are drafts too: readers get 404, as for the meeting; an
    # action raised in published minutes they see.
    "actions:action-detail": [
        *page(at(code="code", slug="slug"), committee(200)),
        get(at(code="code", slug="published_slug"), committee(200, reader=200)),
    ],
    # The address an action page had before it named the committee: a redirect for those who may see it.
    "actions:action-old-address": [
        *page(at(old_slug="old_slug"), committee(301)),
        get(at(old_slug="published_old_slug"), committee(301, reader=301)),
    ],
    "actions:my-actions": page(at(), everyone(200)),
    "actions:proposals": page(at(), secretariat(200)),
    # Empty forms: 422 for those who may act. Updates: owners, the secretary and staff.
    "actions:action-post-update": post_only(
        at(code="code", slug="slug"),
        answers(member=403, owner=INVALID, chair=403, secretary=INVALID, staff=INVALID),
    ),
    # Proposals: the action's owners only (the demo's secretary is SECAS; 55/01 is the DCC's).
    "actions:action-propose-closure": post_only(
        at(code="code", slug="slug"), answers(member=403, owner=INVALID, chair=403, secretary=403, staff=403)
    ),
    "actions:action-ask-target-date": post_only(
        at(code="code", slug="slug"), answers(member=403, owner=INVALID, chair=403, secretary=403, staff=403)
    ),
    # Reopening a closed action: the committee's secretaries and staff; no reason given -> 422.
    "actions:action-reopen": post_only(
        at(code="code", slug="slug"),
        answers(member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    # Deciding: the committee's secretaries and staff; no decision given -> 422, nothing changed.
    "actions:proposal-decide": post_only(
        at(code="code", slug="slug", proposal_id="proposal"),
        answers(member=403, owner=403, chair=403, secretary=INVALID, staff=INVALID),
    ),
    # ---- Owner links and calendar (actions/views/links.py): the token is the credential, no login
    "actions:owner-link": [
        get(at(slug="action_slug", token="owner_token"), everyone(200, anonymous=200)),
        post(at(slug="action_slug", token="owner_token"), everyone(INVALID, anonymous=INVALID)),  # empty form
        get(at(slug="action_slug", token="bad_token"), everyone(403, anonymous=403)),
        post(at(slug="action_slug", token="bad_token"), everyone(403, anonymous=403)),
    ],
    "actions:calendar": [
        *page(at(token="feed_token"), everyone(200, anonymous=200)),  # POST 405 for all
        get(at(token="bad_token"), everyone(404, anonymous=404)),
    ],
    # POST renews the feed token (a change, rolled back per test): 302 back to the page.
    "actions:calendar-settings": form(at(), shown=everyone(200), posted=everyone(302)),
}


# ---- Walking the URL resolver --------------------------------------------------------


def app_url_names():
    """Every URL pattern as namespace:name (an unnamed one by its route), admin left out."""
    return {label for label, *_ in url_patterns(excluded_namespaces=EXCLUDED_NAMESPACES)}


def without_entry(matrix):
    return sorted(app_url_names() - matrix.keys() - EXCLUDED.keys())


def without_url(matrix):
    return sorted(matrix.keys() - app_url_names())


def test_every_url_of_the_app_has_an_entry_in_the_matrix():
    missing = without_entry(MATRIX)
    assert not missing, f"URLs without an entry in the permission matrix: {', '.join(missing)}"


def test_every_entry_of_the_matrix_is_a_url_of_the_app():
    stale = without_url(MATRIX)
    assert not stale, f"The permission matrix names URLs that no longer exist: {', '.join(stale)}"


def test_every_exclusion_is_a_url_of_the_app():
    present = app_url_names() | (EXCLUDED_NAMESPACES & get_resolver().namespace_dict.keys())
    assert sorted(EXCLUDED.keys() - present) == []


def test_every_case_says_what_every_role_gets():
    for name, cases in MATRIX.items():
        for case in cases:
            assert tuple(case.expected) == ROLES, name
            assert case.method in ("GET", "POST"), name


@pytest.fixture
def extra_url(monkeypatch):
    """A URL added to the project's URLconf for one test (urls.py is not touched)."""
    import opsg.urls

    def add(route, name=None):
        pattern = path(route, lambda request: None, name=name)
        monkeypatch.setattr(opsg.urls, "urlpatterns", [*opsg.urls.urlpatterns, pattern])
        clear_url_caches()

    yield add
    monkeypatch.undo()
    clear_url_caches()


def test_a_new_url_without_an_entry_is_named(extra_url):
    before = set(without_entry(MATRIX))
    extra_url("meetings/<str:reference>/secret/", name="secret")
    extra_url("unnamed/")
    assert set(without_entry(MATRIX)) - before == {"secret", "unnamed/"}


def test_an_entry_for_a_url_that_is_gone_is_named():
    assert without_url({**MATRIX, "minutes:meeting-gone": []}) == ["minutes:meeting-gone"]


# ---- The world ------------------------------------------------------------------------


@dataclass
class World:
    """The users by role, and the ids of the objects the URLs name."""

    users: dict
    ids: dict


def _build_world():
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(username__in=COMMITTEE_ROLES + ("reader",))}
    users["staff"] = User.objects.create_user("staff", "staff@example.com", is_staff=True)
    users["outsider"] = User.objects.create_user("outsider", "outsider@example.com")
    assert not Membership.objects.filter(user__in=[users["staff"], users["outsider"]]).exists()
    secretary = users["secretary"]
    secretary.is_staff = True
    secretary.save(update_fields=["is_staff"])
    users["secretary_only"] = User.objects.create_user("secretary_only", "secretary.only@example.com")
    Membership.objects.create(
        committee=secretary.memberships.get(committee__code="OPSG").committee,
        user=users["secretary_only"],
        role="secretary",
    )

    draft = Meeting.objects.get_by_reference(DRAFT)
    decision = Decision.objects.filter(item__meeting=draft, item__kind=ItemKind.ITEM).first()
    footnote = Footnote.objects.filter(item__meeting=draft).first()
    outstanding_item = AgendaItem.objects.get(meeting=draft, kind=ItemKind.ACTIONS_OUTSTANDING)

    circulated = meeting_create(
        committee=draft.committee,
        number=56,
        kind=Meeting.Kind.MAIN,
        held_on=datetime.date(2021, 9, 7),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
    )
    reports = circulated.items.get(title="SEC Panel Reports")
    circulated.circulate(by=secretary)
    circulated.reopen(by=secretary)
    reports.minutes_text = "<p>The Chair presented the SEC Panel report.</p>"
    reports.save()
    revision = circulated.circulate(by=secretary)
    key = f"item-{reports.pk}"
    open_comment = comment_add(revision=revision, item_key=key, author=users["member"], text="Which report?")
    resolved = comment_add(revision=revision, item_key=key, author=users["member"], text="Date is wrong.")
    comment_resolve(comment=resolved, by=users["member"])

    # The draft's PDF rendered once, so that each request for it is served from the stored copy.
    meeting_pdf(draft)

    from actions.calendar import calendar_feed_renew
    from actions.links import owner_link_token
    from minutes.models import Organisation

    action = Action.objects.get(reference="OPSG 55/01")
    proposal = action.ask_target_date(
        by=users["owner"],
        note="Later.",
        target_on=datetime.date.today() + datetime.timedelta(days=60),
    )

    ids = {
        "item": decision.item_id,
        "outstanding_item": outstanding_item.pk,
        "outstanding_action": Action.objects.outstanding_at(draft).order_by("reference").first().pk,
        "action": Action.objects.get(reference="OPSG 55/01").pk,
        "published_action": Action.objects.get(reference="OPSG 43/08").pk,
        "attendance": Attendance.objects.filter(meeting=draft).first().pk,
        "decision": decision.pk,
        "footnote": footnote.pk,
        "open_comment": open_comment.pk,
        "resolved_comment": resolved.pk,
        "code": "OPSG",
        "slug": "OPSG-55-01",
        "old_slug": "OPSG-55-01",
        "published_old_slug": "OPSG-43-08",
        "published_slug": Action.objects.get(reference="OPSG 43/08").slug,
        "action_slug": "OPSG-55-01",
        "proposal": proposal.pk,
        "owner_token": owner_link_token(
            action, Organisation.objects.get(name="DCC"), email="dcc@example.com"
        ),
        "bad_token": "not-a-token",
        "feed_token": calendar_feed_renew(user=users["owner"]),
        "action_import": ActionImport.objects.create(
            committee=draft.committee,
            filename="log.csv",
            content=b"Reference,Action,Date raised\r\nOPSG 30/01,Report.,01/02/2021\r\n",
        ).pk,
        "job": Job.objects.create(
            title="Import log.csv into OPSG",
            committee=draft.committee,
            created_by=users["secretary"],
            task_path="actions.tasks.import_action_log",
            status=Job.Status.DONE,
        ).pk,
        "minutes_import": MinutesImport.objects.create(
            committee=draft.committee, filename="OPSG_55.docx", content=meeting_docx(draft)
        ).pk,
    }
    return World(users=users, ids=ids)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once in a transaction that is rolled back after the module.

    Each test's own transaction (pytest-django) is a savepoint inside it, rolled
    back after the test.
    """
    yield from built_for_module(django_db_blocker, _build_world_quickly)


def _build_world_quickly():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return _build_world()


def test_the_world_is_as_the_matrix_assumes(world):
    status = dict(
        Meeting.objects.filter(committee__code="OPSG", number__in=[43, 53, 55, 56]).values_list(
            "number", "minutes_status"
        )
    )
    assert status == {43: "published", 53: "approved", 55: "draft", 56: "circulated"}
    circulated = Meeting.objects.get_by_reference(CIRCULATED)
    assert list(circulated.revisions.values_list("number", flat=True)) == [1, 2]
    published = Meeting.objects.get_by_reference(PUBLISHED)
    assert list(published.published_versions.values_list("version", flat=True)) == [1]
    assert list(published.revisions.values_list("number", flat=True)) == [1]
    assert world.users["secretary"].is_staff  # made secretariat staff for the matrix
    assert not world.users["secretary_only"].is_staff


# ---- The matrix ----------------------------------------------------------------------


def _params():
    for name, cases in MATRIX.items():
        for case in cases:
            for role in ROLES:
                yield pytest.param(name, case, role, id=f"{name} {case.method} {case.where} {role}")


@pytest.mark.parametrize(("name", "case", "role"), list(_params()))
def test_each_role_gets_exactly_the_answer_the_rules_give(client, world, name, case, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    url = reverse(name, kwargs=case.where.kwargs(world))
    response = client.get(url) if case.method == "GET" else client.post(url, case.data)
    expected = case.expected[role]
    login_url = reverse("login")
    location = response.get("Location", "")
    said = f"{case.method} {url} as {role}: {response.status_code} {location}".rstrip()
    if expected == LOGIN:
        assert response.status_code == 302 and location.startswith(login_url), said
    else:
        assert response.status_code == expected, said
        if expected == 302:
            assert not location.startswith(login_url), said
