"""Every form of the app, as hostile-input tests post it (tests/test_hostile_input.py,
tests/test_hypothesis_forms.py): who posts it, where, which fields take the hostile
values, what it stores; and the checks of one post.

A post is either accepted (the value stored as sent, trimmed, or sanitised for the
minutes text) or refused (400/404/409/422 with a message, nothing changed; a
life-cycle post or a move: 302 back with the message on top), never a 500, and its
answer never holds anything active.
"""

import datetime
import functools
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db import transaction
from django.urls import reverse

from actions.models import EDIT_FIELDS, Action, ActionProposal, ActionUpdate, meeting_update_token
from minutes.forms import ItemForm, ItemTextForm, MeetingDetailsForm
from minutes.forms.decisions import DecisionForm, FootnoteForm
from minutes.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Footnote,
    Meeting,
    MinutesRevision,
    MinutesTransition,
    Organisation,
    Person,
    PublishedMinutes,
    ReviewComment,
    ReviewVerdict,
    SeatCategory,
    StandardAgendaItem,
)
from minutes.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES, clean_minutes_html
from minutes.services.attendance import CHANGED_FIELDS
from minutes.services.meetings import meeting_next_number
from tests.factories import settings_data
from tests.hostile_support import (
    CORE_VALUES,
    CORPUS_VALUES,
    assert_inert_html,
    send,
    shows_error,
    squash,
    wire,
)

REFUSED_STATUSES = {400, 404, 409, 422}
MARKUP = ("<", ">", '"', "'", "&")
NULL_MESSAGE = "Null characters are not allowed."

# What goes into the fields that are not free text (dates, choices, ids, tokens, hidden fields).
OTHER_VALUES = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "a\x00b",
    "",
    "-1",
    "99999999999999999999",
    "\u00b2",
    "\ud800",
]


# ---- The forms ------------------------------------------------------------------------------


@dataclass
class Form:
    """One form: who posts it, where, valid values, and which fields take the hostile values.

    `data(w)` gives the URL and valid data (edit tokens as they are now); `text` names
    the free-text fields (every corpus value goes into all of them at once, then into
    each on its own if that was refused), `other` the fields that are not free text
    (OTHER_VALUES, one field at a time). Field names may hold "{item}" and the like
    (see `_names`). `saved(w)` gives {field: stored value} after an accepted post;
    `models` must not change when a post is refused.
    """

    role: str
    data: object
    text: tuple = ()
    other: tuple = ()
    saved: object = None
    models: tuple = ()
    rich: tuple = ()  # fields holding sanitised HTML (the minutes text)
    htmx: bool = False  # how the corpus is posted: plain form posts (302 when accepted), or htmx
    # Drafting forms answer htmx with partials and plain posts with pages: a refused value with
    # markup is posted again the other way, so that both answers show it back; the other fields
    # alternate between the two.
    both: bool = True
    multipart: bool = False
    # Refused with a redirect back and a message (life-cycle posts, moves), not with a 4xx.
    refused_redirect: bool = False


@functools.cache
def url(name, *args):
    return reverse(name, args=args)


def slug(action):
    """The URL arguments that name an action's page: its committee's code and its slug."""
    return action.committee.code, action.slug


def _latest(model, **filters):
    return model.objects.filter(**filters).order_by("-pk").first()


def f_meeting_create(w):
    data = {
        "committee": w.committee.pk,
        "number": meeting_next_number(w.committee),
        "kind": "main",
        "held_on": "2030-01-07",
        "start_time": "10:00",
        "end_time": "12:00",
        "location": "Teleconference",
        "copy_attendance": "",
    }
    return url("minutes:meeting-create"), data


def f_meeting_details(w):
    meeting = Meeting.objects.get(pk=w.draft.pk)
    data = {
        "kind": meeting.kind,
        "held_on": meeting.held_on.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "location": meeting.location,
        "next_main_meeting_on": "2021-09-27",
        "next_reporting_meeting_on": "2021-10-11",
        "token": meeting.edit_token(MeetingDetailsForm.token_fields),
    }
    return url("minutes:meeting-details", meeting.reference), data


def f_item_add(w):
    return url("minutes:item-add", w.draft.reference), {"title": "New item", "parent": ""}


def f_item_edit(w):
    item = AgendaItem.objects.get(pk=w.item.pk)
    p = f"item-{item.pk}-"
    data = {
        p + "title": item.title,
        p + "is_deferred": "on",
        p + "deferred_note": "the next meeting",
        p + "token": item.edit_token(ItemForm.token_fields),
    }
    return url("minutes:item-edit", w.draft.reference, item.pk), data


def f_item_text(w):
    item = AgendaItem.objects.get(pk=w.item.pk)
    p = f"text-{item.pk}-"
    data = {p + "minutes_text": "<p>Text.</p>", p + "token": item.edit_token(ItemTextForm.token_fields)}
    return url("minutes:item-text", w.draft.reference, item.pk), data


def f_item_move(w):
    return url("minutes:item-move", w.draft.reference, w.item.pk), {"direction": "sideways"}


def f_item_reorder(w):
    return url("minutes:item-reorder", w.draft.reference), {"order": ""}


def f_attendance_add(w):
    data = {
        "attendance-name": "Someone New",
        "attendance-organisation": "",
        "attendance-seat_category": w.seat_category.pk,
        "attendance-status": "present",
        "attendance-role_note": "",
        "attendance-initials": "SN",
        "attendance-remote": "on",
        "attendance-alternate_for": "",
        "attendance-joined_at_item": w.item.pk,
        "attendance-left_after_item": "",
    }
    return url("minutes:attendance-add", w.draft.reference), data


def f_attendance_edit(w):
    attendance = Attendance.objects.get(pk=w.attendance.pk)
    p = f"attendance-{attendance.pk}-"
    data = {
        p + "seat_category": attendance.seat_category_id,
        p + "status": attendance.status,
        p + "role_note": attendance.role_note,
        p + "token": attendance.edit_token(CHANGED_FIELDS),
        p + "initials": attendance.initials,
        p + "remote": "on",
        p + "left_after_item": w.item.pk,
    }
    return url("minutes:attendance-edit", w.draft.reference, attendance.pk), data


def f_decision_add(w):
    return url("minutes:decision-add", w.draft.reference, w.item.pk), {"verb": "NOTED", "text": "the update"}


def f_decision_add_previous(w):
    data = {"verb": "AGREED", "text": "that the minutes are approved", "approves_minutes_of": ""}
    return url("minutes:decision-add", w.draft.reference, w.previous_item.pk), data


def f_decision_edit(w):
    decision = Decision.objects.get(pk=w.decision.pk)
    data = {
        "verb": decision.verb,
        "text": decision.text,
        "token": decision.edit_token(DecisionForm.token_fields),
    }
    return url("minutes:decision-edit", w.draft.reference, decision.pk), data


def f_decision_move(w):
    return url("minutes:decision-move", w.draft.reference, w.decision.pk), {"move": "sideways"}


def f_footnote_add(w):
    data = {"anchor_text": "report", "text": "A footnote."}
    return url("minutes:footnote-add", w.draft.reference, w.item.pk), data


def f_footnote_edit(w):
    footnote = Footnote.objects.get(pk=w.footnote.pk)
    data = {
        "anchor_text": footnote.anchor_text,
        "text": footnote.text,
        "token": footnote.edit_token(FootnoteForm.token_fields),
    }
    return url("minutes:footnote-edit", w.draft.reference, footnote.pk), data


def f_action_add(w):
    p = f"add-action-{w.item.pk}-"
    data = {
        p + "text": "The DCC to report.",
        p + "owners": [f"org-{w.dcc.pk}"],
        p + "target_on": "2021-10-01",
    }
    return url("actions:action-add", w.draft.reference, w.item.pk), data


def f_action_edit(w):
    action = Action.objects.get(pk=w.action.pk)
    p = f"action-{action.pk}-"
    data = {
        p + "text": action.text,
        p + "owners": action.owner_values,
        p + "target_on": action.current_target_on.isoformat(),
        p + "token": action.edit_token(EDIT_FIELDS),
    }
    return url("actions:action-edit", w.draft.reference, action.pk), data


def f_outstanding_update(w):
    action = Action.objects.get(pk=w.outstanding_action.pk)
    p = f"outstanding-{w.outstanding_item.pk}-{action.pk}-"
    data = {
        p + "token": meeting_update_token(action.update_at(w.draft)),
        p + "text": "The DCC noted progress.",
        p + "revised_target_on": "",
        p + "status": "open",
    }
    return url("actions:outstanding-update", w.draft.reference, w.outstanding_item.pk, action.pk), data


def f_circulate(w):
    return url("minutes:meeting-circulate", w.draft.reference), {"note": ""}


def f_reopen(w):
    return url("minutes:meeting-reopen", w.circulated.reference), {"note": ""}


def f_sign_off(w):
    return url("minutes:meeting-sign-off", w.circulated.reference), {"note": ""}


def f_amend(w):
    return url("minutes:meeting-amend", w.published.reference), {"reason": "A name is misspelt."}


def f_comment_add(w):
    data = {"revision": w.revision.number, "item_key": w.item_key, "parent": "", "text": "A comment."}
    return url("minutes:review-comment-add", w.circulated.reference), data


def f_reply_add(w):
    data = {"revision": w.revision.number, "item_key": w.item_key, "parent": w.comment.pk, "text": "A reply."}
    return url("minutes:review-comment-add", w.circulated.reference), data


def f_verdict(w):
    data = {"revision": w.revision.number, "verdict": "request_changes", "note": "Please fix item 2."}
    return url("minutes:review-verdict", w.circulated.reference), data


def f_committee_settings(w):
    committee = Committee.objects.get(pk=w.committee.pk)
    data = settings_data(committee, open_statuses="Open\nCarried Forward")
    return url("minutes:committee-settings", committee.code), data


def _rows(prefix, rows, initial):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": str(value) for name, value in row.items()})
    return data


def f_committee_agenda(w):
    rows = [
        {"title": "Welcome", "kind": "item", "ORDER": 1, "text": "The Chair welcomed members."},
        {"title": "Reports", "kind": "item", "ORDER": 2, "sub_item": "on"},
    ]
    return url("minutes:committee-agenda", w.committee.code), _rows("agenda", rows, 0)


def f_committee_seat_categories(w):
    categories = list(Committee.objects.get(pk=w.committee.pk).seat_categories.all())
    rows = [
        {"category": category.pk, "name": category.name, "ORDER": position}
        for position, category in enumerate(categories, start=1)
    ]
    return url("minutes:committee-seat-categories", w.committee.code), _rows("seats", rows, len(rows))


def _first_standard_item(w):
    first = StandardAgendaItem.objects.filter(committee=w.committee, parent=None).order_by("position").first()
    return {"agenda-0-title": first.title, "agenda-0-text": first.text} if first else {}


def f_post_update(w):
    return url("actions:action-post-update", *slug(w.action)), {
        "update-text": "Progress.",
        "update-given_on": "",
    }


def f_propose_closure(w):
    return url("actions:action-propose-closure", *slug(w.action)), {"closure-note": "It is done."}


def f_ask_target_date(w):
    later = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    data = {"target-proposed_target_on": later, "target-note": "More time is needed."}
    return url("actions:action-ask-target-date", *slug(w.action)), data


def f_action_reopen(w):
    return url("actions:action-reopen", *slug(w.closed_action)), {"reopen-text": "The fix did not hold."}


def f_proposal_decide(w):
    p = f"decide-{w.proposal.pk}-"
    data = {p + "decision": "decline", p + "note": "Not yet.", p + "return_to": "action"}
    return url("actions:proposal-decide", *slug(w.proposal_action), w.proposal.pk), data


def f_owner_link(w):
    return url("actions:owner-link", w.action.slug, w.owner_token), {"text": "Done.", "propose_closure": ""}


def _saved_item(w):
    item = AgendaItem.objects.get(pk=w.item.pk)
    return {f"item-{item.pk}-title": item.title, f"item-{item.pk}-deferred_note": item.deferred_note}


def _saved_attendance(w):
    attendance = _latest(Attendance, meeting=w.draft)
    person = attendance.person
    return {
        "attendance-name": person.name,
        "attendance-organisation": person.organisation.name if person.organisation else "",
        "attendance-role_note": attendance.role_note,
        # Not the initials: left blank, they are suggested from the name (test_attendance_details).
    }


def _saved_outstanding(w):
    update = Action.objects.get(pk=w.outstanding_action.pk).update_at(w.draft)
    return {f"outstanding-{w.outstanding_item.pk}-{w.outstanding_action.pk}-text": update.text}


def _sign_off_note(w):
    note = _latest(MinutesTransition, meeting=w.circulated).note
    # For a blank note the app writes its own.
    return {} if note == "Approved by the chair's sign-off." else {"note": note}


def _note_of(model, filters):
    return lambda w: {"note": _latest(model, **filters(w)).note}


LIFE_CYCLE = (Meeting, MinutesRevision, MinutesTransition, PublishedMinutes)
OWNERS = (Action, ActionUpdate, ActionProposal)

FORMS = {
    "minutes:meeting-create": [
        Form(
            "secretary",
            f_meeting_create,
            text=("location",),
            other=("committee", "number", "kind", "held_on", "start_time", "end_time", "copy_attendance"),
            saved=lambda w: {"location": _latest(Meeting).location},
            models=(Meeting, AgendaItem),
            both=False,
        )
    ],
    "minutes:meeting-details": [
        Form(
            "secretary",
            f_meeting_details,
            text=("location",),
            other=(
                "kind",
                "held_on",
                "start_time",
                "end_time",
                "next_main_meeting_on",
                "next_reporting_meeting_on",
                "token",
            ),
            saved=lambda w: {"location": Meeting.objects.get(pk=w.draft.pk).location},
            models=(Meeting,),
        )
    ],
    "minutes:item-add": [
        Form(
            "secretary",
            f_item_add,
            text=("title",),
            other=("parent",),
            saved=lambda w: {"title": _latest(AgendaItem, meeting=w.draft).title},
            models=(AgendaItem,),
        )
    ],
    "minutes:item-edit": [
        Form(
            "secretary",
            f_item_edit,
            text=("item-{item}-title", "item-{item}-deferred_note"),
            other=("item-{item}-is_deferred", "item-{item}-token"),
            saved=_saved_item,
            models=(AgendaItem,),
        )
    ],
    "minutes:item-text": [
        Form(  # the editor's autosave (htmx, FormData: multipart) and the plain form without JavaScript
            "secretary",
            f_item_text,
            text=("text-{item}-minutes_text",),
            other=("text-{item}-token",),
            rich=("text-{item}-minutes_text",),
            saved=lambda w: {
                f"text-{w.item.pk}-minutes_text": AgendaItem.objects.get(pk=w.item.pk).minutes_text
            },
            models=(AgendaItem,),
            htmx=True,
            multipart=True,
        ),
    ],
    "minutes:item-move": [
        Form("secretary", f_item_move, other=("direction",), models=(AgendaItem,), refused_redirect=True)
    ],
    "minutes:item-reorder": [
        Form("secretary", f_item_reorder, other=("order",), models=(AgendaItem,), refused_redirect=True)
    ],
    "minutes:attendance-add": [
        Form(
            "secretary",
            f_attendance_add,
            text=(
                "attendance-name",
                "attendance-organisation",
                "attendance-role_note",
                "attendance-initials",
            ),
            other=(
                "attendance-seat_category",
                "attendance-status",
                "attendance-remote",
                "attendance-alternate_for",
                "attendance-joined_at_item",
                "attendance-left_after_item",
            ),
            saved=_saved_attendance,
            models=(Attendance, Person, Organisation),
        )
    ],
    "minutes:attendance-edit": [
        Form(
            "secretary",
            f_attendance_edit,
            text=("attendance-{attendance}-role_note", "attendance-{attendance}-initials"),
            other=(
                "attendance-{attendance}-seat_category",
                "attendance-{attendance}-status",
                "attendance-{attendance}-token",
                "attendance-{attendance}-remote",
                "attendance-{attendance}-left_after_item",
                "attendance-{attendance}-alternate_for",
            ),
            saved=lambda w: {
                f"attendance-{w.attendance.pk}-role_note": Attendance.objects.get(
                    pk=w.attendance.pk
                ).role_note
            },
            models=(Attendance,),
        )
    ],
    "minutes:decision-add": [
        Form(
            "secretary",
            f_decision_add,
            text=("text",),
            other=("verb",),
            saved=lambda w: {"text": _latest(Decision, item=w.item).text},
            models=(Decision,),
        ),
        Form(  # on the Previous Meeting Minutes item: the minutes it approves, chosen by id
            "secretary",
            f_decision_add_previous,
            other=("approves_minutes_of",),
            models=(Decision,) + LIFE_CYCLE,
        ),
    ],
    "minutes:decision-edit": [
        Form(
            "secretary",
            f_decision_edit,
            text=("text",),
            other=("verb", "token"),
            saved=lambda w: {"text": Decision.objects.get(pk=w.decision.pk).text},
            models=(Decision,),
        )
    ],
    "minutes:decision-move": [
        Form("secretary", f_decision_move, other=("move",), models=(Decision,), refused_redirect=True)
    ],
    "minutes:footnote-add": [
        Form(
            "secretary",
            f_footnote_add,
            text=("anchor_text", "text"),
            saved=lambda w: {
                "anchor_text": _latest(Footnote, item=w.item).anchor_text,
                "text": _latest(Footnote, item=w.item).text,
            },
            models=(Footnote,),
        )
    ],
    "minutes:footnote-edit": [
        Form(
            "secretary",
            f_footnote_edit,
            text=("anchor_text", "text"),
            other=("token",),
            saved=lambda w: {
                "anchor_text": Footnote.objects.get(pk=w.footnote.pk).anchor_text,
                "text": Footnote.objects.get(pk=w.footnote.pk).text,
            },
            models=(Footnote,),
        )
    ],
    "actions:action-add": [
        Form(
            "secretary",
            f_action_add,
            text=("add-action-{item}-text",),
            other=("add-action-{item}-owners", "add-action-{item}-target_on", "add-action-{item}-token"),
            saved=lambda w: {f"add-action-{w.item.pk}-text": _latest(Action, meeting=w.draft).text},
            models=(Action,),
        )
    ],
    "actions:action-edit": [
        Form(
            "secretary",
            f_action_edit,
            text=("action-{action}-text",),
            other=("action-{action}-owners", "action-{action}-target_on", "action-{action}-token"),
            saved=lambda w: {f"action-{w.action.pk}-text": Action.objects.get(pk=w.action.pk).text},
            models=(Action,),
        )
    ],
    "actions:outstanding-update": [
        Form(
            "secretary",
            f_outstanding_update,
            text=("outstanding-{oi}-{oa}-text",),
            other=(
                "outstanding-{oi}-{oa}-token",
                "outstanding-{oi}-{oa}-revised_target_on",
                "outstanding-{oi}-{oa}-status",
            ),
            saved=_saved_outstanding,
            models=(ActionUpdate, Action),
        )
    ],
    "minutes:meeting-circulate": [
        Form(
            "secretary",
            f_circulate,
            text=("note",),
            saved=_note_of(MinutesRevision, lambda w: {"meeting": w.draft}),
            models=LIFE_CYCLE,
            both=False,
            refused_redirect=True,
        )
    ],
    "minutes:meeting-reopen": [
        Form(
            "secretary",
            f_reopen,
            text=("note",),
            saved=_note_of(MinutesTransition, lambda w: {"meeting": w.circulated}),
            models=LIFE_CYCLE,
            both=False,
            refused_redirect=True,
        )
    ],
    "minutes:meeting-sign-off": [
        Form(
            "chair",
            f_sign_off,
            text=("note",),
            saved=_sign_off_note,
            models=LIFE_CYCLE,
            both=False,
            refused_redirect=True,
        )
    ],
    "minutes:meeting-amend": [
        Form(
            "secretary",
            f_amend,
            text=("reason",),
            models=LIFE_CYCLE,
            both=False,
            refused_redirect=True,
        )
    ],
    "minutes:review-comment-add": [
        Form(
            "member",
            f_comment_add,
            text=("text",),
            other=("revision", "item_key", "parent"),
            saved=lambda w: {"text": _latest(ReviewComment, revision=w.revision).text},
            models=(ReviewComment,),
            both=False,
        ),
        Form(  # a reply
            "member",
            f_reply_add,
            text=("text",),
            other=("parent",),
            saved=lambda w: {"text": _latest(ReviewComment, revision=w.revision).text},
            models=(ReviewComment,),
            both=False,
        ),
    ],
    "minutes:review-verdict": [
        Form(
            "member",
            f_verdict,
            text=("note",),
            other=("revision", "verdict"),
            saved=lambda w: {
                "note": ReviewVerdict.objects.get(revision=w.revision, reviewer=w.users["member"]).note
            },
            models=(ReviewVerdict,),
            both=False,
        )
    ],
    "minutes:committee-settings": [
        Form(
            "secretary",
            f_committee_settings,
            text=("name", "decision_name", "decision_verbs", "action_reference", "open_statuses"),
            other=(
                "decision_list",
                "item_numbering",
                "action_numbering",
                "attendance_grouping",
                "attendance_columns",
            ),
            saved=lambda w: {
                name: getattr(Committee.objects.get(pk=w.committee.pk), name)
                for name in ("name", "decision_name", "decision_verbs", "action_reference")
            },
            models=(Committee,),
            both=False,
        )
    ],
    "minutes:committee-agenda": [
        Form(
            "secretary",
            f_committee_agenda,
            text=("agenda-0-title", "agenda-0-text"),
            other=("agenda-0-kind", "agenda-0-ORDER", "agenda-1-sub_item", "agenda-TOTAL_FORMS"),
            saved=_first_standard_item,
            models=(StandardAgendaItem,),
            both=False,
        )
    ],
    "minutes:committee-seat-categories": [
        Form(
            "secretary",
            f_committee_seat_categories,
            text=("seats-0-name",),
            other=("seats-0-category", "seats-0-ORDER", "seats-1-DELETE", "seats-INITIAL_FORMS"),
            saved=lambda w: {
                "seats-0-name": SeatCategory.objects.filter(committee=w.committee).order_by("pk").first().name
            },
            models=(SeatCategory,),
            both=False,
        )
    ],
    "actions:action-post-update": [
        Form(
            "owner",
            f_post_update,
            text=("update-text",),
            other=("update-given_on",),
            saved=lambda w: {"update-text": _latest(ActionUpdate, action=w.action).text},
            models=OWNERS,
            both=False,
        )
    ],
    "actions:action-propose-closure": [
        Form(
            "owner",
            f_propose_closure,
            text=("closure-note",),
            saved=lambda w: {"closure-note": _latest(ActionProposal, action=w.action).note},
            models=OWNERS,
            both=False,
        )
    ],
    "actions:action-ask-target-date": [
        Form(
            "owner",
            f_ask_target_date,
            text=("target-note",),
            other=("target-proposed_target_on",),
            saved=lambda w: {"target-note": _latest(ActionProposal, action=w.action).note},
            models=OWNERS,
            both=False,
        )
    ],
    "actions:action-reopen": [
        Form(
            "secretary",
            f_action_reopen,
            text=("reopen-text",),
            saved=lambda w: {"reopen-text": _latest(ActionUpdate, action=w.closed_action).text},
            models=OWNERS,
            both=False,
        )
    ],
    "actions:proposal-decide": [
        Form(
            "secretary",
            f_proposal_decide,
            text=("decide-{proposal}-note",),
            other=("decide-{proposal}-decision", "decide-{proposal}-return_to"),
            saved=lambda w: {
                f"decide-{w.proposal.pk}-note": ActionProposal.objects.get(pk=w.proposal.pk).decision_note
            },
            models=OWNERS,
            both=False,
        )
    ],
    "actions:owner-link": [
        Form(
            "anonymous",
            f_owner_link,
            text=("text",),
            other=("propose_closure",),
            saved=lambda w: {"text": _latest(ActionUpdate, action=w.action).text},
            models=OWNERS,
            both=False,
        )
    ],
}

# ---- Posting the corpus ---------------------------------------------------------------------


def _names(w):
    return {
        "item": w.item.pk,
        "attendance": w.attendance.pk,
        "action": w.action.pk,
        "oi": w.outstanding_item.pk,
        "oa": w.outstanding_action.pk,
        "proposal": w.proposal.pk,
    }


def _snapshot(models):
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in models}


def assert_sanitised(stored, where):
    """Stored minutes text is sanitised HTML: the allowed tags, attributes and URL schemes only."""
    assert clean_minutes_html(stored) == stored, f"{where}: stored text is not sanitised: {stored[:200]!r}"
    assert_inert_html(stored, where)
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Tags().feed(stored)
    for tag, attrs in tags:
        assert tag in ALLOWED_TAGS, f"{where}: <{tag}> kept"
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, f"{where}: {name} kept on <{tag}>"
            if name == "href" and ":" in (value or ""):
                assert value.split(":", 1)[0].lower() in ALLOWED_URL_SCHEMES, f"{where}: href={value!r}"


def assert_stored_as_sent(kept, sent, where):
    """Plain text: stored as sent (as the server read it), or trimmed: spaces collapsed, a verb or a
    closing full stop taken off a decision; never unescaped, rewritten or added to."""
    assert "\x00" not in kept, f"{where}: NUL stored"
    assert squash(kept) in squash(wire(sent)), f"{where}: stored {kept[:80]!r}"


@dataclass
class Outcome:
    posts: int = 0
    accepted: int = 0
    refused: int = 0
    statuses: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # every failed check, so that one run shows them all

    def expect(self, condition, message):
        if not condition:
            self.problems.append(message)
        return condition


def check_answer(response, where):
    """No server error, and nothing active in an HTML answer."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html") and response.content:
        assert_inert_html(response.content, where)


def post_one(client, w, form, values, outcome, *, htmx, unchanged=True):
    """Post `form` with `values` ({field: value}) in place of valid ones, in a savepoint rolled back after.

    Returns True if the post was accepted. With `unchanged`, a refusal must leave `form.models`
    as they were (two reads of their tables per post; Hypothesis' examples leave it out).
    """
    sid = transaction.savepoint()
    try:
        return _post_one(client, w, form, values, outcome, htmx=htmx, unchanged=unchanged)
    except AssertionError as error:
        outcome.problems.append(str(error).split("\n")[0])
        return False
    except Exception as error:  # the test client raises what a server error would have been
        where = f"POST {form.data.__name__} {[(k, v[:40]) for k, v in values.items()]}"
        outcome.problems.append(f"{where}: server error {type(error).__name__}: {str(error)[:200]}")
        return False
    finally:
        transaction.savepoint_rollback(sid)


def valid_data(form, w):
    """(URL, valid data) of `form`: read once per world, since every post is rolled back to it."""
    known = w.__dict__.setdefault("valid_data", {})
    if id(form) not in known:  # the forms live as long as the module
        known[id(form)] = form.data(w)
    target, data = known[id(form)]
    return target, dict(data)


def _post_one(client, w, form, values, outcome, *, htmx, unchanged):
    target, data = valid_data(form, w)
    names = _names(w)
    fields = {name.format(**names): value for name, value in values.items()}
    text_fields = {name.format(**names) for name in form.text}
    data.update(fields)
    # A move or a life-cycle post is refused with a redirect: only the tables tell.
    unchanged = unchanged or form.refused_redirect
    before = _snapshot(form.models) if unchanged else None
    response = send(client, "POST", target, data, htmx=htmx, multipart=form.multipart)
    status = response.status_code
    where = f"POST {target} ({'htmx' if htmx else 'plain'}) {[(k, v[:40]) for k, v in fields.items()]}"
    outcome.posts += 1
    outcome.statuses[status] = outcome.statuses.get(status, 0) + 1
    check_answer(response, where)
    if status in REFUSED_STATUSES:
        outcome.refused += 1
        outcome.expect(
            not unchanged or _snapshot(form.models) == before,
            f"{where}: refused ({status}) but the database changed",
        )
        if status in (409, 422):
            outcome.expect(shows_error(response.content), f"{where}: refused ({status}) without a message")
        # A NUL typed into a text field is refused with Django's message (when the post is not
        # also refused for a tampered hidden field, which a page may report in its own words).
        only_text = set(fields) <= text_fields
        if status == 422 and only_text and any("\x00" in wire(v) for v in fields.values()):
            outcome.expect(
                NULL_MESSAGE in response.content.decode(), f"{where}: a NUL refused without saying so"
            )
        return False
    assert status in (200, 302), f"{where}: {status}"
    if form.refused_redirect and _snapshot(form.models) == before:
        outcome.refused += 1
        if status == 302:
            # Refused as the app refuses a transition or a move: the message on the page it goes back to.
            page = client.get(response["Location"])
            check_answer(page, f"{where}, then GET {response['Location']}")
            outcome.expect(shows_error(page.content), f"{where}: refused without a message")
        return False
    outcome.accepted += 1
    stored = form.saved(w) if form.saved else {}
    for name, value in fields.items():
        if name not in stored:
            continue
        if any(name == rich.format(**names) for rich in form.rich):
            assert_sanitised(stored[name], where)
        else:
            assert_stored_as_sent(stored[name], value, where)
    return True


def corpus_for(form):
    """Every kind of hostile text for a plain field; for the minutes text, every way of writing markup."""
    if not form.text:
        return []
    return CORPUS_VALUES if form.rich else CORE_VALUES


def run_form(client, w, form):
    outcome = Outcome()
    for value in corpus_for(form):
        values = {name: value for name in form.text}
        accepted = post_one(client, w, form, values, outcome, htmx=form.htmx)
        if not accepted and form.both and any(mark in value for mark in MARKUP):
            # A refusal shows what was typed back: in the partial too, for markup that could break out.
            post_one(client, w, form, values, outcome, htmx=not form.htmx)
        if not accepted and len(form.text) > 1:
            # One field's limit must not hide what the others do with the value.
            for name in form.text:
                post_one(client, w, form, {name: value}, outcome, htmx=form.htmx)
    for name in form.other:
        for index, value in enumerate(OTHER_VALUES):
            post_one(client, w, form, {name: value}, outcome, htmx=form.both and index % 2 == 1)
    return outcome
