"""The audit trail, readable: every recorded change to a meeting or an action, who made it and when.

The rows come from django-simple-history (registered in minutes/audit.py and
actions/audit.py) and, for the minutes' status, from MinutesTransition. A page
costs the same number of queries whatever the number of changes: one query
pages through a UNION of the history tables (newest first), two per kind of
row on the page fetch its rows and their previous versions, and one per kind
of related object names what changed fields point at.
"""

import difflib
import html
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.timezone import localtime
from django.views.decorators.http import require_safe

from actions.models import Action, ActionUpdate, TargetDate
from minutes.access import get_meeting_for, get_meeting_for_revisions
from minutes.audit import LIFECYCLE_FIELDS, diff_fields
from minutes.models import (
    AgendaItem,
    Attendance,
    Decision,
    Footnote,
    Meeting,
    MinutesTransition,
    Organisation,
    Person,
)
from opsg.security import log_refused

PER_PAGE = 50
HTML_FIELDS = {"minutes_text"}
# Unchanged stretches of a long text are shortened to their ends.
CONTEXT_WORDS = 8

CREATED, CHANGED, DELETED = "+", "~", "-"


# ---- What a page lists ------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One kind of historical row shown on a page, and how its entries read."""

    key: str
    label: str
    model: type  # the tracked model; its history model is `model.history.model`
    # What someone did, by history type: "+", "~", "-"; {subject} names the row.
    sentences: tuple
    # Fields that only repeat where the page already is (the meeting of an item).
    context_fields: tuple = ()
    quiet_fields: tuple = ()

    @property
    def history(self):
        return self.model.history.model

    def sentence(self, history_type, subject):
        index = {CREATED: 0, CHANGED: 1, DELETED: 2}.get(history_type, 1)
        return self.sentences[index].format(subject=subject)


MEETING_SOURCES = [
    Source(
        "meeting",
        "Meeting",
        Meeting,
        ("set up the meeting", "changed the meeting details", "deleted the meeting"),
        ("committee",),
        LIFECYCLE_FIELDS,
    ),
    Source(
        "item",
        "Agenda item",
        AgendaItem,
        ("added agenda item {subject}", "changed agenda item {subject}", "deleted agenda item {subject}"),
        ("meeting",),
    ),
    Source(
        "decision",
        "Decision",
        Decision,
        ("recorded decision {subject}", "changed decision {subject}", "deleted decision {subject}"),
    ),
    Source(
        "footnote",
        "Footnote",
        Footnote,
        ("added footnote {subject}", "changed footnote {subject}", "deleted footnote {subject}"),
    ),
    Source(
        "attendance",
        "Attendance",
        Attendance,
        (
            "added {subject} to the attendance",
            "changed the attendance of {subject}",
            "removed {subject} from the attendance",
        ),
        ("meeting",),
    ),
]
ACTION_SOURCES = [
    Source(
        "action",
        "Action",
        Action,
        ("raised action {subject}", "changed action {subject}", "deleted action {subject}"),
        ("committee", "meeting"),
    ),
    Source(
        "target",
        "Target date",
        TargetDate,
        ("set target date {subject}", "changed target date {subject}", "removed target date {subject}"),
        ("action",),
    ),
    Source(
        "update",
        "Update",
        ActionUpdate,
        ("recorded the update {subject}", "changed the update {subject}", "deleted the update {subject}"),
        ("action",),
    ),
]
OWNER_FIELDS = {"owner_organisations": Organisation, "owner_people": Person}


# ---- Entries as the page shows them ----------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    # For long texts: [(kind, text)] with kind "same", "removed" or "added".
    segments: list | None = None


@dataclass
class Entry:
    at: object
    who: str
    kind: str
    summary: str  # what they did: "changed agenda item “Reports”"
    changes: list = field(default_factory=list)
    note: str = ""
    # Created and deleted entries list values as they stood, not old → new.
    lists_values: bool = False


def _who(user):
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


def _plain(value, name):
    text = str(value or "")
    if name in HTML_FIELDS:
        text = re.sub(r"(?i)</(p|li|h\d|div|ul|ol)>|<br\s*/?>", "\n", text)
        text = html.unescape(strip_tags(text))
    return text.strip()


def _shorten(words):
    if len(words) <= 2 * CONTEXT_WORDS + 1:
        return "".join(words)
    return "".join(words[:CONTEXT_WORDS]) + " … " + "".join(words[-CONTEXT_WORDS:])


def word_diff(old, new):
    """The changes between two texts, word by word, as [(kind, text)]."""
    before, after = re.findall(r"\s+|\S+", old), re.findall(r"\s+|\S+", new)
    segments = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", _shorten(before[a1:a2])))
            continue
        if a2 > a1:
            segments.append(("removed", "".join(before[a1:a2])))
        if b2 > b1:
            segments.append(("added", "".join(after[b1:b2])))
    return segments


class Names:
    """What foreign keys point at, by name: collected first, then fetched in one query per model."""

    def __init__(self):
        self.wanted = {}
        self.found = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self):
        User = get_user_model()
        for model, pks in self.wanted.items():
            if model is Meeting:
                rows = {
                    m.pk: m.reference for m in Meeting.objects.select_related("committee").filter(pk__in=pks)
                }
            elif model is AgendaItem:
                rows = dict(AgendaItem._base_manager.filter(pk__in=pks).values_list("pk", "title"))
                missing = pks - rows.keys()
                if missing:
                    # Items deleted since: their last recorded title.
                    recorded = AgendaItem.history.model.objects.filter(id__in=missing).order_by(
                        "id", "history_date", "history_id"
                    )
                    rows.update(
                        {pk: f"{title} (deleted)" for pk, title in recorded.values_list("id", "title")}
                    )
            elif model is User:
                rows = {user.pk: _who(user) for user in User._base_manager.filter(pk__in=pks)}
            elif model is Action:
                rows = dict(Action._base_manager.filter(pk__in=pks).values_list("pk", "reference"))
            elif model is Person:
                rows = dict(Person._base_manager.filter(pk__in=pks).values_list("pk", "name"))
            else:
                rows = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=pks)}
            self.found[model] = rows

    def __call__(self, model, pk):
        if pk is None:
            return ""
        return self.found.get(model, {}).get(pk, f"{model._meta.verbose_name} {pk} (deleted)")


def _field(record, name):
    return record.instance_type._meta.get_field(name)


def _display(model_field, value, names):
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return names(model_field.related_model, value)
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(model_field, models.DateTimeField):
        return date_format(localtime(value), "j F Y, H:i")
    if isinstance(model_field, models.DateField):
        return date_format(value, "j F Y")
    if isinstance(model_field, models.TimeField):
        return value.strftime("%H:%M")
    return str(value)


def _change(model_field, old, new, names):
    label = capfirst(model_field.verbose_name)
    if isinstance(model_field, models.TextField):
        old_text, new_text = _plain(old, model_field.name), _plain(new, model_field.name)
        if old_text == new_text:
            return Change(label, segments=[("same", "(only the formatting changed)")])
        return Change(label, old_text, new_text, segments=word_diff(old_text, new_text))
    return Change(label, _display(model_field, old, names), _display(model_field, new, names))


def _value(model_field, value, names):
    if isinstance(model_field, models.TextField):
        return Change(capfirst(model_field.verbose_name), new=_plain(value, model_field.name))
    return Change(capfirst(model_field.verbose_name), new=_display(model_field, value, names))


# ---- Fetching a page --------------------------------------------------------


def _index(querysets):
    """One UNION over the history tables: (row_kind, row_id, row_at), newest first."""
    parts = [
        queryset.order_by().values(
            row_kind=Value(key, output_field=CharField()), row_id=F(id_field), row_at=F(at_field)
        )
        for key, queryset, id_field, at_field in querysets
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-row_at", "-row_id", "row_kind")


def _previous(history):
    """The history id of the version before each row (None for the first)."""
    earlier = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    return Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])


def _fetch(source, ids):
    """The rows `ids` of a source's history with `previous`, the version before each."""
    history = source.history
    rows = list(
        history.objects.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(prev=_previous(history))
    )
    prev_ids = [row.prev for row in rows if row.prev is not None]
    previous = {row.history_id: row for row in history.objects.filter(history_id__in=prev_ids)}
    for row in rows:
        row.previous = previous.get(row.prev)
    return rows


def _owners(records):
    """The owners of each historical action row: {history_id: {field: set of pks}}."""
    result = {record.history_id: {name: set() for name in OWNER_FIELDS} for record in records}
    if not records:
        return result
    history = Action.history.model
    for name in OWNER_FIELDS:
        m2m = getattr(history, name).model
        target = Action._meta.get_field(name).m2m_reverse_field_name()
        rows = m2m.objects.filter(history_id__in=list(result)).values_list("history_id", f"{target}_id")
        for history_id, pk in rows:
            result[history_id][name].add(pk)
    return result


def _subject(source, record, names):
    """How an entry names its row: “Reports”, “NOTED the update” on item “Reports”, ..."""
    key = source.key
    if key == "meeting":
        return ""
    if key == "item":
        return f"“{record.title}”"
    if key == "decision":
        text = Truncator(f"{record.verb} {record.text}").chars(90)
        return f"“{text}” on item “{names(AgendaItem, record.item_id)}”"
    if key == "footnote":
        return f"“{Truncator(record.text).chars(90)}” on item “{names(AgendaItem, record.item_id)}”"
    if key == "attendance":
        return names(Person, record.person_id)
    if key == "action":
        return record.reference
    if key == "target":
        where = f" (agreed at {names(Meeting, record.meeting_id)})" if record.meeting_id else ""
        return date_format(record.target_on, "j F Y") + where
    if key == "update":
        where = f", given at {names(Meeting, record.meeting_id)}" if record.meeting_id else ""
        return f"of {date_format(record.given_on, 'j F Y')}{where}"
    return str(record)


def _want_names(source, record, names):
    for name in diff_fields(record, [*source.context_fields, *source.quiet_fields]):
        model_field = _field(record, name)
        if model_field.is_relation:
            names.want(model_field.related_model, getattr(record, model_field.attname))


def _entry(source, record, names, owners):
    entry = Entry(
        at=record.history_date,
        who=_who(record.history_user),
        kind=source.label,
        summary=source.sentence(record.history_type, _subject(source, record, names)),
    )
    skip = set(source.context_fields) | set(source.quiet_fields)
    previous = record.previous
    if record.history_type == CHANGED and previous is not None:
        delta = record.diff_against(previous, excluded_fields=[*skip, *OWNER_FIELDS])
        for change in delta.changes:
            entry.changes.append(_change(_field(record, change.field), change.old, change.new, names))
    else:
        entry.lists_values = True
        if record.history_type == CHANGED:
            entry.note = "The first recorded version: the values as they stood then."
        for name in diff_fields(record, skip):
            model_field = _field(record, name)
            value = getattr(record, model_field.attname)
            if value not in (None, ""):
                entry.changes.append(_value(model_field, value, names))
    if owners is not None:
        now = owners.get(record.history_id, {})
        before = owners.get(previous.history_id, {}) if previous is not None else {}
        if entry.lists_values or now != before:
            old_names = _owner_names(before, names)
            new_names = _owner_names(now, names)
            if entry.lists_values:
                if new_names:
                    entry.changes.append(Change("Owners", new=new_names))
            elif old_names != new_names:
                entry.changes.append(Change("Owners", old_names, new_names))
    return entry


def _owner_names(owners, names):
    listed = [names(model, pk) for name, model in OWNER_FIELDS.items() for pk in owners.get(name, ())]
    return ", ".join(sorted(listed))


def _transition_entry(transition):
    statuses = dict(Meeting.Status.choices)
    if transition.from_status == Meeting.Status.PUBLISHED:
        summary = "started an amendment of the published minutes"
    else:
        summary = {
            Meeting.Status.DRAFT: "reopened the minutes as a draft",
            Meeting.Status.CIRCULATED: "circulated the minutes",
            Meeting.Status.APPROVED: "approved the minutes",
            Meeting.Status.PUBLISHED: "published the minutes",
        }.get(transition.to_status, "changed the minutes status")
    return Entry(
        at=transition.at,
        who=_who(transition.by),
        kind="Minutes",
        summary=summary,
        changes=[Change("Minutes status", statuses[transition.from_status], statuses[transition.to_status])],
        note=transition.note,
    )


def history_page(sources, scopes, *, page_number, transitions=None):
    """A page of entries, newest first, from `sources` (each limited by its scope) and transitions."""
    querysets = [
        (source.key, source.history.objects.filter(scopes[source.key]), "history_id", "history_date")
        for source in sources
    ]
    if transitions is not None:
        querysets.append(("transition", transitions, "id", "at"))
    page = Paginator(_index(querysets), PER_PAGE).get_page(page_number)
    rows = list(page.object_list)

    wanted = {}
    for row in rows:
        wanted.setdefault(row["row_kind"], []).append(row["row_id"])
    by_key = {source.key: source for source in sources}
    records = {}
    for key, ids in wanted.items():
        if key == "transition":
            fetched = transitions.filter(pk__in=ids).select_related("by")
            records.update({(key, t.pk): t for t in fetched})
        else:
            records.update({(key, r.history_id): r for r in _fetch(by_key[key], ids)})

    owners = None
    if "action" in wanted:
        owners = _owners(
            [r for (key, _), r in records.items() if key == "action"]
            + [r.previous for (key, _), r in records.items() if key == "action" and r.previous is not None]
        )

    names = Names()
    for (key, _), record in records.items():
        if key == "transition":
            continue
        source = by_key[key]
        for version in (record, record.previous):
            if version is not None:
                _want_names(source, version, names)
        if key in ("decision", "footnote"):
            names.want(AgendaItem, record.item_id)
        if key == "attendance":
            names.want(Person, record.person_id)
        if key in ("target", "update"):
            names.want(Meeting, record.meeting_id)
    for owned in (owners or {}).values():
        for name, model in OWNER_FIELDS.items():
            for pk in owned[name]:
                names.want(model, pk)
    names.fetch()

    entries = []
    for row in rows:
        record = records.get((row["row_kind"], row["row_id"]))
        if record is None:
            continue
        if row["row_kind"] == "transition":
            entries.append(_transition_entry(record))
        else:
            source = by_key[row["row_kind"]]
            entries.append(_entry(source, record, names, owners if source.key == "action" else None))
    return page, entries


# ---- Views ------------------------------------------------------------------


def _meeting_scopes(meeting):
    items = Q(item_id__in=AgendaItem._base_manager.filter(meeting=meeting).values("pk")) | Q(
        item_id__in=AgendaItem.history.model.objects.filter(meeting_id=meeting.pk).values("id")
    )
    return {
        "meeting": Q(id=meeting.pk),
        "item": Q(meeting_id=meeting.pk),
        "decision": items,
        "footnote": items,
        "attendance": Q(meeting_id=meeting.pk),
    }


def _actions_raised_at(meeting):
    """Actions raised at the meeting, with those deleted since: [(id, reference, is_deleted)]."""
    current = dict(Action._base_manager.filter(meeting=meeting).values_list("pk", "reference"))
    deleted = (
        Action.history.model.objects.filter(meeting_id=meeting.pk, history_type=DELETED)
        .exclude(id__in=list(current))
        .order_by()
        .values_list("id", "reference")
        .distinct()
    )
    rows = [(pk, reference, False) for pk, reference in current.items()]
    rows += [(pk, reference, True) for pk, reference in deleted]
    return sorted(rows, key=lambda row: row[1])


@require_safe
@login_required
def meeting_history(request, reference):
    # The history shows draft wording: like revisions, it is for the committee's members.
    meeting = get_meeting_for_revisions(request.user, reference)
    page, entries = history_page(
        MEETING_SOURCES,
        _meeting_scopes(meeting),
        page_number=request.GET.get("page"),
        transitions=MinutesTransition.objects.filter(meeting=meeting),
    )
    return render(
        request,
        "minutes/history/meeting_history.html",
        {"meeting": meeting, "page": page, "entries": entries, "actions": _actions_raised_at(meeting)},
    )


@require_safe
@login_required
def action_history(request, reference, action_id):
    meeting = get_meeting_for(request.user, reference)
    action = (
        Action._base_manager.filter(pk=action_id, meeting=meeting).values_list("reference", flat=True).first()
    )
    is_deleted = False
    if action is None:
        # A deleted action keeps its history.
        action = (
            Action.history.model.objects.filter(id=action_id, meeting_id=meeting.pk)
            .values_list("reference", flat=True)
            .first()
        )
        is_deleted = True
    if action is None:
        log_refused(request, f"no action {action_id} raised at {meeting.reference}")
        raise Http404("No such action at this meeting.")
    page, entries = history_page(
        ACTION_SOURCES,
        {"action": Q(id=action_id), "target": Q(action_id=action_id), "update": Q(action_id=action_id)},
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "minutes/history/action_history.html",
        {
            "meeting": meeting,
            "action_reference": action,
            "is_deleted": is_deleted,
            "page": page,
            "entries": entries,
        },
    )


urlpatterns = [
    path("meetings/<str:reference>/history/", meeting_history, name="meeting-history"),
    path(
        "meetings/<str:reference>/actions/<int:action_id>/history/",
        action_history,
        name="action-history",
    ),
]
