"""Hostile input through every form of the app (issue 7, point 7).

The corpus (tests/data/hostile_strings.txt, plus the empty, blank and
100,000-character strings of tests/hostile_support.py) holds script tags, event
handlers, javascript: URLs, SVG, CSS, SQL fragments, template syntax, control
characters (NUL above all: PostgreSQL refuses it in text), CRLF, spreadsheet
formulas, bidi and zero-width characters, emoji and lone surrogates: one or a few
of each kind. tests/data/hostile_markup.txt has more ways of writing markup; they
go into the minutes text (the sanitiser) and into the saved meeting below, and
Hypothesis samples both files for every form (tests/test_hypothesis_forms.py).

Every value goes through every form a person can post (FORMS, JUNK and
ACCOUNT_FORMS, checked against the URL resolver by
`test_every_post_url_has_hostile_input_coverage`, in the spirit of
tests/test_permission_matrix.py). Each post is either

- accepted: stored as the text sent, trimmed (plain fields, never unescaped or
  rewritten) or sanitised (the minutes text: only the allowed tags); or
- refused: 400/404/409/422, the message shown next to the field (or in the
  form's error summary), nothing changed in the database; a life-cycle post or a
  move is refused as the app refuses those: 302 back with the message on top;

never a 500, and nothing active in the answer (HTML parsed with html.parser, so
escaped text is fine). Each value is posted in a savepoint rolled back after it,
so that every value meets the same world. The corpus goes as plain form posts
(the minutes text as the editor's htmx autosave); a refused value with markup is
posted again the other way, so that both answer templates (a page, an htmx
partial) show it back; the fields that are not free text alternate between the two.
Bodies that are not form posts (JSON, bytes that are not UTF-8, broken multipart)
go to a few of the forms too.

`test_saved_hostile_values_are_inert_everywhere` then saves the whole corpus
into one draft, its actions and a review, and reads every page that shows it,
the PDF (pdftotext, and its raw bytes for JavaScript and actions), the
revisions and the redline (page and PDF), the action log with its CSV and XLSX
exports, the calendar feed and the history pages.

The world (tests/hostile_support.py) is built once for the module in a
transaction rolled back after it; each test runs in a savepoint of its own.
"""

import csv
import io
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from actions.exports import NOT_IN_XLSX
from actions.models import Action, ActionImport
from minutes.docx import meeting_docx
from minutes.forms import ItemTextForm
from minutes.forms.decisions import DecisionForm, FootnoteForm
from minutes.models import AgendaItem, Job, Meeting, MinutesImport
from minutes.sanitize import clean_minutes_html
from tests import hostile_fixtures
from tests.hostile_forms import FORMS, OTHER_VALUES, check_answer, corpus_for, run_form, slug, url
from tests.hostile_support import (
    CORE,
    CORE_VALUES,
    CORPUS,
    assert_inert_html,
    csv_problems,
    inspect_html,
    needle,
    pdf_problems,
    pdf_text,
    send,
    shows_error,
    squash,
    visible,
    visible_needle,
    wire,
    xlsx_cells,
    xlsx_problems,
)
from tests.url_walk import url_patterns

pytestmark = pytest.mark.django_db

# The world and its users, shared with the other hostile-input module (tests/hostile_fixtures.py).
world = hostile_fixtures.world
as_user = hostile_fixtures.as_user


# POST views that read nothing from the body (or only a button): hostile junk in real and
# made-up field names must never fail; each post is rolled back.
JUNK = {
    "home": ("anonymous", lambda w: url("home")),
    "favicon.ico": ("anonymous", lambda w: "/favicon.ico"),
    "logout": ("member", lambda w: reverse("logout")),
    "minutes:item-delete": ("secretary", lambda w: url("minutes:item-delete", w.draft.reference, w.item.pk)),
    "minutes:attendance-remove": (
        "secretary",
        lambda w: url("minutes:attendance-remove", w.draft.reference, w.attendance.pk),
    ),
    "minutes:decision-delete": (
        "secretary",
        lambda w: url("minutes:decision-delete", w.draft.reference, w.decision.pk),
    ),
    "minutes:footnote-delete": (
        "secretary",
        lambda w: url("minutes:footnote-delete", w.draft.reference, w.footnote.pk),
    ),
    "actions:action-delete": (
        "secretary",
        lambda w: url("actions:action-delete", w.draft.reference, w.action.pk),
    ),
    "minutes:meeting-publish": ("secretary", lambda w: url("minutes:meeting-publish", w.approved.reference)),
    "minutes:review-comment-resolve": (
        "member",
        lambda w: url("minutes:review-comment-resolve", w.circulated.reference, w.comment.pk),
    ),
    "minutes:review-comment-reopen": (
        "member",
        lambda w: url("minutes:review-comment-reopen", w.circulated.reference, w.comment.pk),
    ),
    "actions:calendar-settings": ("owner", lambda w: url("actions:calendar-settings")),
    # Without a file, the upload is refused at its field; the preview's selects refuse junk.
    "actions:import-upload": ("secretary", lambda w: url("actions:import-upload", w.draft.committee.code)),
    "actions:import-preview": (
        "secretary",
        lambda w: url(
            "actions:import-preview",
            w.draft.committee.code,
            ActionImport.objects.create(
                committee=w.draft.committee,
                filename="log.csv",
                content=b"Reference,Action,Meeting\r\nX 1,Y,3\r\n",
            ).pk,
        ),
    ),
    # The same for minutes: the upload wants a Word file; the preview's fields refuse junk.
    "minutes:minutes-import-upload": (
        "secretary",
        lambda w: url("minutes:minutes-import-upload", w.draft.committee.code),
    ),
    "minutes:minutes-import-preview": (
        "secretary",
        lambda w: url(
            "minutes:minutes-import-preview",
            w.draft.committee.code,
            MinutesImport.objects.create(
                committee=w.draft.committee, filename="minutes.docx", content=meeting_docx(w.draft)
            ).pk,
        ),
    ),
    # A job's Run again reads nothing posted.
    "minutes:job-run-again": (
        "secretary",
        lambda w: url(
            "minutes:job-run-again",
            Job.objects.create(
                title="Import", committee=w.committee, created_by=w.users["secretary"], task_path="x.y"
            ).pk,
        ),
    ),
}

# The account pages (Django's, two-factor's): their forms are filled in from the page, as a
# browser would, so that the test follows whatever fields they have.
ACCOUNT_FORMS = {
    "login": "anonymous",
    "two_factor:login": "anonymous",
    "password_reset": "anonymous",
    "password_reset_confirm": "anonymous",
    "password_change": "member",
    "two_factor:setup": "member",
    "two_factor:backup_tokens": "member",
    "two_factor:disable": "member",
}

# Left out on purpose, and why.
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin site: staff only, its forms generated from the models (their CharFields "
    "refuse NUL as the app's do); its search boxes are checked by test_hostile_admin_searches",
}


# ---- Which views take POST: the URL resolver, walked -------------------------------------


def accepted_methods(callback):
    """The HTTP methods a view answers, from require_http_methods' closure or a class-based view."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    seen, function = set(), callback
    while function is not None and function not in seen:
        seen.add(function)
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if (
                isinstance(value, list | tuple | set)
                and value
                and all(isinstance(m, str) and m.isupper() for m in value)
            ):
                return set(value)
        function = getattr(function, "__wrapped__", None)
    return {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}  # no restriction found


def post_url_names():
    """Every URL whose view accepts POST, as namespace:name (an unnamed one by its route)."""
    return {
        label
        for label, pattern, *_ in url_patterns(excluded_namespaces=EXCLUDED_NAMESPACES)
        if "POST" in accepted_methods(pattern.callback)
    }


def covered():
    return set(FORMS) | set(JUNK) | set(ACCOUNT_FORMS)


def test_every_post_url_has_hostile_input_coverage():
    missing = sorted(post_url_names() - covered())
    assert not missing, f"POST URLs without hostile-input coverage (add them to FORMS or JUNK): {missing}"


def test_every_covered_url_takes_post():
    stale = sorted(covered() - post_url_names())
    assert not stale, f"Hostile-input coverage names URLs that take no POST, or are gone: {stale}"


def test_the_resolver_walk_tells_post_views_apart():
    from minutes.views.drafting import item_add_view, meeting_details, meeting_draft

    assert accepted_methods(item_add_view) == {"POST"}
    assert accepted_methods(meeting_details) == {"GET", "POST"}
    assert "POST" not in accepted_methods(meeting_draft)
    names = post_url_names()
    assert "minutes:item-add" in names and "minutes:meeting-draft" not in names
    assert not any(name.startswith("admin:") for name in names)


def _form_params():
    for name, forms in FORMS.items():
        for index in range(len(forms)):
            yield pytest.param(name, index, id=f"{name}-{index}")


@pytest.mark.parametrize(("name", "index"), list(_form_params()))
def test_hostile_corpus_through_each_form(as_user, world, name, index):
    form = FORMS[name][index]
    client = as_user(world, form.role)
    started = time.perf_counter()
    outcome = run_form(client, world, form)
    print(
        f"\n{name}[{index}]: {outcome.posts} posts, {outcome.accepted} accepted, {outcome.refused} refused, "
        f"statuses {dict(sorted(outcome.statuses.items()))}, {time.perf_counter() - started:.1f} s"
    )
    expected = len(corpus_for(form)) + len(OTHER_VALUES) * len(form.other)
    assert outcome.posts >= expected
    assert not outcome.problems, f"{len(outcome.problems)} problems:\n" + "\n".join(outcome.problems[:30])


@pytest.mark.parametrize("name", sorted(JUNK))
def test_hostile_junk_to_posts_that_read_no_input(as_user, world, name):
    role, target = JUNK[name]
    values = ["<script>alert(1)</script>", "a\x00b", "\ud800", "A" * 100_000]
    for value in values[:1] if name == "minutes:meeting-publish" else values:  # publishing renders a PDF
        client = as_user(world, role)
        junk = {"note": value, "reason": value, "text": value, "direction": value, "x\x00<script>": value}
        sid = transaction.savepoint()
        response = send(client, "POST", target(world), junk)
        transaction.savepoint_rollback(sid)
        check_answer(response, f"POST {target(world)} {value[:40]!r}")


# ---- Account forms, filled in from the page -------------------------------------------------


def fill_form(html, value, target):
    """The fields of the page's POST form for `target`, as a browser sends them, its text inputs set to `value`.

    The form posting to the page itself (no action, or `target`), not the menu's logout form;
    no named button (a wizard's "Back"): the default one is pressed.
    """
    forms, state = [], {"fields": None, "select": None}

    class Forms(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                if (a.get("method") or "get").lower() == "post" and (a.get("action") or target) == target:
                    state["fields"] = {}
                    forms.append(state["fields"])
                return
            fields = state["fields"]
            if fields is None:
                return
            name = a.get("name")
            kind = (a.get("type") or "text").lower()
            if tag == "input" and name:
                if kind == "hidden":
                    fields[name] = a.get("value") or ""
                elif kind in ("text", "password", "email", "search", "url", "tel", "number"):
                    fields[name] = value
                elif kind in ("checkbox", "radio") and name not in fields:
                    fields[name] = a.get("value") or "on"
            elif tag == "textarea" and name:
                fields[name] = value
            elif tag == "select" and name:
                state["select"] = name
            elif tag == "option" and state["select"] and state["select"] not in fields:
                fields[state["select"]] = a.get("value") or ""

        def handle_endtag(self, tag):
            if tag == "form":
                state["fields"] = None
            if tag == "select":
                state["select"] = None

    Forms().feed(html.decode() if isinstance(html, bytes) else html)
    if not forms:
        return None
    fields = max(forms, key=len)
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def takes_text(fields, value):
    return any(v == value for v in fields.values())


def reset_login_throttling():
    if apps.is_installed("axes"):
        from axes.utils import reset

        reset()


def account_url(name, world):
    if name == "password_reset_confirm":
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        user = type(world.users["member"]).objects.get(pk=world.users["member"].pk)  # as stored now
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return reverse(name, args=[uid, default_token_generator.make_token(user)])
    return reverse(name)


def account_form(client, name, world, value):
    """(URL, data): the account page's form with `value` typed in; a wizard is walked to its first text step."""
    response = client.get(account_url(name, world), follow=True)
    target = response.redirect_chain[-1][0] if response.redirect_chain else account_url(name, world)
    for _step in range(4):
        assert response.status_code == 200, f"GET {target}: {response.status_code}"
        data = fill_form(response.content, value, target)
        assert data is not None, f"no form on {target}"
        if takes_text(data, value) or not any(key.endswith("current_step") for key in data):
            return target, data
        # A wizard's step without text (a welcome page, a choice): on to the next one.
        response = client.post(target, fill_form(response.content, "", target), follow=True)
    return target, data


# Forms whose page keeps a state in the session that a rolled-back post loses (a reset link's
# token, a wizard's step): fetched again for each value. The others are fetched once.
STATEFUL = {"password_reset_confirm", "two_factor:setup"}
TYPED = "\ue000typed\ue000"  # where the page's form takes text


@pytest.mark.parametrize("name", sorted(ACCOUNT_FORMS))
def test_hostile_corpus_through_account_forms(as_user, world, name):
    counts, page = {}, None
    client = as_user(world, ACCOUNT_FORMS[name])
    for value in CORE_VALUES:
        reset_login_throttling()
        sid = transaction.savepoint()
        if name in STATEFUL:
            client = as_user(world, ACCOUNT_FORMS[name])
            if name == "two_factor:setup":
                # force_login gave the member a device (tests/conftest.py): without one, setup starts.
                from django_otp import devices_for_user

                for device in devices_for_user(world.users["member"], confirmed=None):
                    device.delete()
            target, data = account_form(client, name, world, value)
        else:
            page = page or account_form(client, name, world, TYPED)
            target, data = (
                page[0],
                {key: value if typed == TYPED else typed for key, typed in page[1].items()},
            )
        response = send(client, "POST", target, data)
        transaction.savepoint_rollback(sid)
        where = f"POST {target} {value[:40]!r}"
        check_answer(response, where)
        # A lockout by login throttling (429) is a refusal too.
        assert response.status_code in {200, 302, 400, 403, 422, 429}, f"{where}: {response.status_code}"
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
        if response.status_code == 200 and takes_text(data, value) and "\x00" in value:
            assert shows_error(response.content), f"{where}: NUL refused without a message"
    reset_login_throttling()
    print(f"\n{name}: {len(CORE_VALUES)} posts, statuses {counts}")


# ---- Filters and searches (GET), URL arguments, the admin's search ---------------------------

# One filter of each kind (text, choice, reference, number, date, sort, page size, page).
LOG_FILTERS = (
    "q",
    "committee",
    "status",
    "owner",
    "meeting",
    "due_within",
    "raised_from",
    "sort",
    "per_page",
    "page",
)
GET_FORMS = {
    "minutes:meeting-list": (
        "member",
        lambda w: url("minutes:meeting-list"),
        ("q", "committee", "minutes_status", "kind", "page"),
    ),
    "actions:action-log": ("secretary", lambda w: url("actions:action-log"), LOG_FILTERS),
    "actions:action-log-chart": (
        "secretary",
        lambda w: url("actions:action-log-chart"),
        ("q", "owner", "status", "target_to"),
    ),
    "actions:action-log-csv": (
        "secretary",
        lambda w: url("actions:action-log-csv"),
        ("q", "meeting", "owner", "sort"),
    ),
    "actions:action-log-xlsx": (
        "secretary",
        lambda w: url("actions:action-log-xlsx"),
        ("q", "meeting", "due_within"),
    ),
    "minutes:revision-list": (
        "member",
        lambda w: url("minutes:revision-list", w.circulated.reference),
        ("from_revision", "to_revision"),
    ),
}


@pytest.mark.parametrize("name", sorted(GET_FORMS))
def test_hostile_corpus_through_filters_and_searches(as_user, world, name):
    role, target, fields = GET_FORMS[name]
    client = as_user(world, role)
    counts = {}
    # URLs stay short enough for a browser: the long strings are cut to 2,000 characters.
    runs = [{"q": value[:2000]} for value in CORE_VALUES + OTHER_VALUES] if "q" in fields else []
    runs += [{name: value} for name in fields if name != "q" for value in OTHER_VALUES]
    for params in runs:
        response = send(client, "GET", target(world), params)
        where = f"GET {target(world)} {params!r:.80}"
        check_answer(response, where)
        assert response.status_code in {200, 302, 400, 422}, f"{where}: {response.status_code}"
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
        if response.status_code == 200 and name.endswith("csv"):
            assert not csv_problems(response.getvalue()), where
        if response.status_code == 200 and name.endswith("xlsx"):
            assert not xlsx_problems(response.content), where
    print(f"\n{name}: {len(runs)} requests, statuses {counts}")


PATH_VALUES = [
    "<script>alert(1)</script>",
    "a\x00b",
    "OPSG\x00_55",
    "OPSG_55\x00",
    "OPSG_\u00b2",
    "OPSG_\u0665\u0665",
    "OPSG_99999999999999999999",
    "\u202e",
    "' OR 1=1 --",
]


def test_hostile_values_in_url_arguments(as_user, world):
    """URL arguments are input too: a meeting reference, a signed link's token, a feed's token."""
    client = as_user(world, "secretary")
    for value in PATH_VALUES:
        quoted = quote(value, safe="")
        for path in (
            f"/meetings/{quoted}/",
            f"/meetings/{quoted}/draft/",
            f"/meetings/{quoted}/pdf/",
            f"/meetings/{quoted}/review/",
            f"/meetings/{quoted}/revisions/",
            f"/meetings/{quoted}/history/",
            f"/calendar/{quoted}.ics",
            f"/actions/link/{world.action.slug}/{quoted}/",
        ):
            response = client.get(path)
            check_answer(response, f"GET {path}")
            assert response.status_code in {403, 404}, f"GET {path}: {response.status_code}"
        for path in (f"/meetings/{quoted}/circulate/", f"/actions/link/{world.action.slug}/{quoted}/"):
            response = client.post(path, {"text": "x", "note": "x"})
            check_answer(response, f"POST {path}")
            assert response.status_code in {403, 404}, f"POST {path}: {response.status_code}"


def test_hostile_admin_searches(client, world):
    """The admin's search boxes (staff only) with hostile text: a page, never a 500."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("hostile-admin", "admin@example.com", None)
    client.force_login(admin)
    for model in (
        "minutes/meeting",
        "minutes/person",
        "minutes/agendaitem",
        "minutes/attendance",
        "actions/action",
    ):
        for value in ("<script>alert(1)</script>", "a\x00b", "' OR 1=1 --", "\ud800"):
            response = send(client, "GET", f"/admin/{model}/", {"q": value})
            check_answer(response, f"GET /admin/{model}/ q={value!r}")
            assert response.status_code in {200, 302, 400}, (model, value, response.status_code)


# ---- Everything saved, then every page, the PDF and the exports -----------------------------


def _fill_with_corpus(w):
    """Save every corpus value the forms accept, through the forms and the services the views use.

    Returns [(where it shows, stored value)] for the checks of what the pages show.
    """
    from actions.forms.drafting import ActionForm
    from actions.forms.owner import UpdateForm
    from actions.links import read_owner_link_token
    from actions.services.owner_links import link_update_record
    from minutes.forms import ItemAddForm
    from minutes.forms.attendance import AttendanceAddForm
    from minutes.sanitize import paragraphs
    from minutes.services.attendance import attendance_add
    from minutes.services.decisions import decision_add, footnote_add
    from minutes.services.items import item_add
    from minutes.services.review import comment_add

    secretary, owner = w.users["secretary"], w.users["owner"]
    shown = []
    verbs, name = w.committee.verbs, w.committee.decision_name
    link = read_owner_link_token(w.owner_token)
    # The long strings go into one field each (the decision text): 100,000 characters in every
    # field would make a PDF of thousands of pages.
    # As the server reads them: a lone surrogate arrives as U+FFFD.
    short = [(label, wire(value)) for label, value in CORPUS if len(value) < 10_000]
    long = [wire(value) for _label, value in CORPUS if len(value) >= 10_000]
    core = {label for label, _value in CORE}
    for index, (label, value) in enumerate(short):
        unique = f"{value} #{index}"  # names and titles must not collide with earlier ones
        # Every kind of hostile text (the core) goes everywhere; the other ways of writing markup
        # only into the minutes text, where the sanitiser reads them (elsewhere it is all text).
        form = ItemAddForm({"title": unique if label in core else f"Markup #{index}"})
        if form.is_valid():
            item = item_add(meeting=w.draft, title=form.cleaned_data["title"])
            shown.append(("meeting", item.title))
            text = ItemTextForm({"minutes_text": value, "token": ""}, instance=item)
            text.fields["token"].required = False
            if text.is_valid():
                item.minutes_text = text.cleaned_data["minutes_text"]
                item.save()
                words = " ".join(paragraphs(item.minutes_text))  # the text the sanitised markup keeps
                if words.strip():
                    shown.append(("meeting", words))
            if label not in core:
                continue
            decision = DecisionForm({"verb": "NOTED", "text": value}, verbs=verbs, decision_name=name)
            if decision.is_valid():
                made = decision_add(item=item, verb="NOTED", text=decision.cleaned_data["text"], by=secretary)
                shown.append(("meeting", made.text))
            footnote = FootnoteForm({"anchor_text": value, "text": value})
            if footnote.is_valid():
                data = footnote.cleaned_data
                made = footnote_add(item=item, anchor_text=data["anchor_text"], text=data["text"])
                shown.append(("meeting", made.text))
            action = ActionForm(
                {"text": value, "owners": [f"org-{w.dcc.pk}"], "target_on": "2021-10-01"},
                organisations=[w.dcc],
                people=[],
            )
            if action.is_valid():
                raised = Action.objects.raise_action(
                    meeting=w.draft,
                    item=item,
                    text=action.cleaned_data["text"],
                    owners=action.cleaned_data["owners"],
                    target_on=action.cleaned_data["target_on"],
                )
                shown.append(("action_log", raised.text))
        attendee = AttendanceAddForm(
            {
                "attendance-name": unique,
                "attendance-organisation": value,
                "attendance-seat_category": w.seat_category.pk,
                "attendance-status": "present",
                "attendance-role_note": value[:100],
            },
            meeting=w.draft,
        )
        if attendee.is_valid():
            data = attendee.cleaned_data
            added = attendance_add(
                meeting=w.draft,
                name=data["name"],
                organisation_name=data["organisation"],
                seat_category=data["seat_category"],
                status=data["status"],
                role_note=data["role_note"],
            )
            shown.append(("meeting", added.person.name))
        update = UpdateForm({"update-text": value}, prefix="update")
        if update.is_valid():
            posted = w.action.record_update(by=owner, text=update.cleaned_data["text"])
            shown.append(("action", posted.text))
            link_update_record(link=link, text=update.cleaned_data["text"])
            shown.append(("action", posted.text))
        if value.strip() and "\x00" not in value and len(value.strip()) <= 5000:
            comment = comment_add(
                revision=w.revision, item_key=w.item_key, author=w.users["member"], text=value
            )
            shown.append(("review", comment.text))
    # The long strings on an item of their own, taken off again before the minutes are circulated
    # (a revision and a redline of 100 pages would only make the test slow).
    w.long_item = item_add(meeting=w.draft, title="100,000 characters")
    for value in long:
        made = decision_add(item=w.long_item, verb="NOTED", text=value, by=secretary)
        shown.append(("meeting", made.text))
    hostile = "<script>alert(1)</script> \u202egnp.exe \x1b[31m {{ 7*7 }} '; DROP TABLE x;--"
    w.outstanding_action.record_meeting_update(meeting=w.draft, text=hostile, status="open", by=secretary)
    Meeting.objects.filter(pk=w.draft.pk).update(location=hostile)
    shown.append(("meeting", hostile))
    return shown


BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

PAGES = {
    "meeting": ("secretary", lambda w: url("minutes:meeting-detail", w.draft.reference)),
    "draft": ("secretary", lambda w: url("minutes:meeting-draft", w.draft.reference)),
    "meeting_history": ("secretary", lambda w: url("minutes:meeting-history", w.draft.reference)),
    "action": ("owner", lambda w: url("actions:action-detail", *slug(w.action))),
    "action_history": ("secretary", lambda w: url("actions:action-history", w.draft.reference, w.action.pk)),
    "action_log": ("secretary", lambda w: url("actions:action-log") + "?per_page=100&sort=-reference"),
    "action_log_2": (
        "secretary",
        lambda w: url("actions:action-log") + "?per_page=100&sort=-reference&page=2",
    ),
    "my_actions": ("owner", lambda w: url("actions:my-actions")),
    "proposals": ("secretary", lambda w: url("actions:proposals")),
    "owner_link": ("anonymous", lambda w: url("actions:owner-link", w.action.slug, w.owner_token)),
    "review": ("member", lambda w: url("minutes:review", w.circulated.reference)),
    "review_summary": ("chair", lambda w: url("minutes:review-summary", w.circulated.reference)),
    "meeting_list": ("secretary", lambda w: url("minutes:meeting-list") + "?q=%3Cscript%3E"),
}


def _get(client, w, role, path):
    client.logout()
    if role != "anonymous":
        client.force_login(w.users[role])
    response = client.get(path)
    assert response.status_code == 200, f"GET {path} as {role}: {response.status_code}"
    return response


def test_saved_hostile_values_are_inert_everywhere(client, world):
    w = world
    started = time.perf_counter()
    shown = _fill_with_corpus(w)
    filled = time.perf_counter()

    texts = {}
    for page, (role, path) in PAGES.items():
        response = _get(client, w, role, path(w))
        assert_inert_html(response.content, page)
        texts[page] = squash(inspect_html(response.content)[1])
    texts["action_log"] += texts.pop("action_log_2")
    for page, value in shown:
        assert needle(value) in texts[page], f"{value[:60]!r} is not shown as text on {page}"
    # The drafting page shows the same values as the meeting page, in its editors.
    assert sum(needle(value) in texts["draft"] for page, value in shown if page == "meeting") > len(shown) / 3

    # The PDF: no JavaScript or actions, and the values as text.
    pdf = _get(client, w, "secretary", url("minutes:meeting-pdf", w.draft.reference)).content
    assert not pdf_problems(pdf), pdf_problems(pdf)
    text = visible(pdf_text(pdf))
    for page, value in shown:
        if page == "meeting" and len(value) < 10_000:
            if not BIDI.search(value):
                assert visible_needle(value, 12) in text, f"the PDF lacks {value[:60]!r}"
                continue
            # pdftotext gives the order the text is seen in, which bidi controls change: word by word.
            for word in re.findall(r"[A-Za-z0-9]+", value[:60]):
                assert word in text or word[::-1] in text, f"the PDF lacks {word!r} of {value[:60]!r}"
    pdf_done = time.perf_counter()

    # Exports of the action log: nothing a spreadsheet would run; every action there.
    csv_data = _get(client, w, "secretary", url("actions:action-log-csv")).getvalue()
    assert not csv_problems(csv_data), csv_problems(csv_data)[:5]
    xlsx_data = _get(client, w, "secretary", url("actions:action-log-xlsx")).content
    assert not xlsx_problems(xlsx_data), xlsx_problems(xlsx_data)[:5]
    csv_text = squash(
        " ".join(cell for row in csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))) for cell in row)
    )
    cells = squash(" ".join(str(cell.value) for cell in xlsx_cells(xlsx_data) if cell.value is not None))
    for page, value in shown:
        if page == "action_log":
            # A formula's first character is kept behind a quote; XLSX drops what XML cannot hold.
            assert needle(value, 12) in csv_text, f"the CSV lacks {value[:60]!r}"
            assert NOT_IN_XLSX.sub("", needle(value, 12)) in cells, f"the XLSX lacks {value[:60]!r}"

    # The calendar feed: one event per action and meeting, no property injected by a value.
    from icalendar import Calendar

    from actions.calendar import calendar_feed_renew

    token = calendar_feed_renew(user=w.users["owner"])
    client.logout()
    feed = client.get(url("actions:calendar", token))
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.content)
    assert not calendar.errors if hasattr(calendar, "errors") else True
    for component in calendar.walk():
        assert "ATTACH" not in component and "BCC" not in component
    assert b"\r\nBEGIN:VEVENT\r\nSUMMARY:injected" not in feed.content

    # Circulate everything (a frozen revision), change it, circulate again: revision pages,
    # the redline and its PDF.
    from minutes.services.items import item_delete

    item_delete(item=w.long_item)
    draft = Meeting.objects.get(pk=w.draft.pk)
    first = draft.circulate(by=w.users["secretary"], note="<script>alert(1)</script>")
    draft.reopen(by=w.users["secretary"])
    item = AgendaItem.objects.filter(meeting=draft, title__contains="script").first()
    item.title = '<img src=x onerror=alert(1)> "changed"'
    item.minutes_text = clean_minutes_html('<p onclick="x">Changed <script>alert(2)</script> text</p>')
    item.save()
    second = draft.circulate(by=w.users["secretary"], note="\u202eevil")
    for path in (
        url("minutes:revision-list", draft.reference),
        url("minutes:revision-detail", draft.reference, first.number),
        url("minutes:revision-detail", draft.reference, second.number),
        url("minutes:revision-redline", draft.reference, first.number, second.number),
        url("minutes:meeting-detail", draft.reference),
        url("minutes:review", draft.reference),
    ):
        response = _get(client, w, "member", path)
        assert_inert_html(response.content, path)
    redline = _get(
        client, w, "member", url("minutes:revision-redline", draft.reference, first.number, second.number)
    )
    # The new title, as text: a word diff against the old one, so its words one by one.
    words = ("<img", "onerror=alert(1)>", '"changed"')
    assert all(word in squash(inspect_html(redline.content)[1]) for word in words)
    redline_pdf = _get(
        client, w, "member", url("minutes:revision-redline-pdf", draft.reference, first.number, second.number)
    ).content
    assert not pdf_problems(redline_pdf), pdf_problems(redline_pdf)
    assert all(visible(word) in visible(pdf_text(redline_pdf)) for word in words)
    print(
        f"\n{len(shown)} values saved in {filled - started:.1f} s; pages and PDF checked in "
        f"{pdf_done - filled:.1f} s; all in {time.perf_counter() - started:.1f} s"
    )


# ---- The checks themselves ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<p style="width: expression(alert(1))">x</p>',
        '<iframe srcdoc="x"></iframe>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<form action="javascript:alert(1)"></form>',
        "<base href=https://evil.example/>",
    ],
)
def test_the_html_check_finds_active_content(markup):
    problems, _text = inspect_html(f"<p>before</p>{markup}<p>after</p>")
    assert problems, markup
    escaped = markup.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    problems, text = inspect_html(f'<p title="{escaped.replace(chr(34), "&quot;")}">{escaped}</p>')
    assert not problems and markup in text


def test_the_pdf_check_finds_javascript_and_actions():
    import zlib

    hidden = zlib.compress(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
    pdf = (
        b"%PDF-1.7\n1 0 obj\n<< /Length 9 /Filter /FlateDecode >>\nstream\n"
        + hidden
        + b"\nendstream\nendobj\n"
    )
    assert {"/JavaScript", "/JS", "/OpenAction"} <= set(pdf_problems(pdf))
    assert pdf_problems(b"%PDF-1.7\n<< /A << /S /URI /URI (javascript:alert\\(1\\)) >> >>")
    assert not pdf_problems(b"%PDF-1.7\n<< /A << /S /URI /URI (https://example.org/) >> >>")


def test_the_export_checks_find_formulas():
    assert csv_problems('\ufeffA,B\r\n=1+1,"@SUM(1)"\r\n'.encode())
    assert not csv_problems("\ufeffA,B\r\n'=1+1,x\r\n".encode())


# ---- Bodies that are not form posts ----------------------------------------------------------

BODIES = [
    ("application/json", b'{"text": "\\u0000<script>alert(1)</script>", "title": "\\ud800"}'),
    ("application/json", b"\x00\xff\xfe{not json"),
    ("application/x-www-form-urlencoded", b"text=%00%3Cscript%3E&title=%ED%A0%80&verb=NOTED&%00=%00"),
    ("application/x-www-form-urlencoded", b"text=\xff\xfe\x00&title=\xc0\xaf"),  # not UTF-8 at all
    ("text/plain", b"text=a\x00b"),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\na\x00b\r\n--x--',
    ),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nunterminated',
    ),
    ("multipart/form-data", b"no boundary"),
]


def test_hostile_bodies_that_are_not_form_posts(as_user, world):
    """JSON, raw bytes that are not UTF-8, broken multipart: refused or ignored, never a 500."""
    targets = [
        ("secretary", url("minutes:item-text", world.draft.reference, world.item.pk)),
        ("secretary", url("minutes:decision-add", world.draft.reference, world.item.pk)),
        ("secretary", url("minutes:item-add", world.draft.reference)),
        ("member", url("minutes:review-comment-add", world.circulated.reference)),
        ("anonymous", url("actions:owner-link", world.action.slug, world.owner_token)),
    ]
    for role, target in targets:
        client = as_user(world, role)
        for content_type, body in BODIES:
            for headers in ({}, {"HX-Request": "true"}):
                sid = transaction.savepoint()
                response = client.post(target, body, content_type=content_type, headers=headers)
                transaction.savepoint_rollback(sid)
                check_answer(response, f"POST {target} {content_type} {body[:30]!r}")
                assert response.status_code in {200, 302, 400, 409, 422}, (
                    target,
                    content_type,
                    response.status_code,
                )
